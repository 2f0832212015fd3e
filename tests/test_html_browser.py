"""The interactive HTML page in a real headless Chromium: it loads offline without console errors,
draws the curves, hovering shows ``lrviz table``'s exact text, legend clicks, zoom, pan and the sweep
slider work. Skipped where no Chromium is installed (Debian: ``apt-get install chromium``)."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest

from headless import Browser, find_browser
from test_html import ONECYCLE, sweep, table, trace_of

pytest.importorskip("plotly")
from lrviz.render.html import save_html  # noqa: E402
from lrviz.render.png import PALETTE  # noqa: E402

CURVES = "document.querySelectorAll('#lrviz .scatterlayer .trace').length"
GD = "document.getElementById('lrviz')"


@pytest.fixture(scope="module")
def browser():
    executable = find_browser()
    if executable is None:
        pytest.skip("no Chromium or Chrome found (Debian: apt-get install chromium; or set LRVIZ_TEST_BROWSER)")
    with Browser(executable) as chromium:
        chromium.call("Network.enable", session=True)
        yield chromium


def show(browser, path, curves: int) -> None:
    """Open the page, wait until plotly has drawn ``curves`` curves; no console error on the way."""
    browser.errors.clear()
    browser.events.clear()
    browser.open(path)
    assert browser.until(f"{CURVES} === {curves} && {CURVES}") == curves
    requested = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert requested and all(url.startswith(("file:", "data:")) for url in requested), requested  # nothing fetched
    assert browser.errors == []


def point(browser, x: float, y: float, axes: str = "") -> tuple[float, float]:
    """Page coordinates of data point (x, y) on the subplot ``axes`` ("" for the first, "2", ...)."""
    return tuple(browser.evaluate(
        f"(() => {{ const gd = {GD}, xa = gd._fullLayout.xaxis{axes}, ya = gd._fullLayout.yaxis{axes}; "
        f"const r = gd.getBoundingClientRect(); "
        f"return [r.left + xa._offset + xa.d2p({x}), r.top + ya._offset + ya.d2p({y})]; }})()"))


def centre_of(browser, selector: str, text: str) -> tuple[float, float]:
    return tuple(browser.evaluate(
        f"(() => {{ const e = Array.from(document.querySelectorAll('#lrviz {selector}')).find(e => e.textContent === "
        f"{text!r}); const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }})()"))


def visible(browser) -> list:
    return browser.evaluate(f"{GD}.data.map(d => d.visible === undefined ? true : d.visible)")


def test_page_draws_the_curves_and_holds_the_table_values(browser, cli, tmp_path):
    from PIL import Image

    path = save_html([trace_of(ONECYCLE)], tmp_path / "one.html", momentum=True)
    show(browser, path, curves=2)
    header, cells = table(cli, ONECYCLE, "--momentum")
    for index, column in ((0, 1), (1, 2)):  # the values as the browser parsed them
        y = browser.evaluate(f"{GD}.data[{index}].y")
        assert y[1:-1] == [float(row[column]) for row in cells]
    box = browser.evaluate("(() => { const r = document.querySelector('#lrviz .draglayer .xy .nsewdrag')"
                           ".getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })()")
    shot = Image.open(io.BytesIO(browser.screenshot())).convert("RGB")
    (tmp_path / "one.png").write_bytes(browser.screenshot())
    area = np.asarray(shot.crop(tuple(round(v) for v in box))).astype(int)
    blue = np.array([int(PALETTE[0][i:i + 2], 16) for i in (1, 3, 5)])
    curve = (np.abs(area - blue).sum(axis=2) < 60).sum(axis=0)  # pixels of the curve's colour, per column
    assert (curve > 0).mean() > 0.9  # the curve crosses the whole plot area
    assert (area.sum(axis=2) < 600).mean() > 0.005


@pytest.mark.parametrize("row", [0, 1, 29, 30, 37, 99])
@pytest.mark.parametrize("within", [0.15, 0.85])
def test_hovering_a_step_shows_its_exact_table_text(browser, cli, tmp_path_factory, row, within):
    path = tmp_path_factory.getbasetemp() / "hover.html"
    if not path.exists():
        save_html([trace_of(ONECYCLE, steps_per_epoch=25)], path)
    if browser.evaluate("document.location.href") != path.as_uri():
        show(browser, path, curves=1)
    _, cells = table(cli, ONECYCLE)
    browser.hover(0, 0)
    browser.hover(*point(browser, row + within, float(cells[row][1])))
    text = browser.until("Array.from(document.querySelectorAll('#lrviz .hoverlayer .hovertext'))"
                         ".map(e => e.textContent).join(' | ')")
    epoch = f"{row / 25:.4f}".rstrip("0").rstrip(".")
    assert text == f"{ONECYCLE}step {row} · epoch {epoch}lr {cells[row][1]}"


def test_legend_click_hides_a_curve_and_brings_it_back(browser, tmp_path):
    family = sweep("step:step_size=10", "gamma=0.1,0.5,0.9")
    show(browser, save_html(family, tmp_path / "legend.html", layout="overlay"), curves=3)
    where = centre_of(browser, ".legendtext", family[1].label)
    browser.click(*where)
    assert browser.until(f"{CURVES} === 2")
    assert visible(browser) == [True, "legendonly", True]
    browser.click(*where)
    assert browser.until(f"{CURVES} === 3")
    assert visible(browser) == [True, True, True]


def test_the_sweep_slider_shows_one_value_or_all(browser, tmp_path):
    family = sweep("step:step_size=10", "gamma=0.1,0.5,0.9")
    show(browser, save_html(family, tmp_path / "slider.html"), curves=3)
    browser.click(*centre_of(browser, ".slider-label", "gamma=0.9"))
    assert browser.until(f"{CURVES} === 1")
    assert visible(browser) == ["legendonly", "legendonly", True]
    browser.click(*centre_of(browser, ".slider-label", "all"))
    assert browser.until(f"{CURVES} === 3")


def test_dragging_zooms_and_the_pan_tool_pans(browser, tmp_path):
    show(browser, save_html([trace_of(ONECYCLE)], tmp_path / "zoom.html"), curves=1)
    x_range = f"{GD}._fullLayout.xaxis.range"
    assert browser.evaluate(x_range) == [0, 100]
    (left, y), (right, _) = point(browser, 20, 0.05), point(browser, 40, 0.05)
    drag(browser, (left, y), (right, y))
    low, high = browser.until(f"{x_range}[0] > 1 && {x_range}")
    assert 19 < low < 21 and 39 < high < 41
    browser.click(*centre_of_modebar(browser, "Pan"))
    (left, y), (right, _) = point(browser, 25, 0.05), point(browser, 35, 0.05)
    drag(browser, (right, y), (left, y))  # drag the view 10 steps to the left: it shows 10 steps further on
    low, high = browser.until(f"{x_range}[0] > 25 && {x_range}")
    assert 29 < low < 31 and 49 < high < 51
    assert browser.errors == []


def test_side_panels_show_their_data(browser, tmp_path):
    traces = [trace_of(ONECYCLE), trace_of("cosine:T_max=100", label="b", lr=0.05)]
    show(browser, save_html(traces, tmp_path / "side.html", layout="side", momentum=True), curves=4)
    lr_ranges = [browser.evaluate(f"{GD}._fullLayout.yaxis{i}.range") for i in ("", "2")]
    assert lr_ranges[0] == lr_ranges[1]
    low, high = lr_ranges[0]
    assert low <= min(t.lrs.min() for t in traces) and max(t.lrs.max() for t in traces) <= high < 0.2
    momentum = browser.evaluate(f"{GD}._fullLayout.yaxis3.range")
    assert momentum[0] <= 0 and 0.95 <= momentum[1] < 1.2  # SGD's momentum 0 (cosine) and OneCycleLR's 0.85..0.95


def drag(browser, start, end, steps: int = 8) -> None:
    """Press at ``start``, move to ``end`` in a few moves, release: a real mouse drag."""
    browser.call("Input.dispatchMouseEvent", session=True, type="mouseMoved", x=start[0], y=start[1])
    browser.call("Input.dispatchMouseEvent", session=True, type="mousePressed", x=start[0], y=start[1],
                 button="left", clickCount=1)
    for i in range(1, steps + 1):
        x, y = (start[0] + (end[0] - start[0]) * i / steps, start[1] + (end[1] - start[1]) * i / steps)
        browser.call("Input.dispatchMouseEvent", session=True, type="mouseMoved", x=x, y=y, button="left", buttons=1)
        time.sleep(0.02)
    browser.call("Input.dispatchMouseEvent", session=True, type="mouseReleased", x=end[0], y=end[1],
                 button="left", clickCount=1)


def centre_of_modebar(browser, title: str) -> tuple[float, float]:
    browser.hover(*point(browser, 50, 0.05))  # the mode bar shows while the mouse is over the plot
    return tuple(browser.until(
        f"(() => {{ const e = document.querySelector('#lrviz .modebar-btn[data-title=\"{title}\"]'); if (!e) return null; "
        f"const r = e.getBoundingClientRect(); return r.width ? [r.left + r.width / 2, r.top + r.height / 2] : null; }})()"))
