"""What plot and compare share: simulate, then draw to the terminal and/or a figure file."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Callable, Sequence

from ..console import console
from ..draw_options import DrawOptions
from ..options import SpecRequest, check_names, default_figure_path, simulate_all
from .units import checked_unit


def check_output(draw: DrawOptions) -> None:
    """Refuse, before any work, a figure path that cannot be written, and figure options it cannot take."""
    if draw.output is not None:
        from ...output import check_writable
        from ...render.html import HTML_SUFFIXES
        from ...render.png import FIGURE_SUFFIXES

        check_writable(draw.output, FIGURE_SUFFIXES + HTML_SUFFIXES)
    draw.figure_options()


def simulate_and_draw(request: SpecRequest, draw: DrawOptions, specs: Sequence, *, chart_height: int,
                      check: Callable[[list], None] = lambda traces: None, resume_at: int | None = None, **figure):
    """The traces of ``specs``, charted in the terminal (``--terminal``) and drawn to a figure file
    (``-o``, or by default) with ``figure`` options; returns the traces, the unit shown and the path
    written (None without a figure). ``check(traces)`` refuses, before anything is drawn, what they
    cannot show. ``resume_at``: each schedule resumed from its checkpoints after that step is drawn too."""
    check_names(specs)
    from ...render.charts import print_chart
    from ...startup.figure_worker import figure_worker

    if draw.drawing:  # refused before anything is simulated
        from ...limits import check_figure_series, check_text

        check_figure_series(sum(max(1, len(s.param_groups)) for s in specs))
        if draw.title is not None:
            check_text(draw.title, "title", field="title")
    path = None
    with figure_worker() if draw.drawing and not draw.page else nullcontext() as render:
        traces = simulate_all(specs)
        if resume_at is not None:
            import dataclasses

            from ...plan.run import resumed_run

            traces += [dataclasses.replace(resumed_run(spec, resume_at), label=f"resumed after step {resume_at}"
                                           + (f": {spec.label}" if len(specs) > 1 else "")) for spec in specs]
        unit = checked_unit(draw.unit, traces, figure=draw.drawing,
                            steps_per_epoch_given=request.options.steps_per_epoch is not None)
        check(traces)
        if draw.terminal:
            print_chart(console(), traces, draw.width, log=draw.log, height=chart_height, ascii=draw.ascii, unit=unit,
                        momentum=draw.momentum)
        if draw.page:
            from ...render.html import save_html

            path = save_html(traces, draw.output, unit=unit, **draw.figure_options(), **figure)
        elif draw.drawing:
            options = draw.figure_options()
            options["markers"] = options["markers"] or any(getattr(t, "run", None) for t in traces)  # a run's phases
            path = render(traces, draw.output or default_figure_path(traces), unit=unit, **options, **figure)
    return traces, unit, path
