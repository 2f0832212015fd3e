"""What ``lrviz list`` and ``lrviz describe`` print: the catalog's facts as rich renderables."""

from __future__ import annotations

from typing import Sequence


def _plain(*texts: str) -> list:
    """Table cells shown as written: ``list[float]`` is a type, not rich markup; control characters
    (a user's docstring) are shown escaped, not sent to the terminal."""
    from rich.text import Text

    from ..notices import one_line

    return [Text(one_line(text)) for text in texts]


def list_table(known: Sequence):
    """Every scheduler: name, aliases, source and required arguments."""
    from rich.table import Table

    from ..catalog.examples import required_names

    table = Table(title=f"{len(known)} schedulers", title_justify="left", show_edge=False, pad_edge=False)
    widest = {"aliases": max((len(a) + 1 for f in known for a in f.aliases), default=0),
              "required arguments": max((len(a.name) + 1 for f in known for a in f.args if a.required), default=0)}
    for column in ("name", "aliases", "source", "required arguments"):  # lines break between names, never inside
        table.add_column(column, no_wrap=column in ("name", "source"), min_width=widest.get(column))
    for facts in known:
        table.add_row(*_plain(facts.name, ", ".join(facts.aliases), facts.source, ", ".join(required_names(facts)) or "—"))
    return table


def print_description(out, facts) -> None:
    """One scheduler's page: name, source, location, doc line, arguments and a runnable example."""
    from rich.table import Table

    from ..catalog.examples import example_command

    aliases = f" · aliases: {', '.join(facts.aliases)}" if facts.aliases else ""
    name, where, location, doc = _plain(facts.name, f" ({facts.source}{aliases})", facts.location, facts.doc)
    name.stylize("bold")
    out.print(name, where)
    out.print(location)
    if facts.doc:
        out.print(doc)
    table = Table(show_edge=False, pad_edge=False)
    for column in ("argument", "type", "default", "required"):
        table.add_column(column, no_wrap=column in ("argument", "required"), overflow="fold")
    for arg in facts.args:
        table.add_row(*_plain(arg.name, arg.type, arg.default or "—", "yes" if arg.required else "no"))
    out.print()
    out.print(table if facts.args else "no arguments")
    out.print()
    out.print(f"With --warmup N: {warmup_text(facts)}", markup=False)
    out.print()
    out.print("Example:", style="bold")
    out.print(*_plain(f"  {example_command(facts)}"))


def warmup_text(facts) -> str:
    """What ``--warmup N`` builds around this scheduler (lrviz.plan.warmup)."""
    if facts.source == "hf":
        return "num_warmup_steps=N" if facts.arg("num_warmup_steps") else "not taken (no num_warmup_steps)"
    if facts.source == "timm":
        return "not taken: timm's schedulers have their own warmup_t and warmup_lr_init"
    return (f"SequentialLR([LinearLR(start_factor=0.01, total_iters=N), {facts.name}(...)], milestones=[N]), "
            f"torchvision's recipe (--warmup-start sets start_factor)")
