"""Two imports done differently: torch with the garbage collector paused, and timm's schedulers
without timm's package ``__init__`` (see lrviz.startup for what each buys and its off switch)."""

from __future__ import annotations

import gc
import importlib
import importlib.util
import sys
import types

from . import active


def import_torch():
    """``torch``, imported with the garbage collector paused, then frozen.

    Importing torch makes some 170,000 tracked objects that live as long as the process:
    collector passes over them while it imports are wasted work (a sixth of its time here), and
    frozen (``gc.freeze``) they are skipped by every later pass, e.g. while matplotlib imports.
    """
    if "torch" not in sys.modules and active("gc"):
        enabled = gc.isenabled()
        gc.disable()
        try:
            import torch  # noqa: F401
        finally:
            gc.freeze()
            if enabled:
                gc.enable()
    return importlib.import_module("torch")


def import_without_package_init(package: str, submodule: str) -> types.ModuleType:
    """``submodule`` imported under a stand-in ``package`` that runs no ``__init__`` code; both are
    removed from ``sys.modules`` afterwards, so a later ``import package`` gets the real one."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"{package} is not a package directory")
    stub = types.ModuleType(package)
    stub.__path__ = list(spec.submodule_search_locations)
    stub.__spec__ = spec
    sys.modules[package] = stub
    try:
        return importlib.import_module(submodule)
    finally:
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]
