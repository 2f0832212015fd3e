"""Epochs and iterations: a per-epoch schedule shown per iteration equals a hand-built per-iteration loop."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler

import lrviz
from lrviz.errors import LrvizError
from lrviz.trace.units import in_unit

PER_EPOCH = [
    ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.001}),
    ("MultiStepLR", {"milestones": [2, 5], "gamma": 0.1}),
]


def per_iteration_loop(cls, kwargs, epochs: int, steps_per_epoch: int, lr: float = 0.1) -> np.ndarray:
    """A training loop: optimizer.step() every iteration, scheduler.step() only at the end of each epoch."""
    param = torch.nn.Parameter(torch.ones(2))
    optimizer = torch.optim.SGD([param], lr=lr)
    scheduler = cls(optimizer, **kwargs)
    lrs = []
    for _ in range(epochs):
        for _ in range(steps_per_epoch):
            lrs.append(optimizer.param_groups[0]["lr"])
            param.grad = torch.full_like(param, 0.1)
            optimizer.step()
        scheduler.step()
    return np.array(lrs)


def yaml_spec(tmp_path, scheduler, kwargs, **top) -> str:
    import yaml

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({**top, "scheduler": {"type": scheduler, **kwargs}}))
    return str(path)


@pytest.mark.parametrize(("name", "kwargs"), PER_EPOCH, ids=[p[0] for p in PER_EPOCH])
@pytest.mark.parametrize("steps_per_epoch", [1, 4, 7])
def test_per_epoch_schedule_per_iteration_equals_the_loop(tmp_path, name, kwargs, steps_per_epoch):
    spec = yaml_spec(tmp_path, name, kwargs, interval="epoch", steps_per_epoch=steps_per_epoch, steps=10)
    trace = lrviz.simulate(spec)
    assert trace.unit == "epoch" and trace.steps == 10
    per_step = in_unit(trace, "step")
    expected = per_iteration_loop(getattr(lr_scheduler, name), kwargs, 10, steps_per_epoch)
    assert per_step.unit == "step"
    assert np.array_equal(per_step.lr, expected)
    # and back: the first iteration of each epoch is the epoch's lr
    assert np.array_equal(in_unit(per_step, "epoch").lr, trace.lr)


def test_per_step_schedule_per_epoch_keeps_each_epochs_first_step(tmp_path):
    spec = yaml_spec(tmp_path, "cosine", {"T_max": 30}, steps_per_epoch=4, steps=30)
    trace = lrviz.simulate(spec)
    expected = np.array(per_iteration_loop(lr_scheduler.CosineAnnealingLR, {"T_max": 30}, 30, 1))
    assert np.array_equal(trace.lr, expected)
    assert np.array_equal(in_unit(trace, "epoch").lr, expected[::4])
    assert in_unit(trace, "epoch").steps == 8  # 30 iterations: 7 whole epochs and a part


def test_momentum_is_converted_with_the_lr(tmp_path):
    spec = yaml_spec(tmp_path, "step", {"step_size": 1}, interval="epoch", steps_per_epoch=3, steps=4,
                     optimizer={"momentum": 0.9})
    per_step = in_unit(lrviz.simulate(spec), "step")
    assert per_step.momenta.shape == per_step.lrs.shape == (1, 12)


def test_converting_without_steps_per_epoch_is_a_clear_error():
    trace = lrviz.simulate("cosine:T_max=10")
    with pytest.raises(LrvizError, match="steps_per_epoch is needed to show 'cosine:T_max=10' \\(stepped per step\\) in epochs"):
        in_unit(trace, "epoch")


def test_bad_interval_names_the_choices(tmp_path):
    with pytest.raises(LrvizError, match="'interval' in .* must be one of step, epoch, fraction, got 'epochs'; did you mean 'epoch'"):
        lrviz.simulate(yaml_spec(tmp_path, "cosine", {"T_max": 10}, interval="epochs"))


def csv_rows(text: str) -> tuple[list[str], np.ndarray]:
    lines = text.strip().splitlines()
    return lines[0].split(","), np.array([[float(v) if v else np.nan for v in line.split(",")] for line in lines[1:]])


@pytest.mark.parametrize(("name", "kwargs"), PER_EPOCH, ids=[p[0] for p in PER_EPOCH])
def test_table_unit_step_equals_the_per_iteration_loop(cli, name, kwargs):
    inline = name + ":" + ",".join(f"{k}={v}".replace(" ", "") for k, v in kwargs.items())
    code, out, err = cli("table", inline, "--interval", "epoch", "--steps", 9, "--steps-per-epoch", 5, "--unit", "step")
    assert code == 0, err
    header, rows = csv_rows(out)
    assert header == ["step", "lr"]
    assert rows[:, 0].tolist() == list(range(45))
    assert np.array_equal(rows[:, 1], per_iteration_loop(getattr(lr_scheduler, name), kwargs, 9, 5))


def test_table_unit_epoch_of_a_per_epoch_yaml_schedule(cli, tmp_path):
    spec = yaml_spec(tmp_path, "step", {"step_size": 2, "gamma": 0.5}, interval="epoch", steps_per_epoch=4, steps=6)
    code, out, err = cli("table", spec)
    assert code == 0, err
    header, rows = csv_rows(out)
    assert header == ["epoch", "lr"]
    assert np.array_equal(rows[:, 1], per_iteration_loop(lr_scheduler.StepLR, {"step_size": 2, "gamma": 0.5}, 6, 4)[::4])


def test_mixed_intervals_are_tabulated_in_steps(cli, tmp_path):
    spec = yaml_spec(tmp_path, "step", {"step_size": 1, "gamma": 0.5}, name="per-epoch", interval="epoch",
                     steps_per_epoch=3, steps=4)
    code, out, err = cli("table", spec, "exp:gamma=0.9", "--steps-per-epoch", 3, "--steps", 4)
    assert code == 0, err
    header, rows = csv_rows(out)
    assert header == ["step", "per-epoch", "exp:gamma=0.9"]
    assert np.array_equal(rows[:, 1], per_iteration_loop(lr_scheduler.StepLR, {"step_size": 1, "gamma": 0.5}, 4, 3))
    assert np.array_equal(rows[:4, 2], per_iteration_loop(lr_scheduler.ExponentialLR, {"gamma": 0.9}, 4, 1))
    assert np.isnan(rows[4:, 2]).all()  # the per-step schedule has 4 rows: blank after


def test_figure_has_a_second_axis_in_the_other_unit(tmp_path):
    from lrviz.render.png import make_figure

    trace = lrviz.simulate(yaml_spec(tmp_path, "step", {"step_size": 3}, interval="epoch", steps_per_epoch=50, steps=9))
    fig = make_figure([trace], unit="step")
    (ax,) = [a for a in fig.axes if a.get_ylabel()]
    assert ax.get_xlabel() == "step (iteration)" and ax.get_xlim() == (0.0, 450.0)
    top = [child for child in ax.get_children() if type(child).__name__ == "SecondaryAxis"]
    assert len(top) == 1 and top[0].get_xlabel() == "epoch (scheduler.step() calls)"
