"""One module per lrviz command; importing one registers it on ``lrviz.cli.app.app``."""

from __future__ import annotations

import importlib

#: each command's name and the module that registers it, in the order ``lrviz --help`` lists them
MODULES = {"audit": "audit", "check": "check", "code": "code", "compare": "compare", "list": "explore",
           "describe": "explore", "gallery": "gallery", "plan": "plan", "plot": "plot", "table": "table"}


def register(command: str | None = None) -> None:
    """Import the module of ``command``, registering it, or every command's when it names none."""
    modules = [MODULES[command]] if command in MODULES else MODULES.values()
    for module in dict.fromkeys(modules):
        importlib.import_module(f"{__name__}.{module}")
