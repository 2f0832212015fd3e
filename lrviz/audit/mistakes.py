"""The known mistakes in how a run steps its scheduler, each as candidates for lrviz.audit.diagnose.

A family is a function ``family(search)`` yielding Candidates, likeliest first; each candidate's
``make(rows)`` re-runs the scheduler (``search.simulate``: the predictor, honouring ``steps``)
the way the mistaken run stepped it, and keeps the lr held at each optimizer step:

- ``log_shift``: the run was right, the log is one step ahead or behind;
- ``stepped_k_times``: ``scheduler.step()`` k times per optimizer step (accelerate on k processes,
  accumulation not counted): optimizer step t holds the lr after k*t scheduler steps;
- ``stepped_every_k``: once every k optimizer steps (per epoch, accumulation counted twice);
- ``stepped_per_step``: a schedule counted in epochs stepped after every optimizer step;
- ``other_horizon``: a horizon argument (``T_max``, ``num_training_steps``, ...) with another value;
- the resumes of lrviz.audit.resumes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .horizon import other_horizon
from .predict import per_epoch
from .resumes import fresh_scheduler, last_epoch_resume, restarted
from .search import Candidate

if TYPE_CHECKING:
    from .search import Search

#: k tried for "k scheduler steps per optimizer step" and "one every k", besides the hints
MAX_FACTOR = 16
#: k derived from where the log first changes, tried for "one every k optimizer steps", at most
EVERY_LIMIT = 256


def log_shift(search: Search) -> Iterator[Candidate]:
    spec = search.spec
    yield Candidate(
        "log-ahead",
        "the log is one step ahead: each point holds the lr of the next optimizer step, as when the lr is "
        "read after scheduler.step() (the Hugging Face Trainer did so before transformers 4.51)",
        "the run followed the schedule: read the lr before scheduler.step(), or audit with first_step one lower",
        {"shift": 1}, lambda rows: search.simulate(spec, rows + 1)[1:rows + 1])

    def behind(rows):
        import numpy as np

        lrs = search.simulate(spec, rows)
        return np.concatenate([lrs[:1], lrs[:rows - 1]])

    yield Candidate(
        "log-behind", "the log is one step behind: each point holds the lr of the previous optimizer step",
        "the run followed the schedule: read the lr during the step it belongs to, or audit with first_step one higher",
        {"shift": -1}, behind)


def _factors(*hinted: int | None) -> list[int]:
    """The hinted factors above 1, then 2..MAX_FACTOR, each once."""
    return list(dict.fromkeys([k for k in hinted if k and k > 1] + list(range(2, MAX_FACTOR + 1))))


def stepped_k_times(search: Search) -> Iterator[Candidate]:
    if per_epoch(search.spec):
        return
    hints = search.hints
    both = hints.devices * hints.grad_accum if hints.devices and hints.grad_accum else None
    for k in _factors(hints.devices, hints.grad_accum, both):
        if k == hints.devices:
            why = f"accelerate on {k} processes steps the scheduler once per process (AcceleratedScheduler without split_batches)"
        elif k == hints.grad_accum:
            why = f"gradient accumulation over {k} micro-batches not counted: scheduler.step() after every micro-batch"
        else:
            why = (f"e.g. accelerate on {k} processes (one step per process), accumulation over {k} micro-batches "
                   f"not counted, or {k} scheduler.step() calls in the loop")
        yield Candidate(
            "stepped-k-times", f"scheduler.step() ran {k} times per optimizer step: {why}",
            "call scheduler.step() once per optimizer step; under accelerate, size the schedule for "
            "num_processes x the steps (as accelerate expects) or set step_scheduler_with_optimizer=False",
            {"k": k}, lambda rows, k=k: search.simulate(search.spec, k * (rows - 1) + 1)[::k])


def stepped_every_k(search: Search) -> Iterator[Candidate]:
    if per_epoch(search.spec):
        return
    hints = search.hints
    for k in _factors(hints.steps_per_epoch, hints.grad_accum) + _first_change_factors(search):
        if k == hints.steps_per_epoch:
            cause = (f"scheduler.step() ran once per epoch ({k} optimizer steps) but the schedule counts optimizer "
                     f"steps (Lightning's default interval is 'epoch')")
            fix = "step it after every optimizer step (Lightning: 'interval': 'step'), or size the schedule in epochs"
        elif k == hints.grad_accum:
            cause = f"scheduler.step() ran once every {k} optimizer steps: gradient accumulation ({k}) counted twice"
            fix = "call scheduler.step() after every optimizer step (not every accumulation-th one)"
        else:
            cause = f"scheduler.step() ran once every {k} optimizer steps (once per epoch, if an epoch has {k})"
            fix = "step the scheduler after every optimizer step, or size the schedule in the unit it is stepped in"
        yield Candidate("stepped-every-k", cause, fix, {"k": k}, lambda rows, k=k: _held(search, rows, k))


def _held(search: Search, rows: int, k: int):
    import numpy as np

    return np.repeat(search.simulate(search.spec, -(-rows // k)), k)[:rows]


def _first_change_factors(search: Search) -> list[int]:
    """The k for which "one scheduler step every k optimizer steps" makes the lr first change between
    the last logged point still at the first value and the next: where the log says it changes."""
    import numpy as np

    values, rows = search.values, search.rows - search.start
    changed = np.flatnonzero(values != values[0])
    moved = np.flatnonzero(search.base != search.base[0])
    if not changed.size or not changed[0] or not moved.size:
        return []
    before, at, m = int(rows[changed[0] - 1]), int(rows[changed[0]]), int(moved[0])
    low, high = before // m + 1, at // m
    return [k for k in range(max(2, low), high + 1)][:EVERY_LIMIT]


def stepped_per_step(search: Search) -> Iterator[Candidate]:
    if not per_epoch(search.spec):
        return
    length = search.hints.steps_per_epoch

    def make(rows):
        return search.trace(search.spec, rows).lrs[search.group][:rows]

    yield Candidate(
        "stepped-per-step",
        f"scheduler.step() ran after every optimizer step, but the schedule counts epochs ({length} optimizer steps each)",
        "step it once per epoch (Lightning: 'interval': 'epoch'), or size it in optimizer steps "
        f"(its horizons x {length})", {"k": length}, make)


#: every family, in the order tried (the likeliest and cheapest first)
FAMILIES = (log_shift, stepped_k_times, stepped_every_k, stepped_per_step, other_horizon, restarted,
            fresh_scheduler, last_epoch_resume)
