"""Write output files atomically: a temporary file beside the target, then a rename.

On any failure the target is left as it was (byte for byte) and the temporary file is removed;
a file that is replaced keeps its permissions. A target that exists but is not a regular file
(``/dev/stdout``, a named pipe) is written in place: renaming over it would replace the device.
Within :func:`inputs_kept` (one command of the CLI), a file read as input (a YAML spec, a metrics
log, the user's code) is never an output: ``lrviz table spec.yaml -o spec.yaml`` is refused.
Within :func:`signals_unwind`, SIGTERM and SIGHUP unwind the program like Ctrl-C does, so a
temporary file is removed rather than left behind.
"""

from __future__ import annotations

import os
import signal
import stat
import tempfile
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO, Callable

from .errors import LrvizError

#: (device, inode) -> path of each file read as input, while a command keeps them
_inputs: ContextVar[dict | None] = ContextVar("lrviz_inputs", default=None)
#: told the path of each temporary file write_atomically makes (the figure worker tells its parent)
_announce: ContextVar[Callable[[str], None] | None] = ContextVar("lrviz_announce", default=None)


@contextmanager
def temporaries_announced(tell: Callable[[str], None]):
    """Within, ``tell(path)`` hears of each temporary file before anything is written to it: a process
    watching this one can remove it should this one be killed before it can."""
    token = _announce.set(tell)
    try:
        yield
    finally:
        _announce.reset(token)


@contextmanager
def inputs_kept():
    """Within, every file :func:`note_input` hears of is refused as an output."""
    token = _inputs.set({})
    try:
        yield
    finally:
        _inputs.reset(token)


class Terminated(BaseException):
    """A signal asked lrviz to stop (like KeyboardInterrupt, not an error of the input)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def raise_terminated(signum: int, frame=None) -> None:
    """A signal handler: unwind with Terminated, through every ``finally``."""
    raise Terminated(signum)


#: the signals that end a process where it stands unless handled (SIGHUP is not on Windows)
ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextmanager
def signals_unwind(signums=ENDING_SIGNALS):
    """Within, each of ``signums`` left at its default (which ends the process on the spot) raises Terminated."""
    replaced = {}
    if threading.current_thread() is threading.main_thread():
        replaced = {s: signal.signal(s, raise_terminated) for s in signums if signal.getsignal(s) == signal.SIG_DFL}
    try:
        yield
    finally:
        for signum, handler in replaced.items():
            signal.signal(signum, handler)


def _identity(path: str | Path) -> tuple[int, int] | None:
    """The (device, inode) of an existing regular file, else None (no file yet, or a device or pipe)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def note_input(path: str | Path) -> None:
    """Remember that ``path`` was read as input (only within :func:`inputs_kept`)."""
    kept, identity = _inputs.get(), _identity(path)
    if kept is not None and identity is not None:
        kept.setdefault(identity, str(path))


def check_not_input(path: str | Path) -> None:
    """An LrvizError when ``path`` is (a link to) a file this command read as input."""
    kept = _inputs.get()
    read = kept.get(_identity(path)) if kept else None
    if read is not None:
        same = "" if read == str(path) else f" (as {read})"
        raise LrvizError(f"cannot write '{path}': this command reads it{same} as input; write the output "
                         f"to another file")


def check_writable(path: str | Path, suffixes: tuple[str, ...] = ()) -> Path:
    """Refuse, before any work, an output path that cannot be written, has a wrong suffix, or is an input."""
    try:
        checked = _check_writable(Path(path), suffixes)
    except OSError as exc:  # e.g. a name too long for the file system
        raise LrvizError(f"cannot write '{path}': {exc.strerror or exc}") from None
    check_not_input(checked)
    return checked


def _check_writable(path: Path, suffixes: tuple[str, ...]) -> Path:
    if suffixes and path.suffix.lower() not in suffixes:
        raise LrvizError(f"cannot tell the format of '{path}': use one of {', '.join(suffixes)}")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise LrvizError(f"cannot write '{path}': directory '{parent}' does not exist")
    if path.is_dir():
        raise LrvizError(f"cannot write '{path}': it is a directory")
    if path.exists() and not os.access(path, os.W_OK):
        raise LrvizError(f"cannot write '{path}': the file is read-only")
    if _is_special(path):
        return path
    if not os.access(parent, os.W_OK):
        raise LrvizError(f"cannot write '{path}': directory '{parent}' is not writable")
    return path


def write_atomically(path: str | Path, write: Callable[[IO], None], *, binary: bool = False) -> Path:
    """Call ``write(fh)`` on a temporary file and move it over ``path`` only when it succeeds."""
    path = check_writable(path)
    if _is_special(path):
        return _write_in_place(path, write, binary)
    mode = stat.S_IMODE(path.stat().st_mode) if path.is_file() else 0o666 & ~_umask()
    target = path.resolve() if path.is_symlink() else path  # keep the link, replace what it points to
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise LrvizError(f"cannot write '{path}': {exc.strerror}") from None
    try:
        if _announce.get() is not None:
            _announce.get()(tmp)
        with os.fdopen(fd, **_open_args(binary)) as fh:
            write(fh)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise LrvizError(f"cannot write '{path}': {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _is_special(path: Path) -> bool:
    """An existing target that is not a regular file: a device or a pipe."""
    return path.exists() and not path.is_file() and not path.is_dir()


def _write_in_place(path: Path, write: Callable[[IO], None], binary: bool) -> Path:
    try:
        with open(path, **_open_args(binary)) as fh:
            write(fh)
    except OSError as exc:
        raise LrvizError(f"cannot write '{path}': {exc.strerror or exc}") from None
    return path


def _open_args(binary: bool) -> dict:
    return {"mode": "wb"} if binary else {"mode": "w", "encoding": "utf-8", "newline": ""}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
