"""Epochs and iterations: show a schedule stepped per epoch per iteration, and the reverse.

A trace's rows are in its own unit (``Trace.unit``): one row per ``scheduler.step()``. With
``steps_per_epoch`` S known:

- a per-epoch schedule shown per step repeats each epoch's lr S times: the loop calls
  ``scheduler.step()`` only at the end of an epoch, so the lr is constant over its S iterations;
- a per-step schedule shown per epoch keeps the lr at the first iteration of each epoch: the
  row of step ``e * S`` for epoch ``e``, whatever step the rows start at (a schedule resumed with
  ``last_epoch=K`` starts at step K+1, maybe inside an epoch: it is shown from the first epoch
  that starts at or after it); a figure keeps every iteration and only relabels the x axis instead.

Row numbers stay exact: epoch ``e`` of a per-epoch trace is steps ``e * S`` to ``e * S + S - 1``.

>>> import numpy as np
>>> from lrviz.trace import Trace
>>> per_epoch = Trace("a", np.array([[0.1, 0.05]]), unit="epoch", steps_per_epoch=3)
>>> in_unit(per_epoch, "step").lrs.tolist()
[[0.1, 0.1, 0.1, 0.05, 0.05, 0.05]]
>>> in_unit(in_unit(per_epoch, "step"), "epoch").lrs.tolist()
[[0.1, 0.05]]
>>> resumed = Trace("b", np.array([[5.0, 6.0, 7.0, 8.0, 9.0]]), start=5, steps_per_epoch=3)  # steps 5..9
>>> shown = in_unit(resumed, "epoch")
>>> shown.start, shown.lrs.tolist()  # epoch 2 starts at step 6, epoch 3 at step 9
(2, [[6.0, 9.0]])
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Sequence

from ..errors import LrvizError
from ..limits import MAX_STEPS
from ..spec import unit_name

if TYPE_CHECKING:
    from .trace import Trace

def check_unit(unit: str | None) -> str | None:
    """``unit`` validated (None stays None: each trace's own)."""
    return None if unit is None else unit_name(unit, "unit", field="unit")


def row_span(trace: Trace, unit: str) -> float:
    """How many ``unit``\\ s one row of ``trace`` spans: 1, S (epoch rows in steps) or 1/S."""
    if unit == trace.unit:
        return 1
    if not trace.steps_per_epoch:
        raise LrvizError(f"steps_per_epoch is needed to show '{trace.label}' (stepped per {trace.unit}) in {unit}s",
                         field="steps_per_epoch")
    return trace.steps_per_epoch if trace.unit == "epoch" else 1 / trace.steps_per_epoch


def in_unit(trace: Trace, unit: str) -> Trace:
    """``trace`` with one row per ``unit`` (see the module doc for what each direction keeps)."""
    if unit == trace.unit:
        return trace
    row_span(trace, unit)  # an LrvizError without steps_per_epoch
    per_epoch = trace.steps_per_epoch
    if trace.unit == "epoch" and trace.steps * per_epoch > MAX_STEPS:
        raise LrvizError(f"'{trace.label}' shown per {unit} is {trace.steps:,} {trace.unit}s x {per_epoch:,} "
                         f"{unit}s = {trace.steps * per_epoch:,} rows; at most {MAX_STEPS:,} are shown: show it per "
                         f"{trace.unit}, or fewer {trace.unit}s")
    if trace.unit == "epoch":  # to steps: epoch e is steps e*S .. e*S + S - 1
        start, pick = trace.start * per_epoch, None
    else:  # to epochs: the row of step e*S for every epoch e starting within the rows
        start = -(-trace.start // per_epoch)
        skip = start * per_epoch - trace.start
        if skip >= trace.steps:
            raise LrvizError(
                f"'{trace.label}' shows steps {trace.start} to {trace.start + trace.steps - 1}, and no epoch of "
                f"{per_epoch} steps starts among them (epoch {start} starts at step {start * per_epoch}): "
                f"show it in steps, or show more steps")
        pick = slice(skip, None, per_epoch)

    def convert(array):
        if array is None:
            return None
        if pick is None:
            import numpy as np

            return np.repeat(array, per_epoch, axis=-1)
        return array[..., pick]

    return dataclasses.replace(trace, lrs=convert(trace.lrs), momenta=convert(trace.momenta), unit=unit, start=start)


def common_unit(traces: Sequence[Trace], unit: str | None = None) -> str:
    """The unit to show all traces in: ``unit`` if given, else theirs when they agree, else ``step``."""
    if unit is not None:
        return unit
    units = {t.unit for t in traces}
    return units.pop() if len(units) == 1 else "step"


def to_common_unit(traces: Sequence[Trace], unit: str | None = None) -> list[Trace]:
    """Every trace in one unit: ``unit`` if given, else theirs when they agree, else ``step``."""
    unit = common_unit(traces, unit)
    return [in_unit(t, unit) for t in traces]


def shared_steps_per_epoch(traces: Sequence[Trace]) -> int | None:
    """The steps per epoch all traces agree on, or None (then no second axis can be drawn)."""
    known = {t.steps_per_epoch for t in traces}
    return known.pop() if len(known) == 1 else None


def axis_label(unit: str, traces: Sequence[Trace]) -> str:
    """What an x axis in ``unit`` counts.

    >>> import numpy as np
    >>> from lrviz.trace import Trace
    >>> per_epoch = [Trace("a", np.zeros((1, 3)), unit="epoch", steps_per_epoch=50)]
    >>> axis_label("epoch", per_epoch), axis_label("step", per_epoch)
    ('epoch (scheduler.step() calls)', 'step (iteration)')
    >>> axis_label("epoch", [Trace("b", np.zeros((1, 3)), steps_per_epoch=50)])
    'epoch (50 steps each)'
    """
    if all(getattr(t, "run", None) for t in traces) and unit == "step":
        return "optimizer step"  # a training run's rows (lrviz.plan)
    if all(t.unit == unit for t in traces):
        return f"{unit} (scheduler.step() calls)"
    if unit == "step":
        return "step (iteration)"
    spe = shared_steps_per_epoch(traces)
    return f"epoch ({spe} steps each)" if spe else "epoch"
