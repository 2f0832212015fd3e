"""Validation of user-given values: numbers, step counts, choices, and "did you mean" hints.

Library messages name the field (``steps``, ``lr``); the command line maps fields to its flags.

>>> step_count("1e3")
1000
>>> step_count("1e12")
Traceback (most recent call last):
lrviz.errors.LrvizError: steps must be at most 100,000,000 (lrviz records every step), got 1,000,000,000,000
"""

from __future__ import annotations

import difflib
import math

from ..errors import LrvizError
from ..limits import MAX_STEPS
from ..literals import parse_number
from .model import INTERVALS


def suggest(word: str, choices) -> str:
    """A ``; did you mean 'x'?`` suffix, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def real_number(value, what: str, *, finite: bool = True, kind: str = "a number",
                field: str | None = None) -> int | float:
    """``value`` (a number, or text like ``1e-5``) as an int or float; an LrvizError naming ``what``
    (and what it must be: ``kind``) otherwise.

    >>> real_number("2.5", "gamma"), real_number(3, "T_max")
    (2.5, 3)
    """
    number = parse_number(value) if isinstance(value, str) else value
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        raise LrvizError(f"{what} must be {kind}, got {value!r}", field=field)
    if finite and not math.isfinite(number):
        raise LrvizError(f"{what} must be finite, got {value!r}", field=field)
    return number


def interval_name(value, what: str, field: str | None = None) -> str:
    """``step`` or ``epoch``: how often the loop calls ``scheduler.step()`` (also the units rows can be shown in)."""
    if value not in INTERVALS:
        raise LrvizError(f"{what} must be one of {', '.join(INTERVALS)}, got {value!r}", field=field)
    return value


def positive_number(value, what: str, *, integer: bool = False, allow_zero: bool = False, field: str | None = None):
    """Validate a user-given lr, step count or similar; returns it as int or float."""
    number = real_number(value, what, field=field)
    if number < 0 or (number == 0 and not allow_zero):
        raise LrvizError(f"{what} must be {'>= 0' if allow_zero else '> 0'}, got {value!r}", field=field)
    if integer:
        if number != int(number):
            raise LrvizError(f"{what} must be a whole number, got {value!r}", field=field)
        return int(number)
    return float(number)


def step_count(value, what: str = "steps", field: str | None = None) -> int:
    """A user-given number of steps: a whole number from 1 to ``MAX_STEPS``, checked before any work."""
    steps = positive_number(value, what, integer=True, field=field)
    if steps > MAX_STEPS:
        raise LrvizError(f"{what} must be at most {MAX_STEPS:,} (lrviz records every step), got {steps:,}", field=field)
    return steps
