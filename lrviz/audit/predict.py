"""The prediction an audit compares a log with: lr per optimizer step, from any predictor of Traces.

A predictor is a function ``predict(spec) -> Trace`` (default ``lrviz.simulation.record.simulate_spec``)
that honours ``spec.steps``: the number of rows wanted. A Trace's rows count ``scheduler.step()``
calls in its own unit; a schedule stepped per epoch (``unit == "epoch"``) is held over each
epoch's optimizer steps (lrviz.trace.units), so rows here are always optimizer steps.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Callable

from ..errors import LrvizError

if TYPE_CHECKING:
    import numpy as np

    from ..trace import Trace
    from ..spec import ScheduleSpec

Predictor = Callable[["ScheduleSpec"], "Trace"]


def default_predictor() -> Predictor:
    from ..simulation.record import simulate_spec

    return simulate_spec


def per_epoch(spec_or_trace) -> bool:
    """Are the rows of this spec (``interval``) or Trace (``unit``) epochs?"""
    return getattr(spec_or_trace, "interval", getattr(spec_or_trace, "unit", "step")) == "epoch"


def epoch_length(label: str, steps_per_epoch: int | None) -> int:
    """``steps_per_epoch``, required to line a per-epoch schedule up with optimizer steps."""
    if not steps_per_epoch:
        raise LrvizError(f"'{label}' is stepped per epoch: give steps_per_epoch to line its epochs up with "
                         f"the log's optimizer steps")
    return steps_per_epoch


def scheduler_rows(spec: ScheduleSpec, optimizer_rows: int, steps_per_epoch: int | None) -> int:
    """How many of the schedule's own rows cover ``optimizer_rows`` optimizer steps."""
    if not per_epoch(spec):
        return optimizer_rows
    return -(-optimizer_rows // epoch_length(spec.label, steps_per_epoch))


def per_optimizer_step(trace: Trace, group: int, steps_per_epoch: int | None) -> tuple[np.ndarray, int]:
    """``(lrs, start)``: the lr of param group ``group`` at each optimizer step from step ``start``."""
    from ..trace.units import in_unit

    if group >= trace.groups:
        raise LrvizError(f"group {group} asked, but '{trace.label}' has {trace.groups} param group(s)")
    if per_epoch(trace):
        length = epoch_length(trace.label, steps_per_epoch)
        trace = in_unit(dataclasses.replace(trace, steps_per_epoch=length), "step")
    return trace.lrs[group], trace.start


def first_step(predict: Predictor, spec: ScheduleSpec, steps_per_epoch: int | None) -> int:
    """The optimizer step ``spec``'s prediction starts at: 0, or later after a ``last_epoch`` resume."""
    trace = predict(spec.with_overrides(steps=1))
    return trace.start * epoch_length(trace.label, steps_per_epoch) if per_epoch(trace) else trace.start


def predict_steps(predict: Predictor, spec: ScheduleSpec, optimizer_rows: int, group: int,
                  steps_per_epoch: int | None) -> tuple[np.ndarray, int, Trace]:
    """The lr per optimizer step ``spec`` predicts for (at least) ``optimizer_rows`` steps from its
    first step, that step, and the Trace it came from."""
    rows = scheduler_rows(spec, optimizer_rows, steps_per_epoch)
    trace = predict(spec.with_overrides(steps=rows))
    lrs, start = per_optimizer_step(trace, group, steps_per_epoch)
    return lrs, start, trace
