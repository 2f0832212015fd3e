"""What the figures say about a run: a cosine's note past T_max in the footer, a training run's warmup end
and run end marked on an optimizer-step axis, and plot --resume-at's resumed curve (torch's own
state_dict() round trip built by hand)."""

from __future__ import annotations

import torch
from torch.optim import lr_scheduler as S

import lrviz
from lrviz.render.markers import boundaries


def svg_text(cli, tmp_path, *args) -> str:
    code, out, err = cli("plot", *args, "-o", tmp_path / "f.svg")
    assert code == 0, err
    return (tmp_path / "f.svg").read_text()


def test_the_cosine_note_is_under_the_figure(cli, tmp_path):
    text = svg_text(cli, tmp_path, "cosine:T_max=20", "--steps", "60")
    assert "reaches eta_min at step 20 (T_max=20) and then rises again" in text
    assert "rises again" not in svg_text(cli, tmp_path, "cosine:T_max=20")


def test_a_runs_warmup_end_and_end_are_marked_on_optimizer_steps(cli, tmp_path):
    """hf-trainer: 5000 samples / 16 / 2 devices = 157 batches, / 4 accumulation = 40 steps an epoch, 120 in 3
    epochs; warmup 0.1 of them is 12 (the Trainer's get_warmup_steps: ceil)."""
    trace = lrviz.simulate("hf:cosine", runner="hf-trainer", dataset_size=5000, batch_size=16, devices=2, grad_accum=4,
                           epochs=3, warmup=0.1, steps=150)
    assert (trace.warmup_end, trace.run_end) == (12, 120)
    assert boundaries(trace) == [(12, "warmup ends"), (120, "run ends")]
    text = svg_text(cli, tmp_path, "hf:cosine", "--runner", "hf-trainer", "--dataset-size", "5000", "--batch-size", "16",
                    "--devices", "2", "--grad-accum", "4", "--epochs", "3", "--warmup", "0.1", "--steps", "150")
    assert "optimizer step" in text and "epoch (40 steps each)" in text
    assert 'id="lrviz-marker:warmup ends' in text and 'id="lrviz-marker:run ends' in text


def hand_resumed(k: int, steps: int) -> list[float]:
    """Train to step k, save optimizer and scheduler state_dict(), load them into fresh objects, continue."""
    def fresh():
        param = torch.nn.Parameter(torch.zeros(1))
        optimizer = torch.optim.SGD([param], lr=0.1)
        return param, optimizer, S.CosineAnnealingWarmRestarts(optimizer, T_0=10, T_mult=2)

    param, optimizer, scheduler = fresh()
    for _ in range(k + 1):
        param.grad = torch.ones_like(param)
        optimizer.step()
        scheduler.step()
    states = optimizer.state_dict(), scheduler.state_dict()
    param, optimizer, scheduler = fresh()
    optimizer.load_state_dict(states[0])
    scheduler.load_state_dict(states[1])
    lrs = []
    for _ in range(steps - k - 1):
        lrs.append(optimizer.param_groups[0]["lr"])
        param.grad = torch.ones_like(param)
        optimizer.step()
        scheduler.step()
    return lrs


def test_plot_resume_at_draws_the_state_dict_resume(cli, tmp_path):
    from lrviz.api import load_specs
    from lrviz.plan.run import resumed_run

    spec = load_specs("sgdr:T_0=10,T_mult=2", steps=70)[0]
    resumed = resumed_run(spec, 35)
    assert resumed.start == 36 and resumed.lr.tolist() == hand_resumed(35, 70)
    text = svg_text(cli, tmp_path, "sgdr:T_0=10,T_mult=2", "--steps", "70", "--resume-at", "35")
    assert "resumed after step 35" in text
