"""Every `lrviz ...` command shown in README.md runs and succeeds; the first two lines are the install and tests."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

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
    first_block = re.search(r"```bash\n(.*?)```", README, flags=re.S).group(1).strip().splitlines()
    assert "pip install -c constraints-cpu.txt -e \".[test]\"" in first_block[0]
    assert "lrviz plot" in first_block[0]
    assert first_block[1].endswith("python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python -m pytest" in ci and "constraints-cpu.txt" in ci


def test_readme_shows_many_commands():
    assert len(readme_commands()) >= 8


@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_runs(cli, command, tmp_path, monkeypatch):
    shutil.copytree(ROOT / "configs", tmp_path / "configs")
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.iterdir())
    code, out, err = cli(*shlex.split(command)[1:])
    assert code == 0, f"{command}\n{err}"
    assert out.strip() or set(tmp_path.iterdir()) != before, f"{command} printed and wrote nothing"
