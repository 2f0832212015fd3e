"""The options of the commands that show schedules, declared once: where and how they are drawn
(DrawOptions, given to plot and compare by spec_command(draws=True)), and the choices of layout and
table format."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import LrvizError
from ..render.controls import LAYOUTS, LEGENDS
from ..render.png import FIGURE_SUFFIXES
from ..render.table import FORMATS
from ..spec import UNITS

#: the narrowest terminal chart: the y labels take 12 columns
MIN_WIDTH = 20


def choices(values) -> str:
    return ", ".join(values)


Output = Annotated[Optional[Path], typer.Option(
    "--output", "-o", metavar="FILE", help=f"Image file: {choices(FIGURE_SUFFIXES)}, or .html for an interactive page "
                                           f"(default lrviz-<label>.png).", show_default=False)]
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
    size: Optional[str] = cli_field(Annotated[Optional[str], typer.Option(
        metavar="WxH", help="Figure size in inches, e.g. 6x4 (default 8x4.5 a panel).", show_default=False)])
    dpi: Optional[int] = cli_field(Annotated[Optional[int], typer.Option(
        metavar="N", help="Dots per inch of a PNG (default 150).", show_default=False)])
    range: Optional[str] = cli_field(Annotated[Optional[str], typer.Option(
        metavar="START:END", help="Zoom on part of the run, in the unit shown; either side may be empty (100:).",
        show_default=False)])
    legend: str = cli_field(Annotated[str, typer.Option(
        metavar="|".join(LEGENDS), help="best: inside, where it hides no data; outside: below the axes; none.")],
        "best")
    xlabel: Optional[str] = cli_field(Annotated[Optional[str], typer.Option(
        metavar="TEXT", help="The x axis label ('' for none).", show_default=False)])
    ylabel: Optional[str] = cli_field(Annotated[Optional[str], typer.Option(
        metavar="TEXT", help="The y axis label ('' for none).", show_default=False)])
    style: Optional[str] = cli_field(Annotated[Optional[str], typer.Option(
        metavar="NAME|FILE", help="A matplotlib style name or style file.", show_default=False)])
    markers: bool = cli_field(Annotated[bool, typer.Option(
        "--markers", help="Mark phase boundaries: SequentialLR milestones, warmup end, restarts, decay start.")], False)

    @property
    def drawing(self) -> bool:
        """Is a figure file made: with -o, or when the terminal is not asked for instead?"""
        return self.output is not None or not self.terminal

    @property
    def page(self) -> bool:
        """Is the figure an interactive HTML page (-o x.html)?"""
        if self.output is None:
            return False
        from ..render.html import HTML_SUFFIXES

        return self.output.suffix.lower() in HTML_SUFFIXES

    def figure_options(self) -> dict:
        """The options of lrviz.render.png.make_figure these set (for a page: lrviz.render.html's)."""
        from ..render.controls import range_from_text, size_from_text

        options = {"log": self.log, "title": self.title, "momentum": self.momentum}
        image_only = {"size": self.size, "dpi": self.dpi, "legend": None if self.legend == "best" else self.legend,
                      "xlabel": self.xlabel, "ylabel": self.ylabel, "style": self.style, "markers": self.markers or None}
        given = [name for name, value in image_only.items() if value is not None]
        if self.page:
            if given or self.range is not None:
                raise LrvizError(f"{(given or ['range'])[0]} applies to image files (.png, .svg, .pdf); an HTML page "
                                 f"zooms and sizes itself", field=(given or ["range"])[0])
            return options
        return {**options, "size": None if self.size is None else size_from_text(self.size), "dpi": self.dpi,
                "x_range": None if self.range is None else range_from_text(self.range), "legend": self.legend,
                "xlabel": self.xlabel, "ylabel": self.ylabel, "style": self.style, "markers": self.markers}


def group_parameters(group) -> list[inspect.Parameter]:
    """The typer parameters of an options group's fields."""
    return [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default, annotation=f.metadata["annotation"])
            for f in fields(group)]
