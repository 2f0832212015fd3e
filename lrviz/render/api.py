"""``lrviz.plot``: a matplotlib Figure of traces from Python, or the curves drawn into a given axis."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from ..errors import LrvizError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..trace import Trace

#: the make_figure options that need a whole figure, not one axis
WHOLE_FIGURE = ("layout", "momentum")


def as_traces(obj: Any) -> list[Trace]:
    """One Trace, a Comparison (lrviz.render.jupyter) or an iterable of Traces, as a list of Traces.

    >>> import numpy as np
    >>> from lrviz.trace import Trace
    >>> [t.label for t in as_traces(Trace("a", np.zeros((1, 2))))]
    ['a']
    >>> as_traces([])
    Traceback (most recent call last):
    lrviz.errors.LrvizError: nothing to show: give a Trace (from lrviz.simulate) or a list of them
    """
    if hasattr(obj, "lrs"):  # a Trace
        items = [obj]
    elif hasattr(obj, "traces"):
        items = list(obj.traces)
    elif isinstance(obj, Iterable) and not isinstance(obj, (str, bytes, dict)):
        items = list(obj)
    else:
        items = [obj]
    if not items:
        raise LrvizError("nothing to show: give a Trace (from lrviz.simulate) or a list of them")
    wrong = [type(item).__name__ for item in items if not hasattr(item, "lrs")]
    if wrong:
        raise LrvizError(f"expected Trace objects (from lrviz.simulate), got {wrong[0]}")
    return items


def plot(traces: Trace | Iterable[Trace], ax: Axes | None = None, **figure_options) -> Figure:
    """A matplotlib Figure of one trace, a list of traces or a comparison (``lrviz.compare``'s result).

    Args:
        traces: what to draw.
        ax: an existing matplotlib axis to draw the lr curves into (its figure is returned); without
            it a new Figure is made, as ``lrviz plot`` draws it.
        figure_options: ``log``, ``title``, ``unit``, ``metrics`` and, without ``ax``, ``layout``
            (``overlay`` or ``side``) and ``momentum`` (lrviz.render.png.make_figure).

    >>> import numpy as np
    >>> from lrviz.trace import Trace
    >>> fig = plot(Trace("halving", np.array([[0.1, 0.05, 0.025]])), log=True)
    >>> fig.axes[0].get_yscale(), fig.axes[0].get_xlabel()
    ('log', 'step (scheduler.step() calls)')
    """
    from .png import make_figure

    options = {**getattr(traces, "options", {}), **figure_options}  # a comparison's own, then these
    traces = as_traces(traces)
    if ax is None:
        return make_figure(traces, **options)
    whole = [name for name in WHOLE_FIGURE if figure_options.get(name) not in (None, False, "overlay")]
    if whole:
        raise LrvizError(f"{whole[0]}={figure_options[whole[0]]!r} needs a figure of its own: leave ax out "
                         f"(with ax, the lr curves are drawn into that one axis)")
    return _draw_into(ax, traces, **{k: v for k, v in options.items() if k not in WHOLE_FIGURE})


def _draw_into(ax: Axes, traces: list[Trace], *, log: bool = False, title: str | None = None,
               unit: str | None = None, metrics: bool = False) -> Figure:
    from .png import draw, draw_metrics
    from .titles import figure_words

    draw(ax, traces, log=log, unit=unit)
    if metrics:
        draw_metrics(ax, traces, unit)
    elif sum(t.groups for t in traces) > 1:
        ax.legend(frameon=False)
    ax.set_title("\n".join(figure_words(traces, title).titles), fontsize=10)
    return ax.figure
