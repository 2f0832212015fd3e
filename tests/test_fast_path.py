"""The fast path is exact: on lrviz's dummy optimizer every scheduler gives the numbers torch's real
optimizer gives in a real training loop (a parameter with gradients, optimizer.step() before each
scheduler step), for every scheduler lrviz knows (torch's, composites, metric-driven, momentum
cycling, timm's and Hugging Face's when installed) and every optimizer it offers."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

import lrviz
from lrviz.simulation import optimizers
from lrviz.simulation.build import OPTIMIZERS, build
from lrviz.catalog import all_facts
from lrviz.catalog.examples import example_spec
from lrviz.simulation.optimizers import dummy_optimizer_class
from lrviz.spec import specs_from_tokens

EXAMPLES = {entry.name: example_spec(entry) for entry in all_facts()}
TWO_GROUPS = [{"lr": 0.1}, {"lr": 0.02}]


def tutorial_loop(spec, monkeypatch) -> tuple[np.ndarray, np.ndarray]:
    """``spec`` built on torch's real optimizer and stepped like training: lr and momentum per group and step."""
    with monkeypatch.context() as patch:
        patch.setattr(optimizers, "dummy_optimizer_class", lambda name: getattr(torch.optim, name))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            built = build(spec)
            groups = built.optimizer.param_groups
            lrs, momenta = np.empty((2, len(groups), built.steps))
            for t in range(built.steps):
                lrs[:, t] = [g["lr"] for g in groups]
                momenta[:, t] = [g["momentum"] if "momentum" in g else g["betas"][0] for g in groups]
                for group in groups:
                    for p in group["params"]:
                        p.grad = torch.full_like(p, 0.1)
                built.optimizer.step()
                if t + 1 < built.steps:
                    built.advance(t)
    assert type(built.optimizer) is getattr(torch.optim, OPTIMIZERS[spec.optimizer])
    return lrs, momenta


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_scheduler_on_every_optimizer_equals_the_real_loop(name, optimizer, monkeypatch):
    spec = specs_from_tokens([EXAMPLES[name]])[0].with_overrides(optimizer=optimizer)
    trace = lrviz.simulate(spec)
    lrs, momenta = tutorial_loop(trace.spec, monkeypatch)
    assert np.array_equal(trace.lrs, lrs)
    assert np.array_equal(trace.momenta, momenta)


@pytest.mark.parametrize("name", ["CyclicLR", "OneCycleLR", "LambdaLR", "SequentialLR", "ReduceLROnPlateau"])
def test_several_param_groups_equal_the_real_loop(name, monkeypatch):
    spec = dataclasses.replace(specs_from_tokens([EXAMPLES[name]])[0], param_groups=TWO_GROUPS)
    trace = lrviz.simulate(spec)
    assert trace.groups == 2
    lrs, momenta = tutorial_loop(trace.spec, monkeypatch)
    assert np.array_equal(trace.lrs, lrs) and np.array_equal(trace.momenta, momenta)


@pytest.mark.parametrize(("name", "kwargs"), [
    ("SGD", {}),
    ("SGD", {"momentum": 0.9, "nesterov": True, "weight_decay": 1e-4}),
    ("Adam", {}),
    ("Adam", {"betas": (0.8, 0.99), "amsgrad": True}),
    ("AdamW", {"weight_decay": 0.05}),
])
def test_the_dummy_optimizer_holds_what_the_real_one_holds(name, kwargs):
    """Same class hierarchy, defaults and param_group keys, before and after a step without gradients."""
    def groups():
        return [{"params": [torch.zeros(1, requires_grad=True)]}, {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.01}]

    def plain(opt):
        return opt.defaults, [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]

    real, dummy = getattr(torch.optim, name)(groups(), lr=0.1, **kwargs), dummy_optimizer_class(name)(groups(), lr=0.1, **kwargs)
    assert isinstance(dummy, getattr(torch.optim, name))
    assert plain(dummy) == plain(real)
    real.step()
    dummy.step()
    assert plain(dummy) == plain(real)


def test_the_dummy_optimizer_refuses_what_torch_refuses():
    with pytest.raises(ValueError, match="Invalid learning rate"):
        dummy_optimizer_class("SGD")([torch.zeros(1, requires_grad=True)], lr=-1.0)


def test_simulating_imports_no_torch_dynamo():
    """The cost the dummy optimizer avoids: torch._dynamo (1-2 s) stays unimported for every torch
    and timm scheduler. (transformers imports it itself.)"""
    names = [name for name in EXAMPLES if not name.startswith("hf:")]
    code = (
        "import sys, lrviz, lrviz.spec\n"
        f"for spec in {[EXAMPLES[n] for n in names]!r}:\n"
        "    for optimizer in ('sgd', 'adam', 'adamw'):\n"
        "        lrviz.simulate(lrviz.spec.specs_from_tokens([spec])[0].with_overrides(optimizer=optimizer))\n"
        "print(sorted(m for m in sys.modules if m.startswith('torch._dynamo')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_torch_is_imported_without_collector_passes_and_its_objects_frozen():
    code = ("import gc, sys, lrviz, lrviz.startup\n"
            "lrviz.startup.enable_cli_tricks()\n"
            "lrviz.simulate('cosine:T_max=5')\n"
            "print(gc.isenabled(), gc.get_freeze_count() > 100_000, 'torch' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True", "True"]
