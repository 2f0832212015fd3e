"""The training plan through the command line (the plan options, a YAML training: section, lrviz plan):
the rows equal, bit for bit, the lr the real framework's optimizer held at each optimizer step."""

from __future__ import annotations

import json

import pytest

from realruns import LR, real_run, torchvision_hidden


def needs(*modules: str):
    with torchvision_hidden():
        for module in modules:
            pytest.importorskip(module, reason=f"{module} is not installed")


def flags(plan: dict) -> list[str]:
    """A plan as the command line's options."""
    out = []
    for key, value in plan.items():
        flag = "--" + key.replace("_", "-")
        out += [flag] if value is True else [flag, str(value)]
    return out


def cli_rows(cli, *args) -> list[float]:
    code, out, err = cli("table", *args, "--lr", LR)
    assert code == 0, err
    return [float(line.split(",")[1]) for line in out.splitlines()[1:]]


CASES = [
    ("loop", "cosine:T_max=7", ("CosineAnnealingLR", {"T_max": 7}), dict(dataset_size=100, batch_size=8, grad_accum=3, epochs=2), ()),
    ("hf-trainer", "hf:cosine", ("hf:cosine", {}),
     dict(dataset_size=100, batch_size=8, grad_accum=3, epochs=2.5, warmup=0.2), ("transformers", "accelerate")),
    ("lightning", "cosine:T_max=total_steps", ("CosineAnnealingLR", {"T_max": "estimated_stepping_batches"}),
     dict(dataset_size=90, batch_size=8, grad_accum=4, epochs=3), ("pytorch_lightning",)),
    ("accelerate", "step:step_size=1,gamma=0.5", ("StepLR", {"step_size": 1, "gamma": 0.5}),
     dict(devices=3, dataset_size=50, batch_size=4, grad_accum=2, epochs=2), ("accelerate",)),
]


@pytest.mark.parametrize(("runner", "spec", "scheduler", "plan", "modules"), CASES, ids=[c[0] for c in CASES])
def test_cli_rows_equal_the_real_run(cli, runner, spec, scheduler, plan, modules):
    needs(*modules)
    real = real_run(runner, scheduler=scheduler, **plan)
    assert cli_rows(cli, spec, "--runner", runner, *flags(plan)) == real.lrs


def test_a_yaml_training_section_is_the_same_run(cli, tmp_path):
    needs("transformers", "accelerate")
    plan = dict(dataset_size=100, batch_size=8, grad_accum=3, epochs=2.5, warmup=0.2)
    (tmp_path / "run.yaml").write_text(
        "scheduler: {type: 'hf:cosine'}\n"
        "training: {runner: hf-trainer, dataset_size: 100, batch_size: 8, grad_accum: 3, epochs: 2.5}\n"
        "warmup: 0.2\n")
    real = real_run("hf-trainer", scheduler=("hf:cosine", {}), **plan)
    assert cli_rows(cli, tmp_path / "run.yaml") == real.lrs
    assert cli_rows(cli, tmp_path / "run.yaml", "--epochs", "1.5") == \
        real_run("hf-trainer", scheduler=("hf:cosine", {}), **{**plan, "epochs": 1.5}).lrs


def test_plan_says_what_the_trainer_counts(cli):
    needs("transformers", "accelerate")
    plan = dict(dataset_size=100, batch_size=8, grad_accum=3, epochs=2.5, warmup=0.2)
    real = real_run("hf-trainer", scheduler=("hf:cosine", {}), **plan)
    code, out, err = cli("plan", "--runner", "hf-trainer", *flags(plan), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["optimizer_steps"], data["warmup_steps"]) == (real.reported["max_steps"], real.reported["warmup_steps"])
    assert data["scheduler_steps"] == real.scheduler_calls and data["steps_per_epoch"] == real.steps_first_epoch


def test_plan_warns_where_accelerate_uses_up_the_cosine(cli):
    """accelerate on 8 processes steps the scheduler 8 times per optimizer step: a T_max sized for one
    process is used up at step 125 (= 1000 / 8), and the warning says so, with the fix."""
    code, out, err = cli("plan", "cosine", "--T_max", "1000", "--runner", "accelerate", "--devices", "8",
                         "--dataset-size", "128000", "--batch-size", "16", "--epochs", "1")
    assert code == 0, err
    assert "warning: step 126: scheduler CosineAnnealingLR(T_max=1000) is used up by step 126" in out
    assert "T_max=scheduler_steps" in out


def test_without_a_run_plan_asks_for_one(cli):
    code, out, err = cli("plan")
    assert code == 2 and err.startswith("lrviz: error: no training run: give --runner")


def test_plan_variables_under_a_run_and_refusals(cli):
    code, out, err = cli("table", "cosine:T_max=total_steps", "--runner", "loop", "--dataset-size", "64",
                         "--batch-size", "8", "--epochs", "2")
    assert code == 0 and len(out.splitlines()) == 1 + 16
    code, out, err = cli("table", "onecycle", "--max_lr", "0.1", "--epochs", "3", "--steps_per_epoch", "10")
    assert code == 2 and "--epochs is both an option of lrviz table and an argument of OneCycleLR" in err
