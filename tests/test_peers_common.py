"""Peer namespaces: listed when installed, one clear line when not, and CI installs them so their tests run."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from lrviz.catalog import all_facts
from lrviz.catalog.sources import SOURCES, namespace_of

NAMESPACES = [s.namespace for s in SOURCES if s.namespace]

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {"timm": "timm", "hf": "transformers"}


@pytest.fixture
def absent(monkeypatch):
    """Make a package look uninstalled, as if ``pip install lrviz`` had no extras."""
    real_find_spec = importlib.util.find_spec

    def hide(*packages):
        monkeypatch.setattr(importlib.util, "find_spec",
                            lambda name, *a, **k: None if name in packages else real_find_spec(name, *a, **k))

    return hide


def test_the_test_extra_installs_every_peer_so_their_tests_never_skip_there():
    """The README's test command installs ".[test]": it must bring each peer library."""
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for source in SOURCES:
        if source.extra:
            assert extras[source.extra] == [source.package]
            assert source.package in extras["test"]


@pytest.mark.parametrize(("namespace", "spec"), [
    ("timm", "timm:step:decay_t=5,decay_rate=0.5"),
    ("hf", "hf:linear:num_warmup_steps=10,num_training_steps=100"),
])
def test_missing_library_names_the_extra(cli, absent, tmp_path, namespace, spec):
    absent(PACKAGES[namespace])
    code, out, err = cli("plot", spec, "-o", tmp_path / "x.png")
    assert code == 2 and out == ""
    assert err == (f"lrviz: error: {namespace}: schedulers need {PACKAGES[namespace]}, which is not installed: "
                   f"pip install \"lrviz[{namespace}]\"\n")
    assert not (tmp_path / "x.png").exists()
    assert not any(e.source == namespace for e in all_facts())


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_installed_peers_are_listed(namespace):
    if importlib.util.find_spec(PACKAGES[namespace]) is None:
        pytest.skip(f"{PACKAGES[namespace]} is not installed")
    listed = [e for e in all_facts() if e.source == namespace]
    assert listed and all(e.name.startswith(f"{namespace}:") for e in listed)
    assert all(namespace_of(e.name) == namespace for e in listed)


@pytest.mark.parametrize(("name", "namespace"), [
    ("timm:step", "timm"), ("TIMM:Step", "timm"), ("hf:linear", "hf"), ("cosine", None),
    ("my_sched.py:MyLR", None), ("mypkg.timm:MyLR", None),
])
def test_namespaces_are_the_name_prefix(name, namespace):
    assert namespace_of(name) == namespace
