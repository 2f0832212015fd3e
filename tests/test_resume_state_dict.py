"""Resuming from state_dict() checkpoints: lrviz's resumed curve vs the round trip written by hand in torch."""

from __future__ import annotations

import importlib.util
import io
import warnings

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as L

from lrviz.check import NOT_APPLICABLE, OK, check_spec
from lrviz.errors import LrvizError
from lrviz.simulation.record import simulate_spec
from lrviz.simulation.resume import resumed_trace
from lrviz.spec import specs_from_tokens

STEPS = 60
PLATEAU_METRICS = [1.0] * 8 + [0.5] * 12 + [0.49] * 20 + [0.3] * 19


def sequential(o):
    return L.SequentialLR(o, [L.LinearLR(o, start_factor=0.01, total_iters=5),
                              L.CosineAnnealingLR(o, T_max=55, eta_min=1e-5)], milestones=[5])


# inline spec -> the same scheduler built by hand, every torch scheduler class
CASES = {
    "lambda:lr_lambda=min(1, (epoch + 1) / 5) * 0.95 ** epoch":
        lambda o: L.LambdaLR(o, lambda e: min(1, (e + 1) / 5) * 0.95 ** e),
    "multiplicative:lr_lambda=0.9 if epoch < 20 else 1.0":
        lambda o: L.MultiplicativeLR(o, lambda e: 0.9 if e < 20 else 1.0),
    "step:step_size=7,gamma=0.5": lambda o: L.StepLR(o, step_size=7, gamma=0.5),
    "multistep:milestones=[10,25,40],gamma=0.3": lambda o: L.MultiStepLR(o, milestones=[10, 25, 40], gamma=0.3),
    "constant:factor=0.5,total_iters=20": lambda o: L.ConstantLR(o, factor=0.5, total_iters=20),
    "linear:start_factor=0.1,total_iters=30": lambda o: L.LinearLR(o, start_factor=0.1, total_iters=30),
    "exp:gamma=0.95": lambda o: L.ExponentialLR(o, gamma=0.95),
    "poly:total_iters=50,power=2.0": lambda o: L.PolynomialLR(o, total_iters=50, power=2.0),
    "cosine:T_max=25,eta_min=1e-4": lambda o: L.CosineAnnealingLR(o, T_max=25, eta_min=1e-4),
    "sgdr:T_0=5,T_mult=2,eta_min=1e-4": lambda o: L.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=1e-4),
    "cyclic:base_lr=0.01,max_lr=0.1,step_size_up=7,mode=triangular2":
        lambda o: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=7, mode="triangular2"),
    "onecycle:max_lr=0.1,total_steps=60": lambda o: L.OneCycleLR(o, max_lr=0.1, total_steps=60),
    "sequential:schedulers=[linear(start_factor=0.01,total_iters=5),cosine(T_max=55,eta_min=1e-5)],milestones=[5]":
        sequential,
    "chained:schedulers=[exp(gamma=0.97),step(step_size=10,gamma=0.5)]":
        lambda o: L.ChainedScheduler([L.ExponentialLR(o, gamma=0.97), L.StepLR(o, step_size=10, gamma=0.5)]),
    f"plateau:factor=0.5,patience=3,metrics={PLATEAU_METRICS}".replace(" ", ""):
        lambda o: L.ReduceLROnPlateau(o, factor=0.5, patience=3),
}


def plain_step(sched, t, metric):
    sched.step(*([] if metric is None else [metric]))


def by_hand(make, k: int, steps: int = STEPS, metrics=None, advance=None):
    """A real loop saved to a checkpoint at the end of step k (torch.save / torch.load), restarted with a
    fresh optimizer and scheduler that load it: the lr and momentum of steps k+1..steps-1 after the restart.
    ``advance(scheduler, t, metric)`` steps the scheduler at the end of step t (default: ``step([metric])``)."""
    def fresh():
        param = torch.nn.Parameter(torch.ones(2))
        opt = torch.optim.SGD([param], lr=0.1, momentum=0.9)
        return param, opt, make(opt)

    def train_step(param, opt, sched, t):
        param.grad = torch.full_like(param, 0.1)
        opt.step()
        (advance or plain_step)(sched, t, None if metrics is None else metrics[t])

    param, opt, sched = fresh()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for t in range(k + 1):
            train_step(param, opt, sched, t)
        buffer = io.BytesIO()
        torch.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict()}, buffer)
        buffer.seek(0)
        checkpoint = torch.load(buffer, weights_only=False)
        param, opt, sched = fresh()
        opt.load_state_dict(checkpoint["optimizer"])
        sched.load_state_dict(checkpoint["scheduler"])
        lrs, momenta = [], []
        for t in range(k + 1, steps):
            lrs.append(opt.param_groups[0]["lr"])
            momenta.append(opt.param_groups[0]["momentum"])
            if t + 1 < steps:
                train_step(param, opt, sched, t)
    return np.array(lrs), np.array(momenta)


def spec_of(text: str):
    return specs_from_tokens([text])[0].with_overrides(steps=STEPS, optimizer_args={"momentum": 0.9})


@pytest.mark.parametrize("k", [0, 23, STEPS - 2])
@pytest.mark.parametrize("text", list(CASES), ids=lambda t: t.split(":")[0])
def test_resumed_trace_is_the_checkpoint_round_trip(text, k):
    metrics = PLATEAU_METRICS if text.startswith("plateau") else None
    trace = resumed_trace(spec_of(text), k)
    lrs, momenta = by_hand(CASES[text], k, metrics=metrics)
    assert trace.start == k + 1 and trace.steps == STEPS - k - 1
    assert np.array_equal(trace.lr, lrs)
    assert np.array_equal(trace.momenta[0], momenta)
    assert "resumed after step" in trace.label


@pytest.mark.parametrize("text", list(CASES), ids=lambda t: t.split(":")[0])
def test_torch_resumes_every_scheduler_from_state_dict_exactly(text):
    """The round trip continues the uninterrupted run bit for bit; lrviz's check says ok with error 0."""
    report = check_spec(spec_of(text), [17, 41])
    uninterrupted = simulate_spec(spec_of(text))
    for k in (17, 41):
        (result,) = [r for r in report.results if r.name == f"resume at {k}: state_dict()"]
        assert result.status == OK and result.max_abs == 0
        assert np.array_equal(by_hand(CASES[text], k, metrics=PLATEAU_METRICS if "plateau" in text else None)[0],
                              uninterrupted.lr[k + 1:])


def test_sequential_last_epoch_is_explained_not_failed():
    report = check_spec(spec_of(next(t for t in CASES if t.startswith("sequential"))), [30])
    results = {r.name: r for r in report.results}
    assert results["resume at 30: state_dict()"].status == OK
    last_epoch = results["resume at 30: last_epoch=30"]
    assert last_epoch.status == NOT_APPLICABLE and "resume it from state_dict()" in last_epoch.note
    assert not report.failed


def test_torch_really_cannot_resume_sequential_with_last_epoch():
    """What the n/a above says, shown by hand: SequentialLR(last_epoch=K) restarts its first child."""
    whole = by_hand(sequential, 0)[0]
    opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
    opt.param_groups[0]["initial_lr"] = 0.1
    L.SequentialLR(opt, [L.LinearLR(opt, start_factor=0.01, total_iters=5),
                         L.CosineAnnealingLR(opt, T_max=55, eta_min=1e-5)], milestones=[5], last_epoch=30)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.001) != whole[30]


def test_momentum_and_param_groups_come_back_from_the_optimizer_state(tmp_path):
    """OneCycleLR with two groups and AdamW: the groups' lr, betas and OneCycleLR's keys are in the optimizer's state."""
    path = tmp_path / "spec.yaml"
    path.write_text("steps: 40\noptimizer: {type: adamw, param_groups: [{lr: 0.1}, {lr: 0.01}]}\n"
                    "scheduler: {type: onecycle, max_lr: [0.1, 0.01], total_steps: 40}\n")
    (spec,) = specs_from_tokens([str(path)])
    trace = resumed_trace(spec, 12)
    params = [torch.nn.Parameter(torch.ones(1)), torch.nn.Parameter(torch.ones(1))]

    def fresh():
        opt = torch.optim.AdamW([{"params": [params[0]], "lr": 0.1}, {"params": [params[1]], "lr": 0.01}])
        return opt, L.OneCycleLR(opt, max_lr=[0.1, 0.01], total_steps=40)

    opt, sched = fresh()
    for _ in range(13):
        opt.step()
        sched.step()
    saved = opt.state_dict(), sched.state_dict()
    opt, sched = fresh()
    opt.load_state_dict(saved[0])
    sched.load_state_dict(saved[1])
    lrs, betas = [], []
    for t in range(13, 40):
        lrs.append([g["lr"] for g in opt.param_groups])
        betas.append([g["betas"][0] for g in opt.param_groups])
        if t + 1 < 40:
            opt.step()
            sched.step()
    assert np.array_equal(trace.lrs, np.array(lrs).T) and np.array_equal(trace.momenta, np.array(betas).T)


def timm_cosine(o):
    from lrviz.catalog.sources.timm_source import scheduler_module

    return scheduler_module().CosineLRScheduler(o, t_initial=30, warmup_t=3, warmup_lr_init=1e-4)


def timm_train_py_step(sched, t, metric):
    """timm's train.py with one update per epoch: step_update(updates), then step(epoch)."""
    sched.step_update(t + 1)
    sched.step(t + 1)


def hf_cosine(o):
    from transformers import get_cosine_schedule_with_warmup

    return get_cosine_schedule_with_warmup(o, num_warmup_steps=5, num_training_steps=30)


@pytest.mark.parametrize(("text", "library", "make", "advance"), [
    ("timm:cosine:t_initial=30,warmup_t=3,warmup_lr_init=1e-4", "timm", timm_cosine, timm_train_py_step),
    ("hf:cosine:num_warmup_steps=5,num_training_steps=30", "transformers", hf_cosine, None),
], ids=["timm", "hf"])
def test_timm_and_hugging_face_resume_from_state_dict(text, library, make, advance):
    if importlib.util.find_spec(library) is None:
        pytest.skip(f"{library} is not installed")
    spec = spec_of(text).with_overrides(steps=30)
    lrs, momenta = by_hand(make, 11, steps=30, advance=advance)
    trace = resumed_trace(spec, 11)
    assert np.array_equal(trace.lr, lrs) and np.array_equal(trace.momenta[0], momenta)


def test_resume_step_must_leave_a_step():
    with pytest.raises(LrvizError, match="resume_at 59 is outside 0..58"):
        resumed_trace(spec_of("cosine:T_max=25"), 59)


def test_a_checkpoint_that_cannot_round_trip_fails_with_the_reason(tmp_path, cli):
    """A scheduler whose state_dict() holds what cannot be copied (here a generator): real training could
    not restore it either, so the state_dict() line fails, saying why, and the last_epoch line still runs."""
    module = tmp_path / "odd_sched.py"
    module.write_text(
        "import torch\n\n"
        "class Odd(torch.optim.lr_scheduler.StepLR):\n"
        "    def __init__(self, optimizer, step_size, last_epoch=-1):\n"
        "        self.pending = (i for i in range(3))\n"
        "        super().__init__(optimizer, step_size, last_epoch=last_epoch)\n")
    code, out, err = cli("check", "--sched", f"{module}:Odd", "--step_size", 3, "--steps", 20, "--resume-at", 5)
    assert code == 1, err
    assert "resume at 5: state_dict()" in out and "saving and loading its state_dict() fails" in out
    assert "generator" in out
    line = next(line for line in out.splitlines() if line.startswith("resume at 5: state_dict()") and "FAIL" in line)
    assert line
