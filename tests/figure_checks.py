"""What a laid-out figure must satisfy, checked from the figure itself (window extents in pixels)."""

from __future__ import annotations

import numpy as np

#: pixels of slack for rounding in extents
SLACK = 1.0


def rendered(fig):
    """Draw ``fig`` on its canvas, in its style as save_figure does, and return the renderer the
    extents are measured with."""
    from lrviz.render.controls import styled

    with styled(*fig.lrviz_style):
        fig.canvas.draw()
    return fig.canvas.get_renderer()


def inside(box, outer, slack: float = SLACK) -> bool:
    return (box.x0 >= outer.x0 - slack and box.y0 >= outer.y0 - slack
            and box.x1 <= outer.x1 + slack and box.y1 <= outer.y1 + slack)


def overlap(a, b, slack: float = SLACK) -> bool:
    return a.x0 < b.x1 - slack and b.x0 < a.x1 - slack and a.y0 < b.y1 - slack and b.y0 < a.y1 - slack


def artists_outside(fig, renderer) -> list[str]:
    """Every axes (with its labels, ticks, titles, legend) and figure text or legend not inside the figure."""
    bad = []
    for ax in fig.axes:
        if not inside(ax.get_tightbbox(renderer), fig.bbox):
            bad.append(f"axes {ax.get_ylabel()!r}: {ax.get_tightbbox(renderer)}")
    for artist in [*fig.texts, *fig.legends]:
        if artist.get_visible() and not inside(artist.get_window_extent(renderer), fig.bbox):
            bad.append(f"{type(artist).__name__} {getattr(artist, 'get_text', lambda: '')()!r}")
    return bad


def text_boxes(fig, renderer) -> dict:
    """The figure-level texts (title, settings line, footer) by their gid, and the legends below the axes."""
    boxes = {t.get_gid(): t.get_window_extent(renderer) for t in fig.texts if t.get_text()}
    boxes.update({f"legend {i}": lg.get_window_extent(renderer) for i, lg in enumerate(fig.legends)})
    return boxes


def step_points(line) -> np.ndarray:
    """The display-space points along a drawn line, its steps included, at least one every pixel."""
    xy = np.asarray(line.get_xydata(), dtype=float)
    if line.get_drawstyle() == "steps-post":
        x = np.repeat(xy[:, 0], 2)[1:]
        y = np.repeat(xy[:, 1], 2)[:-1]
        xy = np.column_stack([x, y])
    shown = line.get_transform().transform(xy)
    shown = shown[np.isfinite(shown).all(axis=1)]
    if len(shown) < 2:
        return shown
    lengths = np.ceil(np.hypot(*np.diff(shown, axis=0).T)).astype(int) + 1
    fractions = np.concatenate([np.linspace(0, 1, n, endpoint=False) for n in lengths])
    starts = np.repeat(shown[:-1], lengths, axis=0)
    ends = np.repeat(shown[1:], lengths, axis=0)
    return np.vstack([starts + (ends - starts) * fractions[:, None], shown[-1:]])


def legend_hides_data(fig, renderer) -> list[str]:
    """The legends inside axes that cover a point of a line drawn in those axes (or their twins)."""
    bad = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent(renderer)
        same_place = [a for a in fig.axes if a.bbox.bounds == ax.bbox.bounds]
        for other in same_place:
            for line in other.get_lines():
                if (line.get_gid() or "").startswith("lrviz-marker"):
                    continue
                points = step_points(line)
                hit = ((points[:, 0] > box.x0) & (points[:, 0] < box.x1)
                       & (points[:, 1] > box.y0) & (points[:, 1] < box.y1))
                if hit.any():
                    bad.append(f"legend over {line.get_label()!r} at {points[hit][0]}")
    return bad
