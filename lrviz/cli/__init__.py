"""The ``lrviz`` command line: a skin over the library (options.py: the options commands share;
app.py: errors as one line and exit 2; commands/: one module per command, wiring only).

Importing it registers every command on ``app``; the console script (``lrviz.__main__``) has it
register only the command being run (lrviz.startup's 'one command' trick).
"""

from __future__ import annotations

from ..startup import invoked_command
from .app import app
from .commands import register

register(invoked_command())

__all__ = ["app"]
