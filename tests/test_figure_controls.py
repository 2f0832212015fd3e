"""make_figure's controls: size, dpi, range, legend, axis labels, title, style, phase markers; the
settings line; whole-step ticks. Phase markers are checked against the real schedulers' lrs."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import matplotlib
import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler

import lrviz
from conftest import torch_loop
from figure_checks import rendered
from figure_corpus import WARMUP_COSINE, groups
from lrviz.errors import LrvizError
from lrviz.render.png import make_figure, save_figure


def lr_axes(fig):
    return fig.axes[0]


def markers(fig) -> dict[str, list[float]]:
    """The phase markers drawn, by kind: their gid is ``lrviz-marker:<kind>``."""
    found: dict[str, list[float]] = {}
    for line in lr_axes(fig).get_lines():
        if (line.get_gid() or "").startswith("lrviz-marker:"):
            found.setdefault(line.get_gid().split(":", 1)[1], []).append(float(line.get_xdata()[0]))
    return found


def text(fig, gid: str) -> str:
    return next((t.get_text() for t in fig.texts if t.get_gid() == gid), "")


def legends(fig) -> list:
    return [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]


# ------------------------------------------------------------------ size and dpi

def test_size_and_dpi_make_the_image_that_many_pixels(tmp_path):
    from PIL import Image

    fig = make_figure([lrviz.simulate("cosine:T_max=20")], size=(6, 3), dpi=100)
    assert tuple(fig.get_size_inches()) == (6, 3) and fig.dpi == 100
    with Image.open(save_figure(fig, tmp_path / "s.png")) as image:
        assert image.size == (600, 300)


@pytest.mark.parametrize("size, dpi, message", [
    ((1, 1), None, "size must be between 2 and 50 inches a side, got 1x1"),
    (("wide", 3), None, "size must be a finite number, got 'wide'"),
    ((6,), None, "size must be (width, height) in inches"),
    ((6, 4), 5, "dpi must be between 20 and 1200, got 5"),
    ((40, 30), 1000, "lrviz draws at most 20,000"),
])
def test_bad_size_or_dpi_is_a_one_line_error(size, dpi, message):
    with pytest.raises(LrvizError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make_figure([lrviz.simulate("cosine:T_max=20")], size=size, dpi=dpi)


# ------------------------------------------------------------------ range

def test_range_zooms_on_the_rows_it_names_exactly():
    trace = lrviz.simulate("cosine:T_max=100000", steps=200_000)
    fig = make_figure([trace], x_range=(150_000, 150_100))
    ax = lr_axes(fig)
    assert ax.get_xlim() == (150_000, 150_100)
    (line,) = ax.get_lines()
    assert line.get_xdata().tolist() == list(range(150_000, 150_101))  # every step: nothing decimated away
    assert np.array_equal(line.get_ydata()[:-1], trace.lr[150_000:150_100])


def test_range_fits_the_y_axis_to_what_it_shows():
    trace = lrviz.simulate(WARMUP_COSINE, steps=10000, lr=3e-4)
    bottom, top = lr_axes(make_figure([trace], x_range=(0, 100))).get_ylim()
    shown = trace.lr[:100]
    assert bottom <= shown.min() and shown.max() <= top < trace.lr.max()


def test_an_open_range_runs_to_the_end_and_a_range_in_epochs_counts_epochs(tmp_path):
    trace = lrviz.simulate("cosine:T_max=100", steps=100)
    assert lr_axes(make_figure([trace], x_range=(60, None))).get_xlim() == (60, 100)
    per_step = trace.spec.with_overrides(steps_per_epoch=10)
    from lrviz.simulation.record import simulate_spec

    fig = make_figure([simulate_spec(per_step)], unit="epoch", x_range=(2, 4))
    (line,) = lr_axes(fig).get_lines()
    assert lr_axes(fig).get_xlim() == (2, 4)
    assert line.get_xdata()[0] == 2 and line.get_xdata()[-1] == 4
    assert np.array_equal(line.get_ydata()[:-1], trace.lr[20:40])


@pytest.mark.parametrize("window, message", [
    ((200, 300), "range 200:300 shows nothing: the schedules span 0 to 100 steps"),
    ((5, 5), "range must start before it ends, got 5 to 5"),
    ((0, float("inf")), "range must be a finite number"),
])
def test_bad_ranges_are_errors(window, message):
    with pytest.raises(LrvizError, match=message):
        make_figure([lrviz.simulate("cosine:T_max=100", steps=100)], x_range=window)


# ------------------------------------------------------------------ legend, labels, title

def test_legend_best_outside_and_none():
    traces = [lrviz.simulate("cosine:T_max=100", steps=100), lrviz.simulate("exp:gamma=0.95", steps=100)]
    best = make_figure(traces)
    assert lr_axes(best).get_legend() is not None and not best.legends  # room inside (bottom left is empty)
    outside = make_figure(traces, legend="outside")
    assert lr_axes(outside).get_legend() is None and len(outside.legends) == 1
    assert [t.get_text() for t in outside.legends[0].get_texts()] == [t.label for t in traces]
    assert legends(make_figure(traces, legend="none")) == []
    with pytest.raises(LrvizError, match=r"legend 'left' is not a placement \(valid: best, outside, none\)"):
        make_figure(traces, legend="left")


def test_axis_labels_are_the_users_and_empty_means_none():
    trace = lrviz.simulate("onecycle:max_lr=0.1,total_steps=50")
    fig = make_figure([trace], xlabel="iteration", ylabel="η", momentum=True)
    lr_ax, momentum_ax = fig.axes
    assert lr_ax.get_ylabel() == "η" and momentum_ax.get_xlabel() == "iteration"
    assert momentum_ax.get_ylabel() == "momentum"
    bare = make_figure([trace], xlabel="", ylabel="")
    assert lr_axes(bare).get_xlabel() == "" and lr_axes(bare).get_ylabel() == ""


def test_title_none_default_empty_gives_a_bare_figure_and_text_replaces_it(tmp_path):
    trace = lrviz.simulate("cosine:T_max=20")
    assert text(make_figure([trace]), "lrviz-title") == "CosineAnnealingLR(T_max=20)"
    bare = make_figure([trace], title="")
    assert [t.get_text() for t in bare.texts] == []
    mine = make_figure([trace], title="Figure 3: cosine annealing")
    assert text(mine, "lrviz-title") == "Figure 3: cosine annealing"
    assert "Figure 3: cosine annealing" in save_figure(mine, tmp_path / "t.svg").read_text()


# ------------------------------------------------------------------ style

def test_style_applies_to_the_figure_only(tmp_path):
    before = dict(matplotlib.rcParams)
    fig = make_figure([lrviz.simulate("cosine:T_max=20"), lrviz.simulate("exp:gamma=0.9")], style="ggplot")
    assert matplotlib.colors.to_hex(lr_axes(fig).get_facecolor()) == "#e5e5e5"
    assert lr_axes(fig).get_lines()[0].get_color() == "#E24A33"  # the style's own colour cycle
    assert dict(matplotlib.rcParams) == before
    style = tmp_path / "paper.mplstyle"
    style.write_text("axes.facecolor: 123456\n")
    assert matplotlib.colors.to_hex(lr_axes(make_figure([lrviz.simulate("cosine:T_max=20")], style=str(style)))
                                    .get_facecolor()) == "#123456"


def test_style_is_used_when_saving_too(tmp_path):
    trace = lrviz.simulate("cosine:T_max=20")
    plain = save_figure(make_figure([trace]), tmp_path / "plain.png").read_bytes()
    dark = save_figure(make_figure([trace], style="dark_background"), tmp_path / "dark.png").read_bytes()
    from PIL import Image

    with Image.open(tmp_path / "dark.png") as image:
        assert image.getpixel((1, 1))[:3] == (0, 0, 0)  # the style's black figure background, saved
    assert plain != dark


def test_an_unknown_style_lists_the_valid_ones():
    with pytest.raises(LrvizError) as error:
        make_figure([lrviz.simulate("cosine:T_max=20")], style="gplot")
    message = str(error.value)
    assert message.startswith("style 'gplot' is neither a style file nor one of: default, ")
    assert "ggplot" in message and "\n" not in message


# ------------------------------------------------------------------ markers, against the real schedulers

def rises(values: np.ndarray) -> list[int]:
    """Where the lr goes up, read from a real scheduler's values."""
    return (np.flatnonzero(np.diff(values) > 0) + 1).tolist()


def test_markers_at_sequential_milestones():
    fig = make_figure([lrviz.simulate(WARMUP_COSINE, steps=10000, lr=3e-4)], markers=True)
    assert markers(fig) == {"milestone": [500.0]}
    assert markers(make_figure([lrviz.simulate(WARMUP_COSINE, steps=10000, lr=3e-4)])) == {}


def test_markers_at_sgdr_restarts_where_torch_restarts():
    expected = torch_loop(lr_scheduler.CosineAnnealingWarmRestarts, {"T_0": 10, "T_mult": 2}, 150)[0]
    fig = make_figure([lrviz.simulate("sgdr:T_0=10,T_mult=2", steps=150)], markers=True)
    assert markers(fig) == {"restart": [float(t) for t in rises(expected)]} == {"restart": [10.0, 30.0, 70.0]}
    zoomed = make_figure([lrviz.simulate("sgdr:T_0=10,T_mult=2", steps=150)], markers=True, x_range=(20, 60))
    assert markers(zoomed) == {"restart": [30.0]}


@pytest.mark.skipif(importlib.util.find_spec("transformers") is None, reason="transformers is not installed")
def test_marker_at_the_end_of_a_hugging_face_warmup():
    from transformers import get_cosine_schedule_with_warmup

    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
    scheduler = get_cosine_schedule_with_warmup(optimizer, num_warmup_steps=25, num_training_steps=100)
    real = []
    for _ in range(100):
        real.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    fig = make_figure([lrviz.simulate("hf:cosine:num_warmup_steps=25,num_training_steps=100")], markers=True)
    assert markers(fig) == {"warmup ends": [float(np.argmax(real))]} == {"warmup ends": [25.0]}


@pytest.mark.skipif(importlib.util.find_spec("timm") is None, reason="timm is not installed")
def test_markers_at_timm_warmup_end_and_cycle_restarts():
    from lrviz.catalog.sources.timm_source import scheduler_module

    optimizer = torch.optim.SGD([torch.zeros(1)], lr=1e-3)
    scheduler = scheduler_module().CosineLRScheduler(optimizer, t_initial=30, cycle_limit=3, cycle_decay=0.5,
                                                     warmup_t=5, warmup_lr_init=1e-5)
    real = np.array([optimizer.param_groups[0]["lr"]] + [scheduler._get_values(t, on_epoch=True)[0]
                                                         for t in range(1, 90)])
    fig = make_figure([lrviz.simulate("timm:cosine:t_initial=30,cycle_limit=3,cycle_decay=0.5,warmup_t=5,"
                                      "warmup_lr_init=1e-5", lr=1e-3)], markers=True)
    warmup_end = int(np.flatnonzero(np.diff(real) <= 0)[0])
    assert markers(fig) == {"warmup ends": [float(warmup_end)],
                            "restart": [float(t) for t in rises(real) if t > warmup_end]}
    assert markers(fig)["restart"] == [30.0, 60.0]


# ------------------------------------------------------------------ settings line, ticks

@pytest.mark.parametrize("spec, lr, expected", [
    (WARMUP_COSINE, 3e-4, "SGD · lr 0.0003 · 10,000 steps"),  # not row 0's 3e-07
    ("hf:cosine:num_warmup_steps=10,num_training_steps=100", None, "SGD · lr 0.1 · 100 steps"),  # not row 0's 0
])
def test_the_settings_line_states_the_base_lr_as_set(spec, lr, expected):
    if spec.startswith("hf:") and importlib.util.find_spec("transformers") is None:
        pytest.skip("transformers is not installed")
    trace = lrviz.simulate(spec, steps=10000 if lr else None, lr=lr)
    assert trace.lr[0] != trace.spec.lr
    assert text(make_figure([trace]), "lrviz-subtitle") == expected


def test_the_settings_line_states_the_optimizer_and_each_group():
    expected = "backbone and head · AdamW · lr 0.001 / 0.0001 · 60 steps"  # its name, then as set
    assert text(make_figure(groups()), "lrviz-subtitle") == expected


def test_whole_steps_get_whole_ticks():
    fig = make_figure([lrviz.simulate("step:step_size=1,gamma=0.5", steps=3)])
    rendered(fig)
    ticks = [t for t in lr_axes(fig).get_xticks() if 0 <= t <= 3]
    assert ticks and all(float(t).is_integer() for t in ticks)


def test_tiny_lrs_get_short_ticks_and_the_power_of_ten_in_the_label():
    fig = make_figure([lrviz.simulate("cosine:T_max=10", lr=3e-4, steps=10)])
    rendered(fig)
    ax = lr_axes(fig)
    assert ax.get_ylabel() == "learning rate (×$10^{-4}$)"
    shown = [label.get_text() for label in ax.get_yticklabels() if label.get_text()]
    assert "3.0" in shown and not ax.yaxis.get_offset_text().get_visible()


# ------------------------------------------------------------------ through the forked worker

@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="fork only")
def test_the_worker_passes_every_control(tmp_path):
    out = subprocess.run([sys.executable, "-c", (
        "import lrviz, lrviz.startup\n"
        "from lrviz.startup.figure_worker import figure_worker\n"
        "lrviz.startup.enable_cli_tricks()\n"
        "with figure_worker() as draw:\n"
        "    trace = lrviz.simulate('sgdr:T_0=10', steps=40)\n"
        "    print(draw([trace], 'w.png', size=(4, 3), dpi=50, x_range=(5, 30), legend='outside', xlabel='x',\n"
        "               ylabel='y', title='t', style='ggplot', markers=True))\n"
        "    try:\n"
        "        draw([trace], 'bad.png', legend='left')\n"
        "    except lrviz.LrvizError as exc:\n"
        "        print(exc)\n")], capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert out.splitlines() == ["w.png", "legend 'left' is not a placement (valid: best, outside, none)"]
    from PIL import Image

    with Image.open(tmp_path / "w.png") as image:
        assert image.size == (200, 150) and image.text["Title"] == "t"
