"""``lrviz table``: the lr at every step as CSV, Markdown, LaTeX or JSON."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from ..app import app
from ..errors import LrvizError
from .common import (SPEC_CONTEXT, SPEC_METAVAR, Interval, Label, Lr, Metrics, Momentum, OptimizerName, Sched, Sets,
                     Steps, StepsPerEpoch, Sweeps, Unit, examples, load_specs, parse_int_list, progress_bar,
                     simulate_all, with_units)


@app.command(context_settings=SPEC_CONTEXT, options_metavar=SPEC_METAVAR, epilog=examples(
    "lrviz table --sched step --step_size 10 --gamma 0.5 --steps 30 --format csv -o -",
    "lrviz table configs/cosine.yaml --format latex --every 10",
    "lrviz table onecycle:max_lr=0.1,total_steps=100 --at 0,30,99 --digits 4 --format md",
))
def table(
    ctx: typer.Context,
    sched: Sched = None,
    lr: Lr = None,
    steps: Steps = None,
    label: Label = None,
    optimizer: OptimizerName = None,
    sets: Sets = None,
    sweeps: Sweeps = None,
    metrics: Metrics = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, md, latex (booktabs) or json.")] = "csv",
    every: Annotated[Optional[int], typer.Option(help="Every K-th row only.", show_default=False)] = None,
    at: Annotated[Optional[str], typer.Option(help="Only these rows, e.g. 0,30,60.", show_default=False)] = None,
    digits: Annotated[Optional[int], typer.Option(help="Significant digits (default: full round-trip precision).", show_default=False)] = None,
    output: Annotated[str, typer.Option("--output", "-o", help="File to write, or - for stdout.")] = "-",
    momentum: Momentum = False,
    unit: Unit = None,
    steps_per_epoch: StepsPerEpoch = None,
    interval: Interval = None,
):
    """Print the lr at every step as a table: CSV, Markdown, LaTeX or JSON."""
    from ..output import check_writable, write_atomically
    from ..render.table import FORMATS, formatter, pick_rows, step_span, table_lines
    from ..units import check_unit, to_common_unit

    if fmt not in FORMATS:
        raise LrvizError(f"unknown --format '{fmt}' (valid: {', '.join(FORMATS)})")
    formatter(digits)  # validate before any work
    unit = check_unit(unit)
    at_rows = parse_int_list(at, "--at") if at is not None else None
    if output != "-":
        check_writable(output)
    specs = load_specs(ctx, sched, lr, steps, label, optimizer, sets, sweeps=sweeps, metrics=metrics)
    traces = to_common_unit(simulate_all(with_units(specs, steps_per_epoch, interval)), unit)
    first, total = step_span(traces)
    rows = pick_rows(total, every=every, at=at_rows, first=first)
    with progress_bar("writing") as report:
        lines = table_lines(traces, fmt, rows, digits, progress=report, momentum=momentum)
        if output == "-":
            sys.stdout.writelines(lines)
            sys.stdout.flush()
        else:
            write_atomically(output, lambda fh: fh.writelines(lines))
    if output != "-":
        print(f"wrote {output}", file=sys.stderr)
