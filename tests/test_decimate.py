"""Decimation keeps what a figure can show: every bucket's first, last, lowest and highest point."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lrviz.render.decimate import KEPT_PER_BUCKET, decimate

values = arrays(np.float64, st.integers(1, 3000), elements=st.floats(-1e3, 1e3, allow_nan=False))


def bucket_slices(n: int, buckets: int) -> list[slice]:
    """The slices decimate promises: equal consecutive runs of ceil(n / buckets) steps."""
    size = -(-n // buckets)
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


@settings(max_examples=150, deadline=None)
@given(values, st.integers(1, 400))
def test_every_bucket_keeps_its_first_last_lowest_and_highest_point(y, buckets):
    keep = decimate(y, buckets)
    assert np.all(np.diff(keep) > 0) and keep[0] == 0 and keep[-1] == len(y) - 1
    if len(y) <= KEPT_PER_BUCKET * buckets:
        assert keep.tolist() == list(range(len(y)))
        return
    assert len(keep) <= KEPT_PER_BUCKET * buckets
    kept = set(keep.tolist())
    for part in bucket_slices(len(y), buckets):
        inside = keep[(keep >= part.start) & (keep < part.stop)]
        assert {part.start, part.stop - 1} <= kept
        assert y[inside].min() == y[part].min() and y[inside].max() == y[part].max()


@settings(max_examples=100, deadline=None)
@given(values, st.integers(1, 400))
def test_every_local_extremum_of_its_bucket_is_kept_and_ends_where_it_ends(y, buckets):
    """A one-step spike (or drop) that is the extreme of its bucket is kept with the step after it,
    so a step curve through the kept points holds it exactly as long as the full curve does."""
    keep = set(decimate(y, buckets).tolist())
    for part in bucket_slices(len(y), buckets):
        for i in (part.start + int(np.argmax(y[part])), part.start + int(np.argmin(y[part]))):
            assert i in keep and min(i + 1, len(y) - 1) in keep


def test_a_million_points_come_down_to_a_few_per_bucket():
    y = np.cos(np.arange(1_000_000) / 5000.0)
    y[123_457] = 5.0
    keep = decimate(y, 2400)
    assert len(keep) <= KEPT_PER_BUCKET * 2400
    assert 123_457 in keep and 123_458 in keep


def _render(y: np.ndarray, keep: np.ndarray | None) -> np.ndarray:
    """RGBA pixels of ``y`` drawn as steps: from every point, unsimplified (``keep`` None), or
    from the kept points the way lrviz draws them."""
    idx = np.arange(len(y)) if keep is None else keep
    with matplotlib.rc_context({"path.simplify": keep is not None}):
        fig = Figure(figsize=(4, 2), dpi=100)
        ax = fig.add_subplot()
        ax.plot(np.append(idx, len(y)), np.append(y[idx], y[-1]), drawstyle="steps-post", linewidth=1.8)
        ax.set_xlim(0, len(y))
        ax.set_ylim(-0.01, 0.21)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()


def _line_extent(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pixel column, the top and bottom row the (blue) curve covers."""
    ink = pixels[:, :, 2].astype(int) - pixels[:, :, 0].astype(int) > 60
    rows = np.arange(len(pixels))[:, None]
    return np.where(ink, rows, len(pixels)).min(axis=0), np.where(ink, rows, -1).max(axis=0)


@pytest.mark.parametrize("seed", range(4))
def test_no_spike_or_drop_is_lost_in_the_picture(seed):
    """Drawn at lrviz's density (two buckets per pixel column), every one-step spike and drop shows
    up to the same row as in the picture drawn from every point, in the same column give or take
    the one the antialiased edge falls in."""
    rng = np.random.default_rng(seed)
    y = np.full(int(rng.integers(20_000, 300_000)), 0.1)
    where = rng.choice(len(y), 40, replace=False)
    y[where[:20]] = rng.uniform(0.12, 0.2, 20)
    y[where[20:]] = rng.uniform(0.0, 0.08, 20)
    (top, bottom), (dec_top, dec_bottom) = (_line_extent(_render(y, keep)) for keep in (None, decimate(y, 800)))

    def near(a, b):  # a[c] matches b in column c or a neighbour
        padded = np.pad(b, 1, mode="edge")
        return np.min([np.abs(a - padded[k:k + len(a)]) for k in range(3)], axis=0) <= 1

    assert near(dec_top, top).all() and near(top, dec_top).all()
    assert near(dec_bottom, bottom).all() and near(bottom, dec_bottom).all()
