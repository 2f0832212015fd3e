"""Schedulers of other libraries, namespaced ``timm:`` and ``hf:``; a library loads only when used.

Each namespace is a module here with ``LIBRARY`` (what pip installs), ``installed()`` and
``entries()`` (name -> Entry); ``pip install "lrviz[timm]"`` / ``"lrviz[hf]"`` installs the library.

>>> namespace_of("timm:step"), namespace_of("HF:linear"), namespace_of("cosine"), namespace_of("my.py:MyLR")
('timm', 'hf', None, None)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ..errors import LrvizError
from ..spec import suggest

if TYPE_CHECKING:
    from ..registry import Entry

NAMESPACES = ("timm", "hf")


def namespace_of(name: str) -> str | None:
    """The peer namespace a scheduler name starts with, or None for torch and custom classes."""
    prefix, colon, _ = name.partition(":")
    prefix = prefix.strip().lower()
    return prefix if colon and prefix in NAMESPACES else None


def _module(namespace: str):
    return importlib.import_module(f"{__name__}.{namespace}")


def library(namespace: str):
    """The module of one namespace; an LrvizError naming what to install when its library is not."""
    module = _module(namespace)
    if not module.installed():
        raise LrvizError(
            f"{namespace}: schedulers need {module.LIBRARY}, which is not installed: "
            f"pip install \"lrviz[{namespace}]\""
        )
    return module


def entries(namespace: str) -> dict[str, Entry]:
    """Every scheduler of one namespace, keyed by lower-case name; an LrvizError when not installed."""
    return library(namespace).entries()


def installed_entries() -> list[Entry]:
    """The schedulers of every peer library that is installed."""
    return [entry for ns in NAMESPACES if _module(ns).installed() for entry in entries(ns).values()]


def resolve(name: str) -> Entry:
    """The Entry for ``timm:step``, ``hf:linear``, ... (case-insensitive; class names too)."""
    return pick(name, entries(namespace_of(name)).values())


def pick(name: str, known):
    """The one of ``known`` (Entries, or lrviz.cache's facts about them) that ``name`` spells."""
    namespace = namespace_of(name)
    key = f"{namespace}:{name.partition(':')[2].strip().lower()}"
    known = list(known)
    by_alias = {alias.lower(): entry for entry in known for alias in (entry.name, *entry.aliases)}
    if key in by_alias:
        return by_alias[key]
    names = [entry.name for entry in known]
    raise LrvizError(f"unknown scheduler '{name}'{suggest(key, names)} (valid: {', '.join(names)})")
