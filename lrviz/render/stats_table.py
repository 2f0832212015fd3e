"""The statistics (lrviz.trace.stats) of several schedules side by side, as a rich table."""

from __future__ import annotations

from typing import Sequence

from .names import series_name


def stats_table(traces: Sequence, unit: str | None = None):
    """A rich Table: one column per series, one row per statistic, steps counted in ``unit``."""
    from rich.table import Table
    from rich.text import Text

    from ..notices import one_line
    from ..trace.stats import number, statistics
    from ..trace.units import common_unit, in_unit

    unit = common_unit(traces, unit)
    names, stats = [], []
    for trace in traces:
        shown = in_unit(trace, unit)
        for g in range(shown.groups):
            names.append(series_name(trace, g))
            stats.append(statistics(shown.lrs[g]))
    table = Table(show_edge=False, pad_edge=False)
    table.add_column(f"per {unit}", no_wrap=True)
    for name in names:
        table.add_column(Text(one_line(name)), justify="right", overflow="fold")
    rows = {
        "first": [number(s.first) for s in stats],
        "min @ step": [f"{number(s.min)} @ {s.min_step}" for s in stats],
        "max @ step": [f"{number(s.max)} @ {s.max_step}" for s in stats],
        "last": [number(s.last) for s in stats],
        "warmup ends": [str(s.warmup_end) if s.warmup_end else "—" for s in stats],
        "mean": [number(s.mean) for s in stats],
        "area (sum of lr)": [number(s.area) for s in stats],
    }
    for what, cells in rows.items():
        table.add_row(what.replace("step", unit), *cells)
    return table
