"""An audit as a figure: the logged points over the predicted step curve, the divergence marked.

``audit_figure(result)`` returns a matplotlib Figure to save like the others
(``lrviz.render.png.save_figure``). Drawn with matplotlib's object API, decimated like every
lrviz curve, so a million logged points draw as fast as a thousand.
"""

from __future__ import annotations

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
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from .decimate import decimate
    from .layout import Panel, arrange, shown_title

    fig = Figure(figsize=(8, 4.8), dpi=150, layout="constrained")
    FigureCanvasAgg(fig)
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
    handles, labels = ax.get_legend_handles_labels()
    titles = [title] if title is not None else _titles(result)
    footer = [f"fix: {finding.fix}"] if finding is not None else []
    arrange(fig, [Panel(ax, ax, [ax], handles, labels)], titles, _subtitle(result), footer,
            user_title=title is not None)
    fig.lrviz_metadata = {"Title": shown_title(fig) or titles[0], "Description": "\n".join(result.verdict_lines())}
    return fig


def _titles(result: AuditResult) -> list[str]:
    """The verdict, best first (lrviz.render.layout.heading shows the first that fits on a line):
    agrees, or where it parts and the likeliest cause, whole, then its first clause."""
    if result.match:
        return [f"agrees with {result.label} at all {result.comparison.compared:,} logged points"]
    verdict = f"differs from optimizer step {result.comparison.first_divergence}"
    finding = result.finding
    if finding is None:
        return [f"{verdict}: no known mistake fits exactly" if result.diagnosis else verdict]
    return [f"{verdict}: {finding.cause}", f"{verdict}: {finding.cause.split(': ')[0]}"]


def _subtitle(result: AuditResult) -> str:
    """What was compared: the log (file, series) and the prediction (the scheduler call)."""
    log = result.log
    return f"log: {log.source} ({log.series}) · prediction: {result.title}"
