"""Phase boundaries of a schedule, read from its spec and its recorded lrs (never from a formula).

- ``milestone``: a SequentialLR milestone, from the spec (the step the next scheduler takes over);
- ``run ends``, and ``warmup ends`` of a training run: from its plan (lrviz.plan.RunTrace);
- ``warmup ends``: the first step where a rising start stops rising, from the data;
- ``decay starts``: where a stable phase after the warmup ends, from the data, for
  warmup-stable-decay schedulers;
- ``restart``: where the lr starts rising again after it fell, from the data, for schedulers that
  restart (SGDR, timm's cycles, Hugging Face's hard restarts).

>>> import numpy as np
>>> from lrviz.trace import Trace
>>> from lrviz.spec import ScheduleSpec, parse_inline
>>> spec = ScheduleSpec(parse_inline("sgdr:T_0=3"), "s")
>>> boundaries(Trace("s", np.array([[1.0, 2.0, 3.0, 2.0, 1.0, 3.0, 2.0, 1.0, 3.0]]), spec=spec))
[(2, 'warmup ends'), (5, 'restart'), (8, 'restart')]
"""

from __future__ import annotations

from typing import Sequence

from .titles import family

KINDS = ("milestone", "warmup ends", "decay starts", "restart", "run ends")
#: how each kind is drawn: thin grey vertical lines told apart by their dashes
KIND_STYLE = {"milestone": (0, (1, 2)), "warmup ends": (0, (4, 2)), "decay starts": (0, (8, 2, 1, 2, 1, 2)),
              "restart": (0, (6, 2, 1, 2)), "run ends": "-"}
#: schedulers whose rises after the warmup are restarts
RESTARTING = ("sgdr", "timm:cosine", "timm:tanh", "timm:poly", "hf:cosine_with_restarts")
#: schedulers with a stable phase between warmup and decay
STABLE = ("hf:warmup_stable_decay", "timm:wsd")
#: schedulers whose rises are their shape, not a warmup
CYCLING = ("cyclic",)


def _milestones(spec) -> list[int]:
    if spec is None or family(spec.scheduler.type) != "sequential":
        return []
    given = spec.scheduler.args.get("milestones")
    values = given if isinstance(given, (list, tuple)) else [given]
    return sorted({int(m) for m in values if isinstance(m, (int, float)) and not isinstance(m, bool)})


def boundaries(trace) -> list[tuple[int, str]]:
    """``(step number, kind)`` of each phase boundary of ``trace`` (its first param group), in order."""
    import numpy as np

    from ..trace.stats import warmup_end

    values = trace.lrs[0]
    spec = trace.spec
    name = family(spec.scheduler.type) if spec is not None else ""
    inside = range(trace.start + 1, trace.start + trace.steps)
    found = {}
    run_end, run_warmup = getattr(trace, "run_end", None), getattr(trace, "warmup_end", None)
    if run_end in inside:  # a training run's (lrviz.plan) end, when more rows are shown
        found[run_end] = "run ends"
    if run_warmup in inside:
        found[run_warmup] = "warmup ends"
    for m in _milestones(spec):
        if m in inside:
            found.setdefault(m, "milestone")
    rising_end = warmup_end(values) if len(values) > 1 and values[1] > values[0] else 0
    if rising_end and rising_end < len(values) - 1 and name not in CYCLING:
        found.setdefault(trace.start + rising_end, "warmup ends")
    if name in STABLE:
        falls = np.flatnonzero(np.diff(values[rising_end:]) < 0)
        if falls.size and falls[0] > 0:
            found.setdefault(trace.start + rising_end + int(falls[0]) + 1, "decay starts")
    if name in RESTARTING and len(values) > 2:
        step = np.diff(values)
        rises = np.flatnonzero((step[1:] > 0) & (step[:-1] <= 0)) + 2  # t with lr[t] > lr[t-1] <= lr[t-2]
        for t in rises[rises > rising_end].tolist():
            found.setdefault(trace.start + t, "restart")
    return sorted(found.items())


def draw_markers(ax, traces: Sequence, unit: str) -> list:
    """Thin vertical lines at each trace's phase boundaries (lrviz.render.markers) inside the x range;
    returns one line per kind drawn, for the legend."""
    from ..trace.units import row_span

    lo, hi = ax.get_xlim()
    drawn: dict[str, object] = {}
    for x, kind in sorted({(step * row_span(t, unit), kind) for t in traces for step, kind in boundaries(t)}):
        if lo < x < hi:
            line = ax.axvline(x, color="0.4", linewidth=0.9, linestyle=KIND_STYLE[kind], gid=f"lrviz-marker:{kind}",
                              label=kind if kind not in drawn else "_nolegend_", zorder=1)
            drawn.setdefault(kind, line)
    return list(drawn.values())
