"""Training plans: a run's counts derived the way its runner derives them, and the lr per optimizer step.

``derive(plan)`` gives the counts (each with its rule and the runner version it follows);
``simulate_plan(spec, plan)`` steps the real scheduler as the runner steps it; ``findings(spec, counts)``
lists what would break the run. Importing this package imports no torch.
"""

from .counts import Count, RunCounts
from .derive import derive
from .findings import Finding, findings
from .model import RUNNERS, TrainingPlan, plan_from_mapping
from .simulate import RunTrace, simulate_plan
from .variables import PLAN_VARIABLES, resolve_spec

__all__ = ["Count", "Finding", "PLAN_VARIABLES", "RUNNERS", "RunCounts", "RunTrace", "TrainingPlan", "derive",
           "findings", "plan_from_mapping", "resolve_spec", "simulate_plan"]
