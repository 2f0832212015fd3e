"""The standard streams as a command finds them: closed (``>&-``, ``2>&-``), full (``> /dev/full``),
a reader gone (``| head -1``), a nonsense width (``COLUMNS=0``). Whatever their state, a command
ends with one line on the stream that is left and an exit code that says what happened; it never
succeeds silently with its output lost.

- stdout closed: refused before any work (redirect it to /dev/null to drop the output);
- stdout failing (a full disk): ``cannot write to stdout: No space left on device``, exit 2;
- stdout's reader gone: stop quietly with exit 0, as ``head``'s writers do;
- stderr closed: warnings and progress are dropped, an error goes to stdout;
- ``COLUMNS`` not a width: ignored; narrower than a chart: the narrowest chart.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

from ..errors import LrvizError

#: the narrowest terminal width lrviz draws in: a chart's y labels take 12 columns
MIN_COLUMNS = 20


def _closed(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return True
    return False


def _occupy(fd: int) -> None:
    """/dev/null on a closed standard descriptor: a file lrviz opens later must not get its number
    (a library writing to "stderr" would then write into the output file)."""
    devnull = os.open(os.devnull, os.O_RDWR)
    if devnull != fd:
        os.dup2(devnull, fd)
        os.close(devnull)


def reader_gone() -> None:
    """stdout's reader has gone (or it failed): send what is left to /dev/null, so the interpreter's
    final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (e.g. under CliRunner)
        pass


class GuardedStdout:
    """stdout whose failures are one line: an OSError writing or flushing (a full disk) becomes an
    LrvizError, raised again at every later write and flush (a library swallowing the first cannot
    make the command succeed); a broken pipe stays a BrokenPipeError (the reader went, see
    :func:`reader_gone`)."""

    def __init__(self, stream):
        self._stream, self._failed = stream, None

    def _call(self, name: str, *args):
        if self._failed is not None:
            raise LrvizError(self._failed)
        try:
            return getattr(self._stream, name)(*args)
        except BrokenPipeError:
            raise
        except OSError as exc:
            reader_gone()
            self._failed = f"cannot write to stdout: {exc.strerror or exc}"
            raise LrvizError(self._failed) from None

    def write(self, text):
        if isinstance(text, str) and not text:  # click probes streams with empty writes
            return 0
        return self._call("write", text)

    def writelines(self, lines):
        return self._call("writelines", lines)

    def flush(self):
        return self._call("flush")

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _sane_columns(environ) -> None:
    """``COLUMNS`` as rich reads it: a nonsense value (``0``, ``abc``) removed, a tiny one raised to MIN_COLUMNS."""
    text = environ.get("COLUMNS")
    if text is None:
        return
    width = int(text) if text.strip().isdigit() and len(text) < 10 else 0
    if width <= 0:
        del environ["COLUMNS"]
    elif width < MIN_COLUMNS:
        environ["COLUMNS"] = str(MIN_COLUMNS)


@contextmanager
def guarded():
    """Within: closed standard descriptors hold /dev/null, stdout is guarded (GuardedStdout), stderr
    (if closed) drops what is said to it, and ``COLUMNS`` is a usable width. A closed stdout is refused."""
    stdout_closed = sys.stdout is None or (sys.stdout is sys.__stdout__ and _closed(1))
    for fd in (0, 1, 2):
        if _closed(fd):
            _occupy(fd)
    saved = sys.stdout, sys.stderr, os.environ.get("COLUMNS")
    if stdout_closed:
        raise LrvizError("stdout is closed: lrviz writes its results there (redirect it to /dev/null to drop them)")
    sys.stdout = GuardedStdout(sys.stdout)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    _sane_columns(os.environ)
    try:
        yield
    finally:
        if sys.stderr is not saved[1]:
            sys.stderr.close()
        sys.stdout, sys.stderr = saved[:2]
        if saved[2] is not None:
            os.environ["COLUMNS"] = saved[2]


def flush_stdout() -> None:
    """Flush stdout at the end of a command: a failure is an LrvizError now, not a message at exit."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        reader_gone()


def say_error(line: str) -> None:
    """Print an error line on stderr, or on stdout when stderr is closed; on neither if both are."""
    stream = sys.stderr if sys.stderr is not None else sys.stdout
    try:
        if stream is not None:
            print(line, file=stream, flush=True)
    except (OSError, ValueError):  # the stream is gone too: the exit code is all that is left
        pass
