"""What a real run cannot do is not shown silently (issue 21): a step count transformers computes with
unchecked, and an lr a real optimizer step on float32 parameters cannot use. Each premise is checked
against the real library first."""

from __future__ import annotations

import pytest
import torch

import lrviz
from conftest import needs_peers
from lrviz.errors import LrvizError, LrvizWarning

FLOAT32_MAX = float(torch.finfo(torch.float32).max)
HF = needs_peers("hf:")


def hf_lrs(function: str, steps: int, **kwargs) -> list[float]:
    from transformers import optimization

    param = torch.nn.Parameter(torch.ones(2))
    optimizer = torch.optim.SGD([param], lr=0.1)
    scheduler = getattr(optimization, function)(optimizer, **kwargs)
    lrs = []
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return lrs


@HF
def test_transformers_takes_a_negative_run_length_unchecked():
    """The premise: no error, and an lr no run has (0 throughout; 0.1 and 0 by turns)."""
    assert hf_lrs("get_linear_schedule_with_warmup", 4, num_warmup_steps=0, num_training_steps=-10) == [0.0] * 4
    assert hf_lrs("get_cosine_schedule_with_warmup", 4, num_warmup_steps=0, num_training_steps=-10) == [0.1, 0.0] * 2


@HF
@pytest.mark.parametrize(("spec", "named"), [
    ("hf:linear:num_warmup_steps=0,num_training_steps=-10", "num_training_steps must be at least 1"),
    ("hf:cosine:num_warmup_steps=0,num_training_steps=0", "num_training_steps must be at least 1"),
    ("hf:linear:num_warmup_steps=-5,num_training_steps=10", "num_warmup_steps must be at least 0"),
    ("hf:warmup_stable_decay:num_warmup_steps=5,num_stable_steps=-3,num_decay_steps=10",
     "num_stable_steps must be at least 0"),
])
def test_a_run_length_no_run_has_is_refused_in_one_line(cli, spec, named):
    code, out, err = cli("table", spec)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and named in err and "transformers" in err


@HF
def test_the_shortest_real_run_is_shown():
    trace = lrviz.simulate("hf:linear:num_warmup_steps=0,num_training_steps=1")
    assert trace.lr.tolist() == hf_lrs("get_linear_schedule_with_warmup", 1, num_warmup_steps=0, num_training_steps=1)


@pytest.mark.parametrize("optimizer", [torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW])
def test_a_float32_optimizer_step_fails_above_float32s_range(optimizer):
    """The premise: a real step on float32 parameters raises with an lr above float32's largest value."""
    param = torch.nn.Parameter(torch.ones(3, dtype=torch.float32))
    opt = optimizer([param], lr=1e300)
    param.grad = torch.full_like(param, 0.1)
    with pytest.raises(RuntimeError, match="overflow"):
        opt.step()


def test_an_sgd_step_just_inside_the_range_works():
    param = torch.nn.Parameter(torch.ones(3, dtype=torch.float32))
    opt = torch.optim.SGD([param], lr=FLOAT32_MAX / 2)
    param.grad = torch.full_like(param, 0.1)
    opt.step()
    assert torch.isfinite(param).all()


def test_an_lr_above_float32_range_warns_naming_the_limit(cli):
    code, out, err = cli("table", "exp:gamma=0.9", "--lr", "1e300", "--steps", 2)
    assert code == 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "float32's largest value 3.4028235e+38" in lines[0] and "step 0" in lines[0]


def test_a_schedule_reaching_beyond_float32_warns_at_the_step_it_does():
    with pytest.warns(LrvizWarning, match=r"sets lr to 1e\+40 at step 4, above float32's largest value"):
        trace = lrviz.simulate("exp:gamma=1e10", lr=1.0, steps=5)
    assert trace.lr[3] < FLOAT32_MAX < trace.lr[4]


def test_an_lr_at_float32s_largest_value_is_quiet():
    trace = lrviz.simulate("constant:factor=1,total_iters=0", lr=FLOAT32_MAX, steps=2)  # warnings are errors here
    assert trace.lr.tolist() == [FLOAT32_MAX, FLOAT32_MAX]


def test_an_lr_that_is_not_finite_is_still_refused():
    with pytest.raises(LrvizError, match="not finite"):
        lrviz.simulate("exp:gamma=1e10", lr=1.0, steps=40)
