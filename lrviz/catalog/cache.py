"""The catalog's facts cached on disk, so ``lrviz list``, ``lrviz describe`` and usage errors (an
unknown scheduler or argument, a missing one) are answered without importing torch, timm or
transformers.

The facts (lrviz.catalog.facts) are read by introspection from the installed library, once,
and kept as JSON, one file per source in ``$LRVIZ_CACHE_DIR``, else ``$XDG_CACHE_HOME/lrviz``,
else ``~/.cache/lrviz``. A file is used only while its key still matches: the library's install
(the path, size and modification time of its ``__init__.py``, found without importing it) and
the lrviz modules that read the facts (READERS). Otherwise, or when the directory cannot be
written, the facts are read afresh, which imports the library: the command about to build a
scheduler imports it anyway.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
from functools import cache
from pathlib import Path

from .facts import Facts
from .sources import BY_NAME, Source

FORMAT = 2
#: lrviz's modules that decide the facts: names, aliases, introspection, type names
READERS = ("catalog/*.py", "catalog/sources/*.py", "argtypes.py")


def cache_dir() -> Path:
    if os.environ.get("LRVIZ_CACHE_DIR"):
        return Path(os.environ["LRVIZ_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lrviz"


def cache_key(source: Source) -> list | None:
    """What must not change for a cached file to stay true; None when the library is not installed."""
    spec = importlib.util.find_spec(source.package)
    if spec is None or spec.origin is None:
        return None
    stat = os.stat(spec.origin)
    here = Path(__file__).parents[1]
    files = sorted(path for pattern in READERS for path in here.glob(pattern))
    readers = hashlib.sha256(b"".join(path.read_bytes() for path in files)).hexdigest()
    return [FORMAT, spec.origin, stat.st_mtime_ns, stat.st_size, readers]


def read_live(source: Source) -> list[Facts]:
    """The facts read from the installed library itself (importing it)."""
    return [live.facts(source.name) for live in source.module().schedulers().values()]


def _load(path: Path, key: list) -> list[Facts] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["key"] != key:
            return None
        return [Facts.from_json(f) for f in data["facts"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _save(path: Path, key: list, facts: list[Facts]) -> None:
    """Write atomically; a cache that cannot be written is simply not kept."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"key": key, "facts": [f.to_json() for f in facts]}, fh)
        os.replace(tmp, path)
    except OSError:
        pass


@cache
def source_facts(name: str) -> tuple[Facts, ...]:
    """Every scheduler of one source (``torch``, ``timm``, ``hf``); empty when it is not installed."""
    source = BY_NAME[name]
    key = cache_key(source)
    if key is None:
        return ()
    path = cache_dir() / f"{name}.json"
    facts = _load(path, key)
    if facts is None:
        facts = read_live(source)
        _save(path, key, facts)
    return tuple(facts)
