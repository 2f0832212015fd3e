"""Hugging Face transformers' schedulers: every name ``transformers.get_scheduler`` accepts, as ``hf:<name>``.

``get_scheduler(name, optimizer, num_warmup_steps, num_training_steps, scheduler_specific_kwargs)``
only dispatches to a ``get_*_schedule*`` function; lrviz calls that function with all its
arguments flattened (``hf:cosine:num_warmup_steps=10,num_training_steps=100,num_cycles=1``).
They return torch schedulers (LambdaLR, ReduceLROnPlateau, ...), stepped as torch's are.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from functools import cache

from ...errors import LrvizError
from ..introspect import Live, first_doc_line, read_args


@cache
def optimization():
    """``transformers.optimization``, or an LrvizError saying why it cannot be imported."""
    try:
        return importlib.import_module("transformers.optimization")
    except Exception as exc:  # noqa: BLE001 - whatever breaks inside transformers, say so in one line
        raise LrvizError(f"transformers is installed but cannot be imported: {exc}") from None


def _arguments(func, get_scheduler):
    """The arguments a schedule function takes; for ``f(optimizer, **kwargs)``, those of the class it returns.

    Parameters without annotations get ``get_scheduler``'s (``num_warmup_steps: int | None``).
    """
    if any(p.kind is p.VAR_KEYWORD for p in inspect.signature(func).parameters.values()):
        import torch

        dummy = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        return read_args(type(func(dummy)))
    shared = {a.name: a.hint for a in read_args(get_scheduler)}
    return tuple(
        dataclasses.replace(a, hint=shared.get(a.name)) if a.hint is None else a for a in read_args(func)
    )


@cache
def schedulers() -> dict[str, Live]:
    """One scheduler per type ``get_scheduler`` knows, in transformers' order."""
    module = optimization()
    found = {}
    for kind, func in module.TYPE_TO_SCHEDULER_FUNCTION.items():
        name = f"hf:{kind.value}"
        found[name] = Live(name, func, _arguments(func, module.get_scheduler), (), first_doc_line(func))
    return found


def horizon(name: str, kwargs: dict) -> int | None:
    """``num_training_steps`` where it is given; WSD may give its phases instead: warmup + stable + decay.

    >>> horizon("hf:linear", {"num_warmup_steps": 10, "num_training_steps": 100}), horizon("hf:linear", {})
    (100, None)
    >>> horizon("hf:warmup_stable_decay", {"num_warmup_steps": 5, "num_stable_steps": 30, "num_decay_steps": 15})
    50
    """
    phases = [kwargs.get(k) for k in ("num_warmup_steps", "num_stable_steps", "num_decay_steps")]
    return kwargs.get("num_training_steps") or (sum(phases) if all(p is not None for p in phases) else None)
