"""The interactive HTML page, read from its source as anyone can: plain JSON numbers equal to
``lrviz table`` and to a plain torch loop, exact texts for hovering, decimation keeping real rows."""

from __future__ import annotations

import json
import re
import sys

import numpy as np
import pytest
from torch.optim import lr_scheduler

from conftest import torch_loop
from lrviz.errors import LrvizError
from lrviz.simulation.record import simulate_spec
from lrviz.trace import Trace
from lrviz.spec import specs_from_tokens
from lrviz.spec.sweep import expand, parse_sweep

pytest.importorskip("plotly")
from lrviz.render.html import HTML_BUCKETS, save_html  # noqa: E402

ONECYCLE = "onecycle:max_lr=0.1,total_steps=100"


def trace_of(text: str, **fields) -> Trace:
    return simulate_spec(specs_from_tokens([text])[0].with_overrides(**fields))


def sweep(text: str, swept: str) -> list[Trace]:
    return [simulate_spec(s) for s in expand(specs_from_tokens([text]), [parse_sweep(swept)])]


def page_figure(path) -> tuple[list[dict], dict]:
    """The data and layout passed to ``Plotly.newPlot`` in the page's source, parsed as JSON."""
    source = path.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    at = source.index("Plotly.newPlot(") + len("Plotly.newPlot(")
    values = []
    for _ in range(3):  # the element id, the data, the layout
        at = re.compile(r"[\s,]*").match(source, at).end()
        value, at = decoder.raw_decode(source, at)
        values.append(value)
    return values[1], values[2]


def rows_of(curve: dict) -> list[tuple[int, float, str]]:
    """(row, value, hover text) of a step curve's points, without the two points closing its ends."""
    return [(round(x - 0.5), y, text) for x, y, text in zip(curve["x"][1:-1], curve["y"][1:-1], curve["text"][1:-1])]


def table(cli, *args) -> tuple[list[str], list[list[str]]]:
    code, out, err = cli("table", *args, "-o", "-")
    assert code == 0, err
    header, *lines = out.splitlines()
    return header.split(","), [line.split(",") for line in lines]


def test_values_are_plain_json_equal_to_the_table_and_to_torch(cli, tmp_path):
    path = save_html([trace_of(ONECYCLE)], tmp_path / "one.html", momentum=True)
    (lr, momentum), _ = page_figure(path)
    assert "bdata" not in json.dumps([lr, momentum])  # no base64 arrays: the numbers are readable
    header, cells = table(cli, ONECYCLE, "--momentum")
    assert header == ["step", "lr", "momentum"]
    expected = torch_loop(lr_scheduler.OneCycleLR, {"max_lr": 0.1, "total_steps": 100}, 100)[0]
    assert rows_of(lr) == [(int(step), float(text), text) for step, text, _ in cells]
    assert [y for _, y, _ in rows_of(lr)] == expected.tolist()
    assert rows_of(momentum) == [(int(step), float(text), text) for step, _, text in cells]
    assert lr["x"][0] == 0 and lr["x"][-1] == 100  # the curve spans every row's whole step
    assert "%{text}" in lr["hovertemplate"] and "%{customdata}" in lr["hovertemplate"]


def test_decimated_pages_keep_exact_values_of_real_rows(tmp_path):
    trace = trace_of("cosine:T_max=1000", steps=60_000)
    path = save_html([trace], tmp_path / "big.html")
    (curve,), _ = page_figure(path)
    kept = rows_of(curve)
    assert len(kept) <= 6 * HTML_BUCKETS < trace.steps
    values = trace.lrs[0]
    assert all(values[row] == y and repr(y) == text for row, y, text in kept)
    rows = [row for row, _, _ in kept]
    assert rows == sorted(set(rows))
    assert {0, trace.steps - 1, int(values.argmin()), int(values.argmax())} <= set(rows)
    assert path.stat().st_size < 8e6


def test_a_resumed_schedule_starts_at_its_step(cli, tmp_path):
    spec = "step:step_size=3,gamma=0.5,last_epoch=9"
    (curve,), _ = page_figure(save_html([trace_of(spec, steps=6)], tmp_path / "resumed.html"))
    _, cells = table(cli, spec, "--steps", 6)
    assert rows_of(curve) == [(int(step), float(text), text) for step, text in cells]
    assert curve["x"][0] == 10 and curve["x"][-1] == 16 and curve["customdata"][1] == "step 10"


def test_hover_names_step_and_epoch(tmp_path):
    per_step = trace_of(ONECYCLE, steps_per_epoch=30)
    per_epoch = trace_of("step:step_size=2,gamma=0.5", steps=5, interval="epoch", steps_per_epoch=10, label="e")
    (a,), _ = page_figure(save_html([per_step], tmp_path / "a.html"))
    assert a["customdata"][1:4] == ["step 0 · epoch 0", "step 1 · epoch 0.0333", "step 2 · epoch 0.0667"]
    assert a["customdata"][31] == "step 30 · epoch 1"
    (b,), layout = page_figure(save_html([per_epoch], tmp_path / "b.html", unit="step"))
    assert b["customdata"][1:3] == ["epoch 0 · steps 0–9", "epoch 1 · steps 10–19"]
    assert b["x"][1:3] == [5, 15]  # the middle of each epoch, in steps
    assert layout["xaxis"]["title"]["text"] == "step (iteration)"


def test_a_sweep_gets_a_slider_over_its_values(tmp_path):
    family = sweep("step:step_size=10", "gamma=0.1,0.5,0.9")
    curves, layout = page_figure(save_html(family, tmp_path / "sweep.html"))
    (slider,) = layout["sliders"]
    assert slider["currentvalue"]["prefix"] == "step:step_size=10: "
    assert [s["label"] for s in slider["steps"]] == ["all", "gamma=0.1", "gamma=0.5", "gamma=0.9"]
    assert slider["steps"][2]["args"] == [{"visible": ["legendonly", True, "legendonly"]}]
    assert [c["name"] for c in curves] == [t.label for t in family]
    _, layout = page_figure(save_html([trace_of(ONECYCLE), trace_of("cosine:T_max=100")], tmp_path / "two.html"))
    assert "sliders" not in layout or not layout["sliders"]


def test_side_layout_shares_ranges_by_kind(tmp_path):
    traces = [trace_of(ONECYCLE), trace_of("cosine:T_max=100", label="b"), trace_of("cosine:T_max=50", label="c")]
    curves, layout = page_figure(save_html(traces, tmp_path / "side.html", layout="side", momentum=True, log=True))
    assert [(c["xaxis"], c["yaxis"]) for c in curves] == [("x", "y"), ("x4", "y4"), ("x2", "y2"), ("x5", "y5"),
                                                         ("x3", "y3"), ("x6", "y6")]
    assert [layout[f"yaxis{i}"].get("matches") for i in ("", 2, 3, 4, 5, 6)] == [None, "y", "y", None, "y4", "y4"]
    assert [layout[f"yaxis{i}"].get("type") for i in ("", 2, 3, 4)] == ["log", "log", "log", None]
    assert [a["text"] for a in layout["annotations"]] == [t.label for t in traces]


def test_same_traces_same_bytes_and_html_in_labels_is_escaped(tmp_path):
    trace = trace_of("cosine:T_max=10", label="<b>x</b> & y")
    a, b = save_html([trace], tmp_path / "a.html"), save_html([trace], tmp_path / "b.html")
    assert a.read_bytes() == b.read_bytes()
    source = a.read_text(encoding="utf-8")
    assert "<b>x</b>" not in source and "&lt;b&gt;x&lt;/b&gt; &amp; y" in source


def test_a_failure_leaves_the_old_file(tmp_path):
    path = tmp_path / "old.html"
    path.write_text("old")
    no_momentum = Trace("plain", np.array([[0.1, 0.05]]))
    with pytest.raises(LrvizError, match="no momentum"):
        save_html([no_momentum], path, momentum=True)
    with pytest.raises(LrvizError, match="layout"):
        save_html([no_momentum], path, layout="grid")
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["old.html"]


def test_without_plotly_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "plotly", None)
    with pytest.raises(LrvizError, match=r"pip install 'lrviz\[html\]'"):
        save_html([Trace("a", np.array([[0.1, 0.05]]))], tmp_path / "a.html")
    assert not (tmp_path / "a.html").exists()


def test_metrics_are_drawn_on_a_second_axis_with_exact_texts(tmp_path):
    trace = trace_of("plateau:patience=1", steps=6, metrics=[1.0, 0.9, 0.9, 0.9, 0.9])
    (lr, metric), layout = page_figure(save_html([trace], tmp_path / "m.html", metrics=True))
    assert metric["x"] == [1, 2, 3, 4, 5] and metric["y"] == [1.0, 0.9, 0.9, 0.9, 0.9]
    assert metric["yaxis"] == "y2" and layout["yaxis2"]["overlaying"] == "y"
    assert [y for _, y, _ in rows_of(lr)] == trace.lrs[0].tolist()
