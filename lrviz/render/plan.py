"""``lrviz plan``: a run's counts as a table (samples -> batches -> optimizer steps -> scheduler steps,
warmup), each with the rule that produced it and the runner version it follows; or as JSON.

>>> from lrviz.plan.derive import derive
>>> from lrviz.plan.model import TrainingPlan
>>> counts = derive(TrainingPlan(dataset_size=100, batch_size=8, grad_accum=4, epochs=3))
>>> import json; data = json.loads(plan_json(counts))
>>> data["optimizer_steps"], data["steps_per_epoch"], data["warmup_steps"], data["scheduler_steps"]
(12, 4, 0, 12)
"""

from __future__ import annotations

import json
from typing import Sequence


def _show(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def plan_table(counts, title: str | None = None):
    """The counts as a rich Table: what, how many, the rule, where the rule comes from."""
    from rich.table import Table

    plan = counts.plan
    head = title or (f"{plan.runner}: {plan.dataset_size:,} samples, batch {plan.batch_size} × {plan.devices} "
                     f"device(s), accumulation {plan.grad_accum} ({counts.runner_version})")
    table = Table(title=head, title_justify="left", show_edge=False, pad_edge=False)
    for column, justify in (("count", "left"), ("value", "right"), ("rule", "left"), ("follows", "left")):
        table.add_column(column, justify=justify, overflow="fold")
    for name, count in counts.rows():
        table.add_row(name, _show(count.value), count.rule, count.source)
    return table


def print_plan(out, counts, found: Sequence = (), title: str | None = None) -> None:
    """Print the table on the rich console ``out`` (boxed on a terminal, plain text elsewhere),
    then every finding: the step where it bites, what happens, the fix."""
    from rich import box

    table = plan_table(counts, title)
    table.box = box.SIMPLE_HEAD if out.is_terminal else None
    out.print(table)
    for finding in found:
        out.print(f"warning: {finding}", markup=False, highlight=False)


def plan_json(counts, found: Sequence = ()) -> str:
    """The counts (``optimizer_steps``, ``steps_per_epoch``, ``warmup_steps``, ``scheduler_steps``, and each
    count with its rule) and the findings, as JSON text."""
    data = counts.to_dict()
    data["findings"] = [f.to_dict() for f in found]
    return json.dumps(data, indent=2) + "\n"
