"""Hugging Face schedulers through lrviz equal ``transformers.get_scheduler``'s objects stepped by hand."""

from __future__ import annotations

import csv
import importlib.util

import numpy as np
import pytest
import torch

pytestmark = pytest.mark.skipif(importlib.util.find_spec("transformers") is None,
                                reason="transformers is not installed")

import lrviz  # noqa: E402
from lrviz.spec import ScheduleSpec, SchedulerSpec, inline_text  # noqa: E402

from conftest import torch_loop  # noqa: E402

#: get_scheduler's own arguments; everything else goes into scheduler_specific_kwargs
NAMED = ("num_warmup_steps", "num_training_steps")
CASES = [
    ("linear", {"num_warmup_steps": 10, "num_training_steps": 100}),
    ("linear", {"num_warmup_steps": 0, "num_training_steps": 50}),
    ("cosine", {"num_warmup_steps": 10, "num_training_steps": 100}),
    ("cosine", {"num_warmup_steps": 5, "num_training_steps": 60, "num_cycles": 1.5}),
    ("cosine_with_restarts", {"num_warmup_steps": 10, "num_training_steps": 100, "num_cycles": 3}),
    ("cosine_with_restarts", {"num_warmup_steps": 0, "num_training_steps": 40}),
    ("polynomial", {"num_warmup_steps": 10, "num_training_steps": 100, "lr_end": 1e-4, "power": 2.0}),
    ("polynomial", {"num_warmup_steps": 5, "num_training_steps": 50}),
    ("constant", {}),
    ("constant_with_warmup", {"num_warmup_steps": 10}),
    ("constant_with_warmup", {"num_warmup_steps": 0}),
    ("inverse_sqrt", {"num_warmup_steps": 10}),
    ("inverse_sqrt", {"num_warmup_steps": 5, "timescale": 20}),
    ("cosine_with_min_lr", {"num_warmup_steps": 10, "num_training_steps": 100, "min_lr": 1e-3}),
    ("cosine_with_min_lr", {"num_warmup_steps": 5, "num_training_steps": 50, "min_lr_rate": 0.1, "num_cycles": 1}),
    ("cosine_warmup_with_min_lr", {"num_warmup_steps": 10, "num_training_steps": 100, "min_lr_rate": 0.05,
                                   "warmup_lr_rate": 0.1}),
    ("cosine_warmup_with_min_lr", {"num_warmup_steps": 0, "num_training_steps": 30, "min_lr": 1e-3}),
    ("warmup_stable_decay", {"num_warmup_steps": 10, "num_decay_steps": 20, "num_training_steps": 100}),
    ("warmup_stable_decay", {"num_warmup_steps": 5, "num_stable_steps": 30, "num_decay_steps": 15,
                             "warmup_type": "cosine", "decay_type": "linear", "min_lr_ratio": 0.1}),
]
#: schedulers stepped with a metric: fed from ScheduleSpec.metrics
METRIC_CASES = [
    ("reduce_lr_on_plateau", {"factor": 0.5, "patience": 2}),
    ("reduce_lr_on_plateau", {"mode": "max", "factor": 0.1, "patience": 0, "cooldown": 2}),
    ("greedy", {"patience": 1, "cooldown": 0, "warmup": 0, "min_lr": 1e-4, "max_lr": 0.5}),
    ("greedy", {"factor": 0.8, "patience": 2, "smooth": True, "window_size": 3, "min_lr": 1e-3}),
]
METRICS = [1.0, 0.9, 0.9, 0.95, 0.9, 0.8, 0.85, 0.85, 0.9, 0.7, 0.7, 0.7, 0.71, 0.72, 0.6, 0.6, 0.6, 0.6, 0.5]


def get_scheduler(name: str):
    """A scheduler class-like for torch_loop: ``transformers.get_scheduler`` with its arguments split as it wants."""
    from transformers import get_scheduler as hf_get_scheduler

    def make(optimizer, **kwargs):
        named = {k: kwargs.pop(k) for k in NAMED if k in kwargs}
        return hf_get_scheduler(name, optimizer, **named, scheduler_specific_kwargs=kwargs or None)

    return make


def test_every_get_scheduler_name_is_known_and_tested():
    from transformers.optimization import TYPE_TO_SCHEDULER_FUNCTION

    from lrviz.catalog.sources.hf_source import schedulers

    names = {f"hf:{kind.value}" for kind in TYPE_TO_SCHEDULER_FUNCTION}
    assert set(schedulers()) == names
    assert {f"hf:{name}" for name, _ in CASES + METRIC_CASES} == names


@pytest.mark.parametrize("lr", [0.1, 3e-4])
@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_inline_equals_get_scheduler_loop(name, kwargs, lr):
    trace = lrviz.simulate(inline_text(SchedulerSpec(f"hf:{name}", kwargs)), steps=120, lr=lr)
    expected = torch_loop(get_scheduler(name), dict(kwargs), 120, lr=lr)[0]
    assert np.array_equal(trace.lr, expected)


@pytest.mark.parametrize(("name", "kwargs"), METRIC_CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(METRIC_CASES)])
def test_metric_driven_schedulers_get_the_metrics(name, kwargs):
    spec = ScheduleSpec(SchedulerSpec(f"hf:{name}", dict(kwargs)), label=name, metrics=METRICS)
    trace = lrviz.simulate(spec)
    param = torch.nn.Parameter(torch.ones(2))
    optimizer = torch.optim.SGD([param], lr=0.1)
    scheduler = get_scheduler(name)(optimizer, **kwargs)
    expected = []
    for metric in [*METRICS, None]:
        expected.append(optimizer.param_groups[0]["lr"])
        if metric is not None:
            param.grad = torch.full_like(param, 0.1)
            optimizer.step()
            scheduler.step(metric)
    assert trace.lr.tolist() == expected
    assert len(set(expected)) > 1


@pytest.mark.parametrize(("spec", "rows"), [
    ("hf:linear:num_warmup_steps=10,num_training_steps=100", 100),
    ("hf:cosine:num_warmup_steps=0,num_training_steps=37", 37),
    ("hf:warmup_stable_decay:num_warmup_steps=5,num_stable_steps=30,num_decay_steps=15", 50),
    ("hf:constant_with_warmup:num_warmup_steps=10", 100),
])
def test_default_horizon_is_num_training_steps(spec, rows):
    assert lrviz.simulate(spec).steps == rows


def test_flags_and_yaml_spell_the_same_schedule(cli, tmp_path):
    args = ["--sched", "hf:cosine_with_min_lr", "--num_warmup_steps", "5", "--num_training_steps", "40",
            "--min_lr", "1e-4"]
    code, by_flags, err = cli("table", *args)
    assert code == 0, err
    path = tmp_path / "hf.yaml"
    path.write_text("scheduler: {type: hf:cosine_with_min_lr, num_warmup_steps: 5, num_training_steps: 40, min_lr: 1e-4}\n")
    code, by_yaml, err = cli("table", path)
    assert code == 0, err
    assert by_flags == by_yaml
    expected = torch_loop(get_scheduler("cosine_with_min_lr"),
                          {"num_warmup_steps": 5, "num_training_steps": 40, "min_lr": 1e-4}, 40)[0]
    assert [float(line.split(",")[1]) for line in by_yaml.splitlines()[1:]] == expected.tolist()


def test_hf_errors_are_one_line(cli):
    code, out, err = cli("table", "hf:linear:num_warmup_steps=10")
    assert code == 2 and out == ""
    assert err == "lrviz: error: hf:linear needs num_training_steps (arguments: num_warmup_steps, num_training_steps, last_epoch=-1)\n"
    code, _, err = cli("table", "hf:constant:num_warmup_steps=10")
    assert code == 2 and "unknown argument 'num_warmup_steps' for hf:constant" in err
    code, _, err = cli("table", "hf:cosin:num_warmup_steps=1,num_training_steps=10")
    assert code == 2 and err.count("\n") == 1 and "did you mean 'hf:cosine'?" in err


def test_peer_and_torch_side_by_side(cli):
    """The numbers behind `lrviz compare hf:linear:... cosine:T_max=100`: one column each, each exact."""
    hf_spec = "hf:linear:num_warmup_steps=10,num_training_steps=100"
    code, out, err = cli("table", hf_spec, "cosine:T_max=100", "--steps", "100")
    assert code == 0, err
    header, *rows = csv.reader(out.strip().splitlines())
    assert header == ["step", hf_spec, "cosine:T_max=100"] and len(rows) == 100
    columns = np.array([[float(v) for v in row[1:]] for row in rows]).T
    linear = {"num_warmup_steps": 10, "num_training_steps": 100}
    assert np.array_equal(columns[0], torch_loop(get_scheduler("linear"), linear, 100)[0])
    assert np.array_equal(columns[1], torch_loop(torch.optim.lr_scheduler.CosineAnnealingLR, {"T_max": 100}, 100)[0])
