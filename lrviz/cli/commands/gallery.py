"""``lrviz gallery``: regenerate gallery/ from configs/."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..app import app
from ..console import console


@app.command(epilog="Example: lrviz gallery --out gallery")
def gallery(
    out: Annotated[Path, typer.Option("--out", help="Directory for the images, tables and index.")] = Path("gallery"),
    configs: Annotated[Path, typer.Option("--configs", help="Directory of YAML configs.")] = Path("configs"),
):
    """Render every config to OUT/<name>.png, its table to OUT/data/, and an index OUT/README.md."""
    from ...gallery import build_gallery

    err = console(stderr=True)
    items = build_gallery(configs, out, progress=lambda item: err.print(f"rendering {item.name}", markup=False))
    console().print(f"wrote {len(items)} images and {out / 'README.md'}", markup=False)
