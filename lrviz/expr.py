"""A small, safe arithmetic evaluator for ``lr_lambda`` rules and metric streams; never ``eval``.

The text is parsed with :mod:`ast` and checked node by node *before* anything runs: numbers,
the variables the caller names (``epoch``/``step``), ``+ - * / // % **``, comparisons,
``and``/``or``/``not``, ``a if cond else b``, and a whitelist of math functions and constants.
Everything else (attributes, subscripts, strings, lambdas, comprehensions, unknown names) is
an :class:`~lrviz.errors.LrvizError`. The checked tree is turned into nested Python closures.

>>> rule = Expression("0.5 ** (epoch // 3)")
>>> [rule(epoch) for epoch in range(7)]
[1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]
>>> Expression("min(1, (step + 1) / 5) * 0.95 ** step")(2)
0.5415
>>> Expression("__import__('os')")
Traceback (most recent call last):
lrviz.errors.LrvizError: '__import__' is not allowed in an expression (functions: abs, acos, asin, atan, ceil, cos, cosh, exp, float, floor, int, log, log10, log2, max, min, pow, round, sin, sinh, sqrt, tan, tanh; constants: e, pi, tau; variables: epoch, step)
"""

from __future__ import annotations

import ast
import math
import operator
from typing import Callable

from .errors import LrvizError
from .limits import MAX_EXPRESSION_CHARS as MAX_LENGTH
from .limits import MAX_EXPRESSION_DEPTH as MAX_DEPTH
from .limits import MAX_EXPRESSION_NODES as MAX_NODES
from .limits import MAX_POWER_BITS  # ``a ** b`` on whole numbers is exact in Python and can take forever

#: name -> (function, smallest and largest number of arguments)
FUNCTIONS: dict[str, tuple[Callable, int, int]] = {
    "abs": (abs, 1, 1), "min": (min, 2, 32), "max": (max, 2, 32),
    "int": (int, 1, 1), "float": (float, 1, 1), "round": (round, 1, 1),
    "floor": (math.floor, 1, 1), "ceil": (math.ceil, 1, 1),
    "sqrt": (math.sqrt, 1, 1), "exp": (math.exp, 1, 1), "log": (math.log, 1, 2),
    "log2": (math.log2, 1, 1), "log10": (math.log10, 1, 1),
    "cos": (math.cos, 1, 1), "sin": (math.sin, 1, 1), "tan": (math.tan, 1, 1),
    "acos": (math.acos, 1, 1), "asin": (math.asin, 1, 1), "atan": (math.atan, 1, 1),
    "cosh": (math.cosh, 1, 1), "sinh": (math.sinh, 1, 1), "tanh": (math.tanh, 1, 1),
    "pow": (None, 2, 2),  # filled below: the bounded power
}
CONSTANTS = {"pi": math.pi, "e": math.e, "tau": math.tau}

_BINARY = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: None,
}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg, ast.Not: operator.not_}
_COMPARE = {
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.Eq: operator.eq, ast.NotEq: operator.ne,
}
#: what a user most likely meant by a construct the evaluator refuses
_REFUSED = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension", ast.SetComp: "a comprehension", ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator", ast.NamedExpr: "assignment (:=)", ast.Starred: "unpacking (*)",
    ast.List: "a list", ast.Tuple: "a tuple", ast.Dict: "a dict", ast.Set: "a set",
    ast.JoinedStr: "an f-string", ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield",
}


def bounded_pow(base, exponent):
    """``base ** exponent``, refusing whole-number powers too large to compute quickly.

    >>> bounded_pow(2, 10), bounded_pow(0.5, 3)
    (1024, 0.125)
    >>> bounded_pow(10, 10 ** 10)
    Traceback (most recent call last):
    ArithmeticError: 10 ** 10000000000 is too large
    """
    whole = all(isinstance(v, int) for v in (base, exponent))
    if whole and abs(base) > 1 and exponent > 0 and abs(base).bit_length() * exponent > MAX_POWER_BITS:
        raise ArithmeticError(f"{base} ** {exponent} is too large")
    return base ** exponent


FUNCTIONS["pow"] = (bounded_pow, 2, 2)
_BINARY[ast.Pow] = bounded_pow


class Expression:
    """A checked arithmetic expression of a few named variables, callable like a Python lambda.

    Called with one positional value, every variable gets it (``epoch`` and ``step`` are the
    same counter); keyword values set variables by name.
    """

    def __init__(self, text: str, variables: tuple[str, ...] = ("epoch", "step"), what: str = "expression"):
        self.text = text
        self.variables = variables
        self.what = what
        self._run = _compile(_parse(text, what), set(variables), what, text)

    def __call__(self, *value, **named):
        env = dict.fromkeys(self.variables, value[0]) if value else {}
        env.update(named)
        try:
            result = self._run(env)
        except (ArithmeticError, ValueError, TypeError) as exc:
            where = f"{self.variables[0]}={value[0]}" if value else ", ".join(f"{k}={v}" for k, v in named.items())
            raise LrvizError(f"{self.what} {self.text!r} fails at {where}: {exc}") from None
        if isinstance(result, complex):
            raise LrvizError(f"{self.what} {self.text!r} is not a real number: {result}")
        return result

    def __repr__(self) -> str:
        return self.text


def _parse(text, what: str) -> ast.AST:
    if not isinstance(text, str):
        raise LrvizError(f"{what} must be text like '0.5 ** (epoch // 3)', got {text!r}")
    if len(text) > MAX_LENGTH:
        raise LrvizError(f"{what} is {len(text)} characters long; at most {MAX_LENGTH} are allowed")
    if not text.strip():
        raise LrvizError(f"{what} is empty")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        reason = getattr(exc, "msg", None) or type(exc).__name__
        raise LrvizError(f"{what} {text!r} is not a valid expression: {reason}") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise LrvizError(f"{what} {text!r} is too complex ({len(nodes)} parts; at most {MAX_NODES})")
    return tree.body


def allowed_names(variables) -> str:
    return (f"functions: {', '.join(sorted(FUNCTIONS))}; constants: {', '.join(sorted(CONSTANTS))}; "
            f"variables: {', '.join(sorted(variables))}")


def _compile(node: ast.AST, variables: set[str], what: str, text: str, depth: int = 0):
    """Check ``node`` and return a function of the variables' environment that computes it."""
    if depth > MAX_DEPTH:
        raise LrvizError(f"{what} {text!r} is nested too deeply (at most {MAX_DEPTH} levels)")

    def sub(child):
        return _compile(child, variables, what, text, depth + 1)

    def refuse(thing: str):
        return LrvizError(f"{thing} is not allowed in an expression ({allowed_names(variables)})")

    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise refuse(f"the constant {value!r}")
        return lambda env: value
    if isinstance(node, ast.Name):
        if node.id in variables:
            name = node.id
            return lambda env: env[name]
        if node.id in CONSTANTS:
            value = CONSTANTS[node.id]
            return lambda env: value
        if node.id in FUNCTIONS:
            raise LrvizError(f"{node.id} is a function: call it, e.g. {node.id}(epoch)")
        raise refuse(repr(node.id))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        op, left, right = _BINARY[type(node.op)], sub(node.left), sub(node.right)
        return lambda env: op(left(env), right(env))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        op, operand = _UNARY[type(node.op)], sub(node.operand)
        return lambda env: op(operand(env))
    if isinstance(node, ast.Compare) and all(type(op) in _COMPARE for op in node.ops):
        return _compare([_COMPARE[type(op)] for op in node.ops], sub(node.left), [sub(c) for c in node.comparators])
    if isinstance(node, ast.BoolOp):
        parts = [sub(v) for v in node.values]
        return _bool_op(isinstance(node.op, ast.And), parts)
    if isinstance(node, ast.IfExp):
        test, body, orelse = sub(node.test), sub(node.body), sub(node.orelse)
        return lambda env: body(env) if test(env) else orelse(env)
    if isinstance(node, ast.Call):
        return _call(node, sub, refuse)
    if isinstance(node, ast.Attribute):
        target = ast.unparse(node)
        hint = f"; write {node.attr}(...) instead" if node.attr in FUNCTIONS else ""
        raise LrvizError(f"attribute access '{target}' is not allowed in an expression{hint}")
    raise refuse(_describe(node))


def _describe(node: ast.AST) -> str:
    """What a refused node is, in words: ``a lambda``, ``the operator '<<'``."""
    if type(node) in _REFUSED:
        return _REFUSED[type(node)]
    if isinstance(node, ast.Compare):
        return "the comparison " + " ".join(repr(type(op).__name__) for op in node.ops)
    op = getattr(node, "op", None)
    return f"the operator {type(op).__name__}" if op is not None else type(node).__name__


def _call(node: ast.Call, sub, refuse):
    if not isinstance(node.func, ast.Name):
        if isinstance(node.func, ast.Attribute):
            sub(node.func)  # raises the attribute message
        raise refuse("calling anything but a named function")
    name = node.func.id
    if name not in FUNCTIONS:
        raise refuse(repr(name))
    if node.keywords:
        raise refuse(f"keyword arguments to {name}()")
    function, low, high = FUNCTIONS[name]
    if not low <= len(node.args) <= high:
        count = str(low) if low == high else f"{low} to {high}"
        raise LrvizError(f"{name}() takes {count} argument{'s' if high > 1 else ''}, got {len(node.args)}")
    args = [sub(a) for a in node.args]
    return lambda env: function(*(a(env) for a in args))


def _compare(ops, left, rights):
    def run(env):
        a = left(env)
        for op, right in zip(ops, rights):
            b = right(env)
            if not op(a, b):
                return False
            a = b
        return True
    return run


def _bool_op(is_and: bool, parts):
    def run(env):
        value = None
        for part in parts:
            value = part(env)
            if bool(value) != is_and:
                return value
        return value
    return run
