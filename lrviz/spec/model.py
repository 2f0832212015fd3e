"""The data a schedule spec is parsed into: plain, validated, torch-free.

>>> inline_text(SchedulerSpec("cosine", {"T_max": 20, "eta_min": 1e-05}))
'cosine:T_max=20,eta_min=1e-05'

A scheduler may also be given from Python as a callable taking the optimizer (a factory such as
``lambda opt: MyLR(opt, 10)``, or a class): its name is then a SchedulerFactory, a str carrying the
callable, so it goes wherever a scheduler's name goes (labels, titles) and lrviz.catalog builds with it.

>>> def halving(optimizer):
...     pass
>>> name = SchedulerFactory(halving)
>>> str(name), name.factory is halving, name == "halving", name == SchedulerFactory(halving)
('halving', True, False, True)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import LrvizError

DEFAULT_LR = 0.1
#: rows simulated when neither the user nor the schedule says how many
DEFAULT_STEPS = 100
#: the units rows can be shown in: one row per step (iteration) or per epoch
UNITS = ("step", "epoch")
#: how often a training loop calls ``scheduler.step()``: after every step, after every epoch, or before
#: every step with the epoch as a fraction (``scheduler.step(t / steps_per_epoch)``)
INTERVALS = ("step", "epoch", "fraction")
#: the LinearLR ``start_factor`` of a ``warmup`` when none is given: torchvision's reference recipe
DEFAULT_WARMUP_START = 0.01


def callable_name(value: Callable) -> str:
    """What a callable is called: its ``__name__`` (``<lambda>`` for a lambda), a partial's function's,
    else its type's.

    >>> import functools
    >>> callable_name(abs), callable_name(functools.partial(max, 1)), callable_name(lambda x: x)
    ('abs', 'max', '<lambda>')
    """
    name = getattr(value, "__name__", None) or getattr(getattr(value, "func", None), "__name__", None)
    return name if isinstance(name, str) else type(value).__name__


def is_factory(value: Any) -> bool:
    """Is ``value`` a callable given where a scheduler's name goes (rather than text naming one)?"""
    return callable(value) and not isinstance(value, str)


class SchedulerFactory(str):
    """The name of a scheduler given as a callable taking the optimizer, with the callable (``factory``).

    Two are equal when they carry the same callable (never equal to plain text), so that two
    lambdas, both ``<lambda>``, stay apart; copies are the same object.
    """

    factory: Callable

    def __new__(cls, factory: Callable) -> SchedulerFactory:
        if not is_factory(factory):
            raise LrvizError(f"a scheduler factory must be callable, got {type(factory).__name__}")
        self = super().__new__(cls, callable_name(factory))
        self.factory = factory
        return self

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SchedulerFactory) and other.factory is self.factory

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(id(self.factory))

    def __repr__(self) -> str:
        return f"SchedulerFactory({self.factory!r})"

    def __copy__(self) -> SchedulerFactory:
        return self

    def __deepcopy__(self, memo: dict) -> SchedulerFactory:
        return self

    def __reduce__(self):
        return SchedulerFactory, (self.factory,)


@dataclass
class SchedulerSpec:
    """One scheduler: its name as written (a SchedulerFactory for a callable) and its raw arguments
    (nested specs for composites)."""

    type: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class ScheduleSpec:
    """Everything needed to simulate one schedule."""

    scheduler: SchedulerSpec
    label: str
    lr: float = DEFAULT_LR
    steps: int | None = None
    optimizer: str = "sgd"
    optimizer_args: dict[str, Any] = field(default_factory=dict)
    param_groups: list[dict[str, Any]] = field(default_factory=list)
    steps_per_epoch: int | None = None
    #: how often the training loop calls ``scheduler.step()``: one of INTERVALS
    interval: str = "step"
    metrics: Any = None
    #: a linear warmup put in front of the schedule: steps, or a fraction of the run when below 1
    warmup: float | None = None
    #: the lr factor the warmup starts from (default DEFAULT_WARMUP_START)
    warmup_start: float | None = None
    #: the training run (lrviz.plan.TrainingPlan's fields, as given): rows are then its optimizer steps
    training: dict[str, Any] | None = None
    description: str = ""
    source: str = ""

    def with_overrides(self, **changes) -> ScheduleSpec:
        """A copy with the given fields replaced where the value is not None."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


def inline_text(spec: SchedulerSpec) -> str:
    """The inline form of a spec, used as its default label."""
    def show(value):
        if isinstance(value, list):
            return "[" + ",".join(show(v) for v in value) + "]"
        if isinstance(value, SchedulerSpec):
            return inline_text(value)
        if callable(value) and hasattr(value, "__name__"):
            return value.__name__  # a Python function (lr_lambda), not its address
        return str(value)

    name = str(spec.type)  # plain text, also for a scheduler given as a callable (lrviz.spec.factory)
    if not spec.args:
        return name
    return name + ":" + ",".join(f"{k}={show(v)}" for k, v in spec.args.items())
