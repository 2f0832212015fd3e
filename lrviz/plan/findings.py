"""What breaks real runs: a schedule sized for another run than the one the plan describes.

Each finding names the optimizer step where it bites, what happens there, and the fix. Horizons
are counted in ``scheduler.step()`` calls, which is what the scheduler sees: a run of ``total_steps``
optimizer steps gives it ``scheduler_steps`` calls (once per process under accelerate, once per
epoch with ``interval: epoch``).

>>> from lrviz.plan.derive import derive
>>> from lrviz.plan.model import TrainingPlan
>>> from lrviz.spec import ScheduleSpec, parse_inline
>>> counts = derive(TrainingPlan(runner="accelerate", devices=8, dataset_size=8000, batch_size=10, epochs=1))
>>> [f.kind for f in findings(ScheduleSpec(parse_inline("cosine:T_max=100"), "c"), counts)]
['per-process']
"""

from __future__ import annotations

from dataclasses import dataclass

from ..literals import parse_number
from ..spec import ScheduleSpec, SchedulerSpec
from .counts import RunCounts
from .variables import resolve_spec


@dataclass(frozen=True)
class Finding:
    """One misconfiguration: where it bites (an optimizer step, or None for the whole run), what, the fix."""

    kind: str
    step: int | None
    message: str
    fix: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "step": self.step, "message": self.message, "fix": self.fix}

    def __str__(self) -> str:
        where = "" if self.step is None else f"step {self.step}: "
        return f"{where}{self.message}; fix: {self.fix}"


#: scheduler -> (horizon argument, what happens past it)
HORIZONS = {
    "CosineAnnealingLR": ("T_max", "the cosine rises again"),
    "OneCycleLR": ("total_steps", "torch raises 'Tried to step {calls} times'"),
    "PolynomialLR": ("total_iters", "the decay is over and the lr stays at its end"),
}


def _number(value):
    number = parse_number(value) if isinstance(value, str) else value
    return number if isinstance(number, (int, float)) and not isinstance(number, bool) else None


def horizon_of(name: str, args: dict) -> tuple[str, int | float] | None:
    """The argument sizing the schedule and its value, where the schedule has one."""
    if name.startswith("hf:"):
        value = _number(args.get("num_training_steps"))
        return None if value is None else ("num_training_steps", value)
    if name not in HORIZONS:
        return None
    key = HORIZONS[name][0]
    value = _number(args.get(key, 5 if name == "PolynomialLR" else None))
    if name == "OneCycleLR" and value is None:
        epochs, per_epoch = _number(args.get("epochs")), _number(args.get("steps_per_epoch"))
        value, key = (epochs * per_epoch, "epochs × steps_per_epoch") if epochs and per_epoch else (None, key)
    return None if value is None else (key, value)


def findings(spec: ScheduleSpec, counts: RunCounts) -> list[Finding]:
    """Every misconfiguration of ``spec`` under the run ``counts`` describes, in step order."""
    found = _warmup(counts)
    found += _scheduler(resolve_spec(spec.scheduler, counts), counts, 0, counts.scheduler_steps.value, "scheduler")
    return sorted(found, key=lambda f: (f.step is None, f.step or 0))


def _warmup(counts: RunCounts) -> list[Finding]:
    warmup, total = counts.warmup_steps.value, counts.optimizer_steps.value
    if warmup < total:
        return []
    return [Finding("warmup-long", None, f"warmup ({warmup} steps) is not shorter than the run ({total} optimizer "
                    f"steps): the lr never reaches its peak", "a smaller warmup, or a fraction of the run (warmup: 0.05)")]


def _scheduler(spec: SchedulerSpec, counts: RunCounts, start: int, budget: int, where: str) -> list[Finding]:
    """Findings for ``spec``, which gets scheduler calls ``start .. start + budget`` of the run."""
    from ..catalog import find

    name = find(spec.type).name
    if name == "SequentialLR":
        return _sequential(spec, counts, start, budget, where)
    found = []
    if name.startswith("hf:") and _number(spec.args.get("num_warmup_steps")) is not None:
        warm, size = _number(spec.args["num_warmup_steps"]), _number(spec.args.get("num_training_steps"))
        if size is not None and warm >= size and warm != counts.warmup_steps.value:
            found.append(Finding("warmup-long", counts.step_after_calls(start), f"{where}: num_warmup_steps={warm} is "
                                 f"not below num_training_steps={size}", "num_warmup_steps=warmup_steps"))
    horizon = horizon_of(name, spec.args)
    if horizon is not None:
        found += _horizon(name, *horizon, counts, start, budget, where)
    return found


def _sequential(spec: SchedulerSpec, counts: RunCounts, start: int, budget: int, where: str) -> list[Finding]:
    milestones = [m for m in (_number(v) for v in spec.args.get("milestones") or []) if m is not None]
    children = spec.args.get("schedulers") or []
    found = []
    if 0 in milestones:
        found.append(Finding("milestone-0", counts.step_after_calls(start), f"{where}: SequentialLR has a milestone at 0: "
                             f"schedulers[0] never runs", "drop the 0 milestone and the scheduler it skips"))
    late = [m for m in milestones if m >= budget]
    if late:
        found.append(Finding("milestone-late", None, f"{where}: milestone {late[0]} comes after the run's {budget} "
                             f"scheduler steps: the schedulers after it never run", "milestones within scheduler_steps"))
    bounds = [0, *milestones, budget]
    for i, child in enumerate(children):
        if isinstance(child, SchedulerSpec) and i + 1 < len(bounds):
            begin, end = min(bounds[i], budget), min(max(bounds[i + 1], bounds[i]), budget)
            found += _scheduler(child, counts, start + begin, end - begin, f"{where}.schedulers[{i}]")
    return found


def _horizon(name: str, key: str, size, counts: RunCounts, start: int, budget: int, where: str) -> list[Finding]:
    """A horizon of ``size`` scheduler calls against the ``budget`` this scheduler gets."""
    plan, total = counts.plan, counts.optimizer_steps.value
    label = f"{where} {name}({key}={size:g})"
    whole_run = start == 0 and budget == counts.scheduler_steps.value
    fit = f"{key}=scheduler_steps" if whole_run else f"{key}={budget} (the scheduler steps it gets)"
    if budget > size:
        past = (HORIZONS.get(name, ("", "the schedule is over"))[1]).format(calls=int(size) + 1)
        over = int(size) + 1  # the first call past the horizon
        if name == "OneCycleLR" and plan.runner == "accelerate":
            past = "AcceleratedScheduler stops stepping it: the lr stays where it is"
            over = int(size)  # its last call: then _step_count > total_steps
        bites = counts.step_after_calls(start + over)
        if plan.runner == "accelerate" and plan.devices > 1 and not plan.split_batches and size * plan.devices >= budget:
            return [Finding("per-process", bites, f"{label} is used up by step {bites}: accelerate steps the scheduler "
                            f"once per process ({plan.devices} per optimizer step, {budget} in all), so {past}",
                            f"size it in scheduler steps ({fit}), or split_batches")]
        if plan.interval == "step" and size <= counts.epochs.value < budget:
            return [Finding("epochs-as-steps", bites, f"{label} looks like epochs, but the scheduler is stepped after "
                            f"every optimizer step ({budget} times): after step {bites} {past}",
                            f"{fit}, or step it per epoch (interval: epoch)")]
        return [Finding("horizon-short", bites, f"{label} is shorter than the {budget} scheduler steps it gets: "
                        f"after step {bites} {past}", fit)]
    if budget < size:
        if plan.interval == "epoch" and size > counts.epochs.value and size >= total / 2:
            return [Finding("steps-as-epochs", None, f"{label} looks like optimizer steps, but the scheduler is "
                            f"stepped once per epoch ({budget} times): the run ends early in the schedule",
                            f"{key}=epochs, or step it per optimizer step (interval: step)")]
        return [Finding("horizon-long", None, f"{label} is longer than the {budget} scheduler steps it gets: the run "
                        f"ends before the schedule does", fit)]
    return []
