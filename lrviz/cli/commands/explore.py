"""``lrviz list`` and ``lrviz describe``: discover every scheduler and its arguments from the CLI."""

from __future__ import annotations

from typing import Annotated

import typer

from ..app import app
from ..console import console


@app.command("list", epilog="Then: lrviz describe NAME (e.g. lrviz describe cosine).")
def list_schedulers():
    """Every scheduler lrviz knows: name, aliases, source library and required arguments."""
    from ...catalog import all_facts
    from ...render.catalog_pages import list_table

    out = console()
    out.print(list_table(all_facts()))
    out.print("lrviz describe NAME shows the arguments of one, with an example.")


@app.command(epilog="Examples:\n\nlrviz describe cosine\n\nlrviz describe OneCycleLR")
def describe(name: Annotated[str, typer.Argument(help="A scheduler name or alias, e.g. cosine, StepLR, hf:linear.")]):
    """One scheduler's arguments (type, default, required), what it does, and a runnable example."""
    from ...catalog import find
    from ...render.catalog_pages import print_description

    print_description(console(), find(name))
