"""``lrviz plot``: the schedule as an image or a terminal chart."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..app import app
from ..errors import LrvizError
from .common import (SPEC_CONTEXT, SPEC_METAVAR, Ascii, Interval, Label, Log, Lr, Metrics, Momentum, OptimizerName, Sched,
                     Sets, Steps, StepsPerEpoch, Sweeps, Unit, Width, check_names, console, default_figure_path, examples,
                     load_specs, print_chart, simulate_all, with_units)


@app.command(context_settings=SPEC_CONTEXT, options_metavar=SPEC_METAVAR, epilog=examples(
    "lrviz plot --sched cosine --T_max 20",
    "lrviz plot cosine:T_max=20,eta_min=1e-5 --terminal",
    "lrviz plot configs/cosine.yaml -o cosine.svg --log",
))
def plot(
    ctx: typer.Context,
    sched: Sched = None,
    lr: Lr = None,
    steps: Steps = None,
    label: Label = None,
    optimizer: OptimizerName = None,
    sets: Sets = None,
    sweeps: Sweeps = None,
    metrics: Metrics = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Image file: .png, .svg or .pdf (default lrviz-<label>.png).", show_default=False)] = None,
    terminal: Annotated[bool, typer.Option("--terminal", "-t", help="Draw in the terminal instead of a file (unless -o is given too).")] = False,
    log: Log = False,
    title: Annotated[Optional[str], typer.Option(help="Figure title (default: the scheduler and its arguments).", show_default=False)] = None,
    width: Width = None,
    ascii: Ascii = False,
    show_metrics: Annotated[bool, typer.Option("--show-metrics", help="Also draw the metric fed to ReduceLROnPlateau, on a second y axis.")] = False,
    momentum: Momentum = False,
    unit: Unit = None,
    steps_per_epoch: StepsPerEpoch = None,
    interval: Interval = None,
):
    """Plot the lr schedule to an image (PNG/SVG/PDF) or the terminal."""
    from ..output import check_writable
    from ..render.png import FIGURE_SUFFIXES
    from ..render.worker import figure_worker

    if output is not None:
        check_writable(output, FIGURE_SUFFIXES)
    from ..units import check_unit

    unit = check_unit(unit)
    specs = with_units(load_specs(ctx, sched, lr, steps, label, optimizer, sets, sweeps=sweeps, metrics=metrics),
                       steps_per_epoch, interval)
    check_names(specs)
    with figure_worker() if output is not None or not terminal else nullcontext() as draw:
        traces = simulate_all(specs)
        if show_metrics and all(t.metrics is None for t in traces):
            raise LrvizError("--show-metrics: no schedule here is stepped with a metric (ReduceLROnPlateau with metrics)")
        if terminal:
            print_chart(traces, width, log, height=8, ascii=ascii, unit=unit, momentum=momentum)
            if output is None:
                return
        path = draw(traces, output or default_figure_path(traces), log=log, title=title, metrics=show_metrics,
                    momentum=momentum, unit=unit)
    from ..render.terminal import ascii_only, sparkline

    out = console()
    if not terminal:
        for trace in traces:
            line = f"{trace.label}  {sparkline(trace.lrs[0], max(8, min(60, out.width - len(trace.label) - 2)), ascii)}"
            out.print(ascii_only(line) if ascii else line, markup=False)
    out.print(f"wrote {path}", markup=False)
