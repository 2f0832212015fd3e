"""Terminal charts: block sparklines fitted to a width, on one shared scale, with statistics.

>>> import numpy as np
>>> chart_rows(np.array([0.0, 0.5, 1.0]), width=3, height=1, lo=0.0, hi=1.0)
[' ▄█']
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ..notices import warn
from ..trace.stats import number, statistics, summary_lines

UNICODE_BLOCKS = " ▁▂▃▄▅▆▇█"
ASCII_BLOCKS = " .:-=+*#@"
#: lrviz's own non-ASCII glyphs and their ASCII stand-ins; any other character becomes "?"
ASCII_FALLBACK = str.maketrans({"·": "|", "┤": "|", "…": "...", "—": "-", "–": "-", "×": "x"})
Y_LABEL_WIDTH = 10


def fit_columns(values: np.ndarray, width: int) -> np.ndarray:
    """At most ``width`` columns: each the largest value of its share of the steps.

    The maximum keeps peaks and restarts visible however many steps share a column.

    >>> fit_columns(np.array([1, 5, 2, 3, 9, 0]), 3).tolist()
    [5, 3, 9]
    """
    if len(values) <= width:
        return values
    edges = np.linspace(0, len(values), width + 1).astype(int)
    return np.maximum.reduceat(values, edges[:-1])


def _fraction(values: np.ndarray, lo: float, hi: float, log: bool) -> np.ndarray:
    if log:
        values, lo, hi = np.log10(np.maximum(values, lo)), math.log10(lo), math.log10(hi)
    if hi <= lo:
        return np.ones_like(values, dtype=float)
    return np.clip((values - lo) / (hi - lo), 0.0, 1.0)


def chart_rows(values: np.ndarray, width: int, height: int, lo: float, hi: float,
               log: bool = False, ascii: bool = False) -> list[str]:
    """``height`` text rows, top first, drawing ``values`` as filled columns between lo and hi."""
    blocks = ASCII_BLOCKS if ascii else UNICODE_BLOCKS
    levels = len(blocks) - 1
    filled = np.rint(_fraction(fit_columns(values, width), lo, hi, log) * height * levels).astype(int)
    rows = []
    for row in range(height - 1, -1, -1):
        cell = np.clip(filled - row * levels, 0, levels)
        rows.append("".join(blocks[c] for c in cell))
    return rows


def sparkline(values: np.ndarray, width: int, ascii: bool = False) -> str:
    """One row of blocks for ``values``, scaled from 0 (or the minimum, if negative) to the maximum."""
    lo, hi = min(0.0, float(values.min())), float(values.max())
    return chart_rows(values, width, 1, lo, hi, ascii=ascii)[0]


def chart(series: Sequence[tuple[str, np.ndarray, int]], width: int, height: int = 8,
          log: bool = False, ascii: bool = False, unit: str = "step", what: str = "lr") -> list[str]:
    """A labelled chart of each series ``(label, values, first_step)`` on one shared y scale, with a
    step axis numbered from ``first_step`` and statistics under each.

    An lr chart rises from 0; any other (``what="momentum"``) spans its own values, so a 0.85-0.95
    cycle fills the chart, and its statistics leave out what means nothing for it (area, warmup).
    """
    all_values = np.concatenate([v for _, v, _ in series])
    positive = all_values[all_values > 0]
    if log and not positive.size:
        warn("a log scale needs values above 0 and there are none, so the chart keeps a linear scale")
        log = False
    if log:
        lo, hi = float(positive.min()), float(positive.max())
    else:
        lo, hi = min(0.0 if what == "lr" else math.inf, float(all_values.min())), float(all_values.max())
    plot_width = max(8, width - Y_LABEL_WIDTH - 2)
    lines = []
    for label, values, first_step in series:
        cols = min(plot_width, len(values))
        lines.append(label)
        rows = chart_rows(values, cols, height, lo, hi, log=log, ascii=ascii)
        for i, row in enumerate(rows):
            tick = number(hi) if i == 0 else number(lo) if i == height - 1 else ""
            lines.append(f"{tick:>{Y_LABEL_WIDTH}} {'|' if ascii else '┤'}{row}")
        first, last = str(first_step), str(first_step + len(values) - 1)
        indent = " " * (Y_LABEL_WIDTH + 2)
        lines.append(f"{unit:>{Y_LABEL_WIDTH}}  {first}" + last.rjust(max(cols - len(first), len(last))))
        lines.extend(indent + line for line in summary_lines(statistics(values, first_step), unit, what,
                                                             width - len(indent)))
    return [ascii_only(line) for line in lines] if ascii else lines


def ascii_only(text: str) -> str:
    """``text`` in ASCII, for terminals that cannot show Unicode (``--ascii``).

    >>> ascii_only("first 0.1 · min 0 @ 2 · 学习率")
    'first 0.1 | min 0 @ 2 | ???'
    """
    return text.translate(ASCII_FALLBACK).encode("ascii", "replace").decode("ascii")
