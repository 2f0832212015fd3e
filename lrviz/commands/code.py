"""``lrviz code``: the plain-torch Python that builds the same optimizer and scheduler."""

from __future__ import annotations

import typer

from ..app import app
from ..errors import LrvizError
from .common import (SPEC_CONTEXT, SPEC_METAVAR, Interval, Lr, OptimizerName, Sched, Sets, Steps, StepsPerEpoch,
                     examples, load_specs, with_units)


@app.command(context_settings=SPEC_CONTEXT, options_metavar=SPEC_METAVAR, epilog=examples(
    "lrviz code cosine:T_max=20,eta_min=1e-5",
    "lrviz code configs/cosine.yaml > schedule.py",
    "lrviz code --sched onecycle --max_lr 0.1 --total_steps 100 --optimizer adamw",
))
def code(
    ctx: typer.Context,
    sched: Sched = None,
    lr: Lr = None,
    steps: Steps = None,
    optimizer: OptimizerName = None,
    sets: Sets = None,
    steps_per_epoch: StepsPerEpoch = None,
    interval: Interval = None,
):
    """Print a runnable Python snippet building the same optimizer and scheduler in plain torch."""
    from ..codegen import python_code

    specs = with_units(load_specs(ctx, sched, lr, steps, None, optimizer, sets), steps_per_epoch, interval)
    if len(specs) != 1:
        raise LrvizError(f"lrviz code writes one schedule, got {len(specs)}: pass one SPEC "
                         f"(or one YAML file with a single schedule)")
    print(python_code(specs[0]))
