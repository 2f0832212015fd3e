"""Tiny literal syntax shared by inline specs, flags and ``--set``: numbers, lists, words.

>>> parse_value("[30,60,80]")
[30, 60, 80]
>>> parse_value("1e-5"), parse_value("true"), parse_value("cos")
(1e-05, True, 'cos')
>>> split_top_level("milestones=[30,60],gamma=0.5")
['milestones=[30,60]', 'gamma=0.5']
"""

from __future__ import annotations

from .errors import LrvizError
from .limits import MAX_INT_DIGITS, MAX_NESTING, check_whole_number

_WORDS = {"true": True, "false": False, "none": None, "null": None}
_PAIRS = {"[": "]", "(": ")", "{": "}"}


def split_top_level(text: str, sep: str = ",", max_depth: int | None = None) -> list[str]:
    """Split ``text`` on ``sep`` where it is outside brackets and quotes; an LrvizError when brackets
    nest deeper than ``max_depth`` (the literals and inline specs lrviz parses: MAX_NESTING)."""
    parts, depth, quote, start = [], [], None, 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in _PAIRS:
            depth.append(_PAIRS[ch])
            if max_depth is not None and len(depth) > max_depth:
                raise LrvizError(f"brackets nest more than {max_depth} levels deep in {_start(text)}")
        elif ch in ")]}":
            if not depth or depth.pop() != ch:
                raise LrvizError(f"unbalanced '{ch}' in {text!r}")
        elif ch == sep and not depth:
            parts.append(text[start:i])
            start = i + 1
    if quote:
        raise LrvizError(f"unclosed quote {quote} in {text!r}")
    if depth:
        raise LrvizError(f"unbalanced brackets in {text!r}: missing '{depth[-1]}'")
    parts.append(text[start:])
    return parts


def _start(text: str, shown: int = 60) -> str:
    """``text`` quoted, cut after ``shown`` characters: what a message about a long text quotes."""
    return repr(text) if len(text) <= shown else f"{text[:shown]!r}... ({len(text):,} characters)"


def parse_number(text: str) -> int | float | None:
    """``text`` as an int or float, or None when it is not a number; an LrvizError for a whole
    number beyond the largest float.

    >>> parse_number("20"), parse_number("1e-5"), parse_number("2.0"), parse_number("x")
    (20, 1e-05, 2.0, None)
    """
    text = text.strip()
    if text.lstrip("+-").replace("_", "").isdigit() and len(text) > MAX_INT_DIGITS + 1:
        raise LrvizError(f"the number {_start(text, 20)} has more than {MAX_INT_DIGITS} digits: it is larger "
                         f"than the largest float (about 1.8e308)")
    try:
        return check_whole_number(int(text), f"the number {_start(text, 20)}")
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def parse_value(text: str):
    """One literal: a number, ``true``/``false``/``none``, a ``[list]``, or a (quoted) word."""
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1].strip()
        return [parse_value(item) for item in split_top_level(inner, max_depth=MAX_NESTING)] if inner else []
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text.lower() in _WORDS:
        return _WORDS[text.lower()]
    number = parse_number(text)
    return text if number is None else number
