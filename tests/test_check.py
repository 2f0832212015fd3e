"""`lrviz check`: each figure it reports is recomputed here from torch directly."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as L

from lrviz.check import DIFFERS, FAIL, NOT_APPLICABLE, OK, check_spec
from lrviz.spec import specs_from_tokens


def run(spec: str, steps: int = 100, lr: float = 0.1, resume_at=None):
    """The report on ``spec``, as {check name: result}."""
    (parsed,) = specs_from_tokens([spec])
    return {r.name: r for r in check_spec(parsed.with_overrides(steps=steps, lr=lr), resume_at).results}


def optimizer(lr):
    return torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=lr)


def stepped(sched, opt, steps, read):
    """Rows of ``read()`` between the steps of a plain loop."""
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for t in range(steps):
            rows.append(read())
            opt.step()
            if t + 1 < steps:
                sched.step()
    return rows


def test_seed_004_recursive_cosine_matches_its_closed_form():
    """Seed 004 derives get_lr()'s recursion from the closed form: they agree to rounding."""
    result = run("cosine:T_max=10", lr=1.0)["step() vs closed form"]
    opt = optimizer(1.0)
    sched = L.CosineAnnealingLR(opt, T_max=10)
    pairs = stepped(sched, opt, 100, lambda: (opt.param_groups[0]["lr"], sched._get_closed_form_lr()[0]))
    diffs = [abs(a - b) for a, b in pairs]
    assert result.status == OK
    assert result.max_abs == max(diffs) and 0 < result.max_abs < 1e-12
    assert result.worst_step == int(np.argmax(diffs))


def test_seed_003_get_lr_outside_step_is_not_the_lr_in_use():
    """Seed 003's plots called get_lr() after step(): for a recursive schedule that is not the lr used."""
    result = run("cosine:T_max=20,eta_min=1e-5", lr=0.001)["get_lr() vs optimizer"]
    opt = optimizer(0.001)
    sched = L.CosineAnnealingLR(opt, T_max=20, eta_min=1e-5)
    pairs = stepped(sched, opt, 100, lambda: (sched.get_lr()[0], opt.param_groups[0]["lr"]))
    assert result.status == DIFFERS
    assert result.max_abs == max(abs(a - b) for a, b in pairs) > 1e-5
    assert "get_last_lr()" in result.note


def test_get_lr_of_a_closed_form_schedule_agrees():
    assert run("lambda:lr_lambda=0.5 ** (epoch // 3)")["get_lr() vs optimizer"].status == OK


def test_warm_restarts_do_not_resume_across_a_restart():
    """torch's CosineAnnealingWarmRestarts sets T_cur = last_epoch without wrapping it into the cycle."""
    results = run("sgdr:T_0=10,T_mult=2", resume_at=[5, 40])
    early, late = results["resume at 5: last_epoch=5"], results["resume at 40: last_epoch=40"]
    assert early.status == OK and early.max_abs == 0
    assert late.status == FAIL
    # the same by hand: the groups after 41 steps, a scheduler built with last_epoch=40
    opt = optimizer(0.1)
    sched = L.CosineAnnealingWarmRestarts(opt, T_0=10, T_mult=2)
    whole = stepped(sched, opt, 100, lambda: opt.param_groups[0]["lr"])
    opt2 = optimizer(0.1)
    opt2.param_groups[0].update(lr=whole[41], initial_lr=0.1)
    again = stepped(L.CosineAnnealingWarmRestarts(opt2, T_0=10, T_mult=2, last_epoch=40), opt2, 59,
                    lambda: opt2.param_groups[0]["lr"])
    diffs = np.abs(np.array(again) - np.array(whole[41:]))
    assert late.max_abs == diffs.max() and late.worst_step == 41 + int(diffs.argmax())


@pytest.mark.parametrize("spec", ["cosine:T_max=20", "step:step_size=7,gamma=0.5", "onecycle:max_lr=0.1,total_steps=100",
                                  "lambda:lr_lambda=0.95 ** epoch", "cyclic:base_lr=0.01,max_lr=0.1,step_size_up=5"])
def test_resume_continues_exactly(spec):
    report = check_spec(specs_from_tokens([spec])[0].with_overrides(steps=100), [0, 33, 98])
    assert [r.status for r in report.results[2:]] == [OK] * 6  # state_dict() and last_epoch at each K
    assert all(r.max_abs == 0 for r in report.results[2:])


@pytest.mark.parametrize(("spec", "not_applicable"), [
    ("plateau:metrics=exp(-step / 10)", 3),
    ("chained:schedulers=[exp(gamma=0.9),step(step_size=3)]", 3),
    ("lambda:lr_lambda=0.9 ** epoch,last_epoch=3", 2),
])
def test_checks_that_do_not_apply_say_so(spec, not_applicable):
    report = check_spec(specs_from_tokens([spec])[0].with_overrides(steps=20))
    assert [r.status for r in report.results].count(NOT_APPLICABLE) == not_applicable
    assert all(r.note for r in report.results if r.status == NOT_APPLICABLE)


def test_cli_prints_a_plain_table_and_exits_1_on_failure(cli):
    code, out, err = cli("check", "sgdr:T_0=10,T_mult=2", "--steps", 100, "--resume-at", "5,40")
    assert code == 1, err
    assert "\x1b[" not in out  # not a terminal: no colours
    lines = out.splitlines()
    assert lines[0] == "sgdr:T_0=10,T_mult=2: CosineAnnealingWarmRestarts(T_0=10, T_mult=2), 100 steps"
    assert lines[1].split() == ["check", "result", "max", "abs", "err", "max", "rel", "err", "worst", "step"]
    assert lines[2].split()[:5] == ["step()", "vs", "closed", "form", "n/a"]
    assert lines[4].split()[:5] == ["resume", "at", "5:", "state_dict()", "ok"]
    assert lines[5].split()[:5] == ["resume", "at", "5:", "last_epoch=5", "ok"]
    assert lines[6].split()[:5] == ["resume", "at", "40:", "state_dict()", "ok"]
    assert lines[7].split()[:5] == ["resume", "at", "40:", "last_epoch=40", "FAIL"]


def test_cli_passes_on_a_consistent_schedule(cli):
    code, out, err = cli("check", "--sched", "cosine", "--T_max", 20, "--steps", 100, "--resume-at", 50)
    assert code == 0, err
    assert "step() vs closed form" in out and "differs" in out and "resume at 50: last_epoch=50" in out
    assert "resume at 50: state_dict()" in out


@pytest.mark.parametrize(("args", "message"), [
    (["cosine:T_max=5", "--steps", 10, "--resume-at", 9], "--resume-at 9 is outside 0..8"),
    (["cosine:T_max=5", "--resume-at", "x"], "--resume-at takes whole numbers"),
    (["cosine:T_max=5", "--rtol", -1], "--rtol must be >= 0"),
])
def test_cli_usage_errors(cli, args, message):
    code, out, err = cli("check", *args)
    assert code == 2 and out == "" and message in err
