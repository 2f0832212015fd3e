"""What torch's documentation asks of some arguments but its code does not check.

Breaking one of these gives a curve without meaning, so lrviz refuses it before building:

- ``MultiStepLR``: milestones "must be increasing"; ``SequentialLR`` looks its milestones up
  with ``bisect``, so out-of-order ones switch schedulers at the wrong steps;
- ``CyclicLR`` and ``OneCycleLR``: ``base_*`` is the lower boundary of the cycle and ``max_*``
  the upper one (for the lr and the momentum), in every param group (each may be one value, or a
  list of one per group: lrviz.pergroup).

Everything else torch accepts is shown as torch computes it; a negative or non-finite lr is
refused after simulation (``simulate.refuse_unusable``), and torch's own errors are reported
with torch's message.

>>> check("MultiStepLR", {"milestones": [60, 30]})
Traceback (most recent call last):
lrviz.errors.LrvizError: MultiStepLR: milestones must be increasing (torch's documentation), got [60, 30]
>>> check("CyclicLR", {"base_lr": 0.2, "max_lr": 0.1})
Traceback (most recent call last):
lrviz.errors.LrvizError: CyclicLR: base_lr (0.2) must not exceed max_lr (0.1): base_lr is the lower boundary of the cycle, max_lr the upper
>>> check("OneCycleLR", {"base_momentum": [0.85, 0.9], "max_momentum": 0.88})
Traceback (most recent call last):
lrviz.errors.LrvizError: OneCycleLR: base_momentum (0.9) must not exceed max_momentum (0.88) in param group 1: base_momentum is the lower boundary of the cycle, max_momentum the upper
"""

from __future__ import annotations

from ..errors import LrvizError

INCREASING = {"MultiStepLR": "milestones", "SequentialLR": "milestones"}
#: (lower, upper) argument pairs, with torch's defaults for those one may leave out; momentum
#: bounds only matter when the momentum cycles (``cycle_momentum``, True by default)
BOUNDS = {
    "CyclicLR": [("base_lr", "max_lr", {}), ("base_momentum", "max_momentum", {"base_momentum": 0.8, "max_momentum": 0.9})],
    "OneCycleLR": [("base_momentum", "max_momentum", {"base_momentum": 0.85, "max_momentum": 0.95})],
}
MOMENTUM_BOUNDS = ("base_momentum", "max_momentum")


def check(name: str, kwargs: dict) -> None:
    """Refuse arguments of scheduler ``name`` that break its documented contract."""
    key = INCREASING.get(name)
    values = kwargs.get(key) if key else None
    if isinstance(values, (list, tuple)) and any(a > b for a, b in zip(values, values[1:])):
        raise LrvizError(f"{name}: {key} must be increasing (torch's documentation), got {list(values)}")
    for lower, upper, defaults in BOUNDS.get(name, []):
        low, high = kwargs.get(lower, defaults.get(lower)), kwargs.get(upper, defaults.get(upper))
        if low is None or high is None or (lower in MOMENTUM_BOUNDS and not kwargs.get("cycle_momentum", True)):
            continue
        group = _first_exceeding(low, high)
        if group is not None:
            where = "" if group < 0 else f" in param group {group}"
            raise LrvizError(f"{name}: {lower} ({_at(low, group)}) must not exceed {upper} ({_at(high, group)}){where}: "
                             f"{lower} is the lower boundary of the cycle, {upper} the upper")


def _per_group(value, groups: int) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value] * groups


def _at(value, group: int):
    """The value group ``group`` gets (-1: the only value)."""
    return value[group] if isinstance(value, (list, tuple)) else value


def _first_exceeding(low, high) -> int | None:
    """The first param group whose ``low`` is above its ``high``; -1 when neither is a per-group list
    (lists have one value per group: lrviz.pergroup checks their lengths first); None when none is."""
    lists = [v for v in (low, high) if isinstance(v, (list, tuple))]
    groups = len(lists[0]) if lists else 1
    for group, (a, b) in enumerate(zip(_per_group(low, groups), _per_group(high, groups))):
        if a > b:
            return group if lists else -1
    return None
