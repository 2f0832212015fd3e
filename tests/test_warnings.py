"""Warnings: torch's about lrviz's own stepping never reach the user; the others are said once, in
lrviz's words, on stderr. (The whole suite runs with warnings as errors.)"""

from __future__ import annotations

import io
import warnings

import pytest
import torch
from torch.optim.lr_scheduler import StepLR

from lrviz.errors import LrvizWarning
from lrviz.notices import shown_once, torch_quiet, warn


def scheduler():
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    return optimizer, StepLR(optimizer, step_size=2)


def test_torch_warnings_about_the_stepping_are_silenced():
    optimizer, sched = scheduler()
    with torch_quiet():
        sched.step()  # before optimizer.step(): torch warns about the order
        sched.get_lr()  # outside step(): torch says to use get_last_lr()
        sched.step(5)  # the deprecated epoch argument


def test_the_same_calls_do_warn_without_torch_quiet():
    optimizer, sched = scheduler()
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()
    with pytest.warns(UserWarning, match="get_last_lr"):
        sched.get_lr()


def test_other_warnings_pass_through_torch_quiet():
    with torch_quiet(), pytest.warns(UserWarning, match="something that matters"):
        warnings.warn("something that matters", UserWarning)


def test_shown_once_in_lrviz_words():
    stream = io.StringIO()
    with shown_once(stream):
        for _ in range(3):
            warn("'verbose' is deprecated")
            warnings.warn("Both num_training_steps and num_stable_steps are specified.", UserWarning)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "lrviz: warning: 'verbose' is deprecated"
    assert lines[1].startswith("lrviz: warning: ") and lines[1].endswith(
        "says: Both num_training_steps and num_stable_steps are specified.")
    assert len(lines) == 2


def test_a_peer_warning_reaches_the_cli_user_once(cli):
    pytest.importorskip("transformers")
    spec = "hf:warmup_stable_decay:num_warmup_steps=2,num_training_steps=10,num_stable_steps=3,num_decay_steps=3"
    code, out, err = cli("table", spec, "--steps", "5", "--sweep", "num_warmup_steps=1,2,3")
    assert code == 0, err
    assert err.splitlines() == ["lrviz: warning: transformers says: Both num_training_steps and num_stable_steps "
                                "are specified. num_stable_steps will be used."]


def test_a_cli_run_of_every_torch_scheduler_says_nothing_on_stderr(cli):
    for spec in ["cosine:T_max=12", "step:step_size=2", "sgdr:T_0=3", "onecycle:max_lr=0.1,total_steps=20",
                 "cyclic:base_lr=0.01,max_lr=0.1,step_size_up=3", "plateau:patience=0",
                 "lambda:lr_lambda='0.9 ** epoch'", "sequential:schedulers=[linear,cosine(T_max=5)],milestones=[3]"]:
        code, out, err = cli("table", spec, "--steps", "12", *(["--metrics", "1,1,1,1,1,1,1,1,1,1,1"] if "plateau" in spec else []))
        assert (code, err) == (0, ""), spec


def test_lrviz_warnings_are_not_user_warnings():
    """simulate silences some UserWarnings from torch; lrviz's own must never be caught by that."""
    assert issubclass(LrvizWarning, Warning) and not issubclass(LrvizWarning, UserWarning)
