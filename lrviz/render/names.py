"""What a series of a trace is called in legends, charts and statistics.

>>> import numpy as np
>>> from lrviz.trace import Trace
>>> two = Trace("warmup", np.zeros((2, 3)), start=5)
>>> series_name(two, 1), series_name(two, 1, resumed=True)
('warmup · group 1', 'warmup · group 1 · resumed: 0 is step 5')
"""

from __future__ import annotations


def series_name(trace, group: int, *, resumed: bool = False) -> str:
    """The label of one param group's series (just the trace's label for a single group);
    ``resumed`` adds where a resumed schedule starts, for charts whose axis counts from 0."""
    name = trace.label if trace.groups == 1 else f"{trace.label} · group {group}"
    return name + (f" · resumed: 0 is step {trace.start}" if resumed and trace.start else "")
