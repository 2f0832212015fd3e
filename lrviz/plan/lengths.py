"""Batches per epoch on one device, as the runner's data loader counts them.

The real objects are asked where they can be imported: a torch ``DataLoader`` (with the
``DistributedSampler`` DDP and Lightning put in it) or accelerate's ``BatchSamplerShard``, the
sampler ``accelerator.prepare`` (and so the Hugging Face Trainer) gives each process. Where
accelerate is not installed, or the plan names another version of it, its ``__len__`` is
followed as written in its source (:func:`shard_length`).

>>> shard_length(batches=13, processes=4, drop_last=False), shard_length(batches=13, processes=4, drop_last=True)
(4, 3)
"""

from __future__ import annotations

from typing import NamedTuple

from .versions import runner_version


class Batches(NamedTuple):
    """The batches one device sees per epoch, and the rule (with its source) that counted them."""

    value: int
    rule: str


def loader_length(samples: int, batch_size: int, drop_last: bool, processes: int = 1) -> int:
    """``len(DataLoader(...))`` over ``samples`` items; with several processes each gets the
    ``DistributedSampler(num_replicas=processes)`` share (padded to ``ceil(samples / processes)``)."""
    from torch.utils.data import DataLoader, DistributedSampler

    data = range(samples)
    sampler = DistributedSampler(data, num_replicas=processes, rank=0, shuffle=False) if processes > 1 else None
    return len(DataLoader(data, batch_size=batch_size, drop_last=drop_last, sampler=sampler))


def shard_length(batches: int, processes: int, drop_last: bool) -> int:
    """accelerate's ``BatchSamplerShard.__len__`` (even_batches, without split_batches), as its source reads."""
    length, rest = divmod(batches, processes)
    return length if rest == 0 or drop_last else length + 1


def accelerate_length(samples: int, batch_size: int, drop_last: bool, processes: int, split_batches: bool,
                      version: str | None) -> Batches:
    """Batches per process of a data loader passed through ``accelerator.prepare`` (even_batches=True).

    ``batch_size`` is per process: with ``split_batches`` the loader is built with
    ``batch_size * processes`` and each batch is split.
    """
    from torch.utils.data import BatchSampler, SequentialSampler

    loader_batch = batch_size * processes if split_batches else batch_size
    batch_sampler = BatchSampler(SequentialSampler(range(samples)), loader_batch, drop_last)
    which = runner_version("accelerate", version)
    shared = f"{len(batch_sampler)} batches of {loader_batch}"
    if processes == 1:
        return Batches(len(batch_sampler), f"len(DataLoader): {shared} (one process: not sharded)")
    if split_batches:
        return Batches(len(batch_sampler), f"split_batches: {shared}, each split in {processes}")
    if which.installed:
        from accelerate.data_loader import BatchSamplerShard

        value = len(BatchSamplerShard(batch_sampler, num_processes=processes, process_index=0,
                                      split_batches=False, even_batches=True))
        return Batches(value, f"len(BatchSamplerShard) of {shared} over {processes} processes "
                              f"(even_batches: every process gets as many)")
    value = shard_length(len(batch_sampler), processes, drop_last)
    return Batches(value, f"{shared} shared by {processes} processes, rounded "
                          f"{'down (drop_last)' if drop_last else 'up (even_batches)'}, as BatchSamplerShard.__len__")


def batches_per_device(plan) -> Batches:
    """The batches one device sees per epoch under ``plan``'s runner."""
    n, b, d = plan.dataset_size, plan.batch_size, plan.devices
    if plan.runner in ("hf-trainer", "accelerate"):
        return accelerate_length(n, b, plan.drop_last, d, plan.split_batches, plan.version if plan.runner == "accelerate" else None)
    value = loader_length(n, b, plan.drop_last, d)
    drop = ", drop_last" if plan.drop_last else ""
    if d == 1:
        return Batches(value, f"len(DataLoader(batch_size={b}{drop})) over {n} samples")
    return Batches(value, f"len(DataLoader(batch_size={b}{drop})) over a DistributedSampler's "
                          f"{n} samples / {d} replicas, padded up")
