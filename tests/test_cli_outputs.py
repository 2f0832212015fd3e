"""What plot and table write, byte by byte where it matters, and what they refuse."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from torch.optim import lr_scheduler

import lrviz
from conftest import torch_loop

STEP = {"step_size": 10, "gamma": 0.5}
STEP_FLAGS = ["--sched", "step", "--step_size", "10", "--gamma", "0.5", "--steps", "30"]
MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".svg": b"<?xml", ".pdf": b"%PDF"}


@pytest.mark.parametrize("suffix", sorted(MAGIC))
def test_plot_format_follows_the_extension(cli, tmp_path, suffix):
    out = tmp_path / f"step{suffix}"
    code, stdout, err = cli("plot", *STEP_FLAGS, "-o", out)
    assert code == 0, err
    assert out.read_bytes().startswith(MAGIC[suffix])
    assert stdout.strip().endswith(f"wrote {out}")


def test_plot_without_output_writes_a_named_png_and_a_sparkline(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, stdout, err = cli("plot", "cosine:T_max=20")
    assert code == 0, err
    assert (tmp_path / "lrviz-cosine_T_max=20.png").read_bytes().startswith(MAGIC[".png"])
    first, second = stdout.splitlines()
    assert first.startswith("cosine:T_max=20  █")
    assert second == "wrote lrviz-cosine_T_max=20.png"


def test_plot_is_deterministic(cli, tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    cli("plot", "cosine:T_max=20", "-o", a)
    cli("plot", "cosine:T_max=20", "-o", b)
    assert a.read_bytes() == b.read_bytes()


def test_terminal_chart_shows_scale_axis_and_key_values(cli):
    code, stdout, err = cli("plot", *STEP_FLAGS, "--terminal", "--width", 50)
    assert code == 0, err
    lines = stdout.splitlines()
    assert lines[0] == "step:step_size=10,gamma=0.5,steps=30" or lines[0].startswith("step:step_size=10,gamma=0.5")
    chart = [line for line in lines if "┤" in line]
    assert len(chart) == 8
    assert chart[0].split("┤")[0].strip() == "0.1" and chart[-1].split("┤")[0].strip() == "0"
    assert all(len(line.split("┤")[1]) == 30 for line in chart)  # fewer steps than columns: one per step
    axis = next(i for i, line in enumerate(lines) if line.split()[:2] == ["step", "0"])
    assert " · ".join(line.strip() for line in lines[axis + 1:]) == (
        "first 0.1 · min 0.025 @ 20 · max 0.1 @ 0 · last 0.025 · "
        "mean 0.05833 · area 1.75 (sum of lr over 30 steps) · no warmup")


def test_terminal_chart_fits_the_width(cli):
    code, stdout, _ = cli("plot", "cosine:T_max=20", "--steps", 1000, "--terminal", "--width", 40)
    assert code == 0
    assert max(len(line) for line in stdout.splitlines()) <= 40 + 30  # key-values line may be longer
    assert all(len(line) <= 40 for line in stdout.splitlines() if "┤" in line)


def expected_step_values(steps=30):
    return torch_loop(lr_scheduler.StepLR, STEP, steps)[0]


def test_table_csv_is_exact_and_full_precision(cli):
    code, stdout, _ = cli("table", "cosine:T_max=7", "--steps", 9)
    values = torch_loop(lr_scheduler.CosineAnnealingLR, {"T_max": 7}, 9)[0]
    assert code == 0
    assert stdout == "step,lr\n" + "".join(f"{t},{v!r}\n" for t, v in enumerate(values.tolist()))


def test_table_markdown(cli):
    code, stdout, _ = cli("table", *STEP_FLAGS, "--format", "md", "--at", "0,10,20")
    assert code == 0
    assert stdout == "| step | lr |\n|---:|---:|\n| 0 | 0.1 |\n| 10 | 0.05 |\n| 20 | 0.025 |\n"


def test_table_latex_booktabs_every_k(cli):
    code, stdout, _ = cli("table", *STEP_FLAGS, "--format", "latex", "--every", 10)
    values = expected_step_values()
    assert code == 0
    body = "".join(f"{t} & {float(values[t])!r} \\\\\n" for t in (0, 10, 20, 29))  # and the last row
    assert stdout == "\\begin{tabular}{rr}\n\\toprule\nstep & lr \\\\\n\\midrule\n" + body + "\\bottomrule\n\\end{tabular}\n"


def test_table_json_round_trips(cli):
    code, stdout, _ = cli("table", *STEP_FLAGS, "--format", "json")
    data = json.loads(stdout)
    assert code == 0
    assert data["columns"][:2] == ["step", "lr"]
    assert [row[0] for row in data["rows"]] == list(range(30))
    assert [row[1] for row in data["rows"]] == expected_step_values().tolist()


def test_table_digits(cli):
    code, stdout, _ = cli("table", "exp:gamma=0.9", "--steps", 3, "--digits", 3)
    assert code == 0
    assert stdout == "step,lr\n0,0.1\n1,0.09\n2,0.081\n"


def test_table_to_file_and_trace_to_csv_are_the_same_bytes(cli, tmp_path):
    out = tmp_path / "t.csv"
    code, _, err = cli("table", "onecycle:max_lr=0.1,total_steps=50", "-o", out)
    assert code == 0 and f"wrote {out}" in err
    api = tmp_path / "api.csv"
    lrviz.simulate("onecycle:max_lr=0.1,total_steps=50").to_csv(api)
    assert api.read_bytes() == out.read_bytes()


def test_yaml_set_overrides_and_string_floats(cli, tmp_path):
    spec = tmp_path / "c.yaml"
    spec.write_text("lr: 1e-3\nsteps: 40\nscheduler:\n  type: cosine\n  T_max: 20\n  eta_min: 1e-5\n")
    code, stdout, err = cli("table", spec, "--set", "scheduler.T_max=10")
    assert code == 0, err
    values = [float(line.split(",")[1]) for line in stdout.splitlines()[1:]]
    expected = torch_loop(lr_scheduler.CosineAnnealingLR, {"T_max": 10, "eta_min": 1e-5}, 40, lr=1e-3)[0]
    assert values == expected.tolist()


@pytest.mark.parametrize(("args", "fragment"), [
    (["plot", "--sched", "cosin", "--T_max", "3"], "unknown scheduler 'cosin'; did you mean 'cosine'?"),
    (["plot", "--sched", "cosine", "--T_mx", "3"], "unknown argument 'T_mx' for CosineAnnealingLR; did you mean 'T_max'?"),
    (["plot", "--sched", "cosine"], "CosineAnnealingLR needs T_max"),
    (["table", "cosine:T_max=twenty"], "T_max must be an integer, got 'twenty'"),
    (["table", "cyclic:base_lr=0.1,max_lr=0.2,mode=tri"], "mode must be one of 'triangular', 'triangular2', 'exp_range'"),
    (["table", "cosine:T_max=3", "--format", "xls"], "--format 'xls' is not a table format (valid: csv, md, latex, json)"),
    (["plot", "cosine:T_max=3", "-o", "x.gif"], "use one of .png, .svg, .pdf"),
    (["table", "missing.yaml"], "no such file: missing.yaml"),
])
def test_usage_errors_are_one_line_exit_2_no_file(cli, tmp_path, monkeypatch, args, fragment):
    monkeypatch.chdir(tmp_path)
    code, stdout, err = cli(*args)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("lrviz: error: ")
    assert fragment in err
    assert list(tmp_path.iterdir()) == []


def test_error_leaves_an_existing_output_untouched(cli, tmp_path):
    out = tmp_path / "keep.png"
    out.write_bytes(b"precious")
    code, _, _ = cli("plot", "--sched", "cosine", "--T_max", "zero", "-o", out)
    assert code == 2
    assert out.read_bytes() == b"precious"


def test_importing_lrviz_imports_no_torch():
    code = "import sys, lrviz; print(sorted(m for m in ('torch', 'matplotlib', 'numpy') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "lrviz", "table", "step:step_size=1,gamma=0.5", "--steps", "3"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "step,lr\n0,0.1\n1,0.05\n2,0.025\n"


def test_several_param_groups_are_columns(tmp_path):
    spec = tmp_path / "g.yaml"
    spec.write_text("optimizer: {param_groups: [{lr: 0.1}, {lr: 0.01}]}\nsteps: 6\nscheduler: {type: step, step_size: 2}\n")
    trace = lrviz.simulate(str(spec))
    expected = torch_loop(lr_scheduler.StepLR, {"step_size": 2}, 6, groups=[{"lr": 0.1}, {"lr": 0.01}])
    assert trace.lr.shape == (2, 6)
    assert np.array_equal(trace.lr, expected)
