"""Resume a schedule the way training resumes: from ``state_dict()`` checkpoints, into fresh objects.

A checkpoint written at the end of step K holds ``optimizer.state_dict()`` and
``scheduler.state_dict()``; the optimizer then holds the lr of step K+1. A restarted script builds
a fresh optimizer and scheduler from the same code, loads both (the optimizer first, as the
Hugging Face Trainer and Lightning do) and trains on from step K+1. The curve it follows is
:func:`resumed_trace`; ``lrviz check --resume-at K`` compares it with the uninterrupted run.

>>> trace = resumed_trace(specs_from_tokens(["step:step_size=2,gamma=0.5"])[0].with_overrides(steps=6, lr=1.0), 2)
>>> trace.start, trace.lr.tolist()
(3, [0.5, 0.25, 0.25])
"""

from __future__ import annotations

import copy
import dataclasses

from ..errors import LrvizError
from ..spec import ScheduleSpec, specs_from_tokens  # noqa: F401 - specs_from_tokens: the doctest's


def unresumable_reason(scheduler) -> str | None:
    """Why ``scheduler`` cannot be checkpointed with ``state_dict()``; None when it can."""
    if not (callable(getattr(scheduler, "state_dict", None)) and callable(getattr(scheduler, "load_state_dict", None))):
        return f"{type(scheduler).__name__} has no state_dict() and load_state_dict()"
    return None


def _undecorated(method):
    """torch wraps Optimizer.state_dict/load_state_dict in ``torch._disable_dynamo``, whose first call
    imports torch._dynamo (about a second); the function it wraps is the same code without that."""
    return getattr(method, "__wrapped__", method)


def resumed_build(spec: ScheduleSpec, k: int):
    """A fresh lrviz.simulation.build.Built for ``spec`` with the optimizer's and scheduler's ``state_dict()``
    of the uninterrupted run at the end of step ``k`` loaded; it continues from step ``k + 1``."""
    from torch.optim import Optimizer

    from .build import build
    from .refusals import REFUSALS

    whole = build(spec)
    row = k - whole.start
    if not 0 <= row <= whole.steps - 2:
        raise LrvizError(f"resume_at {k} is outside {whole.start}..{whole.start + whole.steps - 2} "
                         f"(it must leave a step to continue)", field="resume_at")
    reason = unresumable_reason(whole.scheduler)
    if reason:
        raise LrvizError(f"cannot resume from a checkpoint: {reason}")
    whole.optimizer.step()
    for t in range(row + 1):
        whole.advance(t)
    fresh = build(spec)
    try:
        optimizer_state, scheduler_state = copy.deepcopy(
            (_undecorated(Optimizer.state_dict)(whole.optimizer), whole.scheduler.state_dict()))
        _undecorated(Optimizer.load_state_dict)(fresh.optimizer, optimizer_state)
        fresh.scheduler.load_state_dict(scheduler_state)
    except (*REFUSALS, copy.Error) as exc:
        raise LrvizError(f"{whole.loaded.name}: saving and loading its state_dict() fails: "
                         f"{exc or type(exc).__name__}") from None
    advance = fresh.advance
    return dataclasses.replace(fresh, steps=whole.steps - row - 1, advance=lambda t: advance(t + row + 1),
                               start=k + 1, metrics=None if fresh.metrics is None else fresh.metrics[row + 1:])


def resumed_trace(spec: ScheduleSpec, k: int):
    """The lr (and momentum) of steps ``k + 1`` onwards, resumed from ``state_dict()`` checkpoints
    saved at the end of step ``k`` (see the module doc), as a Trace labelled as resumed."""
    from .record import simulate_spec

    trace = simulate_spec(spec, make=lambda s: resumed_build(s, k))
    return dataclasses.replace(trace, label=f"{spec.label} (resumed after step {k})")
