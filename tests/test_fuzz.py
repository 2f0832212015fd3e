"""Fuzzing the spec parsers (inline, flags, YAML) through the CLI: for any text lrviz exits 0 or 2,
never 1 (an unexpected exception), prints at most one error line and no traceback, and writes
nothing but the output it was asked for. Each run starts in an empty directory."""

from __future__ import annotations

import contextlib
import os
import tempfile
import typing
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.main import get_command
from typer.testing import CliRunner

from lrviz.catalog.introspect import type_name
from lrviz.cli import app
from lrviz.catalog.sources.torch_source import ALIASES as TORCH_ALIASES
from lrviz.catalog.sources.torch_source import schedulers as torch_entries
from lrviz.spec.yamlfile import TOP_LEVEL_KEYS

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NAMES = sorted(TORCH_ALIASES) + sorted(torch_entries())
KEYS = sorted({a.name for e in torch_entries().values() for a in e.args} | {"verbose", "metrics"})
IDENT = st.text("abcdefghijklmnopqrstuvwxyz_ABCT0123456789", min_size=1, max_size=12)
JUNK = st.text(max_size=20)

numbers = st.one_of(
    st.integers(-5, 100),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["1e12", "1e-5", "-0", "1e400", "0x10", "1_000", "nan", "-inf", "9" * 40]),
)
words = st.sampled_from(["true", "false", "none", "[", "]", "[]", "'", '"', "=", ",", ":", "()",
                         "triangular", "cos", "linear", "max", "epoch", "0.5 ** (epoch // 3)", "epoch**epoch**epoch",
                         "[linear(start_factor=0.5,total_iters=2),cosine(T_max=3)]", "[30,60,80]", "[1,[2]]"])
values = st.one_of(numbers.map(str), words, JUNK)
names = st.one_of(st.sampled_from(NAMES), IDENT, JUNK)
keys = st.one_of(st.sampled_from(KEYS), IDENT, JUNK)
steps = st.one_of(st.integers(1, 12).map(str), st.sampled_from(["0", "-1", "1e12", "x", "nan", "3.5"]))


def typed_values(arg):
    """Values of the type an argument asks for, so that many fuzzed specs get past parsing into torch."""
    hint = type_name(arg.hint)
    if typing.get_origin(arg.hint) is typing.Literal:
        return st.sampled_from(typing.get_args(arg.hint))
    if "LRScheduler" in hint:
        return st.sampled_from(["[linear(start_factor=0.5,total_iters=2),cosine(T_max=3)]", "[step(step_size=2)]"])
    if "callable" in hint:
        return st.sampled_from(["0.5 ** (epoch // 3)", "1 / (epoch + 1)", "-epoch", "epoch ** 300", "[0.5,0.1]"])
    if hint.startswith("list") or "| list" in hint:
        return st.lists(st.integers(-2, 30), max_size=4).map(lambda v: "[" + ",".join(map(str, v)) + "]")
    if "int" in hint:
        return st.integers(-2, 40)
    if "float" in hint:
        return st.one_of(st.floats(-1, 3), st.sampled_from([0.0, 1e-5, 0.1, 1.0, 1e300]))
    if "bool" in hint:
        return st.booleans().map(lambda b: str(b).lower())
    return values


@st.composite
def scheduler_args(draw):
    """A real scheduler name and some of its own arguments, each with a value of about the right type."""
    entry = draw(st.sampled_from(sorted(torch_entries().values(), key=lambda e: e.name)))
    chosen = draw(st.lists(st.sampled_from(entry.args), unique=True, max_size=len(entry.args))) if entry.args else []
    args = {a.name: draw(st.one_of(typed_values(a), typed_values(a), values)) for a in chosen}
    return draw(st.sampled_from([entry.name, *entry.aliases])), args


@st.composite
def inline_specs(draw):
    """``name:key=value,...``: mostly a real scheduler with typed arguments, else mangled or junk."""
    kind = draw(st.sampled_from(["typed", "typed", "mangled", "junk"]))
    if kind == "junk":
        return draw(JUNK)
    if kind == "typed":
        name, args = draw(scheduler_args())
        pairs = [(k, "=", v) for k, v in args.items()]
        return name + (":" + ",".join(f"{k}={v}" for k, _, v in pairs) if pairs else "")
    pairs = draw(st.lists(st.tuples(keys, st.sampled_from(["=", "", "=="]), values), max_size=4))
    args = draw(st.sampled_from([",", ",,", ";"])).join(f"{k}{eq}{v}" for k, eq, v in pairs)
    return draw(names) + (draw(st.sampled_from([":", "", "::"])) + args if pairs else "")


def command_options(command: str) -> set[str]:
    """Every option name of an lrviz command: fuzzed flags must not ask for another output."""
    params = get_command(app).commands[command].params
    return {name for p in params for name in (*p.opts, *p.secondary_opts)}


TABLE_OPTIONS = command_options("table")
flag_tokens = st.one_of(
    st.sampled_from(KEYS).map(lambda k: f"--{k}"),
    IDENT.map(lambda k: f"--{k}"),
    values,
).filter(lambda token: token.split("=")[0] not in TABLE_OPTIONS)

yaml_scalars = st.one_of(st.none(), st.booleans(), numbers, words, JUNK)
yaml_values = st.recursive(yaml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)), max_leaves=8)
schedulers = st.fixed_dictionaries({"type": names}, optional={k: yaml_values for k in KEYS[:12]})
def as_yaml_value(value):
    """A typed list like ``[1,2]`` as a YAML list; anything else as it is."""
    if isinstance(value, str) and value.startswith("[") and "(" not in value:
        with contextlib.suppress(yaml.YAMLError):
            return yaml.safe_load(value)
    return value


typed_schedulers = scheduler_args().map(
    lambda name_args: {"type": name_args[0], **{k: as_yaml_value(v) for k, v in name_args[1].items()}})
yaml_documents = st.one_of(
    st.fixed_dictionaries({"scheduler": typed_schedulers},
                          optional={"lr": yaml_scalars, "name": JUNK, "optimizer": yaml_values, "shceduler": yaml_values}),
    st.dictionaries(
        st.one_of(st.sampled_from(TOP_LEVEL_KEYS), IDENT),
        st.one_of(yaml_values, schedulers, st.lists(st.fixed_dictionaries({"scheduler": schedulers}), max_size=2)),
        max_size=5,
    ),
).map(lambda doc: yaml.safe_dump(doc, allow_unicode=True))


@contextlib.contextmanager
def empty_directory():
    before = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            yield Path(tmp)
        finally:
            os.chdir(before)


def run(*argv: str):
    result = CliRunner().invoke(app, list(argv))
    return result.exit_code, result.stdout, result.stderr, result.exception


def assert_clean_outcome(argv, code, out, err, exception) -> None:
    assert code in (0, 2), f"lrviz {argv!r} exited {code}: {exception!r}\n{err}"
    assert "Traceback" not in err
    lines = err.splitlines()
    if code == 2:
        assert out == ""
        assert lines and lines[-1].startswith("lrviz: error: "), err
    else:
        assert out.startswith("step,"), out
    assert all(line.startswith("lrviz: warning: ") for line in lines[:-1]), err


def files_in(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@FUZZ
@given(spec=inline_specs(), steps=steps)
def test_inline_specs(spec, steps):
    with empty_directory() as root:
        argv = ("table", spec, "--steps", steps)
        assert_clean_outcome(argv, *run(*argv))
        assert files_in(root) == set()


@FUZZ
@given(typed=scheduler_args(), name=names, tokens=st.lists(flag_tokens, max_size=6), steps=steps, mangle=st.booleans())
def test_flags(typed, name, tokens, steps, mangle):
    if not mangle:
        name, args = typed
        tokens = [token for key, value in args.items() for token in (f"--{key}", str(value).strip("[]"))]
    with empty_directory() as root:
        argv = ("table", "--steps", steps, "--sched", name, *tokens)
        assert_clean_outcome(argv, *run(*argv))
        assert files_in(root) == set()


@FUZZ
@given(text=st.one_of(yaml_documents, st.text(max_size=200)), steps=steps)
def test_yaml_files(text, steps):
    with empty_directory() as root:
        (root / "spec.yaml").write_text(text, encoding="utf-8")
        argv = ("table", "spec.yaml", "--steps", steps)
        assert_clean_outcome(argv, *run(*argv))
        assert files_in(root) == {"spec.yaml"}


@settings(max_examples=15, deadline=None)
@given(spec=inline_specs())
def test_plot_writes_only_the_requested_file(spec):
    with empty_directory() as root:
        code, out, err, exception = run("plot", spec, "--steps", "8", "-o", "out.png")
        assert code in (0, 2), f"{spec!r}: {exception!r}\n{err}"
        assert "Traceback" not in err
        assert files_in(root) == ({"out.png"} if code == 0 else set())
