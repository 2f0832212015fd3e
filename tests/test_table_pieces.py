"""Tables are formatted a piece of rows at a time: across piece boundaries the text is exactly the
row-by-row table (checked against rows written here with Python's own float repr)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lrviz.render.table import ROWS_PER_PIECE, pick_rows, table_lines
from lrviz.trace import Trace

ROWS = 2 * ROWS_PER_PIECE + 123


@pytest.fixture(scope="module")
def traces():
    rng = np.random.default_rng(7)
    long = Trace("a", rng.random((1, ROWS)) * 10.0 ** rng.integers(-9, 3, (1, ROWS)))
    short = Trace("b", rng.random((2, ROWS_PER_PIECE + 5)), start=3)  # two groups, ending early
    return [long, short]


def expected_rows(traces, rows, show):
    """Row by row, as a reader would write it: the step, then each series' value or a blank."""
    first = min(t.start for t in traces)
    series = [(t.start - first, t.lrs[g]) for t in traces for g in range(t.groups)]
    return [[str(first + r)] + [show(float(s[r - o])) if 0 <= r - o < len(s) else None for o, s in series]
            for r in rows]


@pytest.mark.parametrize("rows", [None, range(0, ROWS, 7), [ROWS - 1, 0, ROWS_PER_PIECE, ROWS_PER_PIECE - 1, 5],
                                  pick_rows(ROWS, every=7)], ids=["all", "range", "list", "every-7-and-last"])
@pytest.mark.parametrize("digits", [None, 3])
def test_csv_md_latex_rows_equal_the_row_by_row_table(traces, rows, digits):
    show = repr if digits is None else (lambda v: format(v, f".{digits}g"))
    picked = range(ROWS) if rows is None else list(rows)
    cells = [[c or "" for c in row] for row in expected_rows(traces, picked, show)]
    csv = "".join(table_lines(traces, "csv", rows, digits)).splitlines()[1:]
    md = "".join(table_lines(traces, "md", rows, digits)).splitlines()[2:]
    latex = "".join(table_lines(traces, "latex", rows, digits)).splitlines()[4:-2]
    assert csv == [",".join(row) for row in cells]
    assert md == ["| " + " | ".join(row) + " |" for row in cells]
    assert latex == [" & ".join(row) + " \\\\" for row in cells]


def test_json_rows_are_the_values_with_nulls(traces):
    rows = json.loads("".join(table_lines(traces, "json")))["rows"]
    assert rows == [[int(r[0])] + [None if c is None else float(c) for c in r[1:]]
                    for r in expected_rows(traces, range(ROWS), repr)]


def test_progress_is_reported_after_each_piece(traces):
    seen = []
    for _ in table_lines(traces, "csv", progress=lambda done, total: seen.append((done, total))):
        pass
    assert seen == [(ROWS_PER_PIECE, ROWS), (2 * ROWS_PER_PIECE, ROWS), (ROWS, ROWS)]
