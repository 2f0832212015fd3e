"""examples/lrviz.ipynb, executed in a real Jupyter kernel (nbclient + ipykernel): its outputs hold
the figures, the exact statistics and the HTML page, all equal to a plain torch loop."""

from __future__ import annotations

import ast
import base64
import io
import os
from pathlib import Path

import numpy as np
import pytest
from torch.optim import lr_scheduler

import lrviz
from conftest import torch_loop
from test_html import page_figure, rows_of

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("plotly")
pytest.importorskip("pandas")

NOTEBOOK = Path(__file__).parents[1] / "examples" / "lrviz.ipynb"
ONECYCLE = torch_loop(lr_scheduler.OneCycleLR, {"max_lr": 0.1, "total_steps": 100}, 100)[0]


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> tuple[dict, Path]:
    """The notebook run top to bottom in a fresh kernel, in a temporary directory: its cells by source."""
    where = tmp_path_factory.mktemp("notebook")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    root = str(Path(lrviz.__file__).parents[1])  # the kernel imports this lrviz, installed or not
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(where)}}).execute(env=env)
    return {cell.source: cell for cell in notebook.cells if cell.cell_type == "code"}, where


def outputs(executed, starts: str) -> list[dict]:
    cells, _ = executed
    (cell,) = [c for source, c in cells.items() if source.startswith(starts)]
    assert not [o for o in cell.outputs if o.output_type == "error"], cell.outputs
    return [o.data for o in cell.outputs if o.output_type in ("execute_result", "display_data")]


def png_of(data: dict):
    from PIL import Image

    return Image.open(io.BytesIO(base64.b64decode(data["image/png"])))


def test_every_cell_runs_without_error_or_warning(executed):
    cells, _ = executed
    for source, cell in cells.items():
        assert [o.output_type for o in cell.outputs if o.output_type in ("error", "stream")] == [], source


def test_a_trace_shows_its_figure_and_exact_statistics(executed):
    (data,) = outputs(executed, 'trace = lrviz.simulate("onecycle')
    assert png_of(data).size == (800, 450)
    page = data["text/html"]
    low, high = int(ONECYCLE.argmin()), int(ONECYCLE.argmax())
    assert f"<td>{float(ONECYCLE[low])!r} @ {low}</td>" in page and f"<td>{float(ONECYCLE[high])!r} @ {high}</td>" in page
    assert f'src="data:image/png;base64,{data["image/png"].strip()}"' in page


def test_to_dict_and_to_pandas_hold_the_torch_values(executed):
    (listed,) = outputs(executed, 'trace.to_dict()["lr"]')
    assert ast.literal_eval(listed["text/plain"]) == ONECYCLE[:5].tolist()
    (frame,) = outputs(executed, "trace.to_pandas()")
    assert "<th>step</th>" in frame["text/html"] and "momentum" in frame["text/html"]


def test_plot_cells_show_figures(executed):
    (figure,) = outputs(executed, "lrviz.plot(trace, log=True")
    assert png_of(figure).size[1] > png_of(figure).size[0] * 0.6  # an lr panel and a momentum panel under it
    (own,) = outputs(executed, "from matplotlib.figure import Figure")
    image = np.asarray(png_of(own).convert("RGB"))
    assert image.shape[1] > 2 * image.shape[0] and (image.sum(axis=2) < 600).mean() > 0.01


def test_the_comparison_shows_one_column_of_statistics_per_schedule(executed):
    (data,) = outputs(executed, "gammas = lrviz.compare(")
    for gamma in (0.1, 0.5, 0.9):
        truth = torch_loop(lr_scheduler.StepLR, {"step_size": 10, "gamma": gamma}, 100)[0]
        assert f"<th>step:step_size=10 gamma={gamma}</th>" in data["text/html"]
        assert f"<td>{float(truth.min())!r} @ {int(truth.argmin())}</td>" in data["text/html"]


def test_python_objects_give_what_torch_gives_them(executed):
    """The dict spec with a Python ``lr_lambda`` and the StepLR factory, behind the warmup of 5 steps
    (torchvision's recipe), equal the same schedulers built by hand."""
    import bisect

    def warmed(make):
        return lambda optimizer: lr_scheduler.SequentialLR(optimizer, [
            lr_scheduler.LinearLR(optimizer, start_factor=0.01, total_iters=5), make(optimizer)], milestones=[5])

    boundaries, factors = [20, 40], [1.0, 0.3, 0.1]
    piecewise = torch_loop(warmed(lambda o: lr_scheduler.LambdaLR(
        o, lambda epoch: factors[bisect.bisect_right(boundaries, epoch)])), {}, 60)[0]
    step = torch_loop(warmed(lambda o: lr_scheduler.StepLR(o, step_size=10, gamma=0.5)), {}, 60)[0]
    (listed,) = outputs(executed, "import bisect")
    assert ast.literal_eval(listed["text/plain"]) == [piecewise[[0, 5, 25, 45]].tolist(), step[[0, 5, 25, 45]].tolist()]
    (figure,) = outputs(executed, 'mine.plot(layout="overlay")')
    assert png_of(figure).size[0] > 400


def test_the_html_exports_hold_the_torch_values(executed):
    _, where = executed
    curves, layout = page_figure(where / "gammas.html")
    assert [s["label"] for s in layout["sliders"][0]["steps"]] == ["all", "gamma=0.1", "gamma=0.5", "gamma=0.9"]
    for gamma, curve in zip((0.1, 0.5, 0.9), curves):
        truth = torch_loop(lr_scheduler.StepLR, {"step_size": 10, "gamma": gamma}, 100)[0]
        assert [y for _, y, _ in rows_of(curve)] == truth.tolist()
    (lr, momentum), _ = page_figure(where / "onecycle.html")
    assert [y for _, y, _ in rows_of(lr)] == ONECYCLE.tolist()
    (path,) = outputs(executed, 'trace.to_html("onecycle.html"')
    assert "onecycle.html" in path["text/plain"]
