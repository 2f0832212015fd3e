"""Step a built scheduler and record what the optimizer holds: the Trace."""

from __future__ import annotations

import operator
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .errors import LrvizError
from .notices import torch_quiet
from .spec import MAX_STEPS, ScheduleSpec, positive_number, specs_from_tokens, step_count

if TYPE_CHECKING:
    import numpy as np

#: rows recorded between two progress reports
PROGRESS_EVERY = 1 << 16


@dataclass
class Trace:
    """The lr (and momentum) of every param group at every step of one schedule.

    ``lrs[g, t]`` is the lr group ``g`` uses during step ``t``: read before the t-th
    ``scheduler.step()``; row 0 is the starting lr.
    """

    label: str
    lrs: np.ndarray
    momenta: np.ndarray | None = None
    title: str = ""
    spec: ScheduleSpec | None = field(default=None, repr=False)
    #: ``metrics[t]``: the metric passed to ``scheduler.step()`` at the end of step t (ReduceLROnPlateau)
    metrics: np.ndarray | None = None
    #: the number of the first step: ``K + 1`` for a schedule resumed with ``last_epoch=K``, else 0
    start: int = 0
    #: what one row stands for: a ``step`` (iteration) or an ``epoch`` (see lrviz.units)
    unit: str = "step"
    #: iterations per epoch, when known: lets lrviz.units show the rows in the other unit
    steps_per_epoch: int | None = None

    @property
    def lr(self) -> np.ndarray:
        """Shape (steps,) for one param group, else (groups, steps)."""
        return self.lrs[0] if len(self.lrs) == 1 else self.lrs

    @property
    def steps(self) -> int:
        return self.lrs.shape[1]

    @property
    def momentum_name(self) -> str:
        """What ``momenta`` holds: ``momentum`` (SGD) or ``beta1`` (Adam, AdamW: ``betas[0]``)."""
        return "momentum" if self.spec is None or self.spec.optimizer.lower() == "sgd" else "beta1"

    @property
    def groups(self) -> int:
        return self.lrs.shape[0]

    def to_csv(self, path: str | Path) -> None:
        """Write the table ``lrviz table --format csv`` prints, byte for byte."""
        from .output import write_atomically
        from .render.table import table_lines

        write_atomically(path, lambda fh: fh.writelines(table_lines([self], "csv")))


def record(built, steps: int, progress: Callable[[int], None] | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Step ``built.scheduler`` ``steps - 1`` times; return the lr and momentum of each group per step.

    The values go straight into preallocated float64 arrays: 8 bytes a value, no Python object
    kept per step. ``progress(rows)``, when given, hears every PROGRESS_EVERY rows how many are done.
    """
    import numpy as np

    groups = built.optimizer.param_groups
    lrs = np.empty((len(groups), steps))
    momentum = momentum_reader(groups[0])
    momenta = np.empty((len(groups), steps)) if momentum else None
    # A training loop calls optimizer.step() before scheduler.step(); with no gradients it
    # changes nothing the scheduler reads, so once is enough to keep torch's order check quiet.
    built.optimizer.step()
    advance = built.advance
    cells = [(lrs[g], None if momenta is None else momenta[g], group) for g, group in enumerate(groups)]
    for start in range(0, steps, PROGRESS_EVERY):
        stop = min(start + PROGRESS_EVERY, steps)
        for t in range(start, stop):
            for lr_row, momentum_row, group in cells:
                lr_row[t] = group["lr"]
                if momentum_row is not None:
                    momentum_row[t] = momentum(group)
            if t + 1 < steps:
                advance(t)
        if progress is not None:
            progress(stop)
    return lrs, momenta


def momentum_reader(group: dict) -> Callable[[dict], float] | None:
    """What reads a group's momentum: ``momentum`` (SGD), ``betas[0]`` (Adam, AdamW), or None."""
    if "momentum" in group:
        return operator.itemgetter("momentum")
    if "betas" in group:
        return lambda g: g["betas"][0]
    return None


def refuse_unusable(lrs: np.ndarray, call: str, start: int = 0) -> None:
    """torch checks an lr when an optimizer is made, not when a scheduler sets one: a negative
    or non-finite lr (``gamma=-1``, an overflowing ``ExponentialLR``) is meaningless, so refuse it."""
    import numpy as np

    bad = np.argwhere(~np.isfinite(lrs) | (lrs < 0))
    if len(bad):
        g, t = bad[0]
        group = f" in param group {g}" if len(lrs) > 1 else ""
        raise LrvizError(f"{call} sets lr to {float(lrs[g, t])!r} at step {start + t}{group}: torch accepts these "
                         f"arguments, but no optimizer can use an lr that is negative or not finite")


def simulate_spec(spec: ScheduleSpec, progress: Callable[[int, int], None] | None = None, *,
                  make: Callable | None = None) -> Trace:
    """Build and step the schedule ``spec`` describes; ``progress(rows_done, rows)`` hears how far it is.

    ``make(spec)`` builds the objects to step (default lrviz.build.build; lrviz.resume passes one
    that resumes them from a checkpoint)."""
    import numpy as np

    from .build import TORCH_REFUSALS, build, call_text

    with torch_quiet():
        warnings.simplefilter("ignore", FutureWarning)  # e.g. timm's PlateauLRScheduler: "deprecated"
        built = (make or build)(spec)
        steps = built.steps
        if steps > MAX_STEPS:
            raise LrvizError(f"{built.entry.name} runs for {steps:,} steps; lrviz records at most {MAX_STEPS:,}: "
                             f"pass --steps N (steps: N in YAML) to show the first N")
        try:
            lrs, momenta = record(built, steps, progress and (lambda done: progress(done, steps)))
        except TORCH_REFUSALS as exc:
            raise LrvizError(f"{call_text(built.entry.name, built.kwargs)} failed while stepping: "
                             f"{exc or type(exc).__name__}") from None
    refuse_unusable(lrs, call_text(built.entry.name, built.kwargs), built.start)
    metrics = None if built.metrics is None else np.array(built.metrics, dtype=float)
    return Trace(spec.label, lrs, momenta, title=call_text(built.entry.name, built.kwargs), spec=spec,
                 metrics=metrics, start=built.start, unit=spec.interval, steps_per_epoch=spec.steps_per_epoch)


def simulate(spec: str | ScheduleSpec, *, steps: int | None = None, lr: float | None = None,
             label: str | None = None) -> Trace:
    """Simulate one schedule given as inline text, a YAML path or a ScheduleSpec.

    >>> trace = simulate("step:step_size=2,gamma=0.5", steps=5, lr=1.0)
    >>> trace.lr.tolist()
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    if isinstance(spec, str):
        specs = specs_from_tokens([spec])
        if len(specs) != 1:
            raise LrvizError(f"{spec} holds {len(specs)} schedules; simulate takes one")
        spec = specs[0]
    spec = spec.with_overrides(
        steps=None if steps is None else step_count(steps),
        lr=None if lr is None else positive_number(lr, "lr"),
        label=label,
    )
    return simulate_spec(spec)
