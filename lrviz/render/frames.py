"""Traces as plain Python data and as pandas DataFrames, with the columns ``lrviz table`` prints.

>>> import numpy as np
>>> from lrviz.trace import Trace
>>> data = trace_to_dict(Trace("a", np.array([[0.1, 0.05]])))
>>> data["step"], data["lr"], "momentum" in data
([0, 1], [0.1, 0.05], False)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from ..errors import LrvizError

if TYPE_CHECKING:
    import pandas

    from ..trace import Trace


def trace_to_dict(trace: Trace) -> dict[str, Any]:
    """The trace as JSON-ready Python values: what it is, then one list per table column.

    Keys: ``label``, ``title``, ``unit``, ``start`` (the first row's number), ``steps_per_epoch``,
    ``metrics`` (what ``scheduler.step()`` was fed, or None), the row numbers under the unit's name
    (``step`` or ``epoch``), and the columns ``lrviz table --momentum`` names: ``lr`` (``lr_g0``,
    ``lr_g1``, ... for several param groups), then ``momentum`` or ``beta1`` when the optimizer has one;
    ``notes``: what to know to read the curve. A training run's trace (lrviz.plan.simulate.RunTrace) adds
    ``warmup_end`` (its first optimizer step after warmup) and ``run_end`` (its last + 1).
    """
    from .table import column_names, table_series

    momentum = trace.momenta is not None
    columns = dict(zip(column_names([trace], momentum), (s.tolist() for s in table_series([trace], momentum))))
    return {"label": trace.label, "title": trace.title, "unit": trace.unit, "start": trace.start,
            "steps_per_epoch": trace.steps_per_epoch,
            "metrics": None if trace.metrics is None else trace.metrics.tolist(), "notes": list(trace.notes),
            **{key: getattr(trace, key) for key in ("warmup_end", "run_end") if hasattr(trace, key)},
            trace.unit: list(range(trace.start, trace.start + trace.steps)), **columns}


def traces_to_pandas(traces: Sequence[Trace], momentum: bool = False) -> pandas.DataFrame:
    """One DataFrame of the traces, as ``lrviz table`` aligns them: indexed by step (or epoch), one
    column per series named as the table names it, NaN where a schedule has no such row."""
    import numpy as np

    from ..trace.units import to_common_unit
    from .table import column_names, step_span, table_series

    try:
        import pandas as pd
    except ImportError:
        raise LrvizError("to_pandas needs pandas: pip install pandas") from None
    traces = to_common_unit(traces)
    first, total = step_span(traces)
    columns = {}
    series = table_series(traces, momentum)
    starts = [t.start for t in traces for _ in range(t.groups)] * (2 if momentum else 1)
    for name, values, start in zip(column_names(traces, momentum), series, starts):
        column = np.full(total, np.nan)
        column[start - first:start - first + len(values)] = values
        columns[name] = column
    index = pd.RangeIndex(first, first + total, name=traces[0].unit)
    return pd.DataFrame(columns, index=index)


def trace_to_pandas(trace: Trace) -> pandas.DataFrame:
    """The trace as a DataFrame indexed by step (or epoch): ``lr`` (``lr_g0``, ...) and, when the
    optimizer has one, ``momentum`` (or ``beta1``) columns; ``attrs`` holds the label, title and unit."""
    frame = traces_to_pandas([trace], momentum=trace.momenta is not None)
    frame.attrs.update(label=trace.label, title=trace.title, unit=trace.unit, steps_per_epoch=trace.steps_per_epoch)
    return frame
