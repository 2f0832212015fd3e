"""Figures (PNG, SVG, PDF by extension) through matplotlib's object API, never pyplot."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Sequence

from ..errors import LrvizError

FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
#: metadata that would make the bytes change from run to run
STABLE_METADATA = {".png": {"Software": None}, ".svg": {"Date": None}, ".pdf": {"CreationDate": None}}
LAYOUTS = ("overlay", "side")
#: Okabe and Ito's colour-blind-safe palette (its yellow left out: too pale on white)
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
#: line styles, cycled with another period than the colours: the first 42 curves all differ
LINESTYLES = ("-", (0, (5, 2)), (0, (6, 2, 1, 2)), (0, (1, 1.5)), (0, (10, 2, 2, 2, 2, 2)), (0, (3, 1)))


def check_layout(layout: str) -> str:
    """``layout`` if it is one of LAYOUTS; an LrvizError listing them otherwise."""
    if layout not in LAYOUTS:
        raise LrvizError(f"layout '{layout}' is not a layout (valid: {', '.join(LAYOUTS)})", field="layout")
    return layout


def series_label(trace, group: int) -> str:
    return trace.label if trace.groups == 1 else f"{trace.label} (group {group})"


def curve_style(index: int, solid: bool = False) -> dict:
    """Colour and line style of the ``index``-th curve of a figure (``solid``: a panel of its own)."""
    return {"color": PALETTE[index % len(PALETTE)], "linestyle": "-" if solid else LINESTYLES[index % len(LINESTYLES)]}


def momentum_label(traces: Sequence) -> str:
    """The y label of a momentum panel: momentum (SGD), beta1 (Adam, AdamW: ``betas[0]``), or both."""
    shown = {"momentum": "momentum", "beta1": r"$\beta_1$ (Adam betas[0])"}
    return " / ".join(shown[n] for n in sorted({t.momentum_name for t in traces}, reverse=True))


def step_curve(ax, start: int, values, span: float = 1, **style) -> None:
    """Draw ``values[t]`` as constant over step ``start + t``, decimated to what the figure can show;
    ``span``: the x units one row spans (lrviz.units.row_span).

    Two buckets per pixel column of the figure keep each column's first, lowest, highest and last
    point (lrviz.render.decimate): a million steps draw as fast as a few thousand and look the same.
    """
    import numpy as np

    from .decimate import decimate

    keep = decimate(values, buckets=2 * int(ax.figure.get_figwidth() * ax.figure.dpi))
    x = np.append(start + keep, start + len(values)) * span
    ax.plot(x, np.append(values[keep], values[-1]), drawstyle="steps-post", **style)


def draw(ax, traces: Sequence, log: bool = False, *, unit: str | None = None, values: str = "lr",
         first_style: int = 0, solid: bool = False) -> None:
    """Draw each trace's lr (``values="momentum"``: its momentum) per group as a step curve, x in
    ``unit``\\ s (default: the traces' own): the value is constant during a step."""
    from ..trace.units import axis_label, common_unit, row_span

    unit = common_unit(traces, unit)
    style = first_style
    for trace in traces:
        data = trace.lrs if values == "lr" else trace.held_momenta()
        for g in range(trace.groups):
            step_curve(ax, trace.start, data[g], row_span(trace, unit), linewidth=1.8,
                       label=series_label(trace, g), **curve_style(style, solid))
            style += 1
    ax.set_xlabel(axis_label(unit, traces))
    ax.set_ylabel("learning rate" if values == "lr" else momentum_label(traces))
    ax.set_xlim(min(t.start * row_span(t, unit) for t in traces),
                max((t.start + t.steps) * row_span(t, unit) for t in traces))
    if log and values == "lr":
        ax.set_yscale("log")
    ax.grid(True, which="major", alpha=0.35)


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


def draw_metrics(ax, traces: Sequence, unit: str | None = None) -> None:
    """The metric each trace fed to ``scheduler.step()`` (ReduceLROnPlateau), on a second y axis.

    The metric of step t is drawn at x = t + 1, where the lr change it causes shows; the axis is
    logarithmic when the metric is positive and spans more than two decades.
    """
    import numpy as np

    from ..trace.units import common_unit, row_span

    unit = common_unit(traces, unit)
    fed = [t for t in traces if t.metrics is not None]
    if not fed:
        return
    twin = ax.twinx()
    for trace in fed:
        x = (trace.start + 1 + np.arange(len(trace.metrics))) * row_span(trace, unit)
        twin.plot(x, trace.metrics, color="0.45", linestyle=":", marker=".", markersize=4, linewidth=1,
                  label=f"{trace.label}: metric")
    values = np.concatenate([t.metrics for t in fed])
    if values.size and values.min() > 0 and values.max() > 100 * values.min():
        twin.set_yscale("log")
    twin.set_ylabel("metric passed to step()")
    lines = ax.get_lines() + twin.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], frameon=False)


def default_title(traces: Sequence) -> str:
    """The scheduler call for one schedule; for several, what their labels share and how they differ."""
    if len(traces) == 1:
        trace = traces[0]
        text = f"{trace.title}\n{trace.label} · lr {trace.lrs[:, 0].max():g} · {trace.steps} {trace.unit}s"
        return "\n".join(textwrap.fill(line, 100) for line in text.split("\n"))  # long nested inline specs
    labels = [t.label for t in traces]
    shared = _shared_prefix(labels)
    text = (f"{shared}: " + ", ".join(label[len(shared):].strip() for label in labels)) if shared else " vs ".join(labels)
    return "\n".join(textwrap.wrap(text, 100, max_lines=3, placeholder=" …"))


def _shared_prefix(labels: Sequence[str]) -> str:
    """The words every label starts with (a sweep's base label), or an empty string.

    >>> _shared_prefix(["step:step_size=10 gamma=0.1", "step:step_size=10 gamma=0.5"])
    'step:step_size=10'
    """
    import os

    cut = os.path.commonprefix(list(labels)).rfind(" ")
    return labels[0][:cut].strip() if cut > 0 else ""


def _grid(panels: int) -> tuple[int, int]:
    """(rows, columns) of side-by-side panels: one row up to 3, then as square as fits 3 wide.

    >>> [_grid(n) for n in (1, 3, 4, 5, 7)]
    [(1, 1), (1, 3), (2, 2), (2, 3), (3, 3)]
    """
    rows = math.ceil(panels / 3)
    return rows, math.ceil(panels / rows)


def _panel(fig, cell, siblings: list, sharex=None):
    """A new axis in ``cell`` sharing x and y with the first of ``siblings`` (it joins them)."""
    first = siblings[0] if siblings else None
    ax = fig.add_subplot(cell, sharex=sharex or first, sharey=first)
    siblings.append(ax)
    return ax


def make_figure(traces: Sequence, *, log: bool = False, title: str | None = None, metrics: bool = False,
                layout: str = "overlay", momentum: bool = False, unit: str | None = None):
    """A matplotlib Figure of the traces, ready to save.

    ``layout="overlay"`` draws every curve on one axis with a legend; ``"side"`` gives each trace its
    own panel, all with the same x and y ranges. ``momentum`` adds a momentum panel under each lr
    panel; ``metrics`` the metric stream's axis (overlay); ``unit`` the x unit (lrviz.units).
    """
    from matplotlib.figure import Figure

    from ..trace.units import common_unit

    check_layout(layout)
    unit = common_unit(traces, unit)
    panels = [list(traces)] if layout == "overlay" else [[t] for t in traces]
    rows, columns = _grid(len(panels))
    per_row = 2 if momentum else 1
    fig = Figure(figsize=(8 if layout == "overlay" else max(8.0, 4.0 * columns), (4.5 + 1.8 * momentum) * rows),
                 dpi=150, layout="constrained")
    grid = fig.add_gridspec(rows * per_row, columns, height_ratios=[3, 1.3] * rows if momentum else None)
    lr_axes, momentum_axes, first_style = [], [], 0
    for i, panel in enumerate(panels):
        row, column = divmod(i, columns)
        ax = _panel(fig, grid[row * per_row, column], lr_axes)
        draw(ax, panel, log=log, unit=unit, first_style=first_style, solid=layout == "side")
        add_other_unit_axis(ax, panel, unit)
        panel_axes = [ax]
        if momentum:
            below = _panel(fig, grid[row * per_row + 1, column], momentum_axes, sharex=ax)
            draw(below, panel, unit=unit, values="momentum", first_style=first_style, solid=layout == "side")
            ax.set_xlabel("")
            ax.tick_params(labelbottom=False)
            panel_axes.append(below)
        if layout == "side":
            ax.set_title(panel[0].label, fontsize=10)
            for each in panel_axes if column else ():
                each.set_ylabel("")
                each.tick_params(labelleft=False)
        if metrics:
            draw_metrics(ax, panel, unit)
        elif sum(t.groups for t in panel) > 1:
            ax.legend(frameon=False)
        first_style += sum(t.groups for t in panel)
    heading = title or default_title(traces)
    if layout == "overlay":
        lr_axes[0].set_title(heading, fontsize=11)
    else:
        fig.suptitle(heading, fontsize=11)
    return fig


def save_figure(fig, path: str | Path) -> Path:
    """Save atomically, in the format the extension names, with no timestamps in the file."""
    import matplotlib

    from ..output import write_atomically

    suffix = Path(path).suffix.lower()
    with matplotlib.rc_context({"svg.hashsalt": "lrviz"}):
        return write_atomically(
            path,
            lambda fh: fig.savefig(fh, format=suffix[1:], metadata=STABLE_METADATA[suffix]),
            binary=True,
        )
