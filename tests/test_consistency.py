"""Silent wrong answers and inconsistencies (issue 20): what one command refuses, the others refuse
too; a message is never empty; a file is read as written (a BOM); what lrviz writes is valid in its
own format (JSON, LaTeX, Python); labels and titles in figures are text, not markup. Real processes
under limits (tests/limited.py)."""

from __future__ import annotations

import json

import pytest

from limited import assert_refused, run_all, run_limited

FILES = {
    "bom.csv": "\ufeffloss\n1\n0.9\n0.8\n",
    "exp": "scheduler: {type: step, step_size: 1}\n",
    "cosine:T_max=3": "scheduler: {type: step, step_size: 1}\n",
    "nan-momentum.yaml": "optimizer: {type: sgd, momentum: .nan}\nscheduler: {type: cosine, T_max: 3}\n",
    "inf-betas.yaml": "optimizer: {type: adam, betas: [0.9, .inf]}\nscheduler: {type: cosine, T_max: 3}\n",
    "nan-decay.yaml": "optimizer: {param_groups: [{lr: 0.1, weight_decay: .nan}]}\nscheduler: {type: cosine, T_max: 3}\n",
}
REFUSED = {
    "empty-reason": (["table", "timm:cosine:t_initial=0"], "timm:cosine: AssertionError"),
    "file-named-like-a-name": (["table", "exp"], "'exp' names both a file here and a scheduler: write ./exp"),
    "file-named-like-an-inline-spec": (["table", "cosine:T_max=3"], "names both a file here and a scheduler"),
    "nan-momentum": (["table", "nan-momentum.yaml"], "optimizer.momentum must be finite, got nan"),
    "inf-betas": (["code", "inf-betas.yaml"], "optimizer.betas must be finite, got [0.9, inf]"),
    "nan-weight-decay": (["code", "nan-decay.yaml"], "param_groups[0].weight_decay must be finite, got nan"),
}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    root = tmp_path_factory.mktemp("consistency")
    for name, text in FILES.items():
        (root / name).write_text(text, encoding="utf-8")
    cases = {key: argv for key, (argv, _) in REFUSED.items()}
    cases["bom"] = ["table", "plateau:patience=0", "--metrics", "bom.csv:loss", "--lr", "1"]
    return run_all(cases, root)


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_refused_with_a_reason(outcomes, case):
    assert_refused(outcomes[case], REFUSED[case][1])


def test_a_byte_order_mark_does_not_hide_the_column(outcomes):
    """The metrics of a CSV saved with a BOM (Excel's UTF-8) are those of a plain loop stepping ReduceLROnPlateau."""
    import torch
    from torch.optim.lr_scheduler import ReduceLROnPlateau

    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    scheduler = ReduceLROnPlateau(optimizer, patience=0)
    expected = []
    for loss in [1.0, 0.9, 0.8, None]:
        expected.append(optimizer.param_groups[0]["lr"])
        if loss is not None:
            scheduler.step(loss)
    assert outcomes["bom"].code == 0, outcomes["bom"].describe()
    assert [float(line.split(",")[1]) for line in outcomes["bom"].out.splitlines()[1:]] == expected


# ---------------------------------------------------------------- recipes branch: check.py, codegen.py
def test_check_refuses_a_negative_lr_as_table_does(tmp_path):
    spec = ["step:step_size=2,gamma=-1", "--steps", "6"]
    table, check = run_all({"table": ["table", *spec], "check": ["check", *spec]}, tmp_path).values()
    assert_refused(table, "sets lr to -0.1 at step 2")
    assert_refused(check, "sets lr to -0.1 at step 2")


def test_check_says_what_table_says_of_an_overflow(tmp_path):
    spec = ["exp:gamma=1e300", "--steps", "4"]
    table, check = run_all({"table": ["table", *spec], "check": ["check", *spec]}, tmp_path).values()
    assert_refused(table, "sets lr to inf at step 2")
    assert_refused(check, "sets lr to inf at step 2")


def test_code_never_writes_a_bare_nan_or_inf(tmp_path):
    (tmp_path / "free.py").write_text("from torch.optim.lr_scheduler import StepLR\n\n\nclass Free(StepLR):\n"
                                      "    def __init__(self, optimizer, step_size=2, extra=None, last_epoch=-1):\n"
                                      "        super().__init__(optimizer, step_size, last_epoch=last_epoch)\n")
    outcome = run_limited(["code", "free.py:Free:extra=inf"], tmp_path)
    if outcome.code == 0:
        namespace: dict = {}
        exec(compile(outcome.out, "<lrviz code>", "exec"), namespace)  # noqa: S102 - the snippet under test
    else:
        assert_refused(outcome, "extra")


# ---------------------------------------------------------------- figures: png.py, table.py, stats.py
def test_json_tables_are_valid_json(tmp_path):
    outcome = run_limited(["table", "cosine:T_max=3", "--lr", "1e308", "--format", "json"], tmp_path)
    assert outcome.code == 0, outcome.describe()

    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    json.loads(outcome.out, parse_constant=refuse)


def test_a_huge_lr_is_drawn(tmp_path):
    outcome = run_limited(["plot", "cosine:T_max=3", "--lr", "1e308", "--log", "-o", "x.png"], tmp_path)
    assert outcome.code == 0 and (tmp_path / "x.png").exists(), outcome.describe()


@pytest.mark.parametrize("option", [
    "--title",
    "--label",
])
def test_titles_and_labels_are_text_in_figures(tmp_path, option):
    outcome = run_limited(["plot", "cosine:T_max=3", option, "$\\undefinedcmd$ at 50%", "-o", "x.png"], tmp_path)
    assert outcome.code == 0 and outcome.err == "" and (tmp_path / "x.png").exists(), outcome.describe()


def test_latex_headers_escape_every_special_character(tmp_path):
    label = "a&b_c%d$e#f{g}h~i^j\\k"
    outcome = run_limited(["table", "cosine:T_max=3", "step:step_size=1", "--label", label, "--label", "b",
                           "--format", "latex"], tmp_path)
    header = outcome.out.splitlines()[2]
    assert header == ("step & a\\&b\\_c\\%d\\$e\\#f\\{g\\}h\\textasciitilde{}i\\textasciicircum{}j"
                      "\\textbackslash{}k & b \\\\")
