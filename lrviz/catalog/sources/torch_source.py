"""torch's schedulers: every class ``torch.optim.lr_scheduler`` exports, by class name or a short alias.

>>> class_name("cosine", ["CosineAnnealingLR"]), class_name("STEPLR", ["StepLR"])
('CosineAnnealingLR', 'StepLR')
>>> horizon("CosineAnnealingLR", {"T_max": 20}), horizon("OneCycleLR", {"epochs": 3, "steps_per_epoch": 10})
(21, 30)
"""

from __future__ import annotations

import inspect
from functools import cache
from typing import Iterable

from ...errors import LrvizError
from ...spec.validate import suggest
from ...usercode import is_reference
from ..introspect import Live, first_doc_line, read_args

#: short names users type; the class names themselves are always accepted too
ALIASES = {
    "step": "StepLR",
    "multistep": "MultiStepLR",
    "constant": "ConstantLR",
    "linear": "LinearLR",
    "exp": "ExponentialLR",
    "exponential": "ExponentialLR",
    "poly": "PolynomialLR",
    "polynomial": "PolynomialLR",
    "cosine": "CosineAnnealingLR",
    "cos": "CosineAnnealingLR",
    "sgdr": "CosineAnnealingWarmRestarts",
    "warm_restarts": "CosineAnnealingWarmRestarts",
    "cyclic": "CyclicLR",
    "clr": "CyclicLR",
    "onecycle": "OneCycleLR",
    "one_cycle": "OneCycleLR",
    "plateau": "ReduceLROnPlateau",
    "lambda": "LambdaLR",
    "multiplicative": "MultiplicativeLR",
    "sequential": "SequentialLR",
    "chained": "ChainedScheduler",
    "chain": "ChainedScheduler",
}


@cache
def schedulers() -> dict[str, Live]:
    """Every scheduler class ``torch.optim.lr_scheduler`` exports, keyed by class name."""
    from torch.optim import lr_scheduler

    base = lr_scheduler.LRScheduler
    found = {}
    for name in lr_scheduler.__all__:
        cls = getattr(lr_scheduler, name)
        if inspect.isclass(cls) and issubclass(cls, base) and cls is not base:
            aliases = tuple(a for a, target in ALIASES.items() if target == name)
            found[name] = Live(name, cls, read_args(cls), aliases, first_doc_line(cls))
    return found


def class_name(name: str, class_names: Iterable[str]) -> str | None:
    """The torch class a user-typed name means, decided from the names alone (cached ones, so no
    torch is imported); None for a user's class (``file.py:MyLR``); an LrvizError with a
    suggestion for anything else."""
    class_names = list(class_names)
    by_lower = {n.lower(): n for n in class_names}
    key = name.strip().lower()
    if key in ALIASES:
        return ALIASES[key]
    if key in by_lower:
        return by_lower[key]
    if ":" in name:
        prefix = name.split(":", 1)[0]
        if prefix.lower() in ALIASES or prefix.lower() in by_lower:
            raise LrvizError(f"malformed inline spec {name!r}: write {prefix}:key=value,...")
    if is_reference(name):
        return None
    choices = sorted(ALIASES) + sorted(class_names)
    raise LrvizError(
        f"unknown scheduler '{name}'{suggest(key, choices) or suggest(name, choices)} "
        f"(run 'lrviz list' to see all; e.g. cosine, step, multistep, onecycle)"
    )


def _whole(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _one_cycle(kwargs: dict) -> int | None:
    if kwargs.get("total_steps"):
        return int(kwargs["total_steps"])
    if kwargs.get("epochs") and kwargs.get("steps_per_epoch"):
        return int(kwargs["epochs"]) * int(kwargs["steps_per_epoch"])
    return None


def _cosine(kwargs: dict) -> int | None:
    """T_max + 1 rows: the cosine down to eta_min, once (after it, torch's cosine rises again)."""
    t_max = _whole(kwargs.get("T_max"))
    return abs(t_max) + 1 if t_max else None


def _sequential(kwargs: dict) -> int | None:
    """The last milestone plus the rows the last child defines (read from the built child's attributes)."""
    milestones, children = kwargs.get("milestones") or [], kwargs.get("schedulers") or []
    if not milestones or len(children) != len(milestones) + 1:
        return None
    last = children[-1]
    rest = horizon(type(last).__name__, vars(last))
    return milestones[-1] + rest if rest else None


#: the rows each schedule defines for itself (where it has an end), from its built arguments
HORIZONS = {"OneCycleLR": _one_cycle, "CosineAnnealingLR": _cosine, "SequentialLR": _sequential}


def horizon(name: str, kwargs: dict) -> int | None:
    """The rows a schedule defines for itself, where it has a natural end."""
    rule = HORIZONS.get(name)
    return rule(kwargs) if rule else None


def past_the_end(name: str, kwargs: dict, steps: int, start: int = 0) -> str | None:
    """Why the lr turns back after the schedule's end, when ``steps`` rows go past it; else None."""
    if name != "CosineAnnealingLR" or not (end := _cosine(kwargs)) or start + steps <= end:
        return None
    t_max = kwargs["T_max"]
    return (f"CosineAnnealingLR reaches eta_min at step {abs(t_max)} (T_max={t_max}) and then rises again: torch's "
            f"cosine has a period of 2*T_max. Set T_max to the run's length, or use sgdr "
            f"(CosineAnnealingWarmRestarts) for restarts")
