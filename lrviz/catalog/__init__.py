"""Every scheduler lrviz knows: found by name as plain facts, loaded as the live class.

- :func:`find` turns what a user typed (``cosine``, ``StepLR``, ``timm:step``, ``hf:linear``,
  ``my.py:MyLR``) into the scheduler's :class:`Facts` (name, source, aliases, arguments, doc),
  from a cache on disk once it is warm, so usage errors need no torch;
- :func:`load` gives the live class (or function) behind some facts, its type hints, and how
  it is stepped (:class:`Loaded`);
- :func:`all_facts` lists every scheduler of every installed source.

The sources are listed in ``lrviz.catalog.sources.SOURCES``, one module each.

>>> find("cosine").name, find("StepLR").source
('CosineAnnealingLR', 'torch')
"""

from __future__ import annotations

from .facts import ArgFacts, Facts
from .lookup import all_facts, find
from .loaded import Loaded, load

__all__ = ["ArgFacts", "Facts", "Loaded", "all_facts", "find", "load"]
