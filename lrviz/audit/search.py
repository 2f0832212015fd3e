"""What every candidate mistake is checked against, and how (lrviz.audit.diagnose runs the search).

A ``Candidate`` is a mistake with its parameters and a ``make(rows)`` that re-runs the scheduler
the way a run making it stepped it; ``Search.fits`` checks it first on the points up to a few past
the first divergence (cheap), then on ever longer runs (each four times the last) up to the whole
log, every simulated row counted against the budget (``OutOfBudget`` when spent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..errors import LrvizError
from .compare import first_disagreement
from .predict import per_optimizer_step

if TYPE_CHECKING:
    import numpy as np

    from ..spec import ScheduleSpec
    from .log import Log
    from .predict import Predictor

#: scheduler rows all candidates of one audit may simulate together
ROW_BUDGET = 10_000_000
#: points past the first divergence a candidate must predict before it is checked on the whole log
PREFIX_POINTS = 8


@dataclass(frozen=True)
class Hints:
    """What the run is known to have had, used to name a cause precisely (each optional)."""

    steps_per_epoch: int | None = None
    grad_accum: int | None = None
    devices: int | None = None


@dataclass(frozen=True)
class Candidate:
    """One mistake with its parameters, and how to predict the lr a run making it holds."""

    mistake: str
    cause: str
    fix: str
    params: dict[str, Any]
    #: ``make(rows)``: the lr at each of ``rows`` optimizer steps from the prediction's first step
    make: Callable[[int], "np.ndarray"]


@dataclass(frozen=True)
class Finding:
    """A candidate that predicts every logged point, with its prediction."""

    candidate: Candidate
    #: the lr at each optimizer step from ``start`` that the mistaken run held
    lrs: np.ndarray = field(repr=False)
    start: int = 0

    mistake = property(lambda self: self.candidate.mistake)
    cause = property(lambda self: self.candidate.cause)
    fix = property(lambda self: self.candidate.fix)
    params = property(lambda self: self.candidate.params)

    def to_dict(self) -> dict:
        return {"mistake": self.mistake, "cause": self.cause, "fix": self.fix, **self.params}

    def short(self) -> str:
        """``stepped-k-times (k=2)``: the mistake and its parameters."""
        return f"{self.mistake} ({', '.join(f'{k}={v}' for k, v in self.params.items())})"


class OutOfBudget(Exception):
    pass


class Search:
    """The log, the prediction and the budget every candidate is checked against."""

    def __init__(self, log: Log, spec: ScheduleSpec, predict: Predictor, group: int, hints: Hints,
                 base: np.ndarray, start: int, budget: int = ROW_BUDGET):
        keep = log.rows >= start
        self.rows, self.values, self.rtol = log.rows[keep], log.lrs[keep], log.rtol
        self.spec, self.predict, self.group, self.hints = spec, predict, group, hints
        self.base, self.start = base, start
        self.total = int(self.rows[-1]) - start + 1
        first = first_disagreement(self.rows, self.values, base, start, self.rtol)
        if first is None:
            raise ValueError("nothing to diagnose: the prediction agrees with every point")
        self.first_index = first
        #: the first point that differs: (optimizer step, logged value)
        self.probe = (int(self.rows[first]), float(self.values[first]))
        #: the optimizer steps before the first divergence that agree: the last one of them
        self.agreed_until = int(self.rows[first - 1]) if first else start - 1
        last = min(first + PREFIX_POINTS, len(self.rows) - 1)
        self.prefix = int(self.rows[last]) - start + 1
        self.budget, self.spent = budget, 0

    def charge(self, rows: int) -> None:
        """Count ``rows`` simulated scheduler rows; OutOfBudget once the budget is spent."""
        if self.spent + rows > self.budget:
            raise OutOfBudget
        self.spent += rows

    def trace(self, spec: ScheduleSpec, rows: int):
        """The predictor's Trace of ``spec`` with ``rows`` rows of its own unit."""
        self.charge(rows)
        return self.predict(spec.with_overrides(steps=max(1, rows)))

    def simulate(self, spec: ScheduleSpec, rows: int) -> np.ndarray:
        """``spec``'s lr at each of ``rows`` optimizer steps, stepped as the spec says."""
        from .predict import scheduler_rows

        steps_per_epoch = self.hints.steps_per_epoch
        trace = self.trace(spec, scheduler_rows(spec, rows, steps_per_epoch))
        return per_optimizer_step(trace, self.group, steps_per_epoch)[0][:rows]

    def fits(self, candidate: Candidate) -> Finding | None:
        """The Finding when ``candidate`` predicts every point, else None.

        It is checked on the points up to a few past the first divergence, then on four times as
        many steps, and so on: a wrong candidate costs a few times the steps up to where it goes
        wrong, however long the log; a right one about 4/3 of the log's.
        """
        from ..simulation.refusals import REFUSALS

        rows = min(self.prefix, self.total)
        while True:
            try:
                lrs = candidate.make(rows)
            except (LrvizError, *REFUSALS):
                return None  # a mistake the scheduler cannot even make (e.g. stepping past OneCycleLR's end)
            if not self._agrees(lrs):
                return None
            if rows == self.total:
                return Finding(candidate, lrs, self.start)
            rows = min(4 * rows, self.total)

    def _agrees(self, lrs: np.ndarray) -> bool:
        import numpy as np

        n = int(np.searchsorted(self.rows, self.start + len(lrs)))
        return len(lrs) > 0 and first_disagreement(self.rows[:n], self.values[:n], lrs, self.start, self.rtol) is None
