"""Nothing lost: an output file is replaced only by a complete new one, and a closed pipe ends quietly."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from lrviz.errors import LrvizError
from lrviz.output import write_atomically

OLD = b"the previous output, which must survive\n"


@pytest.fixture
def existing(tmp_path, monkeypatch):
    """A directory holding one earlier output of each kind, as the current directory."""
    monkeypatch.chdir(tmp_path)
    for name in ("old.png", "old.svg", "old.csv"):
        (tmp_path / name).write_bytes(OLD)
    return tmp_path


def left_alone(root: Path) -> None:
    """Every earlier output has its old bytes and nothing else (no temporary file) is there."""
    assert sorted(p.name for p in root.iterdir()) == ["old.csv", "old.png", "old.svg"]
    for path in root.iterdir():
        assert path.read_bytes() == OLD


class RendererBroke(Exception):
    pass


def test_a_renderer_failing_mid_file_leaves_the_old_figure(cli, existing, monkeypatch):
    from matplotlib.figure import Figure

    def half_then_fail(self, fh, **kwargs):
        fh.write(b"\x89PNG half a figure")
        raise RendererBroke("the renderer broke half way")

    monkeypatch.setattr(Figure, "savefig", half_then_fail)
    for name in ("old.png", "old.svg"):
        code, _, _ = cli("plot", "cosine:T_max=10", "-o", name)
        assert code != 0
    left_alone(existing)


def test_a_table_failing_mid_file_leaves_the_old_table(cli, existing, monkeypatch):
    import lrviz.render.table as table

    def some_rows_then_fail(*args, **kwargs):
        yield "step,lr\n"
        yield "0,0.1\n"
        raise RendererBroke("the table broke half way")

    monkeypatch.setattr(table, "table_lines", some_rows_then_fail)
    code, _, _ = cli("table", "cosine:T_max=10", "-o", "old.csv")
    assert code != 0
    left_alone(existing)


@pytest.mark.parametrize("argv", [
    ["plot", "cosin:T_max=10", "-o", "old.png"],                # a bad spec
    ["plot", "cosine:T_max=10", "--steps", "0", "-o", "old.svg"],  # a bad option
    ["table", "multistep:milestones=[60,30]", "-o", "old.csv"],  # refused after parsing
    ["table", "cosine:T_max=0", "--steps", "5", "-o", "old.csv"],  # torch fails while stepping
], ids=["bad-spec", "bad-option", "refused-arguments", "torch-error"])
def test_a_usage_error_leaves_the_old_output(cli, existing, argv):
    code, _, err = cli(*argv)
    assert code == 2 and err.startswith("lrviz: error: ")
    left_alone(existing)


def test_an_interrupt_mid_write_leaves_the_old_file(existing):
    def interrupted(fh):
        fh.write("partial\n")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(existing / "old.csv", interrupted)
    left_alone(existing)


def test_a_success_replaces_the_bytes_and_keeps_the_mode(cli, existing):
    os.chmod("old.csv", 0o600)
    code, _, err = cli("table", "step:step_size=1,gamma=0.5", "--steps", "3", "-o", "old.csv")
    assert code == 0, err
    assert Path("old.csv").read_text() == "step,lr\n0,0.1\n1,0.05\n2,0.025\n"
    assert stat.S_IMODE(os.stat("old.csv").st_mode) == 0o600
    assert sorted(p.name for p in existing.iterdir()) == ["old.csv", "old.png", "old.svg"]


def test_a_symlink_stays_a_link_to_the_new_file(cli, existing):
    os.symlink("old.csv", "link.csv")
    code, _, err = cli("table", "step:step_size=1,gamma=0.5", "--steps", "2", "-o", "link.csv")
    assert code == 0, err
    assert os.path.islink("link.csv")
    assert Path("old.csv").read_text() == "step,lr\n0,0.1\n1,0.05\n"


def test_a_device_is_written_in_place_not_replaced(existing):
    write_atomically("/dev/null", lambda fh: fh.write("discarded\n"))
    assert Path("/dev/null").is_char_device()


def test_a_write_error_is_a_usage_error_without_leftovers(existing):
    def disk_full(fh):
        fh.write("partial\n")
        raise OSError(28, "No space left on device")

    with pytest.raises(LrvizError, match="cannot write '.*old.csv': No space left on device"):
        write_atomically(existing / "old.csv", disk_full)
    left_alone(existing)


@pytest.mark.skipif(shutil.which("head") is None or shutil.which("bash") is None, reason="needs bash and head")
def test_a_closed_pipe_ends_quietly():
    lrviz = f"{sys.executable} -m lrviz"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{lrviz} table cosine:T_max=60000 --steps 60000 | head -3"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.stdout.splitlines()[0] == "step,lr" and len(result.stdout.splitlines()) == 3
    assert result.stderr == ""
    assert result.returncode == 0
