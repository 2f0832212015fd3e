"""The usage errors in a spec's scheduler and argument names, decided from the catalog's facts
(so without importing torch once the cache is warm), and the child schedulers an argument holds."""

from __future__ import annotations

from typing import Any

from ..errors import LrvizError
from ..literals import split_top_level
from ..notices import warn
from ..spec import SchedulerSpec, parse_call, scheduler_from_yaml, suggest
from ..spec.model import is_factory
from .facts import Facts
from .lookup import find

#: arguments torch deprecated, still found in tutorials (seeds 000 and 004 show ``verbose=False``)
DEPRECATED_ARGS = {"verbose": "is deprecated in torch (it printed each new lr) and ignored here: remove it"}


def without_deprecated(facts: Facts, args: dict[str, Any]) -> dict[str, Any]:
    """``args`` without the deprecated ones the scheduler does not take, each dropped with a warning."""
    dropped = [key for key in args if key in DEPRECATED_ARGS and facts.arg(key) is None]
    for key in dropped:
        warn(f"{facts.name}: '{key}' {DEPRECATED_ARGS[key]}")
    return {k: v for k, v in args.items() if k not in dropped}


def check_names(facts: Facts, args, supplied=()) -> None:
    """An LrvizError for an argument the scheduler does not take, or a required one neither in ``args``
    nor ``supplied`` by lrviz itself (a warmup's ``num_warmup_steps``); deprecated ones aside."""
    args = [key for key in args if not (key in DEPRECATED_ARGS and facts.arg(key) is None)]
    valid = [a.name for a in facts.args]
    for key in args:
        if facts.arg(key) is None:
            raise LrvizError(
                f"unknown argument '{key}' for {facts.name}{suggest(key, valid)} "
                f"(valid: {', '.join(valid) or 'none'})"
            )
    missing = [a.name for a in facts.args if a.required and a.name not in args and a.name not in supplied]
    if missing:
        raise LrvizError(f"{facts.name} needs {', '.join(missing)} (arguments: {facts.signature_text()})")


def nested_specs(facts: Facts, key: str, value):
    """The child schedulers argument ``key`` holds (SequentialLR's ``schedulers``), as SchedulerSpecs;
    None for a plain value."""
    type_text = facts.arg(key).type
    if "LRScheduler" in type_text or _holds_specs(value):
        return child_specs(value, type_text.startswith("list"), f"{facts.name}.{key}")
    return None


def _holds_specs(value) -> bool:
    return isinstance(value, SchedulerSpec) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, SchedulerSpec) for v in value)
    )


def child_specs(value, many: bool, where: str):
    """Nested schedulers as SchedulerSpecs: mappings from YAML, inline ``name(key=value,...)`` text, or
    from Python callables taking the optimizer (lrviz.spec.factory); parsed from an untrusted file's
    text, they are that file's (lrviz.usercode.Untrusted) too."""
    from ..usercode import origin_of, untrusted

    children = _child_specs(value, many, where)
    origin = origin_of(value)
    return children if origin is None else untrusted(children, origin)


def _child_specs(value, many: bool, where: str):
    if isinstance(value, str):
        parts = [parse_call(part) for part in split_top_level(value)]
        return parts if many or len(parts) > 1 else parts[0]
    if isinstance(value, list):
        return [_child_specs(v, False, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, SchedulerSpec):
        return value
    if isinstance(value, dict) or is_factory(value):
        return scheduler_from_yaml(value, where)
    raise LrvizError(f"{where} must be a list of schedulers: mappings with a 'type', "
                     f"or inline text like [linear(start_factor=0.1,total_iters=5),cosine(T_max=95)]")


def check_spec_names(spec: SchedulerSpec, supplied=()) -> None:
    """The usage errors of scheduler and argument names building ``spec`` (and its children) would
    raise, decided from the facts (a user's class, ``file.py:MyLR``, is loaded to read them);
    ``supplied``: the top scheduler's arguments lrviz fills in itself."""
    facts = find(spec.type)
    check_names(facts, spec.args, supplied)
    for key, value in spec.args.items():
        children = nested_specs(facts, key, value) if facts.arg(key) is not None else None
        for child in [children] if isinstance(children, SchedulerSpec) else children or []:
            check_spec_names(child)
