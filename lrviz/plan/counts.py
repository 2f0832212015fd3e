"""What a training plan comes to: the counts a runner derives, each with the rule that produced it.

A run is ``optimizer_steps`` optimizer steps, ``steps_per_epoch`` to an epoch (every runner lrviz
models gives each epoch the same number). After optimizer step ``t`` the runner makes
:meth:`RunCounts.calls_after` ``(t)`` calls of ``scheduler.step()``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .model import TrainingPlan


def calls_before(plan: TrainingPlan, batches: int, per_epoch: int, t: int) -> int:
    """``scheduler.step()`` calls the runner makes after its first ``t`` optimizer steps (closed forms).

    Per epoch: one at each ``frequency``-th epoch end. Lightning per step: after the optimizer steps whose
    batch count in the epoch, ``min((i + 1) * grad_accum, batches)``, is a multiple of ``frequency``.
    accelerate: one per process. Otherwise one per optimizer step.
    """
    epochs, rest = divmod(t, per_epoch)
    freq = plan.frequency
    if plan.interval == "epoch":
        return epochs // freq
    if plan.runner == "lightning" and freq > 1:
        period = freq // math.gcd(plan.grad_accum, freq)
        in_full_epoch = (per_epoch - 1) // period + int(batches % freq == 0)
        return epochs * in_full_epoch + rest // period
    if plan.runner == "accelerate" and not plan.split_batches:
        return plan.devices * t
    return t


@dataclass(frozen=True)
class Count:
    """One derived number, the rule that produced it, and where that rule comes from."""

    value: Any
    rule: str
    source: str

    def to_dict(self) -> dict:
        return {"value": self.value, "rule": self.rule, "source": self.source}


@dataclass(frozen=True)
class RunCounts:
    """The counts of one run under ``plan``, as its runner (``runner_version``) derives them."""

    plan: TrainingPlan
    runner_version: str
    samples: Count
    batches_per_epoch: Count
    steps_per_epoch: Count
    optimizer_steps: Count
    epochs: Count
    warmup_steps: Count
    scheduler_calls: Count
    scheduler_steps: Count

    # ---------------------------------------------------------------- per optimizer step

    def epoch_of(self, t: int) -> int:
        """The epoch (from 0) optimizer step ``t`` belongs to."""
        return t // self.steps_per_epoch.value

    def is_epoch_end(self, t: int) -> bool:
        return t % self.steps_per_epoch.value == self.steps_per_epoch.value - 1

    def calls_after(self, t: int) -> int:
        """How many times the runner calls ``scheduler.step()`` right after optimizer step ``t``."""
        return self.calls_before(t + 1) - self.calls_before(t)

    def calls_before(self, t: int) -> int:
        """``scheduler.step()`` calls made after optimizer steps ``0 .. t-1``: what row ``t`` has seen."""
        return calls_before(self.plan, self.batches_per_epoch.value, self.steps_per_epoch.value, t)

    def step_after_calls(self, calls: int) -> int | None:
        """The first optimizer step whose lr has seen ``calls`` scheduler steps; None if the run never gets there."""
        lo, hi = 0, self.optimizer_steps.value
        if self.calls_before(hi) < calls:
            return None
        while lo < hi:
            mid = (lo + hi) // 2
            lo, hi = (mid + 1, hi) if self.calls_before(mid) < calls else (lo, mid)
        return lo

    # ---------------------------------------------------------------- output

    @property
    def warmup_end(self) -> int | None:
        """The first optimizer step after warmup, or None without warmup."""
        return self.warmup_steps.value or None

    def variables(self) -> dict[str, int | float]:
        """The plan variables a scheduler argument may name (lrviz.plan.variables)."""
        return {
            "total_steps": self.optimizer_steps.value,
            "warmup_steps": self.warmup_steps.value,
            "steps_per_epoch": self.steps_per_epoch.value,
            "epochs": self.epochs.value,
            "scheduler_steps": self.scheduler_steps.value,
            "devices": self.plan.devices,
        }

    def rows(self) -> list[tuple[str, Count]]:
        """The counts in the order of the chain samples -> batches -> optimizer steps -> scheduler steps."""
        return [
            ("samples", self.samples),
            ("batches per epoch (per device)", self.batches_per_epoch),
            ("optimizer steps per epoch", self.steps_per_epoch),
            ("optimizer steps", self.optimizer_steps),
            ("epochs", self.epochs),
            ("warmup steps", self.warmup_steps),
            ("scheduler.step() per optimizer step", self.scheduler_calls),
            ("scheduler.step() calls", self.scheduler_steps),
        ]

    def to_dict(self) -> dict:
        """Plain data for JSON: the headline numbers, then every count with its rule."""
        import dataclasses

        return {
            "runner": self.plan.runner,
            "runner_version": self.runner_version,
            "optimizer_steps": self.optimizer_steps.value,
            "steps_per_epoch": self.steps_per_epoch.value,
            "warmup_steps": self.warmup_steps.value,
            "scheduler_steps": self.scheduler_steps.value,
            "batches_per_epoch": self.batches_per_epoch.value,
            "epochs": self.epochs.value,
            "plan": dataclasses.asdict(self.plan),
            "counts": {name: count.to_dict() for name, count in self._named()},
        }

    def _named(self):
        return [(name, getattr(self, name)) for name in
                ("samples", "batches_per_epoch", "steps_per_epoch", "optimizer_steps", "epochs",
                 "warmup_steps", "scheduler_calls", "scheduler_steps")]
