"""What lrviz knows about every scheduler, as plain facts cached on disk, so ``lrviz list``,
``lrviz describe`` and usage errors (an unknown scheduler or argument, a missing one) are
answered without importing torch, timm or transformers.

The facts (names, aliases, arguments with type names and defaults, doc line, where the object
lives) are read by introspection from the installed library, once, and kept as JSON, one file
per source (``torch``, ``timm``, ``hf``) in ``$LRVIZ_CACHE_DIR``, else ``$XDG_CACHE_HOME/lrviz``,
else ``~/.cache/lrviz``. A file is used only while its key still matches: the library's install
(the path, size and modification time of its ``__init__.py``, found without importing it) and
the lrviz modules that read the facts (READERS: aliases and introspection live there).
Otherwise, or when the directory cannot be written, the facts are read afresh, which imports
the library: the command about to build a scheduler imports it anyway.

>>> [(a.name, a.type, a.default, a.required) for a in find("cosine").args][:2]
[('T_max', 'int', '', True), ('eta_min', 'float', '0.0', False)]
"""

from __future__ import annotations

import importlib.util
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

#: the sources, and the package whose installation keys each one's cache file
LIBRARIES = {"torch": "torch", "timm": "timm", "hf": "transformers"}
FORMAT = 1


@dataclass(frozen=True)
class ArgFacts:
    """One constructor argument as lrviz shows it."""

    name: str
    #: the type hint's short name (lrviz.argtypes.type_name), ``any`` when there is none
    type: str
    #: the default's repr; empty when the argument is required
    default: str
    required: bool


@dataclass(frozen=True)
class Facts:
    """What list, describe and the usage checks need about a scheduler, without its objects."""

    name: str
    source: str
    aliases: tuple[str, ...]
    doc: str
    #: ``module.QualifiedName`` of the class or function
    location: str
    args: tuple[ArgFacts, ...]

    def arg(self, name: str) -> ArgFacts | None:
        return next((a for a in self.args if a.name == name), None)

    def signature_text(self) -> str:
        """``T_max, eta_min=0.0, last_epoch=-1``: what the constructor takes."""
        return ", ".join(a.name if a.required else f"{a.name}={a.default}" for a in self.args)


def facts_of(entry) -> Facts:
    """The facts about a registry Entry."""
    from .argtypes import type_name

    target = entry.target
    location = f"{getattr(target, '__module__', '')}.{getattr(target, '__qualname__', entry.name)}"
    args = tuple(ArgFacts(a.name, type_name(a.hint) if a.hint is not None else "any",
                          "" if a.required else repr(a.default), a.required) for a in entry.args)
    return Facts(entry.name, entry.source, tuple(entry.aliases), entry.doc, location, args)


def cache_dir() -> Path:
    if os.environ.get("LRVIZ_CACHE_DIR"):
        return Path(os.environ["LRVIZ_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lrviz"


#: lrviz's modules that decide the facts: names, aliases, introspection, type names, the peers
READERS = ("registry.py", "argtypes.py", "cache.py", "peers/*.py")


def cache_key(source: str) -> list | None:
    """What must not change for a cached file to stay true; None when the library is not installed."""
    import hashlib

    spec = importlib.util.find_spec(LIBRARIES[source])
    if spec is None or spec.origin is None:
        return None
    stat = os.stat(spec.origin)
    here = Path(__file__).parent
    files = sorted(path for pattern in READERS for path in here.glob(pattern))
    readers = hashlib.sha256(b"".join(path.read_bytes() for path in files)).hexdigest()
    return [FORMAT, spec.origin, stat.st_mtime_ns, stat.st_size, readers]


def _read_live(source: str) -> list[Facts]:
    from . import peers
    from .registry import torch_entries

    entries = torch_entries().values() if source == "torch" else peers.entries(source).values()
    return [facts_of(e) for e in entries]


def _load(path: Path, key: list) -> list[Facts] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["key"] != key:
            return None
        return [Facts(**{**f, "aliases": tuple(f["aliases"]), "args": tuple(ArgFacts(**a) for a in f["args"])})
                for f in data["facts"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _save(path: Path, key: list, facts: list[Facts]) -> None:
    """Write atomically; a cache that cannot be written is simply not kept."""
    from dataclasses import asdict

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"key": key, "facts": [asdict(f) for f in facts]}, fh)
        os.replace(tmp, path)
    except OSError:
        pass


@cache
def source_facts(source: str) -> tuple[Facts, ...]:
    """Every scheduler of one source (``torch``, ``timm``, ``hf``); empty when it is not installed."""
    key = cache_key(source)
    if key is None:
        return ()
    path = cache_dir() / f"{source}.json"
    facts = _load(path, key)
    if facts is None:
        facts = _read_live(source)
        _save(path, key, facts)
    return tuple(facts)


def all_facts() -> list[Facts]:
    """Every scheduler known, torch's first, then those of the peer libraries installed."""
    return [f for source in LIBRARIES for f in source_facts(source)]


def find(name: str) -> Facts | None:
    """The facts for a user-typed name, decided as lrviz.registry.resolve decides it; None for a
    user's class (``file.py:MyLR``), which only loading it can check; an LrvizError otherwise."""
    from . import peers
    from .registry import torch_class_name

    namespace = peers.namespace_of(name)
    if namespace:
        peers.library(namespace)  # not installed: the same error as resolve gives
        return peers.pick(name, source_facts(namespace))
    torch_facts = {f.name: f for f in source_facts("torch")}
    class_name = torch_class_name(name, torch_facts)
    return None if class_name is None else torch_facts[class_name]
