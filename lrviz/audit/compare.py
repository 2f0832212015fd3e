"""Lay a log's points beside a prediction (lr per optimizer step) and find where they part.

A point agrees when ``|logged - predicted| <= rtol * |predicted|``, ``rtol`` being the log's
precision (lrviz.audit.log). A missing or non-finite logged value never agrees. All of it is
numpy over the points: a million points compare in milliseconds.

>>> import numpy as np
>>> c = compare_points(np.array([0, 2, 4]), np.array([1.0, 0.5, 0.2]), np.array([1.0, 0.7, 0.5, 0.3, 0.25]), 0, 1e-9)
>>> c.first_divergence, c.worst_step, round(c.max_abs_error, 12), c.mismatches
(4, 4, 0.05, 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Comparison:
    """How a log's points compare with a prediction; steps are optimizer steps."""

    #: points at or after the prediction's first step: compared (those past its end all differ)
    compared: int
    #: points before the prediction's first step (a schedule resumed with last_epoch): not compared
    outside: int
    #: points past the prediction's last step (a scheduler that cannot step that far): each differs
    beyond: int
    mismatches: int
    #: the first optimizer step whose logged lr differs, None when all agree
    first_divergence: int | None
    #: the index (in the log's points) of that first differing point
    first_index: int | None
    #: the largest |logged - predicted| over the points within the prediction (inf for a non-finite value)
    max_abs_error: float
    #: where the largest difference is
    worst_step: int | None
    rtol: float

    @property
    def match(self) -> bool:
        return self.compared > 0 and self.mismatches == 0


def inside(rows: np.ndarray, start: int, length: int) -> np.ndarray:
    """The mask of ``rows`` a prediction of ``length`` rows from ``start`` covers."""
    return (rows >= start) & (rows < start + length)


def disagree(values: np.ndarray, predicted: np.ndarray, rtol: float) -> np.ndarray:
    """The mask of points that differ by more than ``rtol`` relative to the prediction (NaN differs)."""
    import numpy as np

    with np.errstate(invalid="ignore"):
        return ~(np.abs(values - predicted) <= rtol * np.abs(predicted))


def first_disagreement(rows: np.ndarray, values: np.ndarray, lrs: np.ndarray, start: int, rtol: float) -> int | None:
    """The index of the first point of (``rows``, ``values``) that ``lrs`` (from optimizer step
    ``start``) does not predict (outside it, or different), None when it predicts every one."""
    import numpy as np

    covered = inside(rows, start, len(lrs))
    bad = ~covered
    bad[covered] = disagree(values[covered], lrs[rows[covered] - start], rtol)
    where = np.flatnonzero(bad)
    return int(where[0]) if where.size else None


def compare_points(rows: np.ndarray, values: np.ndarray, lrs: np.ndarray, start: int, rtol: float) -> Comparison:
    """Compare each point at optimizer step ``rows[i]`` with ``lrs[rows[i] - start]``."""
    import numpy as np

    covered = inside(rows, start, len(lrs))
    index = np.flatnonzero(covered)
    predicted = lrs[rows[index] - start]
    with np.errstate(invalid="ignore"):
        error = np.abs(values[index] - predicted)
    error[~np.isfinite(error)] = np.inf
    bad = np.zeros(len(rows), dtype=bool)
    bad[index] = disagree(values[index], predicted, rtol)
    beyond = rows >= start + len(lrs)
    bad |= beyond
    first = int(np.argmax(bad)) if bad.any() else None
    worst = int(index[np.argmax(error)]) if error.size and error.max() > 0 else None
    return Comparison(
        compared=int(index.size + beyond.sum()), outside=int((rows < start).sum()), beyond=int(beyond.sum()),
        mismatches=int(bad.sum()), first_divergence=None if first is None else int(rows[first]), first_index=first,
        max_abs_error=float(error.max()) if error.size else 0.0,
        worst_step=None if worst is None else int(rows[worst]), rtol=rtol,
    )
