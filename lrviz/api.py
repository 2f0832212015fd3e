"""The Python API: what the command line does, as functions taking its spec options as keywords
(lrviz.spec.SpecOptions' fields), with Python values wherever the command line takes text.

>>> trace = simulate("step:step_size=2,gamma=0.5", steps=5, lr=1.0)
>>> trace.lr.tolist()
[1.0, 1.0, 0.5, 0.5, 0.25]
"""

from __future__ import annotations

import copy
import inspect
import os
from collections.abc import Mapping
from dataclasses import fields
from typing import TYPE_CHECKING, Any, Callable, ForwardRef, Sequence, TypedDict, Union

from .errors import LrvizError
from .spec import ScheduleSpec, SchedulerSpec, SpecOptions, apply_options, inline_text, specs_from_tokens, suggest
from .spec.model import SchedulerFactory, is_factory
from .spec.sweep import Sweep, expand, with_unique_labels
from .spec.yamlfile import apply_set, load_yaml_specs, specs_from_data
from .trace import Trace

if TYPE_CHECKING:
    from .render.jupyter import Comparison

#: a schedule as lrviz.simulate takes it: inline text, a YAML path, a dict shaped like the YAML,
#: a ScheduleSpec, or a callable taking the optimizer and returning a scheduler built on it
SpecLike = Union[str, "os.PathLike[str]", Mapping[str, Any], ScheduleSpec, Callable[..., Any]]


class SpecKeywords(TypedDict, total=False):
    """The keywords of :func:`simulate` and :func:`compare`: SpecOptions' fields, as Python values
    (text as on the command line works too: ``lr="1e-3"``)."""

    lr: float
    steps: int
    optimizer: str
    label: str | Sequence[str]
    set: str | Sequence[str]
    sweep: str | Sequence[str] | Mapping[str, Sequence[Any]]
    metrics: Sequence[float] | Callable[[int], float] | str | Mapping[str, Any]
    steps_per_epoch: int
    interval: str
    warmup: float
    warmup_start: float
    runner: str
    dataset_size: int
    batch_size: int
    devices: int
    grad_accum: int
    epochs: float
    max_steps: int
    drop_last: bool
    frequency: int
    split_batches: bool
    runner_version: str
    trust_code: bool


def _texts(value: Any, field: str) -> tuple[str, ...]:
    """A repeatable option's values: one text, or a list of texts."""
    items = (value,) if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(item, str) for item in items):
        raise LrvizError(f"{field} takes a text or a list of texts, got {value!r}", field=field)
    return tuple(items)


def _sweeps(value: Mapping[str, Any]) -> list[Sweep]:
    """``{"gamma": [0.1, 0.5]}``: the sweeps of a mapping, its values Python objects as they are."""
    sweeps = []
    for key, values in value.items():
        values = values.tolist() if hasattr(values, "tolist") else values
        if not isinstance(key, str) or not isinstance(values, (list, tuple)) or not values:
            raise LrvizError(f"sweep maps a key to a list of its values, e.g. {{'gamma': [0.1, 0.5]}}; "
                             f"got {key!r}: {values!r}", field="sweep")
        sweeps.append(Sweep(key, tuple(values)))
    return sweeps


def spec_options(options: Mapping[str, Any]) -> tuple[SpecOptions, list[Sweep]]:
    """The SpecOptions ``options`` (Python keywords) give, and the sweeps given as a mapping (which
    have no command-line text); an LrvizError for a keyword that is not a spec option.

    >>> options, sweeps = spec_options({"lr": 0.5, "label": "mine", "sweep": {"gamma": [0.1, 0.5]}})
    >>> options.lr, options.label, sweeps
    (0.5, ('mine',), [Sweep(key='gamma', values=(0.1, 0.5))])
    """
    names = SpecOptions.names()
    for key in options:
        if key not in names:
            raise LrvizError(f"unknown option '{key}'{suggest(key, names)} (valid: {', '.join(names)})")
    values = {key: value for key, value in options.items() if value is not None}
    sweeps = _sweeps(values.pop("sweep")) if isinstance(values.get("sweep"), Mapping) else []
    for key in ("label", "set", "sweep"):
        if key in values:
            values[key] = _texts(values[key], key)
    return SpecOptions(**values), sweeps


def _refuse_sets(sets: Sequence[str], what: str) -> None:
    if sets:
        raise LrvizError(f"set applies to YAML files and dict specs, not {what}: change the value in it", field="set")


def read_spec(spec: SpecLike, sets: Sequence[str] = (), trust_code: bool = False) -> list[ScheduleSpec]:
    """The schedules ``spec`` describes (a YAML file or a dict with ``schedules:`` gives several),
    with ``sets`` (``"scheduler.T_max=50"``) applied to a YAML file or dict; code a YAML file names
    runs only with ``trust_code``."""
    if isinstance(spec, ScheduleSpec):
        _refuse_sets(sets, "a ScheduleSpec")
        return [spec]
    if isinstance(spec, Mapping):
        data = copy.deepcopy(dict(spec)) if sets else dict(spec)
        if "type" in data and not {"scheduler", "schedules"} & set(data):
            data = {"scheduler": data}  # the scheduler's own mapping
        for assignment in sets:
            apply_set(data, assignment)
        return specs_from_data(data, "", "the dict spec")
    if isinstance(spec, os.PathLike):
        return load_yaml_specs(spec, list(sets), trust_code=trust_code)
    if isinstance(spec, str):
        return specs_from_tokens([spec], sets=list(sets), trust_code=trust_code)
    if is_factory(spec):
        _refuse_sets(sets, "a scheduler factory")
        scheduler = SchedulerSpec(SchedulerFactory(spec))
        return [ScheduleSpec(scheduler, label=inline_text(scheduler))]
    raise LrvizError(f"a spec is inline text ('cosine:T_max=20'), a YAML file's path, a dict shaped like the YAML, "
                     f"a ScheduleSpec or a function taking the optimizer; got a {type(spec).__name__}")


def load_specs(*specs: SpecLike, **options: Any) -> list[ScheduleSpec]:
    """The ScheduleSpecs ``specs`` describe, in order, with ``options`` (SpecOptions' fields) applied,
    swept, and their labels made unique, as the command line loads its SPECs."""
    opts, sweeps = spec_options(options)
    if not specs:
        raise LrvizError("no schedule given: pass a spec, e.g. 'cosine:T_max=20', a YAML file's path or a dict")
    loaded = apply_options([s for spec in specs for s in read_spec(spec, opts.set, bool(opts.trust_code))], opts)
    return with_unique_labels(expand(loaded, sweeps)) if sweeps else loaded


def _spec_options(func):
    """``func`` shown by ``help()`` and Jupyter with each spec option as a keyword of its own, and the
    options' help (from SpecOptions) at the end of its docstring."""
    hints = SpecKeywords.__annotations__
    shown = {name: f"{hint.__forward_arg__ if isinstance(hint, ForwardRef) else hint} | None" for name, hint in hints.items()}
    signature = inspect.signature(func)
    params = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    params += [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=shown[name])
               for name in SpecOptions.names()]
    func.__signature__ = signature.replace(parameters=params)
    lines = [f"      {f.name}: {f.metadata['help']}" for f in fields(SpecOptions)]
    func.__doc__ += "\n    Spec options (lrviz.spec.SpecOptions):\n" + "\n".join(lines) + "\n"
    return func


@_spec_options
def simulate(spec: SpecLike, **options: Any) -> Trace:
    """Simulate one schedule: the real scheduler built on a dummy optimizer, stepped, its lr recorded.

    Args:
      spec: the schedule: inline text (``"cosine:T_max=20"``), a YAML file's path (str or Path), a
        dict shaped like the YAML (any value may be a Python object: ``lr_lambda`` a function, or a
        list of one per param group), a ScheduleSpec, or a scheduler factory: a callable taking the
        optimizer and returning a scheduler built on it (``lambda opt: StepLR(opt, 10)``, a class), also
        as a dict's ``scheduler`` (or its ``type``, with the factory's other arguments beside it).
      **options: the command line's spec options, named as its flags without dashes (``steps_per_epoch``
        for ``--steps-per-epoch``), listed below. ``metrics`` also takes a list or array of numbers,
        or a function of the step (called for each step simulated); ``label`` and ``set`` a text or a
        list. ``sweep`` gives several schedules: it is :func:`compare`'s.

    Returns:
      The Trace: ``lr`` (numpy), ``to_pandas()``, ``to_dict()``, ``to_csv()``; in Jupyter it shows its
      figure and statistics. Under a training plan (``runner=``...), a RunTrace: one row per optimizer step.

    Raises:
      LrvizError: a spec or option lrviz or torch refuses; the message names the field at fault.

    Examples:
      >>> simulate("cosine:T_max=4", lr=1.0).lr.round(3).tolist()
      [1.0, 0.854, 0.5, 0.146, 0.0]
      >>> simulate({"scheduler": {"type": "lambda", "lr_lambda": lambda epoch: 0.5 ** epoch}}, steps=4).lr.tolist()
      [0.1, 0.05, 0.025, 0.0125]
      >>> from torch.optim.lr_scheduler import StepLR
      >>> def halving(optimizer):
      ...     return StepLR(optimizer, step_size=2, gamma=0.5)
      >>> trace = simulate(halving, steps=5, lr=1.0)
      >>> trace.label, trace.lr.tolist()
      ('halving', [1.0, 1.0, 0.5, 0.5, 0.25])
      >>> simulate("plateau:patience=0", metrics=lambda step: 1.0, steps=4, lr=1.0).lr.tolist()
      [1.0, 1.0, 0.1, 0.010000000000000002]
    """
    from .plan.run import simulate_run

    if options.get("sweep"):
        raise LrvizError("sweep gives a family of schedules and simulate returns one Trace: lrviz.compare(spec, "
                         "sweep=...) returns them all", field="sweep")
    specs = load_specs(spec, **options)
    if len(specs) != 1:
        shown = spec if isinstance(spec, (str, os.PathLike)) else "the dict spec"
        raise LrvizError(f"{shown} holds {len(specs)} schedules and simulate returns one Trace: lrviz.compare "
                         f"returns them all")
    return simulate_run(specs[0])


@_spec_options
def compare(*specs: SpecLike, **options: Any) -> Comparison:
    """Simulate several schedules, as ``lrviz compare`` does: each spec (in any form :func:`simulate`
    takes; a YAML file or dict with ``schedules:`` gives several) and each member of a sweep.

    Args:
      *specs: the schedules, in order.
      **options: the spec options (below), applied to every schedule; ``label`` takes one per
        schedule, in order; ``sweep`` is text (``"gamma=0.1,0.5"``, or a list of them) or a mapping of
        each key to its values (``{"gamma": [0.1, 0.5]}``, any Python objects).

    Returns:
      A Comparison (lrviz.render.jupyter): a sequence of Traces that shows itself in Jupyter (side by
      side, with a column of statistics each), with ``plot()``, ``to_html()`` and ``to_pandas()``.

    Raises:
      LrvizError: a spec or option lrviz or torch refuses; the message names the field at fault.

    Examples:
      >>> family = compare("step:step_size=2", sweep={"gamma": [0.5, 0.1]}, steps=3, lr=1.0)
      >>> [(trace.label, trace.lr.tolist()) for trace in family]
      [('step:step_size=2 gamma=0.5', [1.0, 1.0, 0.5]), ('step:step_size=2 gamma=0.1', [1.0, 1.0, 0.1])]
    """
    from .plan.run import simulate_run
    from .render.jupyter import Comparison

    return Comparison([simulate_run(spec) for spec in load_specs(*specs, **options)])
