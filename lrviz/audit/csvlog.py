"""CSV logs: Lightning's ``CSVLogger`` ``metrics.csv``, W&B exports, lrviz tables, any ``step,lr`` file.

The lr column is named or found (``lr-SGD`` from Lightning's LearningRateMonitor,
``train/learning_rate``, ``learning_rate``, ``lr``...); the step column likewise. Empty cells
(rows of other metrics) are skipped. What a step number means depends on who wrote it:

- ``train/global_step`` (Hugging Face through W&B): step k is optimizer step k - 1 (lrviz.audit.hf);
- ``trainer/global_step`` (Lightning through W&B), or ``step`` beside an ``lr-*`` column
  (Lightning's CSVLogger): step s is optimizer step s (lrviz.audit.tensorboard);
- anything else, including W&B's own ``Step``/``_step``: as written; without a step column the
  points are numbered 0, 1, 2, ... in file order.

Values are text: they compare at the precision they are written with (the most significant
digits found), or float32's when every value is a float32 number.
"""

from __future__ import annotations

import csv
from itertools import islice
from pathlib import Path

from ..errors import LrvizError
from .hf import CONVENTION as HF_CONVENTION
from .log import LIGHTNING_LR, Log, finish, pick_series, significant_digits
from .tensorboard import LIGHTNING_CONVENTION

#: step columns, best first
STEP_NAMES = ("train/global_step", "trainer/global_step", "global_step", "step", "Step", "_step")
#: points converted to numpy at a time: the Python strings read are dropped after each chunk
CHUNK = 1 << 16
#: values per chunk looked at to find how many digits the log is written with
DIGIT_SAMPLE = 256


def read_csv(path: Path, column: str | None = None, step_column: str | None = None, group: int = 0,
             first_step: int | None = None) -> Log:
    """The points of one lr column of a CSV file."""
    import numpy as np

    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if not header:
                raise LrvizError(f"{path} is empty: a CSV log needs a header line")
            column = pick_series(header, column, group, str(path), "column")
            step_column = _step_column(header, step_column, path)
            lr_at = header.index(column)
            step_at = None if step_column is None else header.index(step_column)
            width = max(lr_at, step_at or 0) + 1
            lrs, steps, digits = [], [], 1
            for chunk in iter(lambda: list(islice(reader, CHUNK)), []):
                kept = [row for row in chunk if len(row) >= width and row[lr_at]]
                if not kept:
                    continue
                texts = [row[lr_at] for row in kept]
                digits = max(digits, significant_digits(texts[:DIGIT_SAMPLE]))
                lrs.append(_numbers(texts, column, path, reader.line_num))
                if step_at is not None:
                    steps.append(_numbers([row[step_at] for row in kept], step_column, path, reader.line_num))
    except OSError as exc:
        raise LrvizError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise LrvizError(f"{path} is not UTF-8 text (byte {exc.start})") from None
    except csv.Error as exc:
        raise LrvizError(f"{path}: not a readable CSV file ({exc})") from None
    if not lrs:
        raise LrvizError(f"{path}: the column '{column}' holds no values")
    values = np.concatenate(lrs)
    if step_at is None:
        numbers = np.arange(len(values), dtype=np.int64)
    else:
        numbers = np.concatenate(steps)
        whole = numbers.astype(np.int64)
        if not np.array_equal(whole, numbers):
            bad = numbers[whole != numbers][0]
            raise LrvizError(f"{path}: step column '{step_column}' holds {bad!r}, not a whole number")
        numbers = whole
    start, convention = _convention(column, step_column, first_step)
    fmt = "lightning-csv" if LIGHTNING_LR.fullmatch(column) else "csv"
    return finish(str(path), fmt, column, numbers, values, first_step=start, convention=convention, digits=digits)


def _step_column(header: list[str], wanted: str | None, path: Path) -> str | None:
    if wanted is not None:
        return pick_series(header, wanted, 0, str(path), "column")
    return next((name for name in STEP_NAMES if name in header), None)


def _numbers(texts: list[str], column: str | None, path: Path, line: int):
    """``texts`` as float64, or an LrvizError naming the first that is not a number."""
    import numpy as np

    try:
        return np.array(texts, dtype=np.float64)
    except ValueError:  # numpy refuses some texts Python reads ("1_000"): let Python name the bad one
        values = []
        for text in texts:
            try:
                values.append(float(text))
            except ValueError:
                raise LrvizError(f"{path}: column '{column}' holds {text!r} (before line {line}), not a number") from None
        return np.array(values)


def _convention(column: str, step_column: str | None, first_step: int | None) -> tuple[int, str]:
    if first_step is not None:
        return first_step, f"the point at step k holds optimizer step k - {first_step}"
    if step_column == "train/global_step":
        return 1, HF_CONVENTION
    if step_column == "trainer/global_step" or (step_column == "step" and LIGHTNING_LR.fullmatch(column)):
        return 0, LIGHTNING_CONVENTION
    if step_column is None:
        return 0, "no step column: the points are optimizer steps 0, 1, 2, ... in file order"
    return 0, f"as written: the point at {step_column} s holds optimizer step s"
