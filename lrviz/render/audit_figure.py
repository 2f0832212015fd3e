"""An audit as a figure: the logged points over the predicted step curve, the divergence marked.

``audit_figure(result)`` returns a matplotlib Figure to save like the others
(``lrviz.render.png.save_figure``). Drawn with matplotlib's object API, decimated like every
lrviz curve, so a million logged points draw as fast as a thousand.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from .png import PALETTE, step_curve

if TYPE_CHECKING:
    from ..audit.core import AuditResult

#: logged points drawn at most: beyond, the decimated ones (first, lowest, highest, last per bucket)
MAX_MARKERS = 4000


def audit_figure(result: AuditResult, *, log: bool = False, title: str | None = None):
    """The predicted lr per optimizer step as a step curve, the logged points as dots on it, the
    diagnosed run (when a mistake fits) dashed, and a line at the first divergence."""
    import numpy as np
    from matplotlib.figure import Figure

    from .decimate import decimate

    fig = Figure(figsize=(8, 4.8), dpi=150, layout="constrained")
    ax = fig.add_subplot()
    step_curve(ax, result.start, result.predicted, linewidth=1.8, color=PALETTE[0],
               label=f"predicted: {result.label}")
    finding = result.finding
    if finding is not None:
        step_curve(ax, finding.start, finding.lrs[:len(result.predicted)], linewidth=1.4, color=PALETTE[2],
                   linestyle=(0, (5, 2)), label=f"the run, diagnosed: {finding.short()}")
    rows, values = result.log.rows, result.log.lrs
    keep = decimate(values, MAX_MARKERS // 6) if len(values) > MAX_MARKERS else np.arange(len(values))
    ax.plot(rows[keep] + 0.5, values[keep], linestyle="none", marker="o", markersize=3, color=PALETTE[1],
            label=f"logged: {result.log.series}")
    divergence = result.comparison.first_divergence
    if divergence is not None:
        ax.axvline(divergence, color="0.3", linestyle=":", linewidth=1.2)
        ax.annotate(f"first divergence: step {divergence}", xy=(divergence, 1), xycoords=("data", "axes fraction"),
                    xytext=(4, -12), textcoords="offset points", fontsize=8, color="0.2")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("learning rate")
    ax.set_xlim(min(result.start, int(rows[0])), max(result.start + len(result.predicted), int(rows[-1]) + 1))
    if log:
        ax.set_yscale("log")
    ax.grid(True, alpha=0.35)
    ax.legend(frameon=False, fontsize=8)
    ax.set_title(title or _title(result), fontsize=10)
    return fig



def _title(result: AuditResult) -> str:
    """The log, then the verdict: agrees, or where it parts and the likeliest cause."""
    if result.match:
        verdict = f"agrees with {result.label} at all {result.comparison.compared:,} logged points"
    else:
        verdict = f"differs from step {result.comparison.first_divergence}"
        if result.finding is not None:
            verdict += f": {result.finding.cause}"
    return "\n".join(textwrap.wrap(f"{result.log.source}: {verdict}", 100, max_lines=3, placeholder=" …"))
