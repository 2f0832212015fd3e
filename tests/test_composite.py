"""SequentialLR and ChainedScheduler, nested to any depth, from YAML and inline: bit-identical to hand-built torch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.optim import lr_scheduler as L

import lrviz
from conftest import torch_loop


def factory_loop(make, steps: int, lr: float = 0.1) -> np.ndarray:
    """conftest.torch_loop for schedulers that need the optimizer to build their children: ``make(opt)``."""
    params = [torch.nn.Parameter(torch.ones(2))]
    opt = torch.optim.SGD(params, lr=lr)
    with warnings.catch_warnings():  # a ChainedScheduler first in a SequentialLR steps before optimizer.step()
        warnings.simplefilter("ignore", UserWarning)
        sched = make(opt)
    out = np.empty(steps)
    for t in range(steps):
        out[t] = opt.param_groups[0]["lr"]
        params[0].grad = torch.full_like(params[0], 0.1)
        opt.step()
        if t + 1 < steps:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                sched.step()
    return out


def warmup_cosine(o):
    return L.SequentialLR(o, [L.LinearLR(o, start_factor=0.01, total_iters=5), L.CosineAnnealingLR(o, T_max=95, eta_min=1e-5)],
                          milestones=[5])


def warmup_constant_step(o):
    return L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1, total_iters=5), L.ConstantLR(o, factor=1.0, total_iters=15),
                              L.StepLR(o, step_size=10, gamma=0.5)], milestones=[5, 20])


def chained_exp_step(o):
    return L.ChainedScheduler([L.ExponentialLR(o, gamma=0.95), L.StepLR(o, step_size=10, gamma=0.5)], optimizer=o)


def three_deep(o):
    inner = L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1, total_iters=3), L.ExponentialLR(o, gamma=0.9)], milestones=[3])
    middle = L.ChainedScheduler([inner, L.MultiStepLR(o, milestones=[8, 12], gamma=0.5)], optimizer=o)
    return L.ChainedScheduler([middle, L.StepLR(o, step_size=7, gamma=0.8)], optimizer=o)


def chained_first_in_sequential(o):
    chained = L.ChainedScheduler([L.ExponentialLR(o, gamma=0.9), L.StepLR(o, step_size=2, gamma=0.5)], optimizer=o)
    return L.SequentialLR(o, [chained, L.CosineAnnealingLR(o, T_max=5)], milestones=[4])


CASES = {
    "warmup-cosine": (warmup_cosine, 100, {
        "type": "sequential", "milestones": [5], "schedulers": [
            {"type": "linear", "start_factor": 0.01, "total_iters": 5},
            {"type": "cosine", "T_max": 95, "eta_min": "1e-5"}]},
        "sequential:schedulers=[linear(start_factor=0.01,total_iters=5),cosine(T_max=95,eta_min=1e-5)],milestones=[5]"),
    "warmup-constant-step": (warmup_constant_step, 60, {
        "type": "SequentialLR", "milestones": [5, 20], "schedulers": [
            {"type": "LinearLR", "start_factor": 0.1, "total_iters": 5},
            {"type": "ConstantLR", "factor": 1.0, "total_iters": 15},
            {"type": "StepLR", "step_size": 10, "gamma": 0.5}]},
        "sequential:schedulers=[linear(start_factor=0.1,total_iters=5),constant(factor=1.0,total_iters=15),"
        "step(step_size=10,gamma=0.5)],milestones=[5,20]"),
    "chained-exp-step": (chained_exp_step, 40, {
        "type": "chained", "schedulers": [{"type": "exp", "gamma": 0.95}, {"type": "step", "step_size": 10, "gamma": 0.5}]},
        "chained:schedulers=[exp(gamma=0.95),step(step_size=10,gamma=0.5)]"),
    "three-deep": (three_deep, 30, {
        "type": "chained", "schedulers": [
            {"type": "chained", "schedulers": [
                {"type": "sequential", "milestones": [3], "schedulers": [
                    {"type": "linear", "start_factor": 0.1, "total_iters": 3}, {"type": "exp", "gamma": 0.9}]},
                {"type": "multistep", "milestones": [8, 12], "gamma": 0.5}]},
            {"type": "step", "step_size": 7, "gamma": 0.8}]},
        "chained:schedulers=[chained(schedulers=[sequential(schedulers=[linear(start_factor=0.1,total_iters=3),"
        "exp(gamma=0.9)],milestones=[3]),multistep(milestones=[8,12],gamma=0.5)]),step(step_size=7,gamma=0.8)]"),
    "chained-first-in-sequential": (chained_first_in_sequential, 12, {
        "type": "sequential", "milestones": [4], "schedulers": [
            {"type": "chained", "schedulers": [{"type": "exp", "gamma": 0.9}, {"type": "step", "step_size": 2, "gamma": 0.5}]},
            {"type": "cosine", "T_max": 5}]},
        "sequential:schedulers=[chained(schedulers=[exp(gamma=0.9),step(step_size=2,gamma=0.5)]),cosine(T_max=5)],milestones=[4]"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_yaml_composite_equals_hand_built_torch(cli, tmp_path, case):
    make, steps, mapping, _ = CASES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(yaml.safe_dump({"name": case, "lr": 0.1, "steps": steps, "scheduler": mapping}))
    code, out, err = cli("table", path)
    assert code == 0, err
    values = np.array([float(line.split(",")[1]) for line in out.splitlines()[1:]])
    assert np.array_equal(values, factory_loop(make, steps))


@pytest.mark.parametrize("case", sorted(CASES))
def test_inline_composite_equals_hand_built_torch(case):
    make, steps, _, inline = CASES[case]
    assert np.array_equal(lrviz.simulate(inline, steps=steps, lr=0.1).lr, factory_loop(make, steps))


def test_children_may_be_inline_text_inside_yaml(tmp_path):
    path = tmp_path / "mixed.yaml"
    path.write_text("steps: 100\nscheduler:\n  type: sequential\n  milestones: [5]\n"
                    "  schedulers: ['linear:start_factor=0.01', {type: cosine, T_max: 95, eta_min: 1.0e-5}]\n")
    expected = factory_loop(lambda o: L.SequentialLR(
        o, [L.LinearLR(o, start_factor=0.01), L.CosineAnnealingLR(o, T_max=95, eta_min=1e-5)], milestones=[5]), 100)
    assert np.array_equal(lrviz.simulate(str(path)).lr, expected)


def test_composite_title_names_the_children():
    trace = lrviz.simulate(CASES["warmup-cosine"][3])
    assert trace.title == "SequentialLR(schedulers=[LinearLR, CosineAnnealingLR], milestones=[5])"


# ------------------------------------------------------------------ what torch cannot do


def torch_refuses(make) -> Exception:
    with pytest.raises(Exception) as info:
        factory_loop(make, 10)
    return info.value


@pytest.mark.parametrize(("inline", "make", "message"), [
    ("sequential:schedulers=[linear(start_factor=0.1,total_iters=2),chained(schedulers=[exp(gamma=0.9)])],milestones=[2]",
     lambda o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1, total_iters=2),
                                  L.ChainedScheduler([L.ExponentialLR(o, gamma=0.9)], optimizer=o)], milestones=[2]),
     "SequentialLR cannot switch to ChainedScheduler (schedulers[1]) at milestone 2"),
    ("sequential:schedulers=[linear(start_factor=0.1,total_iters=2),sequential(schedulers=[exp(gamma=0.9)],milestones=[])],"
     "milestones=[2]",
     lambda o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1, total_iters=2),
                                  L.SequentialLR(o, [L.ExponentialLR(o, gamma=0.9)], milestones=[])], milestones=[2]),
     "SequentialLR cannot switch to SequentialLR (schedulers[1])"),
    ("sequential:schedulers=[linear(start_factor=0.1),plateau],milestones=[2]",
     lambda o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1), L.ReduceLROnPlateau(o)], milestones=[2]),
     "SequentialLR does not support `ReduceLROnPlateau`"),
    ("chained:schedulers=[exp(gamma=0.9),plateau]",
     lambda o: L.ChainedScheduler([L.ExponentialLR(o, gamma=0.9), L.ReduceLROnPlateau(o)], optimizer=o),
     "ChainedScheduler does not support `ReduceLROnPlateau`"),
    ("sequential:schedulers=[linear(start_factor=0.1),exp(gamma=0.9)],milestones=[2,4]",
     lambda o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1), L.ExponentialLR(o, gamma=0.9)], milestones=[2, 4]),
     "number of milestones"),
])
def test_what_torch_cannot_do_is_one_clear_line(cli, inline, make, message):
    refusal = torch_refuses(make)
    assert isinstance(refusal, (NotImplementedError, ValueError))
    code, out, err = cli("table", inline, "--steps", 10)
    assert code == 2 and out == ""
    assert err.startswith("lrviz: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert message in err


def test_nested_scheduler_needs_a_type(cli, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("scheduler: {type: chained, schedulers: [{gamma: 0.9}]}\n")
    code, _, err = cli("table", path)
    assert code == 2 and "ChainedScheduler.schedulers" in err and "'type'" in err


# ------------------------------------------------------------------ properties of torch's composites

#: schedulers that keep their base lr in ``initial_lr`` and compute from it (not relative to the
#: lr they inherit, like MultiplicativeLR; not rewriting ``initial_lr``, like OneCycleLR and CyclicLR)
WELL_BEHAVED = st.sampled_from([
    ("step", L.StepLR, {"step_size": 3, "gamma": 0.5}),
    ("exp", L.ExponentialLR, {"gamma": 0.9}),
    ("cosine", L.CosineAnnealingLR, {"T_max": 7, "eta_min": 0.001}),
    ("linear", L.LinearLR, {"start_factor": 0.1, "total_iters": 4}),
    ("constant", L.ConstantLR, {"factor": 0.5, "total_iters": 3}),
    ("multistep", L.MultiStepLR, {"milestones": [2, 5], "gamma": 0.3}),
    ("poly", L.PolynomialLR, {"total_iters": 6, "power": 2.0}),
    ("sgdr", L.CosineAnnealingWarmRestarts, {"T_0": 4}),
])


def inline_call(name, kwargs):
    def show(v):
        return "[" + ",".join(map(str, v)) + "]" if isinstance(v, list) else str(v)
    return f"{name}({','.join(f'{k}={show(v)}' for k, v in kwargs.items())})"


@settings(max_examples=40, deadline=None)
@given(WELL_BEHAVED, WELL_BEHAVED, st.integers(1, 15), st.integers(1, 25), st.floats(1e-3, 5))
def test_sequential_is_each_scheduler_alone_on_its_segment(first, second, milestone, after, lr):
    steps = milestone + after
    spec = (f"sequential:schedulers=[{inline_call(first[0], first[2])},{inline_call(second[0], second[2])}],"
            f"milestones=[{milestone}]")
    trace = lrviz.simulate(spec, steps=steps, lr=lr).lr
    assert np.array_equal(trace[:milestone], torch_loop(first[1], first[2], milestone, lr=lr)[0])
    assert np.array_equal(trace[milestone:], torch_loop(second[1], second[2], after, lr=lr)[0])


def test_multiplicative_after_a_milestone_continues_from_the_inherited_lr():
    """A torch quirk lrviz shows as it is: MultiplicativeLR multiplies the lr it finds, not its own start."""
    trace = lrviz.simulate("sequential:schedulers=[step(step_size=3,gamma=0.5),multiplicative(lr_lambda=0.9)],"
                           "milestones=[6]", steps=10, lr=0.1).lr
    alone = torch_loop(L.MultiplicativeLR, {"lr_lambda": lambda e: 0.9}, 4, lr=0.1)[0]
    assert not np.array_equal(trace[6:], alone)
    assert np.array_equal(trace, factory_loop(lambda o: L.SequentialLR(
        o, [L.StepLR(o, step_size=3, gamma=0.5), L.MultiplicativeLR(o, lr_lambda=lambda e: 0.9)], milestones=[6]), 10))


@pytest.mark.parametrize("inline", ["sequential:schedulers=[],milestones=[]", "chained:schedulers=[]"])
def test_no_children_is_torch_own_message(cli, inline):
    code, _, err = cli("table", inline)
    assert code == 2 and "expects at least one scheduler" in err and err.count("\n") == 1
