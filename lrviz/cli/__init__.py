"""The ``lrviz`` command line: a skin over the library (options.py: the options commands share;
app.py: errors as one line and exit 2; commands/: one module per command, wiring only)."""

from __future__ import annotations

from ..startup import enable_cli_tricks
from .app import app
from .commands import audit, check, code, compare, explore, gallery, plan, plot, table  # noqa: F401 - importing registers them

__all__ = ["app", "main"]


def main() -> None:
    """The console script: turn on the start-up tricks (lrviz.startup), then run the command."""
    enable_cli_tricks()
    app()
