"""Schedule specs: plain, validated data parsed from flags, inline text or YAML (no torch here).

>>> parse_inline("multistep:milestones=[30,60,80],gamma=0.5")
SchedulerSpec(type='multistep', args={'milestones': [30, 60, 80], 'gamma': 0.5})
>>> parse_inline("timm:step:decay_t=5").type
'timm:step'
"""

from __future__ import annotations

import collections.abc
import dataclasses
import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import LrvizError
from .literals import parse_number, parse_value, split_top_level

DEFAULT_LR = 0.1
#: the most steps lrviz simulates: it records every one, so more would not fit in memory
MAX_STEPS = 100_000_000
#: the most nodes a YAML file may expand to through anchors and aliases (a "billion laughs" guard)
MAX_YAML_NODES = 100_000
MAX_YAML_BYTES = 1_000_000
YAML_SUFFIXES = (".yaml", ".yml")
TOP_LEVEL_KEYS = (
    "name", "description", "source", "lr", "optimizer", "steps", "steps_per_epoch",
    "interval", "scheduler", "metrics", "schedules",
)
INTERVALS = ("step", "epoch")
OPTIMIZER_KEYS = ("type", "lr", "momentum", "param_groups", "betas", "weight_decay", "nesterov", "dampening")


@dataclass
class SchedulerSpec:
    """One scheduler: its name as written and its raw arguments (nested specs for composites)."""

    type: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class ScheduleSpec:
    """Everything needed to simulate one schedule."""

    scheduler: SchedulerSpec
    label: str
    lr: float = DEFAULT_LR
    steps: int | None = None
    optimizer: str = "sgd"
    optimizer_args: dict[str, Any] = field(default_factory=dict)
    param_groups: list[dict[str, Any]] = field(default_factory=list)
    steps_per_epoch: int | None = None
    #: how often the training loop calls ``scheduler.step()``: every ``step`` or every ``epoch``
    interval: str = "step"
    metrics: Any = None
    description: str = ""
    source: str = ""

    def with_overrides(self, **changes) -> ScheduleSpec:
        """A copy with the given fields replaced where the value is not None."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


def suggest(word: str, choices) -> str:
    """A ``; did you mean 'x'?`` suffix, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def split_inline(text: str) -> tuple[str, str]:
    """Split ``name:k=v,...`` into the name and the argument text.

    The name may itself hold colons (``timm:step``, ``my_sched.py:MyLR``): it ends at the
    last colon before the first ``=``.

    >>> split_inline("hf:linear:num_warmup_steps=10")
    ('hf:linear', 'num_warmup_steps=10')
    >>> split_inline("cosine")
    ('cosine', '')
    """
    eq = text.find("=")
    if eq < 0:
        return text, ""
    colon = text.rfind(":", 0, eq)
    if colon < 0:
        raise LrvizError(f"inline spec {text!r} has arguments but no scheduler name: write name:key=value,...")
    return text[:colon], text[colon + 1:]


def parse_inline(text: str) -> SchedulerSpec:
    """Parse ``name:key=value,key=value`` into a SchedulerSpec."""
    name, arg_text = split_inline(text.strip())
    if not name:
        raise LrvizError(f"inline spec {text!r} has no scheduler name")
    args: dict[str, Any] = {}
    for item in split_top_level(arg_text) if arg_text else []:
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq or not key or not key.isidentifier():
            raise LrvizError(f"malformed argument {item!r} in inline spec {text!r}: expected key=value")
        if key in args:
            raise LrvizError(f"argument '{key}' given twice in {text!r}")
        args[key] = parse_value(value)
    return SchedulerSpec(name, args)


def parse_call(text: str) -> SchedulerSpec:
    """A scheduler nested in an inline spec: ``name(key=value,...)``, or ``name:key=value``.

    >>> parse_call("linear(start_factor=0.1,total_iters=5)")
    SchedulerSpec(type='linear', args={'start_factor': 0.1, 'total_iters': 5})
    """
    text = text.strip()
    name, paren, inner = text.partition("(")
    if paren and text.endswith(")"):
        inner = inner[:-1].strip()
        return parse_inline(f"{name}:{inner}" if inner else name)
    return parse_inline(text)


def parse_flags(sched: str, tokens: list[str]) -> SchedulerSpec:
    """Parse ``--key value`` / ``--key=value`` tokens as the arguments of scheduler ``sched``."""
    args: dict[str, Any] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token.startswith("--") or len(token) == 2:
            raise LrvizError(f"unexpected {token!r}: scheduler arguments are written --name value")
        key, eq, value = token[2:].partition("=")
        if not eq:
            if i + 1 >= len(tokens) or tokens[i + 1].startswith("--"):
                raise LrvizError(f"--{key} needs a value, e.g. --{key} 10")
            value = tokens[i + 1]
            i += 1
        if key in args:
            raise LrvizError(f"argument '{key}' given twice")
        args[key] = parse_value(value)
        i += 1
    return SchedulerSpec(sched, args)


def inline_text(spec: SchedulerSpec) -> str:
    """The inline form of a spec, used as its default label.

    >>> inline_text(SchedulerSpec("cosine", {"T_max": 20, "eta_min": 1e-05}))
    'cosine:T_max=20,eta_min=1e-05'
    """
    def show(value):
        if isinstance(value, list):
            return "[" + ",".join(show(v) for v in value) + "]"
        if isinstance(value, SchedulerSpec):
            return inline_text(value)
        return str(value)

    if not spec.args:
        return spec.type
    return spec.type + ":" + ",".join(f"{k}={show(v)}" for k, v in spec.args.items())


def interval_name(value, what: str) -> str:
    """``step`` or ``epoch``: how often the loop calls ``scheduler.step()`` (also the units rows can be shown in)."""
    if value not in INTERVALS:
        raise LrvizError(f"{what} must be one of {', '.join(INTERVALS)}, got {value!r}")
    return value


def positive_number(value, what: str, *, integer: bool = False, allow_zero: bool = False):
    """Validate a user-given lr, step count or similar; returns it as int or float."""
    number = parse_number(value) if isinstance(value, str) else value
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        raise LrvizError(f"{what} must be a number, got {value!r}")
    if not math.isfinite(number):
        raise LrvizError(f"{what} must be finite, got {value!r}")
    if number < 0 or (number == 0 and not allow_zero):
        raise LrvizError(f"{what} must be {'>= 0' if allow_zero else '> 0'}, got {value!r}")
    if integer:
        if number != int(number):
            raise LrvizError(f"{what} must be a whole number, got {value!r}")
        return int(number)
    return float(number)


def step_count(value, what: str = "steps") -> int:
    """A user-given number of steps: a whole number from 1 to ``MAX_STEPS``, checked before any work.

    >>> step_count("1e3")
    1000
    >>> step_count("1e12", "--steps")
    Traceback (most recent call last):
    lrviz.errors.LrvizError: --steps must be at most 100,000,000 (lrviz records every step), got 1,000,000,000,000
    """
    steps = positive_number(value, what, integer=True)
    if steps > MAX_STEPS:
        raise LrvizError(f"{what} must be at most {MAX_STEPS:,} (lrviz records every step), got {steps:,}")
    return steps


# ---------------------------------------------------------------- YAML

def _yaml_loader():
    """PyYAML's SafeLoader that refuses duplicate keys and says why it refuses tags like ``!!python/object``."""
    import yaml

    class StrictSafeLoader(yaml.SafeLoader):
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


def expanded_size(node, limit: int, sizes: dict | None = None) -> int:
    """How many nodes a composed YAML node stands for once every alias is expanded, stopping past ``limit``.

    Each node is counted once per path to it, so ``[*a, *a]`` counts ``a`` twice; shared
    nodes are measured once (memoised), so even a "billion laughs" file is measured in a moment.
    """
    sizes = {} if sizes is None else sizes
    if id(node) in sizes:
        return sizes[id(node)]
    total = 1
    children = node.value if isinstance(node.value, list) else []
    for child in children:
        for part in child if isinstance(child, tuple) else (child,):  # mapping items are (key, value)
            total += expanded_size(part, limit, sizes)
            if total > limit:
                break
    sizes[id(node)] = total
    return total


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
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LrvizError(f"{path} is not UTF-8 text (byte {exc.start} is {data[exc.start]:#04x})") from None


def is_existing_file(token: str) -> bool:
    """Does ``token`` name a file? False, not an error, for text that cannot be a path (too long, a NUL byte)."""
    try:
        return Path(token).is_file()
    except (OSError, ValueError):
        return False


def read_yaml(path: str | Path):
    """Load a YAML file with the safe loader; every problem is an LrvizError."""
    import yaml

    path = Path(path)
    text = _read_text(path)
    try:
        loader = _yaml_loader()(text)
        try:
            node = loader.get_single_node()
            if node is not None and expanded_size(node, MAX_YAML_NODES) > MAX_YAML_NODES:
                raise LrvizError(f"{path} expands to more than {MAX_YAML_NODES:,} values through its "
                                 f"anchors and aliases (&name / *name): refusing it")
            data = None if node is None else loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LrvizError(f"{path}: invalid YAML{where}: {problem}") from None
    if data is None:
        raise LrvizError(f"{path} is empty: it needs at least a 'scheduler:' mapping")
    if not isinstance(data, dict):
        raise LrvizError(f"{path} must hold a mapping with a 'scheduler:' key, not a {type(data).__name__}")
    return data


def apply_set(data: dict, assignment: str) -> None:
    """Apply one ``--set dotted.key=value`` override to loaded YAML data, in place."""
    key, eq, value = assignment.partition("=")
    if not eq or not key:
        raise LrvizError(f"--set {assignment!r}: expected key=value, e.g. --set scheduler.T_max=50")
    *parents, last = key.split(".")
    node = data
    for part in parents:
        node = _child(node, part, key)
    if isinstance(node, list):
        node[_index(node, last, key)] = parse_value(value)
    elif isinstance(node, dict):
        node[last] = parse_value(value)
    else:
        raise LrvizError(f"--set {key}: '{last}' is inside a {type(node).__name__}, not a mapping")


def _index(node: list, part: str, key: str) -> int:
    if not part.isdigit() or int(part) >= len(node):
        raise LrvizError(f"--set {key}: '{part}' is not an index of a list of {len(node)}")
    return int(part)


def _child(node, part: str, key: str):
    if isinstance(node, list):
        return node[_index(node, part, key)]
    if isinstance(node, dict) and part in node:
        return node[part]
    raise LrvizError(f"--set {key}: no '{part}' to descend into")


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
    lr = data.get("lr", optimizer.get("lr", DEFAULT_LR))
    extra = {k: v for k, v in optimizer.items() if k not in ("type", "lr", "param_groups")}
    spec = ScheduleSpec(
        scheduler=scheduler,
        label=str(data.get("name") or default_label),
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


def looks_like_file(token: str) -> bool:
    """Is this SPEC token a YAML file (by suffix) rather than an inline spec?"""
    return token.lower().endswith(YAML_SUFFIXES)


def specs_from_tokens(tokens: list[str], sched: str | None = None, sets: list[str] = ()) -> list[ScheduleSpec]:
    """Turn the CLI's SPEC tokens (and ``--sched`` flags) into ScheduleSpecs, in order."""
    if sched is not None:
        scheduler, metrics = with_metrics(parse_flags(sched, tokens), None, "the flags")
        return [ScheduleSpec(scheduler, label=inline_text(scheduler), metrics=metrics)]
    flags = [t for t in tokens if t.startswith("-")]
    if flags:
        raise LrvizError(f"{flags[0]} looks like a scheduler argument, but no --sched NAME was given")
    specs: list[ScheduleSpec] = []
    for token in tokens:
        if looks_like_file(token) or is_existing_file(token):
            specs.extend(load_yaml_specs(token, sets))
        else:
            if sets:
                raise LrvizError("--set applies to YAML files only; put the value in the inline spec")
            scheduler, metrics = with_metrics(parse_inline(token), None, token)
            specs.append(ScheduleSpec(scheduler, label=token, metrics=metrics))
    if not specs:
        raise LrvizError("no schedule given: pass a SPEC (e.g. cosine:T_max=20, a YAML file) or --sched NAME")
    return specs

