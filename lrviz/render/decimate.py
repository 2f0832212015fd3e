"""Min/max-preserving decimation: far fewer points to draw, the same picture.

A million-step schedule drawn into a figure a thousand pixels wide puts a thousand points in
every pixel column; all the eye can see of them is the column's vertical extent and where the
line enters and leaves it. :func:`decimate` splits the steps into ``buckets`` (at least one per
pixel column) and keeps, from each, the first, the lowest, the highest and the last point (and
the point after each extreme, where it ends), in their original order: every column keeps its
extent and its joins, so no spike, restart or drop is lost. It works on numpy arrays only
(O(N) float64 memory, no Python object per step).

>>> import numpy as np
>>> y = np.full(30, 5.0)
>>> y[4], y[20] = 9.0, 0.0
>>> decimate(y, buckets=3).tolist()  # the spike at 4 and the drop at 20 survive, each one step wide
[0, 1, 4, 5, 9, 10, 11, 19, 20, 21, 22, 29]
>>> len(decimate(y, buckets=5)) == len(y)  # too few points to gain anything: all kept
True
"""

from __future__ import annotations

import numpy as np

#: points kept per bucket at most: the first, the lowest and the one after it, the highest and the
#: one after it, the last
KEPT_PER_BUCKET = 6


def decimate(values: np.ndarray, buckets: int) -> np.ndarray:
    """The sorted indices of ``values`` to draw: first, min, max and last of each of ``buckets`` slices.

    Series short enough to gain nothing (at most ``KEPT_PER_BUCKET * buckets`` points) keep every index.
    """
    n = len(values)
    if n <= KEPT_PER_BUCKET * buckets:
        return np.arange(n)
    size = -(-n // buckets)  # equal slices (ceil), the last one padded with its own last value
    buckets = -(-n // size)
    padded = np.concatenate([values, np.full(size * buckets - n, values[-1])]).reshape(buckets, size)
    starts = np.arange(buckets) * size
    lowest = starts + padded.argmin(axis=1)
    highest = starts + padded.argmax(axis=1)
    last = starts + size - 1
    # the point after each extreme ends it where it ends: a one-step spike stays one step wide
    kept = np.concatenate([starts, lowest, lowest + 1, highest, highest + 1, last])
    return np.unique(np.minimum(kept, n - 1))
