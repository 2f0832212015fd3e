"""A scheduler class of the user's own, ``path/to/file.py:MyLR`` or ``package.module:MyLR``, read
from its signature like torch's. Loading it runs its code (lrviz.usercode)."""

from __future__ import annotations

import inspect
from functools import cache

from ..errors import LrvizError
from ..usercode import load
from .introspect import Live, first_doc_line, read_args

SOURCE = "custom"


@cache
def live(reference: str) -> Live:
    """The user's class ``reference`` names, checked to take an optimizer as torch's schedulers do."""
    target = load(reference)
    if not callable(target):
        raise LrvizError(f"{reference} is a {type(target).__name__}, not a scheduler class")
    try:
        params = inspect.signature(target).parameters
    except (TypeError, ValueError):
        params = {}
    if "optimizer" not in params:
        raise LrvizError(f"{reference} must take an 'optimizer' argument, as torch schedulers do")
    if inspect.isclass(target) and not callable(getattr(target, "step", None)):
        raise LrvizError(f"{reference} has no step() method: lrviz steps a scheduler with step(), as a training "
                         f"loop does (subclass torch.optim.lr_scheduler.LRScheduler to get one)")
    return Live(getattr(target, "__name__", reference), target, read_args(target), doc=first_doc_line(target))
