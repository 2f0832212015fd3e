"""The training plan: how a run feeds data and steps its optimizer, as plain validated data (no torch).

>>> plan = plan_from_mapping({"runner": "hf-trainer", "dataset_size": 1000, "batch_size": 8, "grad_accum": 4,
...                           "epochs": 2.5, "warmup": 0.1})
>>> plan.runner, plan.epochs, plan.warmup
('hf-trainer', 2.5, 0.1)
>>> plan_from_mapping({"runner": "lightning", "dataset_size": 10, "batch_size": 2, "epochs": 1.5})
Traceback (most recent call last):
lrviz.errors.LrvizError: training.epochs must be a whole number for lightning (its max_epochs is an int), got 1.5
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..errors import LrvizError
from ..spec import MAX_STEPS, interval_name, positive_number, suggest

from ..spec.options import RUNNERS  # noqa: E402 - one list, which the spec options check too
#: the most samples a plan may name: enough for any real data set, small enough to count with exact integers
MAX_DATASET_SIZE = 10**15


@dataclass(frozen=True)
class TrainingPlan:
    """One training run: the data it sees and how its runner steps optimizer and scheduler.

    ``batch_size`` is per device. ``epochs`` may be fractional for ``hf-trainer`` (as its
    ``num_train_epochs``); ``max_steps`` counts optimizer steps. ``warmup`` is a number of steps,
    or a fraction of the run when ``0 < warmup < 1``. ``interval``/``frequency`` are Lightning's
    scheduler settings (``interval: epoch`` also means a plain loop stepping at epoch ends);
    ``split_batches`` is accelerate's. ``version`` is the runner version whose rules to follow
    (default: the installed one).
    """

    dataset_size: int
    batch_size: int
    runner: str = "loop"
    devices: int = 1
    grad_accum: int = 1
    epochs: float | None = None
    max_steps: int | None = None
    drop_last: bool = False
    warmup: float | None = None
    interval: str = "step"
    frequency: int = 1
    split_batches: bool = False
    version: str | None = None

    def __post_init__(self):
        for name, value in normalised({f: getattr(self, f) for f in FIELDS}).items():
            object.__setattr__(self, name, value)


FIELDS = tuple(f.name for f in dataclasses.fields(TrainingPlan))
WHOLE = ("dataset_size", "batch_size", "devices", "grad_accum", "frequency")


def _flag(value, name: str) -> bool:
    if not isinstance(value, bool):
        raise LrvizError(f"{name} must be true or false, got {value!r}")
    return value


def _number(value):
    """A validated float that is whole, as an int (``2.0`` epochs are 2)."""
    return int(value) if value == int(value) else value


def normalised(values: dict, where: str = "") -> dict:
    """The plan's fields validated and converted (text numbers read, whole floats as ints);
    an LrvizError names the first bad field, prefixed with ``where`` (``training.``)."""
    out = dict(values)
    if out["runner"] not in RUNNERS:
        raise LrvizError(f"{where}runner must be one of {', '.join(RUNNERS)}, got {out['runner']!r}"
                         f"{suggest(str(out['runner']), RUNNERS)}")
    for name in WHOLE:
        out[name] = positive_number(out[name], f"{where}{name}", integer=True)
        if out[name] > MAX_DATASET_SIZE:
            raise LrvizError(f"{where}{name} must be at most {MAX_DATASET_SIZE:.0e}, got {out[name]:,}")
    for name in ("drop_last", "split_batches"):
        _flag(out[name], f"{where}{name}")
    out["interval"] = interval_name(out["interval"], f"{where}interval")
    _check_length(out, where)
    if out["warmup"] is not None:
        out["warmup"] = _number(positive_number(out["warmup"], f"{where}warmup", allow_zero=True))
        if out["warmup"] >= 1 and isinstance(out["warmup"], float):
            raise LrvizError(f"{where}warmup must be a whole number of steps, or a fraction of the run "
                             f"between 0 and 1, got {values['warmup']!r}")
    _check_runner_options(out, where)
    if out["version"] is not None:
        out["version"] = str(out["version"])
    return out


def _check_length(out: dict, where: str) -> None:
    if out["epochs"] is None and out["max_steps"] is None:
        raise LrvizError(f"{where}epochs or {where}max_steps must be given: how long the run trains")
    if out["max_steps"] is not None:
        out["max_steps"] = positive_number(out["max_steps"], f"{where}max_steps", integer=True)
        if out["max_steps"] > MAX_STEPS:
            raise LrvizError(f"{where}max_steps must be at most {MAX_STEPS:,} (lrviz records every step), "
                             f"got {out['max_steps']:,}")
    if out["epochs"] is not None:
        out["epochs"] = _number(positive_number(out["epochs"], f"{where}epochs"))
        if out["runner"] != "hf-trainer" and isinstance(out["epochs"], float):
            reason = "its max_epochs is an int" if out["runner"] == "lightning" else "it runs whole epochs"
            raise LrvizError(f"{where}epochs must be a whole number for {out['runner']} ({reason}), "
                             f"got {out['epochs']!r}")
        if out["epochs"] > MAX_STEPS:
            raise LrvizError(f"{where}epochs must be at most {MAX_STEPS:,}, got {out['epochs']:,}")


def _check_runner_options(out: dict, where: str) -> None:
    runner = out["runner"]
    if out["split_batches"] and runner != "accelerate":
        raise LrvizError(f"{where}split_batches is accelerate's setting; runner is {runner}")
    if out["frequency"] != 1 and runner != "lightning":
        raise LrvizError(f"{where}frequency is Lightning's scheduler setting; runner is {runner}")
    if out["interval"] == "epoch" and runner not in ("lightning", "loop"):
        raise LrvizError(f"{where}interval: epoch is for lightning or a plain loop; {runner} "
                         f"steps the scheduler after every optimizer step")


def plan_from_mapping(data, where: str = "training") -> TrainingPlan:
    """A TrainingPlan from a YAML ``training:`` mapping; errors name ``training.<field>``.

    Numbers written as text (``1e3``) are read as numbers; ``runner`` defaults to ``loop``.
    """
    if not isinstance(data, dict):
        raise LrvizError(f"'{where}' must be a mapping like {{runner: hf-trainer, dataset_size: 1000, "
                         f"batch_size: 8, epochs: 3}}, not a {type(data).__name__}")
    for key in data:
        if key not in FIELDS:
            raise LrvizError(f"unknown key '{key}' in '{where}'{suggest(str(key), FIELDS)} (valid: {', '.join(FIELDS)})")
    for required in ("dataset_size", "batch_size"):
        if data.get(required) is None:
            raise LrvizError(f"{where}.{required} is required")
    defaults = {f.name: f.default for f in dataclasses.fields(TrainingPlan) if f.name not in ("dataset_size", "batch_size")}
    values = {**defaults, **{k: v for k, v in data.items() if v is not None}}
    return TrainingPlan(**normalised(values, f"{where}."))
