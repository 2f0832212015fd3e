"""Code named in a spec file runs only on trust (issue 21): a YAML file may be downloaded or shared, so
a reference to code in it (``module:function``, ``file.py:Class``) is refused, naming the reference and
``trust_code``, unless the user trusts the file; references typed by the user run. Each refusal is
checked to run nothing: the module a reference names records its import and its calls in files."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from torch.optim import lr_scheduler

import lrviz
from conftest import torch_loop
from fixtures import my_lr
from lrviz.errors import LrvizError

ROOT = Path(__file__).resolve().parent.parent
#: a user's module that leaves a file behind when it is imported, and one when its lr_lambda runs
WATCHED = (ROOT / "tests" / "fixtures" / "my_lr.py").read_text() + '''

import pathlib

pathlib.Path(__file__).with_name("imported").touch()


def halve(epoch):
    pathlib.Path(__file__).with_name("called").touch()
    return 0.5 ** epoch
'''


@pytest.fixture
def here(tmp_path, monkeypatch):
    """A working directory holding the watched module as ``watched.py``."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "watched.py").write_text(WATCHED)
    monkeypatch.syspath_prepend(str(tmp_path))
    forget_loaded_code()
    yield tmp_path
    forget_loaded_code()


def forget_loaded_code() -> None:
    """A fresh process's view: the watched module not imported, and no class lrviz loaded kept."""
    from lrviz import usercode
    from lrviz.catalog import custom

    sys.modules.pop("watched", None)
    custom._referenced.cache_clear()
    usercode._load_file.cache_clear()


def ran(here: Path) -> list[str]:
    return sorted(p.name for p in here.iterdir() if p.name in ("imported", "called"))


def write(here: Path, data: dict, name: str = "spec.yaml") -> str:
    (here / name).write_text(yaml.safe_dump(data))
    return name


def refused(spec, reference: str, **options) -> LrvizError:
    with pytest.raises(LrvizError) as caught:
        lrviz.simulate(spec, **options)
    error = caught.value
    assert error.field == "trust_code"
    assert str(error).startswith(f"trust_code is needed to run {reference}, named in ")
    return error


LAMBDA = {"type": "lambda", "lr_lambda": "watched:halve"}
CASES = {
    "module:function as lr_lambda": ({"scheduler": LAMBDA, "steps": 4}, "watched:halve"),
    "file.py:function as lr_lambda": ({"scheduler": {**LAMBDA, "lr_lambda": "watched.py:halve"}, "steps": 4},
                                      "watched.py:halve"),
    "one lr_lambda per group, listed": (
        {"scheduler": {**LAMBDA, "lr_lambda": ["0.9 ** epoch", "watched:halve"]}, "steps": 4,
         "optimizer": {"param_groups": [{"lr": 0.1}, {"lr": 0.01}]}}, "watched:halve"),
    "one lr_lambda per group, in one text": (
        {"scheduler": {**LAMBDA, "lr_lambda": "watched:halve,watched:halve"}, "steps": 4,
         "optimizer": {"param_groups": [{"lr": 0.1}, {"lr": 0.01}]}}, "watched:halve"),
    "a bracketed text": ({"scheduler": {**LAMBDA, "lr_lambda": "[watched:halve]"}, "steps": 4}, "watched:halve"),
    "file.py:Class as the type": ({"scheduler": {"type": "watched.py:ScaledStepLR", "period": 2}, "steps": 4},
                                  "watched.py:ScaledStepLR"),
    "module:Class as the type": ({"scheduler": {"type": "watched:ScaledStepLR", "period": 2}, "steps": 4},
                                 "watched:ScaledStepLR"),
    "a nested class": ({"scheduler": {"type": "sequential", "milestones": [2], "schedulers": [
        {"type": "constant", "factor": 1.0, "total_iters": 0}, {"type": "watched:ScaledStepLR", "period": 2}]},
        "steps": 4}, "watched:ScaledStepLR"),
    "a nested class written inline": ({"scheduler": {"type": "sequential", "milestones": [2],
                                                     "schedulers": "constant(factor=1.0),watched:ScaledStepLR(period=2)"},
                                       "steps": 4}, "watched:ScaledStepLR"),
    "a nested lr_lambda": ({"scheduler": {"type": "chained", "schedulers": [LAMBDA, {"type": "exp", "gamma": 0.9}]},
                            "steps": 4}, "watched:halve"),
    "an inline scheduler text": ({"scheduler": "lambda:lr_lambda=watched:halve", "steps": 4}, "watched:halve"),
    "several schedules": ({"schedules": [{"scheduler": {"type": "exp", "gamma": 0.9}}, {"scheduler": LAMBDA}],
                           "steps": 4}, "watched:halve"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_code_named_in_a_yaml_file_is_refused_and_never_runs(here, case):
    data, reference = CASES[case]
    path = write(here, data)
    specs = lrviz.load_yaml_specs(path)
    with pytest.raises(LrvizError, match=f"trust_code is needed to run {reference}, named in {path}:") as caught:
        for spec in specs:
            lrviz.simulate(spec)
    assert caught.value.field == "trust_code"
    assert ran(here) == []


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_trusted_yaml_file_runs_its_code(here, case):
    data, _ = CASES[case]
    traces = [lrviz.simulate(spec) for spec in lrviz.load_yaml_specs(write(here, data), trust_code=True)]
    assert "imported" in ran(here)
    assert all(np.isfinite(t.lrs).all() for t in traces)


def test_a_trusted_lr_lambda_is_torchs_lambdalr_with_that_function(here):
    (trace,) = [lrviz.simulate(s) for s in lrviz.load_yaml_specs(write(here, CASES["module:function as lr_lambda"][0]),
                                                                trust_code=True)]
    import watched

    assert np.array_equal(trace.lrs, torch_loop(lr_scheduler.LambdaLR, {"lr_lambda": watched.halve}, 4))
    assert ran(here) == ["called", "imported"]


def test_a_trusted_class_is_the_class_stepped_by_torch(here):
    data = CASES["file.py:Class as the type"][0]
    (spec,) = lrviz.load_yaml_specs(write(here, data), trust_code=True)
    assert np.array_equal(lrviz.simulate(spec).lrs, torch_loop(my_lr.ScaledStepLR, {"period": 2}, 4))


def test_trust_code_is_a_keyword_of_simulate(here):
    path = write(here, CASES["module:function as lr_lambda"][0])
    refused(path, "watched:halve")
    assert ran(here) == []
    assert lrviz.simulate(path, trust_code=True).lr.tolist() == [0.1 * 0.5 ** e for e in range(4)]


def test_code_loaded_on_trust_before_is_still_refused_from_a_file(here):
    lrviz.simulate("watched:ScaledStepLR:period=2", steps=3)  # typed: the user's own act
    assert ran(here) == ["imported"]
    data = CASES["module:Class as the type"][0]
    refused(lrviz.load_yaml_specs(write(here, data))[0], "watched:ScaledStepLR")


def test_references_typed_by_the_user_run(here):
    trace = lrviz.simulate("lambda:lr_lambda=watched:halve", steps=4)
    assert trace.lr.tolist() == [0.1 * 0.5 ** e for e in range(4)]
    assert lrviz.simulate("watched.py:ScaledStepLR:period=2", steps=4).lr.tolist() == [0.1, 0.1, 0.05, 0.05]


def test_set_on_a_yaml_file_is_part_of_the_file(here):
    path = write(here, {"scheduler": {"type": "lambda", "lr_lambda": "0.9 ** epoch"}, "steps": 3})
    refused(path, "watched:halve", set=["scheduler.lr_lambda=watched:halve"])
    assert ran(here) == []


def test_the_code_and_plan_paths_refuse_too(here):
    from lrviz.codegen import python_code
    from lrviz.plan.model import TrainingPlan
    from lrviz.plan.simulate import simulate_plan

    (lam,) = lrviz.load_yaml_specs(write(here, CASES["module:function as lr_lambda"][0], "a.yaml"))
    with pytest.raises(LrvizError, match="trust_code is needed to run watched:halve"):
        python_code(lam)
    (nested,) = lrviz.load_yaml_specs(write(here, CASES["a nested class written inline"][0], "b.yaml"))
    with pytest.raises(LrvizError, match="trust_code is needed to run watched:ScaledStepLR"):
        simulate_plan(nested, TrainingPlan(runner="loop", dataset_size=8, batch_size=2, epochs=1))
    assert ran(here) == []


def plateau_loop(metrics: list[float]) -> list[float]:
    """torch's ReduceLROnPlateau(patience=0) fed ``metrics``, one per step: the lr of each step."""
    import torch

    param = torch.nn.Parameter(torch.ones(2))
    optimizer = torch.optim.SGD([param], lr=0.1)
    scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, patience=0)
    lrs = [optimizer.param_groups[0]["lr"]]
    for metric in metrics:
        optimizer.step()
        scheduler.step(metric)
        lrs.append(optimizer.param_groups[0]["lr"])
    return lrs


def test_metrics_and_expressions_in_a_file_need_no_trust(here):
    (here / "log.csv").write_text("val_loss\n1.0\n1.0\n1.0\n")
    path = write(here, {"scheduler": {"type": "plateau", "patience": 0}, "metrics": "log.csv:val_loss",
                        "schedules": [{"name": "a"}], "lr": 0.1})
    assert lrviz.simulate(path).lr.tolist() == plateau_loop([1.0, 1.0, 1.0])
    path = write(here, {"scheduler": {"type": "lambda", "lr_lambda": "0.5 ** epoch"}, "steps": 3}, "expr.yaml")
    assert lrviz.simulate(path).lr.tolist() == [0.1, 0.05, 0.025]


def test_the_projects_configs_need_no_code():
    from lrviz.plan.run import simulate_run

    configs = sorted((ROOT / "configs").glob("*.yaml"))
    assert configs
    for config in configs:
        for spec in lrviz.load_yaml_specs(config):  # untrusted: code in them would be refused
            assert simulate_run(spec).steps >= 1  # as the gallery draws it (its training: section too)


def test_untrusted_text_survives_pickling_as_a_figure_worker_gets_it():
    from lrviz.usercode import Untrusted

    text = pickle.loads(pickle.dumps(Untrusted("watched:halve", "spec.yaml")))
    assert isinstance(text, Untrusted) and text.origin == "spec.yaml" and text == "watched:halve"


def test_os_exit_in_a_yaml_file_no_longer_ends_lrviz_silently(tmp_path):
    (tmp_path / "exit.yaml").write_text('scheduler: {type: lambda, lr_lambda: "os:_exit"}\nsteps: 3\n')
    run = subprocess.run([sys.executable, "-m", "lrviz", "table", "exit.yaml"], cwd=tmp_path, capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.strip().splitlines() == [
        "lrviz: error: --trust-code is needed to run os:_exit, named in exit.yaml: code named in a spec file runs "
        "only when you trust the file"]


def test_builtins_print_in_a_yaml_file_writes_nothing_into_the_table(cli, here):
    path = write(here, {"scheduler": {"type": "lambda", "lr_lambda": "builtins:print"}, "steps": 3})
    code, out, err = cli("table", path, "-o", "out.csv")
    assert code == 2 and out == "" and not (here / "out.csv").exists()
    assert err.strip().splitlines() == [f"lrviz: error: --trust-code is needed to run builtins:print, named in {path}: "
                                        f"code named in a spec file runs only when you trust the file"]


def test_trust_code_on_the_command_line_runs_the_files_code(cli, here):
    path = write(here, CASES["file.py:Class as the type"][0])
    code, _, err = cli("table", path)
    assert code == 2 and "--trust-code is needed to run watched.py:ScaledStepLR" in err and ran(here) == []
    code, out, err = cli("table", path, "--trust-code")
    assert code == 0, err
    lrs = [float(line.split(",")[1]) for line in out.strip().splitlines()[1:]]
    assert lrs == torch_loop(my_lr.ScaledStepLR, {"period": 2}, 4)[0].tolist()


def test_a_reference_typed_beside_an_untrusted_file_runs_and_the_file_is_refused(cli, here):
    path = write(here, CASES["module:function as lr_lambda"][0])
    code, out, err = cli("table", "lambda:lr_lambda=watched:halve", "--steps", 4)
    assert code == 0, err
    code, _, err = cli("compare", "lambda:lr_lambda=watched:halve", path, "--steps", 4, "--terminal")
    assert code == 2 and f"--trust-code is needed to run watched:halve, named in {path}" in err
