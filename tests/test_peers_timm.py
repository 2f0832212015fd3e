"""timm's schedulers through lrviz equal timm's own objects stepped by hand as timm's train.py steps them."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import inspect
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.skipif(importlib.util.find_spec("timm") is None, reason="timm is not installed")

import lrviz  # noqa: E402
from lrviz.spec import ScheduleSpec, SchedulerSpec, inline_text  # noqa: E402
from conftest import live_entries  # noqa: E402

CASES = [
    ("step", {"decay_t": 5, "decay_rate": 0.5}),
    ("step", {"decay_t": 5, "decay_rate": 0.8, "warmup_t": 2, "warmup_lr_init": 1e-5}),
    ("step", {"decay_t": 3, "decay_rate": 0.7, "warmup_t": 4, "warmup_lr_init": 1e-3, "warmup_prefix": False}),
    ("step", {"decay_t": 3, "decay_rate": 0.7, "noise_range_t": [5, 20], "noise_pct": 0.3, "noise_seed": 7}),
    ("multistep", {"decay_t": [10, 20, 30], "decay_rate": 0.5}),
    ("multistep", {"decay_t": [5, 15], "decay_rate": 0.1, "warmup_t": 3, "warmup_lr_init": 1e-4}),
    ("cosine", {"t_initial": 20, "lr_min": 1e-5}),
    ("cosine", {"t_initial": 10, "cycle_limit": 3, "cycle_mul": 2.0, "cycle_decay": 0.5, "warmup_t": 3,
                "warmup_lr_init": 1e-4, "warmup_prefix": True}),
    ("cosine", {"t_initial": 30, "k_decay": 2.0, "noise_range_t": 10, "noise_std": 0.5, "noise_seed": 3}),
    ("tanh", {"t_initial": 20}),
    ("tanh", {"t_initial": 10, "cycle_limit": 2, "warmup_t": 2, "warmup_lr_init": 1e-3, "lb": -5.0, "ub": 2.0}),
    ("poly", {"t_initial": 20, "power": 2.0}),
    ("poly", {"t_initial": 10, "cycle_limit": 3, "cycle_decay": 0.5, "k_decay": 0.5, "warmup_t": 2,
              "warmup_lr_init": 1e-3}),
    ("plateau", {"warmup_t": 3, "warmup_lr_init": 1e-3}),
    ("plateau", {"noise_range_t": [2, 8], "noise_pct": 0.2, "noise_seed": 1}),
    ("wsd", {"t_initial": 20, "decay_t": 5}),
    ("wsd", {"t_initial": 30, "decay_t": 10, "decay_fn": "cosine", "stable_fn": "rsqrt", "warmup_t": 5,
             "warmup_lr_init": 1e-4}),
    ("wsd", {"t_initial": 25, "decay_t": 10, "decay_fn": "exp", "decay_ratio": 0.2, "lr_min": 1e-3}),
]
IDS = [f"{name}-{i}" for i, (name, _) in enumerate(CASES)]
ROWS = 60


@pytest.fixture(scope="module")
def timm_scheduler():
    """timm's ``timm.scheduler`` package (loaded as lrviz loads it: ``import timm`` fails beside a CPU torch)."""
    from lrviz.catalog.sources.timm_source import scheduler_module

    return scheduler_module()


def timm_class(module, name: str):
    return next(getattr(module, a) for a in dir(module) if a.lower() == f"{name}lrscheduler")


def timm_loop(cls, kwargs: dict, rows: int, lr: float, updates_per_epoch: int = 1, *, rows_are_epochs=False,
              metrics=None) -> np.ndarray:
    """timm's train.py: per batch optimizer.step() then step_update(num_updates, metric); per epoch
    step(epoch + 1, metric). The lr is read at each update (or at the first update of each epoch);
    ``metrics[row]`` is the metric passed while that row trains."""
    param = torch.nn.Parameter(torch.ones(2))
    optimizer = torch.optim.SGD([param], lr=lr)
    scheduler = make(cls, optimizer, kwargs)
    seen, num_updates, epoch, metric = [], 0, 0, None
    while True:
        for batch in range(updates_per_epoch):
            if batch == 0 or not rows_are_epochs:
                seen.append(optimizer.param_groups[0]["lr"])
                if len(seen) == rows:
                    return np.array(seen)
                metric = None if metrics is None else metrics[len(seen) - 1]
            param.grad = torch.full_like(param, 0.1)
            optimizer.step()
            num_updates += 1
            scheduler.step_update(num_updates=num_updates, metric=metric)
        epoch += 1
        scheduler.step(epoch, metric)


def make(cls, optimizer, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # PlateauLRScheduler says it is deprecated
        return cls(optimizer, **kwargs)


def timm_values(cls, kwargs: dict, rows: int, on_epoch: bool = True) -> list[float]:
    """What the optimizer holds before training, then timm's own values for t = 1, 2, ...

    ``get_epoch_values`` / ``get_update_values`` (renamed ``_get_values`` in timm 0.9). Row 0 is the
    optimizer's lr after construction: timm's train.py never calls ``step(0)``.
    """
    scheduler = make(cls, torch.optim.SGD([torch.zeros(1)], lr=0.1), kwargs)
    return [scheduler.optimizer.param_groups[0]["lr"]] + own_values(scheduler, range(1, rows), on_epoch)


def own_values(scheduler, times, on_epoch: bool = True) -> list[float]:
    if hasattr(scheduler, "get_epoch_values"):
        get = scheduler.get_epoch_values if on_epoch else scheduler.get_update_values
        return [get(t)[0] for t in times]
    return [scheduler._get_values(t, on_epoch=on_epoch)[0] for t in times]


def simulate_with(name: str, kwargs: dict, *, steps: int | None = ROWS, lr: float = 0.1, **spec_fields):
    return lrviz.simulate(ScheduleSpec(SchedulerSpec(f"timm:{name}", dict(kwargs)), label=name, lr=lr, steps=steps,
                                       **spec_fields))


def test_timm_loads_from_the_installed_package_without_its_init(timm_scheduler):
    installed = Path(importlib.metadata.distribution("timm").locate_file("timm")).resolve()
    for name in ("step", "cosine", "plateau"):
        source = timm_class(timm_scheduler, name).__init__.__code__.co_filename
        assert Path(source).resolve().is_relative_to(installed)
    assert "timm" not in sys.modules  # a later `import timm` gets the real package, not lrviz's stand-in
    assert "torchvision" not in sys.modules


def test_every_timm_scheduler_is_known_and_tested(timm_scheduler):

    base = timm_scheduler.scheduler.Scheduler
    classes = {getattr(timm_scheduler, a) for a in dir(timm_scheduler)
               if inspect.isclass(getattr(timm_scheduler, a)) and issubclass(getattr(timm_scheduler, a), base)}
    known = {entry.name: entry for entry in live_entries("timm")}
    assert {e.target for e in known.values()} == classes - {base}
    assert {f"timm:{name}" for name, _ in CASES} == set(known)
    for entry in known.values():
        params = [p for p in inspect.signature(entry.target).parameters if p != "optimizer"]
        assert [a.name for a in entry.args] == params


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_inline_equals_timm_loop(timm_scheduler, name, kwargs):
    trace = lrviz.simulate(inline_text(SchedulerSpec(f"timm:{name}", kwargs)), steps=ROWS, lr=0.1)
    expected = timm_loop(timm_class(timm_scheduler, name), kwargs, ROWS, lr=0.1)
    assert np.array_equal(trace.lr, expected)


@pytest.mark.parametrize(("name", "kwargs"), [c for c in CASES if c[0] != "plateau" and "noise_range_t" not in c[1]],
                         ids=[i for i, c in zip(IDS, CASES) if c[0] != "plateau" and "noise_range_t" not in c[1]])
def test_rows_are_timms_own_epoch_values(timm_scheduler, name, kwargs):
    assert simulate_with(name, kwargs).lr.tolist() == timm_values(timm_class(timm_scheduler, name), kwargs, ROWS)


@pytest.mark.parametrize("per_epoch", [1, 4])
@pytest.mark.parametrize(("name", "kwargs"), [
    ("cosine", {"t_initial": 50, "warmup_t": 10, "warmup_lr_init": 1e-4, "t_in_epochs": False}),
    ("step", {"decay_t": 30, "decay_rate": 0.5, "t_in_epochs": False, "noise_range_t": [40, 60], "noise_seed": 5}),
    ("wsd", {"t_initial": 60, "decay_t": 20, "decay_fn": "linear", "t_in_epochs": False}),
])
def test_per_update_schedules_follow_step_update(timm_scheduler, name, kwargs, per_epoch):
    cls = timm_class(timm_scheduler, name)
    trace = simulate_with(name, kwargs, steps=70, steps_per_epoch=per_epoch)
    assert np.array_equal(trace.lr, timm_loop(cls, kwargs, 70, lr=0.1, updates_per_epoch=per_epoch))
    if "noise_range_t" not in kwargs:
        assert trace.lr.tolist() == timm_values(cls, kwargs, 70, on_epoch=False)


@pytest.mark.parametrize("per_epoch", [1, 5])
@pytest.mark.parametrize(("name", "kwargs"), [
    ("cosine", {"t_initial": 200, "warmup_t": 30, "warmup_lr_init": 1e-4, "t_in_epochs": False}),
    ("step", {"decay_t": 3, "decay_rate": 0.5, "warmup_t": 2, "warmup_lr_init": 1e-3}),
    ("plateau", {"patience_t": 1, "decay_rate": 0.5, "mode": "min"}),
])
def test_rows_are_epochs_with_interval_epoch(timm_scheduler, name, kwargs, per_epoch):
    metrics = [1.0, 0.9, 0.9, 0.9, 0.8] * 6
    trace = simulate_with(name, kwargs, steps=30, steps_per_epoch=per_epoch, interval="epoch", metrics=metrics)
    expected = timm_loop(timm_class(timm_scheduler, name), kwargs, 30, lr=0.1, updates_per_epoch=per_epoch,
                         rows_are_epochs=True, metrics=metrics)
    assert np.array_equal(trace.lr, expected) and len(set(expected)) > 2
    assert trace.unit == "epoch"


@pytest.mark.parametrize(("metrics", "rows"), [
    ([1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4], 13),
    ({"expr": "1 / (1 + step // 6) + 0.01 * noise", "seed": 3}, 40),
])
def test_plateau_gets_the_metrics(timm_scheduler, metrics, rows):
    kwargs = {"patience_t": 2, "decay_rate": 0.5, "mode": "min", "warmup_t": 2, "warmup_lr_init": 0.01}
    trace = simulate_with("plateau", kwargs, steps=None if isinstance(metrics, list) else rows, metrics=metrics)
    if isinstance(metrics, list):
        values = metrics
    else:  # the expression, computed here with numpy: noise is default_rng(seed)'s t-th standard normal
        noise = np.random.default_rng(3).standard_normal(rows - 1)
        values = [1 / (1 + t // 6) + 0.01 * noise[t] for t in range(rows - 1)]
    expected = timm_loop(timm_class(timm_scheduler, "plateau"), kwargs, rows, lr=0.1, metrics=values)
    assert np.array_equal(trace.lr, expected) and expected.min() < 0.1 / 2


@pytest.mark.parametrize(("name", "kwargs"), [("step", {"decay_t": 2, "decay_rate": 0.5}),
                                              ("cosine", {"t_initial": 5, "warmup_t": 1, "warmup_lr_init": 0.01})])
def test_per_epoch_schedule_shown_per_update_from_yaml(cli, tmp_path, timm_scheduler, name, kwargs):
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump({"name": name, "lr": 0.1, "steps": 24, "steps_per_epoch": 3,
                                    "scheduler": {"type": f"timm:{name}", **kwargs}}))
    code, out, err = cli("table", path)
    assert code == 0, err
    values = [float(line.split(",")[1]) for line in out.strip().splitlines()[1:]]
    expected = timm_loop(timm_class(timm_scheduler, name), kwargs, 24, lr=0.1, updates_per_epoch=3)
    assert values == expected.tolist()
    per_epoch = expected.reshape(8, 3)
    assert (per_epoch == per_epoch[:, :1]).all() and len(set(expected)) > 1  # the lr holds for a whole epoch


@pytest.mark.parametrize(("name", "kwargs"), [
    ("cosine", {"t_initial": 20}),
    ("cosine", {"t_initial": 10, "cycle_limit": 3, "cycle_mul": 2.0, "warmup_t": 3, "warmup_prefix": True}),
    ("tanh", {"t_initial": 15, "cycle_limit": 2}),
    ("poly", {"t_initial": 12}),
    ("wsd", {"t_initial": 30, "decay_t": 10, "warmup_t": 5}),
])
def test_default_horizon_is_timms_cycle_length(timm_scheduler, name, kwargs):
    scheduler = timm_class(timm_scheduler, name)(torch.optim.SGD([torch.zeros(1)], lr=0.1), **kwargs)
    assert simulate_with(name, kwargs, steps=None).steps == scheduler.get_cycle_length()
    assert simulate_with(name, kwargs, steps=None, steps_per_epoch=4).steps == 4 * scheduler.get_cycle_length()


@pytest.mark.parametrize("warmup", [{}, {"warmup_t": 2, "warmup_lr_init": 1e-5}], ids=["no-warmup", "warmup"])
@pytest.mark.parametrize("decay_rate", [1.0, 0.5, 0.8])
def test_seed_002_curves(cli, timm_scheduler, decay_rate, warmup):
    """Seed 002: StepLRScheduler(optimizer, decay_t=5, decay_rate=..., [warmup]) over 50 epochs at lr 1e-4."""
    kwargs = {"decay_t": 5, "decay_rate": decay_rate, **warmup}
    scheduler = timm_class(timm_scheduler, "step")(torch.optim.Adam([torch.zeros(1)], lr=1e-4), **kwargs)
    expected = own_values(scheduler, range(50))  # the seed's get_lr_per_epoch
    code, out, err = cli("table", inline_text(SchedulerSpec("timm:step", kwargs)), "--lr", "1e-4", "--steps", 50)
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0] == "step,lr" and len(lines) == 51
    assert [float(line.split(",")[1]) for line in lines[1:]] == expected
    if warmup:
        assert expected[0] == 1e-5 and expected[2] == 1e-4


def test_timm_argument_errors_are_one_line(cli):
    code, out, err = cli("plot", "timm:step:decay_tt=5", "--terminal")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "unknown argument 'decay_tt' for timm:step; did you mean 'decay_t'?" in err
    code, _, err = cli("table", "timm:stepp:decay_t=5")
    assert code == 2 and "did you mean 'timm:step'?" in err and "timm:cosine" in err
    code, _, err = cli("table", "timm:cosine:lr_min=0.1")
    assert code == 2 and "timm:cosine needs t_initial" in err


def test_class_names_are_accepted(timm_scheduler):
    from lrviz.catalog import find, load

    assert find("timm:StepLRScheduler") is find("TIMM:step")
    assert load(find("timm:cosinelrscheduler")).target is timm_class(timm_scheduler, "cosine")


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(["step", "cosine", "poly"]),
    period=st.integers(1, 12),
    rate=st.floats(0.05, 1.0),
    warmup_t=st.integers(0, 5),
    warmup_prefix=st.booleans(),
    t_in_epochs=st.booleans(),
    per_epoch=st.integers(1, 4),
    lr=st.floats(1e-5, 1.0),
)
def test_any_arguments_equal_timm_loop(timm_scheduler, name, period, rate, warmup_t, warmup_prefix, t_in_epochs,
                                       per_epoch, lr):
    shape = {"decay_t": period, "decay_rate": rate} if name == "step" else {
        "t_initial": period, "cycle_limit": 2, "cycle_decay": rate}
    kwargs = {**shape, "warmup_t": warmup_t, "warmup_lr_init": lr / 10, "warmup_prefix": warmup_prefix,
              "t_in_epochs": t_in_epochs}
    trace = simulate_with(name, kwargs, steps=40, lr=lr, steps_per_epoch=per_epoch)
    expected = timm_loop(timm_class(timm_scheduler, name), kwargs, 40, lr=lr, updates_per_epoch=per_epoch)
    assert np.array_equal(trace.lr, expected)
