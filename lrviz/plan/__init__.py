"""Training plans: derive a run's counts the way its runner does, and simulate the lr per optimizer step."""
