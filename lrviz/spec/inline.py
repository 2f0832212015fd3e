"""Inline specs and scheduler flags: ``cosine:T_max=20,eta_min=1e-5`` and ``--sched cosine --T_max 20``.

>>> parse_inline("multistep:milestones=[30,60,80],gamma=0.5")
SchedulerSpec(type='multistep', args={'milestones': [30, 60, 80], 'gamma': 0.5})
>>> parse_inline("timm:step:decay_t=5").type
'timm:step'
"""

from __future__ import annotations

from typing import Any

from ..errors import LrvizError
from ..limits import MAX_NESTING
from ..literals import parse_value, split_top_level
from .model import SchedulerSpec


def split_inline(text: str) -> tuple[str, str]:
    """Split ``name:k=v,...`` into the name and the argument text.

    The name may itself hold colons (``timm:step``, ``my_sched.py:MyLR``): it ends at the
    last colon before the first ``=``.

    >>> split_inline("hf:linear:num_warmup_steps=10")
    ('hf:linear', 'num_warmup_steps=10')
    >>> split_inline("cosine")
    ('cosine', '')
    """
    eq = text.find("=")
    if eq < 0:
        return text, ""
    colon = text.rfind(":", 0, eq)
    if colon < 0:
        name, paren, inner = text.partition("(")
        if paren and text.endswith(")") and name.strip().isidentifier():
            name, inner = name.strip(), inner[:-1].strip()
            raise LrvizError(f"{text!r} is written as a call: write {name}:{inner} (inline) or {name} {as_flags(inner)} (flags)")
        raise LrvizError(f"inline spec {text!r} has arguments but no scheduler name: write name:key=value,...")
    return text[:colon], text[colon + 1:]


def as_flags(arg_text: str) -> str:
    """Inline arguments written as flags.

    >>> as_flags("T_max=20,eta_min=1e-5")
    '--T_max 20 --eta_min 1e-5'
    """
    items = (item.partition("=") for item in split_top_level(arg_text)) if arg_text else ()
    return " ".join(f"--{key.strip()} {value.strip()}" for key, _, value in items)


def parse_inline(text: str) -> SchedulerSpec:
    """Parse ``name:key=value,key=value`` into a SchedulerSpec."""
    name, arg_text = split_inline(text.strip())
    if not name:
        raise LrvizError(f"inline spec {text!r} has no scheduler name")
    args: dict[str, Any] = {}
    for item in split_top_level(arg_text, max_depth=MAX_NESTING) if arg_text else []:
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq or not key or not key.isidentifier():
            raise LrvizError(f"malformed argument {item!r} in inline spec {text!r}: expected key=value")
        if key in args:
            raise LrvizError(f"argument '{key}' given twice in {text!r}")
        args[key] = parse_value(value)
    return SchedulerSpec(name, args)


def parse_call(text: str) -> SchedulerSpec:
    """A scheduler nested in an inline spec: ``name(key=value,...)``, or ``name:key=value``.

    >>> parse_call("linear(start_factor=0.1,total_iters=5)")
    SchedulerSpec(type='linear', args={'start_factor': 0.1, 'total_iters': 5})
    """
    text = text.strip()
    name, paren, inner = text.partition("(")
    if paren and text.endswith(")"):
        inner = inner[:-1].strip()
        return parse_inline(f"{name}:{inner}" if inner else name)
    return parse_inline(text)


def parse_flags(sched: str, tokens: list[str]) -> SchedulerSpec:
    """Parse ``--key value`` / ``--key=value`` tokens as the arguments of scheduler ``sched``."""
    args: dict[str, Any] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token.startswith("--") or len(token) == 2:
            raise LrvizError(f"unexpected {token!r}: scheduler arguments are written --name value")
        key, eq, value = token[2:].partition("=")
        if not eq:
            if i + 1 >= len(tokens) or tokens[i + 1].startswith("--"):
                raise LrvizError(f"--{key} needs a value, e.g. --{key} 10")
            value = tokens[i + 1]
            i += 1
        if key in args:
            raise LrvizError(f"argument '{key}' given twice")
        args[key] = parse_value(value)
        i += 1
    return SchedulerSpec(sched, args)
