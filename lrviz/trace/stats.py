"""Summary statistics of one lr (or momentum) series: what makes two schedules comparable.

>>> import numpy as np
>>> s = statistics(np.array([0.02, 0.06, 0.1, 0.1, 0.05]))
>>> s.max, s.max_step, s.warmup_end, s.last
(0.1, 2, 2, 0.05)
>>> round(s.area, 10), round(s.mean, 10)
(0.33, 0.066)
"""

from __future__ import annotations

import textwrap
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Stats:
    """Key values of a series; steps are the rows' own numbers (``first_step`` for the first row:
    K+1 for a schedule resumed with ``last_epoch=K``), in the unit of the rows."""

    first: float
    min: float
    min_step: int
    max: float
    max_step: int
    last: float
    #: the first step where the value stops rising (None when it never rises: no warmup)
    warmup_end: int | None
    mean: float
    #: the sum of the value over all rows: the total "lr budget" of the schedule
    area: float
    steps: int

    def as_dict(self) -> dict:
        return asdict(self)


def warmup_end(values: np.ndarray) -> int:
    """The first step ``t`` with ``values[t + 1] <= values[t]``: where a rise (a warmup) ends.

    >>> import numpy as np
    >>> warmup_end(np.array([1, 2, 3, 3, 1])), warmup_end(np.array([3, 2, 1])), warmup_end(np.array([1, 2]))
    (2, 0, 1)
    """
    import numpy as np

    stops = np.flatnonzero(np.diff(values) <= 0)
    return int(stops[0]) if stops.size else len(values) - 1


def statistics(values: np.ndarray, first_step: int = 0) -> Stats:
    """The Stats of a 1-d series whose rows are numbered from ``first_step``.

    >>> import numpy as np
    >>> s = statistics(np.array([0.1, 0.3, 0.2]), first_step=5)
    >>> s.max_step, s.min_step, s.warmup_end, statistics(np.array([0.3, 0.2]), 5).warmup_end
    (6, 5, 6, None)
    """
    lo, hi, rise = int(values.argmin()), int(values.argmax()), warmup_end(values)
    return Stats(
        first=float(values[0]),
        min=float(values[lo]),
        min_step=first_step + lo,
        max=float(values[hi]),
        max_step=first_step + hi,
        last=float(values[-1]),
        warmup_end=first_step + rise if rise else None,
        mean=float(values.mean()),
        area=float(values.sum()),
        steps=len(values),
    )


def number(value: float) -> str:
    """A compact number for people: ``0.1``, ``1e-05``, ``0.0497``."""
    return f"{value:.4g}"


def summary_lines(stats: Stats, unit: str = "step", what: str = "lr", width: int = 100) -> list[str]:
    """Short lines for a terminal: the key values, then mean, budget (area) and warmup; for anything
    but an lr (``what="momentum"``) the mean only: an area or a warmup of momentum means nothing.

    Each group is one line when it fits in ``width``, else wrapped between its items (and
    within an item longer than ``width``).

    >>> import numpy as np
    >>> print("\\n".join(summary_lines(statistics(np.array([0.1, 0.05, 0.0])))))
    first 0.1 · min 0 @ 2 · max 0.1 @ 0 · last 0
    mean 0.05 · area 0.15 (sum of lr over 3 steps) · no warmup
    >>> print("\\n".join(summary_lines(statistics(np.array([0.95, 0.85, 0.9])), what="momentum")))
    first 0.95 · min 0.85 @ 1 · max 0.95 @ 0 · last 0.9
    mean 0.9
    """
    warmup = "no warmup" if stats.warmup_end is None else f"warmup ends @ {stats.warmup_end}"
    groups = [
        [f"first {number(stats.first)}", f"min {number(stats.min)} @ {stats.min_step}",
         f"max {number(stats.max)} @ {stats.max_step}", f"last {number(stats.last)}"],
        [f"mean {number(stats.mean)}", f"area {number(stats.area)} (sum of {what} over {stats.steps} {unit}s)", warmup]
        if what == "lr" else [f"mean {number(stats.mean)}"],
    ]
    lines = []
    for items in groups:
        line = items[0]
        for item in items[1:]:
            if len(line) + 3 + len(item) > width:
                lines.append(line)
                line = item
            else:
                line += " · " + item
        lines.append(line)
    return [part for line in lines for part in textwrap.wrap(line, max(width, 1), break_long_words=False)]
