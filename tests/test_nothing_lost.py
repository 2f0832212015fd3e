"""Nothing lost (issue 20): an input is never an output; a signal leaves no temporary file and no
worker that writes later; the forked figure worker dying says why and leaves nothing behind. Real
processes, real signals (os.kill), real ``ps``, under limits (tests/limited.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from limited import assert_refused, command, environment, limits, run_all, run_limited

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="signals and fork")

SPEC = "scheduler: {type: cosine, T_max: 3}\n"
MY_LR = ("from torch.optim.lr_scheduler import StepLR\n\n\n"
         "class MyLR(StepLR):\n    def __init__(self, optimizer, last_epoch=-1):\n"
         "        super().__init__(optimizer, step_size=2, last_epoch=last_epoch)\n")
FILES = {"spec.yaml": SPEC, "spec.png": SPEC, "m.csv": "loss\n1\n0.9\n0.8\n0.7\n", "my_lr.py": MY_LR}
CASES = {
    "spec-as-output": (["table", "spec.yaml", "-o", "spec.yaml"], "cannot write 'spec.yaml': this command reads it as input"),
    "metrics-as-output": (["table", "plateau:patience=0", "--metrics", "m.csv:loss", "-o", "m.csv"],
                          "cannot write 'm.csv': this command reads it as input"),
    "code-as-output": (["table", "my_lr.py:MyLR", "--steps", "3", "-o", "my_lr.py"], "cannot write 'my_lr.py'"),
    "symlink-to-the-spec": (["table", "spec.yaml", "-o", "link.csv"], "reads it (as spec.yaml) as input"),
    "hard-link-to-the-spec": (["table", "spec.yaml", "-o", "hard.csv"], "reads it (as spec.yaml) as input"),
    "figure-over-its-spec": (["plot", "spec.png", "-o", "spec.png"], "cannot write 'spec.png': this command reads it"),
}


def write_files(root: Path) -> None:
    for name, text in FILES.items():
        (root / name).write_text(text)
    (root / "link.csv").symlink_to("spec.yaml")
    os.link(root / "spec.yaml", root / "hard.csv")


def snapshot(root: Path) -> dict:
    return {p.name: p.read_bytes() for p in root.iterdir() if p.is_file() and p.suffix != ".pyc"}


def test_an_input_is_never_an_output(tmp_path):
    write_files(tmp_path)
    before = snapshot(tmp_path)
    outcomes = run_all({key: argv for key, (argv, _) in CASES.items()}, tmp_path)
    for key, (_, fragment) in CASES.items():
        assert_refused(outcomes[key], fragment)
    assert snapshot(tmp_path) == before


def start(args, cwd, **env) -> subprocess.Popen:
    return subprocess.Popen(command(*args), cwd=cwd, env=environment(**env), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, preexec_fn=limits())


def wait_for(predicate, timeout: float = 200, every: float = 0.02) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(every)
    return False


def temporaries(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.endswith(".tmp"))


def children(pid: int) -> list[int]:
    listed = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in listed.split()]


def alive(pid: int) -> bool:
    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()
    return bool(state) and not state.startswith("Z")


def test_sigterm_while_a_table_is_written_leaves_no_temporary_file(tmp_path):
    """A long ``table -o``: 60 param groups x 200,000 rows, so that writing takes seconds."""
    groups = ", ".join(["{lr: 0.1}"] * 60)
    (tmp_path / "wide.yaml").write_text(f"steps: 200000\noptimizer: {{param_groups: [{groups}]}}\n"
                                        "scheduler: {type: cosine, T_max: 1000}\n")
    (tmp_path / "out.csv").write_text("keep me\n")
    process = start(["table", "wide.yaml", "-o", "out.csv"], tmp_path)
    assert wait_for(lambda: temporaries(tmp_path) or process.poll() is not None)
    assert process.poll() is None, "the table was written before the signal could be sent"
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM and err == b""
    assert temporaries(tmp_path) == [] and (tmp_path / "out.csv").read_text() == "keep me\n"


def drawing(tmp_path: Path, **env) -> tuple[subprocess.Popen, int]:
    """``compare -o out.png`` of 60 panels, started and waited for until its worker writes the figure:
    the process and its forked worker's pid."""
    gammas = ",".join(str(round(0.3 + i / 100, 3)) for i in range(60))
    process = start(["compare", "step:step_size=10", "--sweep", f"gamma={gammas}", "-o", "out.png"], tmp_path, **env)
    assert wait_for(lambda: temporaries(tmp_path) or process.poll() is not None)
    assert process.poll() is None, process.stderr.read().decode()
    (worker,) = children(process.pid)
    return process, worker


@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_a_signal_while_drawing_leaves_no_worker_to_write_the_figure_later(tmp_path, sent):
    process, worker = drawing(tmp_path)
    os.kill(process.pid, sent)
    process.communicate(timeout=60)
    assert wait_for(lambda: not alive(worker), timeout=60), "the figure worker outlived the command"
    time.sleep(2)  # were it still drawing, the figure would appear now
    assert list(tmp_path.iterdir()) == []


def test_the_worker_killed_while_drawing_is_one_line_and_leaves_nothing(tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    # matplotlib makes (and removes at its exit) a directory of its own when its config directory cannot be written
    process, worker = drawing(work, MPLCONFIGDIR="/proc/lrviz-cannot-write-here", TMPDIR=str(temporary))
    os.kill(worker, signal.SIGKILL)
    _, err = process.communicate(timeout=60)
    lines = [line for line in err.decode().splitlines() if line.startswith("lrviz:")]
    assert process.returncode == 1 and lines == [
        "lrviz: error: the figure process was killed by SIGKILL (out of memory?) while drawing out.png "
        "(RuntimeError, unexpected: LRVIZ_TRACEBACK=1 shows where; please report it)"]
    assert list(work.iterdir()) == [] and list(temporary.iterdir()) == []


def test_a_worker_that_cannot_import_matplotlib_says_so(tmp_path):
    """The parent never imports matplotlib (it forks first): only the worker meets the broken install."""
    broken = tmp_path / "broken" / "matplotlib"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('this matplotlib is broken')\n")
    work = tmp_path / "work"
    work.mkdir()
    env = environment(PYTHONPATH=f"{broken.parent}{os.pathsep}{environment()['PYTHONPATH']}")
    outcome = run_limited(["plot", "cosine:T_max=3", "-o", "out.png"], work, env=env)
    assert outcome.code == 1 and outcome.lines == [
        "lrviz: error: drawing the figure failed: cannot import matplotlib: ImportError: this matplotlib is broken "
        "(RuntimeError, unexpected: LRVIZ_TRACEBACK=1 shows where; please report it)"], outcome.describe()
    assert list(work.iterdir()) == []


def test_the_worker_leaves_no_matplotlib_directory_when_it_ends_normally(tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    outcome = run_limited(["plot", "cosine:T_max=3", "-o", "out.png"], tmp_path,
                          env=environment(MPLCONFIGDIR="/proc/lrviz-cannot-write-here", TMPDIR=str(temporary)))
    assert outcome.code == 0, outcome.describe()
    assert (tmp_path / "out.png").exists() and list(temporary.iterdir()) == []


def test_gallery_refuses_two_configs_with_one_name(tmp_path):
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "a.yaml").write_text(SPEC)
    (configs / "a.yml").write_text("scheduler: {type: step, step_size: 2}\n")
    outcome = run_limited(["gallery", "--configs", "configs", "--out", "gallery"], tmp_path)
    assert_refused(outcome, "a.yaml")
    assert not (tmp_path / "gallery").exists()


def test_a_failing_config_leaves_the_gallery_as_it_was(tmp_path):
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "a.yaml").write_text(SPEC)
    assert run_limited(["gallery", "--configs", "configs", "--out", "gallery"], tmp_path).code == 0
    before = {p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "gallery").rglob("*") if p.is_file()}
    (configs / "a.yaml").write_text("scheduler: {type: step, step_size: 5}\n")
    (configs / "b.yaml").write_text("scheduler: {type: cosine, T_max: x}\n")
    assert run_limited(["gallery", "--configs", "configs", "--out", "gallery"], tmp_path).code == 2
    after = {p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "gallery").rglob("*") if p.is_file()}
    assert after == before
