"""Build the real optimizer and scheduler objects a ScheduleSpec describes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .argtypes import convert, type_name
from .errors import LrvizError
from .registry import Entry, horizon, resolve
from .spec import ScheduleSpec, SchedulerSpec, positive_number, suggest

DEFAULT_STEPS = 100
OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW"}
#: exceptions torch raises for argument combinations it refuses; reported as usage errors
TORCH_REFUSALS = (ValueError, TypeError, KeyError, IndexError, ZeroDivisionError, OverflowError,
                  RuntimeError, NotImplementedError, AssertionError)


@dataclass
class Built:
    """A ready optimizer + scheduler pair, and the number of rows to simulate."""

    optimizer: Any
    scheduler: Any
    entry: Entry
    kwargs: dict[str, Any]
    steps: int
    #: ``advance(t)`` performs the scheduler step that ends step ``t`` (``scheduler.step()`` for
    #: torch; a scheduler driven differently, e.g. by metrics or by epoch number, sets its own)
    advance: Callable[[int], None] | None = None

    def __post_init__(self):
        if self.advance is None:
            step = self.scheduler.step
            self.advance = lambda t: step()


def make_optimizer(spec: ScheduleSpec):
    """A torch optimizer over one dummy parameter per param group."""
    import torch

    name = spec.optimizer.lower()
    if name not in OPTIMIZERS:
        raise LrvizError(f"unknown optimizer '{spec.optimizer}'{suggest(name, OPTIMIZERS)} (valid: {', '.join(OPTIMIZERS)})")
    groups = []
    for i, group in enumerate(spec.param_groups or [{}]):
        group = dict(group)
        for key in ("lr", "initial_lr"):
            if key in group:
                group[key] = positive_number(group[key], f"param_groups[{i}].{key}")
        groups.append({"params": [torch.zeros(1, requires_grad=True)], **group})
    try:
        return getattr(torch.optim, OPTIMIZERS[name])(groups, lr=spec.lr, **spec.optimizer_args)
    except TORCH_REFUSALS as exc:
        raise LrvizError(f"optimizer {OPTIMIZERS[name]}: {exc}") from None


def convert_args(entry: Entry, args: dict[str, Any], optimizer) -> dict[str, Any]:
    """Check names against the signature and convert each value to its type."""
    valid = [a.name for a in entry.args]
    for key in args:
        if entry.arg(key) is None:
            raise LrvizError(
                f"unknown argument '{key}' for {entry.name}{suggest(key, valid)} "
                f"(valid: {', '.join(valid) or 'none'})"
            )
    missing = [a.name for a in entry.args if a.required and a.name not in args]
    if missing:
        raise LrvizError(
            f"{entry.name} needs {', '.join(missing)} (arguments: {entry.signature_text()})"
        )
    kwargs = {}
    for key, value in args.items():
        info = entry.arg(key)
        if "LRScheduler" in type_name(info.hint) or _holds_specs(value):
            kwargs[key] = _build_children(value, optimizer, f"{entry.name}.{key}")
        else:
            kwargs[key] = convert(value, info.hint, key)
    return kwargs


def _holds_specs(value) -> bool:
    return isinstance(value, SchedulerSpec) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, SchedulerSpec) for v in value)
    )


def _build_children(value, optimizer, where: str):
    if isinstance(value, SchedulerSpec):
        return build_scheduler(value, optimizer)[0]
    if not _holds_specs(value):
        raise LrvizError(f"{where} must be a list of scheduler mappings, each with a 'type'")
    return [build_scheduler(child, optimizer)[0] for child in value]


def build_scheduler(spec: SchedulerSpec, optimizer):
    """Construct one scheduler (and its children) on ``optimizer``; returns (scheduler, entry, kwargs)."""
    entry = resolve(spec.type)
    kwargs = convert_args(entry, spec.args, optimizer)
    try:
        return entry.target(optimizer=optimizer, **kwargs), entry, kwargs
    except TORCH_REFUSALS as exc:
        raise LrvizError(f"{entry.name}: {exc}") from None


def build(spec: ScheduleSpec) -> Built:
    """The optimizer and scheduler for ``spec``, and how many rows to simulate."""
    optimizer = make_optimizer(spec)
    scheduler, entry, kwargs = build_scheduler(spec.scheduler, optimizer)
    steps = spec.steps or horizon(entry, kwargs) or DEFAULT_STEPS
    return Built(optimizer, scheduler, entry, kwargs, steps)
