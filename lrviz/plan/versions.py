"""Which version of a runner's rules a plan follows: the installed one, or the one the plan names.

Read from package metadata, so nothing is imported.

>>> version_tuple("4.51.3"), version_tuple("5.0.0rc1"), version_tuple("2.6.6+cpu")
((4, 51, 3), (5, 0, 0), (2, 6, 6))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import LrvizError

#: runner -> the distributions that provide it, in the order they are looked for
DISTRIBUTIONS = {
    "loop": ("torch",),
    "hf-trainer": ("transformers",),
    "lightning": ("pytorch-lightning", "lightning"),
    "accelerate": ("accelerate",),
}


def version_tuple(text: str) -> tuple[int, ...]:
    """The leading release numbers of a version string."""
    match = re.match(r"\s*v?(\d+(?:\.\d+)*)", str(text))
    if not match:
        raise LrvizError(f"version must look like 4.51.3, got {text!r}")
    return tuple(int(part) for part in match.group(1).split("."))


def installed_version(distribution: str) -> str | None:
    """The installed version of ``distribution``, or None."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


@dataclass(frozen=True)
class RunnerVersion:
    """The library whose rules a plan follows, its version, and whether that version is the installed one."""

    library: str
    version: str | None
    installed: bool

    @property
    def numbers(self) -> tuple[int, ...] | None:
        return None if self.version is None else version_tuple(self.version)

    def at_least(self, *numbers: int) -> bool:
        """Is it ``numbers`` or later? An unknown version counts as the latest."""
        return self.numbers is None or self.numbers >= numbers

    def __str__(self) -> str:
        if self.version is None:
            return f"{self.library} (not installed: latest rules)"
        return f"{self.library} {self.version}" + ("" if self.installed else " (as named; not the installed one)")


def runner_version(runner: str, wanted: str | None = None) -> RunnerVersion:
    """The version of ``runner``'s library to follow: ``wanted`` if given, else the installed one."""
    for library in DISTRIBUTIONS[runner]:
        found = installed_version(library)
        if found is not None:
            break
    else:
        library, found = DISTRIBUTIONS[runner][0], None
    if wanted is None:
        return RunnerVersion(library, found, found is not None)
    version_tuple(wanted)
    return RunnerVersion(library, wanted, found is not None and version_tuple(found) == version_tuple(wanted))
