"""Build the real optimizer and scheduler objects a ScheduleSpec describes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..catalog import Loaded, find, load
from ..catalog.arguments import check_names, nested_specs, without_deprecated
from ..catalog.custom import SOURCE as CUSTOM
from ..catalog.drive import Drive
from ..errors import LrvizError
from ..limits import MAX_RESUME_EPOCH
from ..spec import DEFAULT_STEPS, ScheduleSpec, SchedulerSpec, positive_number, suggest
from . import contracts, step_counts
from .argtypes import convert, per_group
from .refusals import REFUSALS, raised_outside_lrviz

OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW"}


@dataclass
class Built:
    """A ready optimizer + scheduler pair, and the number of rows to simulate."""

    optimizer: Any
    scheduler: Any
    loaded: Loaded
    kwargs: dict[str, Any]
    steps: int
    #: ``advance(t)`` performs the scheduler step that ends step ``t`` (``scheduler.step()`` for
    #: torch; a scheduler driven differently, e.g. by metrics or by epoch number, sets its own)
    advance: Callable[[int], None] | None = None
    #: the metric passed to ``step()`` at the end of each step, for schedulers stepped with one (float64)
    metrics: Any = None
    #: the number of the first step shown: ``K + 1`` when resuming with ``last_epoch=K``
    start: int = 0

    def __post_init__(self):
        if self.advance is None:
            step = self.scheduler.step
            self.advance = lambda t: step()


def make_optimizer(spec: ScheduleSpec):
    """A torch optimizer over one dummy parameter per param group (see lrviz.simulation.optimizers)."""
    from ..startup.imports import import_torch
    from .optimizers import dummy_optimizer_class

    torch = import_torch()

    name = spec.optimizer.lower()
    if name not in OPTIMIZERS:
        raise LrvizError(f"unknown optimizer '{spec.optimizer}'{suggest(name, OPTIMIZERS)} (valid: {', '.join(OPTIMIZERS)})")
    groups = []
    for i, group in enumerate(spec.param_groups or [{}]):
        group = dict(group)
        for key in ("lr", "initial_lr"):
            if key in group:
                group[key] = positive_number(group[key], f"param_groups[{i}].{key}")
        _refuse_non_finite(group, f"param_groups[{i}].")
        groups.append({"params": [torch.zeros(1, requires_grad=True)], **group})
    _refuse_non_finite(spec.optimizer_args, "optimizer.")
    try:
        return dummy_optimizer_class(OPTIMIZERS[name])(groups, lr=spec.lr, **spec.optimizer_args)
    except REFUSALS as exc:
        if not raised_outside_lrviz(exc):
            raise
        raise LrvizError(f"optimizer {OPTIMIZERS[name]}: {exc}") from None


def _refuse_non_finite(values: dict, where: str) -> None:
    """torch takes ``momentum: .nan`` or ``weight_decay: .inf`` without a word; no optimizer can use them."""
    import math

    for key, value in values.items():
        numbers = value if isinstance(value, (list, tuple)) else [value]
        if any(isinstance(v, float) and not math.isfinite(v) for v in numbers):
            raise LrvizError(f"{where}{key} must be finite, got {value!r}")


def convert_args(loaded: Loaded, args: dict[str, Any], optimizer) -> dict[str, Any]:
    """Check names against the signature and convert each value to its type, or to a list of one per
    param group where torch takes that (lrviz.simulation.pergroup); children built."""
    from ..usercode import converting
    from .pergroup import check_lengths, per_group_args

    args = without_deprecated(loaded.facts, args)
    check_names(loaded.facts, args)
    kwargs = {}
    grouped = per_group_args(loaded.target) if args else frozenset()  # (a factory's code is read only when needed)
    for key, value in args.items():
        with converting(value):  # code named by a value read from an untrusted file is refused
            children = nested_specs(loaded.facts, key, value)
            hint = per_group(loaded.hints[key]) if key in grouped else loaded.hints[key]
            kwargs[key] = convert(value, hint, key) if children is None else _build_children(children, optimizer)
    check_lengths(loaded.name, kwargs, grouped, len(optimizer.param_groups))
    return kwargs


def _build_children(value, optimizer):
    if isinstance(value, SchedulerSpec):
        return build_scheduler(value, optimizer)[0]
    return [build_scheduler(child, optimizer)[0] for child in value]


def _refuse_unsteppable_children(loaded: Loaded, kwargs: dict) -> None:
    """SequentialLR switches to a child at its milestone by calling the child's ``get_lr()``,
    which composites (ChainedScheduler, SequentialLR) do not have: torch raises NotImplementedError."""
    from torch.optim.lr_scheduler import LRScheduler, SequentialLR

    if loaded.target is not SequentialLR:
        return
    milestones = kwargs.get("milestones") or []
    for i, child in enumerate(kwargs.get("schedulers") or []):
        composite = type(child).get_lr is LRScheduler.get_lr and not hasattr(child, "_get_closed_form_lr")
        if i and composite and not steps_with_metric(child):  # torch names ReduceLROnPlateau itself
            import torch

            at = f" at milestone {milestones[i - 1]}" if i - 1 < len(milestones) else ""
            raise LrvizError(
                f"SequentialLR cannot switch to {type(child).__name__} (schedulers[{i}]){at}: torch "
                f"{torch.__version__.split('+')[0]} calls its get_lr(), which it does not implement "
                f"(NotImplementedError); put it first, or wrap the SequentialLR in a ChainedScheduler instead"
            )


def blamed_on_input(exc: BaseException, loaded: Loaded) -> bool:
    """Is ``exc`` the input's doing: a library refusing what it was given (lrviz.simulation.refusals),
    or anything at all a user's own class raised (``file.py:MyLR``)? Otherwise it is lrviz's bug."""
    if loaded.facts.source == CUSTOM:
        return raised_outside_lrviz(exc)
    return isinstance(exc, REFUSALS) and raised_outside_lrviz(exc)


def reason(exc: BaseException, loaded: Loaded) -> str:
    """What ``exc`` says, never empty; with its type for a user's class (``AttributeError: ...``)."""
    if loaded.facts.source == CUSTOM or not str(exc):
        return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return str(exc)


def build_scheduler(spec: SchedulerSpec, optimizer):
    """Construct one scheduler (and its children) on ``optimizer``; returns (scheduler, loaded, kwargs)."""
    loaded = load(find(spec.type))
    kwargs = convert_args(loaded, spec.args, optimizer)
    contracts.check(loaded.name, kwargs)
    step_counts.check(loaded.facts.source, loaded.name, kwargs)
    _refuse_unsteppable_children(loaded, kwargs)
    try:
        scheduler = loaded.target(optimizer=optimizer, **kwargs)
    except (Exception, SystemExit) as exc:
        if not blamed_on_input(exc, loaded):
            raise
        if isinstance(exc, KeyError) and "last_epoch" in kwargs:
            raise LrvizError(f"{loaded.name}: resuming with last_epoch={kwargs['last_epoch']} needs {exc} in "
                             f"every optimizer.param_groups entry") from None
        where = f" ({loaded.facts.location}) failed while being built" if loaded.facts.source == CUSTOM else ""
        raise LrvizError(f"{loaded.name}{where}: {reason(exc, loaded)}") from None
    if not callable(getattr(scheduler, "step", None)):
        import reprlib

        raise LrvizError(f"{loaded.facts.location} returned {reprlib.repr(scheduler)}, which has no step() method: "
                         f"lrviz steps a scheduler with step(), as a training loop does")
    return scheduler, loaded, kwargs


def call_text(name: str, kwargs: dict) -> str:
    """``SequentialLR(schedulers=[LinearLR, CosineAnnealingLR], milestones=[5])``: a built call, readable.

    >>> call_text("LambdaLR", {"lr_lambda": abs, "last_epoch": 4})
    'LambdaLR(lr_lambda=abs, last_epoch=4)'
    """
    def show(value) -> str:
        if isinstance(value, (list, tuple)):
            return "[" + ", ".join(show(v) for v in value) + "]"
        if hasattr(value, "optimizer") and hasattr(value, "step"):
            return type(value).__name__
        if callable(value) and hasattr(value, "__name__"):
            return value.__name__
        return str(value)

    return f"{name}({', '.join(f'{k}={show(v)}' for k, v in kwargs.items())})"


def resume_epoch(spec: SchedulerSpec) -> int | None:
    """``K`` when the scheduler is resumed with ``last_epoch=K >= 0``, else None."""
    if spec.args.get("last_epoch") is None:
        return None
    last_epoch = convert(spec.args["last_epoch"], int, "last_epoch")
    if last_epoch > MAX_RESUME_EPOCH:
        raise LrvizError(f"last_epoch must be at most {MAX_RESUME_EPOCH:.0e} (the step a run resumes after), "
                         f"got {last_epoch:.3g}")
    return last_epoch if last_epoch >= 0 else None


def prepare_resume(spec: SchedulerSpec, optimizer, make_scratch) -> None:
    """Give each param group what torch requires to resume: ``initial_lr`` (seed 000's KeyError) and
    whatever else a fresh scheduler records there (OneCycleLR's ``max_lr``), as torch computes it.

    ``make_scratch()`` returns a fresh optimizer like ``optimizer``; a scheduler with
    ``last_epoch=-1`` is built on it and its group entries are copied where missing.
    """
    fresh = SchedulerSpec(spec.type, {k: v for k, v in spec.args.items() if k != "last_epoch"})
    scratch = make_scratch()
    build_scheduler(fresh, scratch)
    for group, scratch_group in zip(optimizer.param_groups, scratch.param_groups):
        for key, value in scratch_group.items():
            if key != "params":
                group.setdefault(key, value)
        group.setdefault("initial_lr", group["lr"])


def build(spec: ScheduleSpec) -> Built:
    """The optimizer and scheduler for ``spec``, and how many rows to simulate."""
    optimizer = make_optimizer(spec)
    resumed = resume_epoch(spec.scheduler)
    if resumed is not None:
        prepare_resume(spec.scheduler, optimizer, lambda: make_optimizer(spec))
    scheduler, loaded, kwargs = build_scheduler(spec.scheduler, optimizer)
    source = None if loaded.drive else metric_source_for(scheduler, loaded, spec)
    if loaded.drive:
        drive = loaded.drive(scheduler, kwargs, spec)
    else:
        drive = Drive(None, source.horizon if source else loaded.horizon(kwargs))
    start = 0 if resumed is None else resumed + 1
    # a resumed schedule with a horizon of its own shows what is left of it
    steps = spec.steps or (drive.horizon and max(1, drive.horizon - start)) or DEFAULT_STEPS
    metrics = source.array(steps - 1) if source else None
    advance = drive.advance
    if metrics is not None:
        step = scheduler.step
        advance = lambda t: step(float(metrics[t]))  # noqa: E731
    if spec.interval == "fraction":
        advance = fractional_epochs(scheduler, loaded, spec, drive.advance is None and metrics is None, start)
    return Built(optimizer, scheduler, loaded, kwargs, steps, advance, metrics=metrics, start=start)


def fractional_epochs(scheduler, loaded: Loaded, spec: ScheduleSpec, steps_itself: bool, start: int = 0):
    """``interval: fraction``: the loop calls ``scheduler.step(t / steps_per_epoch)`` before iteration t
    (torch's documented per-iteration use of CosineAnnealingWarmRestarts): called here for the first
    row's iteration ``start`` (K+1 when resumed after iteration K), then ``advance(t)`` makes the call
    before iteration start + t + 1."""
    import inspect

    if not steps_itself or "epoch" not in inspect.signature(scheduler.step).parameters:
        raise LrvizError(f"interval fraction calls scheduler.step(epoch) with a fractional epoch; "
                         f"{loaded.name}.step() takes no epoch", field="interval")
    if not spec.steps_per_epoch:
        raise LrvizError("steps_per_epoch is needed by interval fraction: the iterations that make an epoch",
                         field="steps_per_epoch")
    per_epoch, step = spec.steps_per_epoch, scheduler.step
    step(start / per_epoch)
    return lambda t: step((start + t + 1) / per_epoch)


def steps_with_metric(scheduler) -> bool:
    """Is ``scheduler.step()`` called with a metric (a required argument), like ReduceLROnPlateau's?"""
    import inspect

    try:
        params = inspect.signature(scheduler.step).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


def metric_source_for(scheduler, loaded: Loaded, spec: ScheduleSpec):
    """The MetricSource feeding ``scheduler.step(metric)``; None for schedulers stepped without one."""
    from .metrics import metric_source

    if not steps_with_metric(scheduler):
        if spec.metrics is not None:
            raise LrvizError(f"metrics are fed to schedulers stepped with a metric, like ReduceLROnPlateau; "
                             f"{loaded.name}.step() takes none")
        return None
    if spec.metrics is None:
        raise LrvizError(
            f"{loaded.name} is stepped with a metric: give metrics as a list (0.9,0.7,0.7), "
            f"a CSV column (log.csv:val_loss) or an expression of step ('exp(-step / 20)')"
        )
    return metric_source(spec.metrics)
