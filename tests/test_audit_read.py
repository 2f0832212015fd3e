"""lrviz.audit's readers: formats told from the path, each format's step convention, the lr series
found or named, precision, and one-line errors for what cannot be read."""

from __future__ import annotations

import json

import numpy as np
import pytest

import lrviz
from lrviz.audit import audit, read_log
from lrviz.audit.log import FLOAT32_RTOL, FLOAT64_RTOL
from lrviz.errors import LrvizError
from lrviz.spec import specs_from_tokens


def write_json(path, history):
    path.write_text(json.dumps({"global_step": 3, "log_history": history}))
    return path


HISTORY = [
    {"epoch": 0.3, "learning_rate": 0.0, "loss": 2.0, "step": 1},
    {"epoch": 0.6, "eval_loss": 1.0, "step": 2},  # an evaluation: no lr
    {"epoch": 0.6, "learning_rate": 0.05, "loss": 1.5, "step": 2},
    {"epoch": 1.0, "step": 3, "train_loss": 1.2, "train_runtime": 0.1},
]


def test_trainer_state_step_k_is_the_kth_update(tmp_path):
    log = read_log(write_json(tmp_path / "trainer_state.json", HISTORY))
    assert (log.format, log.series, log.first_step) == ("hf-json", "learning_rate", 1)
    assert log.rows.tolist() == [0, 1] and log.lrs.tolist() == [0.0, 0.05]
    assert log.rtol == FLOAT64_RTOL and "transformers >= 4.51" in log.convention
    assert read_log(tmp_path, first_step=0).rows.tolist() == [1, 2]  # a log from transformers < 4.51


def test_a_directory_of_checkpoints_reads_the_latest(tmp_path):
    for step, history in ((10, HISTORY[:1]), (20, HISTORY)):
        (tmp_path / f"checkpoint-{step}").mkdir()
        write_json(tmp_path / f"checkpoint-{step}" / "trainer_state.json", history)
    assert read_log(tmp_path).source.endswith("checkpoint-20/trainer_state.json")


LIGHTNING_CSV = """epoch,lr-SGD,lr-SGD-momentum,step,train_loss
,0.1,0.9,0,
0,,,0,2.5
,0.05,0.9,1,
,0.025,0.9,2,
"""
WANDB_CSV = """Step,run-7 - train/learning_rate,run-7 - train/learning_rate__MIN,run-7 - train/learning_rate__MAX,train/global_step
0,0.1,0.1,0.1,1
1,0.05,0.05,0.05,2
"""


def test_lightning_metrics_csv_counts_from_zero_and_skips_other_rows(tmp_path):
    (tmp_path / "metrics.csv").write_text(LIGHTNING_CSV)
    log = read_log(tmp_path)
    assert (log.format, log.series, log.first_step) == ("lightning-csv", "lr-SGD", 0)
    assert log.rows.tolist() == [0, 1, 2] and log.lrs.tolist() == [0.1, 0.05, 0.025]


def test_a_wandb_export_of_a_trainer_run_uses_its_global_step(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(WANDB_CSV)
    log = read_log(path)
    assert (log.series, log.first_step, log.rows.tolist()) == ("run-7 - train/learning_rate", 1, [0, 1])
    assert read_log(path, step_column="Step").rows.tolist() == [0, 1]  # W&B's own counter: as written


def test_without_a_step_column_points_are_numbered_in_file_order(tmp_path):
    path = tmp_path / "lr.csv"
    path.write_text("learning_rate\n0.1\n0.05\n1_000e-5\n")  # the last is Python's, not numpy's
    log = read_log(path)
    assert log.rows.tolist() == [0, 1, 2] and log.lrs.tolist() == [0.1, 0.05, 0.01]


def test_the_last_point_written_at_a_step_wins(tmp_path):
    path = tmp_path / "lr.csv"
    path.write_text("step,lr\n0,0.1\n1,0.9\n2,0.9\n1,0.05\n")  # a resumed run rewrote step 1 and stopped
    log = read_log(path)
    assert log.rows.tolist() == [0, 1, 2] and log.lrs.tolist() == [0.1, 0.05, 0.9]


def test_text_compares_at_the_precision_it_is_written_with(tmp_path):
    trace = lrviz.simulate("cosine:T_max=50", steps=50)
    path = tmp_path / "lr.csv"
    path.write_text("step,lr\n" + "".join(f"{t},{v:.6g}\n" for t, v in enumerate(trace.lr)))
    log = read_log(path)
    assert log.rtol == 5e-6
    assert audit(log, specs_from_tokens(["cosine:T_max=50"])[0]).match
    assert not audit(log, specs_from_tokens(["cosine:T_max=51"])[0], diagnose_mistakes=False).match


def test_float32_values_compare_at_float32_precision(tmp_path):
    trace = lrviz.simulate("cosine:T_max=50", steps=50)
    path = tmp_path / "lr.csv"
    path.write_text("step,lr\n" + "".join(f"{t},{float(np.float32(v))!r}\n" for t, v in enumerate(trace.lr)))
    log = read_log(path)
    assert log.rtol == FLOAT32_RTOL
    assert audit(log, specs_from_tokens(["cosine:T_max=50"])[0]).match


def test_an_lrviz_table_reads_back_per_group(tmp_path):
    spec = specs_from_tokens(["step:step_size=3,gamma=0.5"])[0]
    spec.param_groups = [{"lr": 0.1}, {"lr": 0.01}]
    trace = lrviz.simulate(spec, steps=10)
    trace.to_csv(tmp_path / "table.csv")
    log = read_log(tmp_path / "table.csv", group=1)
    assert log.series == "lr_g1" and log.lrs.tolist() == trace.lrs[1].tolist()
    assert audit(log, spec, group=1).match


@pytest.fixture
def events(tmp_path):
    """A Lightning-like TensorBoard run directory, written by torch's SummaryWriter."""
    pytest.importorskip("tensorboard")
    from torch.utils.tensorboard import SummaryWriter

    run = tmp_path / "tb" / "version_0"
    with SummaryWriter(str(run)) as writer:
        for step, lr in enumerate([0.1, 0.05, 0.025]):
            writer.add_scalar("lr-SGD", lr, step)
            writer.add_scalar("lr-SGD-momentum", 0.9, step)
            writer.add_scalar("train_loss", 1.0 / (step + 1), step)
    return tmp_path / "tb"


def test_tensorboard_events_are_float32_with_the_writers_steps(events):
    log = read_log(events)
    assert (log.format, log.series, log.first_step, log.rtol) == ("tensorboard", "lr-SGD", 0, FLOAT32_RTOL)
    assert log.rows.tolist() == [0, 1, 2]
    assert log.lrs.tolist() == [float(np.float32(v)) for v in (0.1, 0.05, 0.025)]
    assert read_log(next((events / "version_0").iterdir()), series="train_loss").lrs[0] == 1.0  # one file, a named tag


def test_a_resumed_run_directory_keeps_the_points_written_last(events):
    from torch.utils.tensorboard import SummaryWriter

    with SummaryWriter(str(events / "version_1")) as writer:  # the run resumed at step 1, in a new directory
        for step, lr in ((1, 0.07), (2, 0.06), (3, 0.05)):
            writer.add_scalar("lr-SGD", lr, step)
    log = read_log(events)
    assert log.source.endswith("[2 directories merged]") and log.rows.tolist() == [0, 1, 2, 3]
    assert log.lrs.tolist() == [float(np.float32(v)) for v in (0.1, 0.07, 0.06, 0.05)]


def put(path, content):
    path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    return path


BAD = [
    (lambda d: d / "missing.json", {}, "no such file or directory"),
    (lambda d: put(d / "t.json", "[]"), {}, "no 'log_history'"),
    (lambda d: put(d / "t.json", "{"), {}, "not valid JSON"),
    (lambda d: write_json(d / "t.json", HISTORY), {"series": "lr"}, "no log_history entry has 'lr'"),
    (lambda d: write_json(d / "t.json", HISTORY), {"group": 1}, "param group 0 only"),
    (lambda d: write_json(d / "t.json", [{"learning_rate": "x", "step": 1}]), {}, "not a number"),
    (lambda d: write_json(d / "t.json", [{"learning_rate": 0.1}]), {}, "no whole-number 'step'"),
    (lambda d: put(d / "a.csv", ""), {}, "is empty"),
    (lambda d: put(d / "a.csv", "step,loss\n0,1\n"), {}, "no column looks like a learning rate"),
    (lambda d: put(d / "a.csv", "step,lr,learning_rate\n"), {"series": "lrr"},
     "has no column 'lrr'; did you mean 'lr'?"),
    (lambda d: put(d / "a.csv", "lr-SGD,lr-Adam,step\n"), {}, "several columns look like"),
    (lambda d: put(d / "a.csv", "step,lr\n0,0.1\n1,fast\n"), {}, "holds 'fast'"),
    (lambda d: put(d / "a.csv", "step,lr\n0.5,0.1\n"), {}, "not a whole number"),
    (lambda d: put(d / "a.csv", "step,lr\n"), {}, "holds no values"),
    (lambda d: put(d / "a.csv", b"step,lr\n0,\xff\n"), {}, "not UTF-8"),
    (lambda d: put(d / "a.bin", "x"), {}, "cannot tell the format"),
    (lambda d: d, {}, "holds no log lrviz reads"),
    (lambda d: d, {"fmt": "parquet"}, "unknown log format 'parquet'"),
    (lambda d: write_json(d / "t.json", [{"learning_rate": 0.1, "step": 0}]), {}, "comes before optimizer step 0"),
]


@pytest.mark.parametrize("make, options, message", BAD, ids=[m for _, _, m in BAD])
def test_unreadable_logs_are_one_line_errors(tmp_path, make, options, message):
    with pytest.raises(LrvizError) as caught:
        read_log(make(tmp_path), **options)
    assert message in str(caught.value) and "\n" not in str(caught.value)
