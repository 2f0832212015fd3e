"""Run ``lrviz`` in a real process under resource limits: its address space and CPU time are capped
with ``resource.setrlimit`` in the child (``preexec_fn``), and a wall-clock timeout ends it. A case
that would grow past the memory limit fails there (MemoryError, exit 1) instead of swapping the
machine; one that would run for minutes is killed at the timeout and the test says so.

``outcome.code`` is the exit code (negative: killed by that signal), ``out`` and ``err`` the streams.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: room for torch and numpy (about 0.7 GB mapped) and a figure; a case needing more is unbounded
MEMORY_MB = 2500
CPU_SECONDS = 120
#: wall clock: generous, as the test machine is shared; a bounded case takes a few seconds
TIMEOUT = 240


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    seconds: float

    @property
    def lines(self) -> list[str]:
        return self.err.splitlines()

    def describe(self) -> str:
        return f"exit {self.code} after {self.seconds:.1f}s\nstdout: {self.out[:300]!r}\nstderr: {self.err[-1500:]}"


def limits(memory_mb: int = MEMORY_MB, cpu_seconds: int = CPU_SECONDS, closed: tuple[int, ...] = ()):
    """A ``preexec_fn`` capping the child's address space and CPU time, and closing the descriptors
    ``closed`` (``>&-`` is ``closed=(1,)``)."""
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
        for fd in closed:
            os.close(fd)
    return apply


def environment(**extra: str) -> dict[str, str]:
    """The tests' environment, running this checkout's lrviz (not an installed one)."""
    env = {k: v for k, v in os.environ.items() if k not in ("LRVIZ_NO_FORK", "LRVIZ_TRACEBACK")}
    return {**env, "PYTHONPATH": str(ROOT), "COLUMNS": "100", **extra}


def command(*args) -> list[str]:
    return [sys.executable, "-m", "lrviz", *map(str, args)]


def run_limited(args, cwd, *, memory_mb: int = MEMORY_MB, cpu_seconds: int = CPU_SECONDS, timeout: float = TIMEOUT,
                env: dict | None = None, closed: tuple[int, ...] = (), **popen) -> Outcome:
    """``lrviz ARGS`` in ``cwd`` under the limits; ``popen`` may redirect the streams (``stdout=...``),
    ``closed`` close descriptors in the child (see :func:`limits`)."""
    popen = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "stdin": subprocess.DEVNULL, **popen}
    start = time.monotonic()
    process = subprocess.Popen(command(*args), cwd=cwd, env=env or environment(),
                               preexec_fn=limits(memory_mb, cpu_seconds, closed), **popen)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"lrviz {' '.join(map(str, args))[:200]} ran past {timeout}s: unbounded") from None
    decode = lambda data: (data or b"").decode("utf-8", "replace")  # noqa: E731
    return Outcome(process.returncode, decode(out), decode(err), time.monotonic() - start)


def run_all(cases: dict, cwd, workers: int = 3, **options) -> dict:
    """Run many ``{id: args}`` cases at once (they are independent processes); ``{id: Outcome}``.
    A case may be ``(args, options)`` to run with options of its own (e.g. ``env``)."""
    cases = {key: case if isinstance(case, tuple) else (case, {}) for key, case in cases.items()}
    with ThreadPoolExecutor(workers) as pool:
        futures = {key: pool.submit(run_limited, args, cwd, **{**options, **own}) for key, (args, own) in cases.items()}
    return {key: future.result() for key, future in futures.items()}


def assert_refused(outcome: Outcome, fragment: str, code: int = 2) -> None:
    """One line ``lrviz: error: ...`` holding ``fragment``, exit ``code``, nothing on stdout, no traceback."""
    assert outcome.code == code, outcome.describe()
    assert "Traceback" not in outcome.err, outcome.describe()
    assert outcome.out == "", outcome.describe()
    assert len(outcome.lines) == 1 and outcome.lines[0].startswith("lrviz: error: "), outcome.describe()
    assert fragment in outcome.lines[0], outcome.describe()
