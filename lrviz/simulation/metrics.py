"""Metric streams for schedulers stepped with a metric (``ReduceLROnPlateau``).

A stream is a list of numbers, a CSV column, or an expression of ``step``. The t-th value is
what ``scheduler.step(metric)`` gets at the end of step t, so its effect shows from row t+1.
In an expression, ``noise`` is the t-th draw of ``numpy.random.default_rng(seed).standard_normal()``
(seed 0 unless the YAML mapping gives ``seed:``): the same numbers on every run and machine.

A simulation holds them as a float64 array (:meth:`MetricSource.array`: 8 bytes a value), never as
a list of Python floats.

>>> source = metric_source("1,0.5,0.7")
>>> source.horizon, source.values(2)
(4, [1.0, 0.5])
>>> metric_source({"expr": "100 / (step + 1)"}).values(3)
[100.0, 50.0, 33.333333333333336]
"""

from __future__ import annotations

import csv
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from ..errors import LrvizError
from ..limits import MAX_CSV_LINE, MAX_STEPS
from ..literals import parse_number, split_top_level
from ..spec import is_existing_file, real_number, suggest

if TYPE_CHECKING:
    import numpy as np

VARIABLES = ("step", "noise")
MAPPING_KEYS = ("file", "column", "expr", "seed")


@dataclass(frozen=True)
class MetricSource:
    """Where the metric values come from: fixed numbers, or an expression of ``step``."""

    fixed: np.ndarray | None = None
    expr: str | None = None
    seed: int = 0
    origin: str = "metrics"
    #: a Python function of the step (from lrviz.simulate), called once for each value needed
    function: Callable[[int], float] | None = None

    @property
    def horizon(self) -> int | None:
        """Rows the fixed numbers define (one more than their count: row 0 needs no metric)."""
        return None if self.fixed is None else len(self.fixed) + 1

    def values(self, count: int) -> list[float]:
        """The first ``count`` metric values."""
        return self.array(count).tolist()

    def array(self, count: int) -> np.ndarray:
        """The first ``count`` metric values, as a float64 array."""
        import numpy as np

        if self.fixed is not None:
            if count > len(self.fixed):
                raise LrvizError(
                    f"{self.origin} has {len(self.fixed)} values, but {count + 1} steps need {count}: "
                    f"give more values, or show {len(self.fixed) + 1} steps"
                )
            return self.fixed[:count]
        if self.function is not None:
            values = (_real(_called(self.function, t, self.origin), f"{self.origin}({t})") for t in range(count))
            return np.fromiter(values, dtype=float, count=count)
        from ..expr import Expression

        expression = Expression(self.expr, VARIABLES, what=self.origin)
        noise = np.random.default_rng(self.seed).standard_normal(count) if "noise" in self.expr else None
        values = (_real(expression(step=t, noise=0.0 if noise is None else float(noise[t])), f"{self.origin} at step {t}")
                  for t in range(count))
        return np.fromiter(values, dtype=float, count=count)


def _called(function: Callable[[int], float], step: int, origin: str):
    """``function(step)`` as a number; what it raises is an LrvizError naming the call."""
    try:
        value = function(step)
    except Exception as exc:
        raise LrvizError(f"{origin}({step}) raised {type(exc).__name__}: {exc}") from exc
    if not isinstance(value, (bool, str, int, float)) and hasattr(value, "__float__"):
        value = float(value)  # a numpy number or a one-element tensor
    return value


def _floats(values) -> np.ndarray:
    import numpy as np

    return np.asarray(values, dtype=float)


def _real(value, where: str) -> float:
    return float(real_number(value, where, finite=False))


def metric_source(raw, where: str = "metrics") -> MetricSource:
    """Read the ``metrics`` value of a spec: list, ``{file, column}``, ``{expr, seed}``, text or number.

    Text is a CSV reference ``log.csv:val_loss``, comma-separated numbers, or an expression. From
    Python, also an array of numbers (numpy, pandas) or a function of the step.

    >>> metric_source(lambda step: 1 / (step + 1)).values(3)
    [1.0, 0.5, 0.3333333333333333]
    """
    if callable(raw):
        return MetricSource(function=raw, origin=where)
    if hasattr(raw, "tolist") and getattr(raw, "ndim", 0) == 1:  # a numpy array, a pandas Series
        raw = raw.tolist()
    if isinstance(raw, (list, tuple)):
        if not raw:
            raise LrvizError(f"{where} is an empty list")
        return MetricSource(fixed=_floats([_real(v, f"{where}[{i}]") for i, v in enumerate(raw)]), origin=where)
    if isinstance(raw, dict):
        return _from_mapping(raw, where)
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise LrvizError(f"{where} must be a list of numbers, {{file: log.csv, column: val_loss}} "
                         f"or an expression of step, got {raw!r}")
    text = str(raw).strip()
    file, colon, column = text.rpartition(":")
    if colon and file.lower().endswith((".csv", ".tsv")):
        return MetricSource(fixed=read_column(file, column), origin=f"{where} ({file}:{column})")
    parts = split_top_level(text)
    if len(parts) > 1 and all(parse_number(p) is not None for p in parts):
        return metric_source(parts, where)
    return MetricSource(expr=text, origin=where)


def _from_mapping(raw: dict, where: str) -> MetricSource:
    unknown = [k for k in raw if k not in MAPPING_KEYS]
    if unknown:
        raise LrvizError(f"unknown key '{unknown[0]}' in {where} (valid: {', '.join(MAPPING_KEYS)})")
    if "file" in raw and "expr" not in raw:
        if "column" not in raw:
            raise LrvizError(f"{where} names a file but no column: write {{file: log.csv, column: val_loss}}")
        return MetricSource(fixed=read_column(raw["file"], raw["column"]),
                            origin=f"{where} ({raw['file']}:{raw['column']})")
    if "expr" in raw and "file" not in raw:
        seed = raw.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise LrvizError(f"{where}.seed must be a whole number >= 0, got {seed!r}")
        return MetricSource(expr=str(raw["expr"]), seed=seed, origin=where)
    raise LrvizError(f"{where} needs either 'file' and 'column', or 'expr' (and optionally 'seed')")


def read_column(path, column) -> np.ndarray:
    """The numbers of one CSV column (by header name, or by 0-based index), read row by row into a
    float64 array: lines of at most MAX_CSV_LINE characters, at most MAX_STEPS values."""
    from ..output import note_input

    path = Path(path)
    if not is_existing_file(path):
        raise LrvizError(f"metrics file not found: {path}")
    note_input(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:  # -sig: a byte order mark is not part of the header
            values = _column(csv.reader(_lines(fh, path), delimiter="\t" if path.suffix.lower() == ".tsv" else ","),
                             column, path)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise LrvizError(f"cannot read metrics file {path}: {exc}") from None
    return _floats(memoryview(values))


def _lines(fh, path: Path) -> Iterator[str]:
    for number, line in enumerate(iter(lambda: fh.readline(MAX_CSV_LINE + 1), ""), start=1):
        if len(line) > MAX_CSV_LINE:
            raise LrvizError(f"{path} line {number} is longer than {MAX_CSV_LINE:,} characters: not a metrics log")
        yield line


def _column(rows, column, path: Path) -> array:
    header = [h.strip() for h in next(rows, [])]
    index = _column_index(header, column, path)
    values = array("d")
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        cell = row[index].strip() if index < len(row) else ""
        number = parse_number(cell)
        if number is None:
            raise LrvizError(f"{path} line {rows.line_num}: column '{header[index]}' holds {cell[:40]!r}, not a number")
        if len(values) == MAX_STEPS:
            raise LrvizError(f"{path} holds more than {MAX_STEPS:,} values: lrviz records at most {MAX_STEPS:,} steps")
        values.append(float(number))
    if not values:
        raise LrvizError(f"metrics file {path} needs a header row and at least one value")
    return values


def _column_index(header: list[str], column, path: Path) -> int:
    if not header:
        raise LrvizError(f"metrics file {path} needs a header row and at least one value")
    name = str(column).strip()
    if name in header:
        return header.index(name)
    if name.isdigit() and int(name) < len(header):
        return int(name)
    raise LrvizError(f"{path} has no column '{name}'{suggest(name, header)} (columns: {', '.join(header)})")
