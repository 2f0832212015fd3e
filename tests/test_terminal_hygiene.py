"""Terminal hygiene: colour only on a terminal without NO_COLOR, widths from the terminal (80 when
unknown), and a plain-ASCII chart with --ascii."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
CHART = ["plot", "cosine:T_max=20", "--steps", "100", "--terminal"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM")}
    return {**env, "TERM": "xterm-256color", **extra}


def run_on_terminal(*argv: str, columns: int = 50, **env: str) -> str:
    """Run lrviz with stdout on a pseudo-terminal ``columns`` wide; return what it drew."""
    pty = pytest.importorskip("pty")
    import fcntl
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    process = subprocess.Popen([sys.executable, "-m", "lrviz", *argv], stdout=follower, stderr=subprocess.PIPE,
                               env=clean_env(**env))
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=120) == 0, process.stderr.read()
    process.stderr.close()
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def widths(text: str) -> list[int]:
    return [len(ANSI.sub("", line)) for line in text.splitlines()]


@pytest.fixture
def no_terminal_env(monkeypatch):
    """The environment of a pipe: no COLUMNS, no colour settings (the CLI runs in-process, not on a terminal)."""
    for name in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_no_colour_when_not_a_terminal(cli, no_terminal_env):
    code, out, err = cli(*CHART)
    assert code == 0, err
    assert "\x1b[" not in out and "█" in out


def test_colour_and_width_from_a_terminal_unless_no_color():
    coloured = run_on_terminal(*CHART, columns=50)
    assert ANSI.search(coloured), "a terminal should get the coloured chart"
    assert max(widths(coloured)) == 50
    plain = run_on_terminal(*CHART, columns=90, NO_COLOR="1")
    assert not ANSI.search(plain)
    assert max(widths(plain)) == 90


@pytest.mark.parametrize(("columns", "expected"), [(None, 80), ("64", 64), ("wide", 80)],
                         ids=["unknown", "COLUMNS", "COLUMNS-garbage"])
def test_width_without_a_terminal(cli, no_terminal_env, columns, expected):
    if columns is not None:
        no_terminal_env.setenv("COLUMNS", columns)
    code, out, err = cli(*CHART)
    assert code == 0, err
    assert max(widths(out)) == expected


def test_width_option_wins(cli):
    code, out, err = cli(*CHART, "--width", "40")
    assert code == 0, err
    assert max(widths(out)) == 40


def test_ascii_chart_is_plain_ascii_and_the_same_shape(cli):
    code, unicode_out, _ = cli(*CHART, "--label", "余弦")
    code_ascii, ascii_out, err = cli(*CHART, "--label", "余弦", "--ascii")
    assert code == code_ascii == 0, err
    assert ascii_out.isascii() and not unicode_out.isascii()
    assert widths(ascii_out) == widths(unicode_out)
    assert "@" in ascii_out and "|" in ascii_out


def test_ascii_sparkline_after_writing_a_figure(cli, tmp_path):
    code, out, err = cli("plot", "cosine:T_max=20", "-o", tmp_path / "x.png", "--ascii")
    assert code == 0, err
    assert out.isascii() and "@" in out


def test_a_long_label_on_a_narrow_terminal_still_draws(cli, no_terminal_env, tmp_path):
    no_terminal_env.setenv("COLUMNS", "20")
    code, out, err = cli("plot", "cosine:T_max=20", "--label", "x" * 60, "-o", tmp_path / "x.png")
    assert code == 0, err
    assert re.fullmatch("x{60}  [ ▁▂▃▄▅▆▇█]{8}", out.splitlines()[0])


def test_an_output_without_unicode_gets_ascii_and_escapes_instead_of_a_crash(tmp_path):
    env = {**clean_env(), "PYTHONIOENCODING": "ascii"}
    chart = subprocess.run([sys.executable, "-m", "lrviz", *CHART, "--label", "余弦"], capture_output=True,
                           env=env, timeout=120)
    assert chart.returncode == 0, chart.stderr
    assert chart.stdout.isascii() and b"??" in chart.stdout and b"@" in chart.stdout
    two = tmp_path / "two.yaml"
    two.write_text("schedules: [{name: 余弦, scheduler: cosine:T_max=3}, {name: b, scheduler: step:step_size=2}]\n",
                   encoding="utf-8")
    table = subprocess.run([sys.executable, "-m", "lrviz", "table", str(two), "--steps", "2"], capture_output=True,
                           env=env, timeout=120)
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0] == rb"step,\u4f59\u5f26,b"


def test_log_scale_of_nothing_positive_stays_linear_with_a_warning(cli):
    code, out, err = cli("plot", "lambda:lr_lambda=0", "--steps", "7", "--log", "--terminal")
    assert code == 0, err
    assert err.splitlines() == ["lrviz: warning: a log scale needs values above 0 and there are none, so the chart keeps a linear scale"]
    assert "█" in out
