"""Every plain-argument torch scheduler, through all three spec forms, equals a plain torch loop bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from torch.optim import lr_scheduler

from conftest import torch_loop

CASES = [
    ("StepLR", {"step_size": 10, "gamma": 0.5}, 30),
    ("StepLR", {"step_size": 3}, 20),
    ("MultiStepLR", {"milestones": [30, 60, 80], "gamma": 0.5}, 100),
    ("MultiStepLR", {"milestones": [2, 5]}, 10),
    ("ConstantLR", {}, 10),
    ("ConstantLR", {"factor": 0.5, "total_iters": 4}, 10),
    ("LinearLR", {"start_factor": 0.01, "total_iters": 5}, 12),
    ("LinearLR", {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 20}, 30),
    ("ExponentialLR", {"gamma": 0.9}, 100),
    ("ExponentialLR", {"gamma": 0.5}, 10),
    ("PolynomialLR", {"total_iters": 10, "power": 2.0}, 15),
    ("PolynomialLR", {}, 8),
    ("CosineAnnealingLR", {"T_max": 20, "eta_min": 1e-5}, 100),
    ("CosineAnnealingLR", {"T_max": 10}, 25),
    ("CosineAnnealingWarmRestarts", {"T_0": 20, "T_mult": 2, "eta_min": 1e-5}, 100),
    ("CosineAnnealingWarmRestarts", {"T_0": 5}, 30),
    ("CyclicLR", {"base_lr": 0.05, "max_lr": 0.1, "step_size_up": 10, "step_size_down": 20}, 100),
    ("CyclicLR", {"base_lr": 0.001, "max_lr": 0.1, "step_size_up": 5, "mode": "triangular2"}, 60),
    ("OneCycleLR", {"max_lr": 0.1, "steps_per_epoch": 10, "epochs": 10}, 100),
    ("OneCycleLR", {"max_lr": 0.1, "total_steps": 50, "three_phase": True, "anneal_strategy": "linear"}, 50),
]
IDS = [f"{name}-{i % 2}" for i, (name, _, _) in enumerate(CASES)]


def literal(value) -> str:
    if isinstance(value, list):
        return "[" + ",".join(map(str, value)) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def as_inline(name, kwargs):
    return [name + (":" + ",".join(f"{k}={literal(v)}" for k, v in kwargs.items()) if kwargs else "")]


def as_flags(name, kwargs):
    args = ["--sched", name]
    for key, value in kwargs.items():
        args += [f"--{key}", ",".join(map(str, value)) if isinstance(value, list) else literal(value)]
    return args


def as_yaml(name, kwargs, tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump({"name": "x", "scheduler": {"type": name, **kwargs}}))
    return [path]


def csv_values(stdout: str) -> np.ndarray:
    lines = stdout.strip().splitlines()
    assert lines[0] == "step,lr"
    assert [int(line.split(",")[0]) for line in lines[1:]] == list(range(len(lines) - 1))
    return np.array([float(line.split(",")[1]) for line in lines[1:]])


@pytest.mark.parametrize("form", ["inline", "flags", "yaml"])
@pytest.mark.parametrize(("name", "kwargs", "steps"), CASES, ids=IDS)
def test_table_equals_torch_loop(cli, tmp_path, form, name, kwargs, steps):
    spec_args = {"inline": as_inline, "flags": as_flags}.get(form, lambda n, k: as_yaml(n, k, tmp_path))(name, kwargs)
    code, out, err = cli("table", *spec_args, "--steps", steps)
    if form == "flags" and "epochs" in kwargs:  # OneCycleLR's epochs, spelt like lrviz's own --epochs
        assert (code, err) == (2, f"lrviz: error: --epochs is both an option of lrviz table and an argument of "
                                  f"{name}: lrviz will not guess; for the argument write it inline, "
                                  f"{name}:epochs=VALUE\n")
        return
    assert code == 0, err
    expected = torch_loop(getattr(lr_scheduler, name), kwargs, steps)[0]
    assert np.array_equal(csv_values(out), expected)


@pytest.mark.parametrize(("name", "kwargs", "steps"), CASES, ids=IDS)
def test_api_equals_torch_loop_with_other_lr(name, kwargs, steps):
    import lrviz

    trace = lrviz.simulate(as_inline(name, kwargs)[0], steps=steps, lr=0.37)
    assert trace.lr.shape == (steps,)
    assert np.array_equal(trace.lr, torch_loop(getattr(lr_scheduler, name), kwargs, steps, lr=0.37)[0])


def test_onecycle_default_horizon_is_total_steps(cli):
    code, out, err = cli("table", "onecycle:max_lr=0.1,total_steps=100")
    assert code == 0, err
    values = csv_values(out)
    assert len(values) == 100
    assert np.array_equal(values, torch_loop(lr_scheduler.OneCycleLR, {"max_lr": 0.1, "total_steps": 100}, 100)[0])


def test_onecycle_past_its_horizon_is_a_usage_error(cli):
    code, out, err = cli("table", "onecycle:max_lr=0.1,total_steps=10", "--steps", 12)
    assert code == 2
    assert "Tried to step" in err and "Traceback" not in err
