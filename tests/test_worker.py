"""lrviz.startup.figure_worker: a figure drawn by the forked process is the file drawn in process, and
errors, before or while drawing, leave no file and no process behind."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import lrviz
from lrviz.startup.figure_worker import draw_here, figure_worker

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="fork only")


def in_fresh_process(code: str, cwd) -> str:
    """Run ``code`` in a new interpreter with the command line's start-up tricks on (lrviz.startup)."""
    code = "import lrviz.startup\nlrviz.startup.enable_cli_tricks()\n" + code
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=cwd).stdout


@pytest.mark.parametrize("command", [["plot", "sgdr:T_0=10,T_mult=2", "--steps", "70", "--log"],
                                     ["compare", "cosine:T_max=30", "step:step_size=10", "--layout", "overlay"]])
def test_the_cli_draws_through_the_forked_worker_and_gets_the_same_file(tmp_path, command):
    """A real `lrviz plot -o` / `compare -o`: drawn by the forked worker (matplotlib never imported by the
    command's own process), byte for byte the file drawn in process with the worker switched off."""
    probe = ("import atexit, sys, lrviz.__main__\n"
             "atexit.register(lambda: print('parent imported matplotlib:', 'matplotlib' in sys.modules, file=sys.stderr))\n"
             "sys.argv = ['lrviz', *sys.argv[1:]]\n"
             "lrviz.__main__.main()\n")
    env = {k: v for k, v in os.environ.items() if k != "LRVIZ_NO_FORK"}
    forked = subprocess.run([sys.executable, "-c", probe, *command, "-o", "forked.png"], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert forked.returncode == 0, forked.stderr
    assert "parent imported matplotlib: False" in forked.stderr
    here = subprocess.run([sys.executable, "-c", probe, *command, "-o", "here.png"], cwd=tmp_path,
                          env={**env, "LRVIZ_NO_FORK": "1"}, capture_output=True, text=True)
    assert here.returncode == 0, here.stderr
    assert "parent imported matplotlib: True" in here.stderr
    assert (tmp_path / "forked.png").read_bytes() == (tmp_path / "here.png").read_bytes()


def test_as_a_library_lrviz_changes_nothing_global(tmp_path):
    """Without the command line, no trick is on: torch is imported plainly (nothing frozen), figures are
    drawn in process."""
    code = ("import gc, lrviz\n"
            "from lrviz.startup.figure_worker import figure_worker\n"
            "with figure_worker() as draw:\n"
            "    trace = lrviz.simulate('cosine:T_max=5')\n"
            "    draw([trace], 'x.png')\n"
            "print(gc.get_freeze_count(), draw.__name__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert out.split() == ["0", "draw_here"]


def test_the_forked_figure_is_the_figure_drawn_here(tmp_path):
    out = in_fresh_process(
        "import sys, lrviz\n"
        "from lrviz.startup.figure_worker import figure_worker\n"
        "with figure_worker() as draw:\n"
        "    trace = lrviz.simulate('sgdr:T_0=10,T_mult=2', steps=70)\n"
        "    print(draw([trace], 'forked.png', log=True))\n"
        "print('matplotlib' in sys.modules)\n", tmp_path)
    assert out.split() == ["forked.png", "False"]  # drawn, and not by this process
    draw_here([lrviz.simulate("sgdr:T_0=10,T_mult=2", steps=70)], tmp_path / "here.png", log=True)
    assert (tmp_path / "forked.png").read_bytes() == (tmp_path / "here.png").read_bytes()


def test_an_error_before_drawing_leaves_no_child(tmp_path):
    out = in_fresh_process(
        "import os, lrviz\n"
        "from lrviz.startup.figure_worker import figure_worker\n"
        "try:\n"
        "    with figure_worker():\n"
        "        lrviz.simulate('cosine:T_max=x')\n"
        "except lrviz.LrvizError as exc:\n"
        "    print(exc)\n"
        "try:\n"
        "    os.waitpid(-1, os.WNOHANG)\n"
        "except ChildProcessError:\n"
        "    print('no child left')\n", tmp_path)
    assert out.splitlines() == ["T_max must be an integer, got 'x'", "no child left"]
    assert list(tmp_path.iterdir()) == []


def test_errors_while_drawing_come_back(tmp_path):
    out = in_fresh_process(
        "import lrviz\n"
        "from lrviz.startup.figure_worker import figure_worker\n"
        "with figure_worker() as draw:\n"
        "    trace = lrviz.simulate('cosine:T_max=5')\n"
        "    for path in ('missing/a.png', 'a.gif', 'b.png'):\n"
        "        try:\n"
        "            print(draw([trace], path))\n"
        "        except (lrviz.LrvizError, RuntimeError) as exc:\n"
        "            print(type(exc).__name__, str(exc).splitlines()[0])\n", tmp_path)
    assert out.splitlines() == ["LrvizError cannot write 'missing/a.png': directory 'missing' does not exist",
                                "RuntimeError drawing the figure failed: KeyError: '.gif'", "b.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.png"]


def test_in_a_process_that_has_torch_it_draws_here():
    with figure_worker() as draw:
        assert draw is draw_here
