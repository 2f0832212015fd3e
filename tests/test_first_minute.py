"""What a new user types first: the same spec options on every SPEC command, a name then its
flags, --version, nothing silently ignored, and a headline cosine that looks like what was meant."""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest
from torch.optim.lr_scheduler import CosineAnnealingLR, StepLR

import lrviz
from conftest import torch_loop
from lrviz.spec import SpecOptions

ROOT = Path(__file__).resolve().parents[1]
SPEC_COMMANDS = ["plot", "table", "compare", "check", "code"]


def help_options(cli, command: str) -> dict[str, str]:
    """Each ``--option`` of ``lrviz COMMAND --help`` and its help text, in order."""
    code, out, err = cli(command, "--help")
    assert code == 0, err
    options, current = {}, None
    for line in out.splitlines():
        match = re.match(r"\s{2}(?:-\w, )?(--[\w-]+)(?: / --[\w-]+| \S+)?(?:\s{2,}(.*))?$", line)
        if match:
            current = match.group(1)
            options[current] = (match.group(2) or "").strip()
        elif current and line.startswith(" " * 10) and line.strip():
            options[current] += " " + line.strip()
        elif not line.strip():
            current = None
    return options


def test_every_spec_command_takes_the_same_spec_options(cli):
    """One declaration (SpecOptions) reaches every command: same flags, same order, same help."""
    expected = ["--sched"] + ["--" + f.name.replace("_", "-") for f in fields(SpecOptions)]
    shared = {}
    for command in SPEC_COMMANDS:
        options = help_options(cli, command)
        assert [o for o in options if o in expected] == expected, command
        shared[command] = {o: options[o] for o in expected}
    assert all(help == shared["plot"] for help in shared.values())


@pytest.mark.parametrize(("command", "extra"), [
    ("compare", ["plateau:patience=1", "plateau:patience=2", "--metrics", "1,1,1,1,1", "--label", "a", "--label", "b",
                 "--terminal"]),
    ("code", ["plateau:patience=1", "--metrics", "1,0.5,0.5"]),
    ("check", ["step:step_size=2", "--steps-per-epoch", "4", "--interval", "epoch", "--steps", "6"]),
])
def test_options_once_refused_are_taken(cli, command, extra):
    code, out, err = cli(command, *extra)
    assert code == 0, err


def test_version_is_the_package_version(cli):
    code, out, err = cli("--version")
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert (code, out) == (0, f"lrviz {version}\n") and lrviz.__version__ == version


@pytest.mark.parametrize(("name_first", "with_sched"), [
    (["table", "cosine", "--T_max", "20", "--eta_min", "1e-3"], ["table", "--sched", "cosine", "--T_max", "20", "--eta_min", "1e-3"]),
    (["table", "step", "--step_size", "10", "--steps", "30"], ["table", "--sched", "step", "--step_size", "10", "--steps", "30"]),
    (["plot", "cosine", "--T_max", "20", "--terminal", "--width", "60"], ["plot", "--sched", "cosine", "--T_max", "20", "--terminal", "--width", "60"]),
])
def test_a_name_then_its_flags_means_sched(cli, name_first, with_sched):
    assert cli(*name_first) == cli(*with_sched)
    assert cli(*name_first)[0] == 0


def test_a_name_then_its_flags_equals_torch(cli):
    code, out, err = cli("table", "step", "--step_size", "10", "--steps", "30")
    values = [float(row[1]) for row in list(csv.reader(out.splitlines()))[1:]]
    assert values == torch_loop(StepLR, {"step_size": 10}, 30)[0].tolist()


def test_a_call_gets_the_two_ways_to_write_it(cli):
    code, out, err = cli("plot", "cosine(T_max=20)")
    assert code == 2 and err == ("lrviz: error: 'cosine(T_max=20)' is written as a call: write cosine:T_max=20 "
                                 "(inline) or cosine --T_max 20 (flags)\n")


def test_labels_repeat_one_per_schedule(cli):
    code, out, err = cli("table", "cosine:T_max=4", "step:step_size=2", "--label", "warm", "--label", "steps")
    assert code == 0, err
    assert out.splitlines()[0] == "step,warm,steps"
    code, out, err = cli("compare", "cosine:T_max=4", "step:step_size=2", "--label", "only-one", "--terminal")
    assert (code, err) == (2, "lrviz: error: --label is given 1 times for 2 schedules: give one per schedule, "
                              "in order (or name: in YAML)\n")


def test_steps_per_epoch_that_changes_nothing_says_what_to_add(cli):
    code, out, err = cli("table", "step:step_size=2", "--steps", "4", "--steps-per-epoch", "3")
    assert code == 0
    assert err == ("lrviz: warning: --steps-per-epoch changes nothing here: the schedule is stepped every step; "
                   "add --interval epoch (the loop steps it once an epoch) or --unit epoch (rows per epoch)\n")
    plain = cli("table", "step:step_size=2", "--steps", "4")[1]
    assert out == plain
    assert cli("table", "step:step_size=2", "--steps", "4", "--steps-per-epoch", "3", "--interval", "epoch")[2] == ""


def test_a_unit_the_rows_already_have_says_so(cli):
    code, out, err = cli("table", "step:step_size=2", "--steps", "4", "--unit", "step")
    assert code == 0 and err == ("lrviz: warning: --unit step: the rows are already steps, so it changes nothing; "
                                 "did you mean --interval epoch?\n")


def test_an_argument_spelt_like_an_lrviz_option_is_refused(cli):
    for args in (["--sched", "tests/fixtures/every_lr.py:EveryLR"], ["tests/fixtures/every_lr.py:EveryLR"]):
        code, out, err = cli("table", *args, "--every", "5")
        assert (code, out) == (2, "")
        assert err == ("lrviz: error: --every is both an option of lrviz table and an argument of EveryLR: lrviz will "
                       "not guess; for the argument write it inline, tests/fixtures/every_lr.py:EveryLR:every=VALUE\n")
    code, out, err = cli("table", "tests/fixtures/every_lr.py:EveryLR:every=2", "--every", "5", "--steps", "11")
    assert code == 0 and [row.split(",")[0] for row in out.splitlines()[1:]] == ["0", "5", "10"]


def test_the_headline_cosine_shows_one_descent(cli):
    """`lrviz plot cosine --T_max 20`: T_max + 1 rows, from the lr down to eta_min, as torch gives them."""
    code, out, err = cli("table", "cosine", "--T_max", "20", "--eta_min", "0.001")
    assert (code, err) == (0, "")
    values = np.array([float(row.split(",")[1]) for row in out.splitlines()[1:]])
    assert np.array_equal(values, torch_loop(CosineAnnealingLR, {"T_max": 20, "eta_min": 0.001}, 21)[0])
    assert values[-1] == values.min()


def test_past_t_max_lrviz_says_why_the_lr_rises(cli):
    code, out, err = cli("table", "cosine:T_max=20", "--steps", "50")
    assert code == 0 and len(out.splitlines()) == 51
    assert err == ("lrviz: warning: CosineAnnealingLR reaches eta_min at step 20 (T_max=20) and then rises again: "
                   "torch's cosine has a period of 2*T_max. Set T_max to the run's length, or use sgdr "
                   "(CosineAnnealingWarmRestarts) for restarts\n")
    assert lrviz.simulate("cosine:T_max=20", steps=50).notes == (err.removeprefix("lrviz: warning: ").strip(),)
