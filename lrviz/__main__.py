"""The ``lrviz`` command, as the console script and as ``python -m lrviz``."""

from __future__ import annotations

import sys


def main() -> None:
    """Turn on the start-up tricks (lrviz.startup), then load the command line and run the command."""
    from .startup import enable_cli_tricks

    enable_cli_tricks(sys.argv[1:])
    from .cli import app

    app()


if __name__ == "__main__":
    main()
