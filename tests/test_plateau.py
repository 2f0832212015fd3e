"""ReduceLROnPlateau fed a metric stream (list, CSV column, expression): the reductions land where torch puts them."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import yaml
from torch.optim import lr_scheduler as L

import lrviz
from lrviz.render.png import make_figure

#: seed 003: the loss its loop printed, epoch by epoch
SEED_003_LOSSES = [0.6010, 229.9586, 39.6332, 0.0642, 0.0395] + [2.9802e-06] * 15
SEED_003_TEXT = ",".join(map(str, SEED_003_LOSSES))


def seed_003_loop(losses, lr=10.0, **kwargs) -> list[float]:
    """Seed 003's loop: scheduler.step(loss), optimizer.step(), then print the optimizer's lr."""
    params = [torch.nn.Parameter(torch.ones(2))]
    opt = torch.optim.SGD(params, lr=lr)
    sched = L.ReduceLROnPlateau(opt, **kwargs)
    printed = []
    for loss in losses:
        sched.step(loss)
        opt.step()
        printed.append(opt.param_groups[0]["lr"])
    return printed


def values(out: str) -> list[float]:
    return [float(line.split(",")[1]) for line in out.splitlines()[1:]]


def test_seed_003_reductions_where_torch_puts_them(cli):
    code, out, err = cli("table", "--sched", "plateau", "--factor", 0.1, "--patience", 3, "--lr", 10,
                         "--metrics", SEED_003_TEXT)
    assert code == 0, err
    rows = values(out)
    assert len(rows) == len(SEED_003_LOSSES) + 1  # row 0 is the starting lr; the t-th loss shows from row t+1
    printed = seed_003_loop(SEED_003_LOSSES, factor=0.1, patience=3)
    assert rows == [10.0] + printed
    # the seed's printout: "epoch 9 ,lr 1.0", "epoch 13 ,lr 0.1", "epoch 17 ,lr 0.010000000000000002"
    assert printed[8:10] == [10.0, 1.0] and printed[12:14] == [1.0, 0.1]
    assert printed[16:] == [0.1] + [0.010000000000000002] * 3


def test_inline_yaml_and_flags_agree(cli, tmp_path):
    expected = [10.0] + seed_003_loop(SEED_003_LOSSES, factor=0.1, patience=3)
    top = tmp_path / "top.yaml"
    top.write_text(yaml.safe_dump({"lr": 10, "metrics": SEED_003_LOSSES,
                                   "scheduler": {"type": "plateau", "factor": 0.1, "patience": 3}}))
    inside = tmp_path / "inside.yaml"
    inside.write_text(yaml.safe_dump({"lr": 10, "scheduler": {"type": "plateau", "factor": 0.1, "patience": 3,
                                                              "metrics": SEED_003_LOSSES}}))
    for spec in ([top], [inside], [f"plateau:factor=0.1,patience=3,metrics=[{SEED_003_TEXT}]", "--lr", 10]):
        code, out, err = cli("table", *spec)
        assert code == 0, err
        assert values(out) == expected


def test_csv_column_relative_to_the_yaml_file(cli, tmp_path):
    log = tmp_path / "logs" / "train.csv"
    log.parent.mkdir()
    log.write_text("epoch,train_loss,val_loss\n" + "".join(f"{i},{i},{v}\n" for i, v in enumerate(SEED_003_LOSSES)))
    spec = tmp_path / "plateau.yaml"
    spec.write_text("lr: 10\nmetrics: {file: logs/train.csv, column: val_loss}\n"
                    "scheduler: {type: plateau, factor: 0.1, patience: 3}\n")
    code, out, err = cli("table", spec)
    assert code == 0, err
    assert values(out) == [10.0] + seed_003_loop(SEED_003_LOSSES, factor=0.1, patience=3)
    code, out2, err = cli("table", "plateau:factor=0.1,patience=3", "--lr", 10, "--metrics", f"{log}:val_loss")
    assert code == 0, err
    assert out2 == out


def test_expression_with_seeded_noise_is_deterministic(tmp_path):
    spec = tmp_path / "noisy.yaml"
    spec.write_text("steps: 60\nmetrics: {expr: 'exp(-step / 15) + 0.05 * noise', seed: 7}\n"
                    "scheduler: {type: plateau, patience: 2, factor: 0.5}\n")
    trace = lrviz.simulate(str(spec))
    noise = np.random.default_rng(7).standard_normal(59)
    losses = [float(np.exp(-t / 15) + 0.05 * noise[t]) for t in range(59)]
    assert np.allclose(trace.metrics, losses, rtol=1e-15, atol=0)
    assert trace.lr.tolist() == [0.1] + seed_003_loop(trace.metrics.tolist(), lr=0.1, patience=2, factor=0.5)
    assert len(set(trace.lr.tolist())) > 2  # the noise makes it plateau: several reductions
    assert np.array_equal(lrviz.simulate(str(spec)).lr, trace.lr)


def test_expression_of_step_without_noise():
    trace = lrviz.simulate("plateau:patience=0,metrics=1 if step < 3 else 2", steps=6, lr=1.0)
    assert trace.metrics.tolist() == [1, 1, 1, 2, 2]
    assert trace.lr.tolist() == [1.0] + seed_003_loop([1, 1, 1, 2, 2], lr=1.0, patience=0)


@pytest.mark.parametrize(("args", "message"), [
    (["plateau"], "ReduceLROnPlateau is stepped with a metric: give metrics"),
    (["plateau:metrics=[1,2]", "--steps", 10], "metrics has 2 values, but 10 steps need 9"),
    (["cosine:T_max=5,metrics=[1,2]"], "CosineAnnealingLR.step() takes none"),
    (["--sched", "plateau", "--metrics", "missing.csv:loss"], "metrics file not found: missing.csv"),
    (["plateau:metrics=exp(-stp)"], "'stp' is not allowed"),
    (["plateau:metrics=[1,x]"], "metrics[1] must be a number"),
])
def test_metric_errors_are_one_line(cli, args, message):
    code, out, err = cli("table", *args)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_unknown_csv_column_suggests(cli, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("step,val_loss\n0,1.0\n")
    code, _, err = cli("table", "plateau", "--metrics", f"{log}:val_los")
    assert code == 2 and "did you mean 'val_loss'?" in err and "columns: step, val_loss" in err


def test_metrics_twice_is_an_error(cli, tmp_path):
    spec = tmp_path / "twice.yaml"
    spec.write_text("metrics: [1, 2]\nscheduler: {type: plateau, metrics: [1, 2]}\n")
    code, _, err = cli("table", spec)
    assert code == 2 and "metrics given twice" in err


def test_show_metrics_draws_a_second_axis(cli, tmp_path):
    trace = lrviz.simulate(f"plateau:factor=0.1,patience=3,metrics=[{SEED_003_TEXT}]", lr=10)
    figure = make_figure([trace], log=True, metrics=True)
    lr_axis, metric_axis = figure.axes
    assert metric_axis.get_yscale() == "log"  # the losses span eight decades
    assert metric_axis.get_lines()[0].get_ydata().tolist() == SEED_003_LOSSES
    assert metric_axis.get_lines()[0].get_xdata().tolist() == list(range(1, 21))
    out_file = tmp_path / "plateau.png"
    code, _, err = cli("plot", "plateau:factor=0.1,patience=3", "--metrics", SEED_003_TEXT, "--show-metrics",
                       "-o", out_file)
    assert code == 0, err
    assert out_file.stat().st_size > 0


def test_show_metrics_without_metrics_is_an_error(cli, tmp_path):
    code, _, err = cli("plot", "cosine:T_max=5", "--show-metrics", "-o", tmp_path / "x.png")
    assert code == 2 and "--show-metrics" in err
    assert not (tmp_path / "x.png").exists()
