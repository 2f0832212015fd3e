"""Every scheduler lrviz knows, read from the installed libraries by introspection.

Names are case-insensitive torch class names or short aliases; peers are namespaced
(``timm:step``, ``hf:linear``).
"""

from __future__ import annotations

import inspect
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable, Iterable, NamedTuple

from .errors import LrvizError
from .spec import suggest
from .usercode import is_reference, load

#: short names users type; the class names themselves are always accepted too
TORCH_ALIASES = {
    "step": "StepLR",
    "multistep": "MultiStepLR",
    "constant": "ConstantLR",
    "linear": "LinearLR",
    "exp": "ExponentialLR",
    "exponential": "ExponentialLR",
    "poly": "PolynomialLR",
    "polynomial": "PolynomialLR",
    "cosine": "CosineAnnealingLR",
    "cos": "CosineAnnealingLR",
    "sgdr": "CosineAnnealingWarmRestarts",
    "warm_restarts": "CosineAnnealingWarmRestarts",
    "cyclic": "CyclicLR",
    "clr": "CyclicLR",
    "onecycle": "OneCycleLR",
    "one_cycle": "OneCycleLR",
    "plateau": "ReduceLROnPlateau",
    "lambda": "LambdaLR",
    "multiplicative": "MultiplicativeLR",
    "sequential": "SequentialLR",
    "chained": "ChainedScheduler",
    "chain": "ChainedScheduler",
}
#: constructor arguments that lrviz supplies itself or that torch deprecated
HIDDEN_ARGS = ("self", "optimizer", "verbose")
REQUIRED = inspect.Parameter.empty


@dataclass(frozen=True)
class ArgInfo:
    """One constructor argument: name, type hint and default (``REQUIRED`` when none)."""

    name: str
    hint: Any
    default: Any

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


class Drive(NamedTuple):
    """How a built scheduler is stepped, and how many rows its schedule defines for itself."""

    #: performs the step ending row ``t``; None: ``scheduler.step()``
    advance: Callable[[int], None] | None
    horizon: int | None


@dataclass(frozen=True)
class Entry:
    """A known scheduler: how to build it and what it takes."""

    name: str
    source: str
    target: Callable
    args: tuple[ArgInfo, ...]
    aliases: tuple[str, ...] = ()
    doc: str = ""
    #: ``drive(scheduler, kwargs, spec) -> Drive`` for schedulers stepped their own way (timm);
    #: None: ``scheduler.step()`` and ``horizon()``
    drive: Callable[..., Drive] | None = None
    #: ``own_horizon(kwargs)``: the rows its arguments define (Hugging Face's ``num_training_steps``)
    own_horizon: Callable[[dict], int | None] | None = None

    def arg(self, name: str) -> ArgInfo | None:
        return next((a for a in self.args if a.name == name), None)

    def signature_text(self) -> str:
        """``T_max, eta_min=0.0, last_epoch=-1``: what the constructor takes."""
        from .cache import facts_of

        return facts_of(self).signature_text()


def _hint_namespace(func) -> dict:
    """Names a string annotation may use: the defining module's globals plus typing's."""
    import collections.abc

    namespace = {name: getattr(typing, name) for name in typing.__all__}
    namespace.update({name: getattr(collections.abc, name) for name in collections.abc.__all__})
    namespace.update(getattr(func, "__globals__", {}))
    return namespace


def resolve_hint(annotation, namespace: dict):
    """A parameter's annotation as a type object, or None when it cannot be resolved."""
    if annotation is inspect.Parameter.empty:
        return None
    if not isinstance(annotation, str):
        return annotation
    try:
        return eval(annotation, namespace)  # noqa: S307 - annotations of installed code, as typing.get_type_hints does
    except Exception:
        return None


def read_args(target: Callable) -> tuple[ArgInfo, ...]:
    """The user-facing constructor arguments of a class or function, with resolved type hints."""
    namespace = _hint_namespace(target.__init__ if inspect.isclass(target) else target)
    args = []
    for param in inspect.signature(target).parameters.values():
        if param.name in HIDDEN_ARGS or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        hint = resolve_hint(param.annotation, namespace)
        if hint is None and param.default not in (REQUIRED, None):
            hint = type(param.default)
        args.append(ArgInfo(param.name, hint, param.default))
    return tuple(args)


def first_doc_line(obj) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.strip().split("\n\n")[0].replace("\n", " ")


@cache
def torch_entries() -> dict[str, Entry]:
    """Every scheduler class ``torch.optim.lr_scheduler`` exports, keyed by class name."""
    from torch.optim import lr_scheduler

    base = lr_scheduler.LRScheduler
    entries = {}
    for name in lr_scheduler.__all__:
        cls = getattr(lr_scheduler, name)
        if inspect.isclass(cls) and issubclass(cls, base) and cls is not base:
            aliases = tuple(a for a, target in TORCH_ALIASES.items() if target == name)
            entries[name] = Entry(name, "torch", cls, read_args(cls), aliases, first_doc_line(cls))
    return entries


def all_entries() -> list[Entry]:
    """Every scheduler known, torch's first, then those of the peer libraries installed."""
    from . import peers

    return list(torch_entries().values()) + peers.installed_entries()


def custom_entry(reference: str) -> Entry:
    """A scheduler class of the user's own, ``path/to/file.py:MyLR`` or ``package.module:MyLR``,
    with its arguments read from its signature like torch's."""
    target = load(reference)
    if not callable(target):
        raise LrvizError(f"{reference} is a {type(target).__name__}, not a scheduler class")
    try:
        params = inspect.signature(target).parameters
    except (TypeError, ValueError):
        params = {}
    if "optimizer" not in params:
        raise LrvizError(f"{reference} must take an 'optimizer' argument, as torch schedulers do")
    name = getattr(target, "__name__", reference)
    return Entry(name, "custom", target, read_args(target), doc=first_doc_line(target))


def resolve(name: str) -> Entry:
    """The Entry for a user-typed name; an LrvizError with a suggestion when unknown."""
    from . import peers

    if peers.namespace_of(name):
        return peers.resolve(name)
    entries = torch_entries()
    class_name = torch_class_name(name, entries)
    return custom_entry(name.strip()) if class_name is None else entries[class_name]


def torch_class_name(name: str, class_names: Iterable[str]) -> str | None:
    """The torch class a user-typed name means, decided from the names alone (lrviz.cache passes
    cached ones, so no torch is imported); None for a user's class (``file.py:MyLR``); an
    LrvizError with a suggestion for anything else."""
    class_names = list(class_names)
    by_lower = {n.lower(): n for n in class_names}
    key = name.strip().lower()
    if key in TORCH_ALIASES:
        return TORCH_ALIASES[key]
    if key in by_lower:
        return by_lower[key]
    if ":" in name:
        prefix = name.split(":", 1)[0]
        if prefix.lower() in TORCH_ALIASES or prefix.lower() in by_lower:
            raise LrvizError(f"malformed inline spec {name!r}: write {prefix}:key=value,...")
    if is_reference(name):
        return None
    choices = sorted(TORCH_ALIASES) + sorted(class_names)
    raise LrvizError(
        f"unknown scheduler '{name}'{suggest(key, choices) or suggest(name, choices)} "
        f"(run 'lrviz list' to see all; e.g. cosine, step, multistep, onecycle)"
    )


def horizon(entry: Entry, kwargs: dict) -> int | None:
    """The number of steps a schedule defines for itself, where it does (e.g. OneCycleLR)."""
    if entry.own_horizon is not None:
        return entry.own_horizon(kwargs)
    if entry.name == "OneCycleLR":
        if kwargs.get("total_steps"):
            return int(kwargs["total_steps"])
        if kwargs.get("epochs") and kwargs.get("steps_per_epoch"):
            return int(kwargs["epochs"]) * int(kwargs["steps_per_epoch"])
    return None
