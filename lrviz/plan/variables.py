"""Scheduler arguments written in terms of the run: ``cosine:T_max=total_steps-warmup_steps``.

Any numeric argument (or list item) may be an expression, evaluated by lrviz's safe evaluator
(lrviz.expr), of the plan variables: ``total_steps`` (optimizer steps), ``warmup_steps``,
``steps_per_epoch``, ``epochs``, ``scheduler_steps`` (``scheduler.step()`` calls the runner makes) and
``devices``. Text that names none of them is left as written (``mode=triangular``, an
``lr_lambda`` of ``epoch``). Under the Hugging Face Trainer, ``hf:`` schedules get
``num_training_steps`` and ``num_warmup_steps`` as the Trainer passes them, where not set.

>>> from lrviz.plan.model import TrainingPlan
>>> from lrviz.plan.derive import derive
>>> from lrviz.spec import parse_inline
>>> counts = derive(TrainingPlan(dataset_size=1000, batch_size=10, epochs=3, warmup=0.1))
>>> resolve_spec(parse_inline("cosine:T_max=total_steps-warmup_steps,eta_min=1e-5"), counts)
SchedulerSpec(type='cosine', args={'T_max': 270, 'eta_min': 1e-05})
"""

from __future__ import annotations

import ast

from ..errors import LrvizError
from ..expr import CONSTANTS, FUNCTIONS, Expression
from ..spec import SchedulerSpec
from .counts import RunCounts

PLAN_VARIABLES = ("total_steps", "warmup_steps", "steps_per_epoch", "epochs", "scheduler_steps", "devices")
#: what the HF Trainer passes ``get_scheduler``: argument -> plan variable
TRAINER_ARGUMENTS = {"num_training_steps": "total_steps", "num_warmup_steps": "warmup_steps"}


def names_in(text: str) -> set[str] | None:
    """The names an expression uses, or None when ``text`` is not an expression."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def resolve_value(value, variables: dict, where: str):
    """``value`` with every expression of plan variables in it evaluated (lists item by item)."""
    if isinstance(value, list):
        return [resolve_value(v, variables, f"{where}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value
    names = names_in(value)
    if not names or not names & set(PLAN_VARIABLES):
        return value
    unknown = names - set(PLAN_VARIABLES) - set(FUNCTIONS) - set(CONSTANTS)
    if unknown:
        raise LrvizError(f"{where} = {value!r} names {', '.join(sorted(unknown))}: plan expressions may use "
                         f"{', '.join(PLAN_VARIABLES)}")
    return Expression(value, PLAN_VARIABLES, what=where)(**variables)


def resolve_spec(spec: SchedulerSpec, counts: RunCounts) -> SchedulerSpec:
    """``spec`` (and its nested schedulers) with plan variables evaluated and, under the HF Trainer,
    ``hf:`` schedules' ``num_training_steps``/``num_warmup_steps`` filled as the Trainer fills them."""
    from ..catalog import find
    from ..catalog.arguments import nested_specs

    facts = find(spec.type)
    variables = counts.variables()
    args = {}
    for key, value in spec.args.items():
        children = None if facts.arg(key) is None else nested_specs(facts, key, value)
        if isinstance(children, SchedulerSpec):
            args[key] = resolve_spec(children, counts)
        elif children is not None:
            args[key] = [resolve_spec(child, counts) for child in children]
        else:
            args[key] = resolve_value(value, variables, f"{spec.type}.{key}")
    if facts.source == "hf" and counts.plan.runner == "hf-trainer":
        for key, variable in TRAINER_ARGUMENTS.items():
            if facts.arg(key) is not None and args.get(key) is None:
                args[key] = variables[variable]
    return SchedulerSpec(spec.type, args)
