"""Units of a schedule that does not start at step 0 (issue 21): every conversion between steps and
epochs picks the rows at the REAL epoch boundaries (epoch e is steps e*S .. e*S + S - 1), checked
against hand-written torch training loops with nested epoch / iteration loops.

A trace's first row is a whole step (``Trace.start`` is an int); a fractional start is a first step
inside an epoch, at epoch (K+1)/S: a per-step schedule resumed at step K+1 with (K+1) % S != 0, and
a schedule stepped with ``interval: fraction`` (``scheduler.step(t / S)`` before iteration t) resumed
there, whose first call is ``step((K+1) / S)``. The properties draw such starts; examples pin each kind.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st
from torch.optim import lr_scheduler

import lrviz
from lrviz.errors import LrvizError
from lrviz.trace.units import in_unit

SCHEDULERS = {
    "step": (lr_scheduler.StepLR, {"step_size": 2, "gamma": 0.5}),
    "exp": (lr_scheduler.ExponentialLR, {"gamma": 0.9}),
    "cosine": (lr_scheduler.CosineAnnealingLR, {"T_max": 17, "eta_min": 0.001}),
    "multistep": (lr_scheduler.MultiStepLR, {"milestones": [3, 20, 41], "gamma": 0.3}),
}


def resumed_optimizer(lr: float = 0.1):
    param = torch.nn.Parameter(torch.ones(2))
    optimizer = torch.optim.SGD([param], lr=lr)
    optimizer.param_groups[0]["initial_lr"] = lr  # what a checkpoint's param groups hold
    return param, optimizer


def make_scheduler(name: str, optimizer, last_epoch: int):
    cls, kwargs = SCHEDULERS[name]
    return cls(optimizer, **kwargs, last_epoch=last_epoch)


def inline(name: str, last_epoch: int) -> str:
    _, kwargs = SCHEDULERS[name]
    args = ",".join(f"{k}={v}".replace(" ", "") for k, v in kwargs.items())
    return f"{name}:{args},last_epoch={last_epoch}"


def per_step_loop(name: str, last_epoch: int, steps: int, per_epoch: int) -> dict[tuple[int, int], float]:
    """A run resumed after step ``last_epoch``, written as epochs of ``per_epoch`` iterations with
    ``scheduler.step()`` after every iteration: ``{(epoch, iteration): lr}`` for the steps it runs."""
    param, optimizer = resumed_optimizer()
    scheduler = make_scheduler(name, optimizer, last_epoch)
    first, last = last_epoch + 1, last_epoch + steps
    seen = {}
    for epoch in range(first // per_epoch, last // per_epoch + 1):
        for iteration in range(per_epoch):
            step = epoch * per_epoch + iteration
            if not first <= step <= last:  # done before the checkpoint, or past the run
                continue
            seen[epoch, iteration] = optimizer.param_groups[0]["lr"]
            param.grad = torch.full_like(param, 0.1)
            optimizer.step()
            scheduler.step()
    return seen


def fraction_loop(last_epoch: int, steps: int, per_epoch: int) -> dict[tuple[int, int], float]:
    """The documented per-iteration loop of CosineAnnealingWarmRestarts, ``scheduler.step(epoch + i / S)``
    before each iteration, resumed after iteration ``last_epoch``: ``{(epoch, iteration): lr}``."""
    param, optimizer = resumed_optimizer()
    scheduler = lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=3, T_mult=2, eta_min=0.001,
                                                         last_epoch=last_epoch)
    first, last = last_epoch + 1, last_epoch + steps
    seen = {}
    for epoch in range(first // per_epoch, last // per_epoch + 1):
        for iteration in range(per_epoch):
            if not first <= epoch * per_epoch + iteration <= last:
                continue
            with warnings.catch_warnings():  # the first step() comes before an optimizer.step(), as the loop says
                warnings.simplefilter("ignore", UserWarning)
                scheduler.step((epoch * per_epoch + iteration) / per_epoch)  # step(t / S), as lrviz defines it
            seen[epoch, iteration] = optimizer.param_groups[0]["lr"]
            param.grad = torch.full_like(param, 0.1)
            optimizer.step()
    return seen


def per_epoch_loop(name: str, last_epoch: int, epochs: int, per_epoch: int) -> list[float]:
    """A run resumed after epoch ``last_epoch``: ``scheduler.step()`` at each epoch's end; the lr of every iteration."""
    param, optimizer = resumed_optimizer()
    scheduler = make_scheduler(name, optimizer, last_epoch)
    lrs = []
    for _ in range(epochs):
        for _ in range(per_epoch):
            lrs.append(optimizer.param_groups[0]["lr"])
            param.grad = torch.full_like(param, 0.1)
            optimizer.step()
        scheduler.step()
    return lrs


def test_the_issue_case_picks_the_rows_at_epoch_starts(cli):
    code, out, err = cli("table", "step:step_size=1,gamma=0.5,last_epoch=4", "--steps-per-epoch", 3,
                         "--unit", "epoch", "--steps", 9)
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0] == "epoch,lr"
    rows = [line.split(",") for line in lines[1:]]
    # torch: StepLR(step_size=1, gamma=0.5) resumed after step 4, read at steps 6, 9 and 12
    param, optimizer = resumed_optimizer()
    scheduler = lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5, last_epoch=4)
    at = {}
    for step in range(5, 14):
        at[step] = optimizer.param_groups[0]["lr"]
        optimizer.step()
        scheduler.step()
    assert [int(r[0]) for r in rows] == [2, 3, 4]
    assert [float(r[1]) for r in rows] == [at[6], at[9], at[12]]


def epoch_view(trace, loop: dict, last_epoch: int):
    """Check the step view is the loop (rows numbered as its iterations from ``last_epoch + 1``); return the
    epoch view and the loop's lr at each epoch's first iteration, or (None, {}) when no epoch starts among
    the rows (the epoch view then refuses, in one line)."""
    assert trace.start == last_epoch + 1
    assert trace.lr.tolist() == [loop[key] for key in sorted(loop)]
    firsts = {epoch: lr for (epoch, iteration), lr in loop.items() if iteration == 0}
    if not firsts:
        with pytest.raises(LrvizError, match="no epoch of .* steps starts among them"):
            in_unit(trace, "epoch")
        return None, {}
    return in_unit(trace, "epoch"), firsts


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(sorted(SCHEDULERS)), last_epoch=st.integers(-1, 40), per_epoch=st.integers(1, 9),
       steps=st.integers(1, 50))
@example(name="step", last_epoch=4, per_epoch=3, steps=9)  # the first step (5) inside epoch 1: epoch 5/3
@example(name="step", last_epoch=5, per_epoch=3, steps=7)  # the first step (6) starts epoch 2
@example(name="cosine", last_epoch=-1, per_epoch=4, steps=30)  # not resumed
@example(name="exp", last_epoch=3, per_epoch=4, steps=4)  # steps 4..7: exactly one epoch, whole
@example(name="exp", last_epoch=4, per_epoch=4, steps=3)  # steps 5..7: no epoch starts among them
def test_a_per_step_schedule_per_epoch_is_the_loop_at_each_epochs_first_iteration(name, last_epoch, per_epoch, steps):
    trace = lrviz.simulate(inline(name, last_epoch), steps=steps, steps_per_epoch=per_epoch)
    loop = per_step_loop(name, last_epoch, steps, per_epoch)
    shown, firsts = epoch_view(trace, loop, last_epoch)
    if shown is None:
        return
    assert shown.unit == "epoch"
    assert list(range(shown.start, shown.start + shown.steps)) == sorted(firsts)
    assert shown.lr.tolist() == [firsts[e] for e in sorted(firsts)]
    # the epoch view is the step view at steps e*S
    assert shown.lr.tolist() == [trace.lr[e * per_epoch - trace.start] for e in sorted(firsts)]


@settings(max_examples=40, deadline=None)
@given(last_epoch=st.integers(-1, 40), per_epoch=st.integers(1, 9), steps=st.integers(1, 50))
@example(last_epoch=4, per_epoch=4, steps=6)  # resumed at iteration 5: its first call is step(5 / 4)
@example(last_epoch=-1, per_epoch=4, steps=12)
def test_a_resumed_fractionally_stepped_schedule_per_epoch_is_the_documented_loop(last_epoch, per_epoch, steps):
    spec = f"sgdr:T_0=3,T_mult=2,eta_min=0.001,last_epoch={last_epoch}"
    trace = lrviz.simulate(spec, steps=steps, steps_per_epoch=per_epoch, interval="fraction")
    loop = fraction_loop(last_epoch, steps, per_epoch)
    shown, firsts = epoch_view(trace, loop, last_epoch)
    if shown is None:
        return
    assert shown.start == min(firsts) and shown.lr.tolist() == [firsts[e] for e in sorted(firsts)]


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(SCHEDULERS)), last_epoch=st.integers(-1, 30), per_epoch=st.integers(1, 7),
       epochs=st.integers(1, 20))
@example(name="step", last_epoch=4, per_epoch=3, epochs=3)
def test_a_resumed_per_epoch_schedule_per_step_is_the_loop(name, last_epoch, per_epoch, epochs):
    trace = lrviz.simulate(inline(name, last_epoch), steps=epochs, steps_per_epoch=per_epoch, interval="epoch")
    shown = in_unit(trace, "step")
    assert shown.start == (last_epoch + 1) * per_epoch  # epoch K+1 begins at step (K+1)*S
    assert shown.lr.tolist() == per_epoch_loop(name, last_epoch, epochs, per_epoch)
    back = in_unit(shown, "epoch")
    assert back.start == trace.start and np.array_equal(back.lrs, trace.lrs)


def test_a_plan_derived_epoch_length_and_a_resumed_start():
    from lrviz.plan.model import TrainingPlan
    from lrviz.plan.simulate import simulate_plan
    from lrviz.spec import ScheduleSpec, parse_inline

    spec = ScheduleSpec(parse_inline("step:step_size=2,gamma=0.5,last_epoch=5"), "resumed")
    # 10 samples in batches of 3: 4 optimizer steps an epoch (the last batch is short)
    trace = simulate_plan(spec, TrainingPlan(runner="loop", dataset_size=10, batch_size=3, epochs=4))
    assert trace.steps_per_epoch == 4 and trace.start == 6
    loop = per_step_loop("step", 5, trace.steps, 4)
    shown = in_unit(trace, "epoch")
    assert shown.start == 2  # step 6 is inside epoch 1; epoch 2 starts at step 8
    assert shown.lr.tolist() == [lr for (e, i), lr in sorted(loop.items()) if i == 0]


def test_a_terminal_chart_in_epochs_of_a_resumed_schedule():
    from lrviz.render.charts import chart_lines

    trace = lrviz.simulate("step:step_size=1,gamma=0.5,last_epoch=4", steps=9, steps_per_epoch=3)
    lines = chart_lines([trace], 80, unit="epoch")
    axis = next(line for line in lines if line.lstrip().startswith("epoch "))
    assert axis.split()[1:] == ["2", "4"]  # epochs 2 .. 4: steps 6, 9, 12
    first = next(line for line in lines if "first " in line)
    assert "first 0.025 " in first  # step 6's lr (torch: 0.1 * 0.5 ** 2), not step 5's


def test_a_figure_in_epochs_puts_each_step_at_its_fractional_epoch():
    trace = lrviz.simulate("step:step_size=1,gamma=0.5,last_epoch=4", steps=9, steps_per_epoch=3)
    fig = lrviz.plot(trace, unit="epoch")
    (line,) = [ln for ax in fig.axes for ln in ax.get_lines()]  # the one curve
    x, y = line.get_xdata(), line.get_ydata()
    assert x[0] == pytest.approx(5 / 3) and x[-1] == pytest.approx(14 / 3)  # steps 5 .. 13, then the end of 13
    # epoch 2 (step 6) and epoch 3 (step 9) show the lr torch gives at those steps
    assert y[list(np.round(x * 3)).index(6)] == trace.lr[1] == 0.025
    assert y[list(np.round(x * 3)).index(9)] == trace.lr[4]
