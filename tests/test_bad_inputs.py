"""The bad-input corpus: every case exits 2 with one line ``lrviz: error: ...`` naming the problem,
no traceback, nothing on stdout and no file written.

Each case is (id, command line, fragment the message must hold). The command runs in a temporary
directory holding the files of ``FILES`` (``write_files``); a few also run as a real process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BILLION_LAUGHS = "".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n',
        *(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi")),
        "scheduler: {type: multistep, milestones: *i}\n",
    ]
)
FILES: dict[str, bytes | str] = {
    "ok.yaml": "scheduler: {type: cosine, T_max: 3}\n",
    "empty.yaml": "",
    "comment.yaml": "# nothing but a comment\n",
    "list.yaml": "- type: cosine\n- type: step\n",
    "scalar.yaml": '"cosine:T_max=3"\n',
    "tabs.yaml": "scheduler:\n\ttype: cosine\n",
    "duplicate.yaml": "scheduler: {type: cosine, T_max: 3}\nscheduler: {type: step, step_size: 2}\n",
    "typo.yaml": "shceduler: {type: cosine, T_max: 3}\n",
    "steps-word.yaml": "steps: ten\nscheduler: {type: cosine, T_max: 3}\n",
    "tmax-list.yaml": "scheduler: {type: cosine, T_max: [1, 2]}\n",
    "scheduler-list.yaml": "scheduler: [cosine]\n",
    "optimizer-list.yaml": "optimizer: [sgd]\nscheduler: {type: cosine, T_max: 3}\n",
    "groups-mapping.yaml": "optimizer: {param_groups: {lr: 1}}\nscheduler: {type: cosine, T_max: 3}\n",
    "bomb.yaml": BILLION_LAUGHS,
    "python-tag.yaml": 'scheduler: !!python/object/apply:os.system ["touch pwned"]\n',
    "python-name.yaml": "scheduler: !!python/name:os.system {}\n",
    "latin1.yaml": "name: caf\xe9\nscheduler: {type: cosine, T_max: 3}\n".encode("latin-1"),
    "unhashable.yaml": "? [a, b]\n: 1\nscheduler: {type: cosine, T_max: 3}\n",
    "unclosed.yaml": "scheduler: {type: cosine, T_max: 3\n",
    "no-type.yaml": "scheduler: {T_max: 3}\n",
    "schedules-mapping.yaml": "schedules: {a: 1}\n",
    "optimizer-typo.yaml": "optimizer: {type: sgd, momentun: 0.9}\nscheduler: {type: cosine, T_max: 3}\n",
    "negative-lr.yaml": "lr: -1\nscheduler: {type: cosine, T_max: 3}\n",
    "huge-steps.yaml": "steps: 1e12\nscheduler: {type: cosine, T_max: 3}\n",
    "too-big.yaml": "scheduler: {type: cosine, T_max: 3}\n" + "#" * 1_000_001 + "\n",
    "metrics.csv": "step,val_loss,acc\n0,1.0,0.1\n1,0.9,x\n2,0.8,0.3\n",
    "existing.csv": "keep me\n",
}
DIRS = ("adir.yaml", "outdir")
LONG_NAME = "a" * 300

CASES = [
    # scheduler names
    ("misspelt-inline", ["table", "cosin:T_max=20"], "unknown scheduler 'cosin'; did you mean 'cosine'?"),
    ("misspelt-flag", ["table", "--sched", "multstep", "--milestones", "30"], "did you mean 'multistep'?"),
    ("misspelt-alias", ["table", "onecylce:max_lr=0.1,total_steps=10"], "did you mean 'onecycle'?"),
    ("unknown-name", ["table", "--sched", "nope"], "unknown scheduler 'nope' (run 'lrviz list'"),
    ("control-chars", ["table", "a\nb\x1b[31m"], "unknown scheduler 'a\\nb\\x1b[31m'"),
    ("unknown-command", ["nosuchcommand"], "No such command 'nosuchcommand'. (commands: "),
    ("misspelt-command", ["tabel", "cosine:T_max=3"], "Did you mean 'table'?"),
    ("misspelt-option", ["plot", "cosine:T_max=3", "--termnal"], "no such option: --termnal; did you mean '--terminal'?"),
    # arguments: unknown, missing, duplicated, mistyped
    ("unknown-arg", ["table", "--sched", "cosine", "--Tmax", "20"], "unknown argument 'Tmax' for CosineAnnealingLR; did you mean 'T_max'?"),
    ("unknown-arg-inline", ["table", "cosine:T_max=20,eta_mn=0"], "did you mean 'eta_min'? (valid: T_max, eta_min, last_epoch)"),
    ("missing-arg", ["table", "--sched", "cosine"], "CosineAnnealingLR needs T_max (arguments: T_max, eta_min=0.0"),
    ("missing-arg-step", ["table", "step:gamma=0.5"], "StepLR needs step_size"),
    ("duplicated-flag", ["table", "--sched", "cosine", "--T_max", "20", "--T_max", "30"], "argument 'T_max' given twice"),
    ("duplicated-equals", ["table", "--sched", "cosine", "--T_max", "20", "--T_max=30"], "argument 'T_max' given twice"),
    ("duplicated-inline", ["table", "cosine:T_max=20,T_max=30"], "argument 'T_max' given twice"),
    ("word-for-int", ["table", "--sched", "cosine", "--T_max", "twenty"], "T_max must be an integer, got 'twenty'"),
    ("fraction-for-int", ["table", "--sched", "cosine", "--T_max", "2.5"], "T_max must be an integer, got 2.5"),
    ("bool-for-int", ["table", "--sched", "cosine", "--T_max", "true"], "T_max must be an integer, got True"),
    ("nan", ["table", "--sched", "cosine", "--T_max", "nan"], "T_max must be finite, got nan"),
    ("inf", ["table", "cosine:T_max=20,eta_min=inf"], "eta_min must be finite, got inf"),
    ("overflowing-literal", ["table", "--sched", "cosine", "--T_max", "1e400"], "T_max must be finite"),
    ("word-for-float", ["table", "cosine:T_max=3,eta_min=x"], "eta_min must be a number, got 'x'"),
    ("bad-choice", ["table", "cyclic:base_lr=0.01,max_lr=0.1,mode=tri"], "mode must be one of 'triangular', 'triangular2', 'exp_range', got 'tri'"),
    ("flag-without-value", ["table", "--sched", "cosine", "--T_max"], "--T_max needs a value, e.g. --T_max 10"),
    ("stray-word", ["table", "--sched", "cosine", "--T_max", "3", "stray"], "unexpected 'stray': scheduler arguments are written --name value"),
    ("flags-without-sched", ["table", "cosine:T_max=3", "--eta_min", "0"], "--eta_min looks like a scheduler argument, but no scheduler name comes before it"),
    # values torch takes but cannot use (lrviz's checks) or refuses itself (torch's messages)
    ("gamma-negative", ["table", "--sched", "step", "--step_size", "2", "--gamma", "-1", "--steps", "5"],
     "StepLR(step_size=2, gamma=-1.0) sets lr to -0.1 at step 2"),
    ("gamma-overflow", ["table", "exp:gamma=1e300", "--steps", "4"], "sets lr to inf at step 2"),
    ("max-lr-negative", ["table", "onecycle:max_lr=-0.1,total_steps=10"], "no optimizer can use an lr that is negative"),
    ("milestones-decreasing", ["table", "--sched", "multistep", "--milestones", "60,30"], "MultiStepLR: milestones must be increasing (torch's documentation), got [60, 30]"),
    ("t-max-zero", ["table", "--sched", "cosine", "--T_max", "0", "--steps", "5"], "CosineAnnealingLR(T_max=0) failed while stepping: integer modulo by zero"),
    ("step-size-zero", ["table", "step:step_size=0", "--steps", "5"], "StepLR(step_size=0) failed while stepping"),
    ("onecycle-no-horizon", ["table", "--sched", "onecycle", "--max_lr", "0.1"], "You must define either total_steps OR (epochs AND steps_per_epoch)"),
    ("onecycle-zero-steps", ["table", "onecycle:max_lr=0.1,total_steps=0"], "Expected positive integer total_steps, but got 0"),
    ("onecycle-past-horizon", ["table", "onecycle:max_lr=0.1,total_steps=10", "--steps", "12"], "Tried to step"),
    ("onecycle-huge-horizon", ["table", "onecycle:max_lr=0.1,total_steps=1e12"], "OneCycleLR runs for 1,000,000,000,000 steps; lrviz records at most 100,000,000"),
    ("cyclic-base-above-max", ["table", "--sched", "cyclic", "--base_lr", "0.2", "--max_lr", "0.1"], "CyclicLR: base_lr (0.2) must not exceed max_lr (0.1)"),
    ("cyclic-momentum-inverted", ["table", "cyclic:base_lr=0.01,max_lr=0.1,base_momentum=0.95"], "base_momentum (0.95) must not exceed max_momentum (0.9)"),
    ("linear-zero-factor", ["table", "linear:start_factor=0"], "LinearLR: Starting multiplicative factor expected to be greater than 0"),
    # common options
    ("lr-negative", ["table", "cosine:T_max=3", "--lr", "-1"], "--lr must be > 0, got '-1'"),
    ("lr-zero", ["table", "cosine:T_max=3", "--lr", "0"], "--lr must be > 0"),
    ("lr-nan", ["table", "cosine:T_max=3", "--lr", "nan"], "--lr must be finite"),
    ("lr-word", ["table", "cosine:T_max=3", "--lr", "abc"], "--lr must be a number, got 'abc'"),
    ("steps-zero", ["table", "cosine:T_max=3", "--steps", "0"], "--steps must be > 0"),
    ("steps-negative", ["table", "cosine:T_max=3", "--steps", "-5"], "--steps must be > 0"),
    ("steps-1e12", ["table", "cosine:T_max=3", "--steps", "1e12"], "--steps must be at most 100,000,000 (lrviz records every step), got 1,000,000,000,000"),
    ("steps-fraction", ["table", "cosine:T_max=3", "--steps", "2.5"], "--steps must be a whole number"),
    ("steps-word", ["table", "cosine:T_max=3", "--steps", "many"], "--steps must be a number, got 'many'"),
    ("optimizer-typo", ["table", "cosine:T_max=3", "--optimizer", "sdg"], "unknown optimizer 'sdg'; did you mean 'sgd'? (valid: sgd, adam, adamw)"),
    ("format-unknown", ["table", "cosine:T_max=3", "--format", "xls"], "--format 'xls' is not a table format (valid: csv, md, latex, json)"),
    ("digits-zero", ["table", "cosine:T_max=3", "--digits", "0"], "--digits must be between 1 and 17"),
    ("every-zero", ["table", "cosine:T_max=3", "--every", "0"], "--every must be at least 1"),
    ("at-word", ["table", "cosine:T_max=3", "--at", "0,x"], "--at takes whole numbers separated by commas"),
    ("at-outside", ["table", "cosine:T_max=3", "--steps", "5", "--at", "500"], "--at 500 is outside the schedule's steps"),
    ("width-too-narrow", ["plot", "cosine:T_max=3", "--terminal", "--width", "5"], "'--width'"),
    ("label-count", ["table", "ok.yaml", "ok.yaml", "--label", "x"], "--label is given 1 times for 2 schedules: give one per schedule"),
    # malformed inline specs
    ("inline-no-value", ["table", "cosine:T_max"], "malformed inline spec 'cosine:T_max': write cosine:key=value"),
    ("inline-no-key", ["table", "cosine:=3"], "malformed argument '=3' in inline spec 'cosine:=3': expected key=value"),
    ("inline-unclosed-bracket", ["table", "multistep:milestones=[30,60"], "unbalanced brackets in 'milestones=[30,60': missing ']'"),
    ("inline-stray-bracket", ["table", "multistep:milestones=30,60]"], "unbalanced ']'"),
    ("inline-empty-item", ["table", "cosine:T_max=3,,eta_min=1"], "malformed argument ''"),
    ("inline-no-name", ["table", ":T_max=3"], "inline spec ':T_max=3' has no scheduler name"),
    ("inline-unclosed-quote", ["table", "cosine:T_max=3,eta_min='x"], "unclosed quote '"),
    ("inline-empty", ["table", ""], "inline spec '' has no scheduler name"),
    ("no-spec", ["table"], "no schedule given: pass a SPEC"),
    ("set-on-inline", ["table", "cosine:T_max=3", "--set", "a=1"], "--set applies to YAML files only"),
    ("too-long-for-a-file-name", ["table", LONG_NAME + ":T_max=3"], f"unknown scheduler '{LONG_NAME}'"),
    # YAML
    ("yaml-empty", ["table", "empty.yaml"], "empty.yaml is empty: it needs at least a 'scheduler:' mapping"),
    ("yaml-comment-only", ["table", "comment.yaml"], "comment.yaml is empty"),
    ("yaml-list", ["table", "list.yaml"], "list.yaml must hold a mapping with a 'scheduler:' key, not a list"),
    ("yaml-scalar", ["table", "scalar.yaml"], "must hold a mapping with a 'scheduler:' key, not a str"),
    ("yaml-tabs", ["table", "tabs.yaml"], "tabs.yaml: invalid YAML (line 2): found character '\\t'"),
    ("yaml-duplicate-key", ["table", "duplicate.yaml"], "duplicate.yaml: invalid YAML (line 2): duplicate key 'scheduler'"),
    ("yaml-unknown-key", ["table", "typo.yaml"], "unknown key 'shceduler' in typo.yaml; did you mean 'scheduler'? (valid: name,"),
    ("yaml-wrong-type-steps", ["table", "steps-word.yaml"], "steps must be a number, got 'ten'"),
    ("yaml-wrong-type-arg", ["table", "tmax-list.yaml"], "T_max must be an integer, got [1, 2]"),
    ("yaml-list-for-scheduler", ["table", "scheduler-list.yaml"], "scheduler must be a mapping with a 'type' key, not a list"),
    ("yaml-list-for-optimizer", ["table", "optimizer-list.yaml"], "'optimizer' in optimizer-list.yaml must be a mapping like {type: sgd, lr: 0.1}"),
    ("yaml-mapping-for-groups", ["table", "groups-mapping.yaml"], "must be a list of mappings like {lr: 0.1}"),
    ("yaml-billion-laughs", ["table", "bomb.yaml"], "bomb.yaml expands to more than 100,000 values through its anchors and aliases"),
    ("yaml-python-object", ["table", "python-tag.yaml"], "tag 'tag:yaml.org,2002:python/object/apply:os.system' is refused: lrviz loads YAML safely"),
    ("yaml-python-name", ["table", "python-name.yaml"], "python/name:os.system' is refused"),
    ("yaml-unhashable-key", ["table", "unhashable.yaml"], "unhashable.yaml: invalid YAML (line 1): found unhashable key"),
    ("yaml-unclosed", ["table", "unclosed.yaml"], "unclosed.yaml: invalid YAML (line 2)"),
    ("yaml-no-type", ["table", "no-type.yaml"], "scheduler needs a 'type' key naming the scheduler, e.g. type: cosine"),
    ("yaml-schedules-mapping", ["table", "schedules-mapping.yaml"], "'schedules' in schedules-mapping.yaml must be a non-empty list"),
    ("yaml-optimizer-typo", ["table", "optimizer-typo.yaml"], "unknown key 'momentun' in 'optimizer' of optimizer-typo.yaml; did you mean 'momentum'?"),
    ("yaml-negative-lr", ["table", "negative-lr.yaml"], "lr must be > 0, got -1"),
    ("yaml-huge-steps", ["table", "huge-steps.yaml"], "steps must be at most 100,000,000"),
    ("yaml-too-big", ["table", "too-big.yaml"], "too-big.yaml is larger than 1,000,000 bytes"),
    ("yaml-set-malformed", ["table", "ok.yaml", "--set", "scheduler.T_max"], "--set 'scheduler.T_max': expected key=value"),
    ("yaml-set-unknown-path", ["table", "ok.yaml", "--set", "nope.x=1"], "--set nope.x: no 'nope' to descend into"),
    # files
    ("file-missing", ["table", "missing.yaml"], "no such file: missing.yaml"),
    ("file-is-directory", ["table", "adir.yaml"], "adir.yaml is a directory, not a YAML file"),
    ("file-not-utf8", ["table", "latin1.yaml"], "latin1.yaml is not UTF-8 text (byte 9 is 0xe9)"),
    ("file-name-too-long", ["table", LONG_NAME + ".yaml"], "File name too long"),
    # hostile lr_lambda expressions (lrviz.expr): refused before anything runs, or bounded
    ("lambda-import", ["table", "lambda:lr_lambda='__import__(\"os\").system(\"touch pwned\")'", "--steps", "3"], "is not allowed in an expression"),
    ("lambda-open", ["table", "lambda:lr_lambda='open(\"ok.yaml\")'", "--steps", "3"], "'open' is not allowed in an expression (functions: abs,"),
    ("lambda-attribute", ["table", "lambda:lr_lambda='epoch.__class__'", "--steps", "3"], "attribute access 'epoch.__class__' is not allowed"),
    ("lambda-dunder-chain", ["table", "lambda:lr_lambda='().__class__.__bases__[0].__subclasses__()'", "--steps", "3"], "is not allowed in an expression"),
    ("lambda-huge-power", ["table", "lambda:lr_lambda='10**10**10'", "--steps", "3"], "10 ** 10000000000 is too large"),
    ("lambda-deep-nesting", ["table", "lambda:lr_lambda='" + "min(1," * 50 + "epoch" + ")" * 50 + "'", "--steps", "3"], "too complex"),
    ("lambda-long-chain", ["table", "lambda:lr_lambda='" + "-" * 300 + "epoch'", "--steps", "3"], "too complex"),
    ("lambda-string", ["table", "lambda:lr_lambda='\"a\"*10'", "--steps", "3"], "is not allowed in an expression"),
    ("lambda-unknown-name", ["table", "lambda:lr_lambda='x+1'", "--steps", "3"], "'x' is not allowed in an expression"),
    ("lambda-division-by-zero", ["table", "lambda:lr_lambda='1/epoch'", "--steps", "3"], "lr_lambda '1/epoch' fails at epoch=0: division by zero"),
    ("lambda-syntax", ["table", "lambda:lr_lambda='epoch if'", "--steps", "3"], "is not a valid expression"),
    ("lambda-negative", ["table", "lambda:lr_lambda='-1'", "--steps", "3"], "sets lr to -0.1 at step 0"),
    # metrics for ReduceLROnPlateau
    ("metrics-missing", ["table", "plateau:patience=0", "--steps", "10"], "ReduceLROnPlateau is stepped with a metric"),
    ("metrics-column-typo", ["table", "plateau:patience=0", "--metrics", "metrics.csv:val_los", "--steps", "3"],
     "metrics.csv has no column 'val_los'; did you mean 'val_loss'? (columns: step, val_loss, acc)"),
    ("metrics-not-a-number", ["table", "plateau:patience=0", "--metrics", "metrics.csv:acc", "--steps", "3"], "metrics.csv line 3: column 'acc' holds 'x', not a number"),
    ("metrics-file-missing", ["table", "plateau:patience=0", "--metrics", "nofile.csv:acc", "--steps", "3"], "metrics file not found: nofile.csv"),
    ("metrics-too-few", ["table", "plateau:patience=0", "--metrics", "1,2", "--steps", "10"], "metrics has 2 values, but 10 steps need 9"),
    # outputs
    ("output-missing-directory", ["table", "cosine:T_max=3", "-o", "missing/x.csv"], "cannot write 'missing/x.csv': directory 'missing' does not exist"),
    ("output-is-directory", ["table", "cosine:T_max=3", "-o", "outdir"], "cannot write 'outdir': it is a directory"),
    ("output-unknown-extension", ["plot", "cosine:T_max=3", "-o", "x.bmp"], "cannot tell the format of 'x.bmp': use one of .png, .svg, .pdf"),
    ("output-name-too-long", ["plot", "cosine:T_max=3", "-o", LONG_NAME + ".png"], "File name too long"),
    ("output-bad-spec-keeps-file", ["table", "cosin:T_max=3", "-o", "existing.csv"], "did you mean 'cosine'?"),
]


def write_files(root: Path) -> None:
    for name, content in FILES.items():
        path = root / name
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    for name in DIRS:
        (root / name).mkdir()


def snapshot(root: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in root.rglob("*")}


def assert_one_clear_line(code: int, out: str, err: str, fragment: str) -> None:
    assert code == 2, err
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("lrviz: error: ")
    assert fragment in lines[0]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    write_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_corpus_is_large_and_its_ids_unique():
    ids = [case[0] for case in CASES]
    assert len(ids) >= 60
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(("argv", "fragment"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_is_one_clear_line(cli, workdir, argv, fragment):
    before = snapshot(workdir)
    code, out, err = cli(*argv)
    assert_one_clear_line(code, out, err, fragment)
    assert snapshot(workdir) == before, "a bad input wrote, changed or removed a file"


ROOT_READS_ANYTHING = pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="running as root: permission bits do not stop root from reading or writing, so the case cannot happen",
)


@ROOT_READS_ANYTHING
def test_unreadable_file(cli, workdir):
    (workdir / "secret.yaml").write_text("scheduler: {type: cosine, T_max: 3}\n")
    (workdir / "secret.yaml").chmod(0)
    assert_one_clear_line(*cli("table", "secret.yaml"), "cannot read secret.yaml: Permission denied")


@ROOT_READS_ANYTHING
def test_read_only_directory(cli, workdir):
    (workdir / "outdir").chmod(0o555)
    try:
        assert_one_clear_line(*cli("table", "cosine:T_max=3", "-o", "outdir/x.csv"), "directory 'outdir' is not writable")
    finally:
        (workdir / "outdir").chmod(0o755)


@ROOT_READS_ANYTHING
def test_read_only_file_is_not_replaced(cli, workdir):
    (workdir / "existing.csv").chmod(0o444)
    assert_one_clear_line(*cli("table", "cosine:T_max=3", "-o", "existing.csv"), "cannot write 'existing.csv': the file is read-only")
    assert (workdir / "existing.csv").read_text() == "keep me\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full, a device that is always full")
def test_a_full_disk_is_a_clear_error_and_the_device_stays(cli, workdir):
    assert_one_clear_line(*cli("table", "cosine:T_max=3", "-o", "/dev/full"), "cannot write '/dev/full': No space left on device")
    assert Path("/dev/full").is_char_device()


def test_no_tag_runs_code(cli, workdir):
    cli("table", "python-tag.yaml")
    cli("table", "lambda:lr_lambda='__import__(\"os\").system(\"touch pwned\")'")
    assert not (workdir / "pwned").exists()


def test_deprecated_verbose_is_dropped_with_one_warning(cli, workdir):
    import numpy as np
    from torch.optim.lr_scheduler import CosineAnnealingLR

    from conftest import torch_loop

    code, out, err = cli("table", "cosine:T_max=5,verbose=True", "--steps", "5", "--sweep", "eta_min=0,0.01")
    assert code == 0, err
    assert err.splitlines() == ["lrviz: warning: CosineAnnealingLR: 'verbose' is deprecated in torch "
                                "(it printed each new lr) and ignored here: remove it"]
    values = np.array([float(line.split(",")[1]) for line in out.splitlines()[1:]])
    assert np.array_equal(values, torch_loop(CosineAnnealingLR, {"T_max": 5}, 5)[0])


def test_deprecated_verbose_is_a_python_warning_for_library_users():
    import lrviz
    from lrviz.errors import LrvizWarning

    with pytest.warns(LrvizWarning, match="'verbose' is deprecated"):
        lrviz.simulate("cosine:T_max=3,verbose=False", steps=3)


SUBPROCESS_CASES = ["misspelt-inline", "steps-1e12", "yaml-billion-laughs", "yaml-python-object", "lambda-import",
                    "output-missing-directory", "t-max-zero", "control-chars", "file-name-too-long"]


@pytest.mark.parametrize("case_id", SUBPROCESS_CASES)
def test_a_real_process_prints_no_traceback(workdir, case_id):
    _, argv, fragment = next(case for case in CASES if case[0] == case_id)
    result = subprocess.run([sys.executable, "-m", "lrviz", *argv], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONWARNINGS": "error"})
    assert_one_clear_line(result.returncode, result.stdout, result.stderr, fragment)
    assert not (workdir / "pwned").exists()


@pytest.mark.parametrize(("spec", "cls", "kwargs"), [
    ("multistep:milestones=[3,3],gamma=0.5", "MultiStepLR", {"milestones": [3, 3], "gamma": 0.5}),
    ("cosine:T_max=-5", "CosineAnnealingLR", {"T_max": -5}),
    ("step:step_size=-2", "StepLR", {"step_size": -2}),
    ("cyclic:base_lr=0.01,max_lr=0.1,step_size_up=3,base_momentum=0.95,cycle_momentum=false", "CyclicLR",
     {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3, "base_momentum": 0.95, "cycle_momentum": False}),
], ids=["repeated-milestones", "negative-t-max", "negative-step-size", "momentum-bounds-without-cycling"])
def test_odd_but_meaningful_arguments_are_shown_as_torch_computes_them(spec, cls, kwargs):
    """The other side of the corpus: what torch accepts and lrviz does not refuse (README, Errors)."""
    import numpy as np
    from torch.optim import lr_scheduler

    import lrviz
    from conftest import torch_loop

    assert np.array_equal(lrviz.simulate(spec, steps=12).lr, torch_loop(getattr(lr_scheduler, cls), kwargs, 12)[0])
