"""The user's own code, named as ``path/to/file.py:Name`` or ``package.module:Name``.

Loading it runs that code, as ``python path/to/file.py`` would: use only specs you trust.

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
from functools import cache
from pathlib import Path

from .errors import LrvizError
from .output import note_input

_REFERENCE = re.compile(r"^(?P<module>[^:=\s]+\.py|[A-Za-z_][\w.]*):(?P<name>[A-Za-z_]\w*)$")


def is_reference(text) -> bool:
    """Does ``text`` name a Python object as ``file.py:Name`` or ``module:Name``?"""
    return isinstance(text, str) and _REFERENCE.match(text.strip()) is not None


def load(reference: str):
    """The object ``reference`` names; an LrvizError saying what is wrong otherwise."""
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
