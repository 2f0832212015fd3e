"""lrviz's rows under a training plan equal, bit for bit, the lr the real framework's optimizer used at
every optimizer step, and the derived counts equal the framework's (tests/realruns.py runs them)."""

from __future__ import annotations

import pytest

from lrviz.plan.derive import derive
from lrviz.plan.model import TrainingPlan
from lrviz.plan.simulate import simulate_plan
from lrviz.spec import ScheduleSpec, SchedulerSpec, parse_inline

from realruns import LR, real_run, torchvision_hidden

COSINE = ("CosineAnnealingLR", {"T_max": 7})
HALVING = ("StepLR", {"step_size": 1, "gamma": 0.5})
ONECYCLE = ("OneCycleLR", {"max_lr": 0.1, "total_steps": 10})


def needs(module: str):
    with torchvision_hidden():
        pytest.importorskip(module, reason=f"{module} is not installed")


def spec_of(scheduler) -> ScheduleSpec:
    name, kwargs = scheduler
    if name.startswith("hf:"):
        return ScheduleSpec(SchedulerSpec(name, dict(kwargs)), name, lr=LR)
    return ScheduleSpec(SchedulerSpec(name, dict(kwargs)), name, lr=LR)


def check(runner: str, scheduler, *, spec: ScheduleSpec | None = None, counts_scheduler_calls: bool = True, **plan):
    """Run the framework and lrviz on the same plan; compare lrs and counts."""
    real = real_run(runner, scheduler=scheduler, **plan)
    training = TrainingPlan(runner=runner, **plan)
    counts = derive(training)
    trace = simulate_plan(spec or spec_of(scheduler), training)
    assert trace.lr.tolist() == real.lrs
    assert counts.optimizer_steps.value == real.optimizer_steps
    assert counts.batches_per_epoch.value == real.batches_first_epoch
    if real.optimizer_steps > real.steps_first_epoch:  # the run passed an epoch's end
        assert counts.steps_per_epoch.value == real.steps_first_epoch
    assert [counts.epoch_of(t) for t in range(real.optimizer_steps)] == real.epochs
    if counts_scheduler_calls:
        assert counts.scheduler_steps.value == real.scheduler_calls
        assert [counts.calls_before(t) for t in range(real.optimizer_steps)] == real.calls_seen
    assert trace.run_end == real.optimizer_steps and trace.steps_per_epoch == counts.steps_per_epoch.value
    return real, counts


LOOP_CASES = [
    dict(dataset_size=100, batch_size=8, grad_accum=3, epochs=2),           # partial batch, partial accumulation
    dict(dataset_size=50, batch_size=4, grad_accum=4, epochs=3, drop_last=True),
    dict(dataset_size=37, batch_size=5, max_steps=11),                      # max_steps across epochs
    dict(dataset_size=37, batch_size=5, max_steps=30, epochs=2),            # epochs end it first
    dict(dataset_size=100, batch_size=8, grad_accum=2, epochs=2, devices=3),  # a DistributedSampler's share
]


@pytest.mark.parametrize("plan", LOOP_CASES)
def test_plain_loop(plan):
    check("loop", COSINE, **plan)


def test_plain_loop_per_epoch():
    check("loop", HALVING, dataset_size=30, batch_size=4, grad_accum=3, epochs=4, interval="epoch")


HF_CASES = [
    (("hf:cosine", {}), dict(dataset_size=100, batch_size=8, grad_accum=3, epochs=2.5, warmup=0.2)),
    (("hf:linear", {}), dict(dataset_size=64, batch_size=8, grad_accum=4, epochs=2, warmup=3)),
    (("hf:cosine_with_restarts", {"num_cycles": 2}), dict(dataset_size=45, batch_size=4, grad_accum=5, epochs=1.5, warmup=0.3)),
    (("hf:linear", {}), dict(dataset_size=30, batch_size=4, grad_accum=2, max_steps=20, warmup=0.25)),
    (COSINE, dict(dataset_size=50, batch_size=8, grad_accum=3, epochs=2, drop_last=True)),
    (HALVING, dict(dataset_size=21, batch_size=2, grad_accum=4, epochs=0.7)),
    (("hf:cosine", {}), dict(devices=2, dataset_size=100, batch_size=8, grad_accum=3, epochs=2.5, warmup=0.2)),
    (COSINE, dict(devices=3, dataset_size=50, batch_size=4, grad_accum=2, epochs=2, drop_last=True)),
]


@pytest.mark.parametrize("scheduler, plan", HF_CASES)
def test_hf_trainer(scheduler, plan):
    needs("transformers")
    needs("accelerate")
    real, counts = check("hf-trainer", scheduler, **plan)
    assert counts.optimizer_steps.value == real.reported["max_steps"]
    if plan.get("warmup") is not None:
        assert counts.warmup_steps.value == real.reported["warmup_steps"]


LIGHTNING_CASES = [
    dict(dataset_size=100, batch_size=8, grad_accum=3, epochs=2),
    dict(dataset_size=100, batch_size=8, grad_accum=3, epochs=2, frequency=2),
    dict(dataset_size=70, batch_size=4, grad_accum=2, epochs=2, frequency=3),
    dict(dataset_size=45, batch_size=4, grad_accum=4, max_steps=7, drop_last=True),
    dict(dataset_size=30, batch_size=4, grad_accum=3, epochs=5, interval="epoch"),
    dict(dataset_size=30, batch_size=4, grad_accum=3, epochs=5, interval="epoch", frequency=2),
    dict(devices=2, dataset_size=100, batch_size=8, grad_accum=3, epochs=2, frequency=2),  # DDP: DistributedSampler
    dict(devices=3, dataset_size=70, batch_size=4, grad_accum=2, epochs=2, drop_last=True),
]


@pytest.mark.parametrize("plan", LIGHTNING_CASES)
def test_lightning(plan):
    needs("pytorch_lightning")
    scheduler = HALVING if plan.get("interval") == "epoch" else COSINE
    real, counts = check("lightning", scheduler, **plan)
    assert counts.batches_per_epoch.value == real.reported["num_training_batches"]


def test_lightning_total_steps_variable_is_its_estimated_stepping_batches():
    """``T_max=total_steps`` resolves to what Lightning itself counts for the run."""
    needs("pytorch_lightning")
    plan = dict(dataset_size=90, batch_size=8, grad_accum=4, epochs=3)
    spec = ScheduleSpec(parse_inline("cosine:T_max=total_steps"), "cosine", lr=LR)
    check("lightning", ("CosineAnnealingLR", {"T_max": "estimated_stepping_batches"}), spec=spec, **plan)


ACCELERATE_CASES = [
    (COSINE, dict(devices=2, dataset_size=100, batch_size=8, grad_accum=3, epochs=2)),
    (HALVING, dict(devices=3, dataset_size=50, batch_size=4, grad_accum=2, epochs=2)),
    (COSINE, dict(devices=2, dataset_size=50, batch_size=4, epochs=2, split_batches=True)),
    (COSINE, dict(devices=2, dataset_size=45, batch_size=4, grad_accum=2, max_steps=5)),
]


@pytest.mark.parametrize("scheduler, plan", ACCELERATE_CASES)
def test_accelerate_processes(scheduler, plan):
    needs("accelerate")
    check("accelerate", scheduler, **plan)


def test_accelerate_onecycle_stops_stepping_past_total_steps():
    """AcceleratedScheduler steps OneCycleLR only while _step_count <= total_steps (accumulating batches count)."""
    needs("accelerate")
    real, counts = check("accelerate", ONECYCLE, counts_scheduler_calls=False,
                         devices=2, dataset_size=40, batch_size=4, grad_accum=2, epochs=3)
    assert real.scheduler_calls < counts.scheduler_steps.value  # the guard held some back
