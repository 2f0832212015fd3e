"""``--unit`` and ``--steps-per-epoch`` checked against the traces: a choice that changes nothing is said."""

from __future__ import annotations

from typing import Sequence

from ...notices import warn


def _drives_itself(trace) -> bool:
    """Is the schedule stepped by a drive of its own (timm's), which reads steps_per_epoch itself?"""
    from ...catalog import find, load

    return trace.spec is not None and load(find(trace.spec.scheduler.type)).drive is not None


def checked_unit(unit: str | None, traces: Sequence, *, figure: bool, steps_per_epoch_given: bool = False) -> str | None:
    """``unit`` validated; a warning when it, or ``--steps-per-epoch``, changes nothing for these traces."""
    from ...trace.units import check_unit

    unit = check_unit(unit)
    per_step = all(t.spec is None or t.spec.interval == "step" for t in traces)
    if unit is not None and all(t.unit == unit for t in traces):
        other = "--interval epoch" if unit == "step" else "--unit step"
        warn(f"--unit {unit}: the rows are already {unit}s, so it changes nothing; did you mean {other}?")
    elif steps_per_epoch_given and per_step and unit != "epoch" and not figure and not any(map(_drives_itself, traces)):
        warn("--steps-per-epoch changes nothing here: the schedule is stepped every step; add --interval epoch "
             "(the loop steps it once an epoch) or --unit epoch (rows per epoch)")
    return unit
