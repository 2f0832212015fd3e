"""Texts fitted to a width, and legends put where they hide no data: measured as matplotlib draws them.

>>> wrap_to_width("linear warmup 500 -> cosine 9500", lambda s: len(s) <= 14, max_lines=3)
['linear warmup', '500 -> cosine', '9500']
>>> wrap_to_width("CosineAnnealingLR(T_max=20, eta_min=0)", lambda s: len(s) <= 16, max_lines=2)
['CosineAnnealingL', 'R(T_max=20,…']
"""

from __future__ import annotations

import math
import re
from typing import Callable, Sequence

ELLIPSIS = "…"
#: where a line may break: after spaces and commas (inline specs have no spaces), never inside $math$
PIECES = re.compile(r"(?:\$[^$]*\$|[^ ,])+,? *|[ ,]+")
#: inside the axes, the places a legend may go, most usual first (matplotlib's location codes)
INSIDE = ("upper right", "upper left", "lower left", "lower right", "center right", "center left",
          "upper center", "lower center", "center")
#: clearances (pixels) a legend is given from the data, the largest one some place allows wins
CLEARANCES = (24, 12, 6, 2)


def _longest_fitting(text: str, fits: Callable[[str], bool]) -> int:
    """The length of the longest prefix of ``text`` that fits (at least 1: progress is always made)."""
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(text[:mid]):
            lo = mid
        else:
            hi = mid - 1
    return lo


def wrap_to_width(text: str, fits: Callable[[str], bool], max_lines: int) -> list[str]:
    """``text`` in lines that each ``fits``, broken after spaces and commas (inside a word only when
    the word alone is too long), at most ``max_lines``: the last one cut short with an ellipsis."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for piece in PIECES.findall(paragraph):
            if fits((line + piece).rstrip()):
                line += piece
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = piece.lstrip()
            while line and "$" not in line and not fits(line.rstrip()):
                cut = _longest_fitting(line, fits)
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and not fits(last.rstrip() + ELLIPSIS):
            last = last[:-1]
        lines[-1] = last.rstrip() + ELLIPSIS
    return lines


def text_fits(artist, renderer, width: float) -> Callable[[str], bool]:
    """Does a text, set into ``artist`` (a matplotlib Text), draw at most ``width`` pixels long
    (wide, or high when the text is turned upright like a y label)?"""
    upright = artist.get_rotation() % 180 == 90

    def fits(text: str) -> bool:
        artist.set_text(text)
        box = artist.get_window_extent(renderer)
        return (box.height if upright else box.width) <= width

    return fits


def fit_text(artist, renderer, text: str, width: float, max_lines: int) -> int:
    """Set ``text`` into ``artist`` wrapped to ``width`` pixels; returns the number of lines."""
    lines = wrap_to_width(text, text_fits(artist, renderer, width), max_lines)
    artist.set_text("\n".join(lines))
    return len(lines)


def data_paths(axes: Sequence, renderer) -> list:
    """The lines drawn in ``axes`` as display-space paths, step curves as their steps
    (phase markers, their gid ``lrviz-marker:<kind>``, are not data)."""
    import numpy as np
    from matplotlib.cbook import STEP_LOOKUP_MAP
    from matplotlib.path import Path

    paths = []
    for ax in axes:
        for line in ax.get_lines():
            if (line.get_gid() or "").startswith("lrviz-marker") or not line.get_visible():
                continue
            xy = np.asarray(line.get_xydata(), dtype=float)
            if not len(xy):
                continue
            x, y = STEP_LOOKUP_MAP[line.get_drawstyle() or "default"](xy[:, 0], xy[:, 1])
            shown = line.get_transform().transform(np.column_stack([x, y]))
            paths.append(Path(np.nan_to_num(shown, nan=-1e7, posinf=1e7, neginf=-1e7)))
    return paths


def place_inside(legend, ax, data_axes: Sequence, renderer) -> bool:
    """Move ``legend`` to the place inside ``ax`` farthest from every line drawn in ``data_axes``;
    False when every place inside touches one (or the legend is larger than the axes)."""
    paths = data_paths(data_axes, renderer)
    boxes = {}
    for loc in INSIDE:
        legend.set_loc(loc)
        box = legend.get_window_extent(renderer)
        if ax.bbox.x0 <= box.x0 and box.x1 <= ax.bbox.x1 and ax.bbox.y0 <= box.y0 and box.y1 <= ax.bbox.y1:
            boxes[loc] = box
    for clearance in CLEARANCES:
        for loc, box in boxes.items():
            if not any(path.intersects_bbox(box.padded(clearance), filled=False) for path in paths):
                legend.set_loc(loc)
                return True
    return False


def scale_ticks(ax) -> None:
    """Tick labels of a linear axis of tiny (< 1e-3) or huge values as plain numbers times a power of
    ten, which the axis label states (``learning rate (×10⁻⁴)``): short labels, none above the axes."""
    from matplotlib.ticker import ScalarFormatter

    top = max(map(abs, ax.get_ylim()))
    if ax.get_yscale() != "linear" or not top or not math.isfinite(top):
        return
    exponent = math.floor(math.log10(top))
    if -3 <= exponent < 4:
        ax.yaxis.get_major_formatter().set_useOffset(False)
        return
    formatter = ScalarFormatter()
    formatter.set_powerlimits((exponent, exponent))  # this power of ten exactly, stated in the label
    ax.yaxis.set_major_formatter(formatter)
    ax.yaxis.get_offset_text().set_visible(False)
    if ax.get_ylabel():
        ax.set_ylabel(f"{ax.get_ylabel()} (×$10^{{{exponent}}}$)")
