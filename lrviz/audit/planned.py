"""``run_prediction(spec).audit(log)``: a log audited against a spec as it runs, the prediction ``lrviz plot`` draws for it.

That is the spec with its warmup in front and, under a training plan (``spec.training``), stepped
per optimizer step as its runner steps it (``lrviz.plan.run.simulate_run``), the plan's counts
(optimizer steps per epoch, accumulation, processes) naming the causes of a difference precisely.
A plan of nothing but ``devices`` and ``grad_accum`` describes no run to derive: those only name causes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .search import Hints

if TYPE_CHECKING:
    from ..plan.counts import RunCounts
    from ..spec import ScheduleSpec
    from .core import AuditResult
    from .log import Log
    from .predict import Predictor

#: training fields that name causes without describing a run
HINT_FIELDS = frozenset({"devices", "grad_accum"})


@dataclass(frozen=True)
class RunPrediction:
    """What ``lrviz.audit.audit`` is given to predict the lr of each optimizer step of a run."""

    #: the spec, its rows optimizer steps: the warmup (no plan) or the plan's variables written in
    spec: ScheduleSpec
    predict: Predictor
    hints: Hints
    #: what the plan says is wrong with the schedule (lrviz.plan.findings), one line each
    notes: tuple[str, ...] = ()
    #: the run's counts (lrviz.plan.counts.RunCounts), under a training plan
    counts: RunCounts | None = None

    def describe(self) -> str | None:
        """The run the prediction follows, in a line (None without a training plan).

        >>> from lrviz.plan.derive import derive
        >>> from lrviz.plan.model import TrainingPlan
        >>> plan = TrainingPlan(runner="accelerate", dataset_size=64, batch_size=4, devices=2, epochs=3)
        >>> RunPrediction(None, None, Hints(), counts=derive(plan)).describe()
        'accelerate on 2 devices: 24 optimizer steps (8 an epoch), 48 scheduler.step() calls'
        """
        if self.counts is None:
            return None
        c = self.counts
        devices = f" on {c.plan.devices} devices" if c.plan.devices > 1 else ""
        accum = f", gradient accumulation {c.plan.grad_accum}" if c.plan.grad_accum > 1 else ""
        return (f"{c.plan.runner}{devices}{accum}: {c.optimizer_steps.value:,} optimizer steps "
                f"({c.steps_per_epoch.value:,} an epoch), {c.scheduler_steps.value:,} scheduler.step() calls")

    def audit(self, log: Log, *, group: int = 0, diagnose_mistakes: bool = True) -> AuditResult:
        """``lrviz.audit.audit`` of ``log`` against this prediction, the hints naming causes."""
        from .core import audit

        hints = self.hints
        return audit(log, self.spec, self.predict, group=group, steps_per_epoch=hints.steps_per_epoch,
                     grad_accum=hints.grad_accum, devices=hints.devices, diagnose_mistakes=diagnose_mistakes)


def run_prediction(spec: ScheduleSpec) -> RunPrediction:
    """How to predict ``spec`` as it runs, for any number of rows (its warmup's length fixed first)."""
    from ..plan.run import simulate_run
    from ..spec import positive_number

    training = dict(spec.training or {})
    if training and set(training) <= HINT_FIELDS:
        counts = {name: positive_number(value, f"training.{name}", integer=True) for name, value in training.items()}
        hints = Hints(spec.steps_per_epoch, counts.get("grad_accum"), counts.get("devices"))
        return RunPrediction(_warmup_fixed(dataclasses.replace(spec, training=None)), simulate_run, hints)
    if not training:
        return RunPrediction(_warmup_fixed(spec), simulate_run, Hints(spec.steps_per_epoch))
    from ..plan.derive import derive
    from ..plan.run import plan_of
    from ..plan.variables import resolve_spec

    counts = derive(plan_of(spec))
    plan = counts.plan
    # rows are the run's optimizer steps: the plan steps the scheduler (per epoch too, with interval epoch)
    run = dataclasses.replace(spec, scheduler=resolve_spec(spec.scheduler, counts), interval="step",
                              training={**training, "interval": plan.interval})
    notes = simulate_run(run.with_overrides(steps=1)).notes
    hints = Hints(counts.steps_per_epoch.value, plan.grad_accum, plan.devices)
    return RunPrediction(run, simulate_run, hints, notes, counts)


def _warmup_fixed(spec: ScheduleSpec) -> ScheduleSpec:
    """``spec`` with its warmup put in front of its scheduler, its length taken from the spec's own
    run (a fraction of ``steps`` or the horizon, as plotted), not from the rows an audit asks for."""
    from ..plan.run import with_spec_warmup

    return dataclasses.replace(with_spec_warmup(spec), warmup=None)
