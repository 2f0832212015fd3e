"""The seeds' schedules (shared/seeds/003 and 004) reproduced exactly, against torch itself."""

from __future__ import annotations

import numpy as np
import pytest
from torch.optim import lr_scheduler

import lrviz
from conftest import torch_loop

# seed 003: every schedule over 100 epochs at lr=0.001
SEED_003 = [
    ("step:step_size=20,gamma=0.5", lr_scheduler.StepLR, {"step_size": 20, "gamma": 0.5}),
    ("multistep:milestones=[30,60,80],gamma=0.5", lr_scheduler.MultiStepLR, {"milestones": [30, 60, 80], "gamma": 0.5}),
    ("exp:gamma=0.9", lr_scheduler.ExponentialLR, {"gamma": 0.9}),
    ("cosine:T_max=20,eta_min=1e-5", lr_scheduler.CosineAnnealingLR, {"T_max": 20, "eta_min": 1e-5}),
    ("sgdr:T_0=20,T_mult=2,eta_min=1e-5", lr_scheduler.CosineAnnealingWarmRestarts, {"T_0": 20, "T_mult": 2, "eta_min": 1e-5}),
    ("cyclic:base_lr=0.05,max_lr=0.1,step_size_up=10,step_size_down=20", lr_scheduler.CyclicLR,
     {"base_lr": 0.05, "max_lr": 0.1, "step_size_up": 10, "step_size_down": 20}),
    ("onecycle:max_lr=0.1,steps_per_epoch=10,epochs=10", lr_scheduler.OneCycleLR,
     {"max_lr": 0.1, "steps_per_epoch": 10, "epochs": 10}),
]


@pytest.mark.parametrize(("spec", "cls", "kwargs"), SEED_003, ids=[s[0].split(":")[0] for s in SEED_003])
def test_seed_003_schedules(spec, cls, kwargs):
    trace = lrviz.simulate(spec, steps=100, lr=0.001)
    assert np.array_equal(trace.lr, torch_loop(cls, kwargs, 100, lr=0.001)[0])


def test_seed_003_multistep_halves_at_the_milestones():
    lr = lrviz.simulate("multistep:milestones=[30,60,80],gamma=0.5", steps=100, lr=0.001).lr
    changes = [t for t in range(1, 100) if lr[t] != lr[t - 1]]
    assert changes == [30, 60, 80]


# seed 004: lr 1.0 for 100 epochs, (T_max=10, eta_min=0) and (T_max=20, eta_min=0.5)
@pytest.mark.parametrize(("t_max", "eta_min"), [(10, 0.0), (20, 0.5)])
def test_seed_004_cosine_settings(t_max, eta_min):
    trace = lrviz.simulate(f"cosine:T_max={t_max},eta_min={eta_min}", steps=100, lr=1.0)
    expected = torch_loop(lr_scheduler.CosineAnnealingLR, {"T_max": t_max, "eta_min": eta_min}, 100, lr=1.0)[0]
    assert np.array_equal(trace.lr, expected)
    # T_max is half a period and eta_min the floor, as the seed explains
    assert trace.lr.argmin() == t_max
    assert np.isclose(trace.lr.min(), eta_min)
