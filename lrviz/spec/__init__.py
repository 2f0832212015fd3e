"""Schedule specs: plain, validated data parsed from flags, inline text, YAML or Python (no torch here).

- model.py: ScheduleSpec and SchedulerSpec, the data;
- inline.py: ``cosine:T_max=20`` and ``--sched cosine --T_max 20``;
- yamlfile.py: YAML files, loaded safely within limits, and ``--set``;
- tokens.py: which command-line token is which;
- options.py: the options every SPEC command shares (and lrviz.simulate's keywords); sweep.py: families;
- validate.py: numbers, step counts, choices, "did you mean".

>>> parse_inline("multistep:milestones=[30,60,80],gamma=0.5")
SchedulerSpec(type='multistep', args={'milestones': [30, 60, 80], 'gamma': 0.5})
"""

from .inline import parse_call, parse_flags, parse_inline
from .model import DEFAULT_LR, DEFAULT_STEPS, DEFAULT_WARMUP_START, INTERVALS, UNITS, ScheduleSpec, SchedulerSpec, inline_text
from .options import SpecOptions, apply_options
from .tokens import is_existing_file, specs_from_tokens
from .validate import (MAX_STEPS, choice, interval_name, positive_number, real_number, step_count, suggest, unit_name,
                       warmup_length)
from .yamlfile import load_yaml_specs, read_yaml, scheduler_from_yaml, spec_from_mapping

__all__ = [
    "DEFAULT_LR", "DEFAULT_STEPS", "DEFAULT_WARMUP_START", "INTERVALS", "MAX_STEPS", "UNITS", "ScheduleSpec", "SchedulerSpec", "SpecOptions",
    "apply_options", "choice", "inline_text", "interval_name", "is_existing_file", "load_yaml_specs", "parse_call",
    "parse_flags", "parse_inline", "positive_number", "read_yaml", "real_number", "scheduler_from_yaml",
    "spec_from_mapping", "specs_from_tokens", "step_count", "suggest", "unit_name", "warmup_length",
]
