"""``lrviz check``'s report (lrviz.check.Report) as a rich table and its notes."""

from __future__ import annotations

STATUS_STYLE = {"ok": "green", "FAIL": "bold red", "differs": "yellow", "n/a": "dim"}


def print_report(out, report) -> None:
    """The report on the rich console ``out``: a table (plain text when it is not a terminal), then notes."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from ..check import format_number
    from ..notices import one_line

    table = Table(title=Text(one_line(f"{report.label}: {report.title}, {report.steps} steps")), title_justify="left",
                  box=box.SIMPLE_HEAD if out.is_terminal else None, show_edge=False, pad_edge=False)
    for column in ("check", "result", "max abs err", "max rel err", "worst step"):
        table.add_column(column, justify="left" if column in ("check", "result") else "right", no_wrap=True)
    for r in report.results:
        worst = "-" if r.worst_step is None else str(r.worst_step)
        table.add_row(Text(r.name), Text(r.status, style=STATUS_STYLE[r.status]), format_number(r.max_abs),
                      format_number(r.max_rel), worst)
    out.print(table)
    for r in report.results:
        if r.note:
            out.print(one_line(f"  {r.name}: {r.note}"), markup=False)
    out.print()
