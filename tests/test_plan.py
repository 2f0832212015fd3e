"""Training plans without running a framework: validation, the framework code the counts use,
plan variables, misconfiguration findings checked against the real schedules lrviz steps, and output."""

from __future__ import annotations

import io
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrviz.errors import LrvizError
from lrviz.plan.derive import derive
from lrviz.plan.findings import findings
from lrviz.plan.model import TrainingPlan, plan_from_mapping
from lrviz.plan.simulate import simulate_plan
from lrviz.plan.variables import resolve_spec
from lrviz.plan.derive import _hf_4_46_epoch_steps
from lrviz.plan.lengths import shard_length
from lrviz.render.plan import plan_json, print_plan
from lrviz.spec import ScheduleSpec, parse_inline

from realruns import torchvision_hidden

BASE = dict(dataset_size=100, batch_size=8, epochs=2)


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize("change, field", [
    (dict(dataset_size=0), "dataset_size"), (dict(batch_size=2.5), "batch_size"), (dict(devices=-1), "devices"),
    (dict(grad_accum="x"), "grad_accum"), (dict(epochs=None), "epochs or max_steps"),
    (dict(runner="deepspeed"), "runner"), (dict(warmup=1.5), "warmup"), (dict(interval="batch"), "interval"),
    (dict(frequency=2), "frequency"), (dict(split_batches=True), "split_batches"), (dict(drop_last="yes"), "drop_last"),
    (dict(runner="lightning", epochs=1.5), "epochs"), (dict(max_steps=10**9), "max_steps"),
    (dict(runner="hf-trainer", interval="epoch"), "interval"),
])
def test_bad_fields_are_named(change, field):
    with pytest.raises(LrvizError, match=field):
        TrainingPlan(**{**BASE, **change})
    with pytest.raises(LrvizError, match=f"training.{field.split()[0]}|{field}"):
        plan_from_mapping({**BASE, **change})


def test_yaml_section_reads_numbers_written_as_text():
    plan = plan_from_mapping({"runner": "hf-trainer", "dataset_size": "1e3", "batch_size": 8, "epochs": "2.5",
                              "warmup": "0.1"})
    assert (plan.dataset_size, plan.epochs, plan.warmup) == (1000, 2.5, 0.1)
    with pytest.raises(LrvizError, match="unknown key 'epoch' in 'training'; did you mean 'epochs'"):
        plan_from_mapping({**BASE, "epoch": 3})
    with pytest.raises(LrvizError, match="training.batch_size is required"):
        plan_from_mapping({"dataset_size": 10, "epochs": 1})
    with pytest.raises(LrvizError, match="must be a mapping"):
        plan_from_mapping([1, 2])


# ---------------------------------------------------------------- the framework code behind the counts


@settings(max_examples=300, deadline=None)
@given(batches=st.integers(1, 500), processes=st.integers(1, 9), drop_last=st.booleans())
def test_shard_length_follows_accelerates_batch_sampler_shard(batches, processes, drop_last):
    """The model used where accelerate is not installed equals its BatchSamplerShard."""
    shard = pytest.importorskip("accelerate.data_loader")
    from torch.utils.data import BatchSampler, SequentialSampler

    sampler = BatchSampler(SequentialSampler(range(batches * 3)), 3, drop_last)
    real = len(shard.BatchSamplerShard(sampler, num_processes=processes, process_index=0, even_batches=True))
    assert shard_length(len(sampler), processes, drop_last) == real


@settings(max_examples=200, deadline=None)
@given(size=st.integers(1, 3000), batch=st.integers(1, 64), accum=st.integers(1, 16), epochs=st.integers(1, 5))
def test_lightning_total_matches_its_stepping_formula_and_calls_add_up(size, batch, accum, epochs):
    """Every optimizer step gets its calls: calls_after sums to scheduler_steps, and epochs tile the run."""
    counts = derive(TrainingPlan(runner="lightning", dataset_size=size, batch_size=batch, grad_accum=accum,
                                 epochs=epochs, frequency=3))
    total = counts.optimizer_steps.value
    assert total == epochs * math.ceil(math.ceil(size / batch) / accum)
    assert sum(counts.calls_after(t) for t in range(total)) == counts.scheduler_steps.value
    assert counts.step_after_calls(counts.scheduler_steps.value + 1) is None


def test_hf_warmup_is_the_trainers_own():
    pytest.importorskip("transformers")
    from transformers.training_args import TrainingArguments

    for warmup in (0.05, 0.1, 0.33, 7):
        counts = derive(TrainingPlan(runner="hf-trainer", dataset_size=999, batch_size=7, grad_accum=3, epochs=1.7,
                                     warmup=warmup))
        with torchvision_hidden():  # TrainingArguments() imports the integrations, and they torchvision
            args = TrainingArguments(output_dir="unused", warmup_steps=warmup, use_cpu=True, report_to=[])
        assert counts.warmup_steps.value == args.get_warmup_steps(counts.optimizer_steps.value)


def test_hf_before_4_52_sizes_max_steps_down_but_steps_the_partial_window():
    """transformers 4.46-4.51 (issue #36297: 91 samples, batch 10, 2 GPUs...): max_steps uses batches // accum."""
    named = TrainingPlan(runner="hf-trainer", dataset_size=91, batch_size=10, grad_accum=4, epochs=10, version="4.51.3")
    counts = derive(named)
    assert counts.batches_per_epoch.value == 10
    assert counts.optimizer_steps.value == 10 * (10 // 4)       # max_steps = ceil(10 × 2)
    assert counts.steps_per_epoch.value == 3                     # the epoch's last 2 batches still step
    assert counts.epochs.value < 10                              # so the run stops before its 10 epochs
    assert "not the installed one" in counts.runner_version
    # the windows: 10 batches, windows of 4, 4 and len(dataset) % 4 = 3: they reach the last batch
    assert _hf_4_46_epoch_steps(10, 4, 91) == 3
    assert _hf_4_46_epoch_steps(10, 4, 89) == 2                  # a last window of 1 never reaches batch 10
    with pytest.raises(LrvizError, match="version: lrviz models the Trainer of transformers 4.46"):
        derive(TrainingPlan(runner="hf-trainer", dataset_size=91, batch_size=10, epochs=1, version="4.45.2"))


def test_drop_last_leaving_no_batch_is_an_error():
    with pytest.raises(LrvizError, match="batch_size 64 with drop_last leaves no batch"):
        derive(TrainingPlan(dataset_size=50, batch_size=64, epochs=1, drop_last=True))


# ---------------------------------------------------------------- plan variables


def test_plan_variables_resolve_in_nested_schedulers_and_lists():
    counts = derive(TrainingPlan(dataset_size=1000, batch_size=10, epochs=3, warmup=0.1))
    spec = parse_inline("sequential:schedulers=[linear(start_factor=0.1,total_iters=warmup_steps),"
                        "cosine(T_max=total_steps-warmup_steps)],milestones=[warmup_steps]")
    resolved = resolve_spec(spec, counts)
    assert resolved.args["milestones"] == [30]
    assert [c.args for c in resolved.args["schedulers"]] == [{"start_factor": 0.1, "total_iters": 30}, {"T_max": 270}]
    # text naming no plan variable is left alone; a mix with unknown names is an error naming the argument
    assert resolve_spec(parse_inline("lambda:lr_lambda=0.5 ** (epoch // 3)"), counts).args["lr_lambda"] == "0.5 ** (epoch // 3)"
    with pytest.raises(LrvizError, match="cosine.T_max = 'total_steps / n' names n"):
        resolve_spec(parse_inline("cosine:T_max=total_steps / n"), counts)


def test_hf_schedules_get_the_trainers_horizons_only_under_the_trainer():
    pytest.importorskip("transformers")
    plan = dict(dataset_size=1000, batch_size=10, epochs=2, warmup=0.05)
    trainer = resolve_spec(parse_inline("hf:cosine:num_cycles=0.5"), derive(TrainingPlan(runner="hf-trainer", **plan)))
    assert trainer.args == {"num_cycles": 0.5, "num_training_steps": 200, "num_warmup_steps": 10}
    kept = resolve_spec(parse_inline("hf:linear:num_training_steps=50"), derive(TrainingPlan(runner="hf-trainer", **plan)))
    assert kept.args["num_training_steps"] == 50
    assert resolve_spec(parse_inline("hf:cosine"), derive(TrainingPlan(**plan))).args == {}


# ---------------------------------------------------------------- findings, checked on the real schedules


def kinds_and_trace(text: str, **plan):
    counts = derive(TrainingPlan(**plan))
    spec = ScheduleSpec(parse_inline(text), text, lr=0.1)
    return findings(spec, counts), spec, counts


def first_rise(lr) -> int:
    return next(t for t in range(1, len(lr)) if lr[t] > lr[t - 1])


@pytest.mark.parametrize("text, plan, kind", [
    ("cosine:T_max=100", dict(runner="accelerate", devices=8, dataset_size=8000, batch_size=10, epochs=1), "per-process"),
    ("cosine:T_max=10", dict(dataset_size=1000, batch_size=10, epochs=10), "epochs-as-steps"),
    ("cosine:T_max=200", dict(dataset_size=1000, batch_size=10, epochs=10, grad_accum=4), "horizon-short"),
    ("cosine:T_max=total_steps", dict(runner="accelerate", devices=4, dataset_size=800, batch_size=10, epochs=2,
                                      grad_accum=2), "per-process"),
])
def test_cosine_rises_again_exactly_where_the_finding_says(text, plan, kind):
    found, spec, counts = kinds_and_trace(text, **plan)
    assert [f.kind for f in found] == [kind]
    lr = simulate_plan(spec, counts).lr
    bites = found[0].step
    # the cosine's minimum (T_max calls) lies between the step before and the step where it bites; it rises after
    assert int(lr[:bites + 1].argmin()) in (bites - 1, bites)
    assert all(lr[t] <= lr[t - 1] for t in range(1, bites)) and first_rise(lr) in (bites, bites + 1)


def test_onecycle_too_short_raises_in_torch_where_the_finding_says():
    found, spec, counts = kinds_and_trace("onecycle:max_lr=0.1,total_steps=40", dataset_size=500, batch_size=10, epochs=1)
    assert [f.kind for f in found] == ["horizon-short"] and "Tried to step 41 times" in found[0].message
    with pytest.raises(LrvizError, match="Tried to step 41 times"):
        simulate_plan(spec, counts)
    trace = simulate_plan(spec.with_overrides(steps=found[0].step), counts)  # the rows before it are fine
    assert trace.steps == 41


def test_accelerate_stops_stepping_onecycle_instead():
    found, spec, counts = kinds_and_trace("onecycle:max_lr=0.1,total_steps=25", runner="accelerate",
                                          devices=2, dataset_size=400, batch_size=10, epochs=1)
    assert [f.kind for f in found] == ["per-process"]
    lr = simulate_plan(spec, counts).lr
    frozen = found[0].step
    assert len(set(lr[frozen:].tolist())) == 1 and lr[frozen - 1] != lr[frozen]


def test_other_findings():
    found, *_ = kinds_and_trace("cosine:T_max=1000", dataset_size=1000, batch_size=10, epochs=10, interval="epoch")
    assert [f.kind for f in found] == ["steps-as-epochs"]
    found, *_ = kinds_and_trace("cosine:T_max=500", dataset_size=1000, batch_size=10, epochs=2)
    assert [f.kind for f in found] == ["horizon-long"]
    found, *_ = kinds_and_trace("cosine:T_max=total_steps", dataset_size=100, batch_size=10, epochs=1, warmup=10)
    assert [f.kind for f in found] == ["warmup-long"]
    text = "sequential:schedulers=[linear(start_factor=0.1,total_iters=5),cosine(T_max=95)],milestones=[0]"
    found, *_ = kinds_and_trace(text, dataset_size=1000, batch_size=10, epochs=1)
    assert [f.kind for f in found] == ["milestone-0", "horizon-short"] and found[0].step == 0
    text = "sequential:schedulers=[linear(start_factor=0.1,total_iters=5),cosine(T_max=total_steps-5)],milestones=[5]"
    assert kinds_and_trace(text, dataset_size=1000, batch_size=10, epochs=1)[0] == []


# ---------------------------------------------------------------- simulation and output


def test_run_trace_marks_warmup_and_run_end_and_rows_default_to_the_run():
    counts = derive(TrainingPlan(dataset_size=90, batch_size=4, grad_accum=2, epochs=3, warmup=0.1))
    trace = simulate_plan(ScheduleSpec(parse_inline("cosine:T_max=total_steps"), "c"), counts)
    assert trace.steps == trace.run_end == counts.optimizer_steps.value == 36
    assert (trace.warmup_end, trace.steps_per_epoch, trace.unit) == (4, 12, "step")
    longer = simulate_plan(ScheduleSpec(parse_inline("cosine:T_max=total_steps"), "c", steps=50), counts)
    assert longer.steps == 50 and longer.run_end == 36


def test_spec_disagreeing_with_the_plan_is_an_error():
    counts = derive(TrainingPlan(dataset_size=90, batch_size=4, epochs=3))
    with pytest.raises(LrvizError, match="interval: epoch"):
        simulate_plan(ScheduleSpec(parse_inline("step:step_size=1"), "s", interval="epoch"), counts)
    with pytest.raises(LrvizError, match="steps_per_epoch 10 of 's' disagrees with the run's 23"):
        simulate_plan(ScheduleSpec(parse_inline("step:step_size=1"), "s", steps_per_epoch=10), counts)


def test_plan_json_and_table():
    from rich.console import Console

    counts = derive(TrainingPlan(runner="accelerate", devices=8, dataset_size=8000, batch_size=10, epochs=1))
    found = findings(ScheduleSpec(parse_inline("cosine:T_max=total_steps"), "c"), counts)
    data = json.loads(plan_json(counts, found))
    assert {k: data[k] for k in ("optimizer_steps", "steps_per_epoch", "warmup_steps", "scheduler_steps")} == \
        {"optimizer_steps": 100, "steps_per_epoch": 100, "warmup_steps": 0, "scheduler_steps": 800}
    assert data["findings"][0]["kind"] == "per-process" and data["findings"][0]["step"] == 13
    assert data["counts"]["batches_per_epoch"]["source"].startswith("accelerate ")
    out = io.StringIO()
    print_plan(Console(file=out, width=200), counts, found)
    text = out.getvalue()
    assert "\x1b[" not in text and "─" not in text  # plain text off a terminal
    assert "scheduler.step() calls" in text and "800" in text and "warning: step 13:" in text
