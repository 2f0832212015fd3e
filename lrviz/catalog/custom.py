"""A scheduler class of the user's own, ``path/to/file.py:MyLR`` or ``package.module:MyLR``, read
from its signature like torch's (loading it runs its code: lrviz.usercode); or, from Python, a
callable taking the optimizer (lrviz.spec.factory): a factory ``lambda opt: MyLR(opt)`` or a class."""

from __future__ import annotations

import inspect
from functools import cache

from ..errors import LrvizError
from ..spec.model import SchedulerFactory
from ..usercode import load, refuse_untrusted
from .introspect import Live, first_doc_line, read_args

SOURCE = "custom"


def live(reference: str) -> Live:
    """The user's scheduler ``reference`` names (a SchedulerFactory carries it), checked to take an
    optimizer as torch's schedulers do; a reference read from an untrusted spec file is refused,
    even when it was loaded before (lrviz.usercode.refuse_untrusted)."""
    if isinstance(reference, SchedulerFactory):
        return factory_live(reference)
    refuse_untrusted(reference)
    return _referenced(reference.strip())


@cache
def _referenced(reference: str) -> Live:
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


def factory_live(name: SchedulerFactory) -> Live:
    """A scheduler factory as the catalog has a class: its first parameter takes the optimizer, the
    others (if any) are its arguments; the target calls it and checks that it built a scheduler
    on that optimizer. Whatever it raises is an LrvizError naming it."""
    factory = name.factory
    try:
        params = list(inspect.signature(factory).parameters.values())
    except (TypeError, ValueError):  # a builtin without a signature: assume it takes the optimizer alone
        return Live(str(name), _target(name), ())
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
    if not positional:
        raise LrvizError(f"scheduler factory {name} must take the optimizer as its first argument, "
                         f"e.g. lambda optimizer: StepLR(optimizer, step_size=10)")
    args = tuple(a for a in read_args(factory) if a.name != positional[0].name)
    return Live(str(name), _target(name), args, doc=first_doc_line(factory) if inspect.isclass(factory) else "")


def _target(name: SchedulerFactory):
    factory = name.factory

    def build(optimizer, **kwargs):
        try:
            scheduler = factory(optimizer, **kwargs)
        except Exception as exc:
            raise LrvizError(f"scheduler factory {name} raised {type(exc).__name__}: {exc}") from exc
        _check_built(name, scheduler, optimizer)
        return scheduler

    build.__wrapped__ = factory  # what reads the target's code (lrviz.simulation.pergroup) reads the factory's
    return build


def _check_built(name: SchedulerFactory, scheduler, optimizer) -> None:
    """An LrvizError unless ``scheduler`` is a scheduler built on ``optimizer`` and stepped with ``step()``."""
    what = type(scheduler).__name__
    if not hasattr(scheduler, "step"):
        raise LrvizError(f"scheduler factory {name} returned a value of type {what}, not a scheduler: return one built on the "
                         f"optimizer it is given, e.g. lambda optimizer: StepLR(optimizer, step_size=10)")
    if getattr(scheduler, "optimizer", None) is not optimizer:
        raise LrvizError(f"scheduler factory {name} returned a {what} that is not built on the optimizer it is "
                         f"given: lrviz reads the lr from that optimizer")
    if hasattr(scheduler, "step_update"):
        raise LrvizError(f"scheduler factory {name} returned timm's {what}, which timm's train.py steps its own way: "
                         f"give it as timm:NAME with its arguments")
