"""Figures drawn by a forked process that imports matplotlib while lrviz imports torch.

A plot pays for two big imports, torch (to simulate) and matplotlib (to draw), and nothing in
one needs the other until the figure is drawn. :func:`figure_worker` forks before torch is
imported: the child imports matplotlib on the other core and waits; the parent simulates, then
hands it the traces and gets back the path written, or the error. Where fork is missing
(Windows), or either library is already imported (nothing to overlap), the figure is drawn in
process instead; the result is the same file.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ..errors import LrvizError
from . import active


def draw_here(traces, path, **options) -> Path:
    """Draw and save the figure in this process."""
    from ..render.png import make_figure, save_figure

    return save_figure(make_figure(traces, **options), path)


def _serve(jobs, answers) -> int:
    """The child: import matplotlib, then draw each job until the parent closes the pipe."""
    from matplotlib.backends import backend_agg  # noqa: F401 - the import is the point

    from ..render import png  # noqa: F401
    while True:
        try:
            traces, path, options = pickle.load(jobs)
        except EOFError:
            return 0
        try:
            answer = ("ok", draw_here(traces, path, **options))
        except LrvizError as exc:
            answer = ("usage", str(exc))
        except Exception:  # noqa: BLE001 - reported to the parent, which fails with it
            answer = ("error", traceback.format_exc())
        pickle.dump(answer, answers)
        answers.flush()


def _can_fork() -> bool:
    return (active("fork") and hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1
            and "torch" not in sys.modules and "matplotlib" not in sys.modules)


@contextmanager
def figure_worker() -> Iterator[Callable[..., Path]]:
    """``with figure_worker() as draw: ... draw(traces, path, **make_figure_options) -> Path``."""
    if not _can_fork():
        yield draw_here
        return
    job_read, job_write = os.pipe()
    answer_read, answer_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into lrviz's command
        code = 1
        try:
            os.close(job_write)
            os.close(answer_read)
            with os.fdopen(job_read, "rb") as jobs, os.fdopen(answer_write, "wb") as answers:
                code = _serve(jobs, answers)
        finally:
            os._exit(code)
    os.close(job_read)
    os.close(answer_write)
    jobs, answers = os.fdopen(job_write, "wb"), os.fdopen(answer_read, "rb")

    sent = []

    def draw(traces, path, **options) -> Path:
        try:
            job = pickle.dumps((traces, path, options))
        except Exception:  # noqa: BLE001 - e.g. a user's object in a spec: draw it here
            return draw_here(traces, path, **options)
        sent.append(path)
        try:
            jobs.write(job)
            jobs.flush()
            kind, value = pickle.load(answers)
        except (OSError, EOFError, pickle.PickleError) as exc:
            raise RuntimeError(f"the figure process failed: {exc}") from None
        if kind == "ok":
            return value
        if kind == "usage":
            raise LrvizError(value)
        raise RuntimeError(f"drawing the figure failed:\n{value}")

    try:
        yield draw
    finally:
        if not sent:  # nothing to draw (an error came first): the child's imports are not wanted
            os.kill(pid, signal.SIGKILL)
        # else it is drawing or done; interrupted (Ctrl-C reaches it too), it removes its temporary file
        for pipe in (jobs, answers):
            try:
                pipe.close()
            except OSError:
                pass
        os.waitpid(pid, 0)
