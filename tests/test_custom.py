"""Custom scheduler classes and lr_lambda functions of the user's own: file.py:Name or module:Name (seed 001)."""

from __future__ import annotations

import shlex

import numpy as np
import pytest
from torch.optim import lr_scheduler as L

import lrviz
from conftest import torch_loop
from fixtures import my_lr

FIXTURE = "tests/fixtures/my_lr.py"


@pytest.fixture(autouse=True)
def in_repo_root(monkeypatch, request):
    monkeypatch.chdir(request.config.rootpath)


def test_seed_001_my_lr_halves_every_10_epochs(cli):
    code, out, err = cli("table", "--sched", f"{FIXTURE}:MyLR", "--steps", 31)
    assert code == 0, err
    rows = [float(line.split(",")[1]) for line in out.splitlines()[1:]]
    assert rows == torch_loop(my_lr.MyLR, {}, 31)[0].tolist()
    # seed 001 prints the lr after each step: "epoch:8, lr:0.1", "epoch:9, lr:0.05", "epoch:19, lr:0.025"
    assert rows[9] == 0.1 and rows[10] == 0.05 and rows[20] == 0.025 and rows[30] == 0.0125
    # ... the same schedule as its StepLR(step_size=10, gamma=0.5) and its LambdaLR
    assert rows == torch_loop(L.StepLR, {"step_size": 10, "gamma": 0.5}, 31)[0].tolist()
    assert rows == lrviz.simulate("lambda:lr_lambda=0.5 ** (epoch // 10)", steps=31).lr.tolist()


@pytest.mark.parametrize("spec", [f"{FIXTURE}:ScaledStepLR:period=3,gamma=0.1", "fixtures.my_lr:ScaledStepLR:period=3,gamma=0.1"])
def test_custom_class_arguments_are_introspected(spec, monkeypatch, request):
    monkeypatch.chdir(request.config.rootpath / "tests")  # module:Class is imported from the current directory
    spec = spec.replace("tests/", "")
    trace = lrviz.simulate(spec, steps=12, lr=0.5)
    assert np.array_equal(trace.lr, torch_loop(my_lr.ScaledStepLR, {"period": 3, "gamma": 0.1}, 12, lr=0.5)[0])
    assert trace.title == "ScaledStepLR(period=3, gamma=0.1)"


def test_custom_class_with_flags_converts_by_the_signature(cli):
    code, out, err = cli("table", "--sched", f"{FIXTURE}:ScaledStepLR", "--period", "4", "--gamma", "0.5", "--steps", 9)
    assert code == 0, err
    rows = [float(line.split(",")[1]) for line in out.splitlines()[1:]]
    assert rows == torch_loop(my_lr.ScaledStepLR, {"period": 4, "gamma": 0.5}, 9)[0].tolist()


def test_function_reference_as_lr_lambda():
    trace = lrviz.simulate(f"lambda:lr_lambda={FIXTURE}:warmup", steps=10)
    assert np.array_equal(trace.lr, torch_loop(L.LambdaLR, {"lr_lambda": my_lr.warmup}, 10)[0])
    assert trace.title == "LambdaLR(lr_lambda=warmup)"


@pytest.mark.parametrize(("spec", "message"), [
    (f"{FIXTURE}:ScaledStepLR", "ScaledStepLR needs period (arguments: period, gamma=0.5, last_epoch=-1)"),
    (f"{FIXTURE}:ScaledStepLR:period=2,gama=0.1", "unknown argument 'gama' for ScaledStepLR; did you mean 'gamma'?"),
    (f"{FIXTURE}:ScaledStepLR:period=two", "period must be an integer, got 'two'"),
    (f"{FIXTURE}:MyLr", "has no 'MyLr' (it defines: MyLR, ScaledStepLR, warmup)"),
    ("tests/fixtures/missing.py:MyLR", "no such file: tests/fixtures/missing.py"),
    ("no_such_module_xyz:MyLR", "cannot import no_such_module_xyz"),
    ("json:dumps", "json:dumps must take an 'optimizer' argument"),
    ("math:pi", "math:pi is a float, not a scheduler class"),
    ("lambda:lr_lambda=math:pi", "lr_lambda: math:pi is a float, not a function"),
])
def test_bad_references_are_one_line(cli, spec, message):
    code, out, err = cli("table", spec)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_file_that_fails_to_load_is_a_usage_error(cli, tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('boom')\n")
    code, _, err = cli("table", f"{broken}:MyLR")
    assert code == 2 and "cannot load" in err and "RuntimeError: boom" in err


def test_readme_command_for_seed_001_runs_from_the_repository_root(cli, request):
    readme = (request.config.rootpath / "README.md").read_text(encoding="utf-8")
    (command,) = [line for line in readme.splitlines() if line.startswith("lrviz ") and FIXTURE in line]
    code, out, err = cli(*shlex.split(command)[1:])
    assert code == 0, err
    assert out.splitlines()[2:] == ["| 0 | 0.1 |", "| 10 | 0.05 |", "| 20 | 0.025 |", "| 30 | 0.0125 |"]
