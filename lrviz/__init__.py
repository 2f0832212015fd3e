"""lrviz: see the learning rate your optimizer gets at every step, exactly as torch computes it.

Importing lrviz imports no torch; the first simulation does. The names below are loaded when
first used (PEP 562), so the command line, which imports ``lrviz.cli``, does not pay for the API.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .errors import LrvizError

if TYPE_CHECKING:
    from .api import compare, simulate
    from .render.api import plot
    from .spec import ScheduleSpec, SchedulerSpec, load_yaml_specs, parse_inline
    from .trace import Trace

#: each public name and the module it comes from
_LAZY = {"compare": "api", "simulate": "api", "plot": "render.api", "ScheduleSpec": "spec", "SchedulerSpec": "spec",
         "load_yaml_specs": "spec", "parse_inline": "spec", "Trace": "trace"}
__all__ = ["LrvizError", "ScheduleSpec", "SchedulerSpec", "Trace", "compare", "load_yaml_specs", "parse_inline", "plot",
           "simulate"]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'lrviz' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
