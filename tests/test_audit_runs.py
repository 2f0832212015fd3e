"""``lrviz.audit`` on logs written by real runs (tests/reallogs.py): right runs agree, and each planted
mistake is found with its first divergence and named, from every format that run wrote.

The Hugging Face, accelerate and Lightning runs start in child processes (once a session, conftest's
``reallog_runs``) when this module starts, and work while the plain-loop tests run here.
"""

from __future__ import annotations

import json

import pytest
import torch

import reallogs
from lrviz.audit import audit, read_log
from lrviz.spec import specs_from_tokens


def spec(text: str, **changes):
    return specs_from_tokens([text])[0].with_overrides(lr=reallogs.LR, **changes)


def check(result, mistake, first, params=None, cause_has=""):
    """The verdict, the first divergence, the named mistake with its parameters, and a JSON that says so."""
    data = json.loads(json.dumps(result.to_dict()))
    assert data["match"] is (mistake is None), "\n".join(result.verdict_lines())
    assert result.exit_code == (0 if mistake is None else 1)
    assert data["first_divergence"] == first
    assert data["mistake"] == mistake, "\n".join(result.verdict_lines())
    if mistake is not None:
        found = data["diagnosis"][0]
        assert {k: found[k] for k in params} == params
        assert cause_has in data["cause"] and data["fix"]
    else:
        assert data["cause"] is None and data["max_abs_error"] <= data["rtol"] * reallogs.LR


# ---------------------------------------------------------------- plain torch loops

def cosine(t_max):
    return lambda optimizer, last_epoch=-1: torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=t_max,
                                                                                        last_epoch=last_epoch)


def step_lr(step_size, gamma=0.5):
    return lambda optimizer, last_epoch=-1: torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma,
                                                                             last_epoch=last_epoch)


PER_EPOCH = {"interval": "epoch", "steps_per_epoch": reallogs.LOOP_STEPS_PER_EPOCH}
S = reallogs.LOOP_STEPS_PER_EPOCH
K = reallogs.RESUME_AT

LOOPS = {
    # id: (spec, spec changes, the run's scheduler, loop options, audit options, (mistake, first divergence, params, words))
    "right": ("cosine:T_max=120", {}, cosine(120), {}, {}, (None, None)),
    "right-per-epoch": ("step:step_size=2,gamma=0.5", PER_EPOCH, step_lr(2), {"per_epoch": True}, {}, (None, None)),
    "twice": ("cosine:T_max=120", {}, cosine(120), {"mistake": "twice"}, {},
              ("stepped-k-times", 1, {"k": 2}, "2 times per optimizer step")),
    "twice-logged-every-5": ("cosine:T_max=120", {}, cosine(120), {"mistake": "twice", "every": 5}, {},
                             ("stepped-k-times", 5, {"k": 2}, "")),
    "accumulation-not-counted": ("cosine:T_max=40", {}, cosine(40), {"mistake": "micro-batch", "accum": 3},
                                 {"grad_accum": 3}, ("stepped-k-times", 1, {"k": 3}, "accumulation over 3 micro-batches")),
    "per-epoch": ("cosine:T_max=120", {}, cosine(120), {"mistake": "per-epoch"}, {"steps_per_epoch": S},
                  ("stepped-every-k", 1, {"k": S}, "once per epoch")),
    "per-epoch-unhinted": ("cosine:T_max=120", {}, cosine(120), {"mistake": "per-epoch"}, {},
                           ("stepped-every-k", 1, {"k": S}, f"once every {S} optimizer steps")),
    "per-step": ("step:step_size=2,gamma=0.5", PER_EPOCH, step_lr(2), {"per_epoch": True, "mistake": "per-step"}, {},
                 ("stepped-per-step", 2, {"k": S}, "counts epochs")),
    "t-max-in-epochs": ("cosine:T_max=120", {}, cosine(4), {}, {"steps_per_epoch": S},
                        ("horizon", 1, {"argument": "T_max", "value": 4, "spec_value": 120}, "/ steps_per_epoch 30")),
    "logged-after-step": ("cosine:T_max=120", {}, cosine(120), {"mistake": "log-after"}, {},
                          ("log-ahead", 0, {"shift": 1}, "one step ahead")),
    "restart": ("cosine:T_max=120", {}, cosine(120), {"mistake": "restart"}, {},
                ("restarted", K, {"resume_step": K}, "started over")),
    "fresh-scheduler": ("cosine:T_max=120", {}, cosine(120), {"mistake": "fresh-scheduler"}, {},
                        ("fresh-scheduler", K + 1, {"resume_step": K}, "load_state_dict")),
    "last-epoch-without-state": ("step:step_size=10,gamma=0.5", {}, step_lr(10), {"mistake": "last-epoch"}, {},
                                 ("last-epoch-resume", K, {"resume_step": K, "last_epoch": K - 1}, "initial_lr")),
}


@pytest.mark.parametrize("case", LOOPS, ids=list(LOOPS))
def test_plain_loop(case, tmp_path):
    text, changes, scheduler, loop, options, expected = LOOPS[case]
    log = read_log(reallogs.loop_log(tmp_path / "log.csv", scheduler, **loop))
    check(audit(log, spec(text, **changes), **options), *expected)


# ---------------------------------------------------------------- Hugging Face Trainer and Lightning

@pytest.fixture(autouse=True, scope="module")
def start_early(reallog_runs):
    """Start the framework runs (once a session) before the first test of this module."""


HF_SPEC = f"hf:linear:num_warmup_steps={reallogs.HF_WARMUP},num_training_steps={reallogs.FW_STEPS}"
HF = {
    "correct": (HF_SPEC, {}, (None, None)),
    "double-step": (HF_SPEC, {}, ("stepped-k-times", 1, {"k": 2}, "2 times per optimizer step")),
    "lost-scheduler": (HF_SPEC, {}, ("restarted", K, {"resume_step": K}, "scheduler.pt")),
    "accum-twice": (f"hf:linear:num_warmup_steps={reallogs.HF_WARMUP},num_training_steps={reallogs.FW_STEPS // 2}",
                    {"grad_accum": 2},
                    ("horizon", 7, {"argument": "num_training_steps", "value": reallogs.FW_STEPS // 4},
                     "gradient accumulation counted twice")),
}


@pytest.mark.parametrize("where", ["trainer_state.json", "runs"])
@pytest.mark.parametrize("scenario", HF)
def test_hf_trainer(hf_logs, scenario, where):
    text, options, expected = HF[scenario]
    log = read_log(hf_logs / scenario / where if where == "runs" else hf_logs / scenario)
    assert (log.format, log.first_step) == ("hf-json" if where != "runs" else "tensorboard", 1)
    check(audit(log, spec(text), **options), *expected)


ACCELERATE = {
    "two-processes": ({"devices": 2}, ("stepped-k-times", 1, {"k": 2}, "accelerate on 2 processes")),
    "split-batches": ({"devices": 2}, (None, None)),
}


@pytest.mark.parametrize("scenario", ACCELERATE)
def test_accelerate(accelerate_logs, scenario):
    options, expected = ACCELERATE[scenario]
    log = read_log(accelerate_logs / f"{scenario}.csv")
    check(audit(log, spec(f"cosine:T_max={reallogs.FW_STEPS}"), **options), *expected)


@pytest.mark.parametrize("scenario, split", [("two-processes", False), ("split-batches", True)])
def test_accelerate_runs_agree_with_their_training_plan(accelerate_logs, scenario, split):
    """With the run's training plan as the predictor (lrviz.plan), accelerate's stepping is the prediction."""
    from lrviz.plan.model import TrainingPlan
    from lrviz.plan.simulate import simulate_plan

    plan = TrainingPlan(runner="accelerate", dataset_size=reallogs.FW_SAMPLES, batch_size=reallogs.FW_BATCH,
                        devices=2, epochs=reallogs.FW_EPOCHS, split_batches=split)
    log = read_log(accelerate_logs / f"{scenario}.csv")
    result = audit(log, spec(f"cosine:T_max={reallogs.FW_STEPS}"), lambda s: simulate_plan(s, plan))
    check(result, None, None)
    assert len(result.predicted) == (reallogs.FW_STEPS if split else reallogs.FW_STEPS // 2)


LIGHTNING = {
    "correct": ({}, (None, None)),
    "epoch-interval": ({"steps_per_epoch": reallogs.FW_STEPS_PER_EPOCH},
                       ("stepped-every-k", 1, {"k": reallogs.FW_STEPS_PER_EPOCH}, "Lightning's default interval")),
    "accumulate": ({}, (None, None)),
}


@pytest.mark.parametrize("where", ["csv/lightning_logs/version_0", "tb"])
@pytest.mark.parametrize("scenario", LIGHTNING)
def test_lightning(lightning_logs, scenario, where):
    options, expected = LIGHTNING[scenario]
    log = read_log(lightning_logs / scenario / where)
    assert (log.format, log.series, log.first_step) == ("lightning-csv" if where != "tb" else "tensorboard", "lr-SGD", 0)
    check(audit(log, spec(f"cosine:T_max={reallogs.FW_STEPS}"), **options), *expected)


def test_lightning_logs_every_nth_step_with_accumulation(lightning_logs):
    """accumulate_grad_batches=2, log_every_n_steps=3: one point per logged optimizer step (its micro-batches
    log the same value at the same step), at steps 2, 5, 8, ..."""
    log = read_log(lightning_logs / "accumulate" / "csv" / "lightning_logs" / "version_0")
    assert log.steps.tolist() == list(range(2, reallogs.FW_STEPS // 2, 3))
