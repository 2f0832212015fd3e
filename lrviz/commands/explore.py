"""``lrviz list`` and ``lrviz describe``: discover every scheduler and its arguments from the CLI."""

from __future__ import annotations

from typing import Annotated

import typer

from ..app import app
from .common import console


def plain(*texts: str) -> list:
    """Table cells shown as written: ``list[float]`` is a type, not rich markup."""
    from rich.text import Text

    return [Text(text) for text in texts]


@app.command("list", epilog="Then: lrviz describe NAME (e.g. lrviz describe cosine).")
def list_schedulers():
    """Every scheduler lrviz knows: name, aliases, source library and required arguments."""
    from rich.table import Table

    from ..catalog import entries, required_names

    known = entries()
    table = Table(title=f"{len(known)} schedulers", title_justify="left", show_edge=False, pad_edge=False)
    for column in ("name", "aliases", "source", "required arguments"):
        table.add_column(column, overflow="fold")
    for entry in known:
        table.add_row(*plain(entry.name, ", ".join(entry.aliases), entry.source, ", ".join(required_names(entry)) or "—"))
    out = console()
    out.print(table)
    out.print("lrviz describe NAME shows the arguments of one, with an example.")


@app.command(epilog="Examples:\n\nlrviz describe cosine\n\nlrviz describe OneCycleLR")
def describe(name: Annotated[str, typer.Argument(help="A scheduler name or alias, e.g. cosine, StepLR, hf:linear.")]):
    """One scheduler's arguments (type, default, required), what it does, and a runnable example."""
    from rich.table import Table
    from rich.text import Text

    from ..catalog import argument_rows, example_command, find

    entry = find(name)
    out = console()
    aliases = f" · aliases: {', '.join(entry.aliases)}" if entry.aliases else ""
    out.print(Text(entry.name, style="bold"), Text(f" ({entry.source}{aliases})"))
    out.print(entry.location, markup=False)
    if entry.doc:
        out.print(entry.doc, markup=False)
    table = Table(show_edge=False, pad_edge=False)
    for column in ("argument", "type", "default", "required"):
        table.add_column(column, overflow="fold")
    for row in argument_rows(entry):
        table.add_row(*plain(row.name, row.type, row.default or "—", "yes" if row.required else "no"))
    out.print()
    out.print(table if entry.args else "no arguments")
    out.print()
    out.print("Example:", style="bold")
    out.print(f"  {example_command(entry)}", markup=False)
