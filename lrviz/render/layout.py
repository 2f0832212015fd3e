"""A figure's texts and legends laid out so that none leaves the figure or hides data.

The heading (title, then the settings line) sits at the top and the footer (the full spec, small)
at the bottom, each wrapped to the figure's width; matplotlib's constrained layout places the axes
in what is left. A legend goes inside the axes where it touches no line (lrviz.render.fit), else
below the axes, in as many columns as the width holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..errors import LrvizError
from ..notices import warn
from .fit import fit_text, place_inside, text_fits, wrap_to_width

#: space around the figure's edges and between blocks, in points
PAD = 6
#: more entries than this go below the axes rather than inside
MAX_INSIDE = 6
#: the share of the figure's height texts (heading, footer) may take before the footer, then the
#: settings line, are left out
MAX_TEXT_SHARE = 0.35
#: the share of the height a legend below the axes may take at most (smaller fonts are tried first)
MAX_LEGEND_SHARE = 0.35
LEGEND_FONT_SIZES = ("medium", "small", "x-small")
#: constrained layout passes at most (the ticks of a resized axes can change its margins)
LAYOUT_PASSES = 3


@dataclass
class Panel:
    """One lr axes: where its legend goes (``legend_ax``), what it must not hide (``data_axes``),
    its entries, and its title (side layout)."""

    ax: object
    legend_ax: object
    data_axes: list
    handles: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    title: str = ""


def grid_shape(panels: int) -> tuple[int, int]:
    """(rows, columns) of side-by-side panels: one row up to 3, then as square as fits 3 wide.

    >>> [grid_shape(n) for n in (1, 3, 4, 5, 7)]
    [(1, 1), (1, 3), (2, 2), (2, 3), (3, 3)]
    """
    rows = math.ceil(panels / 3)
    return rows, math.ceil(panels / rows)


def default_size(layout: str, panels: int, momentum: bool) -> tuple[float, float]:
    """lrviz's figure size in inches: 8 x 4.5 for one axes, wider and taller for a grid of panels."""
    rows, columns = grid_shape(panels) if layout == "side" else (1, 1)
    return max(8.0, 4.0 * columns), (4.5 + 1.8 * momentum) * rows


def _text(fig, x: float, y: float, *, math: bool = False, **style):
    return fig.text(x, y, "", parse_math=math, **style)


def is_mathtext(text: str) -> bool:
    """Is ``text`` valid matplotlib mathtext (a user's ``$\\eta$`` is drawn as math; anything else as written)?

    >>> is_mathtext(r"lr $\\eta$ of 50%"), is_mathtext(r"$\\undefinedcmd$"), is_mathtext("no dollars")
    (True, False, True)
    """
    from matplotlib.mathtext import MathTextParser

    pieces = text.split("$")[1::2]
    try:
        for piece in pieces:
            MathTextParser("path").parse(f"${piece}$")
    except ValueError:
        return False
    return True


def heading(fig, renderer, titles: list[str], subtitle: str, user_title: bool) -> list[tuple[object, float]]:
    """Place the title (the first of ``titles`` that fits on one line, else the last, wrapped) and
    the settings line at the top; returns each text placed with the pixels it takes from the top."""
    import matplotlib

    pad = PAD * fig.dpi / 72
    width = fig.bbox.width - 2 * pad
    top, placed = pad, []
    if any(titles):
        title = _text(fig, 0.5, 1 - top / fig.bbox.height, ha="center", va="top",
                      math=user_title and all(map(is_mathtext, titles)),
                      fontsize=matplotlib.rcParams["figure.titlesize"],
                      fontweight=matplotlib.rcParams["figure.titleweight"], gid="lrviz-title")
        fits = text_fits(title, renderer, width)
        chosen = next((t for t in titles[:-1] if "\n" not in t and fits(t)), None)
        if chosen is None:
            fit_text(title, renderer, titles[-1], width, max_lines=3 if user_title else 2)
        else:
            title.set_text(chosen)
        if title.get_text():
            placed.append((title, title.get_window_extent(renderer).height + pad / 2))
            top += placed[-1][1]
        else:  # the last resort was no title
            title.remove()
    if subtitle:
        line = _text(fig, 0.5, 1 - top / fig.bbox.height, ha="center", va="top", fontsize="medium", color="0.3",
                     gid="lrviz-subtitle")
        fit_text(line, renderer, subtitle, width, max_lines=2)
        placed.append((line, line.get_window_extent(renderer).height + pad / 2))
    return placed


def shown_title(fig) -> str:
    """The title lrviz placed (its wrapped lines joined by spaces), or ''."""
    return next((t.get_text().replace("\n", " ") for t in fig.texts if t.get_gid() == "lrviz-title"), "")


def footer(fig, renderer, lines: list[str]) -> float:
    """The full spec(s) in small type at the bottom left, at most three lines; returns its height in pixels."""
    if not lines:
        return 0.0
    pad = PAD * fig.dpi / 72
    text = _text(fig, pad / fig.bbox.width, pad / fig.bbox.height, ha="left", va="bottom",
                 fontsize="x-small", color="0.4", gid="lrviz-footer")
    fit_text(text, renderer, "\n".join(lines), fig.bbox.width - 2 * pad, max_lines=3)
    return text.get_window_extent(renderer).height + pad


def _wrapped_labels(fig, renderer, labels: list[str], width: float, fontsize) -> list[str]:
    scratch = _text(fig, 0, 0, fontsize=fontsize)
    wrapped = ["\n".join(wrap_to_width(label, text_fits(scratch, renderer, width), 2)) for label in labels]
    scratch.remove()
    return wrapped


def legend_below(fig, renderer, handles: list, labels: list[str], bottom: float) -> float:
    """A figure legend below the axes, ``bottom`` pixels above the bottom edge, in as many columns
    as the width holds; returns its height in pixels (0 when even the smallest type is too tall)."""
    pad = PAD * fig.dpi / 72
    width = fig.bbox.width - 2 * pad
    for fontsize in LEGEND_FONT_SIZES:
        texts = _wrapped_labels(fig, renderer, labels, 0.8 * width, fontsize)
        for columns in sorted({-(-len(texts) // rows) for rows in range(1, len(texts) + 1)}, reverse=True):
            legend = fig.legend(handles, texts, loc="lower center", ncols=columns, frameon=False, fontsize=fontsize,
                                bbox_to_anchor=(0.5, bottom / fig.bbox.height), bbox_transform=fig.transFigure,
                                borderaxespad=0)
            for text in legend.get_texts():
                text.set_parse_math(False)
            box = legend.get_window_extent(renderer)
            if box.width <= width or columns == 1:
                if box.height <= MAX_LEGEND_SHARE * fig.bbox.height:
                    return box.height + pad
                legend.remove()
                break
            legend.remove()
    warn(f"the legend of {len(labels)} curves does not fit in the figure: left out (give a larger size)")
    return 0.0


def _inside(panel: Panel, renderer):
    """A legend inside the panel, its labels wrapped to under half the axes' width."""
    legend = panel.legend_ax.legend(panel.handles, panel.labels, frameon=False)
    for text in legend.get_texts():
        text.set_parse_math(False)
        fit_text(text, renderer, text.get_text(), 0.45 * panel.ax.bbox.width, max_lines=2)
    return legend


def _fit_labels(fig, panels: list[Panel], renderer) -> bool:
    """Panel titles and axis labels wrapped to the length of their axes (a y label to its height);
    returns whether any was wrapped (the layout must then be done again)."""
    wrapped = False
    for panel in panels:
        if panel.title:
            title = panel.ax.set_title("", fontsize="medium", parse_math=False)
            wrapped |= fit_text(title, renderer, panel.title, panel.ax.bbox.width, max_lines=2) > 1
    for ax in fig.axes:
        for label, length in ((ax.xaxis.label, ax.bbox.width), (ax.yaxis.label, ax.bbox.height)):
            text = label.get_text()
            if text:
                fit_text(label, renderer, text.replace("\n", " "), length, max_lines=2)
                wrapped |= label.get_text() != text
    return wrapped


def constrain(fig, rect: tuple[float, float, float, float], renderer) -> None:
    """Place the axes with their decorations in ``rect`` (left, bottom, width, height as figure
    fractions) by constrained layout; again (LAYOUT_PASSES at most) while a tick label sticks out:
    the new size of an axes can bring new ticks, so they are then kept where they are (the layout
    is fixed after this anyway). A figure too small for its axes is refused."""
    import warnings

    from matplotlib.transforms import Bbox

    area = Bbox.from_bounds(*rect).transformed(fig.transFigure)
    engine = fig.get_layout_engine()
    for _ in range(LAYOUT_PASSES):
        engine.set(rect=rect)
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message="constrained_layout not applied")
            try:
                engine.execute(fig)
            except UserWarning:
                raise LrvizError(f"a {fig.get_figwidth():g}x{fig.get_figheight():g} inch figure is too small for "
                                 f"its {len(fig.axes)} axes and their labels: give a larger size") from None
        if all(_within(ax.get_tightbbox(renderer), area) for ax in fig.axes):
            return
        freeze_ticks(fig)


def freeze_ticks(fig) -> None:
    """Keep every axis's major ticks where the layout saw them (a tick locator asks the axis's size)."""
    from matplotlib.ticker import FixedLocator

    for axis in [a for ax in fig.axes for a in (ax.xaxis, ax.yaxis)]:
        axis.set_major_locator(FixedLocator(axis.get_majorticklocs()))


def _within(box, area, slack: float = 1.0) -> bool:
    return (box.x0 >= area.x0 - slack and box.x1 <= area.x1 + slack
            and box.y0 >= area.y0 - slack and box.y1 <= area.y1 + slack)


def _entries(panels: list[Panel]) -> tuple[list, list[str]]:
    """Every panel's legend entries, each label once (side panels repeat the phase markers)."""
    seen: dict[str, object] = {}
    for panel in panels:
        for handle, label in zip(panel.handles, panel.labels):
            seen.setdefault(label, handle)
    return list(seen.values()), list(seen)


def arrange(fig, panels: list[Panel], titles: list[str], subtitle: str, footer_lines: list[str],
            legend: str = "best", user_title: bool = False) -> None:
    """Lay out ``fig``: texts, legends (``best``, ``outside`` or ``none``), then the axes; the
    positions are then fixed (no layout engine runs again when the figure is saved)."""
    renderer = fig.canvas.get_renderer()
    height = fig.bbox.height
    placed = heading(fig, renderer, titles, subtitle, user_title)
    bottom = footer(fig, renderer, [line for line in footer_lines if line != shown_title(fig)])
    if bottom and sum(h for _, h in placed) + bottom > MAX_TEXT_SHARE * height:  # small: the footer goes first
        next(t for t in fig.texts if t.get_gid() == "lrviz-footer").remove()
        bottom = 0.0
    if len(placed) == 2 and sum(h for _, h in placed) > MAX_TEXT_SHARE * height:  # then the settings line
        placed.pop()[0].remove()
    top = PAD * fig.dpi / 72 + sum(h for _, h in placed)

    def lay_out(low: float) -> None:
        constrain(fig, (0, low / height, 1, (height - top - low) / height), renderer)

    lay_out(bottom)
    if _fit_labels(fig, panels, renderer) or any(p.title for p in panels):
        lay_out(bottom)
    handles, labels = _entries(panels)
    outside = legend == "outside" or (legend == "best" and len(labels) > MAX_INSIDE)
    if legend == "best" and not outside:
        with_entries = [p for p in panels if p.handles]
        inside = [_inside(p, renderer) for p in with_entries]
        if not all(place_inside(lg, p.ax, p.data_axes, renderer) for lg, p in zip(inside, with_entries)):
            for lg in inside:
                lg.remove()
            outside = True
    if outside and labels:
        bottom += legend_below(fig, renderer, handles, labels, bottom)
        lay_out(bottom)
        if _fit_labels(fig, panels, renderer):  # the axes got shorter: a y label may need wrapping now
            lay_out(bottom)
    freeze_ticks(fig)
    fig.set_layout_engine("none")


def label_axes(panel_axes: list, xlabel: str | None, ylabel: str | None) -> None:
    """The user's axis labels ('' for none) on the bottom x axis and the lr y axis of a panel."""
    if xlabel is not None:
        panel_axes[-1].set_xlabel(xlabel)
    if ylabel is not None and panel_axes[0].get_ylabel():
        panel_axes[0].set_ylabel(ylabel)
