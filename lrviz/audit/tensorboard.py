"""TensorBoard event files, read with tensorboard's own ``EventAccumulator`` (the optional extra ``audit``).

A run directory may hold several event files (a resumed run writes a new one; the Hugging Face
Trainer a new ``runs/<date>`` directory per session): every directory holding event files is
read, and where two points share a step the one written last (by wall time) is kept, as
TensorBoard itself shows a restarted run. Values are stored as float32 (``simple_value``), so
they compare at float32 precision. Steps are as the writer gave them:

- ``train/learning_rate`` (Hugging Face's TensorBoardCallback): ``global_step`` k holds the lr of the
  k-th update, optimizer step k - 1 (see lrviz.audit.hf);
- ``lr-<optimizer>`` (Lightning's LearningRateMonitor): logged at the start of a batch with
  ``step`` = optimizer steps already taken, so step s is optimizer step s;
- any other tag: step s is optimizer step s.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import LrvizError
from .hf import CONVENTION as HF_CONVENTION
from .log import LIGHTNING_LR, Log, finish, pick_series

EVENT_FILE_MARK = "tfevents"
#: the most directory entries searched for event files under a run directory
MAX_WALK = 10_000
LIGHTNING_CONVENTION = ("Lightning LearningRateMonitor: the point at step s is read at the start of a batch, "
                        "after s optimizer steps: optimizer step s")


def is_event_file(path: Path) -> bool:
    return EVENT_FILE_MARK in path.name


def event_dirs(path: Path) -> list[Path]:
    """The directories under ``path`` (itself included) that hold event files, searched breadth first."""
    found, queue, seen = [], [path], 0
    while queue:
        here = queue.pop(0)
        try:
            entries = sorted(here.iterdir())
        except OSError as exc:
            raise LrvizError(f"cannot read {here}: {exc.strerror or exc}") from None
        seen += len(entries)
        if seen > MAX_WALK:
            raise LrvizError(f"{path} holds more than {MAX_WALK:,} files and directories: name the run directory")
        if any(e.is_file() and is_event_file(e) for e in entries):
            found.append(here)
        queue.extend(e for e in entries if e.is_dir())
    return found


def read_events(path: Path, tag: str | None = None, group: int = 0, first_step: int | None = None) -> Log:
    """The points of one scalar tag in an event file or under a run directory."""
    try:
        from tensorboard.backend.event_processing.event_accumulator import SCALARS, TENSORS, EventAccumulator
    except ImportError:
        raise LrvizError("reading TensorBoard logs needs tensorboard: pip install 'lrviz[audit]'") from None
    sources = [path] if path.is_file() else event_dirs(path)
    if not sources:
        raise LrvizError(f"{path} holds no TensorBoard event files (events.out.tfevents.*)")
    accumulators = []
    for source in sources:
        accumulator = EventAccumulator(str(source), size_guidance={SCALARS: 0, TENSORS: 0})
        try:
            accumulator.Reload()
        except Exception as exc:  # tensorboard raises its own errors for corrupt records
            raise LrvizError(f"{source}: not a readable TensorBoard event file ({type(exc).__name__}: {exc})") from None
        accumulators.append(accumulator)
    tags = sorted({t for a in accumulators for kind in ("scalars", "tensors") for t in a.Tags()[kind]})
    tag = pick_series(tags, tag, group, str(path), "tag")
    wall, steps, values, float32 = [], [], [], True
    for accumulator in accumulators:
        if tag in accumulator.Tags()["scalars"]:
            events = accumulator.Scalars(tag)
            values += [e.value for e in events]
        elif tag in accumulator.Tags()["tensors"]:
            events = accumulator.Tensors(tag)
            arrays = [_tensor_value(e.tensor_proto, tag, path) for e in events]
            float32 = float32 and all(a.dtype.itemsize <= 4 for a in arrays)
            values += [float(a) for a in arrays]
        else:
            continue
        wall += [e.wall_time for e in events]
        steps += [e.step for e in events]
    import numpy as np

    order = np.argsort(np.asarray(wall), kind="stable")  # finish() keeps the last point written at a step
    start, convention = _convention(tag, first_step)
    source = str(path) if len(sources) == 1 else f"{path} [{len(sources)} directories merged]"
    return finish(source, "tensorboard", tag, np.asarray(steps, dtype=np.int64)[order],
                  np.asarray(values, dtype=np.float64)[order], first_step=start, convention=convention,
                  float32=float32)


def _tensor_value(proto, tag: str, path: Path):
    from tensorboard.util import tensor_util

    array = tensor_util.make_ndarray(proto)
    if array.size != 1 or array.dtype.kind != "f":
        raise LrvizError(f"{path}: tag '{tag}' holds {array.dtype} tensors of shape {array.shape}, not scalars")
    return array.reshape(())


def _convention(tag: str, first_step: int | None) -> tuple[int, str]:
    if first_step is not None:
        return first_step, f"the point at step k holds optimizer step k - {first_step}"
    if tag.rsplit("/", 1)[-1] == "learning_rate" and tag.startswith("train/"):
        return 1, HF_CONVENTION
    if LIGHTNING_LR.fullmatch(tag):
        return 0, LIGHTNING_CONVENTION
    return 0, "as written: the point at step s holds optimizer step s"
