"""Typer's coercion of command-line values, without pydantic for the plain ones.

typer (0.2x) turns each parameter's value into its annotated type through a pydantic
TypeAdapter, built the first time a command runs: importing pydantic and building the adapters
costs about 100 ms, most of what ``lrviz list`` or a usage error takes. lrviz's options are
strings, lists of strings, whole numbers and flags, which need none of it. :func:`skip_pydantic`
gives the parameters of a command :class:`PlainValues`, which returns what typer's adapter would for
a plain value (a ``str``; ASCII digits for an ``int`` within its bounds; strings for a
``list[str]``; a ``bool``; no value), coerces a ``Path`` with typer's own path checks, and hands
anything else, built only then, to typer's pydantic coercion: same results, same messages. tests/test_lazy_imports.py compares the two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import active

try:
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer._param_types import coerce_cli_path
except ImportError:  # pragma: no cover - a typer without pydantic coercion: nothing to skip
    RuntimeParam = None

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,18}")
_NOT_PLAIN = object()


def plain_value(annotation, value, low=None, high=None):
    """``value`` as typer would coerce it to ``annotation`` (an int within ``low``..``high``), or
    _NOT_PLAIN when that needs typer.

    >>> plain_value(int, "42"), plain_value(list[str], ("a", "b")), plain_value(int, "4.0") is _NOT_PLAIN
    (42, ['a', 'b'], True)
    >>> plain_value(int, "5", low=20) is _NOT_PLAIN  # typer says what the bound is
    True
    """
    if annotation is str and isinstance(value, str):
        return value
    if annotation is int and isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
        number = int(value)
        inside = (low is None or number >= low) and (high is None or number <= high)
        return number if inside else _NOT_PLAIN
    if annotation is bool and isinstance(value, bool):
        return value
    if annotation == list[str] and isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    return _NOT_PLAIN


if RuntimeParam is not None:
    @dataclass(frozen=True)
    class PlainValues(RuntimeParam):
        """A parameter's coercion: plain values and paths here (typer's own path coercion, which
        needs no pydantic), everything else by typer's pydantic coercion, built only when needed."""

        def _coerce_value(self, value, param, ctx):
            info = self.parameter_info
            plain_path = not (isinstance(value, str) and "\x00" in value)  # pydantic refuses a NUL in its own words
            if info.parser is None and plain_path and isinstance(self.annotation, type) and issubclass(self.annotation, Path):
                path_type = info.path_type or self.annotation
                if isinstance(value, str) and value and issubclass(path_type, Path):
                    value = path_type(value)  # what pydantic would make of it, made without pydantic
                return coerce_cli_path(value, info, path_type=path_type, param=param, ctx=ctx)
            converted = _NOT_PLAIN if info.parser else plain_value(self.annotation, value, info.min, info.max)
            if converted is not _NOT_PLAIN:
                return converted
            return build_runtime_param(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)


def skip_pydantic(params) -> None:
    """Give each typer parameter (of a command's ``get_params(ctx)``) without a coercion yet a PlainValues one."""
    if RuntimeParam is None or not active("typer"):
        return
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is not None and descriptor.choices is None and not descriptor.is_file \
                and getattr(param, "_runtime_param", False) is None:
            param._runtime_param = PlainValues(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation)
