"""``lrviz audit``: the lr a real run logged beside the prediction: agree (exit 0), or where and why they part (exit 1)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ...errors import LrvizError
from ...notices import one_line
from ..draw_options import Ascii, Log, Width
from ..options import SpecRequest, check_names, examples, spec_command

AUDIT_HELP = (
    "LOG comes first: a Hugging Face trainer_state.json (or its output directory), a TensorBoard event file or run "
    "directory, a Lightning metrics.csv (or its version_N directory), or a CSV of step and lr (a W&B export). "
    "SPEC is the schedule the run was meant to follow (inline, YAML, or a name and its flags), with its warmup "
    "and training plan: the prediction is what lrviz plot draws for it, per optimizer step. The verdict goes to "
    "stdout (--terminal adds the chart, -o a figure). Exit code: 0 the log agrees, 1 it does not, 2 unreadable "
    "log or spec.")

Series = Annotated[Optional[str], typer.Option(metavar="NAME", help="The TensorBoard tag to read (default: the one named like an lr).", show_default=False)]
Column = Annotated[Optional[str], typer.Option(metavar="NAME", help="The CSV column (or JSON key) to read (default: the one named like an lr).", show_default=False)]
StepColumn = Annotated[Optional[str], typer.Option("--step-column", metavar="NAME", help="The CSV column of the steps (default: step, Step, train/global_step... if any, else the row number).", show_default=False)]
LogFormat = Annotated[Optional[str], typer.Option("--log-format", metavar="hf-json|tensorboard|csv", help="The log's format (default: told from the path).", show_default=False)]
FirstStep = Annotated[Optional[int], typer.Option("--first-step", metavar="N", help="The step number the log gives optimizer step 0 (default: its format's: Hugging Face 1, Lightning and CSV 0).", show_default=False)]
Group = Annotated[int, typer.Option(metavar="G", min=0, help="The param group the logged lr belongs to.")]
Format = Annotated[str, typer.Option("--format", "-f", metavar="text|json", help="text (the verdict) or json (match, first_divergence, max_abs_error, cause, fix and details).")]
Output = Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Also draw the audit to this image: .png, .svg or .pdf.", show_default=False)]
Title = Annotated[Optional[str], typer.Option(metavar="TEXT", help="Figure title (default: the verdict).", show_default=False)]
Terminal = Annotated[bool, typer.Option("--terminal", "-t", help="Chart the logged and predicted lr (and the diagnosed run) in the terminal above the verdict.")]


@spec_command(leading=("log",), metavar="LOG SPEC [OPTIONS]", epilog=examples(
    "lrviz audit out/trainer_state.json hf:linear --num_warmup_steps 5 --num_training_steps 48",
    "lrviz audit lightning_logs/version_0 cosine:T_max=48 --steps-per-epoch 16 -o audit.png",
    "lrviz audit lr.csv cosine:T_max=48 --runner accelerate --devices 2 --dataset-size 64 --batch-size 4 --epochs 3",
    "lrviz audit runs/ configs/cosine.yaml --tag train/learning_rate --format json",
    intro=AUDIT_HELP,
))
def audit(request: SpecRequest, log: str, tag: Series = None, column: Column = None, step_column: StepColumn = None,
          log_format: LogFormat = None, first_step: FirstStep = None, group: Group = 0, fmt: Format = "text",
          output: Output = None, terminal: Terminal = False, log_scale: Log = False, width: Width = None,
          ascii: Ascii = False, title: Title = None):
    """Audit a real run: the lr it logged beside the schedule's, the first step where they part, and why."""
    from ...audit import read_log
    from ...audit.planned import run_prediction
    from ...notices import warn
    from ...spec import choice

    choice(fmt, ("text", "json"), "format", field="format")
    if tag is not None and column is not None:
        raise LrvizError("--tag and --column both name the series to read: give one")
    if terminal and fmt == "json":
        raise LrvizError("--terminal draws a chart in the text output; --format json prints JSON only")
    if output is not None:
        check_figure_path(output)
    if not Path(log).exists():
        raise LrvizError(f"no such file or directory: {log} (the run's LOG comes first: lrviz audit LOG SPEC)")
    specs = request.specs()
    if len(specs) != 1:
        raise LrvizError(f"lrviz audit compares a log with one schedule, got {len(specs)}")
    check_names(specs)
    run_log = read_log(log, series=tag or column, step_column=step_column, fmt=log_format, group=group,
                       first_step=first_step)
    if step_column is not None and not run_log.format.endswith("csv"):
        raise LrvizError(f"--step-column applies to CSV logs; {run_log.source} is {run_log.format}")
    run = run_prediction(specs[0])
    result = run.audit(run_log, group=group)
    if output is not None:  # drawn first: a reader of stdout that stops early (| head) does not stop the figure
        from ...render.audit_figure import audit_figure
        from ...render.png import save_figure

        save_figure(audit_figure(result, log=log_scale, title=title), output)
    show(result, run, fmt, terminal=terminal, log_scale=log_scale, width=width, ascii=ascii)
    if output is not None:
        print(f"wrote {one_line(str(output))}", file=sys.stderr if fmt == "json" else sys.stdout)
    for note in run.notes:
        warn(note)
    raise typer.Exit(result.exit_code)


def check_figure_path(path: Path) -> None:
    """Refuse, before any work, a figure file that cannot be written (an audit has no HTML page)."""
    from ...output import check_writable
    from ...render.html import HTML_SUFFIXES
    from ...render.png import FIGURE_SUFFIXES

    if path.suffix.lower() in HTML_SUFFIXES:
        raise LrvizError(f"cannot write '{path}': an audit is drawn as {', '.join(FIGURE_SUFFIXES)} "
                         f"(HTML pages are for lrviz plot and compare)")
    check_writable(path, FIGURE_SUFFIXES)


def show(result, run, fmt: str, *, terminal: bool, log_scale: bool, width: int | None, ascii: bool) -> None:
    """The verdict on stdout: JSON, or the text lines (under the chart with ``terminal``); the run
    the prediction follows said under the prediction, when it has a training plan."""
    if fmt == "json":
        import json

        data = {**result.to_dict(), "run": run.counts and run.counts.to_dict(), "run_notes": list(run.notes)}
        print(json.dumps(data, indent=2))
        return
    if terminal:
        from ...render.audit import audit_lines
        from ..console import console

        lines = audit_lines(result, width or console().width, log=log_scale, ascii=ascii)
    else:
        lines = result.verdict_lines()
    if run.counts is not None:
        at = next(i for i, line in enumerate(lines) if line.startswith("prediction: ")) + 1
        lines.insert(at, f"  as the training plan runs it: {run.describe()}")
    print("\n".join(lines))
