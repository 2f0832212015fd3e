"""The safe expression evaluator: equal to the same Python lambda, and every hostile text refused before it runs."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.optim import lr_scheduler

import lrviz
from conftest import torch_loop
from lrviz.errors import LrvizError
from lrviz.expr import FUNCTIONS, MAX_LENGTH, Expression

# ------------------------------------------------------------------ equal to Python

#: what Python itself evaluates the generated text with: the same names, nothing else
PYTHON_NAMES = {"__builtins__": {}, **{name: f for name, (f, _, _) in FUNCTIONS.items()}, "pi": math.pi, "e": math.e}
PYTHON_NAMES["pow"] = pow


def python_lambda(text: str):
    return eval(f"lambda epoch: {text}", dict(PYTHON_NAMES))  # noqa: S307 - the reference, in the test only


numbers = st.one_of(st.integers(0, 9), st.sampled_from(["0.5", "0.95", "1e-3", "2.0", "pi"]))
atoms = st.one_of(numbers.map(str), st.just("epoch"))


def combine(children):
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "//", "%", "**"]), children).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})")
    call = st.tuples(st.sampled_from(["cos", "sin", "exp", "abs", "floor", "ceil", "sqrt", "tanh"]), children).map(
        lambda t: f"{t[0]}({t[1]})")
    pair = st.tuples(st.sampled_from(["min", "max"]), children, children).map(lambda t: f"{t[0]}({t[1]}, {t[2]})")
    cond = st.tuples(children, st.sampled_from(["<", "<=", "==", "!="]), children, children, children).map(
        lambda t: f"({t[3]} if {t[0]} {t[1]} {t[2]} else {t[4]})")
    return st.one_of(binary, call, pair, cond)


expressions = st.recursive(atoms, combine, max_leaves=8)


def outcome(function, epoch):
    try:
        return ("value", function(epoch))
    except LrvizError as exc:
        # whole-number powers beyond MAX_POWER_BITS are refused on purpose, even where Python would compute them
        return ("refused" if "too large" in str(exc) else "error", None)
    except (ArithmeticError, ValueError, TypeError):
        return ("error", None)


@settings(max_examples=300, deadline=None)
@given(expressions, st.integers(0, 50))
def test_expression_equals_the_same_python_lambda(text, epoch):
    ours = outcome(Expression(text), epoch)
    if ours[0] == "refused":
        return  # and Python would take as long as it likes
    python = outcome(python_lambda(text), epoch)
    if python[0] == "value" and isinstance(python[1], complex):
        assert ours[0] == "error"
    elif ours[0] == "value" and python[0] == "value" and isinstance(python[1], float) and math.isnan(python[1]):
        assert math.isnan(ours[1])
    else:
        assert ours == python


SCHEDULES = ["0.5 ** (epoch // 3)", "min(1, (epoch + 1) / 5) * 0.95 ** epoch", "0.95 ** epoch", "epoch // 30",
             "0.5 * (1 + cos(pi * epoch / 20)) if epoch < 20 else 0.01", "max(0.1, 1 - epoch / 40)"]


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(SCHEDULES), st.sampled_from(["LambdaLR", "MultiplicativeLR"]), st.integers(1, 60),
       st.floats(1e-4, 10))
def test_lambda_schedule_equals_torch_with_the_python_lambda(text, name, steps, lr):
    trace = lrviz.simulate(f"{name}:lr_lambda={text}", steps=steps, lr=lr)
    expected = torch_loop(getattr(lr_scheduler, name), {"lr_lambda": python_lambda(text)}, steps, lr=lr)[0]
    assert np.array_equal(trace.lr, expected)


def test_step_is_the_same_counter_as_epoch():
    assert [Expression("step * 2")(n) for n in range(3)] == [Expression("epoch * 2")(n) for n in range(3)]


def test_expression_shows_as_its_text():
    assert repr(Expression("0.5 ** epoch")) == "0.5 ** epoch"
    assert lrviz.simulate("lambda:lr_lambda=0.5 ** epoch", steps=2).title == "LambdaLR(lr_lambda=0.5 ** epoch)"


# ------------------------------------------------------------------ hostile texts

HOSTILE = [
    "__import__('os').system('echo pwned')",
    "__import__",
    "open('/etc/passwd')",
    "eval('1')",
    "exec('x=1')",
    "epoch.__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "math.pow(2, 3)",
    "[1, 2][0]",
    "epoch[0]",
    "lambda: 1",
    "[x for x in range(3)]",
    "(x for x in range(3))",
    "{1: 2}",
    "{1, 2}",
    "(1, 2)",
    "'text'",
    "b'bytes'",
    "f'{epoch}'",
    "(y := 3)",
    "globals()",
    "getattr(epoch, 'real')",
    "print(1)",
    "range(10)",
    "epoch if True else 1",
    "None",
    "1j",
    "epoch << 2",
    "epoch & 1",
    "~epoch",
    "epoch @ epoch",
    "epoch in [1]",
    "epoch is 1",
    "cos",
    "min(1)",
    "cos(1, 2)",
    "cos(x=1)",
    "min(*[1, 2])",
    "undefined_name + 1",
    "x = 1",
    "import os",
    "1 +",
    "",
    "   ",
    "\x00",
    "(" * 240 + "1" + ")" * 240,
    "-" * 300 + "1",
    "1 + " * 120 + "1",
    "1" * (MAX_LENGTH + 1),
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_expression_is_refused_before_running(text):
    with pytest.raises(LrvizError):
        Expression(text)


@pytest.mark.parametrize("text", HOSTILE[:20], ids=range(20))
def test_hostile_expression_is_a_one_line_usage_error(cli, text):
    code, out, err = cli("table", "--sched", "lambda", "--lr_lambda", text, "--steps", 3)
    assert code == 2
    assert out == ""
    assert err.startswith("lrviz: error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_attribute_error_suggests_the_plain_function():
    with pytest.raises(LrvizError, match=r"attribute access 'math.pow' is not allowed.*write pow\(\.\.\.\)"):
        Expression("math.pow(0.5, epoch)")


def test_unknown_name_lists_what_is_allowed():
    with pytest.raises(LrvizError, match=r"'epohc' is not allowed.*functions: abs.*variables: epoch, step"):
        Expression("0.5 ** epohc")


@pytest.mark.parametrize("text", ["10 ** 10 ** 10", "pow(9, 10 ** 8)", "2 ** 100000", "(-7) ** 99999"])
def test_huge_powers_fail_fast(text):
    started = time.monotonic()
    with pytest.raises(LrvizError, match="too large"):
        Expression(text)(0)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(("text", "message"), [
    ("1 / epoch", "division by zero"),
    ("log(epoch)", "math domain error"),
    ("exp(1000 + epoch)", "range"),
    ("(-1) ** 0.5 + epoch", "not a real number"),
])
def test_arithmetic_errors_name_the_expression_and_the_epoch(text, message):
    with pytest.raises(LrvizError, match=message) as info:
        Expression(text, what="lr_lambda")(0)
    assert text in str(info.value) and "lr_lambda" in str(info.value)


def test_arithmetic_error_at_construction_is_a_usage_error(cli):
    code, out, err = cli("table", "lambda:lr_lambda=1 / epoch")
    assert code == 2 and out == ""
    assert "lr_lambda '1 / epoch' fails at epoch=0: division by zero" in err and "Traceback" not in err
