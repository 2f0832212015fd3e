"""The options every command taking a SPEC shares, declared once: the command line makes a flag of
each field (``steps_per_epoch`` -> ``--steps-per-epoch``) and ``lrviz.simulate`` takes each as a
keyword. A field added here reaches every command and the Python API at once.

>>> from lrviz.spec.tokens import specs_from_tokens
>>> specs = apply_options(specs_from_tokens(["step:step_size=2"]), SpecOptions(lr="1e-3", sweep=("gamma=0.1,0.5",)))
>>> [(s.label, s.lr) for s in specs]
[('step:step_size=2 gamma=0.1', 0.001), ('step:step_size=2 gamma=0.5', 0.001)]
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Sequence

from ..errors import LrvizError
from ..limits import check_text
from .model import INTERVALS, ScheduleSpec
from .sweep import expand, parse_sweep, with_unique_labels
from .validate import choice, interval_name, positive_number, step_count, warmup_length

#: the runners a training plan follows (lrviz.plan checks the rest of a plan)
RUNNERS = ("loop", "hf-trainer", "lightning", "accelerate")


def option(help: str, metavar: str | None = None, *, repeat: bool = False, flag: bool = False, plan: str | None = None):
    """A field of SpecOptions with what its command-line option shows: a value (``metavar``), several
    (``repeat``) or a switch (``flag``); ``plan``: the TrainingPlan field it sets."""
    return field(default=() if repeat else None,
                 metadata={"help": help, "metavar": metavar, "repeat": repeat, "flag": flag, "plan": plan})


@dataclass(frozen=True)
class SpecOptions:
    """What the user sets on top of a spec; None (or empty) leaves the spec's own value."""

    lr: Any = option("Starting lr of the optimizer (default 0.1).", "LR")
    steps: Any = option("Rows to show (default: the schedule's own horizon, else 100).", "N")
    optimizer: str | None = option("sgd, adam or adamw (default sgd).", "NAME")
    label: Sequence[str] = option("Name in titles, legends and table headers; one per schedule, in order.",
                                  "TEXT", repeat=True)
    set: Sequence[str] = option("Override a YAML value: scheduler.T_max=50.", "KEY=VALUE", repeat=True)
    sweep: Sequence[str] = option("A family of curves: gamma=0.1,0.5,0.9 (an argument, lr or steps).",
                                  "KEY=V1,V2", repeat=True)
    metrics: Any = option("The metric fed to ReduceLROnPlateau's step(): 0.9,0.7,0.7 | log.csv:val_loss | "
                          "'exp(-step / 20)'.", "METRICS")
    steps_per_epoch: Any = option("Iterations per epoch (YAML steps_per_epoch): lets rows be shown in steps or "
                                  "epochs.", "S")
    interval: str | None = option("step, epoch or fraction: how often the training loop calls scheduler.step() "
                                  "(after each step; after each epoch; before each step with epoch + i / "
                                  "steps_per_epoch; default step).", "|".join(INTERVALS))
    warmup: Any = option("A linear warmup in front of the schedule: steps, or a fraction of the run below 1 "
                         "(torch schedules: torchvision's SequentialLR recipe; hf: num_warmup_steps).", "W")
    warmup_start: Any = option("The lr factor the warmup starts from (LinearLR's start_factor; default 0.01).", "F")
    runner: str | None = option("The training run's runner (rows become its optimizer steps): "
                                f"{', '.join(RUNNERS)}.", "|".join(RUNNERS), plan="runner")
    dataset_size: Any = option("Training samples (a training plan).", "N", plan="dataset_size")
    batch_size: Any = option("Samples per batch per device (a training plan).", "B", plan="batch_size")
    devices: Any = option("Processes / devices (a training plan; default 1).", "D", plan="devices")
    grad_accum: Any = option("Gradient accumulation steps (a training plan; default 1).", "A", plan="grad_accum")
    epochs: Any = option("Epochs of the run (a training plan; fractional for hf-trainer).", "E", plan="epochs")
    max_steps: Any = option("Optimizer steps of the run (a training plan; instead of epochs).", "S", plan="max_steps")
    drop_last: bool | None = option("The data loader drops the last partial batch (a training plan).", flag=True,
                                    plan="drop_last")
    frequency: Any = option("Lightning's scheduler frequency (a training plan).", "K", plan="frequency")
    split_batches: bool | None = option("accelerate's split_batches (a training plan).", flag=True,
                                        plan="split_batches")
    runner_version: str | None = option("Follow this version's rules instead of the installed runner's "
                                        "(a training plan).", "VERSION", plan="version")
    trust_code: bool | None = option("Run the code a YAML file names (a module:Class, a file.py:function); "
                                     "without it such a file is refused.", flag=True)

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


def _labels(specs: Sequence[ScheduleSpec], labels: Sequence[str]) -> list[str | None]:
    if not labels:
        return [None] * len(specs)
    for label in labels:
        check_text(label, "label", field="label")
    if len(labels) != len(specs):
        raise LrvizError(f"label is given {len(labels)} times for {len(specs)} schedules: give one per schedule, "
                         f"in order (or name: in YAML)", field="label")
    return list(labels)


def plan_options(options: SpecOptions) -> dict:
    """The training-plan fields the options set (lrviz.plan.TrainingPlan's names), checked where they can be alone."""
    values = {}
    for option in fields(options):
        value, plan = getattr(options, option.name), option.metadata["plan"]
        if plan is None or value is None:
            continue
        if option.name == "runner":
            value = choice(value, RUNNERS, "runner", field="runner")
        elif option.name in ("epochs", "max_steps", "dataset_size", "batch_size", "devices", "grad_accum", "frequency"):
            value = positive_number(value, option.name, integer=option.name != "epochs", field=option.name)
        values[plan] = value
    return values


def _training(spec: ScheduleSpec, options: SpecOptions) -> dict | None:
    """The spec's training plan with the options' plan fields laid over it (None when neither has one)."""
    given = plan_options(options)
    if spec.training is None and not given:
        return None
    return {**(spec.training or {}), **given}


def apply_options(specs: Sequence[ScheduleSpec], options: SpecOptions) -> list[ScheduleSpec]:
    """The specs with ``options`` applied, swept, and their labels made unique."""
    sweeps = [parse_sweep(s) for s in options.sweep]
    changed = [
        spec.with_overrides(
            lr=None if options.lr is None else positive_number(options.lr, "lr", field="lr"),
            steps=None if options.steps is None else step_count(options.steps, "steps", field="steps"),
            label=label,
            optimizer=options.optimizer,
            metrics=options.metrics,
            steps_per_epoch=None if options.steps_per_epoch is None else positive_number(
                options.steps_per_epoch, "steps_per_epoch", integer=True, field="steps_per_epoch"),
            interval=None if options.interval is None else interval_name(options.interval, "interval", field="interval"),
            warmup=None if options.warmup is None else warmup_length(options.warmup, field="warmup"),
            warmup_start=None if options.warmup_start is None else positive_number(
                options.warmup_start, "warmup_start", field="warmup_start"),
            training=_training(spec, options),
        )
        for spec, label in zip(specs, _labels(specs, options.label))
    ]
    return with_unique_labels(expand(changed, sweeps))
