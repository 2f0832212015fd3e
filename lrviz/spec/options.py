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
from .model import ScheduleSpec
from .sweep import expand, parse_sweep, with_unique_labels
from .validate import interval_name, positive_number, step_count


def option(help: str, metavar: str | None = None, *, repeat: bool = False, default=None):
    """A field of SpecOptions with what its command-line flag shows."""
    return field(default=() if repeat else default, metadata={"help": help, "metavar": metavar, "repeat": repeat})


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
    interval: str | None = option("step or epoch: how often the training loop calls scheduler.step() "
                                  "(YAML interval; default step).", "step|epoch")

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


def _labels(specs: Sequence[ScheduleSpec], labels: Sequence[str]) -> list[str | None]:
    if not labels:
        return [None] * len(specs)
    if len(labels) != len(specs):
        raise LrvizError(f"label is given {len(labels)} times for {len(specs)} schedules: give one per schedule, "
                         f"in order (or name: in YAML)", field="label")
    return list(labels)


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
        )
        for spec, label in zip(specs, _labels(specs, options.label))
    ]
    return with_unique_labels(expand(changed, sweeps))
