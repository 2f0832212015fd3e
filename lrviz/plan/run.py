"""A schedule as it will run: its warmup put in front, and under a training plan, stepped per
optimizer step as the runner steps it, with the run's misconfigurations as notes."""

from __future__ import annotations

import dataclasses
from typing import Callable

from ..errors import LrvizError
from ..spec import ScheduleSpec
from ..trace import Trace
from .warmup import warmup_steps, with_warmup


def plan_of(spec: ScheduleSpec):
    """The TrainingPlan of ``spec``: its ``training`` fields, with the spec's own warmup and interval."""
    from .model import plan_from_mapping

    mapping = dict(spec.training)
    if spec.interval == "fraction":
        raise LrvizError("interval fraction is a plain loop's stepping: a training plan steps the scheduler as its "
                         "runner does (interval step or epoch)", field="interval")
    if spec.warmup is not None:
        if mapping.get("warmup") not in (None, spec.warmup):
            raise LrvizError(f"warmup is given twice: {spec.warmup} and training.warmup {mapping['warmup']}",
                             field="warmup")
        mapping["warmup"] = spec.warmup
    if spec.interval != "step" and "interval" not in mapping:
        mapping["interval"] = spec.interval
    return plan_from_mapping(mapping)


def supplied_arguments(spec: ScheduleSpec) -> set[str]:
    """The scheduler arguments the run fills in: a warmup's ``num_warmup_steps`` (Hugging Face schedules),
    and under the HF Trainer ``num_training_steps`` too (lrviz.plan.variables)."""
    supplied = {"num_warmup_steps"} if spec.warmup else set()
    if spec.training and spec.training.get("runner") == "hf-trainer":
        supplied |= {"num_warmup_steps", "num_training_steps"}
    return supplied


def _run_length(spec: ScheduleSpec) -> int:
    """The rows ``spec`` shows without its warmup: ``steps``, else the horizon its arguments define
    (read from them as written: a warmup's schedule may not build without it), else the default."""
    from ..catalog import find, load
    from ..spec import DEFAULT_STEPS

    return spec.steps or load(find(spec.scheduler.type)).horizon(spec.scheduler.args) or DEFAULT_STEPS


def with_spec_warmup(spec: ScheduleSpec) -> ScheduleSpec:
    """``spec`` with its warmup (if any) put in front of its scheduler, for a run without a plan."""
    if not spec.warmup:
        return spec
    steps = warmup_steps(spec.warmup, _run_length(spec))
    return dataclasses.replace(spec, scheduler=with_warmup(spec.scheduler, steps, spec.warmup_start))


def resumed_run(spec: ScheduleSpec, k: int) -> Trace:
    """The run of ``spec`` resumed from ``state_dict()`` checkpoints saved after step ``k``
    (lrviz.simulation.resume), its warmup included."""
    from ..simulation.resume import resumed_trace

    if spec.training is not None:
        raise LrvizError("resume_at shows a schedule resumed in a plain loop; leave out the training plan",
                         field="resume_at")
    return resumed_trace(with_spec_warmup(spec), k)


def simulate_run(spec: ScheduleSpec, progress: Callable[[int, int], None] | None = None) -> Trace:
    """Simulate ``spec`` as it will run: with its warmup, and its training plan when it has one."""
    from ..simulation.record import simulate_spec

    if spec.training is None:
        return simulate_spec(with_spec_warmup(spec), progress)
    from .derive import derive
    from .findings import findings
    from .simulate import simulate_plan
    from .variables import resolve_spec

    counts = derive(plan_of(spec))
    scheduler = resolve_spec(spec.scheduler, counts)
    if spec.warmup:
        scheduler = with_warmup(scheduler, counts.warmup_steps.value, spec.warmup_start)
    run = dataclasses.replace(spec, scheduler=scheduler)
    trace = simulate_plan(run, counts, progress)
    trace.notes += tuple(str(finding) for finding in findings(run, counts))
    return trace
