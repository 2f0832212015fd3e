"""YAML spec files (read safely and within limits by lrviz.spec.yamlload) as specs, and ``--set``
overrides of their values.

A file holds one schedule (a mapping with ``scheduler:``) or several (``schedules: [...]``);
see the README's YAML section and ``configs/``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..errors import LrvizError
from ..limits import MAX_PARAM_GROUPS, check_text
from ..literals import parse_value
from ..usercode import untrusted
from .model import DEFAULT_LR, ScheduleSpec, SchedulerFactory, SchedulerSpec, inline_text, is_factory
from .inline import parse_inline
from .validate import interval_name, positive_number, step_count, suggest, warmup_length
from .yamlload import read_yaml

YAML_SUFFIXES = (".yaml", ".yml")
TOP_LEVEL_KEYS = (
    "name", "description", "source", "lr", "optimizer", "steps", "steps_per_epoch",
    "interval", "scheduler", "metrics", "warmup", "warmup_start", "training", "schedules",
)
OPTIMIZER_KEYS = ("type", "lr", "momentum", "param_groups", "betas", "weight_decay", "nesterov", "dampening")


def apply_set(data: dict, assignment: str) -> None:
    """Apply one ``set`` override, ``dotted.key=value``, to loaded YAML data, in place."""
    key, eq, value = assignment.partition("=")
    if not eq or not key:
        raise LrvizError(f"set {assignment!r}: expected key=value, e.g. scheduler.T_max=50", field="set")
    *parents, last = key.split(".")
    node = data
    for part in parents:
        node = _child(node, part, key)
    if isinstance(node, list):
        node[_index(node, last, key)] = parse_value(value)
    elif isinstance(node, dict):
        node[last] = parse_value(value)
    else:
        raise LrvizError(f"set {key}: '{last}' is inside a {type(node).__name__}, not a mapping", field="set")


def _index(node: list, part: str, key: str) -> int:
    if not part.isdigit() or int(part) >= len(node):
        raise LrvizError(f"set {key}: '{part}' is not an index of a list of {len(node)}", field="set")
    return int(part)


def _child(node, part: str, key: str):
    if isinstance(node, list):
        return node[_index(node, part, key)]
    if isinstance(node, dict) and part in node:
        return node[part]
    raise LrvizError(f"set {key}: no '{part}' to descend into", field="set")


def scheduler_from_yaml(node, where: str) -> SchedulerSpec:
    """A ``scheduler:`` mapping (``type`` plus arguments; nested mappings for composites). From Python,
    the scheduler (or its ``type``) may also be a callable taking the optimizer (lrviz.spec.factory)."""
    if isinstance(node, str):
        return parse_inline(node)
    if is_factory(node):
        return SchedulerSpec(SchedulerFactory(node))
    if not isinstance(node, dict):
        raise LrvizError(f"{where} must be a mapping with a 'type' key, not a {type(node).__name__}")
    if "type" not in node:
        raise LrvizError(f"{where} needs a 'type' key naming the scheduler, e.g. type: cosine")
    args = {}
    for key, value in node.items():
        if key == "type":
            continue
        if isinstance(value, dict) and "type" in value:
            value = scheduler_from_yaml(value, f"{where}.{key}")
        elif isinstance(value, list) and value and all(isinstance(v, dict) and "type" in v for v in value):
            value = [scheduler_from_yaml(v, f"{where}.{key}[{i}]") for i, v in enumerate(value)]
        args[str(key)] = value
    kind = node["type"]
    return SchedulerSpec(SchedulerFactory(kind) if is_factory(kind) else str(kind), args)


def with_metrics(scheduler: SchedulerSpec, metrics, where: str):
    """``metrics`` may also be written among the scheduler's own arguments (``--metrics 1,0.5``,
    ``plateau:metrics=[...]``): it is fed to ``step()``, not to the constructor.
    Returns the scheduler without it and the metrics."""
    if "metrics" not in scheduler.args:
        return scheduler, metrics
    if metrics is not None:
        raise LrvizError(f"metrics given twice in {where}: at the top level and among the scheduler's arguments")
    args = dict(scheduler.args)
    return SchedulerSpec(scheduler.type, args), args.pop("metrics")


def _check_keys(mapping: dict, allowed, where: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise LrvizError(
                f"unknown key '{key}' in {where}{suggest(str(key), allowed)} (valid: {', '.join(allowed)})"
            )


def spec_from_mapping(data: dict, default_label: str, where: str) -> ScheduleSpec:
    """Turn one YAML schedule mapping into a ScheduleSpec."""
    _check_keys(data, TOP_LEVEL_KEYS, where)
    if "scheduler" not in data:
        raise LrvizError(f"{where} has no 'scheduler:' key (e.g. scheduler: {{type: cosine, T_max: 20}})")
    scheduler, metrics = with_metrics(scheduler_from_yaml(data["scheduler"], "scheduler"), data.get("metrics"), where)
    optimizer = data.get("optimizer") or {}
    if not isinstance(optimizer, dict):
        raise LrvizError(f"'optimizer' in {where} must be a mapping like {{type: sgd, lr: 0.1}}")
    _check_keys(optimizer, OPTIMIZER_KEYS, f"'optimizer' of {where}")
    groups = optimizer.get("param_groups") or []
    if not isinstance(groups, list) or not all(isinstance(g, dict) for g in groups):
        raise LrvizError(f"'optimizer.param_groups' in {where} must be a list of mappings like {{lr: 0.1}}")
    if len(groups) > MAX_PARAM_GROUPS:
        raise LrvizError(f"'optimizer.param_groups' in {where} has {len(groups):,} groups; at most "
                         f"{MAX_PARAM_GROUPS:,} are allowed (each is a curve)")
    lr = data.get("lr", optimizer.get("lr", DEFAULT_LR))
    extra = {k: v for k, v in optimizer.items() if k not in ("type", "lr", "param_groups")}
    spec = ScheduleSpec(
        scheduler=scheduler,
        label=check_text(str(data.get("name") or default_label), f"'name' in {where}"),
        lr=positive_number(lr, "lr"),
        optimizer=str(optimizer.get("type", "sgd")),
        optimizer_args=extra,
        param_groups=[dict(g) for g in groups],
        metrics=metrics,
        description=str(data.get("description") or ""),
        source=str(data.get("source") or ""),
    )
    if data.get("steps") is not None:
        spec.steps = step_count(data["steps"])
    if data.get("steps_per_epoch") is not None:
        spec.steps_per_epoch = positive_number(data["steps_per_epoch"], "steps_per_epoch", integer=True)
    if data.get("interval") is not None:
        spec.interval = interval_name(data["interval"], f"'interval' in {where}")
    if data.get("warmup") is not None:
        spec.warmup = warmup_length(data["warmup"])
    if data.get("warmup_start") is not None:
        spec.warmup_start = positive_number(data["warmup_start"], "warmup_start")
    if data.get("training") is not None:
        if not isinstance(data["training"], dict):
            raise LrvizError(f"'training' in {where} must be a mapping like {{runner: hf-trainer, dataset_size: 1000, "
                             f"batch_size: 8, epochs: 3}}, not a {type(data['training']).__name__}")
        spec.training = dict(data["training"])
    return spec


def load_yaml_specs(path: str | Path, sets: list[str] = (), trust_code: bool = False) -> list[ScheduleSpec]:
    """Every schedule in a YAML file: one, or several under ``schedules:``. Code the file names (a
    scheduler class, an ``lr_lambda`` function; also through ``sets``) runs only with ``trust_code``."""
    specs = _yaml_specs(Path(path), sets)
    return specs if trust_code else [dataclasses.replace(s, scheduler=untrusted(s.scheduler, str(path))) for s in specs]


def _yaml_specs(path: Path, sets: list[str]) -> list[ScheduleSpec]:
    data = read_yaml(path)
    for assignment in sets:
        apply_set(data, assignment)
    return [_relative_to(path, spec) for spec in specs_from_data(data, path.stem, str(path))]


def specs_from_data(data: dict, name: str, where: str) -> list[ScheduleSpec]:
    """The schedules of one YAML document (or a dict shaped like one): the mapping itself, or each of
    ``schedules:`` with the keys they share; one without ``name:`` is called ``name`` (``name[i]``),
    or by its inline text when ``name`` is empty."""
    if "schedules" not in data:
        return [_named(spec_from_mapping(data, name, where))]
    items = data["schedules"]
    if not isinstance(items, list) or not items:
        raise LrvizError(f"'schedules' in {where} must be a non-empty list of schedule mappings")
    shared = {k: v for k, v in data.items() if k not in ("schedules", "name", "description", "source")}
    specs = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise LrvizError(f"schedules[{i}] in {where} must be a mapping, not a {type(item).__name__}")
        specs.append(_named(spec_from_mapping({**shared, **item}, f"{name}[{i}]" if name else "",
                                              f"schedules[{i}] of {where}")))
    return specs


def _named(spec: ScheduleSpec) -> ScheduleSpec:
    if not spec.label:
        spec.label = inline_text(spec.scheduler)
    return spec


def _relative_to(path: Path, spec: ScheduleSpec) -> ScheduleSpec:
    """A metrics file named in a YAML file is found relative to that file."""
    metrics = spec.metrics
    if isinstance(metrics, dict) and isinstance(metrics.get("file"), str) and not Path(metrics["file"]).is_absolute():
        spec.metrics = {**metrics, "file": str(path.parent / metrics["file"])}
    return spec
