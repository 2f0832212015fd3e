"""``lrviz code``: the plain-torch Python that builds the same optimizer and scheduler."""

from __future__ import annotations

from ...errors import LrvizError
from ..options import SpecRequest, check_names, examples, spec_command


@spec_command(epilog=examples(
    "lrviz code cosine:T_max=20,eta_min=1e-5",
    "lrviz code configs/cosine.yaml > schedule.py",
    "lrviz code onecycle --max_lr 0.1 --total_steps 100 --optimizer adamw",
))
def code(request: SpecRequest):
    """Print a runnable Python snippet building the same optimizer and scheduler in plain torch."""
    from ...codegen import python_code

    specs = request.specs()
    if len(specs) != 1:
        raise LrvizError(f"lrviz code writes one schedule, got {len(specs)}: pass one SPEC "
                         f"(or one YAML file with a single schedule)")
    check_names(specs)
    print(python_code(specs[0]))
