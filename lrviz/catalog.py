"""What ``lrviz list`` and ``lrviz describe`` show: every known scheduler, its arguments and an example.

They read lrviz.cache's facts about the registry (names, arguments, doc lines), cached on disk,
so neither command imports torch once the cache is warm.

>>> example_spec(find("step"))
'step:step_size=30,gamma=0.1'
>>> [(row.name, row.type, row.default, row.required) for row in argument_rows(find("cosine"))][:2]
[('T_max', 'int', '', True), ('eta_min', 'float', '0.0', False)]
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .cache import ArgFacts, Facts

#: the inline arguments of each scheduler's example: a typical use, and what each needs to run
EXAMPLES = {
    "LambdaLR": "lr_lambda=0.5 ** (epoch // 3)",
    "MultiplicativeLR": "lr_lambda=0.95",
    "StepLR": "step_size=30,gamma=0.1",
    "MultiStepLR": "milestones=[30,60,80],gamma=0.5",
    "ConstantLR": "factor=0.5,total_iters=20",
    "LinearLR": "start_factor=0.1,total_iters=20",
    "ExponentialLR": "gamma=0.95",
    "SequentialLR": "schedulers=[linear(start_factor=0.1,total_iters=5),cosine(T_max=95)],milestones=[5]",
    "CosineAnnealingLR": "T_max=100,eta_min=1e-5",
    "ChainedScheduler": "schedulers=[exp(gamma=0.98),step(step_size=30,gamma=0.5)]",
    "ReduceLROnPlateau": "factor=0.5,patience=3,metrics=max(exp(-step / 10), 0.2)",
    "CyclicLR": "base_lr=0.01,max_lr=0.1,step_size_up=10",
    "CosineAnnealingWarmRestarts": "T_0=10,T_mult=2",
    "OneCycleLR": "max_lr=0.1,total_steps=100",
    "PolynomialLR": "total_iters=100,power=2.0",
    "timm:cosine": "t_initial=100,warmup_t=5,warmup_lr_init=1e-4",
    "timm:multistep": "decay_t=[30,60],decay_rate=0.1",
    "timm:plateau": "mode=min,patience_t=3,decay_rate=0.5,metrics=max(exp(-step / 10), 0.2)",
    "timm:poly": "t_initial=100,power=2.0",
    "timm:step": "decay_t=30,decay_rate=0.5",
    "timm:tanh": "t_initial=100",
    "timm:wsd": "t_initial=100,decay_t=20",
    "hf:constant_with_warmup": "num_warmup_steps=10",
    "hf:inverse_sqrt": "num_warmup_steps=10",
    "hf:reduce_lr_on_plateau": "patience=3,metrics=max(exp(-step / 10), 0.2)",
    "hf:cosine_with_min_lr": "num_warmup_steps=10,num_training_steps=100,min_lr_rate=0.1",
    "hf:cosine_warmup_with_min_lr": "num_warmup_steps=10,num_training_steps=100,min_lr_rate=0.1",
    "hf:warmup_stable_decay": "num_warmup_steps=10,num_stable_steps=60,num_decay_steps=30",
    "hf:greedy": "patience=3,metrics=max(exp(-step / 10), 0.2)",
}
#: a required argument without an example above gets a value by its name, then by its type
VALUES_BY_NAME = {"num_warmup_steps": "10", "num_training_steps": "100", "t_initial": "100", "total_steps": "100"}
VALUES_BY_TYPE = {"int": "10", "float": "0.1", "list[int]": "[30,60]", "list[float]": "[0.1]", "bool": "true"}


def entries() -> list[Facts]:
    """Every scheduler lrviz knows: torch's, then the installed peers' (timm, Hugging Face)."""
    from .cache import all_facts

    return all_facts()


def find(name: str) -> Facts:
    """The scheduler a user named (a user's class is loaded to read it); an LrvizError with
    "did you mean" when there is none."""
    from . import cache
    from .registry import resolve

    facts = cache.find(name)
    return cache.facts_of(resolve(name)) if facts is None else facts


def short_name(entry: Facts) -> str:
    """The name to type: the first alias, else the name (``cosine`` for CosineAnnealingLR)."""
    return entry.aliases[0] if entry.aliases and entry.source == "torch" else entry.name


def required_names(entry: Facts) -> list[str]:
    return [a.name for a in entry.args if a.required]


def argument_rows(entry: Facts) -> list[ArgFacts]:
    """One line of a describe page per argument: name, type, default, required."""
    return list(entry.args)


def _fallback_value(arg: ArgFacts) -> str:
    return VALUES_BY_NAME.get(arg.name) or VALUES_BY_TYPE.get(arg.type.split(" | ")[0], "1")


def example_spec(entry: Facts) -> str:
    """An inline spec that runs: the curated example, else the required arguments with plausible values."""
    args = EXAMPLES.get(entry.name)
    if args is None:
        args = ",".join(f"{a.name}={_fallback_value(a)}" for a in entry.args if a.required)
    return f"{short_name(entry)}:{args}" if args else short_name(entry)


def example_command(entry: Facts) -> str:
    """A runnable command drawing the example in the terminal.

    >>> example_command(find("lambda"))
    "lrviz plot 'lambda:lr_lambda=0.5 ** (epoch // 3)' --terminal"
    """
    return f"lrviz plot {shlex.quote(example_spec(entry))} --terminal"
