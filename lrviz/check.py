"""``lrviz check``: is what torch computes self-consistent for this schedule?

Three checks, each on freshly built objects, each comparing two ways torch offers to get the lr:

1. **closed form**: the lr recursive ``step()`` calls leave in the optimizer vs the scheduler's
   own ``_get_closed_form_lr()`` at the same ``last_epoch`` (seed 004's derivation);
2. **get_lr()**: what ``get_lr()`` returns when called outside ``step()`` vs the lr the optimizer
   holds (seed 003's pitfall: its plots called ``get_lr()`` after ``step()``);
3. **resume at K**, two ways, each vs the uninterrupted run from step K+1 on:
   ``state_dict()``: the optimizer's and scheduler's ``state_dict()`` saved at the end of step K and
   loaded into a freshly built pair, as training resumes from a checkpoint (lrviz.simulation.resume);
   ``last_epoch=K``: a scheduler rebuilt with ``last_epoch=K`` on an optimizer holding the groups of
   the uninterrupted run at that point (``lr``, ``initial_lr``, ...), where torch supports that
   (not SequentialLR, whose ``last_epoch`` does not reach its children).

Checks 1 and 3 fail when the largest difference exceeds ``rtol`` times the schedule's largest lr.
Check 2 only warns: ``get_lr()`` is documented for use inside ``step()``; lrviz never records it.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass
from typing import Iterator

from .errors import LrvizError
from .spec import ScheduleSpec, SchedulerSpec

DEFAULT_RTOL = 1e-9
OK, FAIL, DIFFERS, NOT_APPLICABLE = "ok", "FAIL", "differs", "n/a"


@dataclass(frozen=True)
class CheckResult:
    """One comparison: its status, largest absolute and relative difference and where it is."""

    name: str
    status: str
    max_abs: float | None = None
    max_rel: float | None = None
    worst_step: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Report:
    label: str
    title: str
    steps: int
    results: tuple[CheckResult, ...]

    @property
    def failed(self) -> bool:
        return any(r.status == FAIL for r in self.results)


def check_spec(spec: ScheduleSpec, resume_at: list[int] | None = None, rtol: float = DEFAULT_RTOL) -> Report:
    """Run the three checks on ``spec``; ``resume_at`` lists the K to resume at (default: the middle)."""
    from .plan.run import with_spec_warmup
    from .simulation.build import build, call_text
    from .simulation.record import simulate_spec
    from .simulation.refusals import REFUSALS, raised_outside_lrviz

    if not rtol >= 0:
        raise LrvizError(f"rtol must be >= 0, got {rtol}", field="rtol")
    if spec.training is not None:
        raise LrvizError("lrviz check compares torch's own computations of a schedule; a training plan's runner "
                         "steps it otherwise: leave the plan out", field="runner")
    spec = with_spec_warmup(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        simulate_spec(spec)  # what table refuses (an lr no optimizer can use, a failing step), check refuses alike
        built = build(spec)
        steps, first = built.steps, built.start
        if resume_at is None:
            resume_at = [first + max(0, (steps - 2) // 2)]
        for k in resume_at:
            if not first <= k <= first + steps - 2:
                raise LrvizError(f"resume_at {k} is outside {first}..{first + steps - 2} (it must leave a step to continue)",
                                 field="resume_at")
        try:
            results = [closed_form_check(spec, rtol), get_lr_check(spec, rtol)]
            for k in resume_at:
                results += [state_dict_check(spec, k, rtol), last_epoch_check(spec, k, rtol)]
        except REFUSALS as exc:
            if not raised_outside_lrviz(exc):
                raise
            raise LrvizError(f"{built.loaded.name}: {exc or type(exc).__name__}") from None
    return Report(spec.label, call_text(built.loaded.name, built.kwargs), steps, tuple(results))


def walk(built, steps: int) -> Iterator[int]:
    """Yield each row t, stepping as ``simulate.record`` does (optimizer first, then ``advance``)."""
    built.optimizer.step()
    for t in range(steps):
        yield t
        if t + 1 < steps:
            built.advance(t)


def group_lrs(optimizer) -> list[float]:
    return [float(group["lr"]) for group in optimizer.param_groups]


def compare(name: str, actual: list[list[float]], expected: list[list[float]], rtol: float,
            first_step: int = 0, below: str = FAIL, note: str = "") -> CheckResult:
    """Largest |actual - expected| over all rows and groups, also relative to |expected|.

    >>> compare("x", [[1.0], [0.5]], [[1.0], [0.5 + 1e-12]], rtol=1e-9).status
    'ok'
    """
    import numpy as np

    a, b = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    diff = np.abs(a - b)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(diff == 0, 0.0, diff / np.abs(b))
    worst = int(np.unravel_index(np.argmax(diff), diff.shape)[0]) if diff.size else 0
    max_abs = float(diff.max()) if diff.size else 0.0
    scale = float(np.abs(b).max()) if b.size else 0.0
    status = OK if max_abs <= rtol * scale else below
    return CheckResult(name, status, max_abs, float(rel.max()) if rel.size else 0.0,
                       first_step + worst if max_abs else None, note)


def closed_form_check(spec: ScheduleSpec, rtol: float) -> CheckResult:
    """Recursive ``step()`` vs ``_get_closed_form_lr()`` at every row."""
    from .simulation.build import build

    name = "step() vs closed form"
    built = build(spec)
    if not hasattr(built.scheduler, "_get_closed_form_lr"):
        return CheckResult(name, NOT_APPLICABLE, note=f"{built.loaded.name} has no _get_closed_form_lr() in torch")
    held, closed = [], []
    for _ in walk(built, built.steps):
        held.append(group_lrs(built.optimizer))
        closed.append([float(v) for v in built.scheduler._get_closed_form_lr()])
    return compare(name, held, closed, rtol, built.start,
                   note=f"{built.loaded.name}._get_closed_form_lr() at each last_epoch, as step(epoch) uses it")


def get_lr_check(spec: ScheduleSpec, rtol: float) -> CheckResult:
    """``get_lr()`` called between steps vs what the optimizer holds."""
    from .simulation.build import build

    name = "get_lr() vs optimizer"
    built = build(spec)
    held, told = [], []
    for _ in walk(built, built.steps):
        held.append(group_lrs(built.optimizer))
        try:
            told.append([float(v) for v in built.scheduler.get_lr()])
        except (NotImplementedError, AttributeError, TypeError):
            return CheckResult(name, NOT_APPLICABLE, note=f"{built.loaded.name} has no get_lr() of its own")
    result = compare(name, told, held, rtol, built.start, below=DIFFERS)
    note = ("get_lr() is only right inside step(): read get_last_lr() or param_groups (lrviz does)"
            if result.status == DIFFERS else "get_lr() happens to equal the lr in use at every step")
    return dataclasses.replace(result, note=note)


def state_dict_check(spec: ScheduleSpec, k: int, rtol: float) -> CheckResult:
    """Save both ``state_dict()`` at the end of step ``k``, load them into fresh objects and continue."""
    from .simulation.build import build
    from .simulation.record import simulate_spec
    from .simulation.resume import resumed_trace, unresumable_reason

    name = f"resume at {k}: state_dict()"
    reason = unresumable_reason(build(spec).scheduler)
    if reason:
        return CheckResult(name, NOT_APPLICABLE, note=reason)
    try:
        whole, resumed = simulate_spec(spec), resumed_trace(spec, k)
    except LrvizError as exc:  # the spec itself builds (check_spec built it): its checkpoint does not round-trip
        return CheckResult(name, FAIL, note=str(exc))
    note = (f"optimizer and scheduler state_dict() saved at the end of step {k}, loaded into a freshly built pair, "
            f"vs steps {k + 1}..{whole.start + whole.steps - 1}")
    return compare(name, resumed.lrs.T, whole.lrs[:, k + 1 - whole.start:].T, rtol, k + 1, note=note)


def last_epoch_check(spec: ScheduleSpec, k: int, rtol: float) -> CheckResult:
    """Rebuild at ``last_epoch=k`` from the uninterrupted run's param groups and continue."""
    from .simulation.build import Built, build, build_scheduler, make_optimizer

    name = f"resume at {k}: last_epoch={k}"
    entry_spec = spec.scheduler
    if "last_epoch" in entry_spec.args:
        return CheckResult(name, NOT_APPLICABLE, note="the spec already sets last_epoch: remove it to check resuming")
    whole = build(spec)
    if whole.loaded.arg("last_epoch") is None:
        return CheckResult(name, NOT_APPLICABLE, note=f"{whole.loaded.name} takes no last_epoch")
    if hasattr(whole.scheduler, "_schedulers"):
        return CheckResult(name, NOT_APPLICABLE, note=(
            f"torch cannot resume {whole.loaded.name} with last_epoch: it moves its own counter, not its "
            f"children's, which start again from their own step 0; resume it from state_dict()"))
    lrs, saved = [], None
    for t in walk(whole, whole.steps):
        lrs.append(group_lrs(whole.optimizer))
        if t == k + 1:
            saved = [{key: v for key, v in g.items() if key != "params"} for g in whole.optimizer.param_groups]
    optimizer = make_optimizer(spec)
    for group, state in zip(optimizer.param_groups, saved):
        group.update(state)
    resumed_spec = SchedulerSpec(entry_spec.type, {**entry_spec.args, "last_epoch": k})
    scheduler, loaded, kwargs = build_scheduler(resumed_spec, optimizer)
    drive = loaded.drive(scheduler, kwargs, spec).advance if loaded.drive else None
    rebuilt = Built(optimizer, scheduler, loaded, kwargs, whole.steps - k - 1, drive)
    continued = [group_lrs(optimizer) for _ in walk(rebuilt, rebuilt.steps)]
    note = (f"{loaded.name}(last_epoch={k}) on the groups held at step {k + 1} (lr, initial_lr, ...), "
            f"vs steps {k + 1}..{whole.steps - 1}")
    return compare(name, continued, lrs[k + 1:], rtol, k + 1, note=note)


def format_number(value: float | None) -> str:
    """``0``, ``1.2e-17``, ``-``: compact error figures.

    >>> format_number(0.0), format_number(1.234e-17), format_number(None), format_number(math.inf)
    ('0', '1.2e-17', '-', 'inf')
    """
    if value is None:
        return "-"
    if value == 0:
        return "0"
    return f"{value:.2g}" if math.isfinite(value) else "inf"
