"""Figures drawn by a forked process that imports matplotlib while lrviz imports torch.

A plot pays for two big imports, torch (to simulate) and matplotlib (to draw), and nothing in
one needs the other until the figure is drawn. :func:`figure_worker` forks before torch is
imported: the child imports matplotlib on the other core and waits; the parent simulates, then
hands it the traces and gets back the path written, or the error. Where fork is missing
(Windows), or either library is already imported (nothing to overlap), the figure is drawn in
process instead; the result is the same file.

The child never outlives the command: it dies with its parent (Linux: ``PR_SET_PDEATHSIG``), is
stopped when the command fails or is interrupted, and a signal unwinds its drawing so that no
temporary file remains. Its errors come back as they are: an import failing, or the signal that
killed it.
"""

from __future__ import annotations

import atexit
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


def check_figure(traces, path, title: str | None = None) -> None:
    """Refuse, before drawing, what a figure cannot show: more than MAX_FIGURE_SERIES curves, a title
    past MAX_LABEL_CHARS, or a path this command read as input."""
    from ..limits import check_figure_series, check_text
    from ..output import check_not_input

    check_figure_series(sum(t.groups for t in traces))
    if title is not None:
        check_text(title, "title", field="title")
    check_not_input(path)


def draw_here(traces, path, **options) -> Path:
    """Draw and save the figure in this process."""
    from ..render.png import make_figure, save_figure

    check_figure(traces, path, options.get("title"))
    return save_figure(make_figure(traces, **options), path)


def _matplotlib_temporary_dir() -> str | None:
    """The directory matplotlib made for itself when its config directory is not writable (it removes it at exit)."""
    import tempfile

    import matplotlib

    made = Path(matplotlib.get_configdir())
    return str(made) if made.parent == Path(tempfile.gettempdir()) and made.name.startswith("matplotlib-") else None


def _serve(jobs, answers) -> int:
    """The child: import matplotlib, then draw each job until the parent closes the pipe. Before its
    answer, it tells the parent (``("made", path)``) what it creates that only its exit would remove."""
    from ..output import temporaries_announced

    def tell(*message) -> None:
        pickle.dump(message, answers)
        answers.flush()

    try:
        from matplotlib.backends import backend_agg  # noqa: F401 - the import is the point

        from ..render import png  # noqa: F401
        broken, made = None, _matplotlib_temporary_dir()
    except Exception as exc:  # noqa: BLE001 - every job is answered with it: the parent fails with the real error
        broken, made = ("error", f"cannot import matplotlib: {type(exc).__name__}: {exc}", traceback.format_exc()), None
    while True:
        try:
            traces, path, options = pickle.load(jobs)
        except EOFError:
            return 0
        if made:
            tell("made", made)
        try:
            with temporaries_announced(lambda tmp: tell("made", tmp)):
                answer = broken or ("ok", draw_here(traces, path, **options))
        except LrvizError as exc:
            answer = ("usage", str(exc))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails with it
            answer = ("error", f"{type(exc).__name__}: {exc}", traceback.format_exc())
        tell(*answer)


def _die_with(parent: int) -> None:
    """In the child: be sent SIGTERM when the parent dies (Linux), so no drawing outlives the command."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent stops it when it can
        pass
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _child(job_read: int, job_write: int, answer_read: int, answer_write: int, parent: int) -> None:
    """The forked child's whole life: serve, run only its own exit handlers (matplotlib's temporary
    directory), and leave without returning into lrviz's command."""
    from ..output import raise_terminated

    code = 1
    try:
        atexit._clear()  # the parent's handlers are the parent's
        signal.signal(signal.SIGTERM, raise_terminated)  # unwinds a drawing: its temporary file is removed
        _die_with(parent)
        os.close(job_write)
        os.close(answer_read)
        with os.fdopen(job_read, "rb") as jobs, os.fdopen(answer_write, "wb") as answers:
            code = _serve(jobs, answers)
    finally:
        try:
            atexit._run_exitfuncs()
        finally:
            os._exit(code)


def _ended(pid: int, made: list[str]) -> str:
    """How the child ended (it has closed its pipe), in words, once reaped and what it left removed."""
    import shutil

    _, status = os.waitpid(pid, 0)
    for path in made:
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            Path(path).unlink(missing_ok=True)
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        return f"was killed by {name}" + (" (out of memory?)" if name == "SIGKILL" else "")
    return f"exited with code {os.waitstatus_to_exitcode(status)}"


def _answer(answers, made: list[str]):
    """The child's answer to a job, after noting what it says it made."""
    while True:
        message = pickle.load(answers)
        if message[0] != "made":
            return message
        made.append(message[1])


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
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child never returns into lrviz's command
        _child(job_read, job_write, answer_read, answer_write, parent)
    os.close(job_read)
    os.close(answer_write)
    jobs, answers = os.fdopen(job_write, "wb"), os.fdopen(answer_read, "rb")
    state = {"sent": False, "reaped": False}

    def draw(traces, path, **options) -> Path:
        check_figure(traces, path, options.get("title"))
        try:
            job = pickle.dumps((traces, path, options))
        except Exception:  # noqa: BLE001 - e.g. a user's object in a spec: draw it here
            return draw_here(traces, path, **options)
        state["sent"] = True
        made: list[str] = []
        try:
            jobs.write(job)
            jobs.flush()
            answer = _answer(answers, made)
        except (OSError, EOFError, pickle.PickleError):
            state["reaped"] = True
            raise RuntimeError(f"the figure process {_ended(pid, made)} while drawing {path}") from None
        if answer[0] == "ok":
            return answer[1]
        if answer[0] == "usage":
            raise LrvizError(answer[1])
        error = RuntimeError(f"drawing the figure failed: {answer[1]}")
        error.add_note(answer[2])  # the child's traceback, shown with LRVIZ_TRACEBACK
        raise error

    try:
        yield draw
    except BaseException:
        if not state["reaped"]:  # a failure or a signal: a drawing is not wanted (SIGTERM unwinds it cleanly)
            os.kill(pid, signal.SIGTERM)
        raise
    else:
        if not state["sent"] and not state["reaped"]:  # nothing to draw: the child's imports are not wanted
            os.kill(pid, signal.SIGTERM)
    finally:
        for pipe in (jobs, answers):
            try:
                pipe.close()
            except OSError:
                pass
        if not state["reaped"]:
            os.waitpid(pid, 0)
