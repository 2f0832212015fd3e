"""Audit a real run: read the lr it logged, lay it beside lrviz's prediction, say where and why they part.

>>> from lrviz.audit import read_log, audit          # doctest: +SKIP
>>> result = audit(read_log("out/trainer_state.json"), spec)  # doctest: +SKIP
>>> result.exit_code, result.to_dict()["cause"]        # doctest: +SKIP

- ``lrviz.audit.read``: find the format and read (``hf``, ``tensorboard``, ``csvlog``) into a ``log.Log``
  whose rows are optimizer steps, by each format's step convention;
- ``lrviz.audit.compare``: first divergence and largest difference, at the log's precision;
- ``lrviz.audit.diagnose`` with ``search``, ``mistakes``, ``horizon`` and ``resumes``: the known
  mistakes as transformed predictions, re-run and checked against every point;
- ``lrviz.audit.core``: ``audit()`` and its ``AuditResult`` (``to_dict()``, ``verdict_lines()``, ``exit_code``).
"""

from .core import AuditResult, audit
from .search import Hints
from .log import Log
from .read import FORMATS, read_log

__all__ = ["FORMATS", "AuditResult", "Hints", "Log", "audit", "read_log"]
