"""Step counts a library computes with unchecked, though no training run has them: refused, naming
the argument.

transformers' schedule functions take any ``num_training_steps``: with -10, ``hf:linear`` sets the lr
to 0 at every step and ``hf:cosine`` alternates between the lr and 0. The HF Trainer passes its run's
optimizer steps (at least 1) and warmup steps (at least 0), so lrviz asks the same.

>>> check("hf", "hf:linear", {"num_warmup_steps": 0, "num_training_steps": -10})
Traceback (most recent call last):
lrviz.errors.LrvizError: hf:linear: num_training_steps must be at least 1 (a run's optimizer steps), got -10: transformers computes with it unchecked, giving an lr no training run has
>>> check("hf", "hf:linear", {"num_warmup_steps": 0, "num_training_steps": 100})
"""

from __future__ import annotations

from ..errors import LrvizError

#: per source, the step-count arguments and the least value a real run gives each (what it counts)
LEAST = {
    "hf": {
        "num_training_steps": (1, "a run's optimizer steps"),
        "num_warmup_steps": (0, "optimizer steps"),
        "num_stable_steps": (0, "optimizer steps"),
        "num_decay_steps": (0, "optimizer steps"),
    },
}
LIBRARIES = {"hf": "transformers"}


def check(source: str, name: str, kwargs: dict) -> None:
    """Refuse a step count of scheduler ``name`` (from ``source``) that no training run has."""
    for key, (least, counts) in LEAST.get(source, {}).items():
        value = kwargs.get(key)
        if value is not None and not isinstance(value, bool) and value < least:
            raise LrvizError(f"{name}: {key} must be at least {least} ({counts}), got {value}: "
                             f"{LIBRARIES[source]} computes with it unchecked, giving an lr no training run has")
