"""The libraries schedulers come from: one line each in ``SOURCES``, one module each here.

A source module has ``schedulers() -> dict[name, Live]`` (reading the installed library; names
are what users type, namespaced for every source but torch), and may have
``horizon(name, kwargs) -> int | None`` (the rows a schedule defines for itself) and
``drive(scheduler, kwargs, spec) -> Drive`` (for schedulers stepped otherwise than
``scheduler.step()``, like timm's). Adding a family of schedulers is a module here plus a line
in ``SOURCES``.

>>> namespace_of("timm:step"), namespace_of("HF:linear"), namespace_of("cosine"), namespace_of("my.py:MyLR")
('timm', 'hf', None, None)
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass

from ...errors import LrvizError


@dataclass(frozen=True)
class Source:
    """A library of schedulers."""

    #: the name lrviz gives it: its module here, ``Facts.source`` and the namespace users type
    name: str
    #: the package it needs (whose installation also keys the cached facts)
    package: str
    #: the pip extra of lrviz that installs the package; None for a requirement of lrviz
    extra: str | None

    @property
    def namespace(self) -> str | None:
        """The prefix its names are typed with (``timm:step``); None for torch's plain names."""
        return self.name if self.extra else None

    def installed(self) -> bool:
        """Is the package installed (found on the path, without importing it)?"""
        return importlib.util.find_spec(self.package) is not None

    def module(self):
        """The lrviz module reading this source; an LrvizError naming the extra when it is not installed."""
        if not self.installed():
            raise LrvizError(f"{self.name}: schedulers need {self.package}, which is not installed: "
                             f"pip install \"lrviz[{self.extra}]\"")
        return importlib.import_module(f"{__name__}.{self.name}_source")


SOURCES = (
    Source("torch", "torch", None),
    Source("timm", "timm", "timm"),
    Source("hf", "transformers", "hf"),
)
BY_NAME = {source.name: source for source in SOURCES}


def namespace_of(name: str) -> str | None:
    """The source a namespaced scheduler name starts with, or None (torch's names, a user's class)."""
    prefix, colon, _ = name.partition(":")
    prefix = prefix.strip().lower()
    source = BY_NAME.get(prefix)
    return prefix if colon and source is not None and source.namespace else None
