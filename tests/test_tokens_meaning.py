"""A SPEC means what was typed (issue 21), checked in real working directories: a token is a YAML
file when it looks like a path (a .yaml/.yml suffix or a path separator) or when no scheduler has
its name; when it could be both, lrviz refuses in one line naming both readings."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from torch.optim import lr_scheduler

from conftest import torch_loop, with_peers

FIXTURES = Path(__file__).parent / "fixtures"
#: a YAML schedule whose numbers differ from every inline spec below: reading it by mistake shows
OTHER = "scheduler: {type: step, step_size: 1, gamma: 0.25}\nsteps: 3\nlr: 0.1\n"
QUARTERS = [0.1, 0.025, 0.00625]


def column(out: str) -> list[float]:
    return [float(line.split(",")[1]) for line in out.strip().splitlines()[1:]]


@pytest.fixture
def here(tmp_path, monkeypatch):
    """A working directory of one's own."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", with_peers(["exp", "cosine:T_max=3", "Exp", "hf:linear"]))
def test_a_file_named_like_a_scheduler_is_refused_naming_both_readings(cli, here, name):
    (here / name).write_text(OTHER)
    code, out, err = cli("table", name, "--steps", 3)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert f"'{name}' names both a file here and a scheduler" in err
    assert f"./{name}" in err  # how to read the file
    scheduler = name.partition(":")[0] if not name.startswith("hf:") else name
    assert f"--sched {scheduler}" in err  # how to get the scheduler


def test_the_refusal_spells_the_scheduler_reading_with_its_arguments(cli, here):
    (here / "cosine:T_max=3").write_text(OTHER)
    code, _, err = cli("table", "cosine:T_max=3")
    assert code == 2 and "--sched cosine --T_max 3" in err
    code, out, err = cli("table", "--sched", "cosine", "--T_max", 3, "--steps", 3)  # as the message says
    assert code == 0, err
    assert column(out) == torch_loop(lr_scheduler.CosineAnnealingLR, {"T_max": 3}, 3)[0].tolist()


@pytest.mark.parametrize("written", ["./exp", "exp.yaml", "sub/exp"])
def test_a_token_written_as_a_path_is_the_file(cli, here, written):
    path = here / written
    path.parent.mkdir(exist_ok=True)
    path.write_text(OTHER)
    code, out, err = cli("table", written)
    assert code == 0, err
    assert column(out) == QUARTERS


def test_a_file_no_scheduler_is_named_like_is_read(cli, here):
    (here / "myconfig").write_text(OTHER)
    code, out, err = cli("table", "myconfig")
    assert code == 0, err
    assert column(out) == QUARTERS


def test_an_inline_spec_is_the_scheduler_when_no_file_has_its_name(cli, here):
    code, out, err = cli("table", "exp:gamma=0.5", "--steps", 3)
    assert code == 0, err
    assert column(out) == [0.1, 0.05, 0.025]


@pytest.mark.parametrize("expression", ["1/(epoch+1)", "1 / (epoch + 1)"])
def test_an_inline_expression_with_a_slash_is_not_a_path(cli, here, expression):
    (here / "lambda:lr_lambda=1").mkdir()  # even where the text up to the slash is a directory
    code, out, err = cli("table", f"lambda:lr_lambda={expression}", "--steps", 5)
    assert code == 0, err
    expected = torch_loop(lr_scheduler.LambdaLR, {"lr_lambda": lambda epoch: 1 / (epoch + 1)}, 5)[0]
    assert np.array_equal(column(out), expected)


def test_a_reference_to_a_class_in_a_subdirectory_is_code_not_a_path(cli, here):
    (here / "path").mkdir()
    shutil.copy(FIXTURES / "my_lr.py", here / "path" / "my.py")
    code, out, err = cli("table", "path/my.py:ScaledStepLR:period=2,gamma=0.5", "--steps", 5)
    assert code == 0, err
    assert column(out) == [0.1, 0.1, 0.05, 0.05, 0.025]  # ScaledStepLR's own rule: 0.1 * 0.5 ** (t // 2)
    code, out, err = cli("table", "path/my.py:MyLR", "--steps", 3)
    assert code == 0, err
    assert column(out) == [0.1, 0.1, 0.1]


def test_deciding_what_a_token_means_runs_no_code(cli, here):
    """A token naming a file AND a module's class is ambiguous: refused without importing the module."""
    (here / "evil.py").write_text("import pathlib\npathlib.Path('ran').write_text('yes')\nclass C:\n    pass\n")
    (here / "evil.py:C").write_text(OTHER)
    code, _, err = cli("table", "evil.py:C")
    assert code == 2 and "names both a file here and a scheduler" in err
    assert not (here / "ran").exists()


def test_a_missing_yaml_file_says_so(cli, here):
    code, _, err = cli("table", "exp.yaml")
    assert code == 2 and "no such file: exp.yaml" in err
