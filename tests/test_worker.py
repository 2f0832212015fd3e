"""lrviz.render.worker: a figure drawn by the forked process is the file drawn in process, and
errors, before or while drawing, leave no file and no process behind."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import lrviz
from lrviz.errors import LrvizError
from lrviz.render.worker import draw_here, figure_worker

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="fork only")


def in_fresh_process(code: str, cwd) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=cwd).stdout


def test_the_forked_figure_is_the_figure_drawn_here(tmp_path):
    out = in_fresh_process(
        "import sys, lrviz\n"
        "from lrviz.render.worker import figure_worker\n"
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
        "from lrviz.render.worker import figure_worker\n"
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
        "from lrviz.render.worker import figure_worker\n"
        "with figure_worker() as draw:\n"
        "    trace = lrviz.simulate('cosine:T_max=5')\n"
        "    for path in ('missing/a.png', 'a.gif', 'b.png'):\n"
        "        try:\n"
        "            print(draw([trace], path))\n"
        "        except (lrviz.LrvizError, RuntimeError) as exc:\n"
        "            print(type(exc).__name__, str(exc).splitlines()[0])\n", tmp_path)
    assert out.splitlines() == ["LrvizError cannot write 'missing/a.png': directory 'missing' does not exist",
                                "RuntimeError drawing the figure failed:", "b.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.png"]


def test_in_a_process_that_has_torch_it_draws_here():
    with figure_worker() as draw:
        assert draw is draw_here
