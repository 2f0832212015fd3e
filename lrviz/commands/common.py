"""What the commands share: option types, spec loading, simulation, terminal output."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import LrvizError

#: scheduler arguments are not typer options: typer passes them through for lrviz to read
SPEC_CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}
SPEC_METAVAR = "SPEC... [OPTIONS]"
#: the narrowest terminal chart: the y labels take 12 columns
MIN_WIDTH = 20
SPEC_HELP = (
    "SPEC is an inline spec (cosine:T_max=20,eta_min=1e-5), a YAML file (configs/cosine.yaml), "
    "or --sched NAME followed by the scheduler's own arguments (--sched cosine --T_max 20)."
)


def examples(*commands: str) -> str:
    """An epilog: the SPEC explanation and example commands, one paragraph each."""
    return "\n\n".join([SPEC_HELP, "Examples:", *commands])


Sched = Annotated[Optional[str], typer.Option("--sched", "-s", help="Scheduler name; its arguments follow as --name value.", show_default=False)]
# --lr and --steps are read by lrviz (spec.positive_number, spec.step_count), not typer, so that
# `--steps 1e3` works and `--steps 1e12` gets a message naming the limit
Lr = Annotated[Optional[str], typer.Option(metavar="LR", help="Starting lr of the optimizer (default 0.1).", show_default=False)]
Steps = Annotated[Optional[str], typer.Option(metavar="N", help="Rows to show (default: the schedule's own horizon, else 100).", show_default=False)]
Label = Annotated[Optional[str], typer.Option(help="Name in titles, legends and table headers.", show_default=False)]
OptimizerName = Annotated[Optional[str], typer.Option("--optimizer", help="sgd, adam or adamw (default sgd).", show_default=False)]
Sets = Annotated[Optional[list[str]], typer.Option("--set", help="Override a YAML value: --set scheduler.T_max=50 (repeatable).", show_default=False)]
Log = Annotated[bool, typer.Option("--log", help="Log-scale y axis.")]
Sweeps = Annotated[Optional[list[str]], typer.Option("--sweep", help="A family of curves: --sweep gamma=0.1,0.5,0.9 (an argument, lr or steps; repeatable).", show_default=False)]
Width = Annotated[Optional[int], typer.Option(min=MIN_WIDTH, help="Terminal chart width in columns (default: the terminal's, else 80).", show_default=False)]
def ascii_when_needed(ascii: bool) -> bool:
    """``--ascii``, or on by itself when stdout cannot encode the chart's Unicode (``PYTHONIOENCODING=ascii``)."""
    import sys

    try:
        "█┤·".encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return True
    return ascii


Ascii = Annotated[bool, typer.Option("--ascii", callback=ascii_when_needed, help="Draw terminal charts in plain ASCII, for terminals without Unicode blocks (automatic when the output encoding has none).")]
StepsPerEpoch = Annotated[Optional[int], typer.Option("--steps-per-epoch", min=1, help="Iterations per epoch (YAML steps_per_epoch): lets rows be shown in steps or epochs.", show_default=False)]
Interval = Annotated[Optional[str], typer.Option("--interval", help="step or epoch: how often the training loop calls scheduler.step() (YAML interval; default step).", show_default=False)]
Unit = Annotated[Optional[str], typer.Option("--unit", help="Show rows per step (iteration) or per epoch (default: the schedule's own interval).", show_default=False)]
Momentum = Annotated[bool, typer.Option("--momentum", help="Also show the momentum the optimizer holds (SGD momentum, Adam/AdamW betas[0]).")]


Metrics = Annotated[Optional[str], typer.Option(help="The metric fed to ReduceLROnPlateau's step(): 0.9,0.7,0.7 | log.csv:val_loss | 'exp(-step / 20)'.", show_default=False)]


def load_specs(ctx: typer.Context, sched, lr, steps, label, optimizer, sets, *, sweeps=None, metrics=None):
    """The ScheduleSpecs named on the command line, with common options and sweeps applied, labels unique."""
    from ..spec import positive_number, specs_from_tokens, step_count
    from ..sweep import expand, parse_sweep, with_unique_labels

    parsed_sweeps = [parse_sweep(s) for s in sweeps or []]
    if sched is None:
        refuse_misspelt_options(ctx)
    specs = specs_from_tokens(list(ctx.args), sched=sched, sets=sets or [])
    if label is not None and len(specs) > 1:
        raise LrvizError("--label names one schedule; use name: in YAML for several")
    specs = [
        s.with_overrides(
            lr=None if lr is None else positive_number(lr, "--lr"),
            steps=None if steps is None else step_count(steps, "--steps"),
            label=label,
            optimizer=optimizer,
            metrics=metrics,
        )
        for s in specs
    ]
    return with_unique_labels(expand(specs, parsed_sweeps))


def refuse_misspelt_options(ctx: typer.Context) -> None:
    """Without --sched, a ``--name`` close to one of the command's options is a misspelt option:
    say which (``--termnal``: did you mean '--terminal'?) rather than call it a scheduler argument."""
    from ..spec import suggest

    options = [name for p in ctx.command.params for name in (*p.opts, *p.secondary_opts) if name.startswith("--")]
    for token in ctx.args:
        name = token.split("=")[0]
        hint = suggest(name, options) if name.startswith("--") else ""
        if hint:
            raise LrvizError(f"no such option: {name}{hint}")


def with_units(specs, steps_per_epoch=None, interval=None):
    """The specs with ``--steps-per-epoch`` and ``--interval`` applied."""
    from ..spec import interval_name

    interval = None if interval is None else interval_name(interval, "--interval")
    return [s.with_overrides(steps_per_epoch=steps_per_epoch, interval=interval) for s in specs]


def simulate_all(specs):
    """Each schedule simulated, after every one's names are checked (no torch needed for those
    errors), with a progress bar on stderr for long runs."""
    from ..simulate import simulate_spec

    check_names(specs)
    with progress_bar("simulating") as report:
        return [simulate_spec(s, report) for s in specs]


def check_names(specs) -> None:
    """The usage errors in scheduler and argument names of every spec, decided without torch."""
    from ..build import check_spec_names

    for spec in specs:
        check_spec_names(spec.scheduler)


#: rows from which a run reports progress: about a second of stepping or formatting
LONG_RUN = 500_000


class progress_bar:
    """``with progress_bar(what) as report``: ``report(done, total)`` draws a transient rich bar on
    stderr once ``total`` reaches LONG_RUN rows; silent when stderr is not a terminal."""

    def __init__(self, what: str):
        self.what, self.bar, self.task, self.done = what, None, None, 0

    def __enter__(self):
        return self.report if console(stderr=True).is_terminal else None

    def report(self, done: int, total: int) -> None:
        if total < LONG_RUN:
            return
        if self.bar is None:
            from rich.progress import Progress

            self.bar = Progress(console=console(stderr=True), transient=True, auto_refresh=False)
            self.bar.start()
        if self.task is None or done < self.done:  # the next of several schedules
            self.task = self.bar.add_task(self.what, total=total)
        self.done = done
        self.bar.update(self.task, completed=done, refresh=True)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def series_name(trace, group: int) -> str:
    """The label of one chart: the schedule, its param group, and where a resumed schedule starts."""
    name = trace.label if trace.groups == 1 else f"{trace.label} · group {group}"
    return name + (f" · resumed: 0 is step {trace.start}" if trace.start else "")


def print_chart(traces, width: int | None, log: bool, height: int, ascii: bool = False, *,
                unit: str | None = None, momentum: bool = False) -> None:
    """Each series as a labelled block chart on one shared scale, as wide as the terminal (or ``width``),
    its rows in ``unit`` (lrviz.units); ``momentum`` adds the momenta, on a scale of their own.

    Colour only on a terminal and without ``NO_COLOR`` (rich decides); ``ascii`` for terminals without Unicode.
    """
    from ..render.terminal import Y_LABEL_WIDTH, chart
    from ..units import to_common_unit

    out = console()
    traces = to_common_unit(traces, unit)
    unit = traces[0].unit
    series = [(series_name(t, g), t.lrs[g]) for t in traces for g in range(t.groups)]
    lines = chart(series, width or out.width, height=height, log=log, ascii=ascii, unit=unit)
    if momentum:
        held = [(f"{series_name(t, g)} · {t.momentum_name}", t.momenta[g]) for t in with_momenta(traces)
                for g in range(t.groups)]
        lines += chart(held, width or out.width, height=max(3, height // 2), ascii=ascii, unit=unit, what="momentum")
    for line in lines:
        is_row = line[Y_LABEL_WIDTH + 1:Y_LABEL_WIDTH + 2] in ("┤", "|")
        out.print(line, style="cyan" if is_row else None, markup=False)


def with_momenta(traces):
    """The traces, refusing one whose optimizer holds no momentum."""
    for trace in traces:
        if trace.momenta is None:
            raise LrvizError(f"--momentum: the optimizer of '{trace.label}' holds no momentum or betas")
    return traces


def default_figure_path(traces) -> Path:
    import re

    slug = re.sub(r"[^A-Za-z0-9_.=-]+", "_", "_vs_".join(t.label for t in traces)).strip("_")
    return Path(f"lrviz-{slug[:80] or 'schedule'}.png")


def parse_int_list(text: str, option: str) -> list[int]:
    """``0,30,60`` as integers; an LrvizError naming the option otherwise."""
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise LrvizError(f"{option} takes whole numbers separated by commas, e.g. 0,30,60; got {text!r}") from None


