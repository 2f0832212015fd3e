"""lrviz.plot, the Jupyter display (PNG, HTML with statistics), Comparison, to_dict and to_pandas:
every number checked against a plain torch loop or ``lrviz table``."""

from __future__ import annotations

import base64
import io
import json
import sys

import numpy as np
import pytest
import yaml
from matplotlib.figure import Figure
from torch.optim import lr_scheduler

import lrviz
from conftest import torch_loop
from test_resume import resumed_loop
from lrviz.errors import LrvizError
from lrviz.render.api import plot
from lrviz.render.frames import trace_to_dict, trace_to_pandas
from lrviz.render.jupyter import Comparison, display_html, display_png, mimebundle
from lrviz.simulation.record import simulate_spec
from lrviz.trace import Trace
from lrviz.spec import load_yaml_specs

ONECYCLE = "onecycle:max_lr=0.1,total_steps=100"
TRUTH = torch_loop(lr_scheduler.OneCycleLR, {"max_lr": 0.1, "total_steps": 100}, 100)[0]


@pytest.fixture(scope="module")
def onecycle() -> Trace:
    return lrviz.simulate(ONECYCLE)


@pytest.fixture(scope="module")
def cosine() -> Trace:
    return lrviz.simulate("cosine:T_max=40", steps=60, lr=0.05)


def test_plot_makes_a_figure_or_draws_into_an_axis(onecycle, cosine):
    fig = plot(onecycle)
    assert isinstance(fig, Figure) and fig.axes[0].get_lines()[0].get_ydata()[:-1].tolist() == TRUTH.tolist()
    mine = Figure()
    ax = mine.add_subplot(2, 1, 2)
    assert plot([onecycle, cosine], ax=ax, log=True, title="mine") is mine
    assert [line.get_label() for line in ax.get_lines()] == [onecycle.label, cosine.label]
    assert ax.get_lines()[0].get_ydata()[:-1].tolist() == TRUTH.tolist()
    assert ax.get_yscale() == "log" and ax.get_title() == "mine" and len(mine.axes) == 1
    side = plot(Comparison([onecycle, cosine]))  # a comparison's own layout: side by side
    assert [a.get_title() for a in side.axes] == [onecycle.label, cosine.label]
    assert len(plot(Comparison([onecycle, cosine]), layout="overlay").axes) == 1


@pytest.mark.parametrize("options, message", [
    ({"layout": "side"}, "layout='side' needs a figure of its own"),
    ({"momentum": True}, "momentum=True needs a figure of its own"),
])
def test_plot_into_an_axis_refuses_what_needs_a_figure(onecycle, options, message):
    with pytest.raises(LrvizError, match=message):
        plot(onecycle, ax=Figure().add_subplot(), **options)


@pytest.mark.parametrize("bad, message", [([], "nothing to show"), ("cosine:T_max=10", "got str"),
                                          ([np.zeros(3)], "got ndarray"), (None, "got NoneType")])
def test_plot_says_what_it_takes(bad, message):
    with pytest.raises(LrvizError, match=message):
        plot(bad)


def test_display_png_and_html_show_the_figure_and_exact_statistics(onecycle):
    from PIL import Image

    bundle = mimebundle(onecycle)
    png = bundle["image/png"]
    assert Image.open(io.BytesIO(png)).size == (800, 450)
    page = bundle["text/html"]
    assert f'src="data:image/png;base64,{base64.b64encode(png).decode()}"' in page
    low, high = int(TRUTH.argmin()), int(TRUTH.argmax())
    assert f"<td>{float(TRUTH[low])!r} @ {low}</td>" in page and f"<td>{float(TRUTH[high])!r} @ {high}</td>" in page
    assert f"<td>{float(TRUTH[0])!r}</td>" in page and f"<td>{float(TRUTH.sum())!r}</td>" in page
    assert display_png(onecycle) == png and display_html(onecycle) == page  # the same on every run


def test_statistics_count_steps_of_a_resumed_schedule_from_where_it_resumes():
    resumed = lrviz.simulate("step:step_size=3,gamma=0.5,last_epoch=9", steps=6, lr=1.0)
    truth = resumed_loop(lr_scheduler.StepLR, {"step_size": 3, "gamma": 0.5}, 9, 6, [{"lr": 1.0, "initial_lr": 1.0}])
    assert resumed.start == 10 and resumed.lr.tolist() == truth[0].tolist() == [1.0, 1.0, 0.5, 0.5, 0.5, 0.25]
    page = display_html(resumed)
    assert "<td>0.25 @ 15</td>" in page and "<td>1.0 @ 10</td>" in page  # step numbers, not row indices


def test_comparison_is_a_sequence_shown_with_a_column_of_statistics_each(onecycle, cosine):
    both = Comparison([onecycle, cosine])
    assert len(both) == 2 and list(both) == [onecycle, cosine] and both[1] is cosine
    page = both._repr_html_()
    assert page.count("<th>onecycle:max_lr=0.1,total_steps=100</th>") == 1 and "<th>cosine:T_max=40</th>" in page
    assert f"<td>{float(cosine.lr.min())!r} @ {int(cosine.lr.argmin())}</td>" in page
    assert both._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"


def test_trace_to_dict_is_plain_json_equal_to_torch(onecycle):
    data = trace_to_dict(onecycle)
    assert json.loads(json.dumps(data)) == data
    assert data["lr"] == TRUTH.tolist() and data["step"] == list(range(100))
    assert len(data["momentum"]) == 100 and data["momentum"][0] == 0.95
    assert {k: data[k] for k in ("label", "unit", "start", "steps_per_epoch", "metrics")} == {
        "label": ONECYCLE, "unit": "step", "start": 0, "steps_per_epoch": None, "metrics": None}


def test_to_pandas_has_the_table_columns_and_values(onecycle, cli):
    frame = trace_to_pandas(onecycle)
    code, out, err = cli("table", ONECYCLE, "--momentum", "-o", "-")
    assert code == 0, err
    header, *rows = [line.split(",") for line in out.splitlines()]
    assert [frame.index.name, *frame.columns] == header == ["step", "lr", "momentum"]
    assert frame.index.tolist() == [int(r[0]) for r in rows]
    assert frame["lr"].tolist() == [float(r[1]) for r in rows] == TRUTH.tolist()
    assert frame["momentum"].tolist() == [float(r[2]) for r in rows]
    assert frame.attrs["label"] == ONECYCLE


def test_comparison_to_pandas_aligns_as_the_table_does(cli, tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump({"schedules": [
        {"name": "resumed", "lr": 1.0, "steps": 3, "scheduler": {"type": "exp", "gamma": 0.5, "last_epoch": 2}},
        {"name": "long", "lr": 1.0, "steps": 4, "scheduler": {"type": "step", "step_size": 2, "gamma": 0.5}}]}))
    frame = Comparison([simulate_spec(spec) for spec in load_yaml_specs(path)]).to_pandas()
    code, out, err = cli("table", path, "-o", "-")
    assert code == 0, err
    header, *rows = [line.split(",") for line in out.splitlines()]
    assert header == ["step", "resumed", "long"] == [frame.index.name, *frame.columns]
    assert frame.index.tolist() == [int(r[0]) for r in rows] == [0, 1, 2, 3, 4, 5]
    for name, column in (("resumed", 1), ("long", 2)):  # a blank cell of the table is NaN
        assert [None if np.isnan(v) else v for v in frame[name]] == [float(r[column]) if r[column] else None for r in rows]
    truth = resumed_loop(lr_scheduler.ExponentialLR, {"gamma": 0.5}, 2, 3, [{"lr": 1.0, "initial_lr": 1.0}])
    assert frame["resumed"].iloc[3:].tolist() == truth[0].tolist()


def test_without_pandas_the_error_says_what_to_install(onecycle, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(LrvizError, match="to_pandas needs pandas: pip install pandas"):
        trace_to_pandas(onecycle)
