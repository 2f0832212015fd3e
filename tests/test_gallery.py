"""configs/ and gallery/: every config equals torch built by hand, and the committed gallery is current."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as S

import lrviz
from conftest import needs_peers, torch_loop, with_peers
from lrviz.gallery import build_gallery, config_files

ROOT = Path(__file__).resolve().parents[1]
SGD_M = {"momentum": 0.9}
ADAMW = torch.optim.AdamW
class Ref(NamedTuple):
    """One schedule of a config, written out in plain torch: ``torch_loop`` runs it."""

    lr: float
    steps: int
    factory: Callable
    optimizer_kwargs: dict = {}
    optimizer: type = torch.optim.SGD
    groups: list | None = None

    def columns(self) -> list[list[float]]:
        """The lr of each param group at each step."""
        return torch_loop(self.factory, {}, self.steps, lr=self.lr, groups=self.groups, optimizer=self.optimizer,
                          optimizer_kwargs=self.optimizer_kwargs).tolist()


def hf(name: str):
    """A Hugging Face schedule function, imported only when a test needs it."""
    import transformers

    return getattr(transformers, name)


def transformer_rule(step):
    """Attention Is All You Need, equation 3, with step_num = step + 1 (the paper counts from 1)."""
    return 512 ** -0.5 * min((step + 1) ** -0.5, (step + 1) * 4000 ** -1.5)


# config name -> [Ref(lr, steps, scheduler factory, optimizer kwargs, ...)], one per schedule
REFERENCE = {
    "cosine": [(0.001, 100, lambda o: S.CosineAnnealingLR(o, T_max=20, eta_min=1e-5), {})],
    "seed001-step": [(0.1, 100, lambda o: S.StepLR(o, step_size=10, gamma=0.5), {})],
    "seed003-step": [(0.001, 100, lambda o: S.StepLR(o, step_size=20, gamma=0.5), {})],
    "seed003-multistep": [(0.001, 100, lambda o: S.MultiStepLR(o, milestones=[30, 60, 80], gamma=0.5), {})],
    "seed003-exponential": [(0.001, 100, lambda o: S.ExponentialLR(o, gamma=0.9), {})],
    "seed003-cosine": [(0.001, 100, lambda o: S.CosineAnnealingLR(o, T_max=20, eta_min=1e-5), {})],
    "seed003-warm-restarts": [(0.001, 100, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=20, T_mult=2, eta_min=1e-5), {})],
    "seed003-cyclic": [(0.001, 100, lambda o: S.CyclicLR(o, base_lr=0.05, max_lr=0.1, step_size_up=10, step_size_down=20), {})],
    "seed003-onecycle": [(0.001, 100, lambda o: S.OneCycleLR(o, max_lr=0.1, steps_per_epoch=10, epochs=10), {})],
    "seed004-cosine": [
        (1.0, 100, lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0), {}),
        (1.0, 100, lambda o: S.CosineAnnealingLR(o, T_max=20, eta_min=0.5), {}),
    ],
    "resnet-imagenet": [(0.1, 100, lambda o: S.MultiStepLR(o, milestones=[30, 60, 90], gamma=0.1),
                         {"momentum": 0.9, "weight_decay": 1e-4})],
    "sgdr": [(0.05, 150, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2, eta_min=0), SGD_M)],
    "superconvergence-onecycle": [(0.1, 10000, lambda o: S.OneCycleLR(
        o, max_lr=3.0, total_steps=10000, div_factor=30, final_div_factor=1000, pct_start=0.45,
        anneal_strategy="linear", three_phase=True, base_momentum=0.85, max_momentum=0.95), SGD_M)],
    "clr-modes": [
        (0.001, 12000, lambda o, mode=mode, gamma=gamma: S.CyclicLR(
            o, base_lr=0.001, max_lr=0.006, step_size_up=2000, mode=mode, gamma=gamma), {})
        for mode, gamma in (("triangular", 1.0), ("triangular2", 1.0), ("exp_range", 0.99994))
    ],
    "decay-shapes": [
        (0.1, 100, lambda o: S.MultiStepLR(o, milestones=[30, 60, 90], gamma=0.1), {}),
        (0.1, 100, lambda o: S.CosineAnnealingLR(o, T_max=100), {}),
        (0.1, 100, lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=100), {}),
    ],
    "vit-b16-torchvision": [Ref(0.003, 300, lambda o: S.SequentialLR(o, [
        S.LinearLR(o, start_factor=0.033, total_iters=30), S.CosineAnnealingLR(o, T_max=300 - 30, eta_min=0.0)],
        milestones=[30]), {"weight_decay": 0.3}, ADAMW)],
    "transformer-inverse-sqrt": [Ref(1.0, 20000, lambda o: S.LambdaLR(o, transformer_rule), {"betas": (0.9, 0.98)},
                                     torch.optim.Adam)],
    "wsd-branches": [
        Ref(1e-3, steps, lambda o, stable=stable, decay=decay: hf("get_wsd_schedule")(
            o, num_warmup_steps=500, num_stable_steps=stable, num_decay_steps=decay, decay_type="1-sqrt"),
            {"betas": (0.9, 0.95), "weight_decay": 0.1}, ADAMW)
        for steps, stable, decay in ((5000, 3500, 1000), (10000, 7500, 2000))
    ],
    "fastai-one-cycle": [Ref(1e-3, 500, lambda o: S.OneCycleLR(
        o, max_lr=1e-3, total_steps=500, pct_start=0.25, div_factor=25, final_div_factor=1e5 / 25,
        base_momentum=0.85, max_momentum=0.95), {"weight_decay": 0.01}, ADAMW)],
    "fastai-fine-tune": [Ref(1e-3, 400, lambda o: S.OneCycleLR(
        o, max_lr=[1e-3 / 100, 1e-3], total_steps=400, pct_start=0.3, div_factor=5, final_div_factor=1e5 / 5,
        base_momentum=0.85, max_momentum=0.95), {"weight_decay": 0.01}, ADAMW, [{"lr": 1e-5}, {"lr": 1e-3}])],
    "wrn-cifar": [Ref(0.1, 200, lambda o: S.MultiStepLR(o, milestones=[60, 120, 160], gamma=0.2),
                      {"momentum": 0.9, "nesterov": True, "weight_decay": 5e-4})],
    "densenet-cifar": [Ref(0.1, 300, lambda o: S.MultiStepLR(o, milestones=[150, 225], gamma=0.1),
                           {"momentum": 0.9, "nesterov": True, "weight_decay": 1e-4})],
}
CONFIGS = [p.stem for p in config_files(ROOT / "configs")]


def timm_epoch_values(lr: float, epochs: int, **kwargs) -> list[float]:
    """timm's own epoch values for a StepLRScheduler, epoch by epoch (seed 002's loop).

    Seed 002 calls ``get_epoch_values(epoch)``; timm 1.x renamed it ``_get_values(epoch, on_epoch=True)``.
    """
    from lrviz.catalog.sources.timm_source import scheduler_module

    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=lr)
    scheduler = scheduler_module().StepLRScheduler(optimizer, **kwargs)
    values = getattr(scheduler, "get_epoch_values", None) or (lambda t: scheduler._get_values(t, on_epoch=True))
    return [values(epoch)[0] for epoch in range(epochs)]


def timm_train_py(lr: float, rows: int, updates_per_epoch: int = 1, rows_are_epochs: bool = False,
                  **scheduler_args) -> list[float]:
    """timm's train.py by hand, with the scheduler its create_scheduler_v2 makes of ``scheduler_args``:
    ``step_update(num_updates)`` after every update, ``step(epoch + 1)`` after every epoch; the lr read
    before each update (or before each epoch's first update with ``rows_are_epochs``)."""
    from lrviz.catalog.sources.timm_source import scheduler_module

    param = torch.nn.Parameter(torch.ones(2))
    optimizer = torch.optim.SGD([param], lr=lr)
    scheduler, _ = scheduler_module().create_scheduler_v2(optimizer, updates_per_epoch=updates_per_epoch,
                                                          **scheduler_args)
    lrs, num_updates, epoch = [], 0, 0
    while len(lrs) < rows:
        for batch in range(updates_per_epoch):
            if batch == 0 or not rows_are_epochs:
                lrs.append(optimizer.param_groups[0]["lr"])
            param.grad = torch.full_like(param, 0.1)
            optimizer.step()
            num_updates += 1
            scheduler.step_update(num_updates=num_updates)
        epoch += 1
        scheduler.step(epoch)
    return lrs[:rows]


def hf_every(function: str, lr: float, every: int, rows: int, **kwargs) -> list[float]:
    """A Hugging Face schedule at full scale, read at steps 0, every, 2 * every, ...: built at each of those
    steps the way torch resumes it (``last_epoch`` = step - 1, ``initial_lr`` in the group), not stepped a
    million times."""
    lrs = []
    for row in range(rows):
        optimizer = ADAMW([{"params": [torch.nn.Parameter(torch.ones(1))], "initial_lr": lr}], lr=lr)
        hf(function)(optimizer, last_epoch=row * every - 1, **kwargs)
        lrs.append(optimizer.param_groups[0]["lr"])
    return lrs


def stepped_k_times(make, k: int, rows: int, lr: float = 0.1) -> list[float]:
    """accelerate's AcceleratedScheduler on k processes: k scheduler.step() calls after each optimizer step."""
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=lr)
    scheduler, lrs = make(optimizer), []
    for _ in range(rows):
        lrs.append(optimizer.param_groups[0]["lr"])
        param.grad = torch.ones_like(param)
        optimizer.step()
        for _ in range(k):
            scheduler.step()
    return lrs


RSB_A3 = {"sched": "cosine", "num_epochs": 100, "min_lr": 1e-6, "warmup_lr": 1e-4, "warmup_epochs": 5}
# config name -> a function giving [list of expected lrs], one per schedule, from timm or transformers itself
LIBRARY_REFERENCE = {
    "seed002-timm-step": lambda: [timm_epoch_values(1e-4, 50, decay_t=5, decay_rate=rate) for rate in (1.0, 0.5, 0.8)],
    "seed002-timm-warmup": lambda: [
        timm_epoch_values(1e-4, 50, decay_t=5, decay_rate=0.8, warmup_t=2, warmup_lr_init=1e-5, warmup_prefix=False),
        timm_epoch_values(1e-4, 50, decay_t=5, decay_rate=0.8),
    ],
    # DeiT's main.py: create_scheduler(args) with --sched cosine --epochs 300 --warmup-lr 1e-6 --min-lr 1e-5
    "deit-warmup-cosine": lambda: [timm_train_py(1e-3, 300, sched="cosine", num_epochs=300, min_lr=1e-5,
                                                 warmup_lr=1e-6, warmup_epochs=5)],
    "timm-rsb-a2": lambda: [timm_train_py(5e-3, 300, rows_are_epochs=True, sched="cosine", num_epochs=300,
                                          min_lr=1e-6, warmup_lr=1e-4, warmup_epochs=5)],
    "timm-rsb-a3-updates": lambda: [timm_train_py(8e-3, 9375, 625, **RSB_A3),
                                    timm_train_py(8e-3, 9375, 625, step_on_epochs=False, **RSB_A3)],
    # the real 500,000-step and 1,000,000-step schedules, at every 100th and 200th step
    "llama2-cosine": lambda: [hf_every("get_cosine_with_min_lr_schedule_with_warmup", 3e-4, 100, 5000,
                                       num_warmup_steps=2000, num_training_steps=500_000, min_lr_rate=0.1)],
    "bert-linear": lambda: [hf_every("get_linear_schedule_with_warmup", 1e-4, 200, 5000,
                                     num_warmup_steps=10_000, num_training_steps=1_000_000)],
    # 128,000 samples / 16 / 8 processes: 1000 optimizer steps, 8 scheduler steps each
    "run-accelerate-restarts": lambda: [stepped_k_times(lambda o: S.CosineAnnealingLR(o, T_max=t_max), 8, 1000)
                                        for t_max in (1000, 8000)],
    # 320,000 samples / 32 / accumulation 4: 2500 optimizer steps, one scheduler step each
    "run-accumulation": lambda: [stepped_k_times(lambda o: hf("get_linear_schedule_with_warmup")(
        o, num_warmup_steps=warmup, num_training_steps=total), 1, 2500) for warmup, total in ((500, 10000), (125, 2500))],
}


@needs_peers("hf:inverse_sqrt")
def test_transformer_schedule_is_hf_inverse_sqrt_one_step_later():
    """What transformer-inverse-sqrt says: Hugging Face's inverse_sqrt at lr 512^-0.5 * 4000^-0.5 draws the
    paper's curve, but counts steps from 0, so its row t + 1 is the paper's row t (to rounding)."""
    paper = lrviz.simulate(str(ROOT / "configs" / "transformer-inverse-sqrt.yaml")).lr
    peak = 512 ** -0.5 * 4000 ** -0.5
    hf_rows = torch_loop(lambda o: hf("get_inverse_sqrt_schedule")(o, num_warmup_steps=4000), {}, len(paper) + 1,
                         lr=peak)[0]
    assert np.allclose(hf_rows[1:], paper, rtol=1e-12, atol=0) and not np.allclose(hf_rows[:-1], paper, rtol=1e-3)


def test_every_config_has_a_reference():
    assert sorted([*REFERENCE, *LIBRARY_REFERENCE]) == sorted(CONFIGS)


def config_text(name: str) -> str:
    return (ROOT / "configs" / f"{name}.yaml").read_text()


@pytest.mark.parametrize("name", with_peers(CONFIGS, config_text))
def test_config_table_equals_torch(cli, name):
    code, stdout, err = cli("table", ROOT / "configs" / f"{name}.yaml")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(stdout)))[1:]
    if name in LIBRARY_REFERENCE:
        expected_columns = LIBRARY_REFERENCE[name]()
    else:
        expected_columns = [column for ref in REFERENCE[name] for column in Ref(*ref).columns()]
    assert expected_columns
    for column, expected in enumerate(expected_columns, start=1):
        assert [float(r[column]) for r in rows[:len(expected)]] == expected, (name, column)


@pytest.mark.parametrize("name", CONFIGS)
def test_config_has_name_description_source_and_index_entry(name):
    data = lrviz.load_yaml_specs(ROOT / "configs" / f"{name}.yaml")
    assert data
    import yaml

    raw = yaml.safe_load((ROOT / "configs" / f"{name}.yaml").read_text())
    assert raw["name"] == name and raw["description"] and raw["source"]
    index = (ROOT / "gallery" / "README.md").read_text()
    assert f"## {name}\n" in index and f"![{name}]({name}.png)" in index
    assert f"lrviz plot configs/{name}.yaml -o gallery/{name}.png" in index


@pytest.mark.parametrize("name", CONFIGS)
def test_config_has_a_gallery_image(name):
    assert (ROOT / "gallery" / f"{name}.png").read_bytes().startswith(b"\x89PNG")


@needs_peers("".join(map(config_text, CONFIGS)))
def test_regenerated_gallery_data_and_index_match_what_is_committed(tmp_path, monkeypatch):
    (tmp_path / "configs").symlink_to(ROOT / "configs")
    monkeypatch.chdir(tmp_path)
    build_gallery("configs", "gallery")
    made = tmp_path / "gallery"
    committed = sorted(p.name for p in (ROOT / "gallery" / "data").iterdir())
    assert sorted(p.name for p in (made / "data").iterdir()) == committed
    for name in committed:
        assert (made / "data" / name).read_bytes() == (ROOT / "gallery" / "data" / name).read_bytes(), name
    assert (made / "README.md").read_text() == (ROOT / "gallery" / "README.md").read_text()


def small_configs(where: Path, **extra: str) -> Path:
    where.mkdir()
    (where / "a.yaml").write_text("name: a\ndescription: first\nscheduler: {type: cosine, T_max: 5}\nsteps: 6\n")
    (where / "c.yaml").write_text("name: c\ndescription: last\nscheduler: {type: exp, gamma: 0.5}\nsteps: 6\n")
    for name, text in extra.items():
        (where / name).write_text(text)
    return where


def test_the_index_is_right_for_the_directory_it_is_in(tmp_path, monkeypatch):
    import re

    monkeypatch.chdir(tmp_path)
    small_configs(tmp_path / "my-configs")
    build_gallery("my-configs", "out/pics")
    index = (tmp_path / "out" / "pics" / "README.md").read_text()
    assert "[`my-configs/`](../../my-configs) by `lrviz gallery --configs my-configs --out out/pics`" in index
    assert re.findall(r"^lrviz plot .*$", index, re.M) == ["lrviz plot my-configs/a.yaml -o out/pics/a.png",
                                                           "lrviz plot my-configs/c.yaml -o out/pics/c.png"]
    for link in re.findall(r"\]\(([^)]+)\)", index):  # every link resolves from the index's own directory
        assert (tmp_path / "out" / "pics" / link).exists(), link
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["pics"]  # nothing left beside it


def test_a_config_failing_midway_leaves_the_gallery_as_it_was(tmp_path):
    configs = small_configs(tmp_path / "configs")
    build_gallery(configs, tmp_path / "gallery")
    before = {p: p.read_bytes() for p in sorted((tmp_path / "gallery").rglob("*")) if p.is_file()}
    (configs / "a.yaml").write_text("name: a\ndescription: changed\nscheduler: {type: cosine, T_max: 9}\nsteps: 6\n")
    (configs / "b.yaml").write_text("name: b\ndescription: broken\nscheduler: {type: cosine, T_max: x}\n")
    with pytest.raises(lrviz.LrvizError, match="T_max must be an integer"):
        build_gallery(configs, tmp_path / "gallery")
    after = {p: p.read_bytes() for p in sorted((tmp_path / "gallery").rglob("*")) if p.is_file()}
    assert after == before  # a.png not redrawn with T_max 9, the index not rewritten
    assert sorted(p.name for p in tmp_path.iterdir()) == ["configs", "gallery"]  # no half-built gallery aside


def test_two_configs_with_one_name_are_refused(tmp_path):
    configs = small_configs(tmp_path / "configs", **{"a.yml": "scheduler: {type: cosine, T_max: 5}\n"})
    with pytest.raises(lrviz.LrvizError, match=r"'.*a.yaml' and '.*a.yml' would both be drawn as a.png: rename one"):
        build_gallery(configs, tmp_path / "gallery")
    assert not (tmp_path / "gallery").exists()


def test_gallery_images_are_deterministic(tmp_path):
    from lrviz.gallery import gallery_item, render_item

    item = gallery_item(ROOT / "configs" / "decay-shapes.yaml")
    for out in (tmp_path / "a", tmp_path / "b"):
        (out / "data").mkdir(parents=True)
        render_item(item, out)
    assert (tmp_path / "a" / "decay-shapes.png").read_bytes() == (tmp_path / "b" / "decay-shapes.png").read_bytes()
