"""Diagnosis: which known mistake turns the prediction into exactly what the run logged.

Each mistake (lrviz.audit.mistakes) is tried as a *transformed prediction*: the scheduler is
built and stepped again the way the mistaken run stepped it (lrviz's predictor, or
``lrviz.simulation.build.build`` + ``lrviz.simulation.record.record`` where the optimizer's state
matters), and the result is compared with every logged point at the log's own precision
(lrviz.audit.search).

The work is bounded: every scheduler row simulated is counted against ``ROW_BUDGET``, each
search family has its own limit, and a search that runs out says so in ``Diagnosis.notes``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .search import ROW_BUDGET, Finding, Hints, OutOfBudget, Search

if TYPE_CHECKING:
    import numpy as np

    from ..spec import ScheduleSpec
    from .log import Log
    from .predict import Predictor


@dataclass(frozen=True)
class Diagnosis:
    #: every fitting candidate, the likeliest (first tried) first; empty when none fits
    findings: tuple[Finding, ...]
    notes: tuple[str, ...] = ()
    rows_simulated: int = 0


def diagnose(log: Log, spec: ScheduleSpec, predict: Predictor, base: np.ndarray, start: int, *, group: int = 0,
             hints: Hints = Hints(), budget: int = ROW_BUDGET) -> Diagnosis:
    """Try every known mistake (lrviz.audit.mistakes.FAMILIES, in order) on a log that disagrees
    with ``base`` (the lr per optimizer step from ``start``); each family stops at its first fit."""
    from ..notices import torch_quiet
    from .mistakes import FAMILIES

    search = Search(log, spec, predict, group, hints, base, start, budget)
    findings, notes = [], []
    with warnings.catch_warnings(), torch_quiet():
        warnings.simplefilter("ignore")  # candidates are built from arguments the user never wrote
        for family in FAMILIES:
            try:
                for candidate in family(search):
                    finding = search.fits(candidate)
                    if finding is not None:
                        findings.append(finding)
                        break
            except OutOfBudget:
                notes.append(f"the search stopped at its limit of {budget:,} simulated rows; "
                             f"mistakes left untried may fit")
                break
    return Diagnosis(tuple(findings), tuple(notes), search.spent)
