"""Which exceptions are torch (or timm, transformers, the user's code) refusing what it was given,
reported as usage errors, and which are lrviz's own bugs, left to surface with a traceback."""

from __future__ import annotations

from pathlib import Path

#: exceptions torch raises for argument combinations it refuses
REFUSALS = (ValueError, TypeError, KeyError, IndexError, ZeroDivisionError, OverflowError,
            RuntimeError, NotImplementedError, AssertionError)
_LRVIZ = Path(__file__).resolve().parents[1]
#: lrviz's modules that run what the user wrote (an ``lr_lambda`` expression): their errors are the user's
_USERS_OWN = (_LRVIZ / "expr.py",)


def raised_outside_lrviz(exc: BaseException) -> bool:
    """Was ``exc`` raised by code lrviz called (torch, a peer library, the user's code), judged by
    the innermost frame of its traceback, rather than by lrviz's own code?"""
    tb = exc.__traceback__
    if tb is None:
        return True
    while tb.tb_next is not None:
        tb = tb.tb_next
    path = Path(tb.tb_frame.f_code.co_filename).resolve()
    return path in _USERS_OWN or not path.is_relative_to(_LRVIZ)


def refused(exc: BaseException) -> bool:
    """Is ``exc`` a refusal to report as a usage error (see :func:`raised_outside_lrviz`)?"""
    return isinstance(exc, REFUSALS) and raised_outside_lrviz(exc)
