"""The typer application and its error handling: every usage or spec error is one line and exit 2,
any other failure one line and exit 1; whatever the streams (closed, full, a reader gone) and the
signals, no traceback and no temporary file is left (lrviz.cli.streams)."""

from __future__ import annotations

import os
import sys

import typer
from typer.core import TyperGroup

from .. import __version__
from ..errors import LrvizError
from ..notices import one_line, shown_once
from ..startup.typer_plain import skip_pydantic
from . import streams

try:  # newer typer vendors click
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover - older typer on plain click
    from click.exceptions import ClickException


def flag_of(field: str) -> str:
    """The command-line flag of a library field: ``steps_per_epoch`` -> ``--steps-per-epoch``."""
    return "--" + field.replace("_", "-")


def message_of(exc: LrvizError) -> str:
    """The error's message in the command line's words: a leading field name becomes its flag.

    >>> message_of(LrvizError("steps must be > 0, got 0", field="steps"))
    '--steps must be > 0, got 0'
    """
    text = str(exc)
    if exc.field and text.startswith(exc.field):
        return flag_of(exc.field) + text[len(exc.field):]
    return text


def fail(message: str, code: int = 2):
    """Print ``lrviz: error: message`` on one line, on stderr (on stdout if stderr is closed), and exit."""
    streams.say_error(f"lrviz: error: {one_line(message)}")
    sys.exit(code)


def internal_error(exc: BaseException):
    """An exception lrviz did not expect: one line and exit 1; the traceback with ``LRVIZ_TRACEBACK=1``."""
    if os.environ.get("LRVIZ_TRACEBACK") and sys.stderr is not None:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    what = "out of memory" if isinstance(exc, MemoryError) else str(exc) or "unexpected failure"
    fail(f"{what} ({type(exc).__name__}, unexpected: LRVIZ_TRACEBACK=1 shows where; please report it)", 1)


def escape_unencodable_output() -> None:
    """Text the output encoding cannot hold (a Chinese label with ``PYTHONIOENCODING=ascii``) is
    written as ``\\u4f59`` escapes instead of ending lrviz with a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


class LrvizGroup(TyperGroup):
    """Every usage or spec error becomes one line on stderr and exit code 2."""

    def parse_args(self, ctx, args):
        if not args and self.no_args_is_help:  # click raises it as an error; a bare ``lrviz`` is a request for help
            typer.echo(ctx.get_help())
            ctx.exit(0)
        skip_pydantic(self.get_params(ctx))
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx, args):
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            skip_pydantic(command.get_params(ctx))
        return name, command, rest

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        from ..limits import command_budget
        from ..output import Terminated, inputs_kept, signals_unwind

        escape_unencodable_output()
        try:
            with streams.guarded(), signals_unwind(), shown_once(), command_budget(), inputs_kept():
                rv = super().main(args=args, prog_name=prog_name or "lrviz", complete_var=complete_var,
                                  standalone_mode=False, **extra)
                streams.flush_stdout()
        except LrvizError as exc:
            fail(message_of(exc))
        except ClickException as exc:
            message = exc.format_message()
            if message.startswith("No such command") and "Did you mean" not in message:
                message += f" (commands: {', '.join(self.commands)})"
            fail(message, exc.exit_code)
        except typer.Abort:
            fail("aborted", 1)
        except SystemExit as exc:  # click's and rich's answer to a broken pipe is exit 1: the reader went
            if not isinstance(exc.__context__, BrokenPipeError):
                raise
            streams.reader_gone()
            sys.exit(0)
        except Terminated as exc:  # unwound: temporary files are gone; end as the signal asked
            sys.exit(128 + exc.signum)
        except Exception as exc:  # noqa: BLE001 - a bug, RecursionError, MemoryError: one line, not a traceback
            internal_error(exc)
        if standalone_mode:
            sys.exit(rv if isinstance(rv, int) else 0)
        return rv


def show_version(value: bool) -> None:
    if value:
        print(f"lrviz {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=LrvizGroup,
    name="lrviz",
    help="See the learning rate your optimizer gets at every step: plot, tabulate and check schedulers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # click's plain help: rich's formatter costs ~70 ms a --help
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="\n\n".join(["Examples:", "lrviz plot cosine --T_max 20",
                         "lrviz compare cosine:T_max=100 step:step_size=30 --terminal",
                         "lrviz table onecycle --max_lr 0.1 --total_steps 100 -o lr.csv",
                         "lrviz list; lrviz describe onecycle; lrviz COMMAND --help"]),
)


@app.callback()
def root(version: bool = typer.Option(False, "--version", callback=show_version, is_eager=True,
                                      help="Print lrviz's version and exit.")) -> None:
    """See the learning rate your optimizer gets at every step: plot, tabulate and check schedulers."""
