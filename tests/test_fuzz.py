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


# ---------------------------------------------------------------- issue 20's classes: the inputs that size work,
# nest, overflow, carry terminal control, or name files; each fuzzed value is far past its limit or well within it
deep = st.integers(20, 600).map(lambda n: "[" * n + "1" + "]" * n)
huge_numbers = st.one_of(st.integers(300, 6000).map(lambda n: "9" * n), st.integers(305, 420).map(lambda n: "1" + "0" * n),
                         st.sampled_from(["-" + "9" * 5000, "1e400", "-1e400", "1_" * 2000 + "1"]))
controls = st.text(st.characters(categories=("Cc", "Cf", "Zl", "Zp")), min_size=1, max_size=4)
labels = st.one_of(st.text(max_size=30), st.tuples(JUNK, controls, JUNK).map("".join),
                   st.sampled_from(["a[/]b", "[bold red]x", "$\\undefinedcmd$", "x" * 300]))


def shown(text: str) -> bool:
    """Text a terminal shows as written: printable, lines apart."""
    return all(ch.isprintable() or ch == "\n" for ch in text)


@FUZZ
@given(typed=scheduler_args(), odd=st.one_of(deep, huge_numbers), where=st.sampled_from(["inline", "flag", "sweep"]))
def test_nested_and_huge_values(typed, odd, where):
    """Deep brackets and numbers past a float, in every place a value is written: one line, never a traceback."""
    name, args = typed
    key = next(iter(args), "T_max")
    if where == "inline":
        argv = ("table", f"{name}:{key}={odd}", "--steps", "3")
    elif where == "flag":
        argv = ("table", "--steps", "3", "--sched", name, f"--{key}", odd)
    else:
        argv = ("table", "cosine:T_max=3", "--steps", "3", "--sweep", f"T_max={odd}")
    with empty_directory() as root:
        assert_clean_outcome(argv, *run(*argv))
        assert files_in(root) == set()


@FUZZ
@given(first=labels, second=labels, fmt=st.sampled_from(["csv", "md", "latex"]), spec=inline_specs())
def test_labels_are_data(first, second, fmt, spec):
    """Labels carrying terminal control, markup or length: shown escaped, or refused in one line."""
    argv = ("table", "cosine:T_max=3", "step:step_size=2", "--label", first, "--label", second, "--format", fmt)
    with empty_directory():
        code, out, err, exception = run(*argv)
        assert code in (0, 2), f"{argv!r}: {exception!r}\n{err}"
        assert shown(out) and shown(err), (out, err)
        code, out, err, exception = run("check", spec, "--label", first, "--steps", "4")
        assert code in (0, 1, 2) and "Traceback" not in err, f"{spec!r}: {exception!r}\n{err}"
        assert shown(out) and shown(err), (out, err)


@settings(max_examples=40, deadline=None)
@given(counts=st.lists(st.one_of(st.integers(1, 3), st.integers(1001, 5000)), min_size=1, max_size=4))
def test_sweeps_are_counted_before_they_are_made(counts):
    """Any number of sweeps of any length: made when at most MAX_SCHEDULES, refused at once otherwise."""
    from lrviz.limits import MAX_SCHEDULES

    keys = ["gamma", "lr", "steps", "last_epoch"]
    sweeps = [tok for key, n in zip(keys, counts) for tok in ("--sweep", f"{key}=" + ",".join(
        str(i + 2 if key == "steps" else i - 1 if key == "last_epoch" else 0.5 + i / 10_000) for i in range(n)))]
    argv = ("table", "step:step_size=2", "--steps", "3", *sweeps)
    with empty_directory():
        code, out, err, exception = run(*argv)
    total = 1
    for n in counts:
        total *= n
    assert (code, total > MAX_SCHEDULES) in ((0, False), (2, True)), f"{counts}: {exception!r}\n{err}"
    if code == 2:
        assert err.startswith(f"lrviz: error: 1 spec x {counts[0]:,} values of gamma") and "at most 1,000" in err


yaml_shapes = st.one_of(
    st.just("a: &a [*a]\n"), st.just("a: &a {b: *a}\n"), st.just("a: &a [1]\nb: &b {<<: *a}\n"),
    st.integers(1, 80).map(lambda n: "a: " + "[" * n + "]" * n + "\n"),
    st.integers(1, 80).map(lambda n: "a: " + "{x: " * n + "1" + "}" * n + "\n"),
    st.integers(2, 12).map(lambda n: "".join(f"a{i}: &a{i} [[[[*a{i - 1}]]]]\n" if i else "a0: &a0 [1]\n" for i in range(n))),
    huge_numbers.map(lambda v: f"a: {v}\n"), st.just("a: 0x" + "f" * 3000 + "\n"),
    st.sampled_from(["a: 2001-13-45\n", "a: !!binary aGk=\n", "a: !!set {x, y}\n", "a: !!omap [{x: 1}]\n",
                     "a: !!timestamp 2001-01-01\n", "a: !!float nan\n"]),
)


@FUZZ
@given(shape=yaml_shapes, where=st.sampled_from(["top", "T_max", "name", "milestones"]), steps=steps)
def test_yaml_aliases_nesting_and_numbers(shape, where, steps):
    """Anchors that contain themselves or nest deep once expanded, numbers past a float, odd tags: one line."""
    if where == "top" or shape.count("\n") > 1:  # several anchors stay at the top level
        text = shape + "scheduler: {type: multistep, milestones: [2, 4]}\n"
    else:
        text = shape.replace("a: ", f"{where}: ", 1) if where == "name" else (
            "scheduler:\n  type: multistep\n  milestones: [2]\n  " + shape.replace("a: ", f"{where}: ", 1))
    with empty_directory() as root:
        (root / "spec.yaml").write_text(text, encoding="utf-8")
        argv = ("table", "spec.yaml", "--steps", steps)
        assert_clean_outcome(argv, *run(*argv))
        assert files_in(root) == {"spec.yaml"}


@FUZZ
@given(spe=st.sampled_from(["1", "3", "1e9", "1e12", "1e15", "1e300", str(2**62), "99999999999999999999"]),
       interval=st.sampled_from(["step", "epoch"]), unit=st.sampled_from(["step", "epoch"]),
       resumed=st.sampled_from(["", ",last_epoch=5", ",last_epoch=1e9", ",last_epoch=1e15"]),
       command=st.sampled_from(["table", "plot", "compare"]))
def test_units_and_resumes_are_bounded(spe, interval, unit, resumed, command):
    """Epochs shown in steps, a resumed schedule beside a fresh one: what they would expand to is checked first."""
    argv = (command, f"step:step_size=2{resumed}", "cosine:T_max=3", "--steps", "5", "--steps-per-epoch", spe,
            "--interval", interval, "--unit", unit, *(("--terminal",) if command != "table" else ()))
    with empty_directory() as root:
        code, out, err, exception = run(*argv)
        assert code in (0, 2), f"{argv!r}: {exception!r}\n{err}"
        assert "Traceback" not in err and files_in(root) == set()


csv_bytes = st.one_of(
    st.binary(max_size=300),
    st.lists(st.sampled_from(["loss", "1", "0.5", "", ",", "\ufeff", "\x00", "x" * 70_000, "\r", '"', "nan", "9" * 400]),
             max_size=12).map(lambda parts: ("loss\n" + "\n".join(parts)).encode("utf-8")),
)


@FUZZ
@given(content=csv_bytes, bom=st.booleans(), column=st.sampled_from(["loss", "0", "1", "nope"]))
def test_metrics_files(content, bom, column):
    """Any bytes in a metrics CSV (a BOM, NUL, long lines, bad numbers): a table, or one line."""
    with empty_directory() as root:
        (root / "m.csv").write_bytes((b"\xef\xbb\xbf" if bom else b"") + content)
        argv = ("table", "plateau:patience=0", "--metrics", f"m.csv:{column}", "--steps", "3")
        assert_clean_outcome(argv, *run(*argv))
        assert files_in(root) == {"m.csv"}
