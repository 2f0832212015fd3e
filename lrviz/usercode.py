"""The user's own code, named as ``path/to/file.py:Name`` or ``package.module:Name``.

Loading it runs that code, as ``python path/to/file.py`` would. A reference typed by the user (the
command line, Python) is their own act and runs; text read from a spec file, which people download
and share, is :class:`Untrusted` (lrviz.spec.yamlfile marks it unless ``trust_code``), and code it
names is refused (``trust_code``, the convention of Hugging Face's ``trust_remote_code``).

>>> is_reference("tests/my_sched.py:MyLR"), is_reference("mypkg.sched:warmup"), is_reference("0.5 ** epoch")
(True, True, False)
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
import zlib
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from .errors import LrvizError
from .output import note_input

_REFERENCE = re.compile(r"^(?P<module>[^:=\s]+\.py|[A-Za-z_][\w.]*):(?P<name>[A-Za-z_]\w*)$")


class Untrusted(str):
    """Text read from a spec file (``origin``): code it names runs only with ``trust_code``.

    >>> text = Untrusted("os:_exit", "exp.yaml")
    >>> text == "os:_exit", text.origin
    (True, 'exp.yaml')
    >>> load(text)
    Traceback (most recent call last):
    lrviz.errors.LrvizError: trust_code is needed to run os:_exit, named in exp.yaml: code named in a spec file runs only when you trust the file
    """

    origin: str

    def __new__(cls, text: str, origin: str):
        self = super().__new__(cls, text)
        self.origin = origin
        return self

    def __reduce__(self):
        return Untrusted, (str(self), self.origin)


class _Converting:
    """What :func:`converting` knows: the untrusted file of the value, and the refusal made, if any."""

    def __init__(self, origin: str | None):
        self.origin, self.refusal = origin, None


_converting: ContextVar[_Converting | None] = ContextVar("lrviz_converting", default=None)


def untrusted(value, origin: str):
    """``value`` (text, a list, a mapping, or a SchedulerSpec: its type and arguments) with every text
    in it marked as read from the file ``origin``: code it names runs only with ``trust_code``.

    >>> marked = untrusted({"lr_lambda": ["os:_exit", 0.5]}, "x.yaml")
    >>> type(marked["lr_lambda"][0]).__name__, marked["lr_lambda"][1], origin_of(marked)
    ('Untrusted', 0.5, 'x.yaml')
    """
    import dataclasses

    if isinstance(value, str):
        return value if isinstance(value, Untrusted) else Untrusted(value, origin)
    if isinstance(value, (list, tuple)):
        return type(value)(untrusted(v, origin) for v in value)
    if isinstance(value, dict):
        return {k: untrusted(v, origin) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and hasattr(value, "type") and hasattr(value, "args"):
        return dataclasses.replace(value, type=untrusted(value.type, origin), args=untrusted(value.args, origin))
    return value


def origin_of(value) -> str | None:
    """The file of the first Untrusted text in ``value``: text, a list, a mapping, or a SchedulerSpec
    (its type and arguments); None when it holds none."""
    if isinstance(value, Untrusted):
        return value.origin
    if isinstance(value, (list, tuple)):
        items = value
    elif isinstance(value, dict):
        items = value.values()
    elif hasattr(value, "type") and hasattr(value, "args"):
        items = [value.type, value.args]
    else:
        return None
    return next((origin for origin in map(origin_of, items) if origin), None)


@contextmanager
def converting(value):
    """While ``value`` is turned into objects (its text split into references, the schedulers in it
    built), code named by any part of it is refused if ``value`` holds Untrusted text; the refusal
    is the error raised, even when a conversion tried next (another type of a union) failed after it."""
    outer = _converting.get()
    state = _Converting(origin_of(value) or (outer and outer.origin))
    token = _converting.set(state)
    try:
        yield
    except LrvizError as exc:
        if state.refusal is None or exc is state.refusal:
            raise
        raise state.refusal from None
    finally:
        _converting.reset(token)


def refuse_untrusted(reference: str) -> None:
    """An LrvizError (field ``trust_code``) when ``reference`` is Untrusted text, or part of a value
    being converted that is."""
    state = _converting.get()
    origin = getattr(reference, "origin", None) or (state and state.origin)
    if origin is not None:
        refusal = LrvizError(f"trust_code is needed to run {reference.strip()}, named in {origin}: code named in a "
                             f"spec file runs only when you trust the file", field="trust_code")
        if state is not None:
            state.refusal = state.refusal or refusal
        raise refusal


def is_reference(text) -> bool:
    """Does ``text`` name a Python object as ``file.py:Name`` or ``module:Name``?"""
    return isinstance(text, str) and _REFERENCE.match(text.strip()) is not None


def load(reference: str):
    """The object ``reference`` names; an LrvizError saying what is wrong otherwise (also when it is
    untrusted: :func:`refuse_untrusted`)."""
    refuse_untrusted(reference)
    match = _REFERENCE.match(reference.strip())
    if match is None:
        raise LrvizError(f"{reference!r} is not a reference: write path/to/file.py:Name or package.module:Name")
    source, name = match["module"], match["name"]
    if source.endswith(".py") and not Path(source).is_file():
        raise LrvizError(f"no such file: {source} (in {reference})")
    if source.endswith(".py"):
        note_input(source)
    module = _load_file(str(Path(source).resolve())) if source.endswith(".py") else _import(source)
    if not hasattr(module, name):
        public = sorted(n for n in vars(module) if not n.startswith("_"))
        raise LrvizError(f"{source} has no '{name}' (it defines: {', '.join(public) or 'nothing public'})")
    return getattr(module, name)


@cache
def _load_file(path: str):
    file = Path(path)
    module_name = f"lrviz_user_{zlib.crc32(path.encode()):08x}_{file.stem}"
    spec = importlib.util.spec_from_file_location(module_name, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:  # the file's own code failing, or exiting, is the input's fault
        del sys.modules[module_name]
        raise LrvizError(f"cannot load {file}: {type(exc).__name__}: {exc}") from None
    return module


def _import(dotted: str):
    added = os.getcwd() not in sys.path
    if added:  # `mypkg.mod:MyLR` in the current directory works as it does for `python -m`
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(dotted)
    except ImportError as exc:
        raise LrvizError(f"cannot import {dotted}: {exc}") from None
    except (Exception, SystemExit) as exc:
        raise LrvizError(f"cannot import {dotted}: {type(exc).__name__}: {exc}") from None
    finally:
        if added:
            sys.path.remove(os.getcwd())


def as_callable(value, name: str):
    """An ``lr_lambda``-like argument as a callable: a safe expression, a number, or a reference.

    >>> as_callable("0.95 ** epoch", "lr_lambda")(2)
    0.9025
    """
    from .expr import Expression

    if callable(value):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise LrvizError(f"{name} must be an expression of epoch like '0.5 ** (epoch // 3)' "
                         f"or a module:function, got {value!r}")
    if is_reference(value):
        function = load(value)
        if not callable(function):
            raise LrvizError(f"{name}: {value} is a {type(function).__name__}, not a function")
        return function
    return Expression(str(value), what=name)
