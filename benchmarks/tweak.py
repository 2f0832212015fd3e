"""Fast tweak-and-look: re-simulating a changed 1000-step spec in one process (a notebook) takes a
few milliseconds, measured against a bare torch loop of the same spec in the same run.

    .venv/bin/python benchmarks/tweak.py
"""

from __future__ import annotations

import statistics
import time
import warnings
from dataclasses import dataclass


@dataclass(frozen=True)
class Tweak:
    """Median milliseconds of one re-simulation (lrviz.simulate) and of the bare loop, and their ratio."""

    lrviz_ms: float
    bare_ms: float

    @property
    def ratio(self) -> float:
        return self.lrviz_ms / self.bare_ms


def tweak_and_look(tweaks: int = 60, steps: int = 1000) -> Tweak:
    """Simulate ``cosine:T_max=T`` for ``steps`` rows with a new T each time, in turns with a bare
    torch loop of the same schedule (SGD, CosineAnnealingLR(T_max=T), the lr read before each
    ``scheduler.step()``); the first call of each, which imports and fills caches, is not counted.
    Both give the same values (checked), so the ratio is lrviz's whole cost of going from text to a Trace.
    """
    import torch
    from torch.optim import SGD, lr_scheduler

    import lrviz

    def bare(t_max: int) -> list[float]:
        optimizer = SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        scheduler = lr_scheduler.CosineAnnealingLR(optimizer, T_max=t_max)
        group = optimizer.param_groups[0]
        optimizer.step()
        lrs = []
        for t in range(steps):
            lrs.append(group["lr"])
            if t + 1 < steps:
                scheduler.step()
        return lrs

    def api(t_max: int) -> list[float]:
        return lrviz.simulate(f"cosine:T_max={t_max}", steps=steps).lr.tolist()

    seconds: dict = {bare: [], api: []}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for t_max in range(10, 11 + tweaks):
            results = []
            for loop in (bare, api):
                start = time.perf_counter()
                results.append(loop(t_max))
                seconds[loop].append(time.perf_counter() - start)
            if results[0] != results[1]:
                raise AssertionError(f"lrviz.simulate differs from the bare loop for T_max={t_max}")
    return Tweak(*(statistics.median(seconds[loop][1:]) * 1000 for loop in (api, bare)))


if __name__ == "__main__":
    result = tweak_and_look()
    print(f"re-simulating a changed 1000-step spec: {result.lrviz_ms:.2f} ms "
          f"(bare torch loop {result.bare_ms:.2f} ms, {result.ratio:.2f}x)")
