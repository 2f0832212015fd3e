"""``warmup``: a linear warmup put in front of any schedule, as torchvision's reference training
script does it, or as a Hugging Face schedule's own ``num_warmup_steps``.

>>> from lrviz.spec import parse_inline
>>> with_warmup(parse_inline("cosine:T_max=95"), 5, 0.01)
SchedulerSpec(type='SequentialLR', args={'schedulers': [SchedulerSpec(type='LinearLR', args={'start_factor': 0.01, 'total_iters': 5}), SchedulerSpec(type='cosine', args={'T_max': 95})], 'milestones': [5]})
>>> warmup_steps(0.05, 1001)
51
"""

from __future__ import annotations

import math

from ..errors import LrvizError
from ..spec import DEFAULT_WARMUP_START, SchedulerSpec


def warmup_steps(warmup: int | float, run_length: int) -> int:
    """A warmup in steps: ``warmup`` itself, or that fraction of ``run_length`` rounded up when below 1."""
    return math.ceil(warmup * run_length) if warmup < 1 else int(warmup)


def with_warmup(scheduler: SchedulerSpec, steps: int, start_factor: float | None = None) -> SchedulerSpec:
    """``scheduler`` behind a linear warmup of ``steps`` steps from ``start_factor`` times the lr:
    ``SequentialLR([LinearLR(start_factor, total_iters=steps), scheduler], milestones=[steps])`` for a
    torch (or your own) schedule; ``num_warmup_steps=steps`` for a Hugging Face one."""
    from ..catalog import find

    if steps == 0:
        return scheduler
    facts = find(scheduler.type)
    if facts.source == "hf":
        if facts.arg("num_warmup_steps") is None:
            raise LrvizError(f"warmup: {facts.name} takes no num_warmup_steps", field="warmup")
        given = scheduler.args.get("num_warmup_steps")
        if given is not None and given != steps:
            raise LrvizError(f"warmup is {steps} steps but {facts.name} has num_warmup_steps={given}: give one of them",
                             field="warmup")
        return SchedulerSpec(scheduler.type, {**scheduler.args, "num_warmup_steps": steps})
    if facts.source == "timm":
        raise LrvizError(f"warmup: {facts.name} has its own warmup (warmup_t, warmup_lr_init): use those",
                         field="warmup")
    start = DEFAULT_WARMUP_START if start_factor is None else start_factor
    linear = SchedulerSpec("LinearLR", {"start_factor": start, "total_iters": steps})
    return SchedulerSpec("SequentialLR", {"schedulers": [linear, scheduler], "milestones": [steps]})
