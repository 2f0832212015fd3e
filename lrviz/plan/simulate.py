"""A schedule under a training plan: one row per OPTIMIZER step, the scheduler stepped as the runner steps it.

Row ``t`` is the lr the optimizer uses in optimizer step ``t``. Between rows ``t`` and ``t + 1`` the
runner's ``scheduler.step()`` calls are made (:meth:`RunCounts.calls_after`): one for a loop or the
HF Trainer, one per process for accelerate, per interval and frequency for Lightning. accelerate's
``AcceleratedScheduler`` steps a scheduler with ``total_steps`` (OneCycleLR) only while its
``_step_count <= total_steps``. Its ``adjust_scheduler`` (one more ``_step_count`` per accumulating
batch) is read from the plugin's non-default settings, where its default ``True`` never appears: so,
as the real runs show, accumulating batches do not count.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable

from ..errors import LrvizError
from ..simulation.record import simulate_spec
from ..trace import Trace
from ..spec import ScheduleSpec
from .counts import RunCounts
from .derive import derive
from .model import TrainingPlan
from .variables import resolve_spec


@dataclass
class RunTrace(Trace):
    """A Trace whose rows are the optimizer steps of a run, with what a figure marks on it."""

    #: the run's counts (None only for a Trace made without a plan)
    run: RunCounts | None = None
    #: the first optimizer step after warmup, or None
    warmup_end: int | None = None
    #: the run's last optimizer step + 1 (rows past it, with ``steps`` longer than the run, are beyond the run)
    run_end: int | None = None


def planned_spec(spec: ScheduleSpec, counts: RunCounts) -> ScheduleSpec:
    """``spec`` as simulated under the run: plan variables resolved, rows = the run's optimizer steps."""
    plan = counts.plan
    if spec.interval == "epoch" and plan.interval != "epoch":
        raise LrvizError(f"'{spec.label}' is stepped per epoch (interval: epoch) but the training plan steps the "
                         f"scheduler per optimizer step: set the plan's interval to epoch")
    per_epoch = counts.steps_per_epoch.value
    if spec.steps_per_epoch is not None and spec.steps_per_epoch != per_epoch:
        raise LrvizError(f"steps_per_epoch {spec.steps_per_epoch} of '{spec.label}' disagrees with the run's "
                         f"{per_epoch} optimizer steps per epoch: leave it out, the plan gives it")
    return dataclasses.replace(spec, scheduler=resolve_spec(spec.scheduler, counts),
                               steps=spec.steps or counts.optimizer_steps.value, interval="step",
                               steps_per_epoch=per_epoch)


def runner_advance(built, counts: RunCounts) -> Callable[[int], None]:
    """``advance(t)``: the ``scheduler.step()`` calls the runner makes after optimizer step ``t``."""
    plan = counts.plan
    if built.loaded.drive is not None:
        raise LrvizError(f"{built.loaded.name} is stepped by its library's own loop (timm's step/step_update): "
                         f"a training plan models schedulers stepped with scheduler.step()")
    if built.metrics is not None and (plan.runner != "loop" or plan.interval != "step"):
        raise LrvizError(f"{built.loaded.name} is stepped with a metric: lrviz models that in a plain loop "
                         f"stepping per optimizer step only (runner loop, interval step)")
    one = built.advance
    calls = counts.calls_after
    if plan.runner == "accelerate":
        return _accelerated(built.scheduler, one, counts)
    if plan.runner in ("loop", "hf-trainer") and plan.interval == "step":
        return one

    def advance(t: int) -> None:
        for _ in range(calls(t)):
            one(t)

    return advance


def _accelerated(scheduler, one, counts: RunCounts) -> Callable[[int], None]:
    """``AcceleratedScheduler.step`` at a sync: once per process, OneCycleLR only while within its total."""
    per_sync = counts.calls_after(0)
    guarded = hasattr(scheduler, "total_steps")

    def advance(t: int) -> None:
        for _ in range(per_sync):
            if not guarded or scheduler._step_count <= scheduler.total_steps:
                one(t)

    return advance


def simulate_plan(spec: ScheduleSpec, plan: TrainingPlan | RunCounts,
                  progress: Callable[[int, int], None] | None = None) -> RunTrace:
    """The lr at every optimizer step of the run ``plan`` describes (``spec.steps`` defaults to the run's).

    >>> from lrviz.spec import parse_inline
    >>> spec = ScheduleSpec(parse_inline("step:step_size=1,gamma=0.5"), "halve", lr=1.0)
    >>> plan = TrainingPlan(runner="accelerate", dataset_size=8, batch_size=1, devices=2, epochs=1)
    >>> simulate_plan(spec, plan).lr.tolist()
    [1.0, 0.25, 0.0625, 0.015625]
    """
    counts = plan if isinstance(plan, RunCounts) else derive(plan)
    trace = simulate_spec(planned_spec(spec, counts), progress,
                          adapt=lambda built: setattr(built, "advance", runner_advance(built, counts)))
    fields = {f.name: getattr(trace, f.name) for f in dataclasses.fields(Trace)}
    return RunTrace(**fields, run=counts, warmup_end=counts.warmup_end, run_end=counts.optimizer_steps.value)
