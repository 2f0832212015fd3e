"""``interval: fraction``: before iteration t the loop calls scheduler.step(t / steps_per_epoch), torch's
documented per-iteration use of CosineAnnealingWarmRestarts; checked against a hand-built loop and torch's
own test targets (test_CosineAnnealingWarmRestarts_lr2)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as S



def fraction_loop(make, per_epoch: int, steps: int, lrs=(0.05, 0.5)) -> np.ndarray:
    """The documented loop: ``scheduler.step(epoch + i / iters)``, written as step(t / K) before iteration t."""
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in lrs]
    optimizer = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)], lr=lrs[0])
    scheduler = make(optimizer)
    rows = np.empty((len(lrs), steps))
    for t in range(steps):
        with warnings.catch_warnings():  # step(0) comes before the first optimizer.step(), as the loop says
            warnings.simplefilter("ignore", UserWarning)
            scheduler.step(t / per_epoch)
        rows[:, t] = [g["lr"] for g in optimizer.param_groups]
        for p in params:
            p.grad = torch.ones_like(p)
        optimizer.step()
    return rows


def groups_spec(spec: str, **options):
    from lrviz.api import load_specs

    specs = load_specs(spec, **options)
    return specs[0].with_overrides(param_groups=[{"lr": 0.05}, {"lr": 0.5}])


@pytest.mark.parametrize("t_mult", [1, 2, 4])
def test_equals_the_hand_built_loop_and_torchs_own_targets(t_mult):
    from lrviz.plan.run import simulate_run

    spec = groups_spec(f"sgdr:T_0=10,T_mult={t_mult},eta_min=1e-10", interval="fraction", steps_per_epoch=10,
                       steps=300)
    rows = simulate_run(spec).lrs
    expected = fraction_loop(lambda o: S.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=t_mult, eta_min=1e-10), 10, 300)
    assert np.array_equal(rows, expected)
    # torch's test_CosineAnnealingWarmRestarts_lr2 targets, compared as torch compares them (atol 1e-5)
    eta_min, T_i, T_cur, targets = 1e-10, 10, 0, [[0.05], [0.5]]
    for _ in torch.arange(0.1, 30, 0.1):
        T_cur = round(T_cur + 0.1, 1)
        if T_cur >= T_i:
            T_cur, T_i = T_cur - T_i, int(t_mult) * T_i
        for target, base in zip(targets, (0.05, 0.5)):
            target.append(eta_min + (base - eta_min) * (1 + math.cos(math.pi * T_cur / T_i)) / 2)
    assert np.allclose(rows, np.array(targets), atol=1e-5, rtol=0)


def test_any_scheduler_stepped_with_an_epoch(cli):
    expected = fraction_loop(lambda o: S.StepLR(o, step_size=2, gamma=0.5), 4, 20, lrs=(0.1,))[0]
    code, out, err = cli("table", "step:step_size=2,gamma=0.5", "--interval", "fraction", "--steps-per-epoch", "4",
                         "--steps", "20")
    assert (code, err) == (0, "")
    assert [float(line.split(",")[1]) for line in out.splitlines()[1:]] == expected.tolist()


@pytest.mark.parametrize(("args", "message"), [
    (["sgdr:T_0=10", "--interval", "fraction"], "--steps-per-epoch is needed by interval fraction"),
    (["plateau", "--metrics", "1,1", "--interval", "fraction", "--steps-per-epoch", "2"],
     "interval fraction calls scheduler.step(epoch) with a fractional epoch; ReduceLROnPlateau.step() takes no epoch"),
])
def test_what_cannot_step_fractionally_is_refused(cli, args, message):
    code, out, err = cli("table", *args)
    assert code == 2 and message in err
