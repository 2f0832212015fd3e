"""A training run's logged lr: points (step as written, value), how steps map to optimizer steps, precision.

Every reader returns a :class:`Log`. Its ``rows`` are optimizer steps: row ``t`` is the lr held
during the t-th optimizer step (lrviz's Trace rows). A reader knows its format's step convention
and sets ``first_step``, the logged step number of optimizer step 0 (Hugging Face: 1, Lightning: 0).

>>> import numpy as np
>>> log = finish("x.csv", "csv", "lr", np.array([3, 1, 2, 1]), np.array([0.3, 0.1, 0.2, 0.15]),
...              first_step=1, convention="as written", digits=2)
>>> log.rows.tolist(), log.lrs.tolist()  # sorted; the later of two points at one step wins
([0, 1, 2], [0.15, 0.2, 0.3])
>>> log.rtol
0.05
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from ..errors import LrvizError
from ..spec import MAX_STEPS, suggest

if TYPE_CHECKING:
    import numpy as np

#: the relative precision of a float32 value: one unit in the last place (2**-23)
FLOAT32_RTOL = 2.0 ** -23
#: the relative precision of a float64 value written in full: one unit in the last place (2**-52)
FLOAT64_RTOL = 2.0 ** -52
#: the most points a log may hold (lrviz simulates at most this many steps)
MAX_POINTS = MAX_STEPS
#: names of an lr series, best first: Hugging Face (JSON, TensorBoard, W&B), Lightning, plain
LR_NAMES = ("learning_rate", "train/learning_rate", "lr", "train/lr", "trainer/learning_rate")
#: Lightning's LearningRateMonitor: ``lr-<optimizer>``, ``/pg<n>`` per param group, ``-momentum`` etc. aside
LIGHTNING_LR = re.compile(r"lr-[^/]*?(/pg(?P<group>\d+))?")
LIGHTNING_EXTRAS = ("-momentum", "-weight_decay", "-beta")
#: lrviz's own tables: ``lr_g<g>`` per param group
LRVIZ_GROUP = re.compile(r"lr_g(?P<group>\d+)")


@dataclass(frozen=True)
class Log:
    """The points of one lr series, sorted by step, one per step."""

    source: str
    #: ``hf-json``, ``tensorboard``, ``lightning-csv`` or ``csv``
    format: str
    #: the tag or column read
    series: str
    #: the logged step numbers, as written (int64, increasing)
    steps: np.ndarray
    #: the logged lr at each step (float64)
    lrs: np.ndarray
    #: the logged step number of optimizer step 0
    first_step: int
    #: in words: what a logged step number means, and whose convention it is
    convention: str
    #: the largest relative difference that is still agreement: the precision the values are stored with
    rtol: float

    @property
    def rows(self) -> np.ndarray:
        """The optimizer step of each point."""
        return self.steps - self.first_step

    @property
    def points(self) -> int:
        return len(self.steps)

    def describe(self) -> str:
        """``runs/x/events... (tensorboard, train/learning_rate): 300 points, steps 1..300``."""
        span = f"steps {int(self.steps[0])}..{int(self.steps[-1])}" if self.points else "no points"
        return f"{self.source} ({self.format}, {self.series}): {self.points:,} points, {span}"


def finish(source: str, fmt: str, series: str, steps, lrs, *, first_step: int, convention: str,
           float32: bool = False, digits: int | None = None) -> Log:
    """A Log from raw points: sorted by step (stable), the last point written at a step kept.

    The precision is float32's for ``float32`` storage, ``digits`` significant digits for text,
    else float64's; a log whose every value is a float32 number compares at float32 precision too.
    """
    import numpy as np

    steps = np.asarray(steps, dtype=np.int64)
    lrs = np.asarray(lrs, dtype=np.float64)
    if not len(steps):
        raise LrvizError(f"{source}: the series '{series}' holds no points")
    if len(steps) > MAX_POINTS:
        raise LrvizError(f"{source}: {len(steps):,} points in '{series}'; lrviz audits at most {MAX_POINTS:,}")
    order = np.argsort(steps, kind="stable")
    steps, lrs = steps[order], lrs[order]
    last = np.append(steps[1:] != steps[:-1], True)  # the last point written at each step
    steps, lrs = steps[last], lrs[last]
    if steps[0] < first_step:
        raise LrvizError(f"{source}: step {int(steps[0])} comes before optimizer step 0, which this log "
                         f"numbers {first_step} ({convention})")
    rtol = FLOAT32_RTOL if float32 else FLOAT64_RTOL
    if digits is not None:
        rtol = max(rtol, 0.5 * 10.0 ** (1 - digits))
    finite = lrs[np.isfinite(lrs)]
    if np.array_equal(finite.astype(np.float32).astype(np.float64), finite):
        rtol = max(rtol, FLOAT32_RTOL)
    return Log(source, fmt, series, steps, lrs, first_step, convention, rtol)


def significant_digits(texts: Sequence[str]) -> int:
    """The most significant digits any of ``texts`` is written with: the precision of a text log.

    >>> significant_digits(["0.1", "0.0999998", "1e-05", "-2.50E-3"])
    6
    """
    most = 1
    for text in texts:
        mantissa = re.split("[eE]", text.strip().lstrip("+-"), maxsplit=1)[0].replace(".", "").lstrip("0")
        most = max(most, len(mantissa))
    return most


def pick_series(names: Sequence[str], wanted: str | None, group: int, source: str, what: str = "tag") -> str:
    """The lr series among ``names``: ``wanted`` when given, else the one named like an lr for ``group``.

    Args:
        names: the tags (TensorBoard) or columns (CSV) of the log.
        wanted: a name the user gave, or None to find one.
        group: the param group (Lightning names group g > 0 ``lr-SGD/pg<g+1>``).
        what: ``tag`` or ``column``, for messages.

    >>> pick_series(["epoch", "lr-SGD", "lr-SGD-momentum", "train_loss"], None, 0, "m.csv")
    'lr-SGD'
    >>> pick_series(["Step", "run-1 - train/learning_rate", "run-1 - train/learning_rate__MIN"], None, 0, "w.csv")
    'run-1 - train/learning_rate'
    """
    if wanted is not None:
        if wanted not in names:
            raise LrvizError(f"{source} has no {what} '{wanted}'{suggest(wanted, names)} "
                             f"(it has: {', '.join(list(names)[:12])})")
        return wanted
    found = [n for n in names if _lr_rank(n, group) is not None]
    if not found:
        raise LrvizError(f"{source}: no {what} looks like a learning rate (it has: {', '.join(list(names)[:12])}); "
                         f"name the {what} to read")
    best = min(_lr_rank(n, group) for n in found)
    found = [n for n in found if _lr_rank(n, group) == best]
    if len(found) > 1:
        raise LrvizError(f"{source}: several {what}s look like a learning rate ({', '.join(found)}); name the one to read")
    return found[0]


def _lr_rank(name: str, group: int) -> int | None:
    """How good a name ``name`` is for the lr of ``group``: 0 best, None not an lr."""
    base = name.rsplit(" - ", 1)[-1]  # a W&B export writes "<run> - <metric>" and "...__MIN", "...__MAX"
    if base.endswith(("__MIN", "__MAX")):
        return None
    if base in LR_NAMES:
        return LR_NAMES.index(base) if group == 0 else None
    match = LRVIZ_GROUP.fullmatch(base)
    if match:
        return len(LR_NAMES) if int(match["group"]) == group else None
    match = LIGHTNING_LR.fullmatch(base)
    if match and not base.endswith(LIGHTNING_EXTRAS):
        return len(LR_NAMES) if int(match["group"] or 1) == group + 1 and (group == 0 or match["group"]) else None
    return None
