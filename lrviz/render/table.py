"""Tables of traces as CSV, Markdown, LaTeX (booktabs) or JSON, produced piece by piece.

Rows are formatted ROWS_PER_PIECE at a time from the numpy arrays, so ten million rows stream
out without ever being held as text.

>>> import numpy as np
>>> from lrviz.trace import Trace
>>> print("".join(table_lines([Trace("a", np.array([[0.1, 0.05]]))], "md")), end="")
| step | lr |
|---:|---:|
| 0 | 0.1 |
| 1 | 0.05 |
"""

from __future__ import annotations

import json
from typing import Callable, Iterator, Sequence

from ..errors import LrvizError

FORMATS = ("csv", "md", "latex", "json")
#: per format: what starts a row, separates its cells, ends it, and stands between two rows
ROW_SYNTAX = {"csv": ("", ",", "\n", ""), "md": ("| ", " | ", " |\n", ""),
              "latex": ("", " & ", " \\\\\n", ""), "json": ("[", ", ", "]", ",\n")}
ROWS_PER_PIECE = 1 << 14


def check_format(fmt: str) -> str:
    """``fmt`` if it is a table format; an LrvizError listing them otherwise."""
    if fmt not in FORMATS:
        raise LrvizError(f"format '{fmt}' is not a table format (valid: {', '.join(FORMATS)})", field="format")
    return fmt


def column_names(traces: Sequence, momentum: bool = False) -> list[str]:
    """``lr`` for one series; ``lr_g0, lr_g1`` for groups; the labels for several schedules;
    then, with ``momentum``, ``momentum`` (or ``beta1``) columns named alike."""
    if len(traces) == 1:
        trace = traces[0]
        names = ["lr"] if trace.groups == 1 else [f"lr_g{g}" for g in range(trace.groups)]
        held = [trace.momentum_name] if trace.groups == 1 else [f"{trace.momentum_name}_g{g}" for g in range(trace.groups)]
        return names + (held if momentum else [])
    names = [t.label if t.groups == 1 else f"{t.label}:lr_g{g}" for t in traces for g in range(t.groups)]
    held = [f"{t.label}:{t.momentum_name}" + (f"_g{g}" if t.groups > 1 else "") for t in traces for g in range(t.groups)]
    return names + (held if momentum else [])


def table_series(traces: Sequence, momentum: bool = False) -> list:
    """The arrays of the columns :func:`column_names` names, in the same order."""
    lrs = [t.lrs[g] for t in traces for g in range(t.groups)]
    if not momentum:
        return lrs
    return lrs + [t.held_momenta()[g] for t in traces for g in range(t.groups)] + [t.momenta[g] for t in traces for g in range(t.groups)]


def pick_rows(total: int, every: int | None = None, at: Sequence[int] | None = None,
              first: int = 0) -> list[int] | range:
    """The row indices ``--every K`` or ``--at a,b,c`` select out of ``total`` rows numbered from ``first``
    (a schedule resumed with ``last_epoch=K`` starts at step K+1; ``--at`` names step numbers)."""
    if every is not None and at is not None:
        raise LrvizError("every and at pick rows two ways: give one of them", field="every")
    if at is not None:
        bad = [t for t in at if not first <= t < first + total]
        if bad:
            raise LrvizError(f"at {bad[0]} is outside the schedule's steps {first}..{first + total - 1}", field="at")
        return [t - first for t in at]
    if every is not None:
        if every < 1:
            raise LrvizError(f"every must be at least 1, got {every}", field="every")
        return range(0, total, every)
    return range(total)


def step_span(traces: Sequence) -> tuple[int, int]:
    """The first step number over all traces and how many rows reach their last step.

    Rows are aligned by step number: a schedule resumed with ``last_epoch=K`` starts at K+1.
    """
    first = min(t.start for t in traces)
    return first, max(t.start + t.steps for t in traces) - first


def formatter(digits: int | None):
    """The texts of an array of values: full round-trip precision, or ``digits`` significant digits.

    >>> import numpy as np
    >>> formatter(None)(np.array([0.1, 1e-05])), formatter(2)(np.array([0.123]))
    (['0.1', '1e-05'], ['0.12'])
    """
    if digits is None:
        return lambda values: list(map(float.__repr__, values.tolist()))
    if not 1 <= digits <= 17:
        raise LrvizError(f"digits must be between 1 and 17, got {digits}", field="digits")
    return lambda values: list(map(f"{{:.{digits}g}}".format, values.tolist()))


def column_stats(names: Sequence[str], series: Sequence) -> dict[str, dict]:
    """The statistics of each whole column (whatever rows are shown), keyed by column name."""
    from ..trace.stats import statistics

    return {name: statistics(values).as_dict() for name, values in zip(names, series)}


def _csv_quote(text: str) -> str:
    """A CSV cell, quoted when it holds a comma, quote or newline (labels like ``step:step_size=10,gamma=0.5``).

    >>> print(_csv_quote("lr"), _csv_quote("cosine:T_max=20,eta_min=0"))
    lr "cosine:T_max=20,eta_min=0"
    """
    return '"' + text.replace('"', '""') + '"' if any(ch in text for ch in ',"\n\r') else text


def _latex_escape(text: str) -> str:
    for ch in "\\&%$#_{}":
        text = text.replace(ch, "\\" + ch)
    return text


def _row_cells(rows, first_step: int, series: Sequence, starts: Sequence[int], show, blank: str):
    """The cell texts of ``rows`` (indices into the aligned series), one tuple per row."""
    import numpy as np

    index = np.asarray(rows, dtype=np.int64)
    columns = [list(map(str, (index + first_step).tolist()))]
    for values, start in zip(series, starts):
        at = index - start
        inside = (at >= 0) & (at < len(values))
        texts = show(values[np.clip(at, 0, len(values) - 1)])
        if not inside.all():
            texts = [text if ok else blank for text, ok in zip(texts, inside.tolist())]
        columns.append(texts)
    return zip(*columns)


def table_lines(traces: Sequence, fmt: str = "csv", rows: Sequence[int] | None = None,
                digits: int | None = None, progress: Callable[[int, int], None] | None = None,
                momentum: bool = False) -> Iterator[str]:
    """Yield the table's text in pieces, each ending in a newline; ``progress(rows_done, rows)``
    hears after each piece how far the rows are. The first column counts steps or epochs: the
    traces' unit (lrviz.units; mixed ones are shown in steps)."""
    from ..trace.units import to_common_unit

    check_format(fmt)
    traces = to_common_unit(traces)
    columns = [traces[0].unit, *column_names(traces, momentum)]
    series = table_series(traces, momentum)
    first_step, total = step_span(traces)
    starts = [t.start - first_step for t in traces for g in range(t.groups)] * (2 if momentum else 1)
    show = formatter(digits)
    rows = range(total) if rows is None else rows

    if fmt == "csv":
        yield ",".join(_csv_quote(c) for c in columns) + "\n"
    elif fmt == "md":
        yield "| " + " | ".join(c.replace("|", "\\|") for c in columns) + " |\n"
        yield "|" + "---:|" * len(columns) + "\n"
    elif fmt == "latex":
        yield "\\begin{tabular}{" + "r" * len(columns) + "}\n\\toprule\n"
        yield " & ".join(_latex_escape(c) for c in columns) + " \\\\\n\\midrule\n"
    else:
        yield '{"columns": ' + json.dumps(columns) + ', "rows": [\n'
    start, sep, end, between = ROW_SYNTAX[fmt]
    join_rows = (end + between + start).join
    for done in range(0, len(rows), ROWS_PER_PIECE):
        piece = rows[done:done + ROWS_PER_PIECE]
        cells = _row_cells(piece, first_step, series, starts, show, "null" if fmt == "json" else "")
        yield (between if done else "") + start + join_rows(map(sep.join, cells)) + end
        if progress is not None:
            progress(done + len(piece), len(rows))
    if fmt == "latex":
        yield "\\bottomrule\n\\end{tabular}\n"
    elif fmt == "json":
        yield "\n], \"stats\": " + json.dumps(column_stats(columns[1:], series)) + "}\n"
