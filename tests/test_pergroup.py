"""One value per param group wherever torch takes one: every spec form, against torch built by hand."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import yaml
from torch.optim import lr_scheduler as L

import lrviz
from conftest import torch_loop
from lrviz.errors import LrvizError
from lrviz.catalog.sources.torch_source import schedulers
from lrviz.simulation.pergroup import per_group_args
from lrviz.simulation.record import simulate_spec
from lrviz.spec import load_yaml_specs, specs_from_tokens

#: what torch 2.13's constructors hand to _format_param or check against len(optimizer.param_groups)
TORCH_PER_GROUP = {
    "LambdaLR": {"lr_lambda"},
    "MultiplicativeLR": {"lr_lambda"},
    "ReduceLROnPlateau": {"min_lr"},
    "CyclicLR": {"base_lr", "max_lr", "base_momentum", "max_momentum"},
    "OneCycleLR": {"max_lr", "base_momentum", "max_momentum"},
}
#: a value of each per-group argument, for the probes below
SAMPLES = {"lr_lambda": lambda e: 0.9 ** e, "min_lr": 0.001, "base_lr": 0.01, "max_lr": 0.1,
           "base_momentum": 0.8, "max_momentum": 0.9}
REQUIRED = {"CyclicLR": {"base_lr": 0.01, "max_lr": 0.1}, "OneCycleLR": {"max_lr": 0.1, "total_steps": 10}}
GROUPS = [{"lr": 0.1}, {"lr": 0.01}, {"lr": 0.05}]


def optimizer(groups, cls=torch.optim.SGD, **kwargs):
    return cls([{"params": [torch.nn.Parameter(torch.ones(1))], **g} for g in groups], lr=0.1, **kwargs)


def momenta_loop(make, steps: int, groups: list[dict], key: str = "momentum", **opt_kwargs) -> np.ndarray:
    """momentum (or betas[0]) of each group at each step of a plain loop, as torch_loop reads the lr."""
    opt = optimizer(groups, **opt_kwargs)
    sched = make(opt)
    out = np.empty((len(groups), steps))
    for t in range(steps):
        out[:, t] = [g[key] if key == "momentum" else g[key][0] for g in opt.param_groups]
        opt.step()
        if t + 1 < steps:
            sched.step()
    return out


def test_detection_finds_exactly_what_torch_formats_per_group():
    found = {name: set(per_group_args(s.target)) for name, s in schedulers().items() if per_group_args(s.target)}
    assert found == TORCH_PER_GROUP


@pytest.mark.parametrize(("name", "arg"), [(n, a) for n, args in TORCH_PER_GROUP.items() for a in sorted(args)])
def test_torch_really_takes_each_detected_argument_per_group(name, arg):
    """The detection is about behaviour: torch accepts one value per group and refuses a list of another length."""
    cls = getattr(L, name)
    kwargs = dict(REQUIRED.get(name, {}))
    opt = optimizer(GROUPS[:2], momentum=0.9)
    cls(opt, **{**kwargs, arg: [SAMPLES[arg]] * 2})
    with pytest.raises(ValueError):
        cls(optimizer(GROUPS[:2], momentum=0.9), **{**kwargs, arg: [SAMPLES[arg]] * 3})


CYCLIC = {"base_lr": [0.01, 0.001, 0.005], "max_lr": [0.1, 0.01, 0.05], "step_size_up": 4,
          "base_momentum": [0.8, 0.85, 0.7], "max_momentum": [0.9, 0.95, 0.99]}


def cyclic_by_hand(opt):
    return L.CyclicLR(opt, **CYCLIC)


def yaml_spec(tmp_path, scheduler: dict, groups=GROUPS, steps: int = 20, **extra) -> str:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump({"steps": steps, "scheduler": scheduler,
                                    "optimizer": {"type": "sgd", "momentum": 0.9, "param_groups": groups, **extra}}))
    return str(path)


def test_cyclic_per_group_lr_and_momentum_from_yaml(tmp_path):
    trace = lrviz.simulate(yaml_spec(tmp_path, {"type": "cyclic", **CYCLIC}))
    assert np.array_equal(trace.lrs, torch_loop(L.CyclicLR, CYCLIC, 20, groups=GROUPS, optimizer_kwargs={"momentum": 0.9}))
    assert np.array_equal(trace.momenta, momenta_loop(cyclic_by_hand, 20, GROUPS, momentum=0.9))


def test_yaml_1_1_strings_in_a_per_group_list_are_floats(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text("steps: 9\noptimizer: {param_groups: [{lr: 0.1}, {lr: 0.01}]}\n"
                    "scheduler: {type: cyclic, base_lr: [1e-3, 1e-4], max_lr: [1e-2, 1e-3], step_size_up: 3}\n")
    trace = lrviz.simulate(str(path))
    expected = torch_loop(L.CyclicLR, {"base_lr": [1e-3, 1e-4], "max_lr": [1e-2, 1e-3], "step_size_up": 3}, 9,
                          groups=[{"lr": 0.1}, {"lr": 0.01}])
    assert np.array_equal(trace.lrs, expected)


def with_groups(spec, groups=GROUPS):
    return spec.with_overrides(param_groups=groups, optimizer_args={"momentum": 0.9}, steps=20)


def test_cyclic_per_group_from_inline_and_flags():
    inline = "cyclic:base_lr=[0.01,0.001,0.005],max_lr=[0.1,0.01,0.05],step_size_up=4," \
             "base_momentum=[0.8,0.85,0.7],max_momentum=[0.9,0.95,0.99]"
    flags = ["--base_lr", "0.01,0.001,0.005", "--max_lr", "0.1,0.01,0.05", "--step_size_up", "4",
             "--base_momentum", "0.8,0.85,0.7", "--max_momentum", "0.9,0.95,0.99"]
    expected = momenta_loop(cyclic_by_hand, 20, GROUPS, momentum=0.9)
    for spec in (specs_from_tokens([inline])[0], specs_from_tokens(flags, sched="cyclic")[0]):
        trace = simulate_spec(with_groups(spec))
        assert np.array_equal(trace.momenta, expected)
        assert np.array_equal(trace.lrs, torch_loop(L.CyclicLR, CYCLIC, 20, groups=GROUPS,
                                                    optimizer_kwargs={"momentum": 0.9}))


def test_set_override_gives_a_per_group_list(tmp_path):
    path = yaml_spec(tmp_path, {"type": "cyclic", **CYCLIC, "base_momentum": 0.8})
    (spec,) = load_yaml_specs(path, ["scheduler.base_momentum=[0.8,0.85,0.7]"])
    assert np.array_equal(simulate_spec(spec).momenta, momenta_loop(cyclic_by_hand, 20, GROUPS, momentum=0.9))


ONECYCLE = {"max_lr": [0.1, 0.02], "total_steps": 30, "base_momentum": [0.85, 0.8], "max_momentum": [0.95, 0.9]}


@pytest.mark.parametrize("opt", ["sgd", "adamw"])
def test_onecycle_per_group_max_lr_and_momentum(tmp_path, opt):
    groups = GROUPS[:2]
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump({"scheduler": {"type": "onecycle", **ONECYCLE},
                                    "optimizer": {"type": opt, "param_groups": groups,
                                                  **({"momentum": 0.9} if opt == "sgd" else {})}}))
    trace = lrviz.simulate(str(path))
    cls, kwargs, key = ((torch.optim.SGD, {"momentum": 0.9}, "momentum") if opt == "sgd"
                        else (torch.optim.AdamW, {}, "betas"))
    assert np.array_equal(trace.lrs, torch_loop(L.OneCycleLR, ONECYCLE, 30, groups=groups, optimizer=cls,
                                                optimizer_kwargs=kwargs))
    assert np.array_equal(trace.momenta, momenta_loop(lambda o: L.OneCycleLR(o, **ONECYCLE), 30, groups, key,
                                                      cls=cls, **kwargs))


@pytest.mark.parametrize(("scheduler", "arg"), [
    ({"type": "cyclic", "base_lr": 0.01, "max_lr": 0.1, "base_momentum": [0.8, 0.8, 0.8]}, "base_momentum"),
    ({"type": "cyclic", "base_lr": [0.01], "max_lr": 0.1}, "base_lr"),
    ({"type": "onecycle", "max_lr": [0.1, 0.1, 0.1], "total_steps": 10}, "max_lr"),
    ({"type": "onecycle", "max_lr": 0.1, "total_steps": 10, "max_momentum": [0.9]}, "max_momentum"),
    ({"type": "plateau", "min_lr": [0.1, 0.1, 0.1], "metrics": [1, 2]}, "min_lr"),
    ({"type": "lambda", "lr_lambda": ["0.9 ** epoch"] * 3}, "lr_lambda"),
    ({"type": "multiplicative", "lr_lambda": ["0.9"]}, "lr_lambda"),
    ({"type": "chained", "schedulers": [{"type": "exp", "gamma": 0.9},
                                        {"type": "lambda", "lr_lambda": ["1.0"] * 3}]}, "lr_lambda"),
])
def test_a_list_of_another_length_is_one_line_naming_the_argument_and_the_groups(cli, tmp_path, scheduler, arg):
    code, out, err = cli("table", yaml_spec(tmp_path, scheduler, GROUPS[:2]))
    assert code == 2 and out == ""
    (line,) = err.strip().splitlines()
    assert f": {arg} has " in line and "the optimizer has 2 param groups" in line


def test_a_wrong_length_with_one_group_says_one_group(cli):
    code, _, err = cli("table", "cyclic:base_lr=0.01,max_lr=0.1,base_momentum=[0.8,0.85]")
    assert code == 2
    assert err.strip() == ("lrviz: error: CyclicLR: base_momentum has 2 values, but it takes one per param group "
                           "and the optimizer has 1 param group")


def test_a_bad_item_in_a_per_group_list_is_named(cli):
    code, _, err = cli("table", "--sched", "cyclic", "--base_lr", "0.01", "--max_lr", "0.1", "--base_momentum", "0.8,x")
    assert code == 2 and "base_momentum[1] must be a number, got 'x'" in err


@pytest.mark.parametrize(("scheduler", "message"), [
    ({"type": "cyclic", "base_lr": [0.01, 0.2], "max_lr": [0.1, 0.1]}, "base_lr (0.2) must not exceed max_lr (0.1) in param group 1"),
    ({"type": "cyclic", "base_lr": 0.01, "max_lr": 0.1, "max_momentum": [0.9, 0.7]},
     "base_momentum (0.8) must not exceed max_momentum (0.7) in param group 1"),  # torch's default base_momentum
    ({"type": "onecycle", "max_lr": 0.1, "total_steps": 9, "base_momentum": [0.99, 0.8]},
     "base_momentum (0.99) must not exceed max_momentum (0.95) in param group 0"),
])
def test_bounds_are_checked_group_by_group(tmp_path, scheduler, message):
    with pytest.raises(LrvizError, match=message.replace("(", r"\(").replace(")", r"\)")):
        lrviz.simulate(yaml_spec(tmp_path, scheduler, GROUPS[:2]))


def test_per_group_bounds_that_hold_group_by_group_are_accepted(tmp_path):
    """Group 1's base_momentum (0.9) is above group 0's max_momentum (0.85): that is no contradiction."""
    scheduler = {"base_lr": [0.01, 0.001], "max_lr": [0.1, 0.01], "step_size_up": 3,
                 "base_momentum": [0.8, 0.9], "max_momentum": [0.85, 0.95]}
    trace = lrviz.simulate(yaml_spec(tmp_path, {"type": "cyclic", **scheduler}, GROUPS[:2], steps=10))
    assert np.array_equal(trace.momenta, momenta_loop(lambda o: L.CyclicLR(o, **scheduler), 10, GROUPS[:2], momentum=0.9))
