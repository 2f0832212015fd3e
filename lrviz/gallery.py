"""The gallery: every config in ``configs/`` rendered to ``gallery/<name>.png``, its table, and an index."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .errors import LrvizError

INDEX_HEADER = """# lrviz gallery

Every picture here is made from a file in [`{configs}/`]({configs_link}) by `{command}`, and each
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

    def command(self, image_dir: str | Path = "gallery") -> str:
        """The command that draws this picture alone into ``image_dir``."""
        return f"lrviz plot {self.config.as_posix()} -o {(Path(image_dir) / self.name).as_posix()}.png"


def config_files(config_dir: str | Path) -> list[Path]:
    """The YAML configs, sorted by name; two with one name (``a.yaml``, ``a.yml``) are refused:
    they would draw the same picture."""
    config_dir = Path(config_dir)
    if not config_dir.is_dir():
        raise LrvizError(f"no configs directory at '{config_dir}'")
    files = sorted(p for p in config_dir.iterdir() if p.suffix in (".yaml", ".yml"))
    if not files:
        raise LrvizError(f"'{config_dir}' holds no .yaml configs")
    stems: dict[str, Path] = {}
    for path in files:
        if path.stem in stems:
            raise LrvizError(f"'{stems[path.stem]}' and '{path}' would both be drawn as {path.stem}.png: rename one")
        stems[path.stem] = path
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
    from .plan.run import simulate_run
    from .spec import load_yaml_specs

    traces = [simulate_run(spec) for spec in load_yaml_specs(item.config)]
    save_figure(make_figure(traces), out_dir / f"{item.name}.png")
    write_atomically(out_dir / "data" / f"{item.name}.csv", lambda fh: fh.writelines(table_lines(traces, "csv")))


def index_text(items: list[GalleryItem], config_dir: str | Path = "configs", out_dir: str | Path = "gallery") -> str:
    """The gallery's README.md in ``out_dir``: each image with its description, source and the
    command that draws it there; links relative to ``out_dir``."""
    import os

    config_dir, out_dir = Path(config_dir), Path(out_dir)
    command = "lrviz gallery" + ("" if config_dir == Path("configs") else f" --configs {config_dir.as_posix()}") + (
        "" if out_dir == Path("gallery") else f" --out {out_dir.as_posix()}")
    link = Path(os.path.relpath(config_dir, out_dir)).as_posix()
    parts = [INDEX_HEADER.format(configs=config_dir.name, configs_link=link, command=command)]
    for item in items:
        parts.append(f"\n## {item.name}\n\n{item.description}\n")
        if item.source:
            parts.append(f"\nSource: {item.source}\n")
        parts.append(f"\n![{item.name}]({item.name}.png)\n\n```bash\n{item.command(out_dir)}\n```\n")
    return "".join(parts)


def build_gallery(config_dir: str | Path = "configs", out_dir: str | Path = "gallery",
                  progress: Callable[[GalleryItem], None] | None = None) -> list[GalleryItem]:
    """Render every config and write the index; returns the items in index order.

    Everything is drawn into a directory beside ``out_dir`` first and moved in only when every
    config has rendered: a config that fails leaves the gallery as it was.
    """
    import os
    import shutil
    import tempfile

    from .output import write_atomically

    out_dir = Path(out_dir)
    items = [gallery_item(path) for path in config_files(config_dir)]
    out_dir.mkdir(parents=True, exist_ok=True)
    aside = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        (aside / "data").mkdir()
        for item in items:
            if progress:
                progress(item)
            render_item(item, aside)
        write_atomically(aside / "README.md", lambda fh: fh.write(index_text(items, config_dir, out_dir)))
        (out_dir / "data").mkdir(exist_ok=True)
        for made in sorted(aside.rglob("*")):
            if made.is_file():
                os.replace(made, out_dir / made.relative_to(aside))
    finally:
        shutil.rmtree(aside, ignore_errors=True)
    return items
