"""Convert raw argument values (strings from flags, YAML scalars) to a signature's types.

>>> from typing import Iterable, Literal
>>> convert("30,60,80", Iterable[int], "milestones")
[30, 60, 80]
>>> convert("1e-5", float, "eta_min")
1e-05
>>> convert("tri", Literal["triangular", "exp_range"], "mode")
Traceback (most recent call last):
lrviz.errors.LrvizError: mode must be one of 'triangular', 'exp_range', got 'tri'
"""

from __future__ import annotations

import collections.abc
import types
import typing

from ..catalog.introspect import LIST_ORIGINS, type_name
from ..errors import LrvizError
from ..literals import split_top_level
from ..spec import real_number

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def convert(value, hint, name: str):
    """``value`` converted to ``hint``; an LrvizError names the argument when it cannot be."""
    if hint is None or hint is typing.Any:
        return value
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return _convert_union(value, typing.get_args(hint), name)
    if origin is typing.Literal:
        choices = typing.get_args(hint)
        if value not in choices:
            shown = ", ".join(repr(c) for c in choices)
            raise LrvizError(f"{name} must be one of {shown}, got {value!r}")
        return value
    if origin is collections.abc.Callable or hint is collections.abc.Callable:
        from ..usercode import as_callable

        return as_callable(value, name)
    if origin in LIST_ORIGINS:
        (item,) = typing.get_args(hint)[:1] or (None,)
        return [convert(v, item, f"{name}[{i}]") for i, v in enumerate(_as_list(value))]
    if hint is bool:
        return _to_bool(value, name)
    if hint is int:
        return _to_int(value, name)
    if hint is float:
        return _to_float(value, name)
    if hint is str:
        return value if isinstance(value, str) else str(value)
    return value


def per_group(hint):
    """``hint`` widened to take one value per param group too: ``float`` -> ``float | list[float]``.

    >>> type_name(per_group(float)), type_name(per_group(float | list[float]))
    ('float | list[float]', 'float | list[float]')
    """
    members = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
    if hint is None or hint is typing.Any or any(typing.get_origin(m) in LIST_ORIGINS for m in members):
        return hint
    values = [m for m in members if m is not type(None)]
    return typing.Union[(hint, list[typing.Union[tuple(values)]])]


def _as_list(value) -> list:
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str):
        text = value.strip().strip("[]")
        return [v.strip() for v in split_top_level(text)] if text else []
    return [value]


def _convert_union(value, members, name: str):
    if value is None and type(None) in members:
        return None
    wants_list = isinstance(value, (list, tuple)) or (isinstance(value, str) and len(split_top_level(value)) > 1)
    ordered = sorted(
        (m for m in members if m is not type(None)),
        key=lambda m: (typing.get_origin(m) in LIST_ORIGINS) != wants_list,
    )
    errors = []
    for member in ordered:
        try:
            return convert(value, member, name)
        except LrvizError as exc:
            errors.append(exc)
    if errors and (typing.get_origin(ordered[0]) is collections.abc.Callable
                   or (wants_list and typing.get_origin(ordered[0]) in LIST_ORIGINS)):
        raise errors[0]  # the expression's or the list item's own message says more than the types
    hint_text = " | ".join(type_name(m) for m in members)
    raise LrvizError(f"{name} must be {hint_text}, got {value!r}") from errors[0] if errors else None


def _to_bool(value, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise LrvizError(f"{name} must be true or false, got {value!r}")


def _to_int(value, name: str) -> int:
    number = real_number(value, name, kind="an integer")
    if number != int(number):
        raise LrvizError(f"{name} must be an integer, got {value!r}")
    return int(number)


def _to_float(value, name: str) -> float:
    return float(real_number(value, name))
