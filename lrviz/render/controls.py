"""The figure controls a user sets (size, dpi, range, legend, style), checked before anything is drawn.

>>> check_range((100, None)), check_size((6, 3.5)), check_legend("outside")
((100.0, None), (6.0, 3.5), 'outside')
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import LrvizError

LAYOUTS = ("overlay", "side")
LEGENDS = ("best", "outside", "none")
#: inches a side, at least and at most
SIZE_LIMITS = (2.0, 50.0)
DPI_LIMITS = (20, 1200)
#: pixels a side at most: bounds the memory of an image
MAX_PIXELS = 20000
DEFAULT_DPI = 150


def _number(value, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number):
        raise LrvizError(f"{what} must be a finite number, got {value!r}", field=what)
    return number


def check_layout(layout: str) -> str:
    """``layout`` if it is one of LAYOUTS; an LrvizError listing them otherwise."""
    if layout not in LAYOUTS:
        raise LrvizError(f"layout '{layout}' is not a layout (valid: {', '.join(LAYOUTS)})", field="layout")
    return layout


def check_size(size) -> tuple[float, float] | None:
    """``(width, height)`` in inches, each within SIZE_LIMITS, or None for lrviz's size."""
    if size is None:
        return None
    if not isinstance(size, (tuple, list)) or len(size) != 2:
        raise LrvizError(f"size must be (width, height) in inches, got {size!r}", field="size")
    width, height = (_number(v, "size") for v in size)
    lo, hi = SIZE_LIMITS
    if not (lo <= width <= hi and lo <= height <= hi):
        raise LrvizError(f"size must be between {lo:g} and {hi:g} inches a side, got {width:g}x{height:g}", field="size")
    return width, height


def check_dpi(dpi, size: tuple[float, float]) -> float:
    """The dots per inch (DEFAULT_DPI when None), refusing images over MAX_PIXELS a side."""
    if dpi is None:
        dpi = DEFAULT_DPI
    dpi = _number(dpi, "dpi")
    lo, hi = DPI_LIMITS
    if not lo <= dpi <= hi:
        raise LrvizError(f"dpi must be between {lo} and {hi}, got {dpi:g}", field="dpi")
    if max(size) * dpi > MAX_PIXELS:
        raise LrvizError(f"size {size[0]:g}x{size[1]:g} at dpi {dpi:g} makes an image of {max(size) * dpi:,.0f} "
                         f"pixels a side; lrviz draws at most {MAX_PIXELS:,}", field="size")
    return dpi


def check_range(window) -> tuple[float | None, float | None] | None:
    """``(start, end)`` of the x range in the shown unit; either may be None (open); start < end."""
    if window is None:
        return None
    if not isinstance(window, (tuple, list)) or len(window) != 2:
        raise LrvizError(f"range must be (start, end), got {window!r}", field="range")
    start, end = (None if v is None else _number(v, "range") for v in window)
    if start is not None and end is not None and not start < end:
        raise LrvizError(f"range must start before it ends, got {start:g} to {end:g}", field="range")
    return start, end


def size_from_text(text: str) -> tuple[str, str]:
    """``6x4`` (inches) as its two parts, checked by :func:`check_size`.

    >>> check_size(size_from_text("6.5x4"))
    (6.5, 4.0)
    """
    width, x, height = text.lower().partition("x")
    if not x:
        raise LrvizError(f"size must be WIDTHxHEIGHT in inches, e.g. 6x4, got {text!r}", field="size")
    return width, height


def range_from_text(text: str) -> tuple[str | None, str | None]:
    """``START:END`` with either side left empty for open, checked by :func:`check_range`.

    >>> check_range(range_from_text("100:")), check_range(range_from_text(":0.5"))
    ((100.0, None), (None, 0.5))
    """
    start, colon, end = text.partition(":")
    if not colon:
        raise LrvizError(f"range must be START:END (either may be empty), e.g. 0:500, got {text!r}", field="range")
    return start.strip() or None, end.strip() or None


def check_legend(legend: str) -> str:
    if legend not in LEGENDS:
        raise LrvizError(f"legend '{legend}' is not a placement (valid: {', '.join(LEGENDS)})", field="legend")
    return legend


def check_style(style: str | None) -> str | None:
    """A matplotlib style name (``ggplot``, ``seaborn-v0_8-paper``, ``default``) or a style file."""
    if style is None:
        return None
    import matplotlib.style

    if style == "default" or style in matplotlib.style.available or Path(style).is_file():
        return style
    raise LrvizError(f"style '{style}' is neither a style file nor one of: "
                     f"{', '.join(['default', *sorted(matplotlib.style.available)])}", field="style")


@contextmanager
def styled(style: str | None, rc: dict | None = None) -> Iterator[None]:
    """Apply ``style`` (checked), then the ``rc`` settings, for the block, in an rc_context:
    nothing outside it changes."""
    import matplotlib
    import matplotlib.style

    with matplotlib.rc_context():
        if style is not None:
            matplotlib.style.use(style)
        matplotlib.rcParams.update(rc or {})
        yield


def font_settings(size: tuple[float, float], style: str | None) -> dict:
    """Smaller type in a figure smaller than lrviz's 8 x 4.5 inches (down to 70%: 7 points), so a
    column-wide figure keeps room for its data; a style's own type is left as it is.

    >>> font_settings((8, 4.5), None), font_settings((6, 4), None), font_settings((3, 2), "ggplot")
    ({}, {'font.size': 7.5}, {})
    """
    scale = max(0.7, min(1.0, size[0] / 8, size[1] / 4.5 * 1.2))
    return {} if style is not None or scale == 1 else {"font.size": round(10 * scale, 1)}


def palette(style: str | None, default: tuple) -> tuple:
    """The curve colours: lrviz's palette, or the style's own colour cycle when a style is set."""
    import matplotlib

    if style is None:
        return default
    colours = matplotlib.rcParams["axes.prop_cycle"].by_key().get("color")
    return tuple(colours) if colours else default
