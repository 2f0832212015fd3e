"""Real training runs that write the logs ``lrviz audit`` reads, right and with each mistake planted.

Every run trains the training-plan tests' one-weight model (``realruns.Tiny``, ``realruns.dataset``)
on a few hundred samples on the CPU:

- ``loop_log``: a plain torch loop writing ``step,lr`` (the lr of each optimizer step) to a CSV
  file, run in the test process;
- ``hf_logs``: the Hugging Face ``Trainer`` with ``report_to=["tensorboard"]`` and its saved
  ``trainer_state.json``; ``accelerate_logs``: a plain loop under accelerate on 2 CPU processes
  writing CSV; ``lightning_logs``: a Lightning ``Trainer`` with ``CSVLogger``,
  ``TensorBoardLogger`` and ``LearningRateMonitor``. These run as ``python tests/reallogs.py
  hf|accelerate|lightning DIR`` in a child process each (``start_frameworks``), side by side, so
  the test process imports no framework, and torchvision is hidden from them
  (``realruns.torchvision_hidden``): the installed one does not match torch, and no run needs it.

Each scenario writes into its own directory under DIR; ``SCENARIOS`` says what each one planted.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import warnings
from pathlib import Path

from realruns import Tiny, dataset, torchvision_hidden

LR = 0.1
SAMPLES, BATCH = 240, 8
#: optimizer steps per epoch of the loops (no accumulation)
LOOP_STEPS_PER_EPOCH = SAMPLES // BATCH
#: the frameworks' runs: 64 samples in batches of 4, 3 epochs
FW_SAMPLES, FW_BATCH, FW_EPOCHS = 64, 4, 3
FW_STEPS_PER_EPOCH = FW_SAMPLES // FW_BATCH
FW_STEPS = FW_STEPS_PER_EPOCH * FW_EPOCHS
HF_WARMUP = 5
#: the optimizer step at which the resumed runs are resumed
RESUME_AT = 16

SCENARIOS = {
    "hf": {
        "correct": "linear warmup-decay, logged every step",
        "double-step": "a callback calls lr_scheduler.step() again at every on_step_end",
        "lost-scheduler": f"stopped at step {RESUME_AT}, resumed from a checkpoint without scheduler.pt",
        "accum-twice": "gradient_accumulation_steps=2 and a custom scheduler sized steps // 2 // 2, logged every 4",
    },
    "accelerate": {
        "two-processes": "accelerate on 2 CPU processes: a cosine sized for the optimizer steps, prepared as is",
        "split-batches": "the same with split_batches=True: one scheduler step per optimizer step",
    },
    "lightning": {
        "correct": "cosine with interval 'step', logged every step",
        "epoch-interval": "the same cosine returned without 'interval' (Lightning's default: 'epoch')",
        "accumulate": "interval 'step' with accumulate_grad_batches=2, logged every 3 steps",
    },
}


# ---------------------------------------------------------------- plain torch loops

def _loader(samples: int, batch: int):
    import torch

    return torch.utils.data.DataLoader(dataset(samples), batch_size=batch)


def loop_log(path: Path, make_scheduler, *, epochs: int = 4, accum: int = 1, mistake: str | None = None,
             resume_at: int = RESUME_AT, every: int = 1, per_epoch: bool = False) -> Path:
    """Train with a plain loop and write ``step,lr`` (the lr of each optimizer step) to ``path``.

    Args:
        make_scheduler: ``make_scheduler(optimizer, last_epoch=-1)`` builds the schedule.
        accum: micro-batches per optimizer step.
        mistake: None (right), ``twice`` (scheduler.step() twice per optimizer step), ``micro-batch``
            (stepped after every micro-batch), ``per-epoch`` / ``per-step`` (stepped once an epoch / every
            optimizer step, against ``per_epoch``), ``log-after`` (the lr logged after scheduler.step()),
            ``restart`` / ``fresh-scheduler`` / ``last-epoch`` (resumed at optimizer step ``resume_at``
            with new optimizer and scheduler / optimizer state loaded into a new one, no scheduler
            state / a new optimizer with initial_lr by hand and ``last_epoch=resume_at - 1``).
        every: log every ``every`` optimizer steps.
        per_epoch: the right way to step this schedule is once an epoch.
    """
    import torch

    torch.manual_seed(0)
    model = Tiny()

    def new_optimizer(**group):
        return torch.optim.SGD([{"params": list(model.parameters()), **group}], lr=LR)

    optimizer = new_optimizer()
    scheduler = make_scheduler(optimizer)
    stepped_per_epoch = per_epoch != (mistake in ("per-epoch", "per-step"))
    step = 0
    with open(path, "w", newline="") as fh, warnings.catch_warnings():
        # stepping per micro-batch makes torch warn that the scheduler stepped before the optimizer: it did
        warnings.filterwarnings("ignore", re.escape("Detected call of `lr_scheduler.step()` before"), UserWarning)
        out = csv.writer(fh)
        out.writerow(["step", "lr"])
        for _ in range(epochs):
            for i, batch in enumerate(_loader(SAMPLES, BATCH)):
                if i % accum == 0 and step == resume_at and mistake in ("restart", "fresh-scheduler", "last-epoch"):
                    optimizer, scheduler = _resume(mistake, optimizer, new_optimizer, make_scheduler, resume_at)
                if i % accum == 0 and step % every == 0 and mistake != "log-after":
                    out.writerow([step, optimizer.param_groups[0]["lr"]])
                model(**batch)["loss"].backward()
                if mistake == "micro-batch":
                    scheduler.step()
                if (i + 1) % accum:
                    continue
                optimizer.step()
                optimizer.zero_grad()
                if not stepped_per_epoch and mistake != "micro-batch":
                    scheduler.step()
                    if mistake == "twice":
                        scheduler.step()
                if mistake == "log-after" and step % every == 0:
                    out.writerow([step, optimizer.param_groups[0]["lr"]])
                step += 1
            if stepped_per_epoch:
                scheduler.step()
    return path


def _resume(mistake, optimizer, new_optimizer, make_scheduler, at: int):
    """The optimizer and scheduler a resumed run goes on with, the way each mistake builds them."""
    if mistake == "restart":  # nothing but the model restored
        fresh = new_optimizer()
        return fresh, make_scheduler(fresh)
    if mistake == "fresh-scheduler":  # build both, load the optimizer's state, forget the scheduler's
        saved = optimizer.state_dict()
        fresh = new_optimizer()
        scheduler = make_scheduler(fresh)
        fresh.load_state_dict(saved)
        return fresh, scheduler
    fresh = new_optimizer(initial_lr=LR)  # what torch's KeyError asks for, on an optimizer not restored
    return fresh, make_scheduler(fresh, last_epoch=at - 1)


# ---------------------------------------------------------------- the frameworks, in child processes

def start_frameworks(root: Path, kinds=tuple(SCENARIOS)) -> dict[str, subprocess.Popen]:
    """Start one child process per framework (``SCENARIOS``' keys) writing its scenarios under ``root/<kind>``."""
    return {kind: subprocess.Popen([sys.executable, __file__, kind, str(root / kind)], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
            for kind in kinds}


def finish(process: subprocess.Popen, root: Path) -> Path:
    """Wait for a child started by ``start_frameworks``; its output directory, or AssertionError with its output."""
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output[-4000:]
    return root


#: the packages each framework's scenarios need
FRAMEWORKS = {"hf": ("transformers", "accelerate", "tensorboard"), "accelerate": ("accelerate",),
              "lightning": ("pytorch_lightning", "tensorboard")}


def available(*modules: str) -> bool:
    """Are these installed? Looked up, not imported: Lightning cannot be imported next to this torchvision."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in modules)


def installed_frameworks() -> list[str]:
    return [kind for kind, modules in FRAMEWORKS.items() if available(*modules)]


def logs_of(runs, kind: str) -> Path:
    """The directory the child run of ``kind`` wrote (``runs``: conftest's ``reallog_runs``), once it
    has finished; a pytest skip when its framework is not installed."""
    import pytest

    root, started = runs
    if kind not in started:
        pytest.skip(f"needs {', '.join(FRAMEWORKS[kind])}")
    return finish(started[kind], root / kind)


def hf_logs(root: Path) -> None:
    """Every Hugging Face scenario: ``root/<scenario>/`` holds ``trainer_state.json`` and ``runs/``."""
    import torch
    import transformers
    from transformers import Trainer, TrainerCallback, TrainingArguments, get_linear_schedule_with_warmup

    transformers.logging.set_verbosity_error()

    class StepAgain(TrainerCallback):  # a user's callback that also steps the scheduler
        def on_step_end(self, args, state, control, lr_scheduler=None, **kwargs):
            lr_scheduler.step()

    class StopAt(TrainerCallback):  # the run dies right after saving the checkpoint at RESUME_AT
        def on_step_end(self, args, state, control, **kwargs):
            if state.global_step == RESUME_AT:
                control.should_training_stop = True

    def trainer(name, callbacks=(), logging_steps=1, optimizers=(None, None), **args):
        out = root / name
        arguments = TrainingArguments(**{
            "output_dir": str(out), "per_device_train_batch_size": FW_BATCH, "num_train_epochs": FW_EPOCHS,
            "learning_rate": LR, "warmup_steps": HF_WARMUP, "logging_steps": logging_steps,
            "report_to": ["tensorboard"], "save_strategy": "no", "disable_tqdm": True, "use_cpu": True, "seed": 0,
            **args})
        torch.manual_seed(0)
        model = Tiny()
        if optimizers == "custom":
            optimizer = torch.optim.AdamW(model.parameters(), lr=LR)
            accum = arguments.gradient_accumulation_steps
            total = FW_STEPS // accum // accum  # the accumulation counted twice
            optimizers = (optimizer, get_linear_schedule_with_warmup(optimizer, HF_WARMUP, total))
        return Trainer(model=model, args=arguments, train_dataset=dataset(FW_SAMPLES), callbacks=list(callbacks),
                       optimizers=optimizers)

    for name, kwargs in (("correct", {}), ("double-step", {"callbacks": [StepAgain()]}),
                         ("accum-twice", {"gradient_accumulation_steps": 2, "optimizers": "custom", "logging_steps": 4})):
        run = trainer(name, **kwargs)
        run.train()
        run.save_state()
    first = trainer("lost-scheduler", [StopAt()], save_strategy="steps", save_steps=RESUME_AT)
    first.train()
    checkpoint = root / "lost-scheduler" / f"checkpoint-{RESUME_AT}"
    (checkpoint / "scheduler.pt").unlink()  # e.g. copied without it: the Trainer then loads neither state
    second = trainer("lost-scheduler")
    second.train(resume_from_checkpoint=str(checkpoint))
    second.save_state()


def accelerate_logs(root: Path) -> None:
    """Every accelerate scenario: ``root/<scenario>.csv`` (``step,lr``, written by process 0)."""
    from accelerate import notebook_launcher

    for name, split in (("two-processes", False), ("split-batches", True)):
        notebook_launcher(_accelerated_run, (root / f"{name}.csv", split), num_processes=2, use_port=_free_port())


def _free_port() -> str:
    """A port no one listens on now: not the launcher's fixed 29500, which test sessions running side by side share."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def _accelerated_run(path: Path, split_batches: bool) -> None:
    """One process of a 2-process accelerate run: cosine over the optimizer steps, the lr of each logged."""
    import torch
    from accelerate import Accelerator
    from accelerate.utils import DataLoaderConfiguration

    accelerator = Accelerator(cpu=True, dataloader_config=DataLoaderConfiguration(split_batches=split_batches))
    torch.manual_seed(0)
    model = Tiny()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=FW_STEPS)
    loader = _loader(FW_SAMPLES, FW_BATCH)
    model, optimizer, loader, scheduler = accelerator.prepare(model, optimizer, loader, scheduler)
    rows, step = [("step", "lr")], 0
    for _ in range(FW_EPOCHS):
        for batch in loader:
            rows.append((step, optimizer.param_groups[0]["lr"]))
            accelerator.backward(model(**batch)["loss"])
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
    if accelerator.is_main_process:
        with open(path, "w", newline="") as fh:
            csv.writer(fh).writerows(rows)


def lightning_logs(root: Path) -> None:
    """Every Lightning scenario: ``root/<scenario>/csv/.../metrics.csv`` and ``root/<scenario>/tb/...`` events."""
    import pytorch_lightning as pl
    import torch
    from pytorch_lightning.callbacks import LearningRateMonitor
    from pytorch_lightning.loggers import CSVLogger, TensorBoardLogger

    class One(pl.LightningModule):
        def __init__(self, interval):
            super().__init__()
            self.tiny = Tiny()
            self.interval = interval

        def training_step(self, batch, index):
            return self.tiny(**batch)["loss"]

        def configure_optimizers(self):
            optimizer = torch.optim.SGD(self.parameters(), lr=LR)
            scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=FW_STEPS)
            config = {"scheduler": scheduler} if self.interval is None else {"scheduler": scheduler, "interval": self.interval}
            return {"optimizer": optimizer, "lr_scheduler": config}

    for name, interval, accumulate, every in (("correct", "step", 1, 1), ("epoch-interval", None, 1, 1),
                                              ("accumulate", "step", 2, 3)):
        torch.manual_seed(0)
        out = root / name
        trainer = pl.Trainer(
            max_epochs=FW_EPOCHS, accelerator="cpu", devices=1, accumulate_grad_batches=accumulate,
            logger=[CSVLogger(str(out / "csv")), TensorBoardLogger(str(out / "tb"))],
            callbacks=[LearningRateMonitor(logging_interval="step")], log_every_n_steps=every,
            enable_progress_bar=False, enable_model_summary=False, enable_checkpointing=False)
        trainer.fit(One(interval), _loader(FW_SAMPLES, FW_BATCH))


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    kind, directory = sys.argv[1], Path(sys.argv[2])
    directory.mkdir(parents=True, exist_ok=True)
    with torchvision_hidden():
        {"hf": hf_logs, "accelerate": accelerate_logs, "lightning": lightning_logs}[kind](directory)
