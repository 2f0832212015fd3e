"""Instant where nothing needs torch: importing lrviz, help, list, describe and usage errors import
no torch, numpy or matplotlib (checked in fresh processes), and say what the torch path says."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer._coercion import build_runtime_param
from typer.main import get_command

from lrviz.simulation.build import build
from lrviz.cli import app
from conftest import with_peers
from lrviz.catalog.sources import SOURCES
from lrviz.errors import LrvizError
from lrviz.startup.typer_plain import PlainValues, skip_pydantic
from lrviz.spec import specs_from_tokens

HEAVY = ("torch", "numpy", "matplotlib", "timm", "transformers", "pydantic")


def run(*args: str, cache_dir, cwd=None) -> tuple[int, str, set[str]]:
    """Run ``python -m lrviz ARGS`` in a fresh process: exit code, stderr, heavy modules imported."""
    env = dict(os.environ, LRVIZ_CACHE_DIR=str(cache_dir), COLUMNS="100")
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "lrviz", *args],
                          capture_output=True, text=True, env=env, cwd=cwd)
    imported = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    message = "\n".join(line for line in done.stderr.splitlines() if not line.startswith("import time:"))
    return done.returncode, message, {m for m in imported if m.split(".")[0] in HEAVY}


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory):
    """A cache directory filled the way a first run fills it."""
    cache_dir = tmp_path_factory.mktemp("cache")
    code, message, heavy = run("list", cache_dir=cache_dir)
    assert code == 0, message
    installed = {s.package for s in SOURCES if s.installed()}
    assert installed <= {m.split(".")[0] for m in heavy}  # the first run reads them
    return cache_dir


def test_importing_lrviz_imports_nothing_heavy():
    code = f"import sys, lrviz; print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


@pytest.mark.parametrize("args", with_peers([["--help"], ["plot", "--help"], ["table", "--help"], ["list"],
                                             ["describe", "cosine"], ["describe", "timm:cosine"], ["describe", "hf:linear"]]))
def test_help_list_and_describe_import_nothing_heavy(warm_cache, args):
    code, message, heavy = run(*args, cache_dir=warm_cache)
    assert code == 0, message
    assert heavy == set()


USAGE_ERRORS = [
    ["plot", "--sched", "cosin", "-o", "x.png"],
    ["plot", "--sched", "cosine", "--T_mx", "20"],
    ["plot", "--sched", "cosine", "--t_max", "20"],  # a case-only typo
    ["plot", "cosine", "--T_max", "20", "--termnal"],
    ["plot", "--sched", "cosine"],
    ["table", "cosine:T_max"],
    ["table", "sequential:schedulers=[linear(start_factor=0.1,total_iters=5),cosine(T_mx=95)],milestones=[5]"],
    ["table", "timm:cosinee:t_initial=10"],
    ["table", "hf:linear:num_warmup_step=3"],
    ["table", "cosine:T_max=20", "--format", "xml"],
    ["describe", "cosinee"],
    ["plot", "cosine:T_max=20", "--width", "80", "--bogus"],
]


@pytest.mark.parametrize("args", with_peers(USAGE_ERRORS), ids=lambda a: " ".join(a)[:40])
def test_usage_errors_import_nothing_heavy(warm_cache, tmp_path, args):
    code, message, heavy = run(*args, cache_dir=warm_cache, cwd=tmp_path)
    assert code == 2 and message.startswith("lrviz: error: ") and len(message.splitlines()) == 1, message
    assert heavy == set()
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("spec", with_peers(["cosin", "cosine:T_max", "cosine:T_mx=3", "cosine", "onecycle:max_lr=0.1",
                                  "sequential:schedulers=[linear(start_factor=0.1),cosine(T_mx=95)],milestones=[5]",
                                  "chained:schedulers=[exp(gamma=0.9),stepp(step_size=3)]",
                                  "timm:cosinee", "timm:step:decay=3", "hf:cosine:num_warmup_steps=1",
                                  "hf:nope"]))
def test_the_early_check_says_what_building_says(cli, spec):
    """The same message, whether decided from the cache (the CLI, before torch) or by building."""
    with pytest.raises(LrvizError) as built:
        build(specs_from_tokens([spec])[0])
    code, out, err = cli("table", spec)
    assert code == 2 and err.strip() == f"lrviz: error: {built.value}"


PARAMS = [param for command in [get_command(app), *get_command(app).commands.values()] for param in command.params
          if getattr(param, "type_descriptor", None) is not None and not param.type_descriptor.is_file]


@given(st.sampled_from(PARAMS), st.one_of(st.text(max_size=12), st.from_regex(r"[+-]?[0-9]{1,22}", fullmatch=True),
                                          st.lists(st.text(max_size=5), max_size=3).map(tuple), st.booleans(),
                                          st.sampled_from(["x.png", "out/a.svg", "-", "", "."])))
def test_plain_values_coerce_as_typer_does(param, value):
    """lrviz.startup.typer_plain skips pydantic only where typer's own coercion gives the same value or message."""
    from unittest.mock import patch

    import lrviz.startup

    def outcome(runtime):
        try:
            return "value", runtime.coerce(value, param=param, ctx=None)
        except Exception as exc:  # noqa: BLE001 - the message is the outcome
            return "error", type(exc).__name__, str(exc)

    with patch.object(lrviz.startup, "_cli", True):  # the command line's tricks on
        skip_pydantic([param])
    ours = param._runtime_param
    assert isinstance(ours, PlainValues)
    assert outcome(ours) == outcome(build_runtime_param(param.type_descriptor))


def test_a_nul_byte_in_a_path_gets_typers_own_message():
    """Found by hypothesis: a path with a NUL byte must fail as typer fails it (BadParameter), not with a ValueError."""
    from unittest.mock import patch

    import lrviz.startup

    param = next(p for p in PARAMS if p.name == "output" and "--output" in p.opts and p.type_descriptor.annotation
                 is not str)
    with patch.object(lrviz.startup, "_cli", True):
        skip_pydantic([param])

    def outcome(runtime):
        try:
            return runtime.coerce("a\x00b", param=param, ctx=None)
        except Exception as exc:  # noqa: BLE001 - the message is the outcome
            return type(exc).__name__, str(exc)

    assert outcome(param._runtime_param) == outcome(build_runtime_param(param.type_descriptor)) == \
        ("BadParameter", "Value error, embedded null byte")


def test_every_public_name_of_lrviz_loads():
    import lrviz

    assert set(lrviz.__all__) == {"LrvizError", *lrviz._LAZY}
    for name in lrviz.__all__:
        assert getattr(lrviz, name).__name__ == name


def command_modules_and_output(*args: str, cache_dir, lazy: bool) -> tuple[set[str], tuple[int, str, str]]:
    """``python -m lrviz ARGS`` in a fresh process, the one-command trick on or off: the modules of
    commands it imported, and its exit code, stdout and stderr."""
    env = dict(os.environ, LRVIZ_CACHE_DIR=str(cache_dir), COLUMNS="100")
    env.pop("LRVIZ_NO_LAZY_COMMANDS", None)
    if not lazy:
        env["LRVIZ_NO_LAZY_COMMANDS"] = "1"
    code = ("import runpy, sys; sys.argv = ['lrviz', *sys.argv[1:]]\n"
            "try:\n    runpy.run_module('lrviz', run_name='__main__')\n"
            "finally:\n    print(sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('lrviz.cli.commands.')),"
            " file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env)
    *err, modules = done.stderr.splitlines()
    from lrviz.cli.commands import MODULES

    commands = set(eval(modules)) & set(MODULES.values())  # noqa: S307 - our own print; not the shared helpers
    return commands, (done.returncode, done.stdout, "\n".join(err))


def test_the_command_line_lists_every_command_in_its_module_map():
    from lrviz.cli.commands import MODULES

    assert list(get_command(app).commands) == list(MODULES)


@pytest.mark.parametrize("args", [["plot", "nosuch"], ["table", "cosine", "--t_max", "3"], ["describe", "cosine"],
                                  ["list", "--help"], ["audit", "--help"], ["code", "cosine:T_max=3"]],
                         ids=lambda a: " ".join(a))
def test_only_the_command_being_run_is_imported_and_it_says_the_same(warm_cache, args):
    """lrviz.startup's one-command trick: the command's own module only, and the same exit code, output and
    errors as with every command loaded (LRVIZ_NO_LAZY_COMMANDS=1)."""
    from lrviz.cli.commands import MODULES

    lazy_modules, lazy = command_modules_and_output(*args, cache_dir=warm_cache, lazy=True)
    all_modules, eager = command_modules_and_output(*args, cache_dir=warm_cache, lazy=False)
    assert lazy_modules == {MODULES[args[0]]}
    assert all_modules == set(MODULES.values())
    assert lazy == eager


@pytest.mark.parametrize("args", [[], ["--help"], ["--version"], ["plott"]])
def test_without_a_command_every_command_is_loaded(warm_cache, args):
    """Help lists them all and a misspelt command is matched against them all."""
    from lrviz.cli.commands import MODULES

    modules, (code, out, err) = command_modules_and_output(*args, cache_dir=warm_cache, lazy=True)
    assert modules == set(MODULES.values())
    assert code == (2 if args == ["plott"] else 0)
    if not args:  # a bare lrviz prints its help, as --help does
        assert out == command_modules_and_output("--help", cache_dir=warm_cache, lazy=True)[1][1]
        assert "Commands:" in out and "Examples:" in out
