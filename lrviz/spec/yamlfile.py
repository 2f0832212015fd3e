"""YAML spec files, loaded safely and within limits, and ``--set`` overrides of their values.

A file holds one schedule (a mapping with ``scheduler:``) or several (``schedules: [...]``);
see the README's YAML section and ``configs/``.
"""

from __future__ import annotations

import collections.abc
from pathlib import Path

from ..errors import LrvizError
from ..limits import MAX_NESTING, MAX_PARAM_GROUPS, MAX_YAML_BYTES, MAX_YAML_NODES, check_text, check_whole_numbers
from ..literals import parse_value
from ..output import note_input
from .model import DEFAULT_LR, ScheduleSpec, SchedulerSpec
from .inline import parse_inline
from .validate import interval_name, positive_number, step_count, suggest, warmup_length

YAML_SUFFIXES = (".yaml", ".yml")
TOP_LEVEL_KEYS = (
    "name", "description", "source", "lr", "optimizer", "steps", "steps_per_epoch",
    "interval", "scheduler", "metrics", "warmup", "warmup_start", "training", "schedules",
)
OPTIMIZER_KEYS = ("type", "lr", "momentum", "param_groups", "betas", "weight_decay", "nesterov", "dampening")


def _yaml_loader():
    """PyYAML's SafeLoader that refuses duplicate keys and says why it refuses tags like ``!!python/object``."""
    import yaml

    class StrictSafeLoader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent, index):
            """PyYAML composes recursively: refuse a nesting deeper than MAX_NESTING before Python's stack runs out."""
            self.depth += 1
            try:
                if self.depth > MAX_NESTING:
                    raise yaml.composer.ComposerError(None, None, f"lists and mappings nest more than {MAX_NESTING} "
                                                      f"levels deep", self.peek_event().start_mark)
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if not isinstance(key, collections.abc.Hashable):
                    continue  # PyYAML refuses it below: "found unhashable key"
                if key in seen:
                    raise yaml.constructor.ConstructorError(None, None, f"duplicate key '{key}'", key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

        def construct_undefined(self, node):
            raise yaml.constructor.ConstructorError(
                None, None, f"tag {node.tag!r} is refused: lrviz loads YAML safely (mappings, lists, "
                f"numbers, strings, booleans and null only)", node.start_mark)

    StrictSafeLoader.add_constructor(None, StrictSafeLoader.construct_undefined)
    return StrictSafeLoader


def expanded_size(node, limit: int, sizes: dict | None = None) -> tuple[int, int]:
    """How many nodes a composed YAML node stands for once every alias is expanded (stopping past
    ``limit``), and how deep they nest; an LrvizError for an alias inside its own anchor (``&a [*a]``).

    Each node is counted once per path to it, so ``[*a, *a]`` counts ``a`` twice; shared
    nodes are measured once (memoised), so even a "billion laughs" file is measured in a moment.
    """
    sizes = {} if sizes is None else sizes
    if id(node) in sizes:
        if sizes[id(node)] is None:
            raise LrvizError(f"an alias refers to its own anchor (line {node.start_mark.line + 1}), "
                             f"so the value would contain itself forever")
        return sizes[id(node)]
    sizes[id(node)] = None  # being measured
    total, depth = 1, 0
    children = node.value if isinstance(node.value, list) else []
    for child in children:
        for part in child if isinstance(child, tuple) else (child,):  # mapping items are (key, value)
            size, below = expanded_size(part, limit, sizes)
            total, depth = total + size, max(depth, below + isinstance(part.value, list))
            if total > limit:
                break
    sizes[id(node)] = total, depth
    return total, depth


def _read_text(path: Path) -> str:
    """A spec file's text, at most ``MAX_YAML_BYTES`` of UTF-8; every problem is an LrvizError."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_YAML_BYTES + 1)
    except FileNotFoundError:
        raise LrvizError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise LrvizError(f"{path} is a directory, not a YAML file") from None
    except OSError as exc:
        raise LrvizError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_YAML_BYTES:
        raise LrvizError(f"{path} is larger than {MAX_YAML_BYTES:,} bytes: a schedule spec is a few lines of YAML")
    note_input(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LrvizError(f"{path} is not UTF-8 text (byte {exc.start} is {data[exc.start]:#04x})") from None


def read_yaml(path: str | Path):
    """Load a YAML file with the safe loader; every problem is an LrvizError."""
    import yaml

    path = Path(path)
    text = _read_text(path)
    try:
        loader = _yaml_loader()(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _check_expansion(node, path)
            data = None if node is None else loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LrvizError(f"{path}: invalid YAML{where}: {problem}") from None
    except ValueError as exc:  # a value PyYAML cannot make: a date 2001-13-45, an integer of 5,000 digits
        problem = "a whole number is larger than the largest float" if "integer string" in str(exc) else exc
        raise LrvizError(f"{path}: invalid YAML value: {problem}") from None
    check_whole_numbers(data, f"a number in {path}")  # YAML's 0x... has no length limit
    if data is None:
        raise LrvizError(f"{path} is empty: it needs at least a 'scheduler:' mapping")
    if not isinstance(data, dict):
        raise LrvizError(f"{path} must hold a mapping with a 'scheduler:' key, not a {type(data).__name__}")
    return data


def _check_expansion(node, path: Path) -> None:
    """Refuse a document whose aliases expand past MAX_YAML_NODES values or MAX_NESTING levels."""
    try:
        size, depth = expanded_size(node, MAX_YAML_NODES)
    except LrvizError as exc:
        raise LrvizError(f"{path}: {exc}") from None
    if size > MAX_YAML_NODES:
        raise LrvizError(f"{path} expands to more than {MAX_YAML_NODES:,} values through its "
                         f"anchors and aliases (&name / *name): refusing it")
    if depth > MAX_NESTING:
        raise LrvizError(f"{path}: lists and mappings nest more than {MAX_NESTING} levels deep once its "
                         f"aliases (*name) are expanded")


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
    """A ``scheduler:`` mapping (``type`` plus arguments; nested mappings for composites)."""
    if isinstance(node, str):
        return parse_inline(node)
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
    return SchedulerSpec(str(node["type"]), args)


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


def load_yaml_specs(path: str | Path, sets: list[str] = ()) -> list[ScheduleSpec]:
    """Every schedule in a YAML file: one, or several under ``schedules:``."""
    path = Path(path)
    data = read_yaml(path)
    for assignment in sets:
        apply_set(data, assignment)
    if "schedules" not in data:
        return [_relative_to(path, spec_from_mapping(data, path.stem, str(path)))]
    items = data["schedules"]
    if not isinstance(items, list) or not items:
        raise LrvizError(f"'schedules' in {path} must be a non-empty list of schedule mappings")
    shared = {k: v for k, v in data.items() if k not in ("schedules", "name", "description", "source")}
    specs = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise LrvizError(f"schedules[{i}] in {path} must be a mapping, not a {type(item).__name__}")
        specs.append(_relative_to(path, spec_from_mapping({**shared, **item}, f"{path.stem}[{i}]", f"schedules[{i}] of {path}")))
    return specs


def _relative_to(path: Path, spec: ScheduleSpec) -> ScheduleSpec:
    """A metrics file named in a YAML file is found relative to that file."""
    metrics = spec.metrics
    if isinstance(metrics, dict) and isinstance(metrics.get("file"), str) and not Path(metrics["file"]).is_absolute():
        spec.metrics = {**metrics, "file": str(path.parent / metrics["file"])}
    return spec
