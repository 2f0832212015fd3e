"""``lrviz compare``: two or more schedules side by side (or overlaid), in a figure or the terminal."""

from __future__ import annotations

from contextlib import nullcontext

from ...errors import LrvizError
from ..options import (Ascii, Layout, Log, Momentum, Output, SpecRequest, Terminal, Title, Unit, Width, check_names,
                       console, default_figure_path, examples, say_notes, simulate_all, spec_command)
from .units import checked_unit

COMPARE_SPECS = ("Each SPEC is an inline spec (cosine:T_max=20,eta_min=1e-5) or a YAML file (configs/cosine.yaml; "
                 "one with schedules: [...] gives several), in any mix.")


@spec_command(metavar="SPEC SPEC... [OPTIONS]", epilog=examples(
    "lrviz compare cosine:T_max=100 configs/seed003-step.yaml -o cmp.png",
    "lrviz compare step:step_size=30 --sweep gamma=0.1,0.5,0.9 --layout overlay -o gammas.png",
    "lrviz compare onecycle:max_lr=0.1,total_steps=100 cyclic:base_lr=0.01,max_lr=0.1,step_size_up=25 --terminal --momentum",
    intro=COMPARE_SPECS,
))
def compare(
    request: SpecRequest,
    layout: Layout = "side",
    output: Output = None,
    terminal: Terminal = False,
    log: Log = False,
    momentum: Momentum = False,
    unit: Unit = None,
    title: Title = None,
    width: Width = None,
    ascii: Ascii = False,
):
    """Compare schedules (inline specs and YAML files, mixed) in one figure or terminal view, with their statistics."""
    from ...output import check_writable
    from ...render.charts import print_chart
    from ...render.png import FIGURE_SUFFIXES, check_layout
    from ...render.stats_table import stats_table
    from ...startup.figure_worker import figure_worker
    from ...trace.units import check_unit

    check_layout(layout)
    check_unit(unit)
    if output is not None:
        check_writable(output, FIGURE_SUFFIXES)
    specs = request.specs()
    if len(specs) < 2:
        raise LrvizError(f"compare needs at least two schedules, got {len(specs)}: "
                         f"pass more SPECs or a --sweep (use lrviz plot for one)")
    check_names(specs)
    drawing = output is not None or not terminal
    out = console()
    with figure_worker() if drawing else nullcontext() as draw:
        traces = simulate_all(specs)
        unit = checked_unit(unit, traces, figure=drawing, steps_per_epoch_given=request.options.steps_per_epoch is not None)
        if terminal:
            print_chart(out, traces, width, log=log, height=5, ascii=ascii, unit=unit, momentum=momentum)
        if drawing:
            path = draw(traces, output or default_figure_path(traces), log=log, title=title, layout=layout,
                        momentum=momentum, unit=unit)
    out.print(stats_table(traces, unit))
    if drawing:
        out.print(f"wrote {path}", markup=False)
    say_notes(traces)
