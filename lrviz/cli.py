"""The ``lrviz`` command line: a thin typer layer over the library (see ``lrviz.commands``)."""

from .app import app
from .commands import check, code, compare, explore, gallery, plot, table  # noqa: F401 - importing registers the commands

__all__ = ["app", "main"]


def main() -> None:
    app()
