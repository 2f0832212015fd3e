"""Which warnings reach the user, and how.

lrviz drives the optimizer and the scheduler itself, so some of torch's warnings are about
lrviz's own calls and tell a user nothing they can act on: those are silenced while a schedule
is simulated (``torch_quiet``). Every other warning matters (a deprecated argument, a peer
library ignoring a value): the CLI prints each one once, as ``lrviz: warning: ...`` on stderr
(``shown_once``). Library users get them as ordinary Python warnings.
"""

from __future__ import annotations

import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

from .errors import LrvizWarning

#: torch warnings about the order and manner in which lrviz itself steps the scheduler
UNACTIONABLE = (
    r"Detected call of `lr_scheduler\.step\(\)` before `optimizer\.step\(\)`",
    r"Seems like `optimizer\.step\(\)` has been overridden after learning rate scheduler",
    r"To get the last learning rate computed by the scheduler, please use `get_last_lr\(\)`",
    r"The epoch parameter in `scheduler\.step\(\)` was not necessary",
)


def warn(message: str) -> None:
    """Tell the user something they should change, in lrviz's words."""
    warnings.warn(message, LrvizWarning, stacklevel=3)


@contextmanager
def torch_quiet():
    """Silence the torch warnings listed in ``UNACTIONABLE``; let every other one through."""
    with warnings.catch_warnings():
        for pattern in UNACTIONABLE:
            warnings.filterwarnings("ignore", message=pattern)
        yield


def one_line(text: str) -> str:
    """``text`` on one line: control characters (newlines, escapes) shown as Python writes them.

    >>> one_line("unknown scheduler 'a\\nb\\x1b[31m'")
    "unknown scheduler 'a\\\\nb\\\\x1b[31m'"
    """
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _origin(filename: str) -> str:
    """The package a warning came from (``torch``, ``timm``, ``transformers``...), or "" for lrviz's
    own code (where a library warns about what lrviz passed it, e.g. matplotlib about a glyph)."""
    path = Path(filename)
    if path.is_relative_to(Path(__file__).parent):
        return ""
    if "site-packages" in path.parts and path.parts.index("site-packages") + 1 < len(path.parts):
        return path.parts[path.parts.index("site-packages") + 1].removesuffix(".py")
    return path.stem


@contextmanager
def shown_once(stream=None):
    """Print every warning raised inside once, as ``lrviz: warning: ...`` on ``stream`` (stderr)."""
    seen: set[str] = set()

    def show(message, category, filename, lineno, file=None, line=None):
        text = one_line(str(message))
        if not issubclass(category, LrvizWarning) and _origin(filename):
            text = f"{_origin(filename)} says: {text}"
        if text not in seen:
            seen.add(text)
            print(f"lrviz: warning: {text}", file=stream or sys.stderr)

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = show
        yield
