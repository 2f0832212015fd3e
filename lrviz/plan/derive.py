"""The counts of a run, derived the way its runner derives them (rules read from each runner's source).

- ``loop``: the tutorial loop, ``optimizer.step()`` when ``(i + 1) % grad_accum == 0 or i + 1 == len(loader)``,
  then ``scheduler.step()`` (per epoch instead with ``interval: epoch``).
- ``hf-trainer``: ``Trainer.set_initial_training_values`` and ``_inner_training_loop``; transformers 4.52
  and later round an epoch's optimizer steps up (the last partial accumulation steps), 4.46 to 4.51 round
  ``max_steps`` down but still step on the partial accumulation (transformers #36297, #37777).
- ``lightning``: ``_TrainingEpochLoop``: the optimizer steps on every ``accumulate_grad_batches``-th batch
  and on the epoch's last; ``_update_learning_rates`` steps the scheduler when ``(batch_idx + 1)`` (or
  ``current_epoch + 1`` for ``interval: epoch``) is a multiple of ``frequency``.
- ``accelerate``: ``Accelerator._do_sync`` syncs every ``gradient_accumulation_steps`` batches and at the
  end of the data loader; ``AcceleratedScheduler.step`` then steps the scheduler once per process
  (once with ``split_batches``).
"""

from __future__ import annotations

import math

from ..errors import LrvizError
from .counts import Count, RunCounts, calls_before
from .lengths import batches_per_device
from .model import TrainingPlan
from .versions import RunnerVersion, runner_version

#: the oldest transformers whose Trainer lrviz models
OLDEST_HF = (4, 46)


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def derive(plan: TrainingPlan) -> RunCounts:
    """Every count of the run ``plan`` describes, as its runner derives it.

    >>> from lrviz.plan.model import TrainingPlan
    >>> counts = derive(TrainingPlan(dataset_size=100, batch_size=8, grad_accum=4, epochs=3))
    >>> counts.batches_per_epoch.value, counts.steps_per_epoch.value, counts.optimizer_steps.value
    (13, 4, 12)
    """
    version = runner_version(plan.runner, plan.version)
    source = str(version)
    batches = batches_per_device(plan)
    if batches.value == 0:
        raise LrvizError(f"batch_size {plan.batch_size} with drop_last leaves no batch of the "
                         f"{plan.dataset_size} samples on each of {plan.devices} device(s)")
    if plan.runner == "hf-trainer":
        per_epoch, total = _hf_steps(plan, batches.value, version)
    else:
        per_epoch, total = _common_steps(plan, batches.value)
    samples = Count(plan.dataset_size, "dataset_size", "plan")
    epochs = Count(_exact(total.value, per_epoch.value), "optimizer steps / optimizer steps per epoch", source)
    warmup = warmup_count(plan, total.value, version)
    calls, scheduler_steps = _scheduler_counts(plan, batches.value, per_epoch.value, total.value, source)
    return RunCounts(plan, source, samples, Count(batches.value, batches.rule, source if plan.runner in
                     ("hf-trainer", "accelerate") else _torch_source()), per_epoch, total, epochs, warmup,
                     calls, scheduler_steps)


def _exact(a: int, b: int):
    return a // b if a % b == 0 else a / b


def _torch_source() -> str:
    from .versions import installed_version

    return f"torch {installed_version('torch')}"


def _length_rule(plan: TrainingPlan, per_epoch: int, both_stop: bool) -> tuple[int, str]:
    """Total optimizer steps from ``epochs`` and/or ``max_steps``; ``both_stop``: the first reached ends the run."""
    by_epochs = None if plan.epochs is None else int(plan.epochs) * per_epoch
    if plan.max_steps is None:
        return by_epochs, f"epochs {plan.epochs} × {per_epoch}"
    if by_epochs is None:
        return plan.max_steps, "max_steps (epochs repeat until it is reached)"
    if both_stop:
        return min(by_epochs, plan.max_steps), f"min(max_steps, epochs {plan.epochs} × {per_epoch}): the first reached stops"
    return plan.max_steps, "max_steps (it overrides epochs)"


def _common_steps(plan: TrainingPlan, batches: int) -> tuple[Count, Count]:
    """loop, Lightning and accelerate: an epoch steps the optimizer ceil(batches / grad_accum) times."""
    version = runner_version(plan.runner, plan.version)
    accum = plan.grad_accum
    where = {
        "loop": "the loop steps after every {a} batches and after the epoch's last batch",
        "lightning": "accumulate_grad_batches={a}: Lightning also steps on the epoch's final batch",
        "accelerate": "gradient_accumulation_steps={a}: accelerate syncs at the end of the data loader too",
    }[plan.runner].format(a=accum)
    per_epoch = Count(_ceil_div(batches, accum), f"ceil({batches} / {accum}): {where}", str(version))
    total, rule = _length_rule(plan, per_epoch.value, both_stop=True)
    return per_epoch, Count(total, rule, str(version))


def _hf_steps(plan: TrainingPlan, batches: int, version: RunnerVersion) -> tuple[Count, Count]:
    """The Trainer's ``num_update_steps_per_epoch``, the steps an epoch really makes, and ``max_steps``."""
    if not version.at_least(*OLDEST_HF):
        raise LrvizError(f"version: lrviz models the Trainer of transformers {OLDEST_HF[0]}.{OLDEST_HF[1]} and later, "
                         f"not {version.version}")
    accum, source = plan.grad_accum, str(version)
    if version.at_least(4, 52):
        sized = max(_ceil_div(batches, accum), 1)
        real = sized
        per_epoch = Count(real, f"ceil({batches} / {accum}): the last partial accumulation steps too", source)
    else:
        sized = max(batches // accum, 1)
        real = _hf_4_46_epoch_steps(batches, accum, plan.dataset_size)
        per_epoch = Count(real, f"{batches} batches in windows of {accum}: the epoch's end steps too "
                                f"(max_steps is sized with {batches} // {accum} = {sized})", source)
    if real == 0:
        raise LrvizError(f"grad_accum {accum}: transformers {version.version} makes no optimizer step in an "
                         f"epoch of {batches} batches")
    if plan.max_steps is not None:
        return per_epoch, Count(plan.max_steps, "max_steps (it overrides epochs)", source)
    total = math.ceil(plan.epochs * sized)
    return per_epoch, Count(total, f"ceil(num_train_epochs {plan.epochs} × {sized})", source)


def _hf_4_46_epoch_steps(batches: int, accum: int, samples: int) -> int:
    """transformers 4.46-4.51: ``total_updates = batches // accum + 1`` windows, the last of
    ``len(dataset) % accum`` batches (or ``accum``); an optimizer step every ``accum`` batches and at the
    epoch's last batch, if the windows reach it."""
    if accum == 1:
        return batches
    last = samples % accum or accum
    consumed = min(batches, accum * (batches // accum) + last)
    return consumed // accum + int(consumed == batches and batches % accum != 0)


def warmup_count(plan: TrainingPlan, total: int, version: RunnerVersion) -> Count:
    """Warmup optimizer steps: ``warmup`` itself, or ``ceil(total × warmup)`` for a fraction."""
    w = plan.warmup
    if w is None:
        return Count(0, "no warmup", "plan")
    if plan.runner == "hf-trainer":
        value = _hf_warmup(w, total, version)
        rule = f"TrainingArguments.get_warmup_steps({total})" if version.installed else \
            ("warmup steps, truncated to int" if w >= 1 else f"ceil({total} × {w})")
        return Count(value, rule, str(version))
    value = int(w) if w >= 1 else math.ceil(total * w)
    rule = "warmup steps" if w >= 1 else f"ceil({total} × {w}): {plan.runner} has no warmup setting; rounded up as transformers does"
    return Count(value, rule, "lrviz")


def _hf_warmup(w: float, total: int, version: RunnerVersion) -> int:
    if not version.installed:
        return int(w) if w >= 1 else math.ceil(total * w)
    from types import SimpleNamespace

    from transformers.training_args import TrainingArguments

    if version.at_least(5):
        args = SimpleNamespace(warmup_steps=w)
    else:  # 4.x: a separate warmup_ratio, used when warmup_steps is 0
        args = SimpleNamespace(warmup_steps=int(w) if w >= 1 else 0, warmup_ratio=w if w < 1 else 0.0)
    return TrainingArguments.get_warmup_steps(args, total)


def _scheduler_counts(plan: TrainingPlan, batches: int, per_epoch: int, total: int, source: str) -> tuple[Count, Count]:
    """``scheduler.step()`` calls per optimizer step (a rule) and over the whole run (a number)."""
    freq = plan.frequency
    made = calls_before(plan, batches, per_epoch, total)
    if plan.interval == "epoch":
        every = "every epoch end" if freq == 1 else f"every {freq}th epoch end"
        return (Count(f"1 at {every}, else 0", f"interval: epoch, frequency {freq}", source),
                Count(made, f"{total // per_epoch} epoch ends" + (f" // {freq}" if freq > 1 else ""), source))
    if plan.runner == "lightning" and freq > 1:
        return (Count(f"1 when the epoch's batch count is a multiple of {freq}, else 0",
                      "interval: step; Lightning counts frequency in batches (batch_idx + 1), not optimizer steps",
                      source),
                Count(made, "optimizer steps whose batch count is a multiple of the frequency", source))
    if plan.runner == "accelerate" and not plan.split_batches:
        rule = (f"AcceleratedScheduler steps once per process ({plan.devices}); OneCycleLR only "
                f"while its _step_count <= total_steps")
        return Count(plan.devices, rule, source), Count(made, f"{plan.devices} × {total} optimizer steps", source)
    rule = {"hf-trainer": "the Trainer steps the scheduler after each optimizer step",
            "lightning": "interval: step, frequency 1: after each optimizer step",
            "accelerate": "split_batches: AcceleratedScheduler steps once",
            }.get(plan.runner, "scheduler.step() after each optimizer.step()")
    return Count(1, rule, source), Count(made, f"1 × {total} optimizer steps", source)
