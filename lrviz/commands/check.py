"""``lrviz check``: closed form vs recursive, get_lr() vs the optimizer, resume continuity."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..app import app
from .common import (SPEC_CONTEXT, SPEC_METAVAR, Lr, Metrics, OptimizerName, Sched, Sets, Steps, console, examples,
                     load_specs, parse_int_list)

STATUS_STYLE = {"ok": "green", "FAIL": "bold red", "differs": "yellow", "n/a": "dim"}


@app.command(context_settings=SPEC_CONTEXT, options_metavar=SPEC_METAVAR, epilog=examples(
    "lrviz check cosine:T_max=20 --steps 100",
    "lrviz check sgdr:T_0=10,T_mult=2 --resume-at 5,25",
    "lrviz check configs/cosine.yaml --rtol 1e-12",
))
def check(
    ctx: typer.Context,
    sched: Sched = None,
    lr: Lr = None,
    steps: Steps = None,
    optimizer: OptimizerName = None,
    sets: Sets = None,
    metrics: Metrics = None,
    resume_at: Annotated[Optional[str], typer.Option("--resume-at", help="Resume at last_epoch=K (comma-separated for several; default: the middle step).", show_default=False)] = None,
    rtol: Annotated[float, typer.Option(help="Largest difference allowed, relative to the schedule's largest lr.")] = 1e-9,
):
    """Check the schedule: closed form vs recursive step(), get_lr() vs the optimizer, resume continuity.

    Exits 1 when a check fails (a difference larger than --rtol); get_lr() differences only warn.
    """
    from ..check import check_spec

    ks = parse_int_list(resume_at, "--resume-at") if resume_at is not None else None
    reports = [check_spec(spec, ks, rtol) for spec in load_specs(ctx, sched, lr, steps, None, optimizer, sets, metrics=metrics)]
    out = console()
    for report in reports:
        print_report(out, report)
    if any(r.failed for r in reports):
        raise typer.Exit(1)


def print_report(out, report) -> None:
    """The report as a rich table, plain text when the output is not a terminal."""
    from rich import box
    from rich.table import Table

    from ..check import format_number

    table = Table(title=f"{report.label}: {report.title}, {report.steps} steps", title_justify="left",
                  box=box.SIMPLE_HEAD if out.is_terminal else None, show_edge=False, pad_edge=False)
    for column in ("check", "result", "max abs err", "max rel err", "worst step"):
        table.add_column(column, justify="left" if column in ("check", "result") else "right", no_wrap=True)
    for r in report.results:
        worst = "-" if r.worst_step is None else str(r.worst_step)
        table.add_row(r.name, f"[{STATUS_STYLE[r.status]}]{r.status}[/]", format_number(r.max_abs),
                      format_number(r.max_rel), worst)
    out.print(table)
    for r in report.results:
        if r.note:
            out.print(f"  {r.name}: {r.note}", markup=False)
    out.print()
