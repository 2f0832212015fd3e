"""Start-up tricks: what lrviz does so that a command costs about what ``import torch`` costs.

Each lives in this package, buys what the table says (measured by ``benchmarks/run.py`` on a
shared 2-core machine; the README's Performance section has the current figures) and has an off
switch, an environment variable set to any non-empty value:

===================================  =====================  =======================================  =========================
trick                                module                 what it buys                             off switch
===================================  =====================  =======================================  =========================
forked figure worker: matplotlib     figure_worker.py       a plot ~= ``import torch`` (1.0x) rather  ``LRVIZ_NO_FORK``
imports on the other core while                             than torch + matplotlib (~1.3x)
torch imports and the schedule runs
typer's option values converted      typer_plain.py         ~100 ms a command (pydantic's import     ``LRVIZ_NO_TYPER_BYPASS``
without pydantic where plain                                and adapters)
gc paused while torch imports,       imports.py             a sixth of ``import torch``              ``LRVIZ_NO_GC_FREEZE``
then its objects frozen
``timm.scheduler`` loaded without    imports.py             seconds (timm imports every model), and  ``LRVIZ_NO_TIMM_STUB``
timm's package ``__init__``                                 timm's schedulers where torchvision is
                                                            broken
one command: only the command being  this module and        20-30 ms a command (a sixth of a usage  ``LRVIZ_NO_LAZY_COMMANDS``
run is imported and built by typer   ``cli/commands/``      error): nine other modules imported
                                                            and turned into click commands
===================================  =====================  =======================================  =========================

The command line turns them on (:func:`enable_cli_tricks`, from ``lrviz.__main__``): importing
lrviz as a library changes nothing global. The timm stub is the exception that proves it: it is
used by library calls too, since it leaves ``sys.modules`` as it found it.
"""

from __future__ import annotations

import os

#: each trick's name and the environment variable that turns it off
SWITCHES = {"fork": "LRVIZ_NO_FORK", "typer": "LRVIZ_NO_TYPER_BYPASS", "gc": "LRVIZ_NO_GC_FREEZE",
            "timm": "LRVIZ_NO_TIMM_STUB", "commands": "LRVIZ_NO_LAZY_COMMANDS"}
#: the tricks library calls get too
LIBRARY_TRICKS = ("timm",)
_cli = False
_command: str | None = None


def enable_cli_tricks(args: list[str] | tuple[str, ...] = ()) -> None:
    """Called once by the command line's entry point with its arguments, before anything is imported."""
    global _cli, _command
    _cli = True
    _command = args[0] if args else None


def invoked_command() -> str | None:
    """The command line's first argument, naming the command whose module alone is to be imported
    (``lrviz.cli.commands.register`` loads every command when it names none, as ``--help`` does);
    None for a library import or with the trick switched off.

    >>> invoked_command() is None
    True
    """
    return _command if active("commands") else None


def active(trick: str) -> bool:
    """Is ``trick`` on: in the command line (or for library calls, the timm stub), and not switched off?

    >>> active("fork"), active("timm")
    (False, True)
    """
    if os.environ.get(SWITCHES[trick]):
        return False
    return _cli or trick in LIBRARY_TRICKS
