"""``lrviz compare``: two or more schedules side by side (or overlaid), in a figure or the terminal."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..app import app
from ..errors import LrvizError
from .common import (SPEC_CONTEXT, Ascii, Interval, Log, Lr, Momentum, OptimizerName, Sets, Steps, StepsPerEpoch,
                     Sweeps, Unit, Width, check_names, console, default_figure_path, load_specs, print_chart,
                     simulate_all, with_units)


COMPARE_SPECS = ("Each SPEC is an inline spec (cosine:T_max=20,eta_min=1e-5) or a YAML file (configs/cosine.yaml; "
                 "one with schedules: [...] gives several), in any mix.")


@app.command(context_settings=SPEC_CONTEXT, options_metavar="SPEC SPEC... [OPTIONS]", epilog="\n\n".join([
    COMPARE_SPECS, "Examples:",
    "lrviz compare cosine:T_max=100 configs/seed003-step.yaml -o cmp.png",
    "lrviz compare step:step_size=30 --sweep gamma=0.1,0.5,0.9 --layout overlay -o gammas.png",
    "lrviz compare onecycle:max_lr=0.1,total_steps=100 cyclic:base_lr=0.01,max_lr=0.1,step_size_up=25 --terminal --momentum",
]))
def compare(
    ctx: typer.Context,
    lr: Lr = None,
    steps: Steps = None,
    optimizer: OptimizerName = None,
    sets: Sets = None,
    sweeps: Sweeps = None,
    layout: Annotated[str, typer.Option(help="side: a panel each, same axes; overlay: one axis with a legend.")] = "side",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Image file: .png, .svg or .pdf (default lrviz-<a>_vs_<b>.png).", show_default=False)] = None,
    terminal: Annotated[bool, typer.Option("--terminal", "-t", help="Draw in the terminal instead of a file (unless -o is given too).")] = False,
    log: Log = False,
    momentum: Momentum = False,
    unit: Unit = None,
    steps_per_epoch: StepsPerEpoch = None,
    interval: Interval = None,
    title: Annotated[Optional[str], typer.Option(help="Figure title (default: the labels).", show_default=False)] = None,
    width: Width = None,
    ascii: Ascii = False,
):
    """Compare schedules (inline specs and YAML files, mixed) in one figure or terminal view, with their statistics."""
    from ..output import check_writable
    from ..render.png import FIGURE_SUFFIXES, LAYOUTS
    from ..render.worker import figure_worker
    from ..units import check_unit

    if layout not in LAYOUTS:
        raise LrvizError(f"unknown --layout '{layout}' (valid: {', '.join(LAYOUTS)})")
    unit = check_unit(unit)
    if output is not None:
        check_writable(output, FIGURE_SUFFIXES)
    specs = with_units(load_specs(ctx, None, lr, steps, None, optimizer, sets, sweeps=sweeps), steps_per_epoch, interval)
    if len(specs) < 2:
        raise LrvizError(f"compare needs at least two schedules, got {len(specs)}: "
                         f"pass more SPECs or a --sweep (use lrviz plot for one)")
    check_names(specs)
    drawing = output is not None or not terminal
    with figure_worker() if drawing else nullcontext() as draw:
        traces = simulate_all(specs)
        if terminal:
            print_chart(traces, width, log, height=5, ascii=ascii, unit=unit, momentum=momentum)
        if drawing:
            path = draw(traces, output or default_figure_path(traces), log=log, title=title, layout=layout,
                        momentum=momentum, unit=unit)
    print_stats_table(traces, unit)
    if drawing:
        console().print(f"wrote {path}", markup=False)


def print_stats_table(traces, unit: str | None = None) -> None:
    """The statistics (lrviz.stats) of every schedule side by side: one column each."""
    from rich.table import Table
    from rich.text import Text

    from ..stats import number, statistics
    from ..units import common_unit, in_unit

    unit = common_unit(traces, unit)
    names, stats = [], []
    for trace in traces:
        shown = in_unit(trace, unit)
        for g in range(shown.groups):
            names.append(trace.label if shown.groups == 1 else f"{trace.label} · group {g}")
            stats.append(statistics(shown.lrs[g]))
    table = Table(show_edge=False, pad_edge=False)
    table.add_column(f"per {unit}", no_wrap=True)
    for name in names:
        table.add_column(Text(name), justify="right", overflow="fold")
    rows = {
        "first": [number(s.first) for s in stats],
        "min @ step": [f"{number(s.min)} @ {s.min_step}" for s in stats],
        "max @ step": [f"{number(s.max)} @ {s.max_step}" for s in stats],
        "last": [number(s.last) for s in stats],
        "warmup ends": [str(s.warmup_end) if s.warmup_end else "—" for s in stats],
        "mean": [number(s.mean) for s in stats],
        "area (sum of lr)": [number(s.area) for s in stats],
    }
    for what, cells in rows.items():
        table.add_row(what.replace("step", unit), *cells)
    console().print(table)
