"""Figures (PNG, SVG, PDF by extension) through matplotlib's object API, never pyplot."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
#: metadata that would make the bytes change from run to run
STABLE_METADATA = {".png": {"Software": None}, ".svg": {"Date": None}, ".pdf": {"CreationDate": None}}


def series_label(trace, group: int) -> str:
    return trace.label if trace.groups == 1 else f"{trace.label} (group {group})"


def step_curve(ax, start: int, values, **style) -> None:
    """Draw ``values[t]`` as constant over step ``start + t``, decimated to what the figure can show.

    Two buckets per pixel column of the figure keep each column's first, lowest, highest and last
    point (lrviz.render.decimate): a million steps draw as fast as a few thousand and look the same.
    """
    import numpy as np

    from .decimate import decimate

    keep = decimate(values, buckets=2 * int(ax.figure.get_figwidth() * ax.figure.dpi))
    x = np.append(start + keep, start + len(values))
    ax.plot(x, np.append(values[keep], values[-1]), drawstyle="steps-post", **style)


def draw(ax, traces: Sequence, log: bool = False) -> None:
    """Draw each trace's lr per group as a step curve: lr is constant during a step."""
    for trace in traces:
        for g in range(trace.groups):
            step_curve(ax, trace.start, trace.lrs[g], linewidth=1.8, label=series_label(trace, g))
    ax.set_xlabel("step (scheduler.step() calls)")
    ax.set_ylabel("learning rate")
    ax.set_xlim(min(t.start for t in traces), max(t.start + t.steps for t in traces))
    if log:
        ax.set_yscale("log")
    ax.grid(True, which="major", alpha=0.35)
    if sum(t.groups for t in traces) > 1:
        ax.legend(frameon=False)


def draw_metrics(ax, traces: Sequence) -> None:
    """The metric each trace fed to ``scheduler.step()`` (ReduceLROnPlateau), on a second y axis.

    The metric of step t is drawn at x = t + 1, where the lr change it causes shows; the axis is
    logarithmic when the metric is positive and spans more than two decades.
    """
    import numpy as np

    fed = [t for t in traces if t.metrics is not None]
    if not fed:
        return
    twin = ax.twinx()
    for trace in fed:
        x = trace.start + 1 + np.arange(len(trace.metrics))
        twin.plot(x, trace.metrics, color="0.45", linestyle=":", marker=".", markersize=4, linewidth=1,
                  label=f"{trace.label}: metric")
    values = np.concatenate([t.metrics for t in fed])
    if values.size and values.min() > 0 and values.max() > 100 * values.min():
        twin.set_yscale("log")
    twin.set_ylabel("metric passed to step()")
    lines = ax.get_lines() + twin.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], frameon=False)


def default_title(traces: Sequence) -> str:
    if len(traces) == 1:
        trace = traces[0]
        return f"{trace.title}\n{trace.label} · lr {trace.lrs[:, 0].max():g} · {trace.steps} steps"
    return " vs ".join(t.label for t in traces)


def make_figure(traces: Sequence, *, log: bool = False, title: str | None = None, metrics: bool = False):
    """A matplotlib Figure of the traces, ready to save; ``metrics`` adds the metric stream's axis."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.5), dpi=150, layout="constrained")
    ax = fig.add_subplot()
    draw(ax, traces, log=log)
    if metrics:
        draw_metrics(ax, traces)
    ax.set_title(title or default_title(traces), fontsize=11)
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
