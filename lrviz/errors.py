"""The exception lrviz raises for bad input, and the warning it gives for input it can still use."""


class LrvizError(Exception):
    """A usage or spec error: the CLI prints its message on one line and exits 2."""


class LrvizWarning(Warning):
    """Something the user should change but lrviz can still show, e.g. a deprecated argument.

    The CLI prints it once as ``lrviz: warning: ...`` on stderr (see ``lrviz.notices``).
    """
