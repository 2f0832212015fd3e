"""What a series of a trace is called in legends, charts and statistics.

>>> import numpy as np
>>> from lrviz.trace import Trace
>>> two = Trace("warmup", np.zeros((2, 3)), start=5)
>>> series_name(two, 1)
'warmup · group 1'
"""

from __future__ import annotations

from typing import Sequence


def series_name(trace, group: int) -> str:
    """The label of one param group's series (just the trace's label for a single group)."""
    return trace.label if trace.groups == 1 else f"{trace.label} · group {group}"


def shared_prefix(labels: Sequence[str]) -> str:
    """The words every label of a sweep starts with (its base label), or an empty string: the
    labels must differ only by ``key=value`` words, as lrviz.spec.sweep labels them.

    >>> shared_prefix(["step:step_size=10 gamma=0.1", "step:step_size=10 gamma=0.5"])
    'step:step_size=10'
    >>> shared_prefix(["sized in batches", "sized in optimizer steps"])
    ''
    """
    import os
    import re

    cut = os.path.commonprefix(list(labels)).rfind(" ")
    if cut <= 0 or not all(re.fullmatch(r"(\S+=\S+)( \S+=\S+)*", label[cut:].strip()) for label in labels):
        return ""
    return labels[0][:cut].strip()
