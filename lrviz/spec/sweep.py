"""Families of schedules: sweeps (one spec, an argument taking several values) and unique labels.

>>> from lrviz.spec.tokens import specs_from_tokens
>>> family = expand(specs_from_tokens(["step:step_size=10"]), [parse_sweep("gamma=0.1,0.5")])
>>> [(s.label, s.scheduler.args) for s in family]
[('step:step_size=10 gamma=0.1', {'step_size': 10, 'gamma': 0.1}), ('step:step_size=10 gamma=0.5', {'step_size': 10, 'gamma': 0.5})]
"""

from __future__ import annotations

import copy
import itertools
import math
from dataclasses import dataclass
from typing import Sequence

from ..errors import LrvizError
from ..limits import MAX_LABEL_CHARS, MAX_SCHEDULES, check_count, check_recorded
from ..literals import parse_value, split_top_level
from ..notices import one_line
from .inline import parse_inline
from .model import ScheduleSpec, SchedulerSpec, inline_text
from .validate import positive_number

#: sweep keys that are ScheduleSpec fields; any other key is a scheduler argument
SPEC_FIELDS = {"lr": {}, "steps": {"integer": True}}


@dataclass(frozen=True)
class Sweep:
    """One swept key and its values, in the order given."""

    key: str
    values: tuple

    def labels(self) -> list[str]:
        return [f"{self.key}={_show(v)}" for v in self.values]


def _show(value) -> str:
    if isinstance(value, list):
        return "[" + ",".join(_show(v) for v in value) + "]"
    return str(value)


def parse_sweep(text: str) -> Sweep:
    """``gamma=0.1,0.5,0.9`` (a scheduler argument, ``lr``, ``steps``, or a nested
    ``schedulers.1.T_max``) into a Sweep.

    >>> parse_sweep("milestones=[10,20],[30]").values
    ([10, 20], [30])
    """
    key, eq, values_text = text.partition("=")
    key = key.strip()
    if not eq or not key or not all(part.isidentifier() or part.isdigit() for part in key.split(".")):
        raise LrvizError(f"sweep {text!r}: expected key=value,value,..., e.g. gamma=0.1,0.5,0.9", field="sweep")
    values = tuple(parse_value(v) for v in split_top_level(values_text) if v.strip())
    if not values:
        raise LrvizError(f"sweep {key} needs at least one value, e.g. {key}=0.1,0.5", field="sweep")
    return Sweep(key, values)


def _has_default_label(spec: ScheduleSpec) -> bool:
    """Is the label just the inline text of the scheduler (so it should show the swept value instead)?"""
    try:
        return parse_inline(spec.label) == spec.scheduler
    except LrvizError:
        return False


def _set_argument(scheduler: SchedulerSpec, key: str, value) -> None:
    """Set ``key`` (dotted through nested schedulers, e.g. ``schedulers.1.T_max``) in place."""
    *parents, last = key.split(".")
    node = scheduler
    for part in parents:
        if isinstance(node, SchedulerSpec) and part in node.args:
            node = node.args[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise LrvizError(f"sweep {key}: no nested scheduler at '{part}'", field="sweep")
    if not isinstance(node, SchedulerSpec):
        raise LrvizError(f"sweep {key}: '{last}' must name an argument of a scheduler", field="sweep")
    node.args[last] = value


def apply(spec: ScheduleSpec, key: str, value) -> ScheduleSpec:
    """A copy of ``spec`` with ``key`` set to ``value``."""
    if key in SPEC_FIELDS:
        return spec.with_overrides(**{key: positive_number(value, f"sweep {key}", **SPEC_FIELDS[key], field="sweep")})
    scheduler = copy.deepcopy(spec.scheduler)
    _set_argument(scheduler, key, value)
    return spec.with_overrides(scheduler=scheduler)


def _base_label(spec: ScheduleSpec, sweeps: Sequence[Sweep]) -> str:
    if not _has_default_label(spec):
        return spec.label
    swept = {s.key for s in sweeps}
    shown = SchedulerSpec(spec.scheduler.type, {k: v for k, v in spec.scheduler.args.items() if k not in swept})
    return inline_text(shown)


def expand(specs: Sequence[ScheduleSpec], sweeps: Sequence[Sweep]) -> list[ScheduleSpec]:
    """Every spec with every combination of the swept values, labelled ``<label> key=value``; at
    most MAX_SCHEDULES of them, counted before any is made."""
    count = len(specs) * math.prod(len(s.values) for s in sweeps)
    check_count(count, MAX_SCHEDULES, "schedules", f"{len(specs):,} spec{'s' * (len(specs) != 1)}"
                + "".join(f" x {len(s.values):,} values of {s.key}" for s in sweeps))
    family = _family(specs, sweeps) if sweeps else list(specs)
    known = sum(s.steps * max(1, len(s.param_groups)) for s in family if s.steps)
    check_recorded(known, f"{len(family):,} schedule{'s' * (len(family) != 1)} of the steps given")
    return family


def _family(specs: Sequence[ScheduleSpec], sweeps: Sequence[Sweep]) -> list[ScheduleSpec]:
    keys = [s.key for s in sweeps]
    repeated = next((k for k in keys if keys.count(k) > 1), None)
    if repeated:
        raise LrvizError(f"sweep {repeated} is given twice; list all its values in one sweep", field="sweep")
    family = []
    for spec in specs:
        base = _base_label(spec, sweeps)
        for combination in itertools.product(*(zip(s.values, s.labels()) for s in sweeps)):
            member = spec
            for sweep, (value, _) in zip(sweeps, combination):
                member = apply(member, sweep.key, value)
            member.label = " ".join([base, *(shown for _, shown in combination)])
            family.append(member)
    return family


def shown_label(spec: ScheduleSpec) -> str:
    r"""The label as it can be shown: control characters (newlines, terminal escapes) written as
    Python writes them, and at most MAX_LABEL_CHARS long (a label made from a long inline spec is
    shortened; one the user writes, ``name:`` or ``label``, is refused where it is read).

    >>> shown_label(ScheduleSpec(SchedulerSpec("cosine"), label="a\x1b[2Jb"))
    'a\\x1b[2Jb'
    """
    label = one_line(spec.label)
    return label if len(label) <= MAX_LABEL_CHARS else label[:MAX_LABEL_CHARS - 1] + "…"


def with_unique_labels(specs: list[ScheduleSpec]) -> list[ScheduleSpec]:
    """The specs with labels that can be shown (:func:`shown_label`), repeated ones made unique,
    in order: ``a``, ``a #2``, ``a #3``.

    >>> a = ScheduleSpec(SchedulerSpec("cosine"), label="a")
    >>> [s.label for s in with_unique_labels([a, a, a])]
    ['a', 'a #2', 'a #3']
    """
    taken: set[str] = set()
    unique = []
    for spec in specs:
        shown = shown_label(spec)
        label, n = shown, 1
        while label in taken:
            n += 1
            label = f"{shown} #{n}"
        taken.add(label)
        unique.append(spec if label == spec.label else spec.with_overrides(label=label))
    return unique
