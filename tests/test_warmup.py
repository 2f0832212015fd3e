"""``warmup``: torchvision's warmup recipe in front of any torch schedule, Hugging Face's own
num_warmup_steps, a fraction of the run rounded up; golden values from torch and transformers built by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as S

import lrviz
from conftest import needs_peers


def torchvision_recipe(main, warmup_iters: int, steps: int, lr: float = 0.1, decay: float = 0.01) -> list[float]:
    """torchvision's references/classification/train.py: the main scheduler is made first, then
    LinearLR(start_factor=lr_warmup_decay, total_iters=warmup_iters), then SequentialLR; stepped per iteration."""
    param = torch.nn.Parameter(torch.zeros(2))
    optimizer = torch.optim.SGD([param], lr=lr)
    main_scheduler = main(optimizer)
    warmup = S.LinearLR(optimizer, start_factor=decay, total_iters=warmup_iters)
    scheduler = S.SequentialLR(optimizer, schedulers=[warmup, main_scheduler], milestones=[warmup_iters])
    lrs = []
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        param.grad = torch.ones_like(param)
        optimizer.step()
        scheduler.step()
    return lrs


@pytest.mark.parametrize(("spec", "main"), [
    ("cosine:T_max=95", lambda o: S.CosineAnnealingLR(o, T_max=95)),
    ("step:step_size=30,gamma=0.1", lambda o: S.StepLR(o, step_size=30, gamma=0.1)),
    ("exp:gamma=0.97", lambda o: S.ExponentialLR(o, gamma=0.97)),
    ("poly:total_iters=90,power=2.0", lambda o: S.PolynomialLR(o, total_iters=90, power=2.0)),
])
def test_warmup_is_torchvisions_recipe(spec, main):
    assert lrviz.simulate(spec, warmup=5, steps=100).lr.tolist() == torchvision_recipe(main, 5, 100)


def test_warmup_start_and_a_fraction_of_the_run(cli):
    """0.07 of 101 rows is 7.07 steps: rounded up to 8; warmup_start is LinearLR's start_factor."""
    trace = lrviz.simulate("cosine:T_max=93", warmup=0.07, warmup_start=0.1, steps=101)
    assert trace.lr.tolist() == torchvision_recipe(lambda o: S.CosineAnnealingLR(o, T_max=93), 8, 101, decay=0.1)
    code, out, err = cli("table", "cosine:T_max=93", "--warmup", "0.07", "--warmup-start", "0.1", "--steps", "101")
    assert [float(line.split(",")[1]) for line in out.splitlines()[1:]] == trace.lr.tolist()


def test_a_fraction_of_the_schedules_own_horizon():
    """Without --steps, the run is the schedule's own horizon (a cosine: T_max + 1 rows)."""
    trace = lrviz.simulate("cosine:T_max=40", warmup=0.1)
    steps = math.ceil(0.1 * 41)
    assert trace.lr.tolist() == torchvision_recipe(lambda o: S.CosineAnnealingLR(o, T_max=40), steps, 41 + steps)


def test_yaml_warmup(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text("scheduler: {type: cosine, T_max: 50}\nwarmup: 10\nwarmup_start: 0.001\nsteps: 60\n")
    assert lrviz.simulate(str(path)).lr.tolist() == torchvision_recipe(lambda o: S.CosineAnnealingLR(o, T_max=50), 10, 60,
                                                                       decay=0.001)


@needs_peers("hf:")
def test_hugging_face_warmup_is_num_warmup_steps():
    from transformers import get_scheduler

    from conftest import torch_loop

    expected = torch_loop(lambda opt, **kw: get_scheduler("cosine", opt, num_warmup_steps=12, num_training_steps=100),
                          {}, 100)[0]
    assert np.array_equal(lrviz.simulate("hf:cosine:num_training_steps=100", warmup=12).lr, expected)
    with pytest.raises(lrviz.LrvizError, match="warmup is 12 steps but hf:cosine has num_warmup_steps=5"):
        lrviz.simulate("hf:cosine:num_training_steps=100,num_warmup_steps=5", warmup=12)


@needs_peers("timm:")
def test_timm_schedules_keep_their_own_warmup(cli):
    code, out, err = cli("table", "timm:cosine:t_initial=10", "--warmup", "3")
    assert (code, err) == (2, "lrviz: error: --warmup: timm:cosine has its own warmup (warmup_t, warmup_lr_init): "
                              "use those\n")


@pytest.mark.parametrize(("value", "message"), [
    ("1.5", "--warmup must be a whole number of steps, or a fraction of the run between 0 and 1, got '1.5'"),
    ("-3", "--warmup must be >= 0, got '-3'"),
    ("x", "--warmup must be a number, got 'x'"),
])
def test_bad_warmups_are_one_line(cli, value, message):
    code, out, err = cli("table", "cosine:T_max=10", "--warmup", value)
    assert (code, err) == (2, f"lrviz: error: {message}\n")
