"""Damaged state and code the user supplied (issue 20): a cache file with the right key and wrong
contents, or a cache path that is not a file, is never trusted and leaves nothing behind; a user's
scheduler class that cannot be stepped names the class and what failed. Real processes under limits."""

from __future__ import annotations

import json
import os

import pytest

from limited import assert_refused, environment, run_all, run_limited

TABLE = ["table", "cosine:T_max=3"]
EXPECTED = "step,lr\n0,0.1\n1,0.07500000000000001\n2,0.025000000000000015\n3,0.0\n"


@pytest.fixture(scope="module")
def sound_cache(tmp_path_factory) -> dict:
    """The cache files a first run writes: {name: text}."""
    directory = tmp_path_factory.mktemp("cache")
    assert run_limited(["list"], directory, env=environment(LRVIZ_CACHE_DIR=str(directory))).code == 0
    return {p.name: p.read_text() for p in directory.iterdir()}


def edited(text: str, change) -> str:
    data = json.loads(text)
    change(data)
    return json.dumps(data)


DAMAGES = {
    "no-facts": lambda t: edited(t, lambda d: d.update(facts=[])),
    "a-scheduler-gone": lambda t: edited(t, lambda d: d["facts"].pop(0)),
    "wrong-types": lambda t: edited(t, lambda d: d["facts"][0].update(name=5)),
    "args-not-a-list": lambda t: edited(t, lambda d: d["facts"][0].update(args="T_max")),
    "an-argument-renamed": lambda t: edited(t, lambda d: d["facts"][2]["args"][0].update(name="T_mx")),
    "not-a-mapping": lambda t: "[1, 2, 3]",
    "truncated": lambda t: t[: len(t) // 2],
    "not-utf8": lambda t: "\udcff",
    "deep": lambda t: "[" * 100_000 + "]" * 100_000,
    "huge": lambda t: " " * 20_000_000 + t,
}


@pytest.fixture(scope="module")
def after_damage(tmp_path_factory, sound_cache) -> dict:
    """For each damage, a cache whose torch.json has it, and what a table, a usage error and the cache
    directory look like once lrviz ran on it (all damages at once, each in its own processes)."""
    root = tmp_path_factory.mktemp("damaged")
    cases, caches = {}, {}
    for damage, change in DAMAGES.items():
        cache = caches[damage] = root / damage
        cache.mkdir()
        for name, text in sound_cache.items():
            (cache / name).write_text(text)
        (cache / "torch.json").write_bytes(change(sound_cache["torch.json"]).encode("utf-8", "surrogateescape"))
        env = {"env": environment(LRVIZ_CACHE_DIR=str(cache))}
        cases[(damage, "table")] = (TABLE, env)
        cases[(damage, "typo")] = (["table", "cosine:T_mx=3"], env)
    outcomes = run_all(cases, root)
    return {damage: (outcomes[(damage, "table")], outcomes[(damage, "typo")], caches[damage]) for damage in DAMAGES}


@pytest.mark.parametrize("damage", DAMAGES, ids=list(DAMAGES))
def test_a_damaged_cache_file_is_rebuilt_not_trusted(after_damage, sound_cache, damage):
    table, typo, cache = after_damage[damage]
    assert (table.code, table.out, table.err) == (0, EXPECTED, ""), table.describe()
    assert_refused(typo, "unknown argument 'T_mx' for CosineAnnealingLR; did you mean 'T_max'?")
    assert sorted(p.name for p in cache.iterdir()) == sorted(sound_cache)  # rebuilt, no temporary file
    assert json.loads((cache / "torch.json").read_text())["facts"] == json.loads(sound_cache["torch.json"])["facts"]


@pytest.mark.parametrize("kind", ["directory", "fifo", "dev-zero", "dangling-link", "unreadable-directory"])
def test_a_cache_path_that_is_not_a_file_is_passed_by(tmp_path, kind):
    cache = tmp_path / "cache"
    cache.mkdir()
    path = cache / "torch.json"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)  # reading it would wait for a writer forever
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")  # reading it would never end
    elif kind == "dangling-link":
        path.symlink_to(tmp_path / "nowhere")
    else:
        cache.chmod(0o500)
    try:
        for _ in range(2 if kind == "directory" else 1):  # a directory left a temporary file on every run
            outcome = run_limited(TABLE, tmp_path, env=environment(LRVIZ_CACHE_DIR=str(cache)))
            assert (outcome.code, outcome.out, outcome.err) == (0, EXPECTED, ""), outcome.describe()
            assert not [p for p in cache.iterdir() if p.name.startswith(".")], "a temporary file was left"
    finally:
        cache.chmod(0o700)


USER_CODE = '''
import sys
from torch.optim.lr_scheduler import LRScheduler


class NoStep:
    def __init__(self, optimizer, a=1):
        self.optimizer = optimizer


class GetLrRaises(LRScheduler):
    def get_lr(self):
        raise RuntimeError("boom")


class FailsLater(LRScheduler):
    def get_lr(self):
        if self.last_epoch > 2:
            raise LookupError("no lr after epoch 2")
        return [g["lr"] for g in self.optimizer.param_groups]


class InitRaises:
    def __init__(self, optimizer):
        raise AttributeError("no attribute here")

    def step(self):
        pass


class Exits(LRScheduler):
    def get_lr(self):
        sys.exit(7)


class TextLr(LRScheduler):
    def get_lr(self):
        return ["abc" for _ in self.optimizer.param_groups]


class HugeLr(LRScheduler):
    def get_lr(self):
        return [10 ** 400 for _ in self.optimizer.param_groups]


class Typo(LRScheduler):
    def get_lr(self):
        return [undefined_name]


class Bare(Exception):
    pass


class RaisesBare(LRScheduler):
    def get_lr(self):
        if self.last_epoch > 0:
            raise Bare()
        return [0.1]


def factory(optimizer):
    return 42
'''

USER_CASES = {
    "without-step": ("NoStep", "mine.py:NoStep has no step() method"),
    "get-lr-raises": ("GetLrRaises", "GetLrRaises (mine.py:GetLrRaises) failed while being built: RuntimeError: boom"),
    "fails-while-stepping": ("FailsLater", "FailsLater() failed while stepping: LookupError: no lr after epoch 2"),
    "init-raises": ("InitRaises", "InitRaises (mine.py:InitRaises) failed while being built: AttributeError: no attribute"),
    "exits": ("Exits", "Exits (mine.py:Exits) failed while being built: SystemExit: 7"),
    "text-lr": ("TextLr", "TextLr left lr='abc', momentum=0 in a param group at step 0"),
    "huge-lr": ("HugeLr", "HugeLr left lr=1000"),
    "name-error": ("Typo", "NameError: name 'undefined_name' is not defined"),
    "bare-exception": ("RaisesBare", "RaisesBare() failed while stepping: Bare"),
    "factory-of-an-int": ("factory", "mine.py:factory returned 42, which has no step() method"),
}


def test_a_users_class_that_fails_names_itself_and_the_failure(tmp_path):
    (tmp_path / "mine.py").write_text(USER_CODE)
    (tmp_path / "exits_on_import.py").write_text("raise SystemExit(9)\n")
    cases = {key: ["table", f"mine.py:{name}", "--steps", "6"] for key, (name, _) in USER_CASES.items()}
    outcomes = run_all({**cases, "exits-on-import": ["table", "exits_on_import.py:X"]}, tmp_path)
    for key, (_, fragment) in USER_CASES.items():
        assert_refused(outcomes[key], fragment)
    assert_refused(outcomes["exits-on-import"], "exits_on_import.py: SystemExit: 9")


def test_the_good_class_next_to_them_still_works(tmp_path):
    """The same file, a sound class: the refusals above are about each class, not the file."""
    (tmp_path / "mine.py").write_text(USER_CODE + "\n\nclass Fine(LRScheduler):\n    def get_lr(self):\n"
                                      "        return [0.5 ** self.last_epoch * b for b in self.base_lrs]\n")
    outcome = run_limited(["table", "mine.py:Fine", "--steps", "3", "--lr", "1"], tmp_path)
    assert outcome.code == 0 and outcome.out == "step,lr\n0,1.0\n1,0.5\n2,0.25\n", outcome.describe()
