"""``lrviz compare``: two or more schedules side by side (or overlaid), in a figure or the terminal."""

from __future__ import annotations

from ...errors import LrvizError
from ...notices import one_line
from ..console import console
from ..draw_options import DrawOptions, Layout
from ..options import SpecRequest, examples, say_notes, spec_command
from .drawing import check_output, simulate_and_draw

COMPARE_SPECS = ("Each SPEC is an inline spec (cosine:T_max=20,eta_min=1e-5) or a YAML file (configs/cosine.yaml; "
                 "one with schedules: [...] gives several), in any mix.")


@spec_command(draws=True, metavar="SPEC SPEC... [OPTIONS]", epilog=examples(
    "lrviz compare cosine:T_max=100 configs/seed003-step.yaml -o cmp.png",
    "lrviz compare step:step_size=30 --sweep gamma=0.1,0.5,0.9 --layout overlay -o gammas.png",
    "lrviz compare onecycle:max_lr=0.1,total_steps=100 cyclic:base_lr=0.01,max_lr=0.1,step_size_up=25 --terminal --momentum",
    intro=COMPARE_SPECS,
))
def compare(request: SpecRequest, draw: DrawOptions, layout: Layout = "side"):
    """Compare schedules (inline specs and YAML files, mixed) in one figure or terminal view, with their statistics."""
    from ...render.controls import check_layout
    from ...render.stats_table import stats_table
    from ...trace.units import check_unit

    check_layout(layout)
    check_unit(draw.unit)
    check_output(draw)
    specs = request.specs()
    if len(specs) < 2:
        raise LrvizError(f"compare needs at least two schedules, got {len(specs)}: "
                         f"pass more SPECs or a --sweep (use lrviz plot for one)")
    traces, unit, path = simulate_and_draw(request, draw, specs, chart_height=5, layout=layout)
    out = console()
    out.print(stats_table(traces, unit))
    if path is not None:
        out.print(f"wrote {one_line(str(path))}", markup=False)
    say_notes(traces)
