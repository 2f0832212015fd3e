"""lrviz.catalog.cache: the facts it keeps on disk are the libraries', and a stale or unwritable cache is never used."""

from __future__ import annotations

import json

import pytest

from lrviz.catalog import all_facts, cache, find
from lrviz.catalog.sources import BY_NAME, SOURCES


def live_facts(source=None):
    """Every scheduler's facts read from the installed libraries themselves, not from a cache."""
    return [f for s in SOURCES if s.installed() and source in (None, s.name) for f in cache.read_live(s)]


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """An empty cache directory and no facts remembered in this process."""
    monkeypatch.setenv("LRVIZ_CACHE_DIR", str(tmp_path))
    cache.source_facts.cache_clear()
    yield tmp_path
    cache.source_facts.cache_clear()


def reads(monkeypatch) -> list[str]:
    """The sources read live (by importing the library) from now on."""
    seen = []
    live = cache.read_live
    monkeypatch.setattr(cache, "read_live", lambda source: seen.append(source.name) or live(source))
    return seen


def test_cached_facts_are_the_registry_facts(fresh, monkeypatch):
    live = live_facts()
    assert all_facts() == live  # read live, then written
    assert {p.name for p in fresh.iterdir()} == {f"{s.name}.json" for s in SOURCES if s.installed()}
    cache.source_facts.cache_clear()
    seen = reads(monkeypatch)
    assert all_facts() == live  # read back from the files
    assert seen == []


def test_a_changed_install_or_reader_is_read_again(fresh, monkeypatch):
    cache.source_facts("torch")
    cache.source_facts.cache_clear()
    expected = tuple(live_facts("torch"))
    seen = reads(monkeypatch)
    key = cache.cache_key(BY_NAME["torch"])
    monkeypatch.setattr(cache, "cache_key", lambda source: [*key[:-1], "another reader"])
    assert cache.source_facts("torch") == expected
    assert seen == ["torch"]
    assert json.loads((fresh / "torch.json").read_text())["key"][-1] == "another reader"


@pytest.mark.parametrize("damage", ["{not json", '{"key": 1}', ""])
def test_a_damaged_file_is_read_again(fresh, monkeypatch, damage):
    (fresh / "torch.json").write_text(damage)
    seen = reads(monkeypatch)
    assert find("cosine").name == "CosineAnnealingLR"
    assert seen == ["torch"]


def test_an_unwritable_directory_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("LRVIZ_CACHE_DIR", str(blocker / "cache"))  # cannot be created
    cache.source_facts.cache_clear()
    try:
        assert find("step").name == "StepLR"
    finally:
        cache.source_facts.cache_clear()


def test_a_users_class_is_read_from_its_code_not_cached(fresh):
    facts = find("tests/fixtures/my_lr.py:ScaledStepLR")
    assert (facts.source, facts.location) == ("custom", "tests/fixtures/my_lr.py:ScaledStepLR")
    assert {p.name for p in fresh.iterdir()} <= {"torch.json"}
