"""Every stream a shell can hand lrviz (issue 20): stdout full (/dev/full) or closed (``>&-``), stderr
closed (``2>&-``), stdout's reader gone (``| head -1``), ``COLUMNS=0``; and labels are data, not
terminal control or markup. One line on the stream that is left, an exit code saying what happened,
never a silent success. Every case is a real process under limits (tests/limited.py)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from limited import assert_refused, command, environment, run_all, run_limited

#: one command for each way lrviz writes stdout: click's help, rich (tables, charts), plain writes (a table)
COMMANDS = {
    "help": ["--help"],
    "list": ["list"],
    "describe": ["describe", "cosine"],
    "check": ["check", "cosine:T_max=3"],
    "plot-terminal": ["plot", "cosine:T_max=300", "--terminal"],
    "table": ["table", "cosine:T_max=3"],
}
FULL = pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full, a device that is always full")


@FULL
def test_a_full_stdout_is_one_line_and_exit_2(tmp_path):
    with open("/dev/full", "wb") as full:
        outcomes = run_all({**COMMANDS, "code": ["code", "cosine:T_max=3"], "version": ["--version"]}, tmp_path,
                           stdout=full)
    for outcome in outcomes.values():
        assert_refused(outcome, "cannot write to stdout: No space left on device")


def test_a_closed_stdout_is_refused_before_any_work(tmp_path):
    outcomes = run_all({"list": ["list"], "to-a-file": ["table", "cosine:T_max=3", "-o", "x.csv"]}, tmp_path,
                       stdout=None, closed=(1,))
    for outcome in outcomes.values():
        assert outcome.code == 2 and outcome.lines == [
            "lrviz: error: stdout is closed: lrviz writes its results there (redirect it to /dev/null to drop them)"]
    assert list(tmp_path.iterdir()) == []


def test_with_stderr_closed_an_error_is_the_one_line_on_stdout(tmp_path):
    outcome = run_limited(["table", "cosin:T_max=3"], tmp_path, stderr=None, closed=(2,))
    assert outcome.code == 2
    assert outcome.out.splitlines() == ["lrviz: error: unknown scheduler 'cosin'; did you mean 'cosine'? "
                                        "(run 'lrviz list' to see all; e.g. cosine, step, multistep, onecycle)"]


def test_with_stderr_closed_warnings_stay_out_of_the_table(tmp_path):
    """A warning (verbose is deprecated) has no stream left: it must not land in the CSV on stdout or in a file."""
    plain = run_limited(["table", "cosine:T_max=3"], tmp_path)
    outcome = run_limited(["table", "cosine:T_max=3,verbose=True"], tmp_path, stderr=None, closed=(2,))
    assert outcome.code == 0 and outcome.out == plain.out
    written = run_limited(["table", "cosine:T_max=3,verbose=True", "-o", "x.csv"], tmp_path, stderr=None, closed=(2,))
    assert written.code == 0 and written.out == ""
    assert (tmp_path / "x.csv").read_text() == plain.out


def reader_gone(args, cwd) -> tuple[int, str]:
    """Run with stdout a pipe whose reader has already gone: every write fails (EPIPE); (exit code, stderr)."""
    read, write = os.pipe()
    os.close(read)
    try:
        outcome = run_limited(args, cwd, stdout=write)
    finally:
        os.close(write)
    return outcome.code, outcome.err


@pytest.mark.parametrize("args", COMMANDS.values(), ids=COMMANDS.keys())
def test_when_the_reader_goes_lrviz_stops_quietly_with_exit_0(tmp_path, args):
    """The README's promise for ``| head -1`` (list, describe, --help, check, --terminal, table): exit 0,
    nothing on stderr (rich's own answer, and click's, was exit 1)."""
    assert reader_gone(args, tmp_path) == (0, "")


@pytest.mark.parametrize("args", [["list"], ["table", "cosine:T_max=100000"]], ids=["list", "table"])
def test_piped_into_head_lrviz_exits_0(tmp_path, args):
    line = " ".join(f"'{a}'" for a in command(*args))
    done = subprocess.run(["bash", "-c", f"{line} | head -1 > /dev/null; echo ${{PIPESTATUS[0]}}"], cwd=tmp_path,
                          env=environment(), capture_output=True, text=True, timeout=240)
    assert (done.stdout.strip(), done.stderr) == ("0", "")


def test_a_nonsense_width_still_draws(tmp_path):
    widths = ["0", "abc", "3", "-5", "99999999999999999999"]
    outcomes = run_all({width: (["plot", "cosine:T_max=30", "--terminal"], {"env": environment(COLUMNS=width)})
                        for width in widths} | {"list": (["list"], {"env": environment(COLUMNS="0")})}, tmp_path)
    for width in widths:
        chart = outcomes[width]
        assert chart.code == 0 and "█" in chart.out and "cosine:T_max=30" in chart.out, chart.describe()
    listed = outcomes["list"]
    assert listed.code == 0 and "CosineAnnealingLR" in listed.out and len(listed.out.splitlines()) > 30


CONTROL = "a\x1b[2J\x07b\nc\u202e"
MARKUP = ["a[/]b", "[bold red]x[/bold red]", "[link=http://x]y"]


@pytest.mark.parametrize("args", [
    ["plot", "cosine:T_max=30", "--terminal", "--label", CONTROL],
    ["compare", "cosine:T_max=30", "step:step_size=5", "--terminal", "--label", CONTROL, "--label", "b"],
    ["check", "cosine:T_max=3", "--label", CONTROL],
    ["table", "cosine:T_max=3", "step:step_size=2", "--label", CONTROL, "--label", "b", "--format", "md"],
    ["table", "cosine:T_max=3,eta_min=0\x1b[31m"],
], ids=["plot", "compare", "check", "table", "inline-token"])
def test_terminal_control_in_labels_is_shown_escaped(tmp_path, args):
    outcome = run_limited(args, tmp_path)
    shown = outcome.out + outcome.err
    assert not any(ch in shown for ch in "\x1b\x07\u202e"), outcome.describe()
    if outcome.code == 0:
        assert "a\\x1b[2J\\x07b\\nc\\u202e" in outcome.out
    else:
        assert_refused(outcome, "\\x1b[31m")


def test_rich_markup_in_labels_is_shown_as_written(tmp_path):
    cases = {("check", label): ["check", "cosine:T_max=3", "--label", label] for label in MARKUP}
    cases[("compare", MARKUP[1])] = ["compare", "cosine:T_max=3", "step:step_size=2", "--terminal",
                                     "--label", MARKUP[1], "--label", "b"]
    for (_, label), outcome in run_all(cases, tmp_path).items():
        assert outcome.code == 0 and outcome.err == "", outcome.describe()
        assert label in outcome.out
