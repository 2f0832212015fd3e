"""Every `lrviz ...` command shown in README.md runs and succeeds; the first two lines are the install and tests."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from conftest import with_peers

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    commands = []
    for block in blocks:
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            line = re.sub(r"^\.venv/bin/", "", line)
            if line.startswith("lrviz "):
                commands.append(line)
    return commands


def test_readme_starts_with_install_and_test_commands():
    """First: install lrviz alone and run the main job; second: install the test extras and run the tests."""
    first_block = re.search(r"```bash\n(.*?)```", README, flags=re.S).group(1).strip().splitlines()
    assert len(first_block) == 2
    assert "pip install -c constraints-cpu.txt -e . && .venv/bin/lrviz plot" in first_block[0]
    assert "pip install -c constraints-cpu.txt -e \".[test]\" && .venv/bin/python -m pytest" == \
        first_block[1].removeprefix(".venv/bin/")


def test_ci_runs_exactly_the_readmes_two_commands(tmp_path):
    """.ci/run runs the README's two lines and nothing else (checked with a stand-in bash), and refuses to run
    when they differ from its own."""
    import subprocess

    shutil.copytree(ROOT / ".ci", tmp_path / ".ci")
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    log = tmp_path / "ran"
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "bash").write_text(f'#!/bin/sh\nprintf "%s\\n" "$4" >> {log}\n')
    (fake / "bash").chmod(0o755)
    for tool in ("chromium", "apt-get"):  # the browser is there (else: a stand-in apt-get that installs nothing)
        (fake / tool).write_text("#!/bin/sh\nexit 0\n")
        (fake / tool).chmod(0o755)
    run = subprocess.run(["/bin/bash", str(tmp_path / ".ci" / "run")], capture_output=True, text=True,
                         env={"PATH": f"{fake}:/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    first_block = re.search(r"```bash\n(.*?)```", README, flags=re.S).group(1).strip().splitlines()
    assert log.read_text().splitlines() == first_block
    (tmp_path / "README.md").write_text(README.replace("lrviz plot cosine --T_max 20", "lrviz plot step", 1))
    drifted = subprocess.run(["/bin/bash", str(tmp_path / ".ci" / "run")], capture_output=True, text=True,
                             env={"PATH": f"{fake}:/usr/bin:/bin"})
    assert drifted.returncode == 1 and "differ from .ci/run's" in drifted.stderr


def test_readme_shows_many_commands():
    assert len(readme_commands()) >= 8


def command_needs(command: str) -> str:
    """The text whose peers a README command needs: itself, and the configs it reads (all of them for gallery)."""
    paths = [ROOT / t for t in shlex.split(command) if t.startswith("configs/")]
    if " gallery" in command:
        paths = sorted((ROOT / "configs").glob("*.yaml"))
    return command + "".join(p.read_text() for p in paths)


@pytest.mark.parametrize("command", with_peers(readme_commands(), command_needs))
def test_readme_command_runs(cli, command, tmp_path, monkeypatch):
    shutil.copytree(ROOT / "configs", tmp_path / "configs")
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.iterdir())
    code, out, err = cli(*shlex.split(command)[1:])
    assert code == 0, f"{command}\n{err}"
    assert out.strip() or set(tmp_path.iterdir()) != before, f"{command} printed and wrote nothing"
