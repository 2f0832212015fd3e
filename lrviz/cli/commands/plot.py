"""``lrviz plot``: the schedule as an image or a terminal chart."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ...errors import LrvizError
from ...notices import one_line
from ..console import console
from ..draw_options import DrawOptions
from ..options import SpecRequest, examples, say_notes, spec_command
from .drawing import check_output, simulate_and_draw


def fed_a_metric(traces) -> None:
    if all(t.metrics is None for t in traces):
        raise LrvizError("show_metrics: no schedule here is stepped with a metric (ReduceLROnPlateau with metrics)",
                         field="show_metrics")


@spec_command(draws=True, epilog=examples(
    "lrviz plot cosine --T_max 20",
    "lrviz plot cosine:T_max=20,eta_min=1e-5 --terminal",
    "lrviz plot configs/cosine.yaml -o cosine.svg --log",
))
def plot(
    request: SpecRequest,
    draw: DrawOptions,
    show_metrics: Annotated[bool, typer.Option("--show-metrics", help="Also draw the metric fed to ReduceLROnPlateau, on a second y axis.")] = False,
    resume_at: Annotated[Optional[int], typer.Option("--resume-at", metavar="K", help="Also draw the schedule resumed from state_dict() checkpoints saved after step K, as training resumes.", show_default=False)] = None,
):
    """Plot the lr schedule to an image (PNG/SVG/PDF) or the terminal."""
    check_output(draw)
    traces, _, path = simulate_and_draw(request, draw, request.specs(), chart_height=8, resume_at=resume_at,
                                        check=fed_a_metric if show_metrics else lambda traces: None, metrics=show_metrics)
    from ...render.terminal import ascii_only, sparkline

    out = console()
    if not draw.terminal:
        for trace in traces:
            line = f"{trace.label}  {sparkline(trace.lrs[0], max(8, min(60, out.width - len(trace.label) - 2)), draw.ascii)}"
            out.print(ascii_only(line) if draw.ascii else line, markup=False)
    if path is not None:
        out.print(f"wrote {one_line(str(path))}", markup=False)
    say_notes(traces)
