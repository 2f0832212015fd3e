"""The data a schedule spec is parsed into: plain, validated, torch-free.

>>> inline_text(SchedulerSpec("cosine", {"T_max": 20, "eta_min": 1e-05}))
'cosine:T_max=20,eta_min=1e-05'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

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


@dataclass
class SchedulerSpec:
    """One scheduler: its name as written and its raw arguments (nested specs for composites)."""

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
        return str(value)

    if not spec.args:
        return spec.type
    return spec.type + ":" + ",".join(f"{k}={show(v)}" for k, v in spec.args.items())
