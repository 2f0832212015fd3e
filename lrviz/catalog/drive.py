"""How a built scheduler is stepped, for the sources whose schedulers are not stepped by ``step()``."""

from __future__ import annotations

from typing import Callable, NamedTuple


class Drive(NamedTuple):
    """How a built scheduler is stepped, and how many rows its schedule defines for itself."""

    #: performs the step ending row ``t``; None: ``scheduler.step()``
    advance: Callable[[int], None] | None
    horizon: int | None
