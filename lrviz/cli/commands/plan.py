"""``lrviz plan``: what a training run's runner derives (batches, optimizer steps, scheduler steps,
warmup), with the rule behind each count, and what would break the schedule in it."""

from __future__ import annotations

from typing import Annotated

import typer

from ...errors import LrvizError
from ..console import console
from ..options import SpecRequest, examples, spec_command

PLAN_SPECS = ("SPEC is optional: with one (inline, YAML or a name and its flags) the plan also checks the schedule "
              "against the run. The run comes from the plan options (or a YAML training: section).")


@spec_command(metavar="[SPEC] [OPTIONS]", epilog=examples(
    "lrviz plan --runner hf-trainer --dataset-size 50000 --batch-size 32 --devices 4 --grad-accum 2 --epochs 3 --warmup 0.1",
    "lrviz plan cosine --T_max 1000 --runner accelerate --devices 8 --dataset-size 128000 --batch-size 16 --epochs 1",
    "lrviz plan configs/llama-cosine.yaml --format json",
    intro=PLAN_SPECS,
))
def plan(request: SpecRequest,
         fmt: Annotated[str, typer.Option("--format", "-f", metavar="text|json", help="text (a table) or json.")] = "text"):
    """The counts a training run derives, each with its rule, and the mistakes in its schedule."""
    from ...plan.derive import derive
    from ...plan.findings import findings
    from ...plan.run import plan_of
    from ...render.plan import plan_json, print_plan
    from ...spec import ScheduleSpec, SchedulerSpec, choice
    from ..options import check_names

    choice(fmt, ("text", "json"), "format", field="format")
    specs = request.specs() if request.ctx.args or request.sched else []
    if len(specs) > 1:
        raise LrvizError(f"lrviz plan checks one schedule, got {len(specs)}")
    if specs:
        check_names(specs)
        spec = specs[0]
    else:
        from ...spec.options import apply_options

        spec = apply_options([ScheduleSpec(SchedulerSpec("constant"), label="")], request.options)[0]
    if spec.training is None:
        raise LrvizError("no training run: give --runner, --dataset-size, --batch-size and --epochs (or --max-steps), "
                         "or a YAML training: section")
    counts = derive(plan_of(spec))
    found = findings(spec, counts) if specs else []
    if fmt == "json":
        print(plan_json(counts, found), end="")
    else:
        print_plan(console(), counts, found)
