"""The spec options every SPEC command shares, declared once (from lrviz.spec.SpecOptions, so the
Python API takes the same ones; the draw options are in draw_options.py), and the wiring from the
command line to the library.

A command taking SPECs is registered with :func:`spec_command`: it gets every spec option, in
the same order and with the same help, and receives a :class:`SpecRequest` to load its specs from.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import LrvizError
from ..spec import SpecOptions
from .app import app
from .console import progress_bar
from .draw_options import DrawOptions, group_parameters

#: scheduler arguments are not typer options: typer passes them through for lrviz to read
SPEC_CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}
SPEC_HELP = (
    "SPEC is an inline spec (cosine:T_max=20,eta_min=1e-5), a YAML file (configs/cosine.yaml), "
    "or a scheduler name followed by its own arguments (cosine --T_max 20, or --sched cosine --T_max 20)."
)


def examples(*commands: str, intro: str = SPEC_HELP) -> str:
    """An epilog: what a SPEC is and example commands, one paragraph each."""
    return "\n\n".join([intro, "Examples:", *commands])


# ---------------------------------------------------------------- spec options, shared by every SPEC command
def _flag(option) -> str:
    return "--" + option.name.replace("_", "-")


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
        specs = specs_from_tokens(list(self.ctx.args), sched=self.sched, sets=list(self.options.set),
                                  trust_code=bool(self.options.trust_code))
        refuse_ambiguous_arguments(self.ctx, specs)
        return apply_options(specs, self.options)


def spec_command(name: str | None = None, *, metavar: str = "SPEC... [OPTIONS]", epilog: str = "", draws: bool = False,
                 leading: tuple[str, ...] = ()):
    """Register a command taking SPECs: the spec options are put first in its signature, and the
    function gets ``request: SpecRequest`` in their place (plus its own options); ``draws`` adds the
    DrawOptions after them, given to the function as ``draw``; ``leading`` names the arguments that
    come before the SPECs (``lrviz audit LOG SPEC``), each given to the function as text."""
    def register(func):
        own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in inspect.signature(func, eval_str=True).parameters.values()
               if p.name not in ("request", "draw", *leading)]
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
            for argument in leading:
                values[argument] = take_leading(ctx, argument)
            return func(request=SpecRequest(ctx, sched, options), **values)

        command.__signature__ = inspect.Signature(params)
        command.__annotations__ = {p.name: p.annotation for p in params}
        del command.__wrapped__  # typer reads the signature above, not the function's own
        return app.command(name, context_settings=SPEC_CONTEXT, options_metavar=metavar, epilog=epilog)(command)

    return register


def take_leading(ctx: typer.Context, name: str) -> str:
    """The first token of the command line, taken off the SPEC tokens: the argument ``name`` before them."""
    if not ctx.args or ctx.args[0].startswith("-"):
        raise LrvizError(f"{name.upper()} is missing: it comes first, as in lrviz {ctx.command.name} "
                         f"{ctx.command.options_metavar}")
    return ctx.args.pop(0)


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
