"""Resuming with last_epoch=K (seed 000) and several param groups: what torch gives, step numbers and all."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
import yaml
from torch.optim import lr_scheduler as L

import lrviz
from lrviz.render.png import make_figure


def seed_000_rule(epoch):
    return math.pow(0.5, int(epoch / 3))


def resumed_loop(cls, kwargs: dict, last_epoch: int, steps: int, groups: list[dict]) -> np.ndarray:
    """Seed 000's resumed loop: groups carry initial_lr, the scheduler is built with last_epoch."""
    params = [{"params": [torch.nn.Parameter(torch.ones(1))], **g} for g in groups]
    opt = torch.optim.SGD(params, lr=groups[0]["lr"])
    sched = cls(opt, last_epoch=last_epoch, **kwargs)
    out = np.empty((len(groups), steps))
    for t in range(steps):
        out[:, t] = [g["lr"] for g in opt.param_groups]
        opt.step()
        if t + 1 < steps:
            sched.step()
    return out


def test_torch_needs_initial_lr_to_resume():
    """Seed 000's KeyError, which lrviz spares the user."""
    opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
    with pytest.raises(KeyError, match="initial_lr"):
        L.LambdaLR(opt, lr_lambda=seed_000_rule, last_epoch=4)


def test_seed_000_resumed_at_epoch_5(cli):
    code, out, err = cli("table", "lambda:lr_lambda=0.5 ** (epoch // 3),last_epoch=4", "--steps", 4, "--format", "md")
    assert code == 0, err
    assert out.splitlines()[2:] == ["| 5 | 0.05 |", "| 6 | 0.025 |", "| 7 | 0.025 |", "| 8 | 0.025 |"]  # seed 000's printout
    expected = resumed_loop(L.LambdaLR, {"lr_lambda": seed_000_rule}, 4, 4, [{"lr": 0.1, "initial_lr": 0.1}])[0]
    assert [float(line.split("|")[2]) for line in out.splitlines()[2:]] == expected.tolist()


def test_resumed_schedule_continues_the_uninterrupted_one():
    whole = lrviz.simulate("lambda:lr_lambda=0.5 ** (epoch // 3)", steps=20)
    resumed = lrviz.simulate("lambda:lr_lambda=0.5 ** (epoch // 3),last_epoch=4", steps=15)
    assert resumed.start == 5
    assert np.array_equal(resumed.lr, whole.lr[5:])


def test_resume_rows_are_numbered_from_k_plus_one(cli, tmp_path):
    code, out, err = cli("table", "step:step_size=3,gamma=0.5,last_epoch=9", "--at", "10,12", "--lr", 1)
    assert code == 0, err
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == ["10", "12"]
    code, _, err = cli("table", "step:step_size=3,last_epoch=9", "--at", 3)
    assert code == 2 and "--at 3 is outside the schedule's steps 10..109" in err
    figure = make_figure([lrviz.simulate("exp:gamma=0.9,last_epoch=9", steps=5)])
    assert figure.axes[0].get_xlim() == (10, 15)
    assert figure.axes[0].get_lines()[0].get_xdata().tolist() == [10, 11, 12, 13, 14, 15]


def test_resume_fills_what_onecycle_keeps_in_the_groups():
    """OneCycleLR also needs max_lr and min_lr in the groups: lrviz takes them from a fresh OneCycleLR."""
    whole = lrviz.simulate("onecycle:max_lr=0.1,total_steps=50", steps=50)
    resumed = lrviz.simulate("onecycle:max_lr=0.1,total_steps=50,last_epoch=19")
    assert resumed.steps == 30  # what is left of the schedule's own horizon
    assert np.array_equal(resumed.lr, whole.lr[20:])


def test_resumed_groups_keep_their_own_initial_lr(tmp_path):
    spec = tmp_path / "groups.yaml"
    spec.write_text(yaml.safe_dump({
        "optimizer": {"param_groups": [{"lr": 0.05, "initial_lr": 0.1}, {"lr": 0.02}]},
        "steps": 6, "scheduler": {"type": "lambda", "lr_lambda": "0.5 ** (epoch // 3)", "last_epoch": 4}}))
    expected = resumed_loop(L.LambdaLR, {"lr_lambda": seed_000_rule}, 4, 6,
                            [{"lr": 0.05, "initial_lr": 0.1}, {"lr": 0.02, "initial_lr": 0.02}])
    assert np.array_equal(lrviz.simulate(str(spec)).lr, expected)


# ------------------------------------------------------------------ several param groups


def groups_loop(make, groups: list[dict], steps: int, metrics=None) -> np.ndarray:
    """conftest.torch_loop with a scheduler factory; ``metrics[t]`` goes to ``step()`` when given."""
    params = [{"params": [torch.nn.Parameter(torch.ones(1))], **g} for g in groups]
    opt = torch.optim.SGD(params, lr=0.1)
    sched = make(opt)
    out = np.empty((len(groups), steps))
    for t in range(steps):
        out[:, t] = [g["lr"] for g in opt.param_groups]
        opt.step()
        if t + 1 < steps:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                sched.step(*([] if metrics is None else [metrics[t]]))
    return out


TWO_GROUPS = {"optimizer": {"type": "sgd", "param_groups": [{"lr": 0.1}, {"lr": 0.01}]}, "steps": 30}


@pytest.mark.parametrize(("scheduler", "make"), [
    ({"type": "lambda", "lr_lambda": ["0.5 ** (epoch // 10)", "min(1, (epoch + 1) / 5)"]},
     lambda o: L.LambdaLR(o, [lambda e: 0.5 ** (e // 10), lambda e: min(1, (e + 1) / 5)])),
    ({"type": "multiplicative", "lr_lambda": "0.9"}, lambda o: L.MultiplicativeLR(o, lambda e: 0.9)),
    ({"type": "cosine", "T_max": 10}, lambda o: L.CosineAnnealingLR(o, T_max=10)),
    ({"type": "plateau", "patience": 1, "min_lr": [0.01, 0.005], "metrics": [1] * 29},
     lambda o: L.ReduceLROnPlateau(o, patience=1, min_lr=[0.01, 0.005])),
    ({"type": "sequential", "milestones": [5], "schedulers": [
        {"type": "linear", "start_factor": 0.1, "total_iters": 5}, {"type": "exp", "gamma": 0.9}]},
     lambda o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1, total_iters=5), L.ExponentialLR(o, gamma=0.9)],
                              milestones=[5])),
], ids=["lambda-per-group", "multiplicative", "cosine", "plateau", "sequential"])
def test_one_series_per_group_in_every_renderer(cli, tmp_path, scheduler, make):
    spec = tmp_path / "groups.yaml"
    spec.write_text(yaml.safe_dump({**TWO_GROUPS, "scheduler": scheduler}))
    trace = lrviz.simulate(str(spec))
    assert trace.lr.shape == (2, 30)
    expected = groups_loop(make, TWO_GROUPS["optimizer"]["param_groups"], 30, scheduler.get("metrics"))
    assert np.array_equal(trace.lr, expected)

    code, out, err = cli("table", spec, "--every", 10)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "step,lr_g0,lr_g1"
    assert [list(map(float, line.split(",")[1:])) for line in lines[1:]] == trace.lr[:, [0, 10, 20, 29]].T.tolist()

    code, out, err = cli("plot", spec, "--terminal", "--width", 60)
    assert code == 0, err
    assert "groups · group 0" in out and "groups · group 1" in out

    figure = make_figure([trace])
    drawn = [line.get_ydata()[:-1].tolist() for line in figure.axes[0].get_lines()]
    assert drawn == trace.lr.tolist()
    (legend,) = figure.legends or [figure.axes[0].get_legend()]  # inside where it hides nothing, else below
    assert [t.get_text() for t in legend.get_texts()] == ["groups (group 0)", "groups (group 1)"]


def test_one_lambda_per_group_must_match_the_group_count(cli, tmp_path):
    spec = tmp_path / "groups.yaml"
    spec.write_text(yaml.safe_dump({**TWO_GROUPS, "scheduler": {"type": "lambda", "lr_lambda": ["0.9 ** epoch"] * 3}}))
    code, _, err = cli("table", spec)
    assert code == 2 and "LambdaLR: lr_lambda has 3 values, but it takes one per param group and the optimizer has 2 param groups" in err
