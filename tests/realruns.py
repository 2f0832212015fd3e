"""Real training runs on a one-weight model: the lr each framework's optimizer used at every optimizer step.

The reference lrviz's training plans are checked against (and, for auditing, real logs). Each run
trains a ``Tiny`` module on ``dataset_size`` samples with the real runner: a plain torch loop, the
Hugging Face ``Trainer``, a Lightning ``Trainer``, or accelerate with several CPU processes (gloo,
``accelerate.debug_launcher``). The lr is read in a ``register_step_pre_hook`` of the torch optimizer
itself, so it is the value ``optimizer.step()`` uses, read where it uses it.

Runs are cached for the session: ``real_run(**kwargs)`` with the same arguments runs once.
A scheduler is named ``("ClassName", {kwargs})`` of ``torch.optim.lr_scheduler``, or
``("hf:cosine", {kwargs})`` for one the HF Trainer makes itself (``lr_scheduler_type``).
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import io
import json
import logging
import os
import sys
import tempfile
import warnings
from dataclasses import dataclass, field

import torch

LR = 0.1
_CACHE: dict = {}


@dataclass
class RealRun:
    """What one real run did: the lr of each optimizer step, and what the framework counted."""

    lrs: list[float]
    #: the epoch (from 0) each optimizer step was made in
    epochs: list[int]
    #: training batches (forward passes) one device saw in the first epoch
    batches_first_epoch: int
    #: calls that reached the torch scheduler's own ``step()``
    scheduler_calls: int
    #: such calls made before each optimizer step
    calls_seen: list[int] = field(default_factory=list)
    #: numbers the framework itself reported (e.g. the Trainer's max_steps)
    reported: dict = field(default_factory=dict)

    @property
    def optimizer_steps(self) -> int:
        return len(self.lrs)

    @property
    def steps_first_epoch(self) -> int:
        return self.epochs.count(0)


@contextlib.contextmanager
def torchvision_hidden():
    """Inside, torchvision looks uninstalled: where its binary does not match torch importing it fails, and
    transformers and torchmetrics (Lightning) import it when they see it. No run here needs it. Afterwards
    everything is as before (transformers' cached answers are cleared both ways)."""
    if "torchvision" in sys.modules:
        yield
        return
    original = importlib.metadata.Distribution.from_name.__func__

    def from_name(cls, name):
        if name.lower() == "torchvision":
            raise importlib.metadata.PackageNotFoundError(name)
        return original(cls, name)

    sys.modules["torchvision"] = None
    importlib.metadata.Distribution.from_name = classmethod(from_name)
    _forget_transformers_availability()
    try:
        yield
    finally:
        del sys.modules["torchvision"]
        importlib.metadata.Distribution.from_name = classmethod(original)
        _forget_transformers_availability()


def _forget_transformers_availability() -> None:
    """Clear transformers' cached ``is_*_available()`` answers, if it is imported."""
    module = sys.modules.get("transformers.utils.import_utils")
    for value in vars(module).values() if module else ():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


class Tiny(torch.nn.Module):
    """One weight; ``forward`` returns the loss in the form the HF Trainer expects."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.calls = 0

    def forward(self, x, labels=None):
        self.calls += 1
        loss = ((self.w * x - (1.0 if labels is None else labels)) ** 2).mean()
        return {"loss": loss}


def dataset(size: int) -> list[dict]:
    return [{"x": torch.tensor([i / size]), "labels": torch.tensor([1.0])} for i in range(size)]


def make_scheduler(optimizer, scheduler):
    name, kwargs = scheduler
    return getattr(torch.optim.lr_scheduler, name)(optimizer, **dict(kwargs))


class Recorder:
    """Reads the lr in the optimizer's pre-step hook and counts the scheduler's real ``step()`` calls."""

    def __init__(self, optimizer, epoch_of):
        self.lrs, self.epochs, self.calls_seen, self.scheduler_calls = [], [], [], 0
        self.epoch_of = epoch_of
        optimizer.register_step_pre_hook(self._before_step)

    def _before_step(self, optimizer, args, kwargs):
        self.lrs.append(optimizer.param_groups[0]["lr"])
        self.epochs.append(self.epoch_of())
        self.calls_seen.append(self.scheduler_calls)

    def count_steps(self, scheduler) -> None:
        step = scheduler.step

        def counted(*args, **kwargs):
            self.scheduler_calls += 1
            return step(*args, **kwargs)

        scheduler.step = counted


def _key(kwargs: dict):
    return tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in kwargs.items()))


def real_run(runner: str, **kwargs) -> RealRun:
    """The lr per optimizer step of a real ``runner`` run (cached per arguments); see the run functions."""
    key = (runner, _key(kwargs))
    if key not in _CACHE:
        with warnings.catch_warnings(), torchvision_hidden():
            warnings.simplefilter("ignore")  # the frameworks' advice about tiny runs is not under test
            _CACHE[key] = RUNS[runner](**kwargs)
    return _CACHE[key]


# ---------------------------------------------------------------- plain loop


def loop_run(*, dataset_size, batch_size, scheduler, epochs=None, max_steps=None, grad_accum=1, devices=1,
             drop_last=False, interval="step") -> RealRun:
    """The tutorial loop (rank 0 of ``devices`` with a DistributedSampler): ``optimizer.step()`` when
    ``(i + 1) % grad_accum == 0 or i + 1 == len(loader)``, then ``scheduler.step()`` (or at epoch ends)."""
    from torch.utils.data import DataLoader, DistributedSampler

    data = dataset(dataset_size)
    sampler = DistributedSampler(data, num_replicas=devices, rank=0, shuffle=False) if devices > 1 else None
    loader = DataLoader(data, batch_size=batch_size, drop_last=drop_last, sampler=sampler)
    model = Tiny()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    sched = make_scheduler(optimizer, scheduler)
    epoch = 0
    record = Recorder(optimizer, lambda: epoch)
    record.count_steps(sched)
    first_epoch_batches = None
    while (epochs is None or epoch < epochs) and not (max_steps and len(record.lrs) >= max_steps):
        for i, batch in enumerate(loader):
            model(**batch)["loss"].div(grad_accum).backward()
            if (i + 1) % grad_accum == 0 or i + 1 == len(loader):
                optimizer.step()
                optimizer.zero_grad()
                if interval == "step":
                    sched.step()
                if max_steps and len(record.lrs) >= max_steps:
                    break
        else:
            if interval == "epoch":
                sched.step()
        if first_epoch_batches is None:
            first_epoch_batches = model.calls
        epoch += 1
    return RealRun(record.lrs, record.epochs, first_epoch_batches, record.scheduler_calls, record.calls_seen)


# ---------------------------------------------------------------- Hugging Face Trainer


def hf_run(*, dataset_size, batch_size, scheduler, devices=1, epochs=None, max_steps=None, grad_accum=1,
           drop_last=False, warmup=None) -> RealRun:
    """``transformers.Trainer`` on ``devices`` CPU processes; ``scheduler`` ``("hf:<type>", kwargs)`` lets the
    Trainer make it."""
    params = dict(dataset_size=dataset_size, batch_size=batch_size, scheduler=scheduler, epochs=epochs,
                  max_steps=max_steps, grad_accum=grad_accum, drop_last=drop_last, warmup=warmup)
    import transformers.trainer  # noqa: F401 - imported once here, not in each forked process

    result = _hf_train(params) if devices == 1 else launch(_hf_train, params, devices)
    return RealRun(result["lrs"], result["epochs"], result["first_batches"], result["scheduler_calls"],
                   result["calls_seen"], {k: result[k] for k in ("max_steps", "warmup_steps")})


def _hf_train(params: dict) -> dict:
    """One process of a Trainer run; what it recorded, as plain data."""
    from transformers import Trainer, TrainerCallback, TrainingArguments
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    name, sched_kwargs = params["scheduler"]
    own = name.startswith("hf:")
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(
            output_dir=out, use_cpu=True, per_device_train_batch_size=params["batch_size"],
            gradient_accumulation_steps=params["grad_accum"], num_train_epochs=params["epochs"] or 3.0,
            max_steps=params["max_steps"] or -1, learning_rate=LR, dataloader_drop_last=params["drop_last"],
            warmup_steps=params["warmup"] or 0, report_to=[], save_strategy="no", logging_strategy="no",
            disable_tqdm=True, lr_scheduler_type=name[3:] if own else "linear",
            lr_scheduler_kwargs=dict(sched_kwargs) if own else {}, seed=0,
        )
        model = Tiny()
        optimizers = (None, None)
        if not own:
            optimizer = torch.optim.SGD(model.parameters(), lr=LR)
            optimizers = (optimizer, make_scheduler(optimizer, params["scheduler"]))
        epoch = {"now": 0}

        class Epochs(TrainerCallback):
            def on_epoch_begin(self, args, state, control, **kw):
                epoch["now"] = int(round(state.epoch or 0))

            def on_epoch_end(self, args, state, control, **kw):
                epoch.setdefault("first_batches", model.calls)

        trainer = Trainer(model=model, args=args, train_dataset=dataset(params["dataset_size"]),
                          optimizers=optimizers, callbacks=[Epochs()])
        seen = {}
        create_scheduler = trainer.create_scheduler

        def hooked(num_training_steps, optimizer=None):
            made = create_scheduler(num_training_steps=num_training_steps, optimizer=optimizer)
            inner = trainer.optimizer.optimizer if hasattr(trainer.optimizer, "optimizer") else trainer.optimizer
            seen["recorder"] = Recorder(inner, lambda: epoch["now"])
            seen["recorder"].count_steps(made)
            seen["max_steps"] = num_training_steps
            return made

        trainer.create_scheduler = hooked
        with contextlib.redirect_stdout(io.StringIO()):  # its closing metrics
            trainer.train()
    record = seen["recorder"]
    return {"lrs": record.lrs, "epochs": record.epochs, "first_batches": epoch.get("first_batches", model.calls),
            "scheduler_calls": record.scheduler_calls, "calls_seen": record.calls_seen,
            "max_steps": seen["max_steps"], "warmup_steps": trainer.args.get_warmup_steps(seen["max_steps"]),
            "processes": trainer.args.world_size, "rank": trainer.args.process_index}


# ---------------------------------------------------------------- Lightning


def lightning_run(*, dataset_size, batch_size, scheduler, devices=1, epochs=None, max_steps=None, grad_accum=1,
                  drop_last=False, interval="step", frequency=1) -> RealRun:
    """A ``pytorch_lightning.Trainer`` on ``devices`` CPU processes (DDP over gloo), the scheduler configured
    with ``interval``/``frequency``."""
    import pytorch_lightning  # noqa: F401 - imported once here, not in each forked process

    params = dict(dataset_size=dataset_size, batch_size=batch_size, scheduler=scheduler, devices=devices,
                  epochs=epochs, max_steps=max_steps, grad_accum=grad_accum, drop_last=drop_last,
                  interval=interval, frequency=frequency)
    result = _lightning_train(params) if devices == 1 else launch(_lightning_train, params, devices)
    return RealRun(result["lrs"], result["epochs"], result["first_batches"], result["scheduler_calls"],
                   result["calls_seen"], {k: result[k] for k in ("num_training_batches", "estimated_stepping_batches")})


def _lightning_train(params: dict) -> dict:
    """One process of a Lightning run; what it recorded, as plain data."""
    import pytorch_lightning as pl
    from torch.utils.data import DataLoader

    logging.getLogger("pytorch_lightning").setLevel(logging.ERROR)
    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    devices, state = params["devices"], {}
    if devices > 1:  # launched with the process group made: tell Lightning which process this is
        rank = str(torch.distributed.get_rank())
        os.environ.update(LOCAL_RANK=rank, RANK=rank, NODE_RANK="0")

    class Module(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.tiny = Tiny()

        def training_step(self, batch, batch_idx):
            return self.tiny(**batch)["loss"]

        def on_train_epoch_end(self):
            state.setdefault("first_batches", self.tiny.calls)

        def configure_optimizers(self):
            optimizer = torch.optim.SGD(self.parameters(), lr=LR)
            name, kwargs = params["scheduler"]  # "estimated_stepping_batches" as a value: Lightning's own count
            kwargs = {k: self.trainer.estimated_stepping_batches if v == "estimated_stepping_batches" else v
                      for k, v in dict(kwargs).items()}
            sched = make_scheduler(optimizer, (name, kwargs))
            state["recorder"] = Recorder(optimizer, lambda: self.trainer.current_epoch)
            state["recorder"].count_steps(sched)
            return {"optimizer": optimizer, "lr_scheduler": {"scheduler": sched, "interval": params["interval"],
                                                              "frequency": params["frequency"]}}

    loader = DataLoader(dataset(params["dataset_size"]), batch_size=params["batch_size"], drop_last=params["drop_last"])
    with tempfile.TemporaryDirectory() as root:
        trainer = pl.Trainer(accelerator="cpu", devices=devices, strategy="ddp" if devices > 1 else "auto",
                             max_epochs=params["epochs"] if params["epochs"] is not None else -1,
                             max_steps=params["max_steps"] or -1, accumulate_grad_batches=params["grad_accum"],
                             logger=False, enable_checkpointing=False, enable_progress_bar=False,
                             enable_model_summary=False, default_root_dir=root, num_sanity_val_steps=0)
        trainer.fit(Module(), loader)
    record = state["recorder"]
    return {"lrs": record.lrs, "epochs": record.epochs, "first_batches": state["first_batches"],
            "scheduler_calls": record.scheduler_calls, "calls_seen": record.calls_seen,
            "num_training_batches": trainer.num_training_batches,
            "estimated_stepping_batches": trainer.estimated_stepping_batches,
            "processes": trainer.world_size, "rank": trainer.global_rank}


# ---------------------------------------------------------------- accelerate, several processes


def _accelerate_train(params: dict) -> dict:
    """One process of an accelerate run: the accumulation idiom of accelerate's docs."""
    from accelerate import Accelerator
    from accelerate.utils import DataLoaderConfiguration
    from torch.utils.data import DataLoader

    accelerator = Accelerator(gradient_accumulation_steps=params["grad_accum"], cpu=True,
                              dataloader_config=DataLoaderConfiguration(split_batches=params["split_batches"]))
    processes = accelerator.num_processes
    model = Tiny()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    sched = make_scheduler(optimizer, params["scheduler"])
    batch = params["batch_size"] * (processes if params["split_batches"] else 1)
    loader = DataLoader(dataset(params["dataset_size"]), batch_size=batch, drop_last=params["drop_last"])
    epoch = 0
    record = Recorder(optimizer, lambda: epoch)
    record.count_steps(sched)
    model, prepared_optimizer, loader, prepared_sched = accelerator.prepare(model, optimizer, loader, sched)
    first_batches, batches = None, 0
    epochs, max_steps = params["epochs"], params["max_steps"]
    while (epochs is None or epoch < epochs) and not (max_steps and len(record.lrs) >= max_steps):
        for data in loader:
            batches += 1
            with accelerator.accumulate(model):
                accelerator.backward(model(**data)["loss"])
                prepared_optimizer.step()
                prepared_sched.step()
                prepared_optimizer.zero_grad()
            if max_steps and len(record.lrs) >= max_steps and accelerator.sync_gradients:
                break
        first_batches = batches if first_batches is None else first_batches
        epoch += 1
    return {"lrs": record.lrs, "epochs": record.epochs, "first_batches": first_batches,
            "scheduler_calls": record.scheduler_calls, "calls_seen": record.calls_seen,
            "processes": processes, "rank": accelerator.process_index}


def accelerate_run(*, dataset_size, batch_size, scheduler, devices=2, epochs=None, max_steps=None, grad_accum=1,
                   drop_last=False, split_batches=False) -> RealRun:
    """accelerate's accumulation idiom on ``devices`` CPU processes (gloo)."""
    params = dict(dataset_size=dataset_size, batch_size=batch_size, scheduler=scheduler, epochs=epochs,
                  max_steps=max_steps, grad_accum=grad_accum, drop_last=drop_last, split_batches=split_batches)
    first = launch(_accelerate_train, params, devices)
    return RealRun(first["lrs"], first["epochs"], first["first_batches"], first["scheduler_calls"], first["calls_seen"])


def _process(train, params: dict, out_dir: str) -> None:
    """What each launched process runs: ``train(params)``, its result written as ``rank<i>.json``."""
    from accelerate.state import AcceleratorState, GradientState

    # a forked process inherits the parent's singletons (e.g. from a one-process Trainer run): start afresh
    AcceleratorState._reset_state(reset_partial_state=True)
    GradientState._reset_state()
    result = train(params)
    with open(os.path.join(out_dir, f"rank{result['rank']}.json"), "w") as fh:
        json.dump(result, fh)


def launch(train, params: dict, devices: int) -> dict:
    """``train(params)`` on ``devices`` CPU processes (``accelerate.debug_launcher``: gloo); every rank must
    have made the same optimizer steps with the same lrs; rank 0's result is returned."""
    from accelerate import debug_launcher

    with tempfile.TemporaryDirectory() as out:
        debug_launcher(_process, args=(train, params, out), num_processes=devices)
        ranks = []
        for rank in range(devices):
            with open(os.path.join(out, f"rank{rank}.json")) as fh:
                ranks.append(json.load(fh))
    assert all(r["processes"] == devices for r in ranks), "the processes asked for did not all start"
    assert all(r["lrs"] == ranks[0]["lrs"] for r in ranks), "the processes' lrs differ"
    return ranks[0]


RUNS = {"loop": loop_run, "hf-trainer": hf_run, "lightning": lightning_run, "accelerate": accelerate_run}
