"""Figures (PNG, SVG, PDF by extension) through matplotlib's object API, never pyplot."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

from ..errors import LrvizError
from ..notices import warn

FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
#: metadata that would make the bytes change from run to run
STABLE_METADATA = {".png": {"Software": None}, ".svg": {"Date": None}, ".pdf": {"CreationDate": None}}
#: Okabe and Ito's colour-blind-safe palette (its yellow left out: too pale on white)
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
#: line styles, cycled with another period than the colours: the first 42 curves all differ
LINESTYLES = ("-", (0, (5, 2)), (0, (6, 2, 1, 2)), (0, (1, 1.5)), (0, (10, 2, 2, 2, 2, 2)), (0, (3, 1)))


def series_label(trace, group: int, name: str | None = None) -> str:
    name = trace.label if name is None else name
    return name if trace.groups == 1 else f"{name} (group {group})"


def curve_style(index: int, solid: bool = False, colours: Sequence[str] = PALETTE) -> dict:
    """Colour and line style of the ``index``-th curve of a figure (``solid``: a panel of its own)."""
    return {"color": colours[index % len(colours)], "linestyle": "-" if solid else LINESTYLES[index % len(LINESTYLES)]}


def momentum_label(traces: Sequence) -> str:
    """The y label of a momentum panel: momentum (SGD), beta1 (Adam, AdamW: ``betas[0]``), or both."""
    shown = {"momentum": "momentum", "beta1": r"$\beta_1$ (Adam betas[0])"}
    return " / ".join(shown[n] for n in sorted({t.momentum_name for t in traces}, reverse=True))


def shown_rows(trace, span: float, window) -> tuple[int, int]:
    """The rows of ``trace`` (``[first, stop)``) whose steps meet the x ``window`` (None: all).

    >>> import numpy as np
    >>> from lrviz.trace import Trace
    >>> shown_rows(Trace("a", np.zeros((1, 100))), 1, (10.5, 20))
    (10, 20)
    """
    if window is None:
        return 0, trace.steps
    lo, hi = window
    first = 0 if lo is None else max(0, math.floor(lo / span) - trace.start)
    stop = trace.steps if hi is None else min(trace.steps, math.ceil(hi / span) - trace.start)
    return min(first, trace.steps), max(stop, 0)


def step_curve(ax, start: int, values, span: float = 1, **style):
    """Draw ``values[t]`` as constant over step ``start + t``, decimated to what the figure can show;
    ``span``: the x units one row spans (lrviz.units.row_span). Returns the line.

    Two buckets per pixel column of the figure keep each column's first, lowest, highest and last
    point (lrviz.render.decimate): a million steps draw as fast as a few thousand and look the same.
    """
    import numpy as np

    from .decimate import decimate

    keep = decimate(values, buckets=2 * int(ax.figure.get_figwidth() * ax.figure.dpi))
    x = np.append(start + keep, start + len(values)) * span
    (line,) = ax.plot(x, np.append(values[keep], values[-1]), drawstyle="steps-post", **style)
    return line


def draw(ax, traces: Sequence, log: bool = False, *, unit: str | None = None, values: str = "lr",
         first_style: int = 0, solid: bool = False, names: Sequence[str] | None = None, window=None,
         colours: Sequence[str] = PALETTE) -> list:
    """Draw each trace's lr (``values="momentum"``: its momentum) per group as a step curve, x in
    ``unit``\\ s (default: the traces' own): the value is constant during a step. ``names``: per
    trace, its name in the legend (default its label); ``window``: the x range (start, end) shown,
    either None for the data's own. Returns the lines drawn."""
    from matplotlib.ticker import MaxNLocator

    from ..trace.units import axis_label, common_unit, row_span

    unit = common_unit(traces, unit)
    style, lines = first_style, []
    for trace, name in zip(traces, names or [t.label for t in traces]):
        data = trace.lrs if values == "lr" else trace.held_momenta()
        span = row_span(trace, unit)
        first, stop = shown_rows(trace, span, window)
        for g in range(trace.groups):
            if first < stop:
                lines.append(step_curve(ax, trace.start + first, data[g, first:stop], span, linewidth=1.8,
                                        label=series_label(trace, g, name), **curve_style(style, solid, colours)))
            style += 1
    ax.set_xlabel(axis_label(unit, traces))
    ax.set_ylabel("learning rate" if values == "lr" else momentum_label(traces))
    ax.set_xlim(*x_limits(traces, unit, window))
    if all(float(row_span(t, unit)).is_integer() for t in traces):
        ax.xaxis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True))
    if log and values == "lr":
        if max(line.get_ydata().max() for line in lines) < LOG_TOP:
            ax.set_yscale("log")
        else:
            warn(f"a log scale's ticks would pass the largest float above lrs of {LOG_TOP:g}: the figure keeps a "
                 f"linear scale")
    ax.grid(True, which="major", alpha=0.35)
    return lines


#: the largest lr a log axis can show: matplotlib places its ticks up to a decade beyond the data
LOG_TOP = 1e300


def x_limits(traces: Sequence, unit: str, window=None) -> tuple[float, float]:
    """The x range shown: the steps of all traces, or the ``window`` (start, end), which must meet them."""
    from ..trace.units import row_span

    lo = min(t.start * row_span(t, unit) for t in traces)
    hi = max((t.start + t.steps) * row_span(t, unit) for t in traces)
    if window is None:
        return lo, hi
    start, end = lo if window[0] is None else window[0], hi if window[1] is None else window[1]
    if not (start < hi and end > lo and start < end):
        raise LrvizError(f"range {start:g}:{end:g} shows nothing: the schedules span {lo:g} to {hi:g} {unit}s",
                         field="range")
    return start, end


def add_other_unit_axis(ax, traces: Sequence, unit: str | None = None) -> None:
    """A secondary x axis on top in the other unit (epochs over steps, or steps over epochs), when known."""
    from ..trace.units import axis_label, common_unit, shared_steps_per_epoch

    per_epoch = shared_steps_per_epoch(traces)
    if not per_epoch:
        return
    unit = common_unit(traces, unit)
    scale = 1 / per_epoch if unit == "step" else per_epoch
    top = ax.secondary_xaxis("top", functions=(lambda x: x * scale, lambda x: x / scale))
    top.set_xlabel(axis_label("epoch" if unit == "step" else "step", traces), fontsize=9)


def draw_metrics(ax, traces: Sequence, unit: str | None = None, names: Sequence[str] | None = None, window=None):
    """The metric each trace fed to ``scheduler.step()`` (ReduceLROnPlateau), on a second y axis;
    returns that axis and its lines (no axis when no trace has metrics).

    The metric of step t is drawn at x = t + 1, where the lr change it causes shows; the axis is
    logarithmic when the metric is positive and spans more than two decades.
    """
    import numpy as np

    from ..trace.units import common_unit, row_span

    unit = common_unit(traces, unit)
    fed = [(t, name) for t, name in zip(traces, names or [t.label for t in traces]) if t.metrics is not None]
    if not fed:
        return None, []
    twin, lines, shown = ax.twinx(), [], []
    for trace, name in fed:
        x = (trace.start + 1 + np.arange(len(trace.metrics))) * row_span(trace, unit)
        inside = slice(None) if window is None else (x >= ax.get_xlim()[0]) & (x <= ax.get_xlim()[1])
        lines += twin.plot(x[inside], trace.metrics[inside], color="0.45", linestyle=":", marker=".",
                           markersize=4, linewidth=1, label=f"{name}: metric")
        shown.append(trace.metrics[inside])
    values = np.concatenate(shown)
    if values.size and values.min() > 0 and values.max() > 100 * values.min():
        twin.set_yscale("log")
    twin.set_ylabel("metric passed to step()")
    return twin, lines


def _panel(fig, cell, siblings: list, sharex=None):
    """A new axis in ``cell`` sharing x and y with the first of ``siblings`` (it joins them)."""
    first = siblings[0] if siblings else None
    ax = fig.add_subplot(cell, sharex=sharex or first, sharey=first)
    siblings.append(ax)
    return ax


def make_figure(traces: Sequence, *, log: bool = False, title: str | None = None, metrics: bool = False,
                layout: str = "overlay", momentum: bool = False, unit: str | None = None,
                size: tuple[float, float] | None = None, dpi: float | None = None,
                x_range: tuple[float | None, float | None] | None = None, legend: str = "best",
                xlabel: str | None = None, ylabel: str | None = None, style: str | None = None,
                markers: bool = False):
    """A matplotlib Figure of the traces, laid out (lrviz.render.layout) and ready to save.

    ``layout="overlay"`` draws every curve on one axis with a legend; ``"side"`` gives each trace its
    own panel, all with the same x and y ranges. ``momentum`` adds a momentum panel under each lr
    panel; ``metrics`` the metric stream's axis; ``unit`` the x unit (lrviz.units).
    Controls: ``size`` (width, height) in inches; ``dpi``; ``x_range`` (start, end) in the unit shown,
    either None for open; ``legend`` best|outside|none; ``xlabel``/``ylabel``; ``title`` ('' for no
    heading at all, None for lrviz's); ``style`` a matplotlib style name or file; ``markers``: lines
    at phase boundaries (SequentialLR milestones, warmup end, restarts).

    The figure is laid out for its size once: the positions of its axes and their ticks are fixed.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from ..trace.units import common_unit
    from .controls import (check_dpi, check_layout, check_legend, check_range, check_size, check_style, font_settings,
                           palette, styled)
    from .fit import scale_ticks
    from .layout import Panel, arrange, default_size, grid_shape, label_axes, shown_title
    from .markers import draw_markers
    from .titles import figure_words

    check_layout(layout)
    window, legend, style = check_range(x_range), check_legend(legend), check_style(style)
    panels = [list(traces)] if layout == "overlay" else [[t] for t in traces]
    size = check_size(size) or default_size(layout, len(panels), momentum)
    dpi = check_dpi(dpi, size)
    unit = common_unit(traces, unit)
    words = figure_words(traces, title, side=layout == "side")
    names = dict(zip(map(id, traces), words.labels))
    rows, columns = grid_shape(len(panels))
    per_row = 2 if momentum else 1
    rc = font_settings(size, style)
    with styled(style, rc):
        colours = palette(style, PALETTE)
        fig = Figure(figsize=size, dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        grid = fig.add_gridspec(rows * per_row, columns, height_ratios=[3, 1.3] * rows if momentum else None)
        lr_axes, momentum_axes, placed, first_style = [], [], [], 0
        for i, panel in enumerate(panels):
            row, column = divmod(i, columns)
            panel_names = [names[id(t)] for t in panel]
            ax = _panel(fig, grid[row * per_row, column], lr_axes)
            lines = draw(ax, panel, log=log, unit=unit, first_style=first_style, solid=layout == "side",
                         names=panel_names, window=window, colours=colours)
            add_other_unit_axis(ax, panel, unit)
            panel_axes = [ax]
            if momentum:
                below = _panel(fig, grid[row * per_row + 1, column], momentum_axes, sharex=ax)
                draw(below, panel, unit=unit, values="momentum", first_style=first_style, solid=layout == "side",
                     names=panel_names, window=window, colours=colours)
                ax.set_xlabel("")
                ax.tick_params(labelbottom=False)
                panel_axes.append(below)
            if column:
                for each in panel_axes:
                    each.set_ylabel("")
                    each.tick_params(labelleft=False)
            twin, metric_lines = draw_metrics(ax, panel, unit, panel_names, window) if metrics else (None, [])
            if metric_lines and len(lines) == 1:  # one curve and its metric: say which is which
                lines[0].set_label("learning rate")
                metric_lines[0].set_label("metric")
            boundaries = draw_markers(ax, panel, unit) if markers else []
            handles = lines if len(lines) > 1 or metric_lines else []
            handles = handles + metric_lines + boundaries
            placed.append(Panel(ax, twin or ax, [ax] + ([twin] if twin else []), handles,
                                [h.get_label() for h in handles], panel_names[0] if layout == "side" else ""))
            label_axes(panel_axes, xlabel, ylabel)
            first_style += sum(t.groups for t in panel)
        for ax in lr_axes:
            scale_ticks(ax)
        arrange(fig, placed, words.titles, words.subtitle, words.footer, legend, user_title=title is not None)
    fig.lrviz_style = style, rc
    fig.lrviz_metadata = {"Title": shown_title(fig) or (words.titles or [""])[0],
                          "Description": "\n".join(filter(None, [words.description, words.subtitle]))}
    return fig


#: the metadata keys each format stores a title and a description under
METADATA_KEYS = {".png": ("Title", "Description"), ".svg": ("Title", "Description"), ".pdf": ("Title", "Subject")}


def save_figure(fig, path: str | Path) -> Path:
    """Save atomically, in the format the extension names, with no timestamps in the file; the
    title and the full spec go into the file's metadata."""
    import matplotlib

    from ..output import write_atomically
    from .controls import styled

    suffix = Path(path).suffix.lower()
    told = getattr(fig, "lrviz_metadata", {})
    metadata = dict(STABLE_METADATA[suffix])
    for key, ours in zip(METADATA_KEYS[suffix], ("Title", "Description")):
        if told.get(ours):
            metadata[key] = told[ours]
    with styled(*getattr(fig, "lrviz_style", (None, None))), matplotlib.rc_context({"svg.hashsalt": "lrviz"}):
        return write_atomically(
            path,
            lambda fh: fig.savefig(fh, format=suffix[1:], metadata=metadata, dpi=fig.dpi),
            binary=True,
        )
