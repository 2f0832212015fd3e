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
from collections.abc import Sequence
from typing import Callable, Iterator

from ..errors import LrvizError

FORMATS = ("csv", "md", "latex", "json")
#: per format: what starts a row, separates its cells, ends it, and stands between two rows
ROW_SYNTAX = {"csv": ("", ",", "\n", ""), "md": ("| ", " | ", " |\n", ""),
              "latex": ("", " & ", " \\\\\n", ""), "json": ("[", ", ", "]", ",\n")}
ROWS_PER_PIECE = 1 << 14
#: siunitx number styles: S columns, or each value in \num{}
SIUNITX = ("S", "num")


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
    return lrs + [t.held_momenta()[g] for t in traces for g in range(t.groups)]


class EveryKth(Sequence):
    """Rows 0, K, 2K, ... and the last row (a paper wants the final lr), without listing them.

    >>> list(EveryKth(11, 5)), list(EveryKth(11, 5)[1:]), list(EveryKth(10, 3)), len(EveryKth(1, 4))
    ([0, 5, 10], [5, 10], [0, 3, 6, 9], 1)
    >>> list(EveryKth(12, 5)), list(EveryKth(12, 5)[2:4]), EveryKth(12, 5)[-1]
    ([0, 5, 10, 11], [10, 11], 11)
    """

    def __init__(self, total: int, every: int):
        self.strided = range(0, total, every)
        self.last = [total - 1] if total and (total - 1) % every else []

    def __len__(self) -> int:
        return len(self.strided) + len(self.last)

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, _ = index.indices(len(self))
            return list(self.strided[start:stop]) + self.last[max(start - len(self.strided), 0):
                                                                max(stop - len(self.strided), 0)]
        index = index + len(self) if index < 0 else index
        return self.strided[index] if index < len(self.strided) else self.last[index - len(self.strided)]


def pick_rows(total: int, every: int | None = None, at: Sequence[int] | None = None,
              first: int = 0) -> Sequence[int]:
    """The row indices ``--every K`` (and the last row) or ``--at a,b,c`` select out of ``total`` rows
    numbered from ``first`` (a schedule resumed with ``last_epoch=K`` starts at step K+1; ``--at``
    names step numbers)."""
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
        return EveryKth(total, every)
    return range(total)


def step_span(traces: Sequence) -> tuple[int, int]:
    """The first step number over all traces and how many rows reach their last step.

    Rows are aligned by step number: a schedule resumed with ``last_epoch=K`` starts at K+1.
    """
    first = min(t.start for t in traces)
    return first, max(t.start + t.steps for t in traces) - first


def formatter(digits: int | None, num: bool = False):
    """The texts of an array of values: full round-trip precision, or ``digits`` significant digits;
    ``num``: each in siunitx's ``\\num{}``.

    >>> import numpy as np
    >>> formatter(None)(np.array([0.1, 1e-05])), formatter(2)(np.array([0.123]))
    (['0.1', '1e-05'], ['0.12'])
    >>> formatter(2, num=True)(np.array([2.0]))
    ['\\\\num{2}']
    """
    if digits is not None and not 1 <= digits <= 17:
        raise LrvizError(f"digits must be between 1 and 17, got {digits}", field="digits")
    show = float.__repr__ if digits is None else f"{{:.{digits}g}}".format
    if num:
        return lambda values: [f"\\num{{{text}}}" for text in map(show, values.tolist())]
    return lambda values: list(map(show, values.tolist()))


def column_stats(names: Sequence[str], series: Sequence, first_steps: Sequence[int]) -> dict[str, dict]:
    """The statistics of each whole column (whatever rows are shown), keyed by column name; steps
    are numbered as the column's rows are (from ``first_steps``). A statistic that overflows (the
    area of lrs near 1e308) is null: JSON has no infinity."""
    import math

    from ..trace.stats import statistics

    def finite(value):
        return None if isinstance(value, float) and not math.isfinite(value) else value

    return {name: {key: finite(value) for key, value in statistics(values, first).as_dict().items()}
            for name, values, first in zip(names, series, first_steps)}


def _csv_quote(text: str) -> str:
    """A CSV cell, quoted when it holds a comma, quote or newline (labels like ``step:step_size=10,gamma=0.5``).

    >>> print(_csv_quote("lr"), _csv_quote("cosine:T_max=20,eta_min=0"))
    lr "cosine:T_max=20,eta_min=0"
    """
    return '"' + text.replace('"', '""') + '"' if any(ch in text for ch in ',"\n\r') else text


#: what stands in LaTeX for each character it treats specially
LATEX_ESCAPES = str.maketrans({
    "\\": r"\textbackslash{}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
    **{ch: "\\" + ch for ch in "&%$#_{}"},
})


def latex_escape(text: str) -> str:
    r"""``text`` as LaTeX prints it literally.

    >>> print(latex_escape(r"lr^2 ~ 50% of a\b_{c} & $5 #1"))
    lr\textasciicircum{}2 \textasciitilde{} 50\% of a\textbackslash{}b\_\{c\} \& \$5 \#1
    """
    return text.translate(LATEX_ESCAPES)


def _latex_label(label: str) -> str:
    """A ``\\label{}`` key: LaTeX takes letters, digits and ``:-_./`` there safely."""
    import re

    if not re.fullmatch(r"[A-Za-z0-9:._/-]+", label):
        raise LrvizError(f"latex_label {label!r} may hold letters, digits and : . _ / - only")
    return label


def latex_head(columns: Sequence[str], caption: str | None, label: str | None, siunitx: str | None) -> str:
    """The start of a booktabs table: in a ``table`` float with caption and label when given;
    ``siunitx="S"`` makes the value columns siunitx S columns (headers braced)."""
    head = ""
    if caption is not None or label is not None:
        head = "\\begin{table}[htbp]\n\\centering\n"
        head += f"\\caption{{{latex_escape(caption)}}}\n" if caption is not None else ""
        head += f"\\label{{{_latex_label(label)}}}\n" if label is not None else ""
    names = [latex_escape(c) for c in columns]
    if siunitx == "S":
        names = [names[0]] + [f"{{{name}}}" for name in names[1:]]
    spec = "r" + ("S" if siunitx == "S" else "r") * (len(columns) - 1)
    return head + f"\\begin{{tabular}}{{{spec}}}\n\\toprule\n" + " & ".join(names) + " \\\\\n\\midrule\n"


def latex_tail(caption: str | None, label: str | None) -> str:
    return "\\bottomrule\n\\end{tabular}\n" + ("\\end{table}\n" if caption is not None or label is not None else "")


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


def check_latex_options(fmt: str, caption: str | None, latex_label: str | None, siunitx: str | None) -> None:
    """``caption``, ``latex_label`` and ``siunitx`` (``S`` columns or ``num`` cells) are for LaTeX only."""
    given = [name for name, value in (("caption", caption), ("latex_label", latex_label), ("siunitx", siunitx))
             if value is not None]
    if given and fmt != "latex":
        raise LrvizError(f"{given[0]} applies to the latex format only, not {fmt}", field=given[0])
    if siunitx not in (None, *SIUNITX):
        raise LrvizError(f"siunitx '{siunitx}' is not a style (valid: {', '.join(SIUNITX)})", field="siunitx")
    if latex_label is not None:
        _latex_label(latex_label)


def table_lines(traces: Sequence, fmt: str = "csv", rows: Sequence[int] | None = None,
                digits: int | None = None, progress: Callable[[int, int], None] | None = None,
                momentum: bool = False, *, caption: str | None = None, latex_label: str | None = None,
                siunitx: str | None = None) -> Iterator[str]:
    """Yield the table's text in pieces, each ending in a newline; ``progress(rows_done, rows)``
    hears after each piece how far the rows are. The first column counts steps or epochs: the
    traces' unit (lrviz.units; mixed ones are shown in steps).

    LaTeX only: ``caption`` and ``latex_label`` put the tabular in a ``table`` float; ``siunitx``
    ``"S"`` makes value columns siunitx S columns, ``"num"`` writes each value as ``\\num{...}``.
    """
    from ..trace.units import to_common_unit

    check_format(fmt)
    check_latex_options(fmt, caption, latex_label, siunitx)
    traces = to_common_unit(traces)
    columns = [traces[0].unit, *column_names(traces, momentum)]
    series = table_series(traces, momentum)
    first_step, total = step_span(traces)
    starts = [t.start - first_step for t in traces for g in range(t.groups)] * (2 if momentum else 1)
    show = formatter(digits, num=siunitx == "num")
    rows = range(total) if rows is None else rows

    if fmt == "csv":
        yield ",".join(_csv_quote(c) for c in columns) + "\n"
    elif fmt == "md":
        yield "| " + " | ".join(c.replace("|", "\\|") for c in columns) + " |\n"
        yield "|" + "---:|" * len(columns) + "\n"
    elif fmt == "latex":
        yield latex_head(columns, caption, latex_label, siunitx)
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
        yield latex_tail(caption, latex_label)
    elif fmt == "json":
        yield "\n], \"stats\": " + json.dumps(column_stats(columns[1:], series, [first_step + s for s in starts])) + "}\n"
