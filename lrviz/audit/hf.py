"""Hugging Face ``trainer_state.json``: the Trainer's ``log_history``, key ``learning_rate``.

The Trainer steps the optimizer, reads the lr (``_get_learning_rate()``: the scheduler's
``get_last_lr()[0]``, param group 0), steps the scheduler, adds 1 to ``global_step`` and logs.
So the point at ``step`` k holds the lr of the k-th update: optimizer step k - 1 (``first_step``
1). That is transformers 4.51 and later (PR #36973, "Log the correct learning rate"); before it
the lr was read after ``scheduler.step()``, one update ahead: such a log is diagnosed as
"off-by-one logging", or read with ``first_step=0``.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import LrvizError
from .log import Log, finish

KEY = "learning_rate"
#: larger files are refused: ``json`` holds every entry in memory (a million-point log is ~150 MB)
MAX_JSON_BYTES = 1 << 30
CONVENTION = ("Hugging Face Trainer (transformers >= 4.51): the point at global step k holds the lr of "
              "the k-th update, optimizer step k - 1")


def read_trainer_state(path: Path, key: str | None = None, group: int = 0, first_step: int | None = None) -> Log:
    """The ``learning_rate`` (or ``key``) of every ``log_history`` entry that has one, by its ``step``."""
    if group != 0:
        raise LrvizError(f"{path}: the Trainer logs the lr of param group 0 only (group {group} asked)")
    history = _history(path)
    key = key or KEY
    steps, lrs = [], []
    for i, entry in enumerate(history):
        if not isinstance(entry, dict) or key not in entry:
            continue
        value, step = entry[key], entry.get("step")
        if isinstance(step, bool) or not isinstance(step, int):
            raise LrvizError(f"{path}: log_history[{i}] has '{key}' but no whole-number 'step'")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise LrvizError(f"{path}: log_history[{i}].{key} is {value!r}, not a number")
        steps.append(step)
        lrs.append(value)
    if not steps:
        keys = sorted({k for e in history if isinstance(e, dict) for k in e})
        raise LrvizError(f"{path}: no log_history entry has '{key}' (keys: {', '.join(keys[:12]) or 'none'})")
    convention = CONVENTION if first_step is None else f"the point at step k holds optimizer step k - {first_step}"
    return finish(str(path), "hf-json", key, steps, lrs, first_step=1 if first_step is None else first_step,
                  convention=convention)


def _history(path: Path) -> list:
    try:
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise LrvizError(f"{path} is {size:,} bytes; lrviz reads trainer_state.json files up to {MAX_JSON_BYTES:,}")
        with open(path, "rb") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise LrvizError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (ValueError, RecursionError) as exc:
        raise LrvizError(f"{path} is not valid JSON: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict) or not isinstance(data.get("log_history"), list):
        raise LrvizError(f"{path} has no 'log_history' list: is it a Hugging Face trainer_state.json?")
    return data["log_history"]
