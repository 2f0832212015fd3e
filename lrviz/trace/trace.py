"""The Trace: what the optimizer held at every step of one schedule, as numpy arrays.

It is plain data; lrviz.trace.units shows it in other units and lrviz.trace.stats summarises it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LrvizError

if TYPE_CHECKING:
    import numpy as np

    from ..spec import ScheduleSpec


@dataclass
class Trace:
    """The lr (and momentum) of every param group at every step of one schedule.

    ``lrs[g, t]`` is the lr group ``g`` uses during step ``t``: read before the t-th
    ``scheduler.step()``; row 0 is the starting lr.
    """

    label: str
    lrs: np.ndarray
    momenta: np.ndarray | None = None
    title: str = ""
    spec: ScheduleSpec | None = field(default=None, repr=False)
    #: ``metrics[t]``: the metric passed to ``scheduler.step()`` at the end of step t (ReduceLROnPlateau)
    metrics: np.ndarray | None = None
    #: the number of the first step: ``K + 1`` for a schedule resumed with ``last_epoch=K``, else 0
    start: int = 0
    #: what one row stands for: a ``step`` (iteration) or an ``epoch`` (see lrviz.trace.units)
    unit: str = "step"
    #: iterations per epoch, when known: lets lrviz.trace.units show the rows in the other unit
    steps_per_epoch: int | None = None
    #: what the user should know to read the curve (e.g. why a cosine rises again past T_max)
    notes: tuple[str, ...] = ()

    @property
    def lr(self) -> np.ndarray:
        """Shape (steps,) for one param group, else (groups, steps)."""
        return self.lrs[0] if len(self.lrs) == 1 else self.lrs

    @property
    def steps(self) -> int:
        return self.lrs.shape[1]

    @property
    def momentum_name(self) -> str:
        """What ``momenta`` holds: ``momentum`` (SGD) or ``beta1`` (Adam, AdamW: ``betas[0]``)."""
        return "momentum" if self.spec is None or self.spec.optimizer.lower() == "sgd" else "beta1"

    @property
    def groups(self) -> int:
        return self.lrs.shape[0]

    def held_momenta(self) -> np.ndarray:
        """``momenta``; an LrvizError when the optimizer holds no momentum (or betas) to show."""
        if self.momenta is None:
            raise LrvizError(f"momentum: the optimizer of '{self.label}' holds no momentum or betas", field="momentum")
        return self.momenta

    def to_csv(self, path: str | Path) -> None:
        """Write the table ``lrviz table --format csv`` prints, byte for byte (rendered by lrviz.render.table)."""
        from ..output import write_atomically
        from ..render.table import table_lines

        write_atomically(path, lambda fh: fh.writelines(table_lines([self], "csv")))

    def to_html(self, path: str | Path, **options) -> Path:
        """Write the interactive page (lrviz.render.html.html_figure takes ``options``)."""
        from ..render.html import save_html

        return save_html([self], path, **options)

    def to_dict(self) -> dict:
        """JSON-ready lists of the table's columns and what the trace is (lrviz.render.frames.trace_to_dict)."""
        from ..render.frames import trace_to_dict

        return trace_to_dict(self)

    def to_pandas(self):
        """A DataFrame indexed by step with the table's columns (lrviz.render.frames.trace_to_pandas)."""
        from ..render.frames import trace_to_pandas

        return trace_to_pandas(self)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        from ..render.jupyter import mimebundle

        return mimebundle(self)

    def _repr_png_(self) -> bytes:
        from ..render.jupyter import display_png

        return display_png(self)

    def _repr_html_(self) -> str:
        from ..render.jupyter import display_html

        return display_html(self)
