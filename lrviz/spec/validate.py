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
from .model import INTERVALS, UNITS


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


def choice(value, choices, what: str, field: str | None = None) -> str:
    """``value`` if it is one of ``choices``; an LrvizError listing them otherwise."""
    if value not in choices:
        raise LrvizError(f"{what} must be one of {', '.join(choices)}, got {value!r}{suggest(str(value), choices)}",
                         field=field)
    return value


def interval_name(value, what: str, field: str | None = None) -> str:
    """How often the loop calls ``scheduler.step()``: one of INTERVALS."""
    return choice(value, INTERVALS, what, field)


def unit_name(value, what: str, field: str | None = None) -> str:
    """What one row shows: one of UNITS."""
    return choice(value, UNITS, what, field)


def warmup_length(value, what: str = "warmup", field: str | None = None) -> int | float:
    """A warmup: a whole number of steps, or a fraction of the run between 0 and 1.

    >>> warmup_length("500"), warmup_length(0.05)
    (500, 0.05)
    """
    number = positive_number(value, what, allow_zero=True, field=field)
    if number >= 1:
        if number != int(number):
            raise LrvizError(f"{what} must be a whole number of steps, or a fraction of the run between 0 and 1, "
                             f"got {value!r}", field=field)
        return int(number)
    return number


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
