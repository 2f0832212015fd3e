"""Step a built scheduler and record what the optimizer holds: the Trace."""

from __future__ import annotations

import operator
import warnings
from typing import TYPE_CHECKING, Callable

from ..errors import LrvizError
from ..limits import MAX_RECORDED, MAX_STEPS
from ..notices import torch_quiet, warn
from ..spec import ScheduleSpec
from ..trace import Trace

if TYPE_CHECKING:
    import numpy as np

#: rows recorded between two progress reports
PROGRESS_EVERY = 1 << 16


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
                try:
                    lr_row[t] = group["lr"]
                    if momentum_row is not None:
                        momentum_row[t] = momentum(group)
                except (TypeError, ValueError, KeyError, IndexError, OverflowError):
                    raise LrvizError(f"{built.loaded.name} left {_held(group)} in a param group at step {t}: "
                                     f"lrviz records them as floats") from None
            if t + 1 < steps:
                advance(t)
        if progress is not None:
            progress(stop)
    return lrs, momenta


def _held(group: dict) -> str:
    """What a param group holds where a number belongs, in words."""
    import reprlib

    return ", ".join(f"{key}={reprlib.repr(group.get(key, 'nothing'))}" for key in ("lr", "momentum", "betas")
                     if key == "lr" or key in group)


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


def warn_beyond_float32(lrs: np.ndarray, call: str, start: int = 0) -> None:
    """An lr above float32's largest value is a float64 a scheduler can hold, but a real optimizer
    step on float32 parameters with it raises (torch: "value cannot be converted to type float
    without overflow"): say so once, naming the limit."""
    import numpy as np

    limit = float(np.finfo(np.float32).max)
    over = np.argwhere(lrs > limit)
    if len(over):
        g, t = over[0]
        group = f" in param group {g}" if len(lrs) > 1 else ""
        warn(f"{call} sets lr to {float(lrs[g, t]):.4g} at step {start + t}{group}, above float32's largest value "
             f"{limit:.8g}: an optimizer step on float32 parameters fails with it")


def simulate_spec(spec: ScheduleSpec, progress: Callable[[int, int], None] | None = None,
                  adapt: Callable | None = None, *, make: Callable | None = None) -> Trace:
    """Build and step the schedule ``spec`` describes; ``progress(rows_done, rows)`` hears how far it is.
    ``adapt(built)``, when given, may change how the built scheduler is stepped (lrviz.plan: as a runner steps it).
    ``make(spec)`` builds the objects to step (default lrviz.simulation.build.build; lrviz.simulation.resume
    passes one that resumes them from a checkpoint)."""
    import numpy as np

    from ..limits import charge
    from .build import blamed_on_input, build, call_text, reason

    with torch_quiet():
        warnings.simplefilter("ignore", FutureWarning)  # e.g. timm's PlateauLRScheduler: "deprecated"
        built = (make or build)(spec)
        if adapt is not None:
            adapt(built)
        steps = built.steps
        call = call_text(built.loaded.name, built.kwargs)
        if steps > MAX_STEPS:
            raise LrvizError(f"{built.loaded.name} runs for {steps:,} steps; lrviz records at most {MAX_STEPS:,}: "
                             f"set steps to show the first N")
        groups = len(built.optimizer.param_groups)
        if groups * steps > MAX_RECORDED:
            raise LrvizError(f"'{spec.label}' has {groups:,} param groups x {steps:,} steps = {groups * steps:,} "
                             f"values; lrviz records at most {MAX_RECORDED:,}: show fewer steps")
        charge(groups * steps, f"'{spec.label}' ({groups * steps:,} values)")
        try:
            lrs, momenta = record(built, steps, progress and (lambda done: progress(done, steps)))
        except (Exception, SystemExit) as exc:
            if isinstance(exc, LrvizError) or not blamed_on_input(exc, built.loaded):
                raise
            raise LrvizError(f"{call} failed while stepping: {reason(exc, built.loaded)}") from None
    refuse_unusable(lrs, call, built.start)
    warn_beyond_float32(lrs, call, built.start)
    notes = tuple(note for note in [built.loaded.past_the_end(built.kwargs, steps, built.start)] if note)
    metrics = None if built.metrics is None else np.asarray(built.metrics, dtype=float)
    return Trace(spec.label, lrs, momenta, title=call, spec=spec, metrics=metrics, start=built.start,
                 unit="epoch" if spec.interval == "epoch" else "step", steps_per_epoch=spec.steps_per_epoch, notes=notes)
