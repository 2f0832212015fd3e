"""lrviz.audit's comparison, predictor contract, bounded diagnosis, renderers and a million-point log.

The logs here come from plain torch loops (tests/reallogs.py); the frameworks' logs are in test_audit_runs.py.
"""

from __future__ import annotations

import csv
import dataclasses
import json

import numpy as np
import pytest
import torch

import reallogs
from lrviz.audit import audit, read_log
from lrviz.errors import LrvizError
from lrviz.simulation.record import simulate_spec
from lrviz.spec import specs_from_tokens


def spec(text: str, **changes):
    return specs_from_tokens([text])[0].with_overrides(**changes)


def cosine(t_max):
    return lambda optimizer, last_epoch=-1: torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=t_max,
                                                                                        last_epoch=last_epoch)


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    """A loop that stepped its cosine twice per optimizer step, logged every step."""
    return read_log(reallogs.loop_log(tmp_path_factory.mktemp("twice") / "log.csv", cosine(120), mistake="twice"))


def test_a_log_of_a_resumed_prediction_compares_from_its_first_step(tmp_path):
    log = read_log(reallogs.loop_log(tmp_path / "log.csv", cosine(120)))
    result = audit(log, spec("cosine:T_max=120,last_epoch=29", param_groups=[{"lr": 0.1, "initial_lr": 0.1}]))
    assert (result.start, result.comparison.outside) == (30, 30)
    assert "30 logged points come before the predicted steps" in "\n".join(result.verdict_lines())
    short = dataclasses.replace(log, steps=log.steps[:10], lrs=log.lrs[:10])
    with pytest.raises(LrvizError, match="ends at optimizer step 9, before the prediction starts at step 30"):
        audit(short, spec("cosine:T_max=120,last_epoch=29"))


def test_a_per_epoch_schedule_needs_steps_per_epoch(twice):
    with pytest.raises(LrvizError, match="stepped per epoch: give steps_per_epoch"):
        audit(twice, spec("cosine:T_max=4", interval="epoch"))


def test_a_log_that_outlasts_its_scheduler_differs_past_the_end(tmp_path):
    """OneCycleLR cannot step past total_steps: a longer log had another total_steps, and says which."""
    def onecycle(optimizer, last_epoch=-1):
        return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=120)

    result = audit(read_log(reallogs.loop_log(tmp_path / "log.csv", onecycle)), spec("onecycle:max_lr=0.1,total_steps=90"))
    data = result.to_dict()
    assert (data["beyond"], data["first_divergence"], data["mistake"]) == (30, 1, "horizon")
    assert (data["diagnosis"][0]["argument"], data["diagnosis"][0]["value"]) == ("total_steps", 120)
    assert "Tried to step 91 times" in data["prediction_ended"]


def test_any_predictor_of_traces_can_be_audited_against(twice):
    """The prediction comes from the function given (a training plan's, later), asked for the log's steps."""
    asked = []

    def predict(spec):
        asked.append(spec.steps)
        return simulate_spec(spec)

    result = audit(twice, spec("cosine:T_max=120"), predict)
    assert asked[:2] == [1, 120]  # where it starts, then every logged step
    assert result.to_dict()["mistake"] == "stepped-k-times"


def test_the_diagnosis_stops_at_its_budget(twice):
    result = audit(twice, spec("cosine:T_max=120"), budget=50)
    assert result.finding is None and result.exit_code == 1
    assert "stopped at its limit of 50 simulated rows" in result.to_dict()["notes"][0]


def test_a_log_no_mistake_explains_is_said_so(tmp_path):
    path = tmp_path / "noisy.csv"
    noise = np.random.default_rng(0).uniform(0.9, 1.1, 60)
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows([("step", "lr"), *((t, 0.1 * n) for t, n in enumerate(noise))])
    result = audit(read_log(path), spec("cosine:T_max=60"))
    assert result.to_dict()["cause"] is None and result.exit_code == 1
    assert "cause: no known mistake fits exactly" in result.verdict_lines()


def test_a_nan_logged_is_a_difference(tmp_path):
    path = tmp_path / "nan.csv"
    path.write_text("step,lr\n0,0.1\n1,nan\n")
    result = audit(read_log(path), spec("cosine:T_max=60"), diagnose_mistakes=False)
    assert (result.comparison.first_divergence, result.to_dict()["max_abs_error"]) == (1, None)


def test_json_says_match_divergence_error_and_cause(twice):
    data = json.loads(json.dumps(audit(twice, spec("cosine:T_max=120")).to_dict()))
    assert {"match", "first_divergence", "max_abs_error", "cause", "fix"} <= set(data)
    assert data["first_divergence_logged_step"] == data["first_divergence"] == 1
    assert data["log"]["convention"] == "as written: the point at step s holds optimizer step s"


def test_terminal_chart_then_verdict(twice):
    from lrviz.render.audit import audit_lines

    result = audit(twice, spec("cosine:T_max=120"))
    lines = audit_lines(result, width=80, ascii=True)
    assert lines[0].startswith("logged: lr (") and any(line.startswith("predicted: cosine:T_max=120") for line in lines)
    assert any(line.startswith("the run, diagnosed: stepped-k-times (k=2)") for line in lines)
    assert lines[-2].startswith("cause: scheduler.step() ran 2 times") and lines[-1].startswith("fix: ")
    assert all(line.isascii() for line in lines)


def test_figure_draws_log_over_prediction_with_the_divergence(twice, tmp_path):
    from lrviz.render.audit_figure import audit_figure
    from lrviz.render.png import save_figure

    result = audit(twice, spec("cosine:T_max=120"))
    fig = audit_figure(result)
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:3] == ["predicted: cosine:T_max=120", "the run, diagnosed: stepped-k-times (k=2)", "logged: lr"]
    assert ax.get_lines()[2].get_ydata().tolist() == result.log.lrs.tolist()
    assert ax.get_lines()[3].get_xdata()[0] == 1  # the first divergence
    assert save_figure(fig, tmp_path / "audit.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_million_point_log_is_read_compared_and_diagnosed(tmp_path):
    """10**6 optimizer steps logged: 1000 epochs of 1000 steps, a StepLR stepped at each epoch's end by a
    real loop. Read, compared and diagnosed in numpy; the schedule is simulated per epoch, so the
    diagnosis is cheap too (not timed here: benchmarks/ is where speed is measured)."""
    epochs = steps_per_epoch = 1000
    weight = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([weight], lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=100, gamma=0.9)
    per_epoch = []
    for _ in range(epochs):
        per_epoch.append(optimizer.param_groups[0]["lr"])  # held by all the epoch's optimizer steps
        optimizer.step()
        scheduler.step()
    path = tmp_path / "big.csv"
    with open(path, "w") as fh:
        fh.write("step,lr\n")
        fh.writelines(f"{t},{v!r}\n" for t, v in enumerate(np.repeat(per_epoch, steps_per_epoch).tolist()))
    log = read_log(path)
    per_epoch_spec = {"interval": "epoch", "steps_per_epoch": steps_per_epoch}
    right = audit(log, spec("step:step_size=100,gamma=0.9", **per_epoch_spec))
    assert right.match and right.comparison.compared == 10**6
    data = audit(log, spec("step:step_size=50,gamma=0.9", **per_epoch_spec)).to_dict()
    assert (data["first_divergence"], data["mismatches"], data["mistake"]) == (50_000, 950_000, "horizon")
    assert (data["diagnosis"][0]["argument"], data["diagnosis"][0]["value"]) == ("step_size", 100)
