"""A scheduler's live class (or function) and how it is stepped, behind its facts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .drive import Drive
from .facts import ArgFacts, Facts
from .sources import BY_NAME


@dataclass(frozen=True)
class Loaded:
    """A scheduler ready to build: its facts, the live target and the type hint of each argument."""

    facts: Facts
    target: Callable
    hints: dict[str, Any]
    #: ``drive(scheduler, kwargs, spec) -> Drive`` for schedulers stepped their own way (timm);
    #: None: ``scheduler.step()``
    drive: Callable[..., Drive] | None
    #: ``horizon(name, kwargs)``: the rows the schedule defines for itself, where it has an end
    horizon_rule: Callable[[str, dict], int | None] | None
    #: ``past_the_end(name, kwargs, steps, start)``: why the lr turns back past that end, if it does
    past_the_end_rule: Callable[[str, dict, int, int], str | None] | None

    @property
    def name(self) -> str:
        return self.facts.name

    def arg(self, name: str) -> ArgFacts | None:
        return self.facts.arg(name)

    def horizon(self, kwargs: dict) -> int | None:
        return self.horizon_rule(self.name, kwargs) if self.horizon_rule else None

    def past_the_end(self, kwargs: dict, steps: int, start: int = 0) -> str | None:
        return self.past_the_end_rule(self.name, kwargs, steps, start) if self.past_the_end_rule else None


def load(facts: Facts) -> Loaded:
    """The live scheduler behind ``facts`` (importing its library, or the user's code)."""
    if facts.source == "custom":
        from .custom import live

        found, module = live(facts.location), None
    else:
        module = BY_NAME[facts.source].module()
        found = module.schedulers()[facts.name]
    return Loaded(facts, found.target, {a.name: a.hint for a in found.args},
                  getattr(module, "drive", None), getattr(module, "horizon", None), getattr(module, "past_the_end", None))
