"""`lrviz compare` and tables of several schedules: spec forms mixed, labels unique, values equal torch."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
import yaml
from torch.optim import lr_scheduler

import lrviz
from conftest import torch_loop
from lrviz.render.png import LINESTYLES, PALETTE, curve_style, make_figure

COSINE = ("cosine:T_max=40,eta_min=0.001", lr_scheduler.CosineAnnealingLR, {"T_max": 40, "eta_min": 0.001})
STEP = ("step:step_size=15,gamma=0.5", lr_scheduler.StepLR, {"step_size": 15, "gamma": 0.5})


@pytest.fixture
def two_in_one_yaml(tmp_path):
    path = tmp_path / "pair.yaml"
    path.write_text(yaml.safe_dump({"lr": 0.05, "steps": 60, "schedules": [
        {"name": "warm", "scheduler": {"type": "linear", "start_factor": 0.1, "total_iters": 10}},
        {"name": "exp", "scheduler": {"type": "exp", "gamma": 0.95}},
    ]}))
    return path


def test_table_of_mixed_specs_has_one_torch_column_per_label(cli, two_in_one_yaml):
    code, out, err = cli("table", COSINE[0], two_in_one_yaml, STEP[0], "--steps", 60)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["step", COSINE[0], "warm", "exp", STEP[0]]
    values = np.array([[float(v) for v in row[1:]] for row in rows[1:]]).T
    expected = [
        torch_loop(COSINE[1], COSINE[2], 60)[0],
        torch_loop(lr_scheduler.LinearLR, {"start_factor": 0.1, "total_iters": 10}, 60, lr=0.05)[0],
        torch_loop(lr_scheduler.ExponentialLR, {"gamma": 0.95}, 60, lr=0.05)[0],
        torch_loop(STEP[1], STEP[2], 60)[0],
    ]
    assert np.array_equal(values, np.array(expected))


def test_compare_writes_a_figure_and_prints_statistics(cli, tmp_path, two_in_one_yaml):
    out_png = tmp_path / "cmp.png"
    code, out, err = cli("compare", COSINE[0], two_in_one_yaml, "--steps", 60, "-o", out_png)
    assert code == 0, err
    assert out_png.read_bytes().startswith(b"\x89PNG")
    assert out.splitlines()[-1] == f"wrote {out_png}"
    area_row = next(line for line in out.splitlines() if line.startswith("area (sum of lr)"))
    cells = [c.strip() for c in area_row.split("│")[1:]]
    expected = [torch_loop(COSINE[1], COSINE[2], 60)[0].sum(),
                torch_loop(lr_scheduler.LinearLR, {"start_factor": 0.1, "total_iters": 10}, 60, lr=0.05)[0].sum(),
                torch_loop(lr_scheduler.ExponentialLR, {"gamma": 0.95}, 60, lr=0.05)[0].sum()]
    assert cells == [f"{v:.4g}" for v in expected]
    warmup_row = next(line for line in out.splitlines() if line.startswith("warmup ends"))
    assert [c.strip() for c in warmup_row.split("│")[1:]] == ["—", "10", "—"]


def test_compare_terminal_charts_share_one_scale(cli):
    code, out, err = cli("compare", COSINE[0], STEP[0], "--steps", 50, "--terminal", "--width", 70)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == COSINE[0] and STEP[0] in lines
    top_ticks = [line.split("┤")[0].strip() for line in lines if "┤" in line][::5]
    assert top_ticks == ["0.1", "0.1"]  # both charts drawn between the same limits
    assert not any(line.startswith("wrote") for line in lines)


def test_side_layout_panels_share_y_and_x_ranges():
    traces = [lrviz.simulate(COSINE[0], steps=50), lrviz.simulate(STEP[0], steps=80, lr=0.02)]
    fig = make_figure(traces, layout="side")
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == [COSINE[0], STEP[0]]
    assert panels[0].get_ylim() == panels[1].get_ylim()
    assert panels[0].get_xlim() == panels[1].get_xlim() == (0.0, 80.0)


def test_overlay_layout_has_a_legend_and_distinct_colour_and_style():
    traces = [lrviz.simulate(f"exp:gamma={g}", steps=20) for g in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999)]
    fig = make_figure(traces, layout="overlay")
    (ax,) = fig.axes
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == [t.label for t in traces]
    assert ax.get_legend() is None  # eight curves: the legend goes below the axes
    assert [text.get_text() for text in fig.legends[0].get_texts()] == [t.label for t in traces]
    assert [line.get_color() for line in lines] == [PALETTE[i % len(PALETTE)] for i in range(8)]
    assert lines[0].get_linestyle() == "-" and lines[1].get_linestyle() == "--"  # dashed: told apart without colour
    styles = [curve_style(i) for i in range(len(PALETTE) * len(LINESTYLES))]
    assert len({(s["color"], str(s["linestyle"])) for s in styles}) == 42


def test_compare_sweep_gives_a_family(cli, tmp_path):
    code, out, err = cli("compare", "step:step_size=10", "--sweep", "gamma=0.1,0.5,0.9", "--layout", "overlay",
                         "--steps", 30, "-o", tmp_path / "g.svg")
    assert code == 0, err
    svg = (tmp_path / "g.svg").read_text()
    for gamma in ("0.1", "0.5", "0.9"):
        assert f"step:step_size=10 gamma={gamma}" in svg


def test_repeated_specs_are_labelled_apart_in_compare(cli):
    code, out, err = cli("compare", COSINE[0], COSINE[0], "--steps", 10, "--terminal", "--width", 60)
    assert code == 0, err
    assert f"{COSINE[0]} #2" in out.splitlines()


@pytest.mark.parametrize(("args", "fragment"), [
    ([COSINE[0]], "compare needs at least two schedules, got 1"),
    ([COSINE[0], STEP[0], "--layout", "grid"], "--layout 'grid' is not a layout (valid: overlay, side)"),
    ([COSINE[0], STEP[0], "--unit", "epochs"], "--unit must be one of step, epoch, got 'epochs'"),
    ([COSINE[0], STEP[0], "--unit", "epoch"], "--steps-per-epoch is needed to show"),
])
def test_compare_usage_errors(cli, tmp_path, monkeypatch, args, fragment):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("compare", *args)
    assert code == 2 and err.startswith("lrviz: error: ") and err.count("\n") == 1
    assert fragment in err
    assert list(tmp_path.iterdir()) == []
