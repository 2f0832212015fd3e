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

_WORDS = {"true": True, "false": False, "none": None, "null": None}
_PAIRS = {"[": "]", "(": ")", "{": "}"}


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split ``text`` on ``sep`` where it is outside brackets and quotes."""
    parts, depth, quote, start = [], [], None, 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in _PAIRS:
            depth.append(_PAIRS[ch])
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


def parse_number(text: str) -> int | float | None:
    """``text`` as an int or float, or None when it is not a number.

    >>> parse_number("20"), parse_number("1e-5"), parse_number("2.0"), parse_number("x")
    (20, 1e-05, 2.0, None)
    """
    text = text.strip()
    try:
        return int(text)
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
        return [parse_value(item) for item in split_top_level(inner)] if inner else []
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text.lower() in _WORDS:
        return _WORDS[text.lower()]
    number = parse_number(text)
    return text if number is None else number
