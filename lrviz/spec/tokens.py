"""The command line's SPEC tokens: which are YAML files, which inline specs, which a name and its flags.

A token is a YAML file when it looks like a path (a ``.yaml``/``.yml`` suffix or a path
separator), or names an existing file that no scheduler is named like; when both readings are
possible (a file called ``exp``), it is refused rather than guessed. A name followed by flags
(``cosine --T_max 20``) means ``--sched cosine --T_max 20``.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import LrvizError
from ..usercode import is_reference
from .inline import as_flags, parse_flags, parse_inline, split_inline
from .model import ScheduleSpec, inline_text
from .yamlfile import YAML_SUFFIXES, load_yaml_specs, with_metrics


def is_existing_file(token: str | Path) -> bool:
    """Does ``token`` name a file? False, not an error, for text that cannot be a path (too long, a NUL byte)."""
    try:
        return Path(token).is_file()
    except (OSError, ValueError):
        return False


def looks_like_path(token: str) -> bool:
    """Is this SPEC token written as a file: a YAML suffix, or a path separator in a token that is
    neither an inline spec with arguments (``lambda:lr_lambda=1/(epoch+1)``) nor a reference to code
    (``path/to/my.py:MyLR``)?

    >>> looks_like_path("configs/a.yaml"), looks_like_path("./exp"), looks_like_path("exp")
    (True, True, False)
    >>> looks_like_path("lambda:lr_lambda=1 / (epoch + 1)"), looks_like_path("tests/my_lr.py:MyLR")
    (False, False)
    """
    if token.lower().endswith(YAML_SUFFIXES):
        return True
    if "=" in token or is_reference(token):
        return False
    return "/" in token or os.sep in token


def _names_a_scheduler(token: str) -> bool:
    """Could the inline reading of ``token`` name a scheduler? Decided from the catalog's facts, and
    without running code: a reference (``mod:Cls``, ``my.py:Cls``) could, so it counts as one."""
    from ..catalog import find

    try:
        name, _ = split_inline(token)
        if not is_reference(name):
            find(name)
    except LrvizError:
        return False
    return True


def is_yaml_token(token: str) -> bool:
    """Is ``token`` a YAML file to read rather than an inline spec? An LrvizError when it could be both."""
    if looks_like_path(token):
        return True
    if not is_existing_file(token):
        return False
    if _names_a_scheduler(token):
        name, arg_text = split_inline(token)
        scheduler = f"--sched {name} {as_flags(arg_text)}".rstrip()
        raise LrvizError(f"'{token}' names both a file here and a scheduler: write ./{token} to read the file, "
                         f"or {scheduler} for the scheduler")
    return True


def name_then_flags(tokens: list[str]) -> bool:
    """``cosine --T_max 20``: a scheduler name (no arguments, not a file) followed by its flags."""
    first = tokens[0] if tokens else ""
    return (bool(first) and not first.startswith("-") and "=" not in first and not looks_like_path(first)
            and len(tokens) > 1 and tokens[1].startswith("--"))


def specs_from_tokens(tokens: list[str], sched: str | None = None, sets: list[str] = (),
                      trust_code: bool = False) -> list[ScheduleSpec]:
    """Turn the CLI's SPEC tokens (and ``--sched`` flags) into ScheduleSpecs, in order. Code named in a
    token runs (the user typed it); code named in a YAML file only with ``trust_code``."""
    if sched is None and name_then_flags(tokens):
        sched, tokens = tokens[0], tokens[1:]
    if sched is not None:
        scheduler, metrics = with_metrics(parse_flags(sched, tokens), None, "the flags")
        return [ScheduleSpec(scheduler, label=inline_text(scheduler), metrics=metrics)]
    flags = [t for t in tokens if t.startswith("-")]
    if flags:
        raise LrvizError(f"{flags[0]} looks like a scheduler argument, but no scheduler name comes before it: "
                         f"write NAME {flags[0]} VALUE (or --sched NAME)")
    specs: list[ScheduleSpec] = []
    for token in tokens:
        if is_yaml_token(token):
            specs.extend(load_yaml_specs(token, sets, trust_code=trust_code))
        else:
            if sets:
                raise LrvizError("set applies to YAML files only; put the value in the inline spec", field="set")
            scheduler, metrics = with_metrics(parse_inline(token), None, token)
            specs.append(ScheduleSpec(scheduler, label=token, metrics=metrics))
    if not specs:
        raise LrvizError("no schedule given: pass a SPEC (e.g. cosine:T_max=20, a YAML file) or a name and its flags")
    return specs
