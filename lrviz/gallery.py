"""The gallery: every config in ``configs/`` rendered to ``gallery/<name>.png``, its table, and an index."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .errors import LrvizError

INDEX_HEADER = """# lrviz gallery

Every picture here is made from a file in [`configs/`](../configs) by `lrviz gallery`, and each
one can be reproduced alone with the command under it. The tables behind the pictures are in
[`data/`](data); the tests check that regenerating them gives these files.
"""


@dataclass
class GalleryItem:
    """One config and what the gallery made of it."""

    name: str
    config: Path
    description: str
    source: str

    def command(self, image_dir: str = "gallery") -> str:
        return f"lrviz plot {self.config.as_posix()} -o {image_dir}/{self.name}.png"


def config_files(config_dir: str | Path) -> list[Path]:
    """The YAML configs, sorted by name."""
    config_dir = Path(config_dir)
    if not config_dir.is_dir():
        raise LrvizError(f"no configs directory at '{config_dir}'")
    files = sorted(p for p in config_dir.iterdir() if p.suffix in (".yaml", ".yml"))
    if not files:
        raise LrvizError(f"'{config_dir}' holds no .yaml configs")
    return files


def gallery_item(path: Path) -> GalleryItem:
    from .spec import read_yaml

    data = read_yaml(path)
    return GalleryItem(path.stem, path, str(data.get("description") or ""), str(data.get("source") or ""))


def render_item(item: GalleryItem, out_dir: Path) -> None:
    """Write ``<name>.png`` and ``data/<name>.csv`` for one config."""
    from .output import write_atomically
    from .render.png import make_figure, save_figure
    from .render.table import table_lines
    from .simulation.record import simulate_spec
    from .spec import load_yaml_specs

    traces = [simulate_spec(spec) for spec in load_yaml_specs(item.config)]
    title = None if len(traces) == 1 else f"{item.name}: " + " vs ".join(t.label for t in traces)
    save_figure(make_figure(traces, title=title), out_dir / f"{item.name}.png")
    write_atomically(out_dir / "data" / f"{item.name}.csv", lambda fh: fh.writelines(table_lines(traces, "csv")))


def index_text(items: list[GalleryItem]) -> str:
    """The gallery's README.md: each image with its description, source and command."""
    parts = [INDEX_HEADER]
    for item in items:
        parts.append(f"\n## {item.name}\n\n{item.description}\n")
        if item.source:
            parts.append(f"\nSource: {item.source}\n")
        parts.append(f"\n![{item.name}]({item.name}.png)\n\n```bash\n{item.command()}\n```\n")
    return "".join(parts)


def build_gallery(config_dir: str | Path = "configs", out_dir: str | Path = "gallery",
                  progress: Callable[[GalleryItem], None] | None = None) -> list[GalleryItem]:
    """Render every config and write the index; returns the items in index order."""
    from .output import write_atomically

    out_dir = Path(out_dir)
    (out_dir / "data").mkdir(parents=True, exist_ok=True)
    items = [gallery_item(path) for path in config_files(config_dir)]
    for item in items:
        if progress:
            progress(item)
        render_item(item, out_dir)
    write_atomically(out_dir / "README.md", lambda fh: fh.write(index_text(items)))
    return items
