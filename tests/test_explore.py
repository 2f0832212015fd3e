"""`lrviz list` shows every scheduler the registry knows; `lrviz describe` documents each, with an example that runs."""

from __future__ import annotations

import shlex

import pytest

from lrviz.catalog.introspect import type_name
from lrviz.catalog.examples import example_command
from conftest import live_entries

ENTRIES = live_entries()
IDS = [entry.name for entry in ENTRIES]


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.replace("┃", "│").split("│")]


def test_list_has_one_row_per_entry_with_source_and_required_arguments(cli):
    code, out, err = cli("list")
    assert code == 0, err
    rows = {cells(line)[0]: cells(line) for line in out.splitlines() if "│" in line and cells(line)[0]}
    assert f"{len(ENTRIES)} schedulers" in out
    for entry in ENTRIES:
        name, aliases, source, required = rows[entry.name]
        assert source == entry.source
        assert aliases == ", ".join(entry.aliases)
        expected = ", ".join(a.name for a in entry.args if a.required) or "—"
        assert expected.startswith(required)  # a long list folds onto the next line


def test_list_shows_torch_and_installed_peers(cli):
    _, out, _ = cli("list")
    sources = {entry.source for entry in ENTRIES}
    assert "torch" in sources
    for source in sources:
        assert f"│ {source} " in out


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_describe_shows_every_argument(cli, entry):
    code, out, err = cli("describe", entry.name)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"{entry.name}  ({entry.source}")
    assert entry.doc.split(".")[0] in out.replace("\n", " ")
    rows = {cells(line)[0]: cells(line) for line in lines if "│" in line}
    assert [line.split()[0] for line in lines if "│" in line and cells(line)[0]] == [a.name for a in entry.args]
    for arg in entry.args:
        _, shown_type, default, required = rows[arg.name]
        assert required == ("yes" if arg.required else "no")
        assert default == ("—" if arg.required else repr(arg.default)[:len(default)])
        assert type_name(arg.hint).startswith(shown_type) if arg.hint is not None else shown_type == "any"


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_describe_example_runs(cli, entry):
    _, out, _ = cli("describe", entry.name)
    command = out.strip().splitlines()[-1].strip()
    assert command == example_command(entry)
    words = shlex.split(command)
    assert words[:2] == ["lrviz", "plot"]
    code, chart, err = cli(*words[1:], "--width", 80)
    assert code == 0, f"{command}\n{err}"
    assert chart.splitlines()[0] == words[2]  # the chart is labelled with the spec


def test_describe_by_alias_and_any_case(cli):
    assert cli("describe", "cosine")[1] == cli("describe", "COSINEANNEALINGLR")[1]


def test_describe_misspelled_name_suggests(cli):
    code, out, err = cli("describe", "cosin")
    assert code == 2 and out == ""
    assert err.startswith("lrviz: error: unknown scheduler 'cosin'; did you mean 'cosine'?")
    assert err.count("\n") == 1
