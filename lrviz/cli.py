"""The ``lrviz`` command line: a thin typer layer over the library.

Scheduler arguments are not typer options: every ``--name value`` typer does not know is
passed through (``ignore_unknown_options``) and read against the scheduler's signature.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from .errors import LrvizError

try:  # newer typer vendors click
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover - older typer on plain click
    from click.exceptions import ClickException

SPEC_HELP = """
SPEC is an inline spec (cosine:T_max=20,eta_min=1e-5), a YAML file (configs/cosine.yaml),
or --sched NAME followed by the scheduler's own arguments (--sched cosine --T_max 20).
"""


def fail(message: str, code: int = 2):
    """Print ``lrviz: error: message`` on stderr and exit."""
    print(f"lrviz: error: {message}", file=sys.stderr)
    sys.exit(code)


class LrvizGroup(TyperGroup):
    """Every usage or spec error becomes one line on stderr and exit code 2."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args=args, prog_name=prog_name or "lrviz", complete_var=complete_var,
                              standalone_mode=False, **extra)
        except LrvizError as exc:
            fail(str(exc))
        except ClickException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                sys.exit(0)
            fail(exc.format_message(), exc.exit_code)
        except typer.Abort:
            fail("aborted", 1)
        except BrokenPipeError:
            # the reader (e.g. `head`) has gone: stop quietly, as other Unix tools do
            sys.stdout = open("/dev/null", "w")  # noqa: SIM115 - keeps the interpreter's final flush quiet
            sys.exit(0)
        if standalone_mode:
            sys.exit(rv if isinstance(rv, int) else 0)
        return rv


app = typer.Typer(
    cls=LrvizGroup,
    name="lrviz",
    help="See the learning rate your optimizer gets at every step: plot, tabulate and check schedulers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
SPEC_CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}

Sched = Annotated[Optional[str], typer.Option("--sched", "-s", help="Scheduler name; its arguments follow as --name value.", show_default=False)]
Lr = Annotated[Optional[float], typer.Option(help="Starting lr of the optimizer (default 0.1).", show_default=False)]
Steps = Annotated[Optional[int], typer.Option(help="Rows to show (default: the schedule's own horizon, else 100).", show_default=False)]
Label = Annotated[Optional[str], typer.Option(help="Name in titles, legends and table headers.", show_default=False)]
OptimizerName = Annotated[Optional[str], typer.Option("--optimizer", help="sgd, adam or adamw (default sgd).", show_default=False)]
Sets = Annotated[Optional[list[str]], typer.Option("--set", help="Override a YAML value: --set scheduler.T_max=50 (repeatable).", show_default=False)]
Log = Annotated[bool, typer.Option("--log", help="Log-scale y axis.")]
Width = Annotated[Optional[int], typer.Option(help="Terminal chart width in columns (default: the terminal's).", show_default=False)]


def load_specs(ctx: typer.Context, sched, lr, steps, label, optimizer, sets):
    """The ScheduleSpecs named on the command line, with common options applied."""
    from .spec import positive_number, specs_from_tokens

    specs = specs_from_tokens(list(ctx.args), sched=sched, sets=sets or [])
    if label is not None and len(specs) > 1:
        raise LrvizError("--label names one schedule; use name: in YAML for several")
    return [
        s.with_overrides(
            lr=None if lr is None else positive_number(lr, "--lr"),
            steps=None if steps is None else positive_number(steps, "--steps", integer=True),
            label=label,
            optimizer=optimizer,
        )
        for s in specs
    ]


def simulate_all(specs):
    from .simulate import simulate_spec

    return [simulate_spec(s) for s in specs]


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def print_chart(traces, width: int | None, log: bool, height: int) -> None:
    """Each series as a labelled block chart on one shared scale."""
    from .render.terminal import chart

    out = console()
    series = [(t.label if t.groups == 1 else f"{t.label} · group {g}", t.lrs[g]) for t in traces for g in range(t.groups)]
    for line in chart(series, width or out.width, height=height, log=log):
        out.print(line, style="cyan" if "┤" in line else None, markup=False)


def default_figure_path(traces) -> Path:
    import re

    slug = re.sub(r"[^A-Za-z0-9_.=-]+", "_", "_vs_".join(t.label for t in traces)).strip("_")
    return Path(f"lrviz-{slug[:80] or 'schedule'}.png")


@app.command(context_settings=SPEC_CONTEXT, options_metavar="SPEC... [OPTIONS]", epilog=SPEC_HELP + """
Examples:

  lrviz plot --sched cosine --T_max 20

  lrviz plot cosine:T_max=20,eta_min=1e-5 --terminal

  lrviz plot configs/cosine.yaml -o cosine.svg --log
""")
def plot(
    ctx: typer.Context,
    sched: Sched = None,
    lr: Lr = None,
    steps: Steps = None,
    label: Label = None,
    optimizer: OptimizerName = None,
    sets: Sets = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Image file: .png, .svg or .pdf (default lrviz-<label>.png).", show_default=False)] = None,
    terminal: Annotated[bool, typer.Option("--terminal", "-t", help="Draw in the terminal instead of a file (unless -o is given too).")] = False,
    log: Log = False,
    title: Annotated[Optional[str], typer.Option(help="Figure title (default: the scheduler and its arguments).", show_default=False)] = None,
    width: Width = None,
):
    """Plot the lr schedule to an image (PNG/SVG/PDF) or the terminal."""
    from .output import check_writable
    from .render.png import FIGURE_SUFFIXES

    if output is not None:
        check_writable(output, FIGURE_SUFFIXES)
    traces = simulate_all(load_specs(ctx, sched, lr, steps, label, optimizer, sets))
    if terminal:
        print_chart(traces, width, log, height=8)
        if output is None:
            return
    from .render.png import make_figure, save_figure
    from .render.terminal import sparkline

    path = save_figure(make_figure(traces, log=log, title=title), output or default_figure_path(traces))
    out = console()
    if not terminal:
        for trace in traces:
            line = sparkline(trace.lrs[0], min(60, out.width - len(trace.label) - 2))
            out.print(f"{trace.label}  {line}", markup=False)
    out.print(f"wrote {path}", markup=False)


@app.command(context_settings=SPEC_CONTEXT, options_metavar="SPEC... [OPTIONS]", epilog=SPEC_HELP + """
Examples:

  lrviz table --sched step --step_size 10 --gamma 0.5 --steps 30 --format csv -o -

  lrviz table configs/cosine.yaml --format latex --every 10

  lrviz table onecycle:max_lr=0.1,total_steps=100 --at 0,30,99 --digits 4 --format md
""")
def table(
    ctx: typer.Context,
    sched: Sched = None,
    lr: Lr = None,
    steps: Steps = None,
    label: Label = None,
    optimizer: OptimizerName = None,
    sets: Sets = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, md, latex (booktabs) or json.")] = "csv",
    every: Annotated[Optional[int], typer.Option(help="Every K-th row only.", show_default=False)] = None,
    at: Annotated[Optional[str], typer.Option(help="Only these rows, e.g. 0,30,60.", show_default=False)] = None,
    digits: Annotated[Optional[int], typer.Option(help="Significant digits (default: full round-trip precision).", show_default=False)] = None,
    output: Annotated[str, typer.Option("--output", "-o", help="File to write, or - for stdout.")] = "-",
):
    """Print the lr at every step as a table: CSV, Markdown, LaTeX or JSON."""
    from .output import check_writable, write_atomically
    from .render.table import FORMATS, formatter, pick_rows, table_lines

    if fmt not in FORMATS:
        raise LrvizError(f"unknown --format '{fmt}' (valid: {', '.join(FORMATS)})")
    formatter(digits)  # validate before any work
    at_rows = parse_int_list(at, "--at") if at is not None else None
    if output != "-":
        check_writable(output)
    traces = simulate_all(load_specs(ctx, sched, lr, steps, label, optimizer, sets))
    rows = pick_rows(max(t.steps for t in traces), every=every, at=at_rows)
    lines = table_lines(traces, fmt, rows, digits)
    if output == "-":
        sys.stdout.writelines(lines)
        sys.stdout.flush()
    else:
        write_atomically(output, lambda fh: fh.writelines(lines))
        print(f"wrote {output}", file=sys.stderr)


def parse_int_list(text: str, option: str) -> list[int]:
    """``0,30,60`` as integers; an LrvizError naming the option otherwise."""
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise LrvizError(f"{option} takes whole numbers separated by commas, e.g. 0,30,60; got {text!r}") from None


def main() -> None:
    app()
