"""Read a run's logged lr from whatever file or directory the user points at.

``read_log`` tells the format from the path (or takes ``fmt``) and hands it to its reader:

=============== ====================================================================
``hf-json``     a ``*.json`` file; a directory holding ``trainer_state.json``, or
                ``checkpoint-N/`` directories (the latest one's is read)
``tensorboard`` an ``events.out.tfevents.*`` file; a directory with event files below it
``csv``         a ``*.csv`` file (Lightning ``metrics.csv``, W&B export, ``step,lr``);
                a directory holding ``metrics.csv`` (a Lightning ``version_N/``)
=============== ====================================================================
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import LrvizError
from ..output import note_input
from .log import Log

FORMATS = ("hf-json", "tensorboard", "csv")
TRAINER_STATE = "trainer_state.json"
LIGHTNING_METRICS = "metrics.csv"
CHECKPOINT = re.compile(r"checkpoint-(\d+)")


def read_log(path: str | Path, *, series: str | None = None, step_column: str | None = None,
             fmt: str | None = None, group: int = 0, first_step: int | None = None) -> Log:
    """The lr a run logged, with its points lined up to optimizer steps.

    Args:
        path: a log file or a run directory.
        series: the TensorBoard tag, CSV column or JSON key to read (default: the one named like an lr).
        step_column: the CSV column holding steps (default: ``step``, ``train/global_step``... if any).
        fmt: one of ``FORMATS``; default: told from the path.
        group: the param group the series belongs to (names like Lightning's ``lr-SGD/pg2``).
        first_step: the logged step number of optimizer step 0, overriding the format's convention.
    Returns:
        a :class:`lrviz.audit.log.Log`; any unreadable input is an LrvizError.
    """
    path = Path(path)
    if not path.exists():
        raise LrvizError(f"no such file or directory: {path}")
    if fmt is not None and fmt not in FORMATS:
        raise LrvizError(f"unknown log format '{fmt}' (valid: {', '.join(FORMATS)})")
    if group < 0:
        raise LrvizError(f"group must be >= 0, got {group}")
    fmt, path = (fmt, path) if fmt else detect(path)
    note_input(path)  # never the command's output (lrviz.output)
    if fmt == "hf-json":
        from .hf import read_trainer_state

        return read_trainer_state(_file_in(path, TRAINER_STATE), series, group, first_step)
    if fmt == "tensorboard":
        from .tensorboard import read_events

        return read_events(path, series, group, first_step)
    from .csvlog import read_csv

    return read_csv(_file_in(path, LIGHTNING_METRICS), series, step_column, group, first_step)


def detect(path: Path) -> tuple[str, Path]:
    """The format of the log at ``path``, and the file or directory to read."""
    from .tensorboard import event_dirs, is_event_file

    if path.is_file():
        if is_event_file(path):
            return "tensorboard", path
        suffix = path.suffix.lower()
        if suffix == ".json":
            return "hf-json", path
        if suffix in (".csv", ".tsv", ".txt"):
            return "csv", path
        raise LrvizError(f"cannot tell the format of {path}: expected trainer_state.json, a TensorBoard "
                         f"events.out.tfevents.* file, a .csv file or a run directory")
    if (path / TRAINER_STATE).is_file():
        return "hf-json", path / TRAINER_STATE
    if (path / LIGHTNING_METRICS).is_file():
        return "csv", path / LIGHTNING_METRICS
    if event_dirs(path):
        return "tensorboard", path
    checkpoints = sorted((int(m[1]), p) for p in path.iterdir() if (m := CHECKPOINT.fullmatch(p.name))
                         and (p / TRAINER_STATE).is_file())
    if checkpoints:
        return "hf-json", checkpoints[-1][1] / TRAINER_STATE
    raise LrvizError(f"{path} holds no log lrviz reads: {TRAINER_STATE}, {LIGHTNING_METRICS}, "
                     f"TensorBoard event files or checkpoint-N/{TRAINER_STATE}")


def _file_in(path: Path, name: str) -> Path:
    """``path`` itself, or the file ``name`` in the directory ``path``."""
    if path.is_dir():
        if not (path / name).is_file():
            raise LrvizError(f"{path} is a directory without {name}")
        return path / name
    return path
