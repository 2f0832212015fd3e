"""The exception lrviz raises for bad input, and the warning it gives for input it can still use."""

from __future__ import annotations


class LrvizError(Exception):
    """A usage or spec error: the CLI prints its message on one line and exits 2.

    ``field`` names the option at fault (``steps``, ``steps_per_epoch``: lrviz.simulate's keyword)
    when the message starts with it, so the command line can name its flag instead (``--steps``).
    """

    def __init__(self, message: str = "", *, field: str | None = None):
        super().__init__(message)
        self.field = field


class LrvizWarning(Warning):
    """Something the user should change but lrviz can still show, e.g. a deprecated argument.

    The CLI prints it once as ``lrviz: warning: ...`` on stderr (see ``lrviz.notices``).
    """
