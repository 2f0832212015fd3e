"""``lrviz check``: closed form vs recursive, get_lr() vs the optimizer, resume continuity."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..console import console
from ..options import SpecRequest, check_names, examples, parse_int_list, spec_command


@spec_command(epilog=examples(
    "lrviz check cosine:T_max=20 --steps 100",
    "lrviz check sgdr:T_0=10,T_mult=2 --resume-at 5,25",
    "lrviz check configs/cosine.yaml --rtol 1e-12",
))
def check(
    request: SpecRequest,
    resume_at: Annotated[Optional[str], typer.Option("--resume-at", help="Resume at last_epoch=K (comma-separated for several; default: the middle step).", show_default=False)] = None,
    rtol: Annotated[float, typer.Option(help="Largest difference allowed, relative to the schedule's largest lr.")] = 1e-9,
):
    """Check the schedule: closed form vs recursive step(), get_lr() vs the optimizer, resume continuity.

    Exits 1 when a check fails (a difference larger than --rtol); get_lr() differences only warn.
    """
    from ...check import check_spec
    from ...render.check_report import print_report

    ks = parse_int_list(resume_at, "resume_at") if resume_at is not None else None
    specs = request.specs()
    check_names(specs)
    reports = [check_spec(spec, ks, rtol) for spec in specs]
    out = console()
    for report in reports:
        print_report(out, report)
    if any(r.failed for r in reports):
        raise typer.Exit(1)
