"""timm's schedulers (``timm:step``, ``timm:cosine``, ...), stepped the way timm's train.py steps them.

timm's package ``__init__`` imports every model (and torchvision), which is slow and fails where
torchvision does not match torch; ``timm.scheduler`` itself needs only torch, so lrviz loads it
alone (lrviz.startup.imports.import_without_package_init).
"""

from __future__ import annotations

import importlib
import inspect
import sys
import types
from functools import cache

from ...errors import LrvizError
from ...startup import active
from ...startup.imports import import_without_package_init
from ..drive import Drive
from ..introspect import Live, read_args

#: timm's class names end in this; the rest, lower-cased, is lrviz's name: StepLRScheduler -> timm:step
CLASS_SUFFIX = "LRScheduler"


@cache
def scheduler_module() -> types.ModuleType:
    """``timm.scheduler``: the one already imported, else loaded without timm's package ``__init__``."""
    if "timm" in sys.modules:
        return importlib.import_module("timm.scheduler")
    if active("timm"):
        try:
            return import_without_package_init("timm", "timm.scheduler")
        except ImportError:
            pass  # an unusual installation: import timm the ordinary way
    try:
        return importlib.import_module("timm.scheduler")
    except Exception as exc:  # noqa: BLE001 - whatever breaks inside timm, say so in one line
        raise LrvizError(f"timm is installed but timm.scheduler cannot be imported: {exc}") from None


def _doc(cls) -> str:
    """The class's own docstring (not the base class's), else its module's title and first paragraph."""
    own = (cls.__dict__.get("__doc__") or "").strip()
    paragraphs = inspect.cleandoc(own or cls.__init__.__globals__.get("__doc__") or "").split("\n\n")
    return (paragraphs[0] if own else ": ".join(paragraphs[:2])).replace("\n", " ")


@cache
def schedulers() -> dict[str, Live]:
    """Every scheduler class ``timm.scheduler`` exports, as ``timm:<name>``."""
    module = scheduler_module()
    base = module.scheduler.Scheduler
    found = {}
    for attr in sorted(dir(module)):
        cls = getattr(module, attr)
        if inspect.isclass(cls) and issubclass(cls, base) and cls is not base:
            name = "timm:" + cls.__name__.removesuffix(CLASS_SUFFIX).lower()
            found[name] = Live(name, cls, read_args(cls), (f"timm:{cls.__name__}",), _doc(cls))
    return found


def drive(scheduler, kwargs: dict, spec) -> Drive:
    """Step as timm's train.py does: ``step_update(n, metric)`` after update n, ``step(epoch, metric)`` after each epoch.

    An epoch is ``spec.steps_per_epoch`` updates (default 1). A row is one update, or one epoch
    when ``spec.interval`` is ``epoch``. Whether the schedule follows epochs or updates is timm's
    own ``t_in_epochs`` argument. ``spec.metrics`` (a value per row) feeds timm's plateau scheduler.
    """
    per_epoch = spec.steps_per_epoch or 1
    per_row = per_epoch if spec.interval == "epoch" else 1
    metric, metric_rows = _metric_stream(spec.metrics)

    def advance(t: int) -> None:
        value = metric(t)
        for updates in range(t * per_row + 1, (t + 1) * per_row + 1):
            scheduler.step_update(updates, value)
            if updates % per_epoch == 0:
                scheduler.step(updates // per_epoch, value)

    horizon = metric_rows
    if hasattr(scheduler, "get_cycle_length"):
        updates = scheduler.get_cycle_length() * (per_epoch if scheduler.t_in_epochs else 1)
        horizon = -(-updates // per_row)
    return Drive(advance, horizon)


def _metric_stream(raw):
    """``metric(t)``, the t-th value of the spec's metrics (None without them), computed as rows need
    them; and the rows a fixed list of metrics covers (None for an expression)."""
    if raw is None:
        return (lambda t: None), None
    from ...simulation.metrics import metric_source

    source = metric_source(raw)
    limit = source.horizon - 1 if source.horizon else float("inf")
    values: list[float] = []

    def metric(t: int) -> float:
        if t >= len(values):
            values[:] = source.values(int(min(max(t + 1, 2 * len(values)), max(limit, t + 1))))
        return values[t]

    return metric, source.horizon
