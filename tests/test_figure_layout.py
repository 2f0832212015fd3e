"""Figures of the schedules people write cannot break: checked from the figure's own window extents.

Every axes (with its ticks, labels and titles), heading, footer and legend lies inside the figure;
texts overlap neither each other nor the axes; a one-panel figure keeps at least 60% of the width
for its axes; a legend inside the axes covers no point of any line drawn there (the plateau metric
included); side panel titles stay over their own panel.
"""

from __future__ import annotations

import itertools
import re

import pytest

from figure_checks import artists_outside, legend_hides_data, overlap, rendered, text_boxes
from figure_corpus import WARMUP_COSINE, cases
from lrviz.render.png import make_figure, save_figure

CASES = cases()


#: lrviz's own size, and a paper's column (3.3 inches wide) or a wide, short strip
SIZES = {"default": None, "column": (3.3, 2.5), "strip": (12, 2)}


@pytest.fixture(scope="module", params=[(name, size) for name in sorted(CASES) for size in ("default", "column")]
                + [("overlay-long", "strip"), ("plateau-metrics", "strip"), ("side-momentum", "strip")],
                ids="-".join)
def drawn(request):
    name, size = request.param
    traces, options = CASES[name]
    fig = make_figure(traces, **{**options, **({"size": SIZES[size]} if SIZES[size] else {})})
    return name, fig, rendered(fig)


def test_nothing_leaves_the_figure(drawn):
    name, fig, renderer = drawn
    assert artists_outside(fig, renderer) == [], name


def test_texts_overlap_neither_each_other_nor_the_axes(drawn):
    name, fig, renderer = drawn
    boxes = text_boxes(fig, renderer)
    for (a, box_a), (b, box_b) in itertools.combinations(boxes.items(), 2):
        assert not overlap(box_a, box_b), (name, a, b)
    for ax in fig.axes:
        tight = ax.get_tightbbox(renderer)
        for what, box in boxes.items():
            assert not overlap(box, tight), (name, what, ax.get_ylabel())


def test_one_panel_keeps_most_of_the_width(drawn):
    name, fig, renderer = drawn
    if CASES[name][1].get("layout") == "side" and len(CASES[name][0]) > 1:
        return  # several panels share the width
    lr_axes = fig.axes[0]
    assert lr_axes.bbox.width >= 0.6 * fig.bbox.width, name


def test_legends_hide_no_data(drawn):
    name, fig, renderer = drawn
    assert legend_hides_data(fig, renderer) == [], name


def test_side_panel_titles_stay_over_their_panel(drawn):
    name, fig, renderer = drawn
    titled = [ax for ax in fig.axes if ax.get_title()]
    for ax in titled:
        box = ax.title.get_window_extent(renderer)
        assert ax.bbox.x0 - 1 <= box.x0 and box.x1 <= ax.bbox.x1 + 1, (name, ax.get_title())
    for a, b in itertools.combinations(titled, 2):
        assert not overlap(a.title.get_window_extent(renderer), b.title.get_window_extent(renderer)), name


def test_a_figure_too_small_for_its_panels_is_refused():
    from lrviz.errors import LrvizError

    traces, options = CASES["side-long"]
    with pytest.raises(LrvizError, match="a 3.3x2 inch figure is too small for its 4 axes and their labels"):
        make_figure(traces, **options, size=(3.3, 2))


def test_the_issue_overlay_names_both_schedules_readably_and_keeps_the_spec(tmp_path):
    traces, options = CASES["overlay-issue"]
    path = save_figure(make_figure(traces, **options), tmp_path / "x.svg")
    svg = path.read_text()
    title = re.search(r'<g id="lrviz-title">\s*<!-- (.*?) -->', svg).group(1)
    assert title == "linear warmup 500 -&gt; cosine 9500 vs cosine:T_max=10000"
    assert re.search(r'<g id="lrviz-subtitle">\s*<!-- SGD · lr 0.0003 · 10,000 steps -->', svg)
    footer = re.search(r'<g id="lrviz-footer">\s*<!-- (.*?) -->', svg, re.S).group(1)
    assert "LinearLR(start_factor=0.001, total_iters=500)" in footer and "CosineAnnealingLR(T_max=9500" in footer
    assert "<dc:title>linear warmup 500 -&gt; cosine 9500 vs cosine:T_max=10000</dc:title>" in svg
    assert WARMUP_COSINE in svg.split("<dc:description>")[1].split("</dc:description>")[0]


def test_a_long_spec_is_printed_once(tmp_path):
    traces, _ = CASES["timm-all-args"] if "timm-all-args" in CASES else CASES["warmup-cosine"]
    svg = save_figure(make_figure(traces), tmp_path / "t.svg").read_text()
    texts = re.findall(r"<!-- (.*?) -->", svg, re.S)
    spec_words = [t for t in texts if "t_initial=30" in t or "total_iters=500" in t]
    assert len(spec_words) == 1, spec_words  # the footer only: not the call and the inline text both


def test_the_full_spec_goes_into_png_and_pdf_metadata(tmp_path):
    from PIL import Image

    traces, _ = CASES["warmup-cosine"]
    fig = make_figure(traces)
    with Image.open(save_figure(fig, tmp_path / "w.png")) as image:
        assert image.text["Title"] == "linear warmup 500 -> cosine 9500"
        assert "LinearLR(start_factor=0.001, total_iters=500)" in image.text["Description"]
    pdf = save_figure(fig, tmp_path / "w.pdf").read_bytes()
    assert b"/Title (linear warmup 500 -> cosine 9500)" in pdf
    assert b"/Subject (\xfe\xff" + "SequentialLR".encode("utf-16-be") in pdf  # UTF-16: the text has a '·'
