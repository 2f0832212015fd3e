"""The options commands share, declared once: the spec options (from lrviz.spec.SpecOptions, so
the Python API takes the same ones) and the output options, and the wiring from them to the library.

A command taking SPECs is registered with :func:`spec_command`: it gets every spec option, in
the same order and with the same help, and receives a :class:`SpecRequest` to load its specs from.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import LrvizError
from ..render.png import FIGURE_SUFFIXES, LAYOUTS
from ..render.table import FORMATS
from ..spec import UNITS, SpecOptions
from .app import app

#: scheduler arguments are not typer options: typer passes them through for lrviz to read
SPEC_CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}
#: the narrowest terminal chart: the y labels take 12 columns
MIN_WIDTH = 20
SPEC_HELP = (
    "SPEC is an inline spec (cosine:T_max=20,eta_min=1e-5), a YAML file (configs/cosine.yaml), "
    "or a scheduler name followed by its own arguments (cosine --T_max 20, or --sched cosine --T_max 20)."
)


def examples(*commands: str, intro: str = SPEC_HELP) -> str:
    """An epilog: what a SPEC is and example commands, one paragraph each."""
    return "\n\n".join([intro, "Examples:", *commands])


def choices(values) -> str:
    return ", ".join(values)


# ---------------------------------------------------------------- output options, shared by the commands drawing
Output = Annotated[Optional[Path], typer.Option(
    "--output", "-o", metavar="FILE", help=f"Image file: {choices(FIGURE_SUFFIXES)} (default lrviz-<label>.png).", show_default=False)]
Terminal = Annotated[bool, typer.Option("--terminal", "-t", help="Draw in the terminal instead of a file (unless -o is given too).")]
Log = Annotated[bool, typer.Option("--log", help="Log-scale y axis.")]
Title = Annotated[Optional[str], typer.Option(metavar="TEXT", help="Figure title (default: the schedule).", show_default=False)]
Width = Annotated[Optional[int], typer.Option(min=MIN_WIDTH, metavar="COLUMNS", help="Terminal chart width in columns (default: the terminal's, else 80).", show_default=False)]
Momentum = Annotated[bool, typer.Option("--momentum", help="Also show the momentum the optimizer holds (SGD momentum, Adam/AdamW betas[0]).")]
Unit = Annotated[Optional[str], typer.Option(
    "--unit", metavar="|".join(UNITS), help=f"Show rows per {' or per '.join(UNITS)} (default: the schedule's own interval).", show_default=False)]
Layout = Annotated[str, typer.Option(metavar="|".join(LAYOUTS), help="overlay: one axis with a legend; side: a panel each, same axes.")]
TableFormat = Annotated[str, typer.Option("--format", "-f", metavar="|".join(FORMATS), help="The table format (latex: booktabs).")]


def ascii_when_needed(ascii: bool) -> bool:
    """``--ascii``, or on by itself when stdout cannot encode the chart's Unicode (``PYTHONIOENCODING=ascii``)."""
    import sys

    try:
        "█┤·".encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return True
    return ascii


Ascii = Annotated[bool, typer.Option("--ascii", callback=ascii_when_needed, help="Draw terminal charts in plain ASCII, for terminals without Unicode blocks (automatic when the output encoding has none).")]


def cli_field(annotation, default=None):
    """A field of an options group, with the typer annotation that makes it a flag."""
    return field(default=default, metadata={"annotation": annotation})


@dataclass(frozen=True)
class DrawOptions:
    """The options of every command that draws schedules (plot, compare): where, and how."""

    output: Optional[Path] = cli_field(Output)
    terminal: bool = cli_field(Terminal, False)
    log: bool = cli_field(Log, False)
    title: Optional[str] = cli_field(Title)
    width: Optional[int] = cli_field(Width)
    ascii: bool = cli_field(Ascii, False)
    momentum: bool = cli_field(Momentum, False)
    unit: Optional[str] = cli_field(Unit)

    @property
    def drawing(self) -> bool:
        """Is a figure file made: with -o, or when the terminal is not asked for instead?"""
        return self.output is not None or not self.terminal


def group_parameters(group) -> list[inspect.Parameter]:
    """The typer parameters of an options group's fields."""
    return [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default, annotation=f.metadata["annotation"])
            for f in fields(group)]


# ---------------------------------------------------------------- spec options, shared by every SPEC command
def _flag(field) -> str:
    return "--" + field.name.replace("_", "-")


def spec_parameters() -> list[inspect.Parameter]:
    """``--sched`` and one option per SpecOptions field, as typer parameters."""
    sched = Annotated[Optional[str], typer.Option(
        "--sched", "-s", metavar="NAME", help="Scheduler name; its arguments follow as --name value.", show_default=False)]
    params = [inspect.Parameter("sched", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=sched)]
    for option in fields(SpecOptions):
        meta = option.metadata
        help = meta["help"] + (" Repeatable." if meta["repeat"] else "")
        if meta["flag"]:
            flags = f"{_flag(option)}/--no-{_flag(option)[2:]}"
            annotation = Annotated[Optional[bool], typer.Option(flags, help=help, show_default=False)]
        else:
            kind = Optional[list[str]] if meta["repeat"] else Optional[str]
            annotation = Annotated[kind, typer.Option(_flag(option), metavar=meta["metavar"], help=help,
                                                      show_default=False)]
        params.append(inspect.Parameter(option.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation))
    return params


SPEC_NAMES = ["sched", *SpecOptions.names()]


@dataclass
class SpecRequest:
    """The SPEC tokens and spec options of one command line, loaded into ScheduleSpecs on demand."""

    ctx: typer.Context
    sched: str | None
    options: SpecOptions

    def specs(self):
        """The ScheduleSpecs named on the command line, options applied, labels unique."""
        from ..spec import apply_options, specs_from_tokens

        refuse_misspelt_options(self.ctx, self.sched)
        specs = specs_from_tokens(list(self.ctx.args), sched=self.sched, sets=list(self.options.set))
        refuse_ambiguous_arguments(self.ctx, specs)
        return apply_options(specs, self.options)


def spec_command(name: str | None = None, *, metavar: str = "SPEC... [OPTIONS]", epilog: str = "", draws: bool = False):
    """Register a command taking SPECs: the spec options are put first in its signature, and the
    function gets ``request: SpecRequest`` in their place (plus its own options); ``draws`` adds the
    DrawOptions after them, given to the function as ``draw``."""
    def register(func):
        own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in inspect.signature(func, eval_str=True).parameters.values()
               if p.name not in ("request", "draw")]
        ctx = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
        params = [ctx, *spec_parameters(), *(group_parameters(DrawOptions) if draws else []), *own]

        @functools.wraps(func)
        def command(ctx: typer.Context, **values):
            shared = {name: values.pop(name) for name in SPEC_NAMES}
            sched = shared.pop("sched")
            repeated = {f.name for f in fields(SpecOptions) if f.metadata["repeat"]}
            options = SpecOptions(**{k: tuple(v or ()) if k in repeated else v for k, v in shared.items()})
            if draws:
                values["draw"] = DrawOptions(**{f.name: values.pop(f.name) for f in fields(DrawOptions)})
            return func(request=SpecRequest(ctx, sched, options), **values)

        command.__signature__ = inspect.Signature(params)
        command.__annotations__ = {p.name: p.annotation for p in params}
        del command.__wrapped__  # typer reads the signature above, not the function's own
        return app.command(name, context_settings=SPEC_CONTEXT, options_metavar=metavar, epilog=epilog)(command)

    return register


def command_options(ctx: typer.Context) -> list[str]:
    """Every ``--name`` the command takes."""
    return [name for p in ctx.command.params for name in (*p.opts, *p.secondary_opts) if name.startswith("--")]


def refuse_misspelt_options(ctx: typer.Context, sched: str | None) -> None:
    """A ``--name`` that is not an argument of the scheduler named (if any) but is close to one of
    the command's options is a misspelt option: say which (``--termnal``: did you mean
    '--terminal'?) rather than call it a scheduler argument."""
    from ..catalog import find
    from ..spec import suggest
    from ..spec.tokens import name_then_flags

    tokens = list(ctx.args)
    if sched is None and name_then_flags(tokens):
        sched, tokens = tokens[0], tokens[1:]
    facts = find(sched) if sched is not None else None
    for token in tokens:
        name = token.split("=")[0]
        if not name.startswith("--"):
            continue
        if facts is not None and (facts.arg(name[2:]) is not None or suggest(name[2:], [a.name for a in facts.args])):
            continue  # the scheduler's argument, or a misspelling of one: its own check says which
        hint = suggest(name, command_options(ctx))
        if hint:
            raise LrvizError(f"no such option: {name}{hint}")


def refuse_ambiguous_arguments(ctx: typer.Context, specs) -> None:
    """A scheduler argument spelt like one of lrviz's options (a class taking ``every``, then
    ``--every 5``) was taken by lrviz: refuse rather than guess which was meant."""
    from typer._click.core import ParameterSource

    from ..catalog import find

    given = [flag for p in ctx.command.params for flag in p.opts
             if flag.startswith("--") and ctx.get_parameter_source(p.name) is ParameterSource.COMMANDLINE]
    for spec in specs:
        facts = find(spec.scheduler.type)
        for flag in given:
            name = flag[2:]
            if facts.arg(name) is not None and name not in spec.scheduler.args:
                raise LrvizError(f"{flag} is both an option of lrviz {ctx.command.name} and an argument of "
                                 f"{facts.name}: lrviz will not guess; for the argument write it inline, "
                                 f"{spec.scheduler.type}:{name}=VALUE")


def check_names(specs) -> None:
    """The usage errors in scheduler and argument names of every spec, decided without torch."""
    from ..catalog.arguments import check_spec_names
    from ..plan.run import supplied_arguments

    for spec in specs:
        check_spec_names(spec.scheduler, supplied_arguments(spec))


def simulate_all(specs):
    """Each schedule simulated, after every one's names are checked (no torch needed for those
    errors), with a progress bar on stderr for long runs."""
    from ..plan.run import simulate_run

    check_names(specs)
    with progress_bar("simulating") as report:
        return [simulate_run(s, report) for s in specs]


def say_notes(traces) -> None:
    """What the user should know to read the curves (Trace.notes), once each, as warnings: called
    when a command has done its work, so that an error stays the only line on stderr."""
    from ..notices import warn

    for note in dict.fromkeys(note for trace in traces for note in trace.notes):
        warn(note)


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


def default_figure_path(traces) -> Path:
    import re

    slug = re.sub(r"[^A-Za-z0-9_.=-]+", "_", "_vs_".join(t.label for t in traces)).strip("_")
    return Path(f"lrviz-{slug[:80] or 'schedule'}.png")


def parse_int_list(text: str, field: str) -> list[int]:
    """``0,30,60`` as integers; an LrvizError naming the field otherwise."""
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise LrvizError(f"{field} takes whole numbers separated by commas, e.g. 0,30,60; got {text!r}",
                         field=field) from None
