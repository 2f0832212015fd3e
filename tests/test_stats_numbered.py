"""Statistics speak the rows' language (issue 21): wherever statistics are shown, a step is named by
the number its row has, so a schedule resumed with ``last_epoch=K`` (rows K+1, K+2, ...) gives the
steps of its minimum, maximum and warmup end as the table numbers them. The numbers are checked
against numpy's argmin/argmax of a plain torch loop's lrs."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler

import lrviz

#: LinearLR warming up to step 8, resumed after step 3: rows 4..15; it rises until step 8
WARMUP = ("linear:start_factor=0.1,total_iters=8,last_epoch=3", lr_scheduler.LinearLR,
          {"start_factor": 0.1, "total_iters": 8}, 3, 12)
#: StepLR resumed after step 6: rows 7..16, falling to its minimum at the last row
DECAY = ("step:step_size=2,gamma=0.5,last_epoch=6", lr_scheduler.StepLR, {"step_size": 2, "gamma": 0.5}, 6, 10)


def resumed_loop(cls, kwargs, last_epoch: int, steps: int, lr: float = 0.1) -> np.ndarray:
    """The lr of steps K+1 .. K+steps of a run resumed after step K (``initial_lr`` from the checkpoint)."""
    param = torch.nn.Parameter(torch.ones(2))
    optimizer = torch.optim.SGD([param], lr=lr)
    optimizer.param_groups[0]["initial_lr"] = lr
    scheduler = cls(optimizer, **kwargs, last_epoch=last_epoch)
    lrs = []
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        param.grad = torch.full_like(param, 0.1)
        optimizer.step()
        scheduler.step()
    return np.array(lrs)


def expected_steps(case) -> dict:
    """min/max/warmup-end step numbers of ``case`` as its rows are numbered (from K+1)."""
    _, cls, kwargs, last_epoch, steps = case
    values = resumed_loop(cls, kwargs, last_epoch, steps)
    first = last_epoch + 1
    rises = np.flatnonzero(np.diff(values) <= 0)
    rise = int(rises[0]) if rises.size else len(values) - 1
    return {"min_step": first + int(np.argmin(values)), "max_step": first + int(np.argmax(values)),
            "warmup_end": first + rise if rise else None, "values": values}


def test_the_rows_of_a_resumed_schedule_are_numbered_from_k_plus_1(cli):
    code, out, err = cli("table", WARMUP[0], "--steps", WARMUP[4])
    assert code == 0, err
    rows = [line.split(",") for line in out.strip().splitlines()[1:]]
    assert [int(r[0]) for r in rows] == list(range(4, 16))
    assert [float(r[1]) for r in rows] == expected_steps(WARMUP)["values"].tolist()


@pytest.mark.parametrize("unit", ["step", "epoch"])
def test_compare_statistics_table_names_the_rows_steps(cli, unit):
    code, out, err = cli("compare", WARMUP[0], DECAY[0], "--steps", 12, "--steps-per-epoch", 1, "--unit", unit,
                         "--terminal")
    assert code == 0, err
    warmup, decay = expected_steps(WARMUP), expected_steps((*DECAY[:4], 12))

    def cells(what: str) -> list[str]:
        row = next(line for line in out.splitlines() if line.startswith(what.replace("step", unit)))
        return [c.strip() for c in row.split("│")[1:]]

    assert [c.split(" @ ")[1] for c in cells("max @ step")] == [str(warmup["max_step"]), str(decay["max_step"])]
    assert [c.split(" @ ")[1] for c in cells("min @ step")] == [str(warmup["min_step"]), str(decay["min_step"])]
    assert cells("warmup ends") == [str(warmup["warmup_end"]), "—"]
    assert warmup["max_step"] == 8 and decay["min_step"] == 18  # LinearLR peaks at total_iters; the last row


def test_compare_statistics_in_epochs_of_a_resumed_per_step_schedule(cli):
    # rows are steps 7..16; with 3 steps an epoch, epochs 3, 4, 5 start at steps 9, 12, 15
    code, out, err = cli("compare", DECAY[0], "exp:gamma=0.9", "--steps", 10, "--steps-per-epoch", 3,
                         "--unit", "epoch", "--terminal")
    assert code == 0, err
    first = next(line for line in out.splitlines() if line.startswith("first"))
    values = resumed_loop(*DECAY[1:4], 10)
    assert first.split("│")[1].strip() == f"{values[9 - 7]:.4g}"  # epoch 3's lr is step 9's
    minimum = next(line for line in out.splitlines() if line.startswith("min @ epoch"))
    assert minimum.split("│")[1].strip().endswith("@ 5")


@pytest.mark.parametrize("unit", ["step", "epoch"])
def test_jupyter_statistics_name_the_rows_steps(unit):
    from lrviz.render.jupyter import stats_html

    trace = lrviz.simulate(WARMUP[0], steps=WARMUP[4], steps_per_epoch=1)
    expected = expected_steps(WARMUP)
    html = stats_html([trace], unit=unit)
    assert f"@ {expected['max_step']}</td>" in html and f"@ {expected['min_step']}</td>" in html
    assert f"<th>warmup ends</th><td>{expected['warmup_end']}</td>" in html


def test_jupyter_statistics_in_epochs_take_the_epochs_rows():
    from lrviz.render.jupyter import stats_html

    trace = lrviz.simulate(DECAY[0], steps=10, steps_per_epoch=3)
    values = resumed_loop(*DECAY[1:4], 10)
    html = stats_html([trace], unit="epoch")
    assert f"<th>first</th><td>{float(values[9 - 7])!r}</td>" in html  # epoch 3 starts at step 9
    assert f"{float(values[15 - 7])!r} @ 5</td>" in html  # the minimum over epochs 3..5: epoch 5 (step 15)


@pytest.mark.parametrize("case", [WARMUP, DECAY], ids=["warmup", "decay"])
def test_json_statistics_name_the_rows_steps(cli, case):
    code, out, err = cli("table", case[0], "--steps", case[4], "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    stats, expected = data["stats"]["lr"], expected_steps(case)
    steps = [row[0] for row in data["rows"]]
    assert steps[0] == case[3] + 1
    assert (stats["min_step"], stats["max_step"], stats["warmup_end"]) == (
        expected["min_step"], expected["max_step"], expected["warmup_end"])
    assert stats["min_step"] in steps and stats["max_step"] in steps


def test_terminal_chart_statistics_name_the_rows_steps(cli):
    code, out, err = cli("plot", WARMUP[0], "--steps", WARMUP[4], "--terminal", "--width", 80)
    assert code == 0, err
    expected = expected_steps(WARMUP)
    assert re.search(rf"max [\d.e-]+ @ {expected['max_step']}\b", out)
    assert re.search(rf"min [\d.e-]+ @ {expected['min_step']}\b", out)
    assert f"warmup ends @ {expected['warmup_end']}" in out
