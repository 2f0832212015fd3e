"""Find a scheduler's facts from the name a user typed, without importing its library when cached."""

from __future__ import annotations

from ..errors import LrvizError
from ..spec.model import SchedulerFactory
from ..spec.validate import suggest
from .cache import source_facts
from .facts import Facts
from .sources import BY_NAME, SOURCES, namespace_of
from .sources.torch_source import class_name


def all_facts() -> list[Facts]:
    """Every scheduler known, torch's first, then those of the other sources installed."""
    return [f for source in SOURCES if source.installed() for f in source_facts(source.name)]


def find(name: str) -> Facts:
    """The facts of the scheduler ``name`` means; a user's class (``file.py:MyLR``) is loaded to read
    them. An LrvizError with "did you mean" when there is none, or naming the extra to install.
    A SchedulerFactory (a callable from Python) is torch's own class, or a custom scheduler."""
    if isinstance(name, SchedulerFactory):
        from .custom import SOURCE, live

        return _torch_class(name.factory) or live(name).facts(SOURCE, location=name)
    namespace = namespace_of(name)
    if namespace:
        BY_NAME[namespace].module()  # not installed: say which extra installs it
        return pick(name, source_facts(namespace))
    torch_facts = {f.name: f for f in source_facts("torch")}
    found = class_name(name, torch_facts)
    if found is not None:
        return torch_facts[found]
    from .custom import SOURCE, live

    return live(name).facts(SOURCE, location=name.strip())


def _torch_class(target) -> Facts | None:
    """The facts of ``target`` when it is one of torch's scheduler classes, given as itself."""
    location = f"{getattr(target, '__module__', '')}.{getattr(target, '__qualname__', '')}"
    if not isinstance(target, type) or not location.startswith("torch."):
        return None
    return next((facts for facts in source_facts("torch") if facts.location == location), None)


def pick(name: str, known) -> Facts:
    """The one of ``known`` that ``name`` spells, case-insensitively, by name or alias."""
    namespace = namespace_of(name)
    key = f"{namespace}:{name.partition(':')[2].strip().lower()}"
    by_alias = {alias.lower(): facts for facts in known for alias in (facts.name, *facts.aliases)}
    if key in by_alias:
        return by_alias[key]
    names = [facts.name for facts in known]
    raise LrvizError(f"unknown scheduler '{name}'{suggest(key, names)} (valid: {', '.join(names)})")
