"""What lrviz knows about one scheduler, as plain data: no torch, cacheable as JSON.

>>> facts = Facts("StepLR", "torch", ("step",), "Decays the lr.", "torch.optim.lr_scheduler.StepLR",
...               (ArgFacts("step_size", "int", "", True), ArgFacts("gamma", "float", "0.1", False)))
>>> facts.signature_text(), facts.arg("gamma").default
('step_size, gamma=0.1', '0.1')
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ArgFacts:
    """One constructor argument as lrviz shows it."""

    name: str
    #: the type hint's short name (lrviz.argtypes.type_name), ``any`` when there is none
    type: str
    #: the default's repr; empty when the argument is required
    default: str
    required: bool


@dataclass(frozen=True)
class Facts:
    """One scheduler: its name, where it comes from and what it takes, without its objects."""

    name: str
    #: the source it comes from (lrviz.catalog.sources.SOURCES), or ``custom`` for a user's class
    source: str
    aliases: tuple[str, ...]
    doc: str
    #: ``module.QualifiedName`` of the class or function; for a user's class, the reference typed
    location: str
    args: tuple[ArgFacts, ...]

    def arg(self, name: str) -> ArgFacts | None:
        return next((a for a in self.args if a.name == name), None)

    def signature_text(self) -> str:
        """``T_max, eta_min=0.0, last_epoch=-1``: what the constructor takes."""
        return ", ".join(a.name if a.required else f"{a.name}={a.default}" for a in self.args)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Facts:
        """The inverse of :meth:`to_json`; a KeyError or TypeError for anything else."""
        return cls(**{**data, "aliases": tuple(data["aliases"]), "args": tuple(ArgFacts(**a) for a in data["args"])})
