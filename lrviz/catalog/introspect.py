"""Read a scheduler's constructor arguments (names, type hints, defaults) from its signature.

>>> from torch.optim.lr_scheduler import StepLR
>>> [(a.name, a.hint, a.default) for a in read_args(StepLR)][:2]
[('step_size', <class 'int'>, <class 'inspect._empty'>), ('gamma', <class 'float'>, 0.1)]
"""

from __future__ import annotations

import collections.abc
import inspect
import types
import typing
from dataclasses import dataclass
from typing import Any, Callable

from .facts import ArgFacts, Facts

#: constructor arguments that lrviz supplies itself or that torch deprecated
HIDDEN_ARGS = ("self", "optimizer", "verbose")
REQUIRED = inspect.Parameter.empty
LIST_ORIGINS = (list, tuple, collections.abc.Iterable, collections.abc.Sequence)


@dataclass(frozen=True)
class ArgInfo:
    """One constructor argument: name, type hint (None when unknown) and default (``REQUIRED`` when none)."""

    name: str
    hint: Any
    default: Any

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


@dataclass(frozen=True)
class Live:
    """A scheduler as its source library has it: the class (or function) and its arguments."""

    name: str
    target: Callable
    args: tuple[ArgInfo, ...]
    aliases: tuple[str, ...] = ()
    doc: str = ""

    def facts(self, source: str, location: str | None = None) -> Facts:
        """The plain facts about it (lrviz.catalog.facts)."""
        target = self.target
        location = location or f"{getattr(target, '__module__', '')}.{getattr(target, '__qualname__', self.name)}"
        args = tuple(ArgFacts(a.name, type_name(a.hint) if a.hint is not None else "any",
                              "" if a.required else repr(a.default), a.required) for a in self.args)
        return Facts(self.name, source, tuple(self.aliases), self.doc, location, args)


def _hint_namespace(func) -> dict:
    """Names a string annotation may use: the defining module's globals plus typing's."""
    import collections.abc

    namespace = {name: getattr(typing, name) for name in typing.__all__}
    namespace.update({name: getattr(collections.abc, name) for name in collections.abc.__all__})
    namespace.update(getattr(func, "__globals__", {}))
    return namespace


def resolve_hint(annotation, namespace: dict):
    """A parameter's annotation as a type object, or None when it cannot be resolved."""
    if annotation is inspect.Parameter.empty:
        return None
    if not isinstance(annotation, str):
        return annotation
    try:
        return eval(annotation, namespace)  # noqa: S307 - annotations of installed code, as typing.get_type_hints does
    except Exception:
        return None


def read_args(target: Callable) -> tuple[ArgInfo, ...]:
    """The user-facing constructor arguments of a class or function, with resolved type hints."""
    namespace = _hint_namespace(target.__init__ if inspect.isclass(target) else target)
    args = []
    for param in inspect.signature(target).parameters.values():
        if param.name in HIDDEN_ARGS or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        hint = resolve_hint(param.annotation, namespace)
        if hint is None and param.default not in (REQUIRED, None):
            hint = type(param.default)
        args.append(ArgInfo(param.name, hint, param.default))
    return tuple(args)


def first_doc_line(obj) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.strip().split("\n\n")[0].replace("\n", " ")


def type_name(hint) -> str:
    """A short readable name for a type hint.

    >>> type_name(int | None), type_name(list[float])
    ('int | None', 'list[float]')
    """
    if hint is None or hint is type(None):
        return "None"
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_name(a) for a in typing.get_args(hint))
    if origin is typing.Literal:
        return " | ".join(str(a) for a in typing.get_args(hint))
    if origin in LIST_ORIGINS:
        args = typing.get_args(hint)
        return f"list[{type_name(args[0])}]" if args else "list"
    if origin is collections.abc.Callable:
        return "callable"
    return getattr(hint, "__name__", str(hint))
