"""Tables for papers: every K-th row keeps the last one, LaTeX escapes every special character of a
label, a table float with caption and label, siunitx numbers; values still torch's."""

from __future__ import annotations

import numpy as np
import pytest
from torch.optim import lr_scheduler

import lrviz
from conftest import torch_loop
from lrviz.errors import LrvizError
from lrviz.render.table import pick_rows, table_lines

STEP = lrviz.simulate("step:step_size=10,gamma=0.5", steps=25)
TORCH = torch_loop(lr_scheduler.StepLR, {"step_size": 10, "gamma": 0.5}, 25)[0]


def latex_rows(text: str) -> list[str]:
    lines = text.splitlines()
    return lines[lines.index("\\midrule") + 1:lines.index("\\bottomrule")]


@pytest.mark.parametrize("total, every, expected", [
    (25, 10, [0, 10, 20, 24]), (21, 10, [0, 10, 20]), (1, 5, [0]), (7, 1, list(range(7))), (3, 100, [0, 2]),
])
def test_every_kth_row_keeps_the_last(total, every, expected):
    rows = pick_rows(total, every=every)
    assert list(rows) == expected and len(rows) == len(expected)
    assert [r for i in range(0, len(rows), 2) for r in rows[i:i + 2]] == expected  # piece by piece too


def test_every_kth_row_table_ends_with_torchs_final_lr():
    text = "".join(table_lines([STEP], "csv", pick_rows(25, every=10)))
    rows = [line.split(",") for line in text.splitlines()[1:]]
    assert [int(r[0]) for r in rows] == [0, 10, 20, 24]
    assert [float(r[1]) for r in rows] == TORCH[[0, 10, 20, 24]].tolist()


def test_every_kth_of_ten_million_rows_is_not_listed():
    rows = pick_rows(10_000_000, every=4)
    assert len(rows) == 2_500_001 and rows[2_500_000] == rows[-1] == 9_999_999
    assert list(rows[2_499_999:]) == [9_999_996, 9_999_999]
    assert type(rows[:16384]) is list and len(rows[:16384]) == 16384  # one piece at a time


def test_latex_escapes_every_special_character_of_a_label():
    trace = lrviz.simulate("exp:gamma=0.5", steps=2, label=r"lr^2 ~ 50% a\b_{c} & $5 #1")
    head = "".join(table_lines([trace, STEP], "latex")).splitlines()[2]
    assert head == (r"step & lr\textasciicircum{}2 \textasciitilde{} 50\% a\textbackslash{}b\_\{c\} \& \$5 \#1"
                    r" & step:step\_size=10,gamma=0.5 \\")


def test_latex_table_float_with_caption_and_label():
    text = "".join(table_lines([STEP], "latex", [0, 24], caption="The lr of StepLR (γ = 0.5, 50%)",
                               latex_label="tab:step-lr"))
    assert text.splitlines()[:5] == ["\\begin{table}[htbp]", "\\centering",
                                     "\\caption{The lr of StepLR (γ = 0.5, 50\\%)}", "\\label{tab:step-lr}",
                                     "\\begin{tabular}{rr}"]
    assert text.endswith("\\bottomrule\n\\end{tabular}\n\\end{table}\n")
    assert latex_rows(text) == [f"0 & {float(TORCH[0])!r} \\\\", f"24 & {float(TORCH[24])!r} \\\\"]


def test_siunitx_s_columns_and_num_cells():
    resumed = lrviz.simulate("exp:gamma=0.5,last_epoch=1", steps=2, label="late")
    s_columns = "".join(table_lines([STEP, resumed], "latex", [0, 2], siunitx="S"))
    assert "\\begin{tabular}{rSS}" in s_columns
    assert "step & {step:step\\_size=10,gamma=0.5} & {late} \\\\" in s_columns  # headers braced: not numbers
    num = "".join(table_lines([STEP, resumed], "latex", [0, 2], digits=3, siunitx="num"))
    assert latex_rows(num) == [f"0 & \\num{{{TORCH[0]:.3g}}} &  \\\\",  # blank where the resumed one has no row
                               f"2 & \\num{{{TORCH[2]:.3g}}} & \\num{{{resumed.lr[0]:.3g}}} \\\\"]


@pytest.mark.parametrize("options, message", [
    ({"fmt": "csv", "caption": "x"}, "caption applies to the latex format only, not csv"),
    ({"fmt": "md", "siunitx": "S"}, "siunitx applies to the latex format only, not md"),
    ({"fmt": "latex", "siunitx": "s"}, r"siunitx 's' is not a style \(valid: S, num\)"),
    ({"fmt": "latex", "latex_label": "tab:a b"}, "latex_label 'tab:a b' may hold letters, digits and"),
])
def test_latex_options_are_checked(options, message):
    with pytest.raises(LrvizError, match=message):
        "".join(table_lines([STEP], **options))


def test_the_latex_text_is_what_latex_needs_around_the_numbers():
    text = "".join(table_lines([STEP], "latex", caption="c", siunitx="num"))
    body = latex_rows(text)
    values = [float(row.split("\\num{")[1].split("}")[0]) for row in body]
    assert np.array_equal(values, TORCH)
