"""The Python API: what the command line does, as functions taking the same options as keywords.

>>> trace = simulate("step:step_size=2,gamma=0.5", steps=5, lr=1.0)
>>> trace.lr.tolist()
[1.0, 1.0, 0.5, 0.5, 0.25]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import LrvizError
from .spec import ScheduleSpec, SpecOptions, apply_options, specs_from_tokens
from .trace import Trace


def load_specs(spec: str | Path | ScheduleSpec, **options: Any) -> list[ScheduleSpec]:
    """The ScheduleSpecs ``spec`` (inline text, a YAML path or a ScheduleSpec) describes, with
    ``options`` (SpecOptions' fields: ``lr``, ``steps``, ``sweep``, ...) applied."""
    unknown = sorted(set(options) - set(SpecOptions.names()))
    if unknown:
        raise LrvizError(f"unknown option '{unknown[0]}' (valid: {', '.join(SpecOptions.names())})")
    opts = SpecOptions(**{k: (v,) if k in ("label", "set", "sweep") and isinstance(v, str) else v
                          for k, v in options.items()})
    if isinstance(spec, ScheduleSpec):
        specs = [spec]
    else:
        specs = specs_from_tokens([str(spec)], sets=list(opts.set))
    return apply_options(specs, opts)


def simulate(spec: str | Path | ScheduleSpec, **options: Any) -> Trace:
    """Simulate one schedule given as inline text, a YAML path or a ScheduleSpec; ``options`` are the
    command line's spec options as keywords (``steps=``, ``lr=``, ``optimizer=``, ``label=``, ...)."""
    from .plan.run import simulate_run

    specs = load_specs(spec, **options)
    if len(specs) != 1:
        raise LrvizError(f"{spec} gives {len(specs)} schedules; simulate takes one")
    return simulate_run(specs[0])
