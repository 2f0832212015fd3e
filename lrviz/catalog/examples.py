"""A runnable example for every scheduler, for ``lrviz describe`` (and the tests, which run each).

>>> from lrviz.catalog import find
>>> example_spec(find("step"))
'step:step_size=30,gamma=0.1'
"""

from __future__ import annotations

import shlex

from .facts import ArgFacts, Facts

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


def short_name(facts: Facts) -> str:
    """The name to type: the first alias, else the name (``cosine`` for CosineAnnealingLR)."""
    return facts.aliases[0] if facts.aliases and facts.source == "torch" else facts.name


def required_names(facts: Facts) -> list[str]:
    return [a.name for a in facts.args if a.required]


def _fallback_value(arg: ArgFacts) -> str:
    return VALUES_BY_NAME.get(arg.name) or VALUES_BY_TYPE.get(arg.type.split(" | ")[0], "1")


def example_spec(facts: Facts) -> str:
    """An inline spec that runs: the curated example, else the required arguments with plausible values."""
    args = EXAMPLES.get(facts.name)
    if args is None:
        args = ",".join(f"{a.name}={_fallback_value(a)}" for a in facts.args if a.required)
    return f"{short_name(facts)}:{args}" if args else short_name(facts)


def example_command(facts: Facts) -> str:
    """A runnable command drawing the example in the terminal.

    >>> from lrviz.catalog import find
    >>> example_command(find("lambda"))
    "lrviz plot 'lambda:lr_lambda=0.5 ** (epoch // 3)' --terminal"
    """
    return f"lrviz plot {shlex.quote(example_spec(facts))} --terminal"
