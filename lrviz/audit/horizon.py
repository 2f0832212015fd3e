"""A different horizon: the run's scheduler had another ``T_max`` / ``num_training_steps`` / ``epochs``...

Every whole-number horizon argument of the spec (nested schedulers included) is tried with other
values: first those a known slip gives (times or divided by steps_per_epoch, grad_accum, devices,
2..16; off by one or two; the log's length), then the value a bisection finds where the lr at
the first differing point crosses the logged one (a horizon past that point moves it one way),
each verified by re-running the scheduler with it on the whole log.

>>> from lrviz.spec import parse_inline
>>> [(label(p), v) for p, v in horizon_args(parse_inline("sequential:schedulers=[linear(total_iters=5),cosine(T_max=95)],milestones=[5]"))]
[('schedulers[0].total_iters', 5), ('schedulers[1].T_max', 95)]
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Iterator

from ..spec import SchedulerSpec, parse_call
from .search import Candidate

if TYPE_CHECKING:
    from .search import Search

#: arguments that size a schedule (torch, Hugging Face, timm)
HORIZON_ARGS = ("T_max", "T_0", "total_iters", "total_steps", "epochs", "steps_per_epoch", "step_size",
                "num_training_steps", "num_warmup_steps", "num_decay_steps", "num_stable_steps",
                "t_initial", "warmup_t", "decay_t")
#: values tried per argument before the bisection, at most
MAX_VALUES = 96
#: lr evaluations one bisection may make
MAX_PROBES = 64

Path = tuple  # keys and list indices from the scheduler down to the argument


def horizon_args(spec: SchedulerSpec, path: Path = ()) -> Iterator[tuple[Path, int]]:
    """``(path, value)`` of each positive whole-number horizon argument, nested schedulers included."""
    for key, value in spec.args.items():
        if key in HORIZON_ARGS and _whole(value):
            yield path + (key,), int(value)
        for i, child in enumerate(value if isinstance(value, list) else [value]):
            child = _child(child)
            if child is not None:
                yield from horizon_args(child, path + ((key, i) if isinstance(value, list) else (key,)))


def _whole(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and value == int(value) and value > 0


def _child(value: Any) -> SchedulerSpec | None:
    """A nested scheduler: a SchedulerSpec, or inline text like ``cosine(T_max=95)``."""
    if isinstance(value, SchedulerSpec):
        return value
    if isinstance(value, str) and value.endswith(")") and "(" in value:
        try:
            return parse_call(value)
        except Exception:  # text that is not a scheduler is left alone
            return None
    return None


def label(path: Path) -> str:
    """``schedulers[1].T_max`` for the path ("schedulers", 1, "T_max")."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def with_arg(spec: SchedulerSpec, path: Path, value: int) -> SchedulerSpec:
    """A copy of ``spec`` with the argument at ``path`` set to ``value``."""
    key, *rest = path
    args = dict(spec.args)
    if not rest:
        args[key] = value
    elif isinstance(rest[0], int):
        children = list(args[key])
        children[rest[0]] = with_arg(_child(children[rest[0]]), tuple(rest[1:]), value)
        args[key] = children
    else:
        args[key] = with_arg(_child(args[key]), tuple(rest), value)
    return SchedulerSpec(spec.type, args)


def _slips(v0: int, total: int, hints) -> list[int]:
    """The values a known slip turns ``v0`` into, likeliest first."""
    hinted = [k for k in (hints.steps_per_epoch, hints.grad_accum, hints.devices) if k and k > 1]
    values = []
    for k in hinted + list(range(2, 17)):
        values += [v0 * k, v0 // k, -(-v0 // k)]
    values += [v0 - 1, v0 + 1, v0 - 2, v0 + 2, total, total - 1, total + 1]
    return [v for v in dict.fromkeys(values) if v > 0 and v != v0][:MAX_VALUES]


#: (hint, what v0 x hint means, what v0 / hint means)
RELATIONS = (
    ("steps_per_epoch", "one counts epochs, the other optimizer steps", "one counts epochs, the other optimizer steps"),
    ("grad_accum", "counted in micro-batches, not optimizer steps", "gradient accumulation counted twice"),
    ("devices", "counted over every process's batches", "sized from one process's share of the batches"),
)


def _why(v: int, v0: int, hints) -> str:
    """`` (= 24 / grad_accum 2: gradient accumulation counted twice)``: what turns ``v0`` into ``v``,
    when a hint explains it."""
    for name, times, divided in RELATIONS:
        k = getattr(hints, name)
        if k and k > 1 and v == v0 * k:
            return f" (= {v0} x {name} {k}: {times})"
        if k and k > 1 and v in (v0 // k, -(-v0 // k)):
            return f" (= {v0} / {name} {k}: {divided})"
    return ""


def other_horizon(search: Search) -> Iterator[Candidate]:
    spec = search.spec
    for path, v0 in horizon_args(spec.scheduler):
        name = label(path)

        def candidate(v: int, name=name, path=path, v0=v0) -> Candidate:
            changed = dataclasses.replace(spec, scheduler=with_arg(spec.scheduler, path, v))
            return Candidate(
                "horizon", f"the run's scheduler had {name}={v} where the spec says {v0}{_why(v, v0, search.hints)}",
                f"build the run's scheduler with {name}={v0} (or, if the run was right, put {name}={v} in the spec)",
                {"argument": name, "value": v, "spec_value": v0},
                lambda rows: search.simulate(changed, rows))

        tried = set()
        for v in _slips(v0, search.total, search.hints):
            tried.add(v)
            yield candidate(v)
        for v in _bisect(search, path, v0):
            if v not in tried and v != v0:
                tried.add(v)
                yield candidate(v)


def _bisect(search: Search, path: Path, v0: int) -> list[int]:
    """Values around where the lr at the first differing point, as a function of the argument,
    crosses the logged value; [] when it does not cross between the point and a generous bound."""
    from ..errors import LrvizError

    step, wanted = search.probe
    at = step - search.start

    def side(v: int) -> int:
        changed = dataclasses.replace(search.spec, scheduler=with_arg(search.spec.scheduler, path, v))
        got = float(search.simulate(changed, at + 1)[at])
        return 0 if abs(got - wanted) <= search.rtol * abs(got) else (1 if got > wanted else -1)

    lo, hi = at + 1, max(4 * v0, 4 * search.total, 64)
    try:
        low, high = side(lo), side(hi)
        if low == 0 or high == 0:
            return [lo if low == 0 else hi]
        if low == high:
            return []
        for _ in range(MAX_PROBES):
            if hi - lo <= 1:
                break
            mid = (lo + hi) // 2
            here = side(mid)
            if here == 0:
                return [mid, mid - 1, mid + 1]
            lo, hi = (mid, hi) if here == low else (lo, mid)
    except LrvizError:
        return []
    return [lo, hi]
