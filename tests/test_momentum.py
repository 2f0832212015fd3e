"""The momentum (SGD) or betas[0] (Adam, AdamW) the optimizer holds, against torch's param_groups stepped by hand."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler

import lrviz
from lrviz.render.png import make_figure

OPTIMIZERS = {"sgd": (torch.optim.SGD, {"momentum": 0.9}), "adam": (torch.optim.Adam, {}),
              "adamw": (torch.optim.AdamW, {})}
CYCLERS = [
    ("onecycle:max_lr=0.1,total_steps=60", lr_scheduler.OneCycleLR, {"max_lr": 0.1, "total_steps": 60}),
    ("onecycle:max_lr=0.1,total_steps=60,base_momentum=0.8,max_momentum=0.9,three_phase=true",
     lr_scheduler.OneCycleLR, {"max_lr": 0.1, "total_steps": 60, "base_momentum": 0.8, "max_momentum": 0.9,
                               "three_phase": True}),
    ("cyclic:base_lr=0.01,max_lr=0.1,step_size_up=7", lr_scheduler.CyclicLR,
     {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 7}),
]


def momenta_by_hand(cls, kwargs, steps, optimizer) -> np.ndarray:
    """A real parameter and gradient, optimizer.step() then scheduler.step(); momentum read each step."""
    opt_cls, opt_kwargs = OPTIMIZERS[optimizer]
    param = torch.nn.Parameter(torch.ones(2))
    opt = opt_cls([param], lr=0.1, **opt_kwargs)
    sched = cls(opt, **kwargs)
    key = "momentum" if optimizer == "sgd" else "betas"
    out = []
    for t in range(steps):
        value = opt.param_groups[0][key]
        out.append(value if key == "momentum" else value[0])
        param.grad = torch.full_like(param, 0.1)
        opt.step()
        if t + 1 < steps:
            sched.step()
    return np.array(out)


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize(("spec", "cls", "kwargs"), CYCLERS, ids=["onecycle", "onecycle-3phase", "cyclic"])
def test_cycled_momentum_equals_torch(tmp_path, spec, cls, kwargs, optimizer):
    yaml_spec = tmp_path / "s.yaml"
    optimizer_line = f"optimizer: {{type: {optimizer}, momentum: 0.9}}" if optimizer == "sgd" else f"optimizer: {{type: {optimizer}}}"
    yaml_spec.write_text(f"steps: 60\n{optimizer_line}\nscheduler: {spec!r}\n")
    trace = lrviz.simulate(str(yaml_spec))
    assert trace.momentum_name == ("momentum" if optimizer == "sgd" else "beta1")
    assert np.array_equal(trace.momenta[0], momenta_by_hand(cls, kwargs, 60, optimizer))


def test_figure_has_a_labelled_momentum_panel():
    trace = lrviz.simulate("onecycle:max_lr=0.1,total_steps=50")
    fig = make_figure([trace], momentum=True)
    lr_ax, momentum_ax = fig.axes
    assert lr_ax.get_ylabel() == "learning rate" and momentum_ax.get_ylabel() == "momentum"
    assert np.array_equal(momentum_ax.get_lines()[0].get_ydata()[:-1], trace.momenta[0])
    adam = lrviz.simulate("onecycle:max_lr=0.1,total_steps=50").spec.with_overrides(optimizer="adam")
    from lrviz.simulation.record import simulate_spec

    assert "beta" in make_figure([simulate_spec(adam)], momentum=True).axes[1].get_ylabel()


def test_plot_momentum_in_the_terminal(cli):
    code, out, err = cli("plot", "onecycle:max_lr=0.1,total_steps=60", "--momentum", "--terminal", "--width", 100)
    assert code == 0, err
    lines = out.splitlines()
    assert "onecycle:max_lr=0.1,total_steps=60 · momentum" in lines
    start = lines.index("onecycle:max_lr=0.1,total_steps=60 · momentum")
    expected = momenta_by_hand(lr_scheduler.OneCycleLR, {"max_lr": 0.1, "total_steps": 60}, 60, "sgd")
    summary = " ".join(lines[start:])
    assert f"min {expected.min():.4g} @ {expected.argmin()}" in summary
    assert f"max {expected.max():.4g} @ {expected.argmax()}" in summary
    assert "area" not in summary and "warmup" not in summary  # nothing that means nothing for momentum
    ticks = [line.split("┤")[0].strip() for line in lines[start:] if "┤" in line]
    assert (ticks[0], ticks[-1]) == (f"{expected.max():.4g}", f"{expected.min():.4g}")  # its own range, not from 0
    rows = [line.split("┤")[1] for line in lines[start:] if "┤" in line]
    assert rows[-1].count("█") > len(rows[-1]) // 2  # the cycle fills the chart: most columns reach the bottom row


def test_plot_momentum_png(cli, tmp_path):
    out = tmp_path / "m.png"
    code, _, err = cli("plot", "cyclic:base_lr=0.01,max_lr=0.1,step_size_up=5", "--momentum", "-o", out)
    assert code == 0, err
    assert out.read_bytes().startswith(b"\x89PNG")


def test_table_momentum_columns_equal_torch(cli):
    code, out, err = cli("table", CYCLERS[0][0], CYCLERS[2][0], "--momentum", "--optimizer", "adamw", "--steps", 60)
    assert code == 0, err
    import csv
    import io

    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][3:] == [f"{CYCLERS[0][0]}:beta1", f"{CYCLERS[2][0]}:beta1"]
    values = np.array([[float(v) for v in row] for row in rows[1:]])
    assert np.array_equal(values[:, 3], momenta_by_hand(CYCLERS[0][1], CYCLERS[0][2], 60, "adamw"))
    assert np.array_equal(values[:, 4], momenta_by_hand(CYCLERS[2][1], CYCLERS[2][2], 60, "adamw"))


def test_table_momentum_of_one_schedule_is_named_momentum(cli):
    code, out, err = cli("table", "onecycle:max_lr=0.1,total_steps=5", "--momentum")
    assert code == 0, err
    assert out.splitlines()[0] == "step,lr,momentum"
