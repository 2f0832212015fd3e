"""Every size limit lrviz keeps, with its reason, in one place (the README's "Errors and exit codes"
section states them from here). Each is checked before the work it bounds starts, and a refusal
names the limit.

A command of the CLI also has a budget (:func:`command_budget`): the values all its schedules
record together, so that many schedules cannot add up to what one may not.

>>> check_count(3, 5, "schedules", "a sweep")
>>> check_count(6, 5, "schedules", "a sweep")
Traceback (most recent call last):
lrviz.errors.LrvizError: a sweep asks for 6 schedules; at most 5 are allowed in one command
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from contextvars import ContextVar

from .errors import LrvizError

# ---------------------------------------------------------------- what one schedule may hold
#: rows of one schedule: lrviz records every step (8 bytes a value, twice with momentum)
MAX_STEPS = 100_000_000
#: rows x param groups recorded by one command over all its schedules: about 1.6 GB with momentum
MAX_RECORDED = MAX_STEPS
#: param groups of one optimizer: one curve each
MAX_PARAM_GROUPS = 1_000
#: the step a schedule may resume after (``last_epoch``): step numbers stay exact as int64 and float64
MAX_RESUME_EPOCH = 10**15

# ---------------------------------------------------------------- what one command may show
#: schedules in one command, sweeps expanded: each is built and stepped
MAX_SCHEDULES = 1_000
#: curves in one figure (overlaid or side by side): more draw for minutes and cannot be told apart
MAX_FIGURE_SERIES = 100
#: rows x columns of values in one table (the lr and the momentum of one schedule of MAX_STEPS rows fit)
MAX_TABLE_CELLS = 2 * MAX_STEPS
#: characters of a label or a title: it names a curve in legends, titles and table headers
MAX_LABEL_CHARS = 200

# ---------------------------------------------------------------- what input may hold
#: bytes of a YAML spec file: a schedule spec is a few lines
MAX_YAML_BYTES = 1_000_000
#: values a YAML file may expand to through anchors and aliases (a "billion laughs" guard)
MAX_YAML_NODES = 100_000
#: levels of brackets, YAML mappings and lists, or schedulers inside schedulers
MAX_NESTING = 32
#: digits of a whole number: a larger one is beyond the largest float (about 1.8e308)
MAX_INT_DIGITS = 309
#: characters of one line of a metrics CSV file
MAX_CSV_LINE = 65_536
#: an ``lr_lambda`` or metrics expression: characters, parts, levels, and bits of a whole-number power
MAX_EXPRESSION_CHARS = 500
MAX_EXPRESSION_NODES = 200
MAX_EXPRESSION_DEPTH = 40
MAX_POWER_BITS = 10_000
#: bytes of one cached catalog file (lrviz.catalog.cache): a few tens of kB when sound
MAX_CACHE_BYTES = 10_000_000


def check_count(count: int, limit: int, things: str, what: str) -> None:
    """An LrvizError when ``what`` asks for more than ``limit`` ``things``."""
    if count > limit:
        raise LrvizError(f"{what} asks for {count:,} {things}; at most {limit:,} are allowed in one command")


def check_figure_series(series: int) -> None:
    """An LrvizError for a figure of more than MAX_FIGURE_SERIES curves (one per param group of each schedule)."""
    check_count(series, MAX_FIGURE_SERIES, "curves", "the figure")


def check_table(rows: int, columns: int) -> None:
    """An LrvizError when a table of ``rows`` x ``columns`` would pass MAX_TABLE_CELLS (checked before it is written)."""
    if rows * columns > MAX_TABLE_CELLS:
        raise LrvizError(f"the table would have {rows:,} rows x {columns:,} columns = {rows * columns:,} values; at "
                         f"most {MAX_TABLE_CELLS:,} are written: pick rows (every, at) or fewer schedules")


def check_text(text: str, what: str, field: str | None = None) -> str:
    """``text`` (a label or title) if it is at most MAX_LABEL_CHARS long; an LrvizError naming ``what`` otherwise."""
    if len(text) > MAX_LABEL_CHARS:
        raise LrvizError(f"{what} is {len(text):,} characters long; at most {MAX_LABEL_CHARS} are allowed "
                         f"(it names a curve in legends, titles and table headers)", field=field)
    return text


def check_whole_number(value: int, where: str) -> int:
    """``value`` if a float can hold it (what every number lrviz passes on must fit)."""
    if abs(value) > sys.float_info.max:
        raise LrvizError(f"{where} is larger than the largest float (about 1.8e308): lrviz cannot use it")
    return value


def check_whole_numbers(data, where: str) -> None:
    """:func:`check_whole_number` on every int in nested lists and dicts (loaded YAML)."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend([*value.keys(), *value.values()])
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            check_whole_number(value, where)


def check_recorded(values: int, what: str, limit: int = MAX_RECORDED) -> None:
    """An LrvizError when ``what`` brings the values one command records past ``limit``."""
    if values > limit:
        raise LrvizError(f"{what} brings the values this command records to {values:,}; lrviz records at most "
                         f"{limit:,} (steps x param groups, over all schedules): show fewer steps or fewer schedules")


class Budget:
    """Values recorded so far by one command, against MAX_RECORDED."""

    def __init__(self, limit: int = MAX_RECORDED):
        self.limit, self.used = limit, 0

    def charge(self, values: int, what: str) -> None:
        """Count ``values`` more, or refuse (before they are recorded) when the total would pass the limit."""
        check_recorded(self.used + values, what, self.limit)
        self.used += values


_budget: ContextVar[Budget | None] = ContextVar("lrviz_budget", default=None)


@contextmanager
def command_budget(limit: int = MAX_RECORDED):
    """Within, :func:`charge` counts against one shared Budget (the CLI opens one per command)."""
    token = _budget.set(Budget(limit))
    try:
        yield _budget.get()
    finally:
        _budget.reset(token)


def charge(values: int, what: str) -> None:
    """Count ``values`` recorded against the command's budget, if one is open (library calls have none)."""
    budget = _budget.get()
    if budget is not None:
        budget.charge(values, what)
