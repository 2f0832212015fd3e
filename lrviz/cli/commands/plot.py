"""``lrviz plot``: the schedule as an image or a terminal chart."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Annotated

import typer

from ...errors import LrvizError
from ..options import (Ascii, Log, Momentum, Output, SpecRequest, Terminal, Title, Unit, Width, check_names, console,
                       default_figure_path, examples, say_notes, simulate_all, spec_command)
from .units import checked_unit


@spec_command(epilog=examples(
    "lrviz plot cosine --T_max 20",
    "lrviz plot cosine:T_max=20,eta_min=1e-5 --terminal",
    "lrviz plot configs/cosine.yaml -o cosine.svg --log",
))
def plot(
    request: SpecRequest,
    output: Output = None,
    terminal: Terminal = False,
    log: Log = False,
    title: Title = None,
    width: Width = None,
    ascii: Ascii = False,
    show_metrics: Annotated[bool, typer.Option("--show-metrics", help="Also draw the metric fed to ReduceLROnPlateau, on a second y axis.")] = False,
    momentum: Momentum = False,
    unit: Unit = None,
):
    """Plot the lr schedule to an image (PNG/SVG/PDF) or the terminal."""
    from ...output import check_writable
    from ...render.charts import print_chart
    from ...render.png import FIGURE_SUFFIXES
    from ...startup.figure_worker import figure_worker

    if output is not None:
        check_writable(output, FIGURE_SUFFIXES)
    specs = request.specs()
    check_names(specs)
    with figure_worker() if output is not None or not terminal else nullcontext() as draw:
        traces = simulate_all(specs)
        unit = checked_unit(unit, traces, figure=output is not None or not terminal,
                            steps_per_epoch_given=request.options.steps_per_epoch is not None)
        if show_metrics and all(t.metrics is None for t in traces):
            raise LrvizError("--show-metrics: no schedule here is stepped with a metric (ReduceLROnPlateau with metrics)")
        out = console()
        if terminal:
            print_chart(out, traces, width, log=log, height=8, ascii=ascii, unit=unit, momentum=momentum)
            if output is None:
                say_notes(traces)
                return
        path = draw(traces, output or default_figure_path(traces), log=log, title=title, metrics=show_metrics,
                    momentum=momentum, unit=unit)
    from ...render.terminal import ascii_only, sparkline

    if not terminal:
        for trace in traces:
            line = f"{trace.label}  {sparkline(trace.lrs[0], max(8, min(60, out.width - len(trace.label) - 2)), ascii)}"
            out.print(ascii_only(line) if ascii else line, markup=False)
    out.print(f"wrote {path}", markup=False)
    say_notes(traces)
