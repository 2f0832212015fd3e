"""Arguments a scheduler takes one value per param group of, read from its constructor's code.

torch accepts a list with one value per param group wherever a constructor hands the argument
to ``_format_param`` (CyclicLR's ``base_lr``, ``max_lr``, ``base_momentum``, ``max_momentum``;
OneCycleLR's ``max_lr``, ``base_momentum``, ``max_momentum``) or compares its ``len()`` with
``len(optimizer.param_groups)`` (LambdaLR's and MultiplicativeLR's ``lr_lambda``,
ReduceLROnPlateau's ``min_lr``). The annotation does not always say so (CyclicLR's
``base_momentum: float``; torch's own tests pass lists), so lrviz reads the code, not the annotation.

>>> from torch.optim.lr_scheduler import CyclicLR
>>> sorted(per_group_args(CyclicLR))
['base_lr', 'base_momentum', 'max_lr', 'max_momentum']
>>> check_lengths("CyclicLR", {"base_momentum": [0.8, 0.85, 0.9]}, {"base_momentum"}, 2)
Traceback (most recent call last):
lrviz.errors.LrvizError: CyclicLR: base_momentum has 3 values, but it takes one per param group and the optimizer has 2 param groups
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from functools import cache

from ..errors import LrvizError

#: the torch helper that turns one value or a list of one per group into a list per group
FORMAT_HELPER = "_format_param"


@cache
def per_group_args(target) -> frozenset[str]:
    """The constructor arguments of ``target`` (a class or function) that torch takes per param group.

    Empty when the source cannot be read (a compiled-only install): lrviz then follows the annotations.
    """
    init = target.__init__ if inspect.isclass(target) else target
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(init)))
        params = set(inspect.signature(init).parameters) - {"self", "optimizer"}
    except (OSError, TypeError, ValueError, SyntaxError):
        return frozenset()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called_name(node.func) == FORMAT_HELPER and node.args:
            found.add(_name(node.args[-1]))
        elif isinstance(node, ast.Compare) and len(node.comparators) == 1:
            sides = [_len_argument(node.left), _len_argument(node.comparators[0])]
            if any(isinstance(s, ast.Attribute) and s.attr == "param_groups" for s in sides):
                found.update(_name(s) for s in sides)
    return frozenset(found & params)


def _called_name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _name(node) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


def _len_argument(node: ast.expr):
    """``x`` for ``len(x)``, else None."""
    if isinstance(node, ast.Call) and _called_name(node.func) == "len" and len(node.args) == 1:
        return node.args[0]
    return None


def check_lengths(name: str, kwargs: dict, per_group, groups: int) -> None:
    """An LrvizError when a per-group argument's list has not one value per param group."""
    for key in sorted(per_group):
        value = kwargs.get(key)
        if isinstance(value, (list, tuple)) and len(value) != groups:
            raise LrvizError(f"{name}: {key} has {len(value)} value{'s' * (len(value) != 1)}, but it takes one per "
                             f"param group and the optimizer has {groups} param group{'s' * (groups != 1)}")
