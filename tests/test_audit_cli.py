"""``lrviz audit LOG SPEC`` on logs written by real runs (tests/reallogs.py): right runs exit 0, each
planted mistake exits 1 naming its cause and first divergence, in every log format; unreadable input
exits 2 with one line; the figure and the terminal chart show the audit.

The framework runs are the session's (conftest's ``reallog_runs``), shared with test_audit_runs.py;
the plain loops here train 120 optimizer steps each, in this process.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch

import reallogs

K = reallogs.RESUME_AT
#: ``--warmup 0.25`` of cosine:T_max=200: a quarter of its 201 rows, rounded up
WARMUP = 51
HF_SPEC = ["hf:linear", "--num_warmup_steps", str(reallogs.HF_WARMUP), "--num_training_steps", str(reallogs.FW_STEPS)]
COSINE = f"cosine:T_max={reallogs.FW_STEPS}"
#: the frameworks' runs as training plans (each process sees half the data under accelerate)
FW_PLAN = ["--dataset-size", str(reallogs.FW_SAMPLES), "--batch-size", str(reallogs.FW_BATCH),
           "--epochs", str(reallogs.FW_EPOCHS)]


@pytest.fixture(autouse=True, scope="module")
def start_early(reallog_runs):
    """Start the framework runs (once a session) before the first test of this module."""


def audit_json(cli, *args):
    """``lrviz audit ... --format json``: its exit code and the JSON it printed (stderr must hold no error)."""
    code, out, err = cli("audit", *args, "--format", "json")
    assert "error" not in err, err
    return code, json.loads(out)


def verdict(data, code, *, first=None, mistake=None, logged=None, **found):
    """The exit code and the JSON agree with each other and with what the run did."""
    assert code == (0 if mistake is None else 1), data
    assert data["match"] is (mistake is None)
    assert data["first_divergence"] == first
    assert data["mistake"] == mistake, data["cause"]
    if logged is not None:
        assert data["first_divergence_logged_step"] == logged
    if mistake is None:
        assert data["cause"] is None and data["max_abs_error"] <= data["rtol"] * reallogs.LR
    else:
        assert data["max_abs_error"] > 1e-4 and data["fix"]
        assert {key: data["diagnosis"][0][key] for key in found} == found


# ---------------------------------------------------------------- plain loops writing step,lr (csv)

def warmed_cosine(warmup: int, t_max: int):
    """torchvision's warmup recipe, as ``--warmup`` builds it: LinearLR(0.01) for ``warmup`` steps, then cosine."""
    def make(optimizer, last_epoch=-1):
        from torch.optim import lr_scheduler

        return lr_scheduler.SequentialLR(optimizer, [lr_scheduler.LinearLR(optimizer, 0.01, total_iters=warmup),
                                                     lr_scheduler.CosineAnnealingLR(optimizer, T_max=t_max)], [warmup])
    return make


@pytest.fixture(scope="module")
def loops(tmp_path_factory):
    """The plain-loop logs: a right one with a warmup, that run stepping twice, a resume by last_epoch."""
    root = tmp_path_factory.mktemp("loops")
    step_lr = lambda optimizer, last_epoch=-1: torch.optim.lr_scheduler.StepLR(  # noqa: E731
        optimizer, 10, 0.5, last_epoch=last_epoch)
    return {
        "right": reallogs.loop_log(root / "right.csv", warmed_cosine(WARMUP, 200)),
        "twice": reallogs.loop_log(root / "twice.csv", warmed_cosine(WARMUP, 200), mistake="twice"),
        "last-epoch": reallogs.loop_log(root / "last-epoch.csv", step_lr, mistake="last-epoch"),
    }


def test_a_right_loop_with_a_fractional_warmup_agrees(cli, loops):
    """``--warmup 0.25`` of cosine T_max=200 is a quarter of the schedule's run, as plotted (201 rows, steps
    0..200: WARMUP steps), not of the 120 steps logged."""
    code, data = audit_json(cli, loops["right"], "cosine:T_max=200", "--warmup", "0.25")
    verdict(data, code)
    assert (data["points"], data["compared"], data["log"]["format"]) == (120, 120, "csv")


def test_a_loop_stepping_twice_is_named_with_the_warmup_kept(cli, loops):
    code, out, err = cli("audit", loops["twice"], "cosine:T_max=200", "--warmup", "0.25")
    assert (code, err) == (1, "")
    assert "differs from optimizer step 1 (logged step 1)" in out
    assert "cause: scheduler.step() ran 2 times per optimizer step" in out


def test_a_resume_by_last_epoch_without_its_state_is_named(cli, loops):
    code, data = audit_json(cli, loops["last-epoch"], "step:step_size=10,gamma=0.5")
    verdict(data, code, first=K, logged=K, mistake="last-epoch-resume", resume_step=K, last_epoch=K - 1)
    assert "initial_lr" in data["cause"]


# ---------------------------------------------------------------- Hugging Face Trainer: trainer_state.json, TensorBoard

@pytest.mark.parametrize("where", ["", "runs"])
def test_a_right_hf_run_agrees(cli, hf_logs, where):
    code, data = audit_json(cli, hf_logs / "correct" / where, *HF_SPEC)
    verdict(data, code)
    assert data["log"]["format"] == ("tensorboard" if where else "hf-json")
    assert data["compared"] == reallogs.FW_STEPS


def test_hf_stepping_twice_from_trainer_state(cli, hf_logs):
    code, data = audit_json(cli, hf_logs / "double-step" / "trainer_state.json", *HF_SPEC)
    verdict(data, code, first=1, logged=2, mistake="stepped-k-times", k=2)


def test_hf_resume_that_lost_the_scheduler_from_tensorboard(cli, hf_logs):
    code, out, err = cli("audit", hf_logs / "lost-scheduler" / "runs", *HF_SPEC)
    assert (code, err) == (1, "")
    assert f"differs from optimizer step {K} (logged step {K + 1}): logged 0, predicted 0.0744186047" in out
    assert f"cause: the schedule started over at optimizer step {K}" in out and "scheduler.pt" in out


def test_hf_accumulation_counted_twice_is_named_by_the_training_plan(cli, hf_logs):
    """Under the run's plan the Trainer fills num_training_steps (24) itself; the run's scheduler had 12."""
    code, data = audit_json(cli, hf_logs / "accum-twice", "hf:linear", "--runner", "hf-trainer", "--grad-accum", "2",
                            "--warmup", str(reallogs.HF_WARMUP), *FW_PLAN)
    verdict(data, code, first=7, logged=8, mistake="horizon", argument="num_training_steps", value=12, spec_value=24)
    assert "gradient accumulation counted twice" in data["cause"]


# ---------------------------------------------------------------- Lightning: metrics.csv, TensorBoard

@pytest.mark.parametrize("where", ["csv/lightning_logs/version_0", "tb"])
def test_a_right_lightning_run_agrees(cli, lightning_logs, where):
    code, data = audit_json(cli, lightning_logs / "correct" / where, COSINE)
    verdict(data, code)
    assert data["log"]["format"] == ("tensorboard" if where == "tb" else "lightning-csv")


def test_lightning_default_interval_from_metrics_csv(cli, lightning_logs):
    log = lightning_logs / "epoch-interval" / "csv" / "lightning_logs" / "version_0" / "metrics.csv"
    code, data = audit_json(cli, log, COSINE, "--steps-per-epoch", str(reallogs.FW_STEPS_PER_EPOCH))
    verdict(data, code, first=1, logged=1, mistake="stepped-every-k", k=reallogs.FW_STEPS_PER_EPOCH)
    assert "Lightning's default interval" in data["cause"]


def test_lightning_per_epoch_run_agrees_with_its_plan_which_warns(cli, lightning_logs):
    """Predicted under a Lightning plan stepping per epoch, the run agrees; the plan says the schedule is sized wrong."""
    code, out, err = cli("audit", lightning_logs / "epoch-interval" / "tb", COSINE, "--runner", "lightning",
                         "--interval", "epoch", *FW_PLAN)
    assert code == 0 and "agrees: all 48 compared points" in out
    assert "as the training plan runs it: lightning: 48 optimizer steps (16 an epoch), 3 scheduler.step() calls" in out
    assert err.startswith("lrviz: warning: ") and "stepped once per epoch" in err


# ---------------------------------------------------------------- accelerate on 2 processes: step,lr csv

def test_accelerate_stepping_per_process_is_named(cli, accelerate_logs):
    code, data = audit_json(cli, accelerate_logs / "two-processes.csv", COSINE, "--devices", "2")
    verdict(data, code, first=1, logged=1, mistake="stepped-k-times", k=2)
    assert "accelerate on 2 processes" in data["cause"]


@pytest.mark.parametrize("scenario, split", [("two-processes", []), ("split-batches", ["--split-batches"])])
def test_accelerate_runs_agree_with_their_plan(cli, accelerate_logs, scenario, split):
    """Each process sees half the data; with split_batches, half of each loader batch (the plan's batch is per device)."""
    per_device = reallogs.FW_BATCH // 2 if split else reallogs.FW_BATCH
    code, data = audit_json(cli, accelerate_logs / f"{scenario}.csv", COSINE, "--runner", "accelerate", "--devices", "2",
                            *split, "--dataset-size", str(reallogs.FW_SAMPLES), "--batch-size", str(per_device),
                            "--epochs", str(reallogs.FW_EPOCHS))
    verdict(data, code)
    assert data["prediction"]["steps"] == reallogs.FW_STEPS // (1 if split else 2) and data["run_notes"] == []
    assert (data["run"]["runner"], data["run"]["scheduler_steps"]) == ("accelerate", reallogs.FW_STEPS)


# ---------------------------------------------------------------- what is drawn

def test_the_figure_shows_the_verdict(cli, hf_logs, tmp_path):
    from PIL import Image

    path = tmp_path / "audit.png"
    code, out, _ = cli("audit", hf_logs / "lost-scheduler", *HF_SPEC, "-o", path)
    assert code == 1 and out.endswith(f"wrote {path}\n")
    with Image.open(path) as image:
        assert image.size == (1200, 720)
        title = image.info["Title"]
    assert title == f"differs from optimizer step {K}: the schedule started over at optimizer step {K}"


def test_the_terminal_chart_draws_log_prediction_and_diagnosis(cli, hf_logs):
    code, out, _ = cli("audit", hf_logs / "double-step", *HF_SPEC, "--terminal", "--width", "60", "--ascii")
    lines = out.splitlines()
    heads = [line for line in lines if line.startswith(("logged:", "predicted:", "the run, diagnosed:"))]
    assert [h.split(":")[0] for h in heads] == ["logged", "predicted", "the run, diagnosed"]
    assert "stepped-k-times (k=2)" in heads[2]
    chart = lines[:lines.index("")]
    assert max(len(line) for line in chart if "|" in line) <= 60 and out.isascii()
    assert lines[lines.index("") + 1].startswith("log: ") and code == 1


# ---------------------------------------------------------------- unreadable input, usage errors: exit 2, one line

def test_bad_inputs_exit_2_with_one_line(cli, hf_logs, lightning_logs, tmp_path):
    image = tmp_path / "plot.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
    not_state = tmp_path / "config.json"
    not_state.write_text('{"learning_rate": 0.1}')
    state = hf_logs / "correct" / "trainer_state.json"
    metrics = lightning_logs / "correct" / "csv" / "lightning_logs" / "version_0"
    cases = {
        (tmp_path / "missing.csv", COSINE): "no such file or directory",
        (COSINE, state): "the run's LOG comes first",
        (hf_logs / "correct" / "runs", COSINE, "--tag", "train/lr"): "has no tag 'train/lr'",
        (metrics, COSINE, "--column", "lr"): "has no column 'lr' (it has: lr-SGD, step)",
        (image, COSINE): "cannot tell the format",
        (not_state, COSINE): "log_history",
        (state,): "no schedule given",
        ("--tag", "x"): "LOG is missing",
        (state, COSINE, "step:step_size=2"): "one schedule, got 2",
        (state, COSINE, "--tag", "a", "--column", "b"): "give one",
        (state, COSINE, "-o", tmp_path / "a.html"): "an audit is drawn as .png, .svg, .pdf",
        (state, COSINE, "--terminal", "--format", "json"): "prints JSON only",
        (state, COSINE, "--step-column", "step"): "applies to CSV logs",
        (state, COSINE, "--log-format", "parquet"): "valid: hf-json, tensorboard, csv",
    }
    for args, words in cases.items():
        code, out, err = cli("audit", *args)
        assert (code, out) == (2, ""), (args, out, err)
        assert err.count("\n") == 1 and err.startswith("lrviz: error: ") and words in err, (args, err)
    tags = cli("audit", hf_logs / "correct" / "runs", COSINE, "--tag", "train/lr")[2]
    assert "train/learning_rate" in tags  # the valid tags are listed


# ---------------------------------------------------------------- a real process

def lrviz(*args):
    return subprocess.run([sys.executable, "-m", "lrviz", "audit", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def test_a_real_process_exits_1_on_a_mistake_and_2_on_a_missing_log(hf_logs, tmp_path):
    found = lrviz(hf_logs / "double-step", *HF_SPEC, "--format", "json")
    assert (found.returncode, found.stderr) == (1, "")
    assert json.loads(found.stdout)["cause"].startswith("scheduler.step() ran 2 times per optimizer step")
    missing = lrviz(tmp_path / "nope.csv", COSINE)
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr.startswith("lrviz: error: no such file or directory") and missing.stderr.count("\n") == 1
