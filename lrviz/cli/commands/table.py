"""``lrviz table``: the lr at every step as CSV, Markdown, LaTeX or JSON."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from ..console import progress_bar
from ..draw_options import Momentum, TableFormat, Unit
from ..options import SpecRequest, examples, parse_int_list, say_notes, simulate_all, spec_command
from .units import checked_unit


@spec_command(epilog=examples(
    "lrviz table step --step_size 10 --gamma 0.5 --steps 30 --format csv -o -",
    "lrviz table configs/cosine.yaml --format latex --every 10",
    "lrviz table onecycle:max_lr=0.1,total_steps=100 --at 0,30,99 --digits 4 --format md",
))
def table(
    request: SpecRequest,
    fmt: TableFormat = "csv",
    every: Annotated[Optional[int], typer.Option(help="Every K-th row only.", show_default=False)] = None,
    at: Annotated[Optional[str], typer.Option(help="Only these rows, e.g. 0,30,60.", show_default=False)] = None,
    digits: Annotated[Optional[int], typer.Option(help="Significant digits (default: full round-trip precision).", show_default=False)] = None,
    output: Annotated[str, typer.Option("--output", "-o", help="File to write, or - for stdout.")] = "-",
    momentum: Momentum = False,
    unit: Unit = None,
    caption: Annotated[Optional[str], typer.Option(metavar="TEXT", help="latex: put the table in a table environment with this caption.", show_default=False)] = None,
    latex_label: Annotated[Optional[str], typer.Option("--latex-label", metavar="KEY", help="latex: \\label{KEY} of the table environment.", show_default=False)] = None,
    siunitx: Annotated[Optional[str], typer.Option(metavar="S|num", help="latex: numbers for the siunitx package: S columns, or \\num{} cells.", show_default=False)] = None,
):
    """Print the lr at every step as a table: CSV, Markdown, LaTeX or JSON."""
    from ...limits import check_table
    from ...notices import one_line
    from ...output import check_writable, write_atomically
    from ...render.table import check_format, check_latex_options, formatter, pick_rows, step_span, table_lines
    from ...trace.units import check_unit, to_common_unit

    check_format(fmt)
    check_latex_options(fmt, caption, latex_label, siunitx)
    formatter(digits)  # validate before any work
    check_unit(unit)
    at_rows = parse_int_list(at, "at") if at is not None else None
    specs = request.specs()
    if output != "-":
        check_writable(output)  # once the specs are read: none of their files may be the output
    traces = simulate_all(specs)
    unit = checked_unit(unit, traces, figure=False, steps_per_epoch_given=request.options.steps_per_epoch is not None)
    traces = to_common_unit(traces, unit)
    first, total = step_span(traces)
    rows = pick_rows(total, every=every, at=at_rows, first=first)
    check_table(len(rows), sum(t.groups for t in traces) * (2 if momentum else 1))
    with progress_bar("writing") as report:
        lines = table_lines(traces, fmt, rows, digits, progress=report, momentum=momentum, caption=caption,
                            latex_label=latex_label, siunitx=siunitx)
        if output == "-":
            sys.stdout.writelines(lines)
            sys.stdout.flush()
        else:
            write_atomically(output, lambda fh: fh.writelines(lines))
    if output != "-":
        print(f"wrote {one_line(output)}", file=sys.stderr)
    say_notes(traces)
