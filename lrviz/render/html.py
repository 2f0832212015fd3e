"""Interactive HTML: one self-contained page of traces (plotly.js inline: nothing fetched when viewed).

Hovering a curve shows the row's step (and epoch, when ``steps_per_epoch`` is known) and its exact
value, the text ``lrviz table`` prints (``float.__repr__``); zoom, pan and hiding a curve by a
click on its legend entry are plotly's own. A sweep (labels sharing their first words, e.g.
``step:step_size=10 gamma=0.1`` and ``... gamma=0.5``) gets a slider over its values.

The values stay readable in the page's source, as plain JSON number lists (never base64), so
anyone can check them without a browser. Long series are decimated as figures are
(lrviz.render.decimate): every point kept is a real row, with its exact value.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Sequence

from ..errors import LrvizError

HTML_SUFFIXES = (".html", ".htm")
#: buckets a series is decimated into (at most 6 points kept from each): a page a few MB at most
HTML_BUCKETS = 2048
#: a fixed id for the plot's element: the same traces always give the same bytes
DIV_ID = "lrviz"
CONFIG = {"displaylogo": False, "scrollZoom": True, "responsive": True}
PANEL_HEIGHT = 460
MOMENTUM_HEIGHT = 200


def _plotly():
    try:
        from plotly import graph_objects, subplots
    except ImportError:
        raise LrvizError("an .html page needs plotly: pip install 'lrviz[html]' (or pip install plotly)") from None
    return graph_objects, subplots


def _dash(linestyle, width: float) -> str:
    """A matplotlib line style (lrviz.render.png.LINESTYLES) as a plotly dash, in pixels.

    >>> _dash("-", 2), _dash((0, (5, 2)), 2)
    ('solid', '10px,4px')
    """
    if linestyle == "-":
        return "solid"
    return ",".join(f"{length * width:g}px" for length in linestyle[1])


def _where(trace, rows) -> list[str]:
    """What each row (numbered in the trace's own unit) stands for: ``step 130 · epoch 2.6``."""
    per_epoch = trace.steps_per_epoch
    if not per_epoch:
        return [f"{trace.unit} {r}" for r in rows.tolist()]
    if trace.unit == "step":
        return [f"step {r} · epoch {r / per_epoch:.4f}".rstrip("0").rstrip(".") for r in rows.tolist()]
    if per_epoch == 1:
        return [f"epoch {r} · step {r}" for r in rows.tolist()]
    return [f"epoch {r} · steps {r * per_epoch}–{(r + 1) * per_epoch - 1}" for r in rows.tolist()]


def _curve(trace, values, offset: int, span: float, name: str, what: str, steps: bool = True, **style) -> dict:
    """One series as a plotly scatter: decimated, with the exact texts of the rows kept for hovering.

    ``offset`` is the row number of ``values[0]`` in the trace's own unit; ``span`` the shown units
    one row spans (lrviz.units.row_span). A step curve (``steps``) puts each row's point in the
    middle of its step, joined ``hvh``: the value changes where the next step starts, and the point
    nearest the mouse (what plotly shows) is the row under it. Two more points, repeating the first
    and the last row, close the curve at both ends.
    """
    import numpy as np

    from .decimate import decimate
    from .table import formatter

    keep = decimate(values, HTML_BUCKETS)
    if steps:
        keep = np.concatenate([keep[:1], keep, keep[-1:]])
    rows = offset + keep
    x = (rows + 0.5 * steps) * span
    if steps:
        x[0], x[-1] = offset * span, (offset + len(values)) * span
        style["line"] = dict(style.get("line", {}), shape="hvh")
    shown = values[keep]
    return {"type": "scatter", "mode": "lines", "x": x.tolist(), "y": shown.tolist(), "text": formatter(None)(shown),
            "customdata": _where(trace, rows), "name": name,
            "hovertemplate": f"%{{customdata}}<br>{what} %{{text}}<extra>%{{fullData.name}}</extra>", **style}


def _panels(traces: Sequence, layout: str) -> list[list]:
    from .controls import check_layout

    check_layout(layout)
    return [list(traces)] if layout == "overlay" else [[t] for t in traces]


def _add_metrics(fig, panel: Sequence, unit: str, row: int, column: int, owners: list, owner_of: dict) -> None:
    """The metric each trace fed to ``scheduler.step()`` on the panel's second y axis, drawn at
    x = t + 1 as lrviz.render.png.draw_metrics draws it."""
    import numpy as np

    from ..trace.units import row_span

    fed = [t for t in panel if t.metrics is not None and len(t.metrics)]
    for trace in fed:
        fig.add_trace(_curve(trace, trace.metrics, trace.start + 1, row_span(trace, unit), f"{trace.label}: metric",
                             "metric", steps=False, line=dict(color="#737373", dash="dot", width=1), mode="lines+markers",
                             marker=dict(size=3), legendgroup=trace.label), row=row, col=column, secondary_y=True)
        owners.append(owner_of[id(trace)])
    if fed:
        values = np.concatenate([t.metrics for t in fed])
        log = values.min() > 0 and values.max() > 100 * values.min()
        fig.update_yaxes(title_text="metric passed to step()", type="log" if log else None, showgrid=False,
                         row=row, col=column, secondary_y=True)


def _grid_cells(panels: list, per_row: int, metrics: bool, side: bool) -> tuple[int, int, list, list]:
    """Rows, columns, plotly subplot specs (None where a grid cell holds no panel) and titles."""
    from .layout import grid_shape

    rows, columns = grid_shape(len(panels))
    specs, titles = [], []
    for r in range(rows * per_row):
        lr_row = r % per_row == 0
        indices = [r // per_row * columns + c for c in range(columns)]
        specs.append([None if i >= len(panels) else {"secondary_y": True} if metrics and lr_row else {}
                      for i in indices])
        titles += [html.escape(panels[i][0].label) if side and lr_row else "" for i in indices if i < len(panels)]
    return rows, columns, specs, titles


def html_figure(traces: Sequence, *, log: bool = False, title: str | None = None, metrics: bool = False,
                layout: str = "overlay", momentum: bool = False, unit: str | None = None):
    """A plotly Figure of the traces; the options are those of lrviz.render.png.make_figure.

    ``layout="side"`` gives each trace its own panel, all sharing their x and y ranges.
    """
    from ..trace.units import axis_label, common_unit, row_span
    from .png import curve_style, momentum_label, series_label
    from .titles import figure_words

    _, subplots = _plotly()
    unit = common_unit(traces, unit)
    panels = _panels(traces, layout)
    side, per_row = layout == "side", 2 if momentum else 1
    rows, columns, specs, titles = _grid_cells(panels, per_row, metrics, side)
    fig = subplots.make_subplots(
        rows=rows * per_row, cols=columns, specs=specs, subplot_titles=titles, shared_xaxes="all",
        horizontal_spacing=0.06, vertical_spacing=0.04 if momentum else 0.1,
        row_heights=[3, 1.3] * rows if momentum else None)
    lr_axis = {"secondary_y": False} if metrics else {}
    owner_of = {id(t): i for i, t in enumerate(traces)}
    owners: list[int] = []  # the trace each plotly curve belongs to (for the sweep slider)
    style = 0
    for i, panel in enumerate(panels):
        row, column = i // columns * per_row + 1, i % columns + 1
        for trace in panel:
            span = row_span(trace, unit)
            if momentum and trace.momenta is None:
                raise LrvizError(f"'{trace.label}': its optimizer holds no momentum to show")
            for g in range(trace.groups):
                look = curve_style(style, solid=side)
                name = html.escape(series_label(trace, g))
                line = dict(width=2, color=look["color"], dash=_dash(look["linestyle"], 1))
                fig.add_trace(_curve(trace, trace.lrs[g], trace.start, span, name, "lr", line=line,
                                     legendgroup=name), row=row, col=column, **lr_axis)
                owners.append(owner_of[id(trace)])
                if momentum:
                    fig.add_trace(_curve(trace, trace.momenta[g], trace.start, span, name, trace.momentum_name,
                                         line=line, legendgroup=name, showlegend=False), row=row + 1, col=column)
                    owners.append(owner_of[id(trace)])
                style += 1
        if metrics:
            _add_metrics(fig, panel, unit, row, column, owners, owner_of)
    _share_y(fig, len(panels), columns, per_row, log)
    _titles(fig, panels, rows, columns, per_row, axis_label(unit, traces), momentum_label(traces), lr_axis)
    words = figure_words(traces, title, side=side)
    heading = "<br>".join(html.escape(text) for text in [*words.titles, words.subtitle] if text)
    sliders = _sweep_slider(traces, owners)
    fig.update_layout(
        title=dict(text=heading, font=dict(size=15), x=0.5, xanchor="center"),
        template="plotly_white", hovermode="closest", hoverlabel=dict(namelength=-1), sliders=sliders,
        height=rows * (PANEL_HEIGHT + MOMENTUM_HEIGHT * momentum) + 20 * heading.count("<br>") + 120 * len(sliders),
        margin=dict(t=90 + 20 * heading.count("<br>")))
    return fig


def _share_y(fig, panels: int, columns: int, per_row: int, log: bool) -> None:
    """Every panel's y range follows the first panel of its kind (lr panels, momentum panels)."""
    first: dict[int, str] = {}
    for i in range(panels):
        for kind in range(per_row):
            axis = fig.get_subplot(i // columns * per_row + 1 + kind, i % columns + 1).yaxis
            name = axis.plotly_name.replace("axis", "")  # yaxis3 -> y3
            first.setdefault(kind, name)
            axis.update(matches=None if first[kind] == name else first[kind], showgrid=True,
                        type="log" if log and kind == 0 else None)


def _titles(fig, panels: list, rows: int, columns: int, per_row: int, x_title: str, momentum_title: str,
            lr_axis: dict) -> None:
    """Y titles on the first column, the x title under the lowest panel of each column."""
    for r in range(rows):
        fig.update_yaxes(title_text="learning rate", row=r * per_row + 1, col=1, **lr_axis)
        if per_row == 2:
            fig.update_yaxes(title_text=momentum_title.replace(r"$\beta_1$", "β1"), row=r * per_row + 2, col=1)
    for c in range(min(columns, len(panels))):
        lowest = max(i for i in range(len(panels)) if i % columns == c) // columns
        fig.update_xaxes(title_text=x_title, row=(lowest + 1) * per_row, col=c + 1)


def _sweep_slider(traces: Sequence, owners: list[int]) -> list[dict]:
    """For a sweep (several traces whose labels share their first words): a slider showing all of
    them or one value at a time; the others stay in the legend, a click away."""
    from .names import shared_prefix

    labels = [t.label for t in traces]
    shared = shared_prefix(labels) if len(traces) > 1 else ""
    if not shared:
        return []
    steps = [dict(label="all", method="restyle", args=[{"visible": [True] * len(owners)}])]
    for i, label in enumerate(labels):
        steps.append(dict(label=html.escape(label[len(shared):].strip()), method="restyle",
                          args=[{"visible": [True if owner == i else "legendonly" for owner in owners]}]))
    return [dict(active=0, steps=steps, currentvalue=dict(prefix=html.escape(shared) + ": "), pad=dict(t=60))]


def html_page(traces: Sequence, **options) -> str:
    """The whole page: plotly.js inline, then the figure (:func:`html_figure` takes ``options``)."""
    fig = html_figure(traces, **options)
    div = fig.to_html(full_html=False, include_plotlyjs=True, div_id=DIV_ID, config=CONFIG,
                      default_height=f"{fig.layout.height}px")
    title = html.escape(options.get("title") or ", ".join(t.label for t in traces))
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n</head>\n'
            f'<body style="margin: 0; font-family: sans-serif">\n{div}\n</body>\n</html>\n')


def save_html(traces: Sequence, path: str | Path, **options) -> Path:
    """Write :func:`html_page` to ``path`` atomically (nothing is left behind on failure)."""
    from ..output import write_atomically

    page = html_page(traces, **options)
    return write_atomically(path, lambda fh: fh.write(page))
