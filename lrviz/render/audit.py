"""An audit in the terminal: logged vs predicted lr as block charts on one scale, then the verdict.

The logged series is drawn per optimizer step over the predicted steps, each step holding the
last point logged at or before it (the first point's value before it): a log written every N
steps shows as the steps it is, and the chart compares column for column with the prediction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from ..audit.core import AuditResult


def logged_per_step(result: AuditResult) -> np.ndarray:
    """The logged lr held at each predicted optimizer step (the last point at or before it).

    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> log = SimpleNamespace(rows=np.array([1, 3]), lrs=np.array([0.5, 0.2]))
    >>> logged_per_step(SimpleNamespace(log=log, start=0, predicted=np.zeros(5))).tolist()
    [0.5, 0.5, 0.5, 0.2, 0.2]
    """
    import numpy as np

    steps = result.start + np.arange(len(result.predicted))
    index = np.searchsorted(result.log.rows, steps, side="right") - 1
    return result.log.lrs[np.maximum(index, 0)]


def audit_lines(result: AuditResult, width: int, height: int = 8, log: bool = False, ascii: bool = False) -> list[str]:
    """Chart lines (logged, predicted, and the diagnosed run when a mistake fits) and the verdict lines."""
    from .terminal import ascii_only, chart

    series = [(f"logged: {result.log.series} ({result.log.source})", logged_per_step(result), result.start),
              (f"predicted: {result.label}", result.predicted, result.start)]
    if result.finding is not None:
        series.append((f"the run, diagnosed: {result.finding.short()}",
                       result.finding.lrs[:len(result.predicted)], result.start))
    lines = chart(series, width, height=height, log=log, ascii=ascii, unit="step") + [""] + result.verdict_lines()
    return [ascii_only(line) for line in lines] if ascii else lines

