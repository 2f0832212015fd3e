"""What a simulation gives: the Trace (numpy arrays per param group), its units and its statistics."""

from .trace import Trace

__all__ = ["Trace"]
