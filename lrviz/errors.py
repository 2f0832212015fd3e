"""The one exception type lrviz raises for bad input."""


class LrvizError(Exception):
    """A usage or spec error: the CLI prints its message on one line and exits 2."""
