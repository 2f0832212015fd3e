"""Bounded work for every input (issue 20): each input that sizes work has a limit (lrviz.limits),
checked before the work starts, and a refusal names it. Every case runs as a real ``lrviz`` process
under a memory and CPU limit and a timeout (tests/limited.py): without the limit, each would grow
past the memory limit or run past the timeout.

Also the nested input and the parsers: deep lists, YAML and nested schedulers, recursive aliases,
whole numbers beyond a float.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest

from lrviz import limits
from limited import assert_refused, environment, run_all, run_limited
from limited import limits as rlimits

VALUES = ",".join(str(i / 1000) for i in range(1, 101))
DEEP = "[" * 500 + "]" * 500


def chain_of_aliases(levels: int = 20, anchors: int = 6) -> str:
    """Each anchor nests the previous one ``levels`` deeper: shallow as written, deep once expanded."""
    lines = [f"a0: &a0 {'[' * levels}1{']' * levels}"]
    lines += [f"a{i}: &a{i} {'[' * levels}*a{i - 1}{']' * levels}" for i in range(1, anchors)]
    return "\n".join(lines) + "\nscheduler: {type: cosine, T_max: 3}\n"


FILES = {
    "ok.yaml": "scheduler: {type: cosine, T_max: 3}\n",
    "long-name.yaml": "name: " + "x" * 900_000 + "\nscheduler: {type: cosine, T_max: 3}\n",
    "groups.yaml": "optimizer: {param_groups: [" + ", ".join(["{lr: 0.1}"] * 1500) + "]}\n"
                   "scheduler: {type: cosine, T_max: 3}\n",
    "recursive.yaml": "a: &a [*a]\nscheduler: {type: cosine, T_max: 3}\n",
    "recursive-mapping.yaml": "a: &a {b: *a}\nscheduler: {type: cosine, T_max: 3}\n",
    "deep.yaml": f"scheduler: {{type: cosine, T_max: {DEEP}}}\n",
    "alias-chain.yaml": chain_of_aliases(),
    "digits.yaml": "scheduler: {type: cosine, T_max: " + "9" * 5000 + "}\n",
    "hex.yaml": "scheduler: {type: cosine, T_max: 0x" + "f" * 400 + "}\n",
    "bad-date.yaml": "when: 2001-13-45\nscheduler: {type: cosine, T_max: 3}\n",
    "nested-schedulers.yaml": "scheduler: " + "{type: chained, schedulers: [" * 40 + "{type: cosine, T_max: 3}" + "]}" * 40 + "\n",
}

# (id, command line, what the one line must say)
CASES = [
    # unbounded work: each would allocate gigabytes or run for minutes
    ("sweep-a-million-curves", ["table", "step:step_size=10", "--sweep", f"gamma={VALUES}", "--sweep", f"lr={VALUES}",
                                "--sweep", "steps=" + ",".join(map(str, range(1, 101)))],
     "asks for 1,000,000 schedules; at most 1,000 are allowed"),
    ("schedules-given-one-by-one", ["table", *["cosine:T_max=3"] * 1001], "asks for 1,001 schedules"),
    ("steps-of-many-schedules", ["table", "cosine:T_max=3", "--steps", "6e7", "--sweep", "lr=0.1,0.2"],
     "brings the values this command records to 120,000,000; lrviz records at most 100,000,000"),
    ("epochs-shown-in-steps", ["table", "step:step_size=2", "--interval", "epoch", "--unit", "step",
                               "--steps-per-epoch", "1e12", "--steps", "10"],
     "10 epochs x 1,000,000,000,000 steps = 10,000,000,000,000 rows; at most 100,000,000 are shown"),
    ("epochs-shown-in-steps-chart", ["plot", "step:step_size=2", "--interval", "epoch", "--unit", "step",
                                     "--steps-per-epoch", "1e12", "--steps", "10", "--terminal"], "rows; at most"),
    ("resumed-beside-fresh", ["table", "step:step_size=2,last_epoch=1e9", "cosine:T_max=3"],
     "the table would have 1,000,000,101 rows x 2 columns"),
    ("resume-too-late", ["table", "step:step_size=2,last_epoch=1e16"], "last_epoch must be at most 1e+15"),
    ("steps-past-the-limit", ["table", "cosine:T_max=3", "--steps", "1e12"], "--steps must be at most 100,000,000"),
    ("yaml-name-900-kb", ["plot", "long-name.yaml", "-o", "x.png"],
     "'name' in long-name.yaml is 900,000 characters long; at most 200 are allowed"),
    ("title-900-kb", ["plot", "cosine:T_max=3", "--title", "x" * 100_000, "-o", "x.png"],
     "--title is 100,000 characters long; at most 200 are allowed"),
    ("figure-of-150-curves", ["compare", "step:step_size=10", "--sweep", f"gamma={VALUES},0.5," + ",".join(
        str(i / 7) for i in range(1, 50)), "-o", "x.png"], "the figure asks for 150 curves; at most 100"),
    ("param-groups", ["table", "groups.yaml"], "has 1,500 groups; at most 1,000 are allowed"),
    # nested input and parsers: each would end in RecursionError or a Python limit
    ("yaml-recursive-alias", ["table", "recursive.yaml"], "recursive.yaml: an alias refers to its own anchor (line 1)"),
    ("yaml-recursive-mapping", ["table", "recursive-mapping.yaml"], "an alias refers to its own anchor"),
    ("yaml-deep", ["table", "deep.yaml"], "deep.yaml: invalid YAML (line 1): lists and mappings nest more than 32 levels"),
    ("yaml-deep-through-aliases", ["table", "alias-chain.yaml"], "nest more than 32 levels deep once its aliases"),
    ("yaml-nested-schedulers", ["table", "nested-schedulers.yaml"], "nest more than 32 levels"),
    ("yaml-5000-digits", ["table", "digits.yaml"], "digits.yaml: invalid YAML value: a whole number is larger than the largest float"),
    ("yaml-huge-hex", ["table", "hex.yaml"], "a number in hex.yaml is larger than the largest float"),
    ("yaml-bad-date", ["table", "bad-date.yaml"], "bad-date.yaml: invalid YAML value: month must be in 1..12"),
    ("inline-deep-list", ["table", f"multistep:milestones={DEEP}"], "brackets nest more than 32 levels deep"),
    ("inline-deep-schedulers", ["table", "sequential:schedulers=[" + "chained(schedulers=[" * 300 + "cosine(T_max=3)"
                                + "])" * 300 + "],milestones=[]"], "brackets nest more than 32 levels deep"),
    ("flag-deep-list", ["table", "--sched", "multistep", "--milestones", DEEP], "brackets nest more than 32 levels"),
    ("set-deep-list", ["table", "ok.yaml", "--set", f"scheduler.T_max={DEEP}"], "brackets nest more than 32 levels"),
    ("sweep-deep-list", ["table", "cosine:T_max=3", "--sweep", f"T_max={DEEP}"], "brackets nest more than 32 levels"),
    ("inline-5000-digits", ["table", "cosine:T_max=" + "9" * 5000], "has more than 309 digits"),
    ("inline-400-digits", ["table", "cosine:T_max=1" + "0" * 400], "has more than 309 digits"),
    ("lr-400-digits", ["table", "cosine:T_max=3", "--lr", "1" + "0" * 330], "has more than 309 digits"),
    ("steps-400-digits", ["table", "cosine:T_max=3", "--steps", "1" + "0" * 308 + "1"], "larger than the largest float"),
]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """Every case, run at once in its own limited process (they are independent)."""
    root = tmp_path_factory.mktemp("limits")
    for name, text in FILES.items():
        (root / name).write_text(text, encoding="utf-8")
    before = sorted(p.name for p in root.iterdir())
    results = run_all({case_id: argv for case_id, argv, _ in CASES}, root)
    assert sorted(p.name for p in root.iterdir()) == before, "a refused case wrote a file"
    return results


def test_the_limits_are_the_documented_ones():
    assert (limits.MAX_STEPS, limits.MAX_RECORDED, limits.MAX_SCHEDULES, limits.MAX_FIGURE_SERIES) == (
        100_000_000, 100_000_000, 1_000, 100)
    assert (limits.MAX_LABEL_CHARS, limits.MAX_NESTING, limits.MAX_INT_DIGITS) == (200, 32, 309)


@pytest.mark.parametrize(("case_id", "fragment"), [(c[0], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_work_is_bounded_and_refused_in_one_line(outcomes, case_id, fragment):
    assert_refused(outcomes[case_id], fragment)


def test_a_sweep_of_a_thousand_is_within_the_limit(tmp_path):
    """The limit is a limit, not a guess: a thousand schedules still make a table."""
    gammas = ",".join(str(round(0.5 + i / 4000, 6)) for i in range(1000))
    outcome = run_limited(["table", "step:step_size=2", "--steps", "4", "--sweep", f"gamma={gammas}", "--at", "3"],
                          tmp_path)
    assert outcome.code == 0, outcome.describe()
    header, row = outcome.out.splitlines()
    assert len(header.split(",")) == len(row.split(",")) == 1001 and row.startswith("3,")


def test_a_long_default_label_is_shortened_not_refused(tmp_path):
    """A label lrviz makes from a long inline spec is shortened; a label the user writes is checked where read."""
    milestones = ",".join(map(str, range(1, 400)))
    outcome = run_limited(["table", f"multistep:milestones=[{milestones}]", "cosine:T_max=3", "--steps", "2"], tmp_path)
    assert outcome.code == 0, outcome.describe()
    header = next(csv.reader(io.StringIO(outcome.out)))
    assert header[1].startswith("multistep:milestones=[1,2,3,") and header[1].endswith("…")
    assert len(header[1]) == limits.MAX_LABEL_CHARS and header[2] == "cosine:T_max=3"


METRICS_MEMORY = """
import tracemalloc
from lrviz.simulation.metrics import metric_source
tracemalloc.start()
{what}
print(tracemalloc.get_traced_memory()[1] // 2**20)
"""


@pytest.mark.parametrize(("what", "most_mb"), [
    ("metric_source('log.csv:loss').array(1_000_000)", 20),  # a list of rows took ~250 MB
    ("metric_source('1 / (step + 1)').array(1_000_000)", 20),  # a list of floats took ~40 MB
], ids=["csv-column", "expression"])
def test_metrics_are_held_as_float_arrays(tmp_path, what, most_mb):
    """ReduceLROnPlateau's metrics at millions of steps: 8 bytes a value, measured in a real process."""
    (tmp_path / "log.csv").write_text("step,loss\n" + "".join(f"{i},{1 / (i + 1)!r}\n" for i in range(1_000_001)))
    done = subprocess.run([sys.executable, "-c", METRICS_MEMORY.format(what=what)], cwd=tmp_path, env=environment(),
                          capture_output=True, text=True, timeout=240, preexec_fn=rlimits(1500, 120))
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) <= most_mb


def test_a_long_label_option_is_refused(tmp_path):
    assert_refused(run_limited(["table", "cosine:T_max=3", "--label", "x" * 5000], tmp_path), "--label is 5,000 characters")


def test_a_figure_of_too_many_curves_is_refused_before_any_simulation(tmp_path):
    env = environment(LRVIZ_CACHE_DIR=str(tmp_path / "cache"))
    assert run_limited(["list"], tmp_path, env=env).code == 0  # the catalog cached: names need no torch
    gammas = ",".join(str(i / 1000) for i in range(1, 1001))
    outcome = run_limited(["compare", "step:step_size=10", "--sweep", f"gamma={gammas}", "-o", "x.png"], tmp_path,
                          env={**env, "PYTHONPROFILEIMPORTTIME": "1"})
    imported = {line.rsplit("|", 1)[-1].strip() for line in outcome.lines if line.startswith("import time:")}
    assert outcome.code == 2 and "torch" not in imported, outcome.describe()
