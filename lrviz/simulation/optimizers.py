"""The dummy optimizer a schedule is simulated on: torch's own class, minus what a schedule never uses.

A learning-rate scheduler only reads and writes the optimizer's ``param_groups`` (and checks
``defaults`` for ``momentum``/``betas``). Two torch methods cost far more than that needs:
``Optimizer.add_param_group`` is wrapped in ``torch._disable_dynamo``, whose first call imports
``torch._dynamo`` (1-2 s, more than half of ``import torch`` again), and ``SGD.step`` /
``Adam.step`` import it too. :func:`dummy_optimizer_class` subclasses the real optimizer class, so
``__init__``, the validation of its arguments, ``defaults`` and every param_group key are torch's
own, and overrides just these two: ``add_param_group`` runs torch's undecorated function, and
``step`` does nothing, which is what the real step does for parameters that never get a gradient.
tests/test_fast_path.py proves the param_groups, and every schedule, equal those of the real class.
"""

from __future__ import annotations

from functools import cache


def _step_without_gradients(self, closure=None):
    """Nothing to update: the dummy parameters never have gradients (the real step would skip them)."""
    return None if closure is None else closure()


@cache
def dummy_optimizer_class(name: str) -> type:
    """A subclass of ``torch.optim.<name>`` that builds param_groups without importing torch._dynamo.

    >>> cls = dummy_optimizer_class("SGD")
    >>> import torch
    >>> issubclass(cls, torch.optim.SGD), cls.__name__
    (True, 'SGD')
    """
    from ..startup.imports import import_torch

    torch = import_torch()
    from torch.optim import Optimizer

    real = getattr(torch.optim, name)
    add_param_group = Optimizer.add_param_group
    return type(real.__name__, (real,), {
        "__module__": __name__,
        "__doc__": f"torch.optim.{name} without the cost of torch._dynamo (see lrviz.optimizers).",
        # functools.wraps in torch._disable_dynamo keeps the undecorated function as __wrapped__
        "add_param_group": getattr(add_param_group, "__wrapped__", add_param_group),
        "step": _step_without_gradients,
    })
