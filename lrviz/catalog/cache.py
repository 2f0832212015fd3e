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

A cache file is never trusted: one that is not a regular file, too large, not JSON, of another
shape, or whose facts do not match the digest written with them (a file damaged or edited after
it was written) is read afresh and rewritten; a write that fails leaves no temporary file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import stat
import tempfile
from functools import cache
from pathlib import Path

from ..limits import MAX_CACHE_BYTES
from .facts import ArgFacts, Facts
from .sources import BY_NAME, Source

FORMAT = 3
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


def digest(facts: list) -> str:
    """A checksum of the facts as written: a file whose facts changed since is not used."""
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def _read_regular(path: Path) -> bytes | None:
    """At most MAX_CACHE_BYTES of ``path`` if it is a regular file (never waiting on a pipe), else None."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = fh.read(MAX_CACHE_BYTES + 1)
    return data if len(data) <= MAX_CACHE_BYTES else None


def _sound(facts: Facts, source: str) -> bool:
    """Does every field hold what lrviz writes there?"""
    texts = (facts.name, facts.source, facts.doc, facts.location, *facts.aliases)
    args = all(isinstance(a, ArgFacts) and all(isinstance(t, str) for t in (a.name, a.type, a.default))
               and isinstance(a.required, bool) for a in facts.args)
    return all(isinstance(t, str) for t in texts) and bool(facts.name) and facts.source == source and args


def _load(path: Path, key: list, source: str) -> list[Facts] | None:
    try:
        raw = _read_regular(path)
        data = json.loads(raw.decode("utf-8")) if raw else None
        if not isinstance(data, dict) or data.get("key") != key or data.get("digest") != digest(data.get("facts")):
            return None
        facts = [Facts.from_json(f) for f in data["facts"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    names = [f.name for f in facts]
    return facts if names and len(set(names)) == len(names) and all(_sound(f, source) for f in facts) else None


def _save(path: Path, key: list, facts: list[Facts]) -> None:
    """Write atomically; a cache that cannot be written is simply not kept, and leaves nothing behind."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError:
        return
    try:
        written = [f.to_json() for f in facts]
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"key": key, "digest": digest(written), "facts": written}, fh)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if not isinstance(exc, OSError):
            raise


@cache
def source_facts(name: str) -> tuple[Facts, ...]:
    """Every scheduler of one source (``torch``, ``timm``, ``hf``); empty when it is not installed."""
    source = BY_NAME[name]
    key = cache_key(source)
    if key is None:
        return ()
    path = cache_dir() / f"{name}.json"
    facts = _load(path, key, name)
    if facts is None:
        facts = read_live(source)
        _save(path, key, facts)
    return tuple(facts)
