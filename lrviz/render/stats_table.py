"""The statistics (lrviz.trace.stats) of several schedules side by side, as a rich table; steps are
numbered as the rows are (a schedule resumed with ``last_epoch=K`` starts at K+1)."""

from __future__ import annotations

from typing import Sequence

from .names import series_name


def series_statistics(traces: Sequence, unit: str | None = None) -> tuple[str, list]:
    """The unit the statistics count in (``unit``, else the traces' common one) and, for every
    param group of every trace, ``(trace, group, stats)`` with steps numbered as the rows are."""
    from ..trace.stats import statistics
    from ..trace.units import common_unit, in_unit

    unit = common_unit(traces, unit)
    series = []
    for trace in traces:
        shown = in_unit(trace, unit)
        series.extend((trace, g, statistics(shown.lrs[g], shown.start)) for g in range(shown.groups))
    return unit, series


def stats_table(traces: Sequence, unit: str | None = None):
    """A rich Table: one column per series, one row per statistic, steps counted in ``unit``."""
    from rich.table import Table
    from rich.text import Text

    from ..notices import one_line
    from ..trace.stats import number

    unit, series = series_statistics(traces, unit)
    stats = [s for _, _, s in series]
    table = Table(show_edge=False, pad_edge=False)
    table.add_column(f"per {unit}", no_wrap=True)
    for trace, g, _ in series:
        table.add_column(Text(one_line(series_name(trace, g))), justify="right", overflow="fold")
    rows = {
        "first": [number(s.first) for s in stats],
        "min @ step": [f"{number(s.min)} @ {s.min_step}" for s in stats],
        "max @ step": [f"{number(s.max)} @ {s.max_step}" for s in stats],
        "last": [number(s.last) for s in stats],
        "warmup ends": ["—" if s.warmup_end is None else str(s.warmup_end) for s in stats],
        "mean": [number(s.mean) for s in stats],
        "area (sum of lr)": [number(s.area) for s in stats],
    }
    for what, cells in rows.items():
        table.add_row(what.replace("step", unit), *cells)
    return table
