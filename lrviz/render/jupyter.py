"""Jupyter display of traces and comparisons: the figure as PNG, and HTML with the figure and statistics.

A notebook front-end shows the richest form it gets, and HTML outranks PNG: so the HTML holds the
figure too (as an inline PNG), above the statistics. :func:`mimebundle` draws the figure once for
both forms (IPython's ``_repr_mimebundle_``); ``_repr_png_`` and ``_repr_html_`` serve other readers.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

if TYPE_CHECKING:
    import pandas
    from matplotlib.figure import Figure

    from ..trace import Trace

#: pixels per inch of the figures shown in notebooks (files use lrviz.render.png's own)
NOTEBOOK_DPI = 100


def figure_png(traces: Sequence[Trace], **options) -> bytes:
    """The PNG bytes of ``make_figure(traces, **options)`` (lrviz.render.png), the same on every run."""
    from .api import plot
    from .png import STABLE_METADATA

    buffer = io.BytesIO()
    plot(traces, **options).savefig(buffer, format="png", dpi=NOTEBOOK_DPI, metadata=STABLE_METADATA[".png"])
    return buffer.getvalue()


def stats_html(traces: Sequence[Trace], unit: str | None = None) -> str:
    """An HTML table of each series' statistics (lrviz.stats), one column each, the values exact
    (``float.__repr__``, as ``lrviz table`` prints them); steps are numbered as the rows are."""
    from .png import series_label
    from .stats_table import series_statistics

    unit, series = series_statistics(traces, unit)
    names, stats = [series_label(trace, g) for trace, g, _ in series], [s for _, _, s in series]
    rows = {
        "first": [repr(s.first) for s in stats],
        f"min @ {unit}": [f"{s.min!r} @ {s.min_step}" for s in stats],
        f"max @ {unit}": [f"{s.max!r} @ {s.max_step}" for s in stats],
        "last": [repr(s.last) for s in stats],
        "warmup ends": ["—" if s.warmup_end is None else str(s.warmup_end) for s in stats],
        "mean": [repr(s.mean) for s in stats],
        "area (sum of lr)": [repr(s.area) for s in stats],
        f"{unit}s": [str(s.steps) for s in stats],
    }
    head = "".join(f"<th>{html.escape(name)}</th>" for name in names)
    body = "".join(f"<tr><th>{html.escape(what)}</th>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"
                   for what, cells in rows.items())
    return (f'<table class="lrviz-stats"><thead><tr><th>lr per {unit}</th>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _page(traces: Sequence[Trace], png: bytes, heading: str, options: dict) -> str:
    image = base64.b64encode(png).decode("ascii")
    return (f'<div class="lrviz"><div><b>{html.escape(heading)}</b></div>'
            f'<img src="data:image/png;base64,{image}" alt="{html.escape(heading)}" style="max-width: 100%">'
            f"{stats_html(traces, options.get('unit'))}</div>")


def _heading(traces: Sequence[Trace]) -> str:
    if len(traces) == 1:
        trace = traces[0]
        return f"{trace.label}: {trace.title}" if trace.title and trace.title != trace.label else trace.label
    return f"{len(traces)} schedules: " + ", ".join(t.label for t in traces)


def mimebundle(obj: Any) -> dict[str, Any]:
    """``{"image/png": ..., "text/html": ...}`` of a Trace, a Comparison or a list of Traces, the
    figure drawn once (the ``_repr_mimebundle_`` of IPython)."""
    from .api import as_traces

    traces, options = as_traces(obj), getattr(obj, "options", {})
    png = figure_png(traces, **options)
    return {"image/png": png, "text/html": _page(traces, png, _heading(traces), options)}


def display_html(obj: Any) -> str:
    """The HTML display (``_repr_html_``): a heading, the figure as an inline PNG, the statistics."""
    return mimebundle(obj)["text/html"]


def display_png(obj: Any) -> bytes:
    """The PNG display (``_repr_png_``): the figure alone."""
    from .api import as_traces

    return figure_png(as_traces(obj), **getattr(obj, "options", {}))


@dataclass
class Comparison:
    """Several traces to be seen together (what ``lrviz.compare`` returns): a sequence of Traces
    that shows itself in Jupyter as a figure (side by side by default) and a statistics table."""

    traces: list
    #: lrviz.render.png.make_figure options of its figure: layout, log, momentum, unit, title
    options: dict = field(default_factory=lambda: {"layout": "side"})

    def __post_init__(self) -> None:
        from .api import as_traces

        self.traces = as_traces(self.traces)

    def __len__(self) -> int:
        return len(self.traces)

    def __iter__(self) -> Iterator[Trace]:
        return iter(self.traces)

    def __getitem__(self, index: int) -> Trace:
        return self.traces[index]

    def plot(self, ax=None, **options) -> Figure:
        """A matplotlib Figure (see lrviz.render.api.plot); ``options`` override the comparison's."""
        from .api import plot

        return plot(self, ax, **options)

    def to_html(self, path: str | Path, **options) -> Path:
        """Write the interactive page (lrviz.render.html) atomically; ``options`` override the comparison's."""
        from .html import save_html

        return save_html(self.traces, path, **{**self.options, **options})

    def to_pandas(self) -> pandas.DataFrame:
        """One DataFrame, one column per series, aligned by step (as ``lrviz table`` aligns them)."""
        from .frames import traces_to_pandas

        return traces_to_pandas(self.traces)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        return mimebundle(self)

    def _repr_png_(self) -> bytes:
        return display_png(self)

    def _repr_html_(self) -> str:
        return display_html(self)
