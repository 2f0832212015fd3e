"""configs/ and gallery/: every config equals torch built by hand, and the committed gallery is current."""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as S

import lrviz
from conftest import torch_loop
from lrviz.gallery import build_gallery, config_files

ROOT = Path(__file__).resolve().parents[1]
SGD_M = {"momentum": 0.9}

# config name -> [(lr, steps, scheduler factory, optimizer kwargs)], one per schedule, written out in plain torch
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
}
CONFIGS = [p.stem for p in config_files(ROOT / "configs")]


def timm_epoch_values(lr: float, epochs: int, **kwargs) -> list[float]:
    """timm's own epoch values for a StepLRScheduler, epoch by epoch (seed 002's loop).

    Seed 002 calls ``get_epoch_values(epoch)``; timm 1.x renamed it ``_get_values(epoch, on_epoch=True)``.
    """
    from lrviz.peers.timm import scheduler_module

    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=lr)
    scheduler = scheduler_module().StepLRScheduler(optimizer, **kwargs)
    values = getattr(scheduler, "get_epoch_values", None) or (lambda t: scheduler._get_values(t, on_epoch=True))
    return [values(epoch)[0] for epoch in range(epochs)]


# config name -> [list of expected lrs], one per schedule, from timm itself
TIMM_REFERENCE = {
    "seed002-timm-step": [timm_epoch_values(1e-4, 50, decay_t=5, decay_rate=rate) for rate in (1.0, 0.5, 0.8)]
    if importlib.util.find_spec("timm") else [],
    "seed002-timm-warmup": [
        timm_epoch_values(1e-4, 50, decay_t=5, decay_rate=0.8, warmup_t=2, warmup_lr_init=1e-5, warmup_prefix=False),
        timm_epoch_values(1e-4, 50, decay_t=5, decay_rate=0.8),
    ] if importlib.util.find_spec("timm") else [],
}


def test_every_config_has_a_reference():
    assert sorted([*REFERENCE, *TIMM_REFERENCE]) == sorted(CONFIGS)


@pytest.mark.parametrize("name", CONFIGS)
def test_config_table_equals_torch(cli, name):
    code, stdout, err = cli("table", ROOT / "configs" / f"{name}.yaml")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(stdout)))[1:]
    if name in TIMM_REFERENCE:
        expected_columns = TIMM_REFERENCE[name]
    else:
        expected_columns = [torch_loop(factory, {}, steps, lr=lr, optimizer_kwargs=opt_kwargs)[0].tolist()
                            for lr, steps, factory, opt_kwargs in REFERENCE[name]]
    assert expected_columns, f"{name}: its library is not installed"
    for column, expected in enumerate(expected_columns, start=1):
        assert [float(r[column]) for r in rows[:len(expected)]] == expected, (name, column)


@pytest.mark.parametrize("name", CONFIGS)
def test_config_has_name_description_and_gallery_entry(name):
    data = lrviz.load_yaml_specs(ROOT / "configs" / f"{name}.yaml")
    assert data
    import yaml

    raw = yaml.safe_load((ROOT / "configs" / f"{name}.yaml").read_text())
    assert raw["name"] == name and raw["description"]
    assert (ROOT / "gallery" / f"{name}.png").read_bytes().startswith(b"\x89PNG")
    index = (ROOT / "gallery" / "README.md").read_text()
    assert f"## {name}\n" in index and f"![{name}]({name}.png)" in index
    assert f"lrviz plot configs/{name}.yaml -o gallery/{name}.png" in index


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
