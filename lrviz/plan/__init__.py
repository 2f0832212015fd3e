"""Training plans: a run's counts derived the way its runner derives them, and the lr per optimizer step.

- model.py: ``TrainingPlan`` and ``plan_from_mapping``; derive.py: ``derive(plan) -> RunCounts`` (counts.py),
  each count with its rule and the runner version it follows (versions.py, lengths.py);
- simulate.py: ``simulate_plan(spec, plan)`` steps the real scheduler as the runner steps it;
- findings.py: ``findings(spec, counts)``, what would break the run; variables.py: plan variables in arguments;
- warmup.py: the warmup recipe; run.py: ``simulate_run(spec)``, a spec as it will run.

The modules are imported where used (the command line's usage errors need none of them); importing
any of them imports no torch.
"""
