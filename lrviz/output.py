"""Write output files atomically: a temporary file beside the target, then a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, IO

from .errors import LrvizError


def check_writable(path: str | Path, suffixes: tuple[str, ...] = ()) -> Path:
    """Refuse, before any work, an output path that cannot be written or has a wrong suffix."""
    path = Path(path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise LrvizError(f"cannot tell the format of '{path}': use one of {', '.join(suffixes)}")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise LrvizError(f"cannot write '{path}': directory '{parent}' does not exist")
    if path.is_dir():
        raise LrvizError(f"cannot write '{path}': it is a directory")
    if not os.access(parent, os.W_OK):
        raise LrvizError(f"cannot write '{path}': directory '{parent}' is not writable")
    return path


def write_atomically(path: str | Path, write: Callable[[IO], None], *, binary: bool = False) -> Path:
    """Call ``write(fh)`` on a temporary file and move it over ``path`` only when it succeeds."""
    path = check_writable(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8", newline=None if binary else "") as fh:
            write(fh)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
