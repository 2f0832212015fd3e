"""The Python API is the command line: every spec option of ``lrviz plot`` is a keyword of
``lrviz.simulate`` and ``lrviz.compare`` and changes the result as the flag does (checked against
``lrviz table`` through CliRunner); every spec form the command line takes works, and so do the
Python values it cannot take (dicts, functions, scheduler factories), checked against torch built by hand."""

from __future__ import annotations

import csv
import importlib.util
import inspect
import io
import json
import re

import numpy as np
import pytest
import yaml
from torch.optim import Adam, lr_scheduler

import lrviz
from conftest import torch_loop
from lrviz.api import SpecKeywords
from lrviz.errors import LrvizError
from lrviz.plan.simulate import RunTrace
from lrviz.spec import SpecOptions

PLOT_FLAGS = ["--" + name.replace("_", "-") for name in SpecOptions.names()]


def table_columns(cli, *args, momentum: bool = True) -> dict[str, list]:
    """``lrviz table ARGS [--momentum]`` as columns: the row numbers, then one list of floats per column (None for a blank)."""
    code, out, err = cli("table", *args, *(["--momentum"] if momentum else []), "-o", "-")
    assert code == 0, err
    header, *rows = list(csv.reader(io.StringIO(out)))
    return {name: [(float(r[i]) if r[i] else None) if i else int(r[i]) for r in rows] for i, name in enumerate(header)}


def api_columns(traces) -> dict[str, list]:
    """The same columns from the API's traces (Trace.to_dict for one; Comparison.to_pandas for several)."""
    if isinstance(traces, lrviz.Trace):
        data = traces.to_dict()
        names = [data["unit"]] + [k for k in data if k.startswith(("lr", "momentum", "beta1"))]
        return {name: data[name] for name in names}
    frame = traces.to_pandas()
    return {frame.index.name: frame.index.tolist(),
            **{name: [None if np.isnan(v) else v for v in frame[name]] for name in frame.columns}}


# ---------------------------------------------------------------- every option has its twin


def test_every_spec_option_of_the_command_line_is_a_keyword_of_simulate_and_compare(cli):
    names = SpecOptions.names()
    assert list(SpecKeywords.__annotations__) == names
    for function in (lrviz.simulate, lrviz.compare):
        keywords = [p.name for p in inspect.signature(function).parameters.values() if p.kind is p.KEYWORD_ONLY]
        assert keywords == names
        documented = re.findall(r"^      (\w+): ", function.__doc__.split("Spec options")[1], re.M)
        assert documented == names
    code, out, err = cli("plot", "--help")
    assert code == 0, err
    shown = set(re.findall(r"--[a-z][a-z-]*", out))
    assert set(PLOT_FLAGS) <= shown
    from typer.main import get_command

    plot = get_command(lrviz.cli.app).commands["plot"]
    before_draw_options = [p.name for p in plot.params][:len(names) + 1]
    assert before_draw_options == ["sched", *names]  # --sched is the spec itself: simulate's first argument


YAML_COSINE = {"scheduler": {"type": "cosine", "T_max": 10}, "steps": 15}
TWINS = [  # (spec, flags, keywords): each changes the rows from those of the spec alone
    ("step:step_size=3", ["--lr", "0.5"], {"lr": 0.5}),
    ("cosine:T_max=10", ["--steps", "25"], {"steps": 25}),
    ("onecycle:max_lr=0.1,total_steps=30", ["--optimizer", "adam"], {"optimizer": "adam"}),
    ("yaml", ["--set", "scheduler.T_max=4"], {"set": "scheduler.T_max=4"}),
    ("plateau:patience=1", ["--metrics", "1,1,1,1,1,1"], {"metrics": [1, 1, 1, 1, 1, 1]}),
    ("plateau:patience=1", ["--metrics", "exp(-step / 3) + step // 4", "--steps", "12"],
     {"metrics": "exp(-step / 3) + step // 4", "steps": 12}),
    ("step:step_size=2", ["--interval", "epoch", "--steps", "5"], {"interval": "epoch", "steps": 5}),
    ("step:step_size=2", ["--steps-per-epoch", "3", "--interval", "epoch", "--steps", "5"],
     {"steps_per_epoch": 3, "interval": "epoch", "steps": 5}),
    ("sgdr:T_0=3", ["--interval", "fraction", "--steps-per-epoch", "4", "--steps", "30"],
     {"interval": "fraction", "steps_per_epoch": 4, "steps": 30}),
    ("cosine:T_max=20", ["--warmup", "5"], {"warmup": 5}),
    ("cosine:T_max=20", ["--warmup", "0.2", "--warmup-start", "0.5"], {"warmup": 0.2, "warmup_start": 0.5}),
    ("cosine:T_max=30", ["--runner", "loop", "--dataset-size", "100", "--batch-size", "8", "--epochs", "2"],
     {"runner": "loop", "dataset_size": 100, "batch_size": 8, "epochs": 2}),
    ("cosine:T_max=30", ["--runner", "loop", "--dataset-size", "100", "--batch-size", "8", "--max-steps", "9",
                         "--grad-accum", "3", "--drop-last"],
     {"runner": "loop", "dataset_size": 100, "batch_size": 8, "max_steps": 9, "grad_accum": 3, "drop_last": True}),
    ("step:step_size=1,gamma=0.8", ["--runner", "accelerate", "--dataset-size", "64", "--batch-size", "4",
                                    "--devices", "2", "--epochs", "1", "--split-batches"],
     {"runner": "accelerate", "dataset_size": 64, "batch_size": 4, "devices": 2, "epochs": 1, "split_batches": True}),
    ("step:step_size=1,gamma=0.8", ["--runner", "lightning", "--dataset-size", "64", "--batch-size", "4",
                                    "--epochs", "1", "--frequency", "3"],
     {"runner": "lightning", "dataset_size": 64, "batch_size": 4, "epochs": 1, "frequency": 3}),
    ("step:step_size=1,gamma=0.9", ["--runner", "hf-trainer", "--dataset-size", "91", "--batch-size", "10",
                                    "--grad-accum", "4", "--epochs", "3", "--runner-version", "4.51.3"],
     {"runner": "hf-trainer", "dataset_size": 91, "batch_size": 10, "grad_accum": 4, "epochs": 3,
      "runner_version": "4.51.3"}),
]


@pytest.mark.parametrize("spec, flags, keywords", TWINS, ids=[" ".join(t[1]) for t in TWINS])
def test_each_option_changes_the_result_as_its_flag_does(cli, tmp_path, spec, flags, keywords):
    if spec == "yaml":
        spec = tmp_path / "cosine.yaml"
        spec.write_text(yaml.safe_dump(YAML_COSINE))
    by_flag = table_columns(cli, spec, *flags)
    trace = lrviz.simulate(spec, **keywords)
    assert api_columns(trace) == by_flag
    try:
        assert api_columns(lrviz.simulate(spec)) != by_flag  # the option did something
    except LrvizError as refused:
        assert "stepped with a metric" in str(refused)  # ReduceLROnPlateau without metrics
    assert isinstance(trace, RunTrace) == ("runner" in keywords)


def test_labels_and_sweeps_in_compare_are_the_command_lines(cli, tmp_path):
    both = lrviz.compare("cosine:T_max=10", "exp:gamma=0.8", label=["slow", "fast"], steps=12)
    assert [t.label for t in both] == ["slow", "fast"]
    assert api_columns(both) == table_columns(cli, "cosine:T_max=10", "exp:gamma=0.8", "--label", "slow",
                                              "--label", "fast", "--steps", "12", momentum=False)
    swept = lrviz.compare("step:step_size=3", "cosine:T_max=9", sweep=["lr=0.1,1", "steps=8,12"])
    by_flag = table_columns(cli, "step:step_size=3", "cosine:T_max=9", "--sweep", "lr=0.1,1", "--sweep", "steps=8,12",
                            momentum=False)
    assert api_columns(swept) == by_flag and len(swept) == 8
    as_mapping = lrviz.compare("step:step_size=3", "cosine:T_max=9", sweep={"lr": [0.1, 1], "steps": [8, 12]})
    assert [t.label for t in as_mapping] == [t.label for t in swept] and api_columns(as_mapping) == by_flag


# ---------------------------------------------------------------- spec forms, against torch built by hand


def test_every_spec_form_gives_the_same_schedule(tmp_path):
    path = tmp_path / "step.yaml"
    mapping = {"scheduler": {"type": "step", "step_size": 3, "gamma": 0.5}, "lr": 0.2, "steps": 10}
    path.write_text(yaml.safe_dump(mapping))
    truth = torch_loop(lr_scheduler.StepLR, {"step_size": 3, "gamma": 0.5}, 10, lr=0.2)[0].tolist()
    forms = ["step:step_size=3,gamma=0.5", str(path), path, mapping, mapping["scheduler"],
             lrviz.load_yaml_specs(path)[0], lambda opt: lr_scheduler.StepLR(opt, step_size=3, gamma=0.5),
             {"scheduler": {"type": lr_scheduler.StepLR, "step_size": 3, "gamma": 0.5}}]
    for form in forms:
        assert lrviz.simulate(form, lr=0.2, steps=10).lr.tolist() == truth, form
    assert mapping == {"scheduler": {"type": "step", "step_size": 3, "gamma": 0.5}, "lr": 0.2, "steps": 10}


def test_a_dict_spec_is_read_as_its_yaml(tmp_path):
    mapping = {"name": "adam steps", "lr": 0.01, "steps": 12, "optimizer": {"type": "adam", "betas": [0.8, 0.99]},
               "scheduler": {"type": "multistep", "milestones": [3, 7], "gamma": 0.5}}
    trace = lrviz.simulate(mapping, set="scheduler.gamma=0.25")
    truth = torch_loop(lr_scheduler.MultiStepLR, {"milestones": [3, 7], "gamma": 0.25}, 12, lr=0.01, optimizer=Adam,
                       optimizer_kwargs={"betas": (0.8, 0.99)})
    assert trace.label == "adam steps" and trace.lr.tolist() == truth[0].tolist()
    assert trace.momentum_name == "beta1" and set(trace.momenta[0]) == {0.8}
    assert mapping["scheduler"]["gamma"] == 0.5  # set changed a copy
    (tmp_path / "same.yaml").write_text(yaml.safe_dump(mapping))
    assert lrviz.simulate(tmp_path / "same.yaml", set="scheduler.gamma=0.25").lr.tolist() == trace.lr.tolist()
    several = lrviz.compare({"steps": 5, "schedules": [{"scheduler": "cosine:T_max=4"},
                                                      {"name": "halving", "scheduler": {"type": "exp", "gamma": 0.5}}]})
    assert [t.label for t in several] == ["cosine:T_max=4", "halving"] and [t.steps for t in several] == [5, 5]


def test_lr_lambda_takes_python_functions_one_per_param_group():
    table = {0: 1.0, 1: 0.5, 2: 0.3}  # nothing the expression language could say

    def by_table(epoch):
        return table.get(epoch, 0.1)

    mapping = {"optimizer": {"param_groups": [{"lr": 0.1}, {"lr": 0.01}]}, "steps": 6,
               "scheduler": {"type": "lambda", "lr_lambda": [by_table, lambda epoch: 0.9 ** epoch]}}
    trace = lrviz.simulate(mapping)
    truth = torch_loop(lr_scheduler.LambdaLR, {"lr_lambda": [by_table, lambda epoch: 0.9 ** epoch]}, 6,
                       groups=[{"lr": 0.1}, {"lr": 0.01}])
    assert np.array_equal(trace.lr, truth) and trace.label == "lambda:lr_lambda=[by_table,<lambda>]"
    one = lrviz.simulate({"scheduler": {"type": "multiplicative", "lr_lambda": lambda epoch: 0.5 if epoch % 2 else 1.0}},
                         steps=7, lr=1.0)
    truth = torch_loop(lr_scheduler.MultiplicativeLR, {"lr_lambda": lambda epoch: 0.5 if epoch % 2 else 1.0}, 7, lr=1.0)
    assert one.lr.tolist() == truth[0].tolist()


def test_metrics_as_a_python_list_array_or_function_of_the_step():
    losses = [1.0, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8, 0.7]

    def by_hand(values):
        import torch

        optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
        scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, patience=1, factor=0.5)
        lrs = []
        for value in [*values, None]:
            lrs.append(optimizer.param_groups[0]["lr"])
            if value is not None:
                optimizer.step()
                scheduler.step(value)
        return lrs

    truth = by_hand(losses)
    for metrics in (losses, tuple(losses), np.array(losses)):
        assert lrviz.simulate("plateau:patience=1,factor=0.5", metrics=metrics, lr=1.0).lr.tolist() == truth
    called = []

    def loss(step):
        called.append(step)
        return np.float32(losses[step])

    trace = lrviz.simulate("plateau:patience=1,factor=0.5", metrics=loss, lr=1.0, steps=10)
    assert trace.lr.tolist() == truth and called == list(range(9))  # once per scheduler step, no more
    assert trace.to_dict()["metrics"] == [float(np.float32(v)) for v in losses]


def test_a_scheduler_factory_is_built_on_lrvizs_optimizer_as_by_hand():
    trace = lrviz.simulate(lambda opt: lr_scheduler.OneCycleLR(opt, max_lr=0.3, total_steps=40), steps=40)
    truth = torch_loop(lr_scheduler.OneCycleLR, {"max_lr": 0.3, "total_steps": 40}, 40)
    assert trace.label == "<lambda>" and trace.lr.tolist() == truth[0].tolist()
    assert trace.momenta is not None and trace.momenta[0, 0] == 0.95  # OneCycleLR cycles SGD's momentum

    class Halving(lr_scheduler.LRScheduler):
        """Halve the lr every ``period`` steps (seed 001's MyLR, given as a class)."""

        def __init__(self, optimizer, period=10, last_epoch=-1):
            self.period = period
            super().__init__(optimizer, last_epoch)

        def get_lr(self):
            return [base * 0.5 ** (self.last_epoch // self.period) for base in self.base_lrs]

    mine = lrviz.simulate({"scheduler": {"type": Halving, "period": 4}}, steps=13, lr=1.0)
    assert mine.label == "Halving:period=4" and mine.lr.tolist() == torch_loop(Halving, {"period": 4}, 13, lr=1.0)[0].tolist()


def test_factory_arguments_sweep_and_nest_like_any_schedulers():
    def warm(optimizer, factor=0.1):
        return lr_scheduler.ConstantLR(optimizer, factor=factor, total_iters=3)

    family = lrviz.compare(warm, sweep={"factor": [0.1, 0.5]}, steps=6, lr=1.0)
    assert [t.label for t in family] == ["warm factor=0.1", "warm factor=0.5"]
    for trace, factor in zip(family, (0.1, 0.5)):
        assert trace.lr.tolist() == torch_loop(lr_scheduler.ConstantLR, {"factor": factor, "total_iters": 3}, 6, lr=1.0)[0].tolist()
    nested = lrviz.simulate({"scheduler": {"type": "sequential", "milestones": [3],
                                           "schedulers": [warm, lambda opt: lr_scheduler.ExponentialLR(opt, 0.5)]}},
                            steps=8, lr=1.0)

    def sequential(optimizer):
        return lr_scheduler.SequentialLR(optimizer, [warm(optimizer), lr_scheduler.ExponentialLR(optimizer, 0.5)], [3])

    assert nested.lr.tolist() == torch_loop(sequential, {}, 8, lr=1.0)[0].tolist()


def test_a_factory_gets_the_warmup_and_the_training_plan():
    from realruns import LR, real_run

    def cosine(optimizer):
        return lr_scheduler.CosineAnnealingLR(optimizer, T_max=15)

    warmed = lrviz.simulate(cosine, warmup=5, warmup_start=0.1, steps=20)

    def torchvision_recipe(optimizer):  # torchvision's references/classification/train.py
        return lr_scheduler.SequentialLR(optimizer, [lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=5),
                                                     cosine(optimizer)], milestones=[5])

    assert warmed.lr.tolist() == torch_loop(torchvision_recipe, {}, 20)[0].tolist()
    plan = dict(dataset_size=100, batch_size=8, grad_accum=3, epochs=2)
    run = lrviz.simulate(lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=7), runner="loop", lr=LR, **plan)
    assert isinstance(run, RunTrace) and run.lr.tolist() == real_run(
        "loop", scheduler=("CosineAnnealingLR", {"T_max": 7}), **plan).lrs


def test_torchs_own_class_given_as_itself_keeps_its_horizon():
    trace = lrviz.simulate({"scheduler": {"type": lr_scheduler.CosineAnnealingLR, "T_max": 8}}, lr=1.0)
    assert trace.steps == 9 and trace.lr.tolist() == torch_loop(lr_scheduler.CosineAnnealingLR, {"T_max": 8}, 9, lr=1.0)[0].tolist()


def test_two_factories_of_one_name_get_unique_labels_and_label_overrides():
    both = lrviz.compare(lambda opt: lr_scheduler.StepLR(opt, 2), lambda opt: lr_scheduler.StepLR(opt, 3), steps=4)
    assert [t.label for t in both] == ["<lambda>", "<lambda> #2"]
    assert lrviz.simulate(lambda opt: lr_scheduler.StepLR(opt, 2), label="mine", steps=3).label == "mine"


# ---------------------------------------------------------------- every path's trace as data


def test_to_dict_and_to_pandas_of_a_training_run_are_its_table(cli):
    plan = ["--runner", "loop", "--dataset-size", "50", "--batch-size", "4", "--epochs", "2", "--warmup", "0.2"]
    run = lrviz.simulate("cosine:T_max=26", runner="loop", dataset_size=50, batch_size=4, epochs=2, warmup=0.2)
    data = run.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert (data["warmup_end"], data["run_end"], data["steps_per_epoch"]) == (6, 26, 13)
    by_flag = table_columns(cli, "cosine:T_max=26", *plan)
    assert api_columns(run) == by_flag
    frame = run.to_pandas()
    assert frame.index.tolist() == by_flag["step"] and frame["lr"].tolist() == by_flag["lr"]


# ---------------------------------------------------------------- errors name fields, and the factory


@pytest.mark.parametrize("call, message, field", [
    (lambda: lrviz.simulate("cosine:T_max=5", sweep="T_max=5,10"), r"sweep gives a family .* lrviz.compare", "sweep"),
    (lambda: lrviz.simulate("configs/decay-shapes.yaml"), r"holds 3 schedules .* lrviz.compare", None),
    (lambda: lrviz.simulate("cosine:T_max=5", stpes=3), r"unknown option 'stpes'; did you mean 'steps'", None),
    (lambda: lrviz.simulate("cosine:T_max=5", steps=0), r"^steps must be", "steps"),
    (lambda: lrviz.simulate("cosine:T_max=5", label=3), r"^label takes a text", "label"),
    (lambda: lrviz.simulate("cosine:T_max=5", set="scheduler.T_max=3"), r"^set applies to YAML files", "set"),
    (lambda: lrviz.simulate(lambda opt: lr_scheduler.StepLR(opt, 2), set="x=1"), r"^set applies .* factory", "set"),
    (lambda: lrviz.compare("step:step_size=2", sweep={"gamma": 0.5}), r"^sweep maps a key to a list", "sweep"),
    (lambda: lrviz.simulate({"scheduler": "cosine:T_max=5", "stpes": 3}), r"unknown key 'stpes' in the dict spec", None),
    (lambda: lrviz.simulate(3), r"a spec is inline text .* got a int", None),
    (lambda: lrviz.simulate("cosine:T_max=5", interval="fraction"), r"^steps_per_epoch is needed", "steps_per_epoch"),
    (lambda: lrviz.compare(), r"no schedule given", None),
])
def test_errors_are_lrviz_errors_naming_the_field(call, message, field):
    with pytest.raises(LrvizError, match=message) as caught:
        call()
    assert caught.value.field == field and "--" not in str(caught.value)


def wrong_optimizer(opt):
    import torch

    return lr_scheduler.StepLR(torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1), 2)


def timm_scheduler(opt):
    from lrviz.catalog.sources.timm_source import scheduler_module

    return scheduler_module().StepLRScheduler(opt, decay_t=2)


@pytest.mark.parametrize("factory, message", [
    (lambda opt: 1 / 0, r"^scheduler factory <lambda> raised ZeroDivisionError: division by zero$"),
    (lambda: None, r"^scheduler factory <lambda> must take the optimizer as its first argument"),
    (lambda opt: None, r"^scheduler factory <lambda> returned a value of type NoneType, not a scheduler"),
    (wrong_optimizer, r"^scheduler factory wrong_optimizer returned a StepLR that is not built on the optimizer"),
    (timm_scheduler, r"^scheduler factory timm_scheduler returned timm's StepLRScheduler, .* timm:NAME"),
    ({"type": lambda opt, gamma: lr_scheduler.StepLR(opt, 2, gamma)}, r"^<lambda> needs gamma"),
    ({"type": lambda opt: lr_scheduler.StepLR(opt, 2), "gamma": 0.5}, r"^unknown argument 'gamma' for <lambda>"),
])
def test_a_factory_that_cannot_build_is_named(factory, message):
    if factory is timm_scheduler and importlib.util.find_spec("timm") is None:
        pytest.skip("needs timm: pip install -e '.[test]'")
    spec = {"scheduler": factory} if isinstance(factory, dict) else factory
    with pytest.raises(LrvizError, match=message) as caught:
        lrviz.simulate(spec, steps=5)
    if "raised" in message:
        assert isinstance(caught.value.__cause__, ZeroDivisionError)  # the factory's traceback is kept


def test_a_metric_function_that_fails_is_named():
    with pytest.raises(LrvizError, match=r"^metrics\(3\) raised ZeroDivisionError") as caught:
        lrviz.simulate("plateau", metrics=lambda step: 1 / (step - 3), steps=10)
    assert isinstance(caught.value.__cause__, ZeroDivisionError)
    with pytest.raises(LrvizError, match=r"^metrics\(0\) must be a number, got 'low'"):
        lrviz.simulate("plateau", metrics=lambda step: "low", steps=10)


def test_simulating_fresh_factories_keeps_nothing_of_them():
    """A notebook re-running ``lrviz.simulate(lambda opt: ...)`` leaves no cache entry per lambda behind."""
    from lrviz.simulation.pergroup import per_group_args

    lrviz.simulate(lambda opt: lr_scheduler.StepLR(opt, 2), steps=3)
    before = per_group_args.cache_info().currsize
    for size in range(2, 7):
        lrviz.simulate(lambda opt: lr_scheduler.StepLR(opt, size), steps=3)
    assert per_group_args.cache_info().currsize == before
