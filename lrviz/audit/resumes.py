"""Resumes that lost the scheduler's state, as candidates for lrviz.audit.diagnose.

The run followed the prediction up to optimizer step K, then was resumed:

- ``restarted``: with a new optimizer and a new scheduler, neither state loaded (the Hugging Face
  Trainer does this when a checkpoint lacks ``optimizer.pt`` or ``scheduler.pt``): from K the
  schedule starts over, the lr of step t is the prediction's at t - K;
- ``fresh_scheduler``: optimizer and scheduler built anew, then ``optimizer.load_state_dict()``
  but no ``scheduler.load_state_dict()``: the scheduler's count starts over on the restored lr;
- ``last_epoch_resume``: a new optimizer whose groups get ``initial_lr`` by hand (else torch's
  KeyError) and a scheduler built with ``last_epoch=K-1`` (or K): a recursive scheduler then
  continues from the starting lr, not the one the run had reached.

K is searched between the last agreeing point and the first differing one (``restarted``: the
lr changes at K itself), or in the ``RESUME_WINDOW`` steps up to the first differing point (the
others: the change may show later). The last two re-run the real objects with
``lrviz.simulation.build.build`` and ``lrviz.simulation.record.record``, so torch's own resume behaviour is what is compared.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Iterator

from ..spec import SchedulerSpec
from .predict import per_epoch
from .search import Candidate

if TYPE_CHECKING:
    import numpy as np

    from .search import Search

#: resume steps K tried by ``restarted`` (no simulation: the prediction is reused), at most
RESTART_WINDOW = 4096
#: resume steps K tried by the families that re-run the scheduler, at most
RESUME_WINDOW = 256


def restarted(search: Search) -> Iterator[Candidate]:
    import numpy as np

    base, start = search.base, search.start
    first = search.probe[0]
    for k in range(max(search.agreed_until + 1, start + 1, first - RESTART_WINDOW + 1), first + 1):
        u = k - start
        yield Candidate(
            "restarted",
            f"the schedule started over at optimizer step {k}: the run was resumed with a new optimizer and "
            f"scheduler whose state was not loaded (the Trainer does so when a checkpoint lacks optimizer.pt "
            f"or scheduler.pt)",
            "save optimizer.state_dict() and scheduler.state_dict() in the checkpoint and load both when resuming",
            {"resume_step": k}, lambda rows, u=u: np.concatenate([base[:u], base[:max(0, rows - u)]])[:rows])


def _resumable(search: Search) -> bool:
    """Can the run's objects be rebuilt the way these families need (torch stepping, no metrics)?"""
    spec = search.spec
    return not per_epoch(spec) and spec.metrics is None and "last_epoch" not in spec.scheduler.args


def _window(search: Search) -> range:
    first = search.probe[0]
    return range(max(search.start + 1, first - RESUME_WINDOW + 1), first + 1)


def _record(search: Search, spec, rows: int, groups: list[dict] | None = None):
    """Build ``spec`` (optionally loading ``groups`` into its optimizer, as ``optimizer.load_state_dict``
    does after the scheduler was made) and record ``rows`` rows: (lrs of the group, param groups after)."""
    from ..simulation.build import build
    from ..simulation.record import record

    search.charge(rows)
    built = build(spec.with_overrides(steps=rows))
    if built.loaded.drive is not None or built.metrics is not None:
        raise NotTorchStepped
    for group, saved in zip(built.optimizer.param_groups, groups or ()):
        group.update(saved)
    lrs, _ = record(built, rows)
    return lrs[search.group], [{k: v for k, v in g.items() if k != "params"} for g in built.optimizer.param_groups]


class NotTorchStepped(Exception):
    """A scheduler stepped its own way (timm) or with metrics: these resumes do not apply."""


def fresh_scheduler(search: Search) -> Iterator[Candidate]:
    if not _resumable(search):
        return
    import numpy as np

    base, spec = search.base, search.spec

    def make(rows: int, u: int) -> np.ndarray:
        if rows <= u:
            return base[:rows]
        _, saved = _record(search, spec, u + 1)  # the groups as the checkpoint saved them at step K
        tail, _ = _record(search, spec, rows - u, saved)
        return np.concatenate([base[:u], tail])

    for k in _window(search):
        yield Candidate(
            "fresh-scheduler",
            f"a fresh scheduler was built at optimizer step {k} on the restored optimizer: its step count "
            f"started over (scheduler.load_state_dict() was not called)",
            "save scheduler.state_dict() in the checkpoint and load it when resuming",
            {"resume_step": k}, lambda rows, u=k - search.start: _guarded(make, rows, u))


def last_epoch_resume(search: Search) -> Iterator[Candidate]:
    if not _resumable(search):
        return
    import numpy as np

    base, spec = search.base, search.spec

    def make(rows: int, u: int, last_epoch: int) -> np.ndarray:
        if rows <= u:
            return base[:rows]
        resumed = dataclasses.replace(spec, scheduler=SchedulerSpec(
            spec.scheduler.type, {**spec.scheduler.args, "last_epoch": last_epoch}))
        tail, _ = _record(search, resumed, rows - u)
        return np.concatenate([base[:u], tail])

    for k in _window(search):
        for last_epoch in (k - 1, k):
            ahead = "" if last_epoch == k - 1 else f"; and last_epoch={k} is one ahead (step {k} follows last_epoch {k - 1})"
            yield Candidate(
                "last-epoch-resume",
                f"resumed at optimizer step {k} with last_epoch={last_epoch} on a new optimizer: initial_lr set by "
                f"hand (torch's KeyError otherwise) but the lr back at its starting value, so the scheduler went on "
                f"from the wrong lr{ahead}",
                "load optimizer.state_dict() (it holds lr and initial_lr) and scheduler.state_dict() when resuming, "
                "instead of last_epoch",
                {"resume_step": k, "last_epoch": last_epoch},
                lambda rows, u=k - search.start, e=last_epoch: _guarded(make, rows, u, e))


def _guarded(make, rows: int, u: int, *args):
    """``make(rows, u, *args)`` for a resume at row ``u`` (the prediction itself before it); an empty
    array, which agrees with nothing, for a scheduler these resumes do not apply to."""
    import numpy as np

    try:
        return make(rows, u, *args)
    except NotTorchStepped:
        return np.empty(0)
