"""Shared test helpers: the reference every lrviz number is checked against is a plain torch loop."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import numpy as np
import pytest
import torch

os.environ.setdefault("COLUMNS", "100")
if "LRVIZ_CACHE_DIR" not in os.environ:  # lrviz.cache keeps registry facts here, not in the user's cache
    os.environ["LRVIZ_CACHE_DIR"] = tempfile.mkdtemp(prefix="lrviz-test-cache-")
    atexit.register(shutil.rmtree, os.environ["LRVIZ_CACHE_DIR"], True)


#: what a spec's text names -> the package it needs (the test extra installs them all)
PEER_PACKAGES = {"timm:": "timm", "hf:": "transformers"}


def missing_peers(text: str) -> list[str]:
    """The peer packages ``text`` (a spec, a config file's text, a command) uses and this install lacks."""
    import importlib.util

    return [package for prefix, package in PEER_PACKAGES.items()
            if prefix in text.lower() and importlib.util.find_spec(package) is None]


def needs_peers(text: str):
    """A skip mark for a test of ``text`` when a peer it uses is not installed (a minimal ``pip install lrviz``)."""
    missing = missing_peers(text)
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}: pip install -e '.[test]'")


def with_peers(values, text=lambda value: str(value)):
    """``values`` as pytest params, each skipped when a peer its text names is missing."""
    return [pytest.param(v, marks=needs_peers(text(v))) for v in values]


def torch_loop(cls, kwargs: dict, steps: int, lr: float = 0.1, groups: list[dict] | None = None,
               optimizer=torch.optim.SGD, optimizer_kwargs: dict | None = None) -> np.ndarray:
    """The tutorial loop: a real parameter, optimizer.step() then scheduler.step(), lr read each step.

    Returns an array of shape (groups, steps): row t is the lr used during step t.
    """
    params = [{"params": [torch.nn.Parameter(torch.ones(2))], **g} for g in (groups or [{}])]
    opt = optimizer(params, lr=lr, **(optimizer_kwargs or {}))
    sched = cls(opt, **kwargs)
    out = np.empty((len(opt.param_groups), steps))
    for t in range(steps):
        out[:, t] = [g["lr"] for g in opt.param_groups]
        for group in opt.param_groups:
            for p in group["params"]:
                p.grad = torch.full_like(p, 0.1)
        opt.step()
        if t + 1 < steps:
            sched.step()
    return out


class LiveEntry:
    """A scheduler as its library has it (lrviz.catalog's live read: name, target, args with type
    hints, aliases, doc), and the source it comes from."""

    def __init__(self, source: str, live):
        self.source, self.live = source, live

    def __getattr__(self, name):
        return getattr(self.live, name)


def live_entries(source: str | None = None) -> list[LiveEntry]:
    """Every scheduler of every installed source (or of ``source``), read live, not from the cache."""
    from lrviz.catalog.sources import SOURCES

    return [LiveEntry(s.name, live) for s in SOURCES if s.installed() and source in (None, s.name)
            for live in s.module().schedulers().values()]


@pytest.fixture(scope="session")
def reallog_runs(tmp_path_factory):
    """The framework runs of tests/reallogs.py (about 20 s), started once a session in child processes
    for every framework installed: ``(root, {kind: process})``; ``reallogs.logs_of`` waits for one."""
    import reallogs

    root = tmp_path_factory.mktemp("reallogs")
    started = reallogs.start_frameworks(root, reallogs.installed_frameworks())
    yield root, started
    for process in started.values():
        if process.poll() is None:
            process.kill()
        process.communicate()


@pytest.fixture(scope="session")
def hf_logs(reallog_runs):
    """The directory of the Hugging Face Trainer's scenarios (tests/reallogs.py), once written."""
    import reallogs

    return reallogs.logs_of(reallog_runs, "hf")


@pytest.fixture(scope="session")
def accelerate_logs(reallog_runs):
    """The directory of the 2-process accelerate scenarios (tests/reallogs.py), once written."""
    import reallogs

    return reallogs.logs_of(reallog_runs, "accelerate")


@pytest.fixture(scope="session")
def lightning_logs(reallog_runs):
    """The directory of the Lightning scenarios (tests/reallogs.py), once written."""
    import reallogs

    return reallogs.logs_of(reallog_runs, "lightning")


@pytest.fixture
def cli():
    """Invoke the lrviz CLI in-process; returns (exit_code, stdout, stderr)."""
    from typer.testing import CliRunner

    from lrviz.cli import app

    runner = CliRunner()

    def invoke(*args):
        result = runner.invoke(app, [str(a) for a in args])
        return result.exit_code, result.stdout, result.stderr

    return invoke
