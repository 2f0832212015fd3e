"""lrviz: see the learning rate your optimizer gets at every step, exactly as torch computes it.

Importing lrviz imports no torch; the first simulation does.
"""

from .api import compare, simulate
from .errors import LrvizError
from .render.api import plot
from .spec import ScheduleSpec, SchedulerSpec, load_yaml_specs, parse_inline
from .trace import Trace

__all__ = ["LrvizError", "ScheduleSpec", "SchedulerSpec", "Trace", "compare", "load_yaml_specs", "parse_inline", "plot",
           "simulate"]
__version__ = "0.1.0"
