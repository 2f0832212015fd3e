"""`lrviz code` prints plain torch that, run as it is, records exactly the values `lrviz table` prints."""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import io
import os
import re
import subprocess
import sys
import types
import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml

from conftest import with_peers
from lrviz.codegen import python_code
from lrviz.errors import LrvizError
from lrviz.spec import load_yaml_specs
from lrviz.trace.units import in_unit

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = sorted((ROOT / "configs").glob("*.yaml"))


@contextlib.contextmanager
def timm_importable():
    """``from timm.scheduler import X`` working as it does where timm imports: here timm's package
    ``__init__`` fails (torchvision is broken), so the snippet gets lrviz's stub-loaded ``timm.scheduler``."""
    from lrviz.catalog.sources.timm_source import scheduler_module

    module = scheduler_module()
    package = types.ModuleType("timm")
    package.scheduler = module
    saved = {name: sys.modules.pop(name, None) for name in ("timm", "timm.scheduler")}
    sys.modules.update({"timm": package, "timm.scheduler": module})
    try:
        yield
    finally:
        for name, previous in saved.items():
            sys.modules.pop(name, None)
            if previous is not None:
                sys.modules[name] = previous


def run_snippet(code: str) -> np.ndarray:
    """Execute the snippet on its own; its ``lrs`` as (groups, steps)."""
    namespace: dict = {}
    with warnings.catch_warnings(), (timm_importable() if "from timm.scheduler" in code else contextlib.nullcontext()):
        # torch's own false alarm when SequentialLR starts a nested ChainedScheduler at construction
        warnings.filterwarnings("ignore", re.escape("Detected call of `lr_scheduler.step()` before `optimizer.step()`"))
        warnings.filterwarnings("ignore", "PlateauLRScheduler is deprecated", FutureWarning)  # timm's own notice
        exec(compile(code, "<lrviz code>", "exec"), namespace)  # noqa: S102 - the snippet under test
    return np.array(namespace["lrs"]).T


def table_columns(stdout: str) -> np.ndarray:
    rows = list(csv.reader(io.StringIO(stdout)))[1:]
    return np.array([[float(v) for v in row[1:]] for row in rows]).T


#: iterations a snippet of a long per-epoch schedule runs in this test (it records every iteration)
MAX_ITERATIONS = 20_000


def column_lists(stdout: str) -> list[list[float]]:
    """Each column of a CSV table, without the empty cells a shorter schedule leaves at its end."""
    rows = list(csv.reader(io.StringIO(stdout)))[1:]
    return [[float(row[c]) for row in rows if row[c]] for c in range(1, len(rows[0]))]


@pytest.mark.parametrize("config", with_peers(CONFIGS, lambda p: p.read_text()), ids=lambda p: p.stem)
def test_every_config_snippet_gives_the_table(cli, config):
    specs = load_yaml_specs(config)
    if any(s.training for s in specs):  # a training run: its runner, not a plain loop, steps the scheduler
        code, out, err = cli("code", config, "--label", specs[0].label, *["--label", "x"] * (len(specs) - 1))
        assert code == 2 and ("lrviz code writes a plain training loop" in err or "writes one schedule" in err)
        with pytest.raises(LrvizError, match="lrviz code writes a plain training loop; a training plan's runner"):
            python_code(specs[0])
        return
    code_args, table_args = [], []
    per_epoch = [s for s in specs if s.interval == "epoch" and not s.scheduler.type.startswith("timm:")]
    if per_epoch:  # a torch snippet stepped per epoch records every iteration: the table per step, first epochs only
        epochs = min(s.steps or MAX_ITERATIONS for s in per_epoch)
        epochs = min(epochs, MAX_ITERATIONS // max(s.steps_per_epoch or 1 for s in per_epoch))
        code_args, table_args = ["--steps", epochs], ["--steps", epochs, "--unit", "step"]
    code, table, err = cli("table", config, *table_args)
    assert code == 0, err
    if len(specs) == 1:
        code, snippet, err = cli("code", config, *code_args)
        assert code == 0, err
        snippets = [snippet]
    else:
        assert not per_epoch, "a multi-schedule config stepped per epoch needs --steps per schedule here"
        snippets = [python_code(spec) for spec in specs]
    recorded = [column for s in snippets for column in run_snippet(s).tolist()]
    assert recorded == column_lists(table)


INLINE = [
    ["sequential:schedulers=[linear(start_factor=0.01,total_iters=5),cosine(T_max=95,eta_min=1e-5)],milestones=[5]"],
    ["chained:schedulers=[exp(gamma=0.97),step(step_size=10,gamma=0.5)]", "--steps", "60"],
    ["sequential:schedulers=[chained(schedulers=[exp(gamma=0.9),multistep(milestones=[5,9])]),"
     "constant(factor=0.5,total_iters=3)],milestones=[12]", "--steps", "20"],
    ["lambda:lr_lambda=0.5 ** (epoch // 3)", "--steps", "12"],
    ["lambda:lr_lambda=min(1, (step + 1) / 5) * cos(pi * step / 40) ** 2", "--steps", "40"],
    ["multiplicative:lr_lambda=0.9 if epoch < 5 else 1.0", "--steps", "12"],
    ["lambda:lr_lambda=0.5 ** (epoch // 3),last_epoch=4", "--steps", "6"],  # seed 000: resumed
    ["plateau:factor=0.5,patience=2,metrics=[1,0.9,0.9,0.9,0.9,0.8,0.8,0.8,0.8]"],
    ["plateau:factor=0.1,patience=3,mode=min,metrics=max(exp(-step / 8), 0.3) + 0.05 * noise", "--steps", "50"],
    ["onecycle:max_lr=0.1,total_steps=100", "--optimizer", "adamw"],
    ["cyclic:base_lr=0.01,max_lr=0.1,step_size_up=5,mode=exp_range,gamma=0.99", "--steps", "30"],
    ["onecycle:max_lr=0.1,total_steps=50,last_epoch=19", "--steps", "30"],
    ["hf:cosine_with_restarts:num_warmup_steps=5,num_training_steps=60,num_cycles=2"],
    ["tests/fixtures/my_lr.py:MyLR", "--steps", "25"],  # seed 001's class
]
#: timm schedulers, stepped as train.py steps them: rows are updates, or epochs with --interval epoch
TIMM_INLINE = [
    ["timm:cosine:t_initial=10,warmup_t=2,warmup_lr_init=1e-4,cycle_limit=3,cycle_decay=0.5", "--steps", "35"],
    ["timm:cosine:t_initial=4,warmup_t=1,warmup_lr_init=1e-4", "--steps", "23", "--steps-per-epoch", "5"],
    ["timm:cosine:t_initial=60,warmup_t=6,warmup_lr_init=1e-5,t_in_epochs=false", "--steps-per-epoch", "6"],
    ["timm:cosine:t_initial=6,warmup_t=1,warmup_lr_init=1e-5,t_in_epochs=false", "--steps-per-epoch", "4",
     "--interval", "epoch"],
    ["timm:step:decay_t=3,decay_rate=0.5,warmup_t=2,warmup_lr_init=1e-5", "--steps", "20", "--interval", "epoch",
     "--steps-per-epoch", "3"],
    ["timm:multistep:decay_t=[5,12],decay_rate=0.2", "--steps", "40", "--steps-per-epoch", "2"],
    ["timm:tanh:t_initial=20,warmup_t=3,warmup_lr_init=1e-3,noise_range_t=[5,15],noise_pct=0.2"],
    ["timm:poly:t_initial=20,power=2.0,lr_min=1e-4"],
    ["timm:wsd:t_initial=30,decay_t=10,warmup_t=5,warmup_lr_init=1e-4"],
    ["timm:plateau:patience_t=2,decay_rate=0.5,metrics=[1,0.9,0.9,0.9,0.9,0.8,0.8,0.8,0.8,0.8]"],
    ["timm:plateau:patience_t=1,decay_rate=0.5,metrics=max(exp(-step / 4), 0.4) + 0.01 * noise",
     "--steps", "12", "--interval", "epoch", "--steps-per-epoch", "3"],
]


@pytest.mark.parametrize("args", with_peers(INLINE), ids=lambda a: a[0].split(":")[0] + str(len(a[0])))
def test_inline_snippets_give_the_table(cli, args, monkeypatch):
    monkeypatch.chdir(ROOT)
    if args[0].startswith("tests/"):
        args = ["--sched", *args]
    code, snippet, err = cli("code", *args)
    assert code == 0, err
    code, table, err = cli("table", *args)
    assert code == 0, err
    assert np.array_equal(run_snippet(snippet), table_columns(table))


@pytest.mark.parametrize("args", with_peers(TIMM_INLINE), ids=lambda a: a[0].split(":")[1] + str(len(" ".join(a))))
def test_timm_snippets_give_the_table(cli, args):
    code, snippet, err = cli("code", *args)
    assert code == 0, err
    assert f"from timm.scheduler import {snippet.split('scheduler = ')[1].split('(')[0]}" in snippet
    assert "scheduler.step_update(num_updates=num_updates" in snippet
    code, table, err = cli("table", *args)
    assert code == 0, err
    assert np.array_equal(run_snippet(snippet), table_columns(table))


@pytest.mark.skipif(not importlib.util.find_spec("timm"), reason="timm is not installed")
def test_timm_snippet_runs_as_a_standalone_script(cli, tmp_path):
    """The snippet as a script; a preamble stands in for ``import timm`` here (see timm_importable)."""
    args = ["timm:cosine:t_initial=5,warmup_t=1,warmup_lr_init=1e-4", "--steps-per-epoch", "3", "--steps", "14"]
    _, snippet, _ = cli("code", *args)
    preamble = ("import sys, types\nfrom lrviz.catalog.sources.timm_source import scheduler_module\n"
                "module = scheduler_module()\nsys.modules['timm'] = types.ModuleType('timm')\n"
                "sys.modules['timm.scheduler'] = sys.modules['timm'].scheduler = module\n")
    script = tmp_path / "train.py"
    script.write_text(preamble + snippet + "\nprint(repr([lr for (lr,) in lrs]))\n")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    _, table, _ = cli("table", *args)
    assert eval(result.stdout) == table_columns(table)[0].tolist()  # noqa: S307 - a list of floats we printed


def test_param_groups_and_a_lambda_per_group(cli, tmp_path):
    spec = tmp_path / "groups.yaml"
    spec.write_text(yaml.safe_dump({
        "steps": 15,
        "optimizer": {"type": "sgd", "momentum": 0.9, "param_groups": [{"lr": 0.1}, {"lr": 0.01, "momentum": 0.5}]},
        "scheduler": {"type": "lambda", "lr_lambda": ["0.9 ** epoch", "1 / (1 + epoch)"]},
    }))
    code, snippet, err = cli("code", spec)
    assert code == 0, err
    assert '"params": [torch.nn.Parameter(torch.zeros(1))], \'lr\': 0.01, \'momentum\': 0.5}' in snippet
    _, table, _ = cli("table", spec)
    assert np.array_equal(run_snippet(snippet), table_columns(table))


def test_per_epoch_schedule_snippet_loops_over_batches(tmp_path):
    spec = tmp_path / "epochs.yaml"
    spec.write_text("steps: 8\ninterval: epoch\nsteps_per_epoch: 3\nscheduler: {type: step, step_size: 2, gamma: 0.5}\n")
    (only,) = load_yaml_specs(spec)
    snippet = python_code(only)
    assert "for batch in range(3):" in snippet and "scheduler.step()  # once per epoch" in snippet
    import lrviz

    assert np.array_equal(run_snippet(snippet), in_unit(lrviz.simulate(str(spec)), "step").lrs)


def test_snippet_runs_as_a_standalone_script(cli, tmp_path):
    _, snippet, _ = cli("code", "sequential:schedulers=[linear(start_factor=0.1,total_iters=3),exp(gamma=0.9)],milestones=[3]",
                        "--steps", "10")
    script = tmp_path / "train.py"
    script.write_text(snippet + "\nprint(repr([lr for (lr,) in lrs]))\n")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    _, table, _ = cli("table", "sequential:schedulers=[linear(start_factor=0.1,total_iters=3),exp(gamma=0.9)],milestones=[3]",
                      "--steps", "10")
    assert eval(result.stdout) == table_columns(table)[0].tolist()  # noqa: S307 - a list of floats we printed


def test_code_takes_one_schedule(cli):
    code, out, err = cli("code", "cosine:T_max=10", "step:step_size=3")
    assert code == 2 and out == ""
    assert "lrviz code writes one schedule, got 2" in err
