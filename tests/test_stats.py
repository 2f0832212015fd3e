"""Statistics of a series equal numpy's on the same arrays; the CLI prints and exports them."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from torch.optim import lr_scheduler

from conftest import torch_loop
from lrviz.trace.stats import statistics


def rise_end(values) -> int:
    """Reference: walk forward while the next value is strictly higher."""
    t = 0
    while t + 1 < len(values) and values[t + 1] > values[t]:
        t += 1
    return t


def expected_stats(values: np.ndarray) -> dict:
    return {
        "first": values[0], "min": np.min(values), "min_step": int(np.argmin(values)),
        "max": np.max(values), "max_step": int(np.argmax(values)), "last": values[-1],
        "warmup_end": rise_end(values.tolist()) or None, "mean": np.mean(values), "area": np.sum(values),
        "steps": values.size,
    }


@given(arrays(np.float64, st.integers(1, 300), elements=st.floats(0, 10, allow_nan=False)))
def test_statistics_equal_numpy(values):
    assert statistics(values).as_dict() == expected_stats(values)


SCHEDULES = [
    ("onecycle:max_lr=0.1,total_steps=100", lr_scheduler.OneCycleLR, {"max_lr": 0.1, "total_steps": 100}, 100),
    ("cosine:T_max=20,eta_min=1e-5", lr_scheduler.CosineAnnealingLR, {"T_max": 20, "eta_min": 1e-5}, 100),
    ("linear:start_factor=0.1,total_iters=8", lr_scheduler.LinearLR, {"start_factor": 0.1, "total_iters": 8}, 20),
    ("cyclic:base_lr=0.01,max_lr=0.1,step_size_up=7", lr_scheduler.CyclicLR,
     {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 7}, 50),
]


@pytest.mark.parametrize(("spec", "cls", "kwargs", "steps"), SCHEDULES, ids=[s[0].split(":")[0] for s in SCHEDULES])
def test_table_json_stats_are_numpy_stats_of_the_torch_values(cli, spec, cls, kwargs, steps):
    code, out, err = cli("table", spec, "--steps", steps, "--format", "json", "--every", 10)
    assert code == 0, err
    values = torch_loop(cls, kwargs, steps)[0]
    assert json.loads(out)["stats"] == {"lr": expected_stats(values)}


def test_warmup_end_is_the_peak_of_a_linear_warmup():
    values = torch_loop(lr_scheduler.LinearLR, {"start_factor": 0.1, "total_iters": 8}, 20)[0]
    assert statistics(values).warmup_end == 8 == int(np.argmax(values))


def test_json_stats_for_several_schedules_are_keyed_by_label(cli):
    code, out, err = cli("table", "step:step_size=3", "exp:gamma=0.9", "--steps", 12, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert list(data["stats"]) == data["columns"][1:] == ["step:step_size=3", "exp:gamma=0.9"]
    exp = torch_loop(lr_scheduler.ExponentialLR, {"gamma": 0.9}, 12)[0]
    assert data["stats"]["exp:gamma=0.9"]["area"] == np.sum(exp)


def test_terminal_view_prints_mean_area_and_warmup(cli):
    code, out, err = cli("plot", "onecycle:max_lr=0.1,total_steps=100", "--terminal", "--width", 120)
    assert code == 0, err
    values = torch_loop(lr_scheduler.OneCycleLR, {"max_lr": 0.1, "total_steps": 100}, 100)[0]
    last = out.splitlines()[-1].strip()
    assert last == (f"mean {np.mean(values):.4g} · area {np.sum(values):.4g} (sum of lr over 100 steps) · "
                    f"warmup ends @ {int(np.argmax(values))}")
