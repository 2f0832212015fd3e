"""Terminal charts of traces: each series a labelled block chart on one shared scale, with its
statistics, and the momenta on a scale of their own (lrviz.render.terminal draws the blocks)."""

from __future__ import annotations

from typing import Sequence

from .names import series_name


def chart_lines(traces: Sequence, width: int, *, log: bool = False, height: int = 8, ascii: bool = False,
                unit: str | None = None, momentum: bool = False) -> list[str]:
    """The chart of each series, ``width`` columns wide, rows in ``unit`` (lrviz.trace.units);
    ``momentum`` adds the momenta."""
    from ..notices import one_line
    from ..trace.units import to_common_unit
    from .terminal import chart

    traces = to_common_unit(traces, unit)
    unit = traces[0].unit
    series = [(one_line(series_name(t, g)), t.lrs[g], t.start) for t in traces for g in range(t.groups)]
    lines = chart(series, width, height=height, log=log, ascii=ascii, unit=unit)
    if momentum:
        held = [(one_line(f"{series_name(t, g)} · {t.momentum_name}"), t.held_momenta()[g], t.start)
                for t in traces for g in range(t.groups)]
        lines += chart(held, width, height=max(3, height // 2), ascii=ascii, unit=unit, what="momentum")
    return lines


def print_chart(out, traces: Sequence, width: int | None = None, **options) -> None:
    """:func:`chart_lines` printed on the rich console ``out`` (its width unless ``width``), the
    chart rows in colour where ``out`` shows colour."""
    from .terminal import Y_LABEL_WIDTH

    for line in chart_lines(traces, width or out.width, **options):
        is_row = line[Y_LABEL_WIDTH + 1:Y_LABEL_WIDTH + 2] in ("┤", "|")
        out.print(line, style="cyan" if is_row else None, markup=False)
