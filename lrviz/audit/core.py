"""``audit``: a run's logged lr beside the prediction: agree or not, where they part, and why.

Exit-code semantics for the command line: 0 when the log agrees (``AuditResult.exit_code``), 1 when
it does not, 2 for unreadable input (every reader and predictor problem is an LrvizError).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import LrvizError
from .compare import Comparison, compare_points
from .diagnose import Diagnosis, diagnose
from .search import ROW_BUDGET, Finding, Hints
from .predict import default_predictor, first_step, per_optimizer_step, predict_steps

if TYPE_CHECKING:
    import numpy as np

    from ..spec import ScheduleSpec
    from .log import Log
    from .predict import Predictor


@dataclass(frozen=True)
class AuditResult:
    """The log, the prediction per optimizer step, their comparison and the diagnosis (when they differ)."""

    log: Log
    label: str
    #: the scheduler call the prediction came from
    title: str
    #: the lr predicted at each optimizer step from ``start``
    predicted: np.ndarray
    start: int
    comparison: Comparison
    diagnosis: Diagnosis | None = None
    #: why the prediction ends before the log does (its scheduler cannot step further), or None
    ended: str | None = None

    @property
    def match(self) -> bool:
        return self.comparison.match

    @property
    def exit_code(self) -> int:
        """0 when the log agrees with the prediction, 1 when it does not."""
        return 0 if self.match else 1

    @property
    def finding(self) -> Finding | None:
        """The likeliest mistake that explains the log exactly, if any."""
        return self.diagnosis.findings[0] if self.diagnosis and self.diagnosis.findings else None

    def first_divergence_logged_step(self) -> int | None:
        """The first differing point's step number as the log writes it."""
        c = self.comparison
        return None if c.first_divergence is None else c.first_divergence + self.log.first_step

    def verdict_lines(self) -> list[str]:
        """The verdict in plain lines: what was compared, where they part, the cause and the fix."""
        log, c = self.log, self.comparison
        end = self.start + len(self.predicted) - 1
        lines = [f"log: {log.describe()}", f"  steps: {log.convention}",
                 f"prediction: {self.label}: {self.title}, optimizer steps {self.start}..{end}"]
        if c.outside:
            lines.append(f"  {c.outside:,} logged points come before the predicted steps and were not compared")
        if c.beyond:
            lines.append(f"  {c.beyond:,} logged points come after the last predicted step, each a difference"
                         + (f": {self.ended}" if self.ended else ""))
        if self.match:
            lines.append(f"agrees: all {c.compared:,} compared points equal the prediction "
                         f"(largest difference {c.max_abs_error:.3g}, within rtol {log.rtol:.2g})")
            return lines
        step = c.first_divergence
        logged, *predicted = _numbers(log.lrs[c.first_index], *self.predicted[step - self.start:][:1])
        lines.append(f"differs from optimizer step {step} (logged step {self.first_divergence_logged_step()}): "
                     f"logged {logged}, predicted {predicted[0] if predicted else 'nothing (past its end)'}")
        worst = f" at optimizer step {c.worst_step}" if c.worst_step is not None else ""
        lines.append(f"  {c.mismatches:,} of {c.compared:,} points differ; largest difference {c.max_abs_error:.3g}{worst}")
        finding = self.finding
        if finding is None:
            lines.append("cause: no known mistake fits exactly" if self.diagnosis else "cause: not diagnosed")
        else:
            lines += [f"cause: {finding.cause}", f"fix: {finding.fix}"]
            lines += [f"also fits exactly: {other.cause}" for other in self.diagnosis.findings[1:]]
        lines += [f"note: {note}" for note in (self.diagnosis.notes if self.diagnosis else ())]
        return lines

    def to_dict(self) -> dict:
        """What ``--format json`` prints: ``match``, ``first_divergence`` (optimizer step or None),
        ``max_abs_error``, ``cause`` and ``fix`` (None when nothing fits), and the details."""
        c, log, finding = self.comparison, self.log, self.finding
        return {
            "match": self.match,
            "first_divergence": c.first_divergence,
            "first_divergence_logged_step": self.first_divergence_logged_step(),
            "max_abs_error": c.max_abs_error if math.isfinite(c.max_abs_error) else None,
            "worst_step": c.worst_step,
            "cause": finding and finding.cause,
            "fix": finding and finding.fix,
            "mistake": finding and finding.mistake,
            "diagnosis": [f.to_dict() for f in self.diagnosis.findings] if self.diagnosis else [],
            "notes": list(self.diagnosis.notes) if self.diagnosis else [],
            "points": log.points, "compared": c.compared, "mismatches": c.mismatches, "outside": c.outside,
            "beyond": c.beyond, "prediction_ended": self.ended,
            "rtol": log.rtol,
            "log": {"source": log.source, "format": log.format, "series": log.series,
                    "first_step": log.first_step, "convention": log.convention},
            "prediction": {"label": self.label, "title": self.title, "start": self.start,
                           "steps": len(self.predicted)},
        }


def _numbers(*values: float) -> list[str]:
    """``values`` with 9 significant digits, or as many more as it takes to tell them apart.

    >>> _numbers(0.1, 0.09999999999975327), _numbers(0.25)
    (['0.1', '0.0999999999998'], ['0.25'])
    """
    for digits in range(9, 18):
        shown = [f"{float(v):.{digits}g}" for v in values]
        if len(set(shown)) == len(shown):
            break
    return shown


def audit(log: Log, spec: ScheduleSpec, predict: Predictor | None = None, *, group: int = 0,
          steps_per_epoch: int | None = None, grad_accum: int | None = None, devices: int | None = None,
          diagnose_mistakes: bool = True, budget: int = ROW_BUDGET) -> AuditResult:
    """Compare the lr ``log`` holds with what ``spec`` predicts at the same optimizer steps.

    Args:
        log: from ``lrviz.audit.read_log``.
        spec: the schedule the run was meant to follow; its ``steps`` is set to cover the log.
        predict: ``predict(spec) -> Trace`` (rows: optimizer steps from ``trace.start``, ``spec.steps``
            of them); default ``lrviz.simulation.record.simulate_spec``.
        group: the param group the log's series belongs to.
        steps_per_epoch: optimizer steps per epoch (default: the spec's): lines a per-epoch schedule
            up with optimizer steps, and names "stepped per epoch".
        grad_accum, devices: the run's accumulation and process count, when known: name causes precisely.
        diagnose_mistakes: try the known mistakes when the log differs.
        budget: scheduler rows the diagnosis may simulate.
    """
    predict = predict or default_predictor()
    steps_per_epoch = steps_per_epoch or spec.steps_per_epoch
    start = first_step(predict, spec, steps_per_epoch)
    last = int(log.rows[-1])
    if last < start:
        raise LrvizError(f"{log.source} ends at optimizer step {last}, before the prediction starts at step {start} "
                         f"(a schedule resumed with last_epoch)")
    lrs, start, trace, ended = _prediction(predict, spec, last - start + 1, group, steps_per_epoch)
    comparison = compare_points(log.rows, log.lrs, lrs, start, log.rtol)
    diagnosis = None
    if not comparison.match and diagnose_mistakes:
        hints = Hints(steps_per_epoch, grad_accum, devices)
        diagnosis = diagnose(log, spec, predict, lrs, start, group=group, hints=hints, budget=budget)
    return AuditResult(log, trace.label, trace.title or trace.label, lrs, start, comparison, diagnosis, ended)


def _prediction(predict: Predictor, spec: ScheduleSpec, rows: int, group: int, steps_per_epoch: int | None):
    """``(lrs, start, trace, ended)``: the prediction for ``rows`` optimizer steps; or, when its scheduler
    cannot step that far (OneCycleLR past ``total_steps``), for its own horizon, ``ended`` saying why."""
    try:
        lrs, start, trace = predict_steps(predict, spec, rows, group, steps_per_epoch)
        return lrs[:rows], start, trace, None
    except LrvizError as exc:
        try:
            trace = predict(dataclasses.replace(spec, steps=None))
            lrs, start = per_optimizer_step(trace, group, steps_per_epoch)
        except LrvizError:
            raise exc from None
        if len(lrs) >= rows:
            raise
        return lrs, start, trace, str(exc)
