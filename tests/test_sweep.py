"""Sweeps give one column (and curve) per value, each equal to torch with that value; labels stay unique."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.optim import lr_scheduler

from conftest import torch_loop


def read_csv(text: str) -> tuple[list[str], np.ndarray]:
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], np.array([[float(v) for v in row] for row in rows[1:]])


def test_sweep_gamma_gives_one_torch_column_per_value(cli):
    code, out, err = cli("table", "step:step_size=10", "--sweep", "gamma=0.1,0.5,0.9", "--steps", 40)
    assert code == 0, err
    header, values = read_csv(out)
    assert header == ["step", "step:step_size=10 gamma=0.1", "step:step_size=10 gamma=0.5", "step:step_size=10 gamma=0.9"]
    for column, gamma in enumerate([0.1, 0.5, 0.9], start=1):
        expected = torch_loop(lr_scheduler.StepLR, {"step_size": 10, "gamma": gamma}, 40)[0]
        assert np.array_equal(values[:, column], expected)


def test_sweep_replaces_a_value_given_in_the_spec(cli):
    code, out, err = cli("table", "cosine:T_max=5,eta_min=0.001", "--sweep", "T_max=10,20,40", "--steps", 60)
    assert code == 0, err
    header, values = read_csv(out)
    assert header[1:] == [f"cosine:eta_min=0.001 T_max={t}" for t in (10, 20, 40)]
    for column, t_max in enumerate([10, 20, 40], start=1):
        expected = torch_loop(lr_scheduler.CosineAnnealingLR, {"T_max": t_max, "eta_min": 0.001}, 60)[0]
        assert np.array_equal(values[:, column], expected)


def test_two_sweeps_give_every_combination(cli):
    code, out, err = cli("table", "exp:gamma=0.9", "--sweep", "lr=1,0.5", "--sweep", "gamma=0.8,0.7", "--steps", 8)
    assert code == 0, err
    header, values = read_csv(out)
    combos = [(1, 0.8), (1, 0.7), (0.5, 0.8), (0.5, 0.7)]
    assert header[1:] == [f"exp lr={lr} gamma={g}" for lr, g in combos]
    for column, (lr, gamma) in enumerate(combos, start=1):
        assert np.array_equal(values[:, column], torch_loop(lr_scheduler.ExponentialLR, {"gamma": gamma}, 8, lr=lr)[0])


def test_sweep_of_a_named_yaml_spec_keeps_its_name(cli, tmp_path):
    spec = tmp_path / "mine.yaml"
    spec.write_text("name: mine\nsteps: 30\nscheduler: {type: multistep, milestones: [10, 20]}\n")
    code, out, err = cli("table", spec, "--sweep", "milestones=[5,10],[15]")
    assert code == 0, err
    header, values = read_csv(out)
    assert header[1:] == ["mine milestones=[5,10]", "mine milestones=[15]"]
    assert np.array_equal(values[:, 2], torch_loop(lr_scheduler.MultiStepLR, {"milestones": [15]}, 30)[0])


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(0.05, 0.99).map(lambda g: round(g, 3)), min_size=1, max_size=4, unique=True))
def test_any_gamma_sweep_equals_torch(gammas):
    from typer.testing import CliRunner

    from lrviz.cli import app

    sweep = "gamma=" + ",".join(map(str, gammas))
    result = CliRunner().invoke(app, ["table", "exp", "--sweep", sweep, "--steps", "25"])
    assert result.exit_code == 0, result.stderr
    _, values = read_csv(result.stdout)
    for column, gamma in enumerate(gammas, start=1):
        assert np.array_equal(values[:, column], torch_loop(lr_scheduler.ExponentialLR, {"gamma": gamma}, 25)[0])


def test_repeated_labels_are_made_unique(cli):
    code, out, err = cli("table", "cosine:T_max=3", "cosine:T_max=3", "cosine:T_max=3", "--steps", 3)
    assert code == 0, err
    assert read_csv(out)[0] == ["step", "cosine:T_max=3", "cosine:T_max=3 #2", "cosine:T_max=3 #3"]


def test_csv_header_quotes_labels_with_commas(cli):
    code, out, err = cli("table", "step:step_size=2,gamma=0.5", "cosine:T_max=4", "--steps", 3)
    assert code == 0, err
    assert out.splitlines()[0] == 'step,"step:step_size=2,gamma=0.5",cosine:T_max=4'


@pytest.mark.parametrize(("args", "fragment"), [
    (["--sweep", "gamma"], "--sweep 'gamma': expected key=value,value,..."),
    (["--sweep", "gamma="], "--sweep gamma needs at least one value"),
    (["--sweep", "gamma=0.1", "--sweep", "gamma=0.2"], "--sweep gamma is given twice"),
    (["--sweep", "gama=0.1,0.2"], "unknown argument 'gama' for StepLR; did you mean 'gamma'?"),
    (["--sweep", "lr=0,1"], "--sweep lr must be > 0"),
])
def test_bad_sweeps_are_one_line_errors(cli, args, fragment):
    code, out, err = cli("table", "step:step_size=2", *args)
    assert code == 2 and out == ""
    assert err.startswith("lrviz: error: ") and err.count("\n") == 1
    assert fragment in err


def test_sweep_of_a_nested_scheduler_argument(cli, tmp_path):
    spec = tmp_path / "warm.yaml"
    spec.write_text("name: warm-cos\nsteps: 40\nscheduler:\n  type: sequential\n  milestones: [5]\n  schedulers:\n"
                    "    - {type: linear, start_factor: 0.1, total_iters: 5}\n    - {type: cosine, T_max: 10}\n")
    code, out, err = cli("table", spec, "--sweep", "schedulers.1.T_max=10,35")
    assert code == 0, err
    header, values = read_csv(out)
    assert header[1:] == ["warm-cos schedulers.1.T_max=10", "warm-cos schedulers.1.T_max=35"]
    for column, t_max in enumerate([10, 35], start=1):
        def sequential(opt, t_max=t_max):
            return lr_scheduler.SequentialLR(opt, [lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=5),
                                                   lr_scheduler.CosineAnnealingLR(opt, T_max=t_max)], milestones=[5])
        assert np.array_equal(values[:, column], torch_loop(sequential, {}, 40)[0])


def test_sweep_of_a_missing_nested_scheduler_is_a_clear_error(cli):
    code, _, err = cli("table", "cosine:T_max=10", "--sweep", "schedulers.1.T_max=10,35")
    assert code == 2 and "--sweep schedulers.1.T_max: no nested scheduler at 'schedulers'" in err
