"""lrviz's performance targets, each measured as a ratio against its peer in the same run.

    .venv/bin/python benchmarks/run.py            # everything (about two minutes)
    .venv/bin/python benchmarks/run.py --quick    # fewer rounds, 2 M table rows instead of 10 M

Whole-process times are medians over rounds that run every command of a comparison one after
the other, so a busy machine slows subject and peer alike. In-process loops keep the fastest
round. The cache of scheduler facts (lrviz.catalog.cache) is warmed first, in a temporary directory, as
any second run of lrviz finds it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

PYTHON = sys.executable
LRVIZ = [str(Path(PYTHON).with_name("lrviz"))] if Path(PYTHON).with_name("lrviz").exists() else [PYTHON, "-m", "lrviz"]
HEAVY = ("torch", "numpy", "matplotlib")
RESULTS: list[tuple[str, str, bool]] = []


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    import torch

    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"torch {torch.__version__}, {platform.system()} {platform.release()}")


def run(cmd: list[str], env: dict, cwd: Path, stdout=subprocess.DEVNULL) -> tuple[float, int, str, int]:
    """Run ``cmd``: wall seconds, peak RSS in kB, stderr, exit code."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=stdout, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return seconds, usage.ru_maxrss, err.read().decode(errors="replace"), proc.returncode


def medians(commands: dict[str, list[str]], rounds: int, env: dict, cwd: Path, expect: dict | None = None) -> dict:
    """The median wall time of each command, the commands taking turns in every round."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, cmd in commands.items():
            seconds, _, err, code = run(cmd, env, cwd)
            wanted = (expect or {}).get(name, 0)
            if code != wanted:
                sys.exit(f"{name}: exit {code} (expected {wanted}): {' '.join(cmd)}\n{err}")
            times[name].append(seconds)
    return {name: statistics.median(values) for name, values in times.items()}


def heavy_imports(cmd: list[str], env: dict, cwd: Path) -> list[str]:
    """The heavy modules (torch, numpy, matplotlib) a command imports."""
    _, _, err, _ = run([PYTHON, "-X", "importtime", *cmd[1:]] if cmd[0] == PYTHON else
                       [PYTHON, "-X", "importtime", *cmd], env, cwd)
    names = {line.rsplit("|", 1)[1].strip() for line in err.splitlines() if line.startswith("import time:")}
    return sorted({n.split(".")[0] for n in names} & set(HEAVY))


def report(target: str, detail: str, met: bool) -> None:
    RESULTS.append((target, detail, met))
    print(f"  {'met    ' if met else 'NOT MET'}  {target}: {detail}", flush=True)


def startup(env: dict, cwd: Path, rounds: int) -> None:
    print("\nStart-up (whole process; peer: python -c pass)")
    commands = {
        "python -c pass": [PYTHON, "-c", "pass"],
        "lrviz --help": [*LRVIZ, "--help"],
        "lrviz list": [*LRVIZ, "list"],
        "lrviz describe cosine": [*LRVIZ, "describe", "cosine"],
        "usage error (unknown scheduler)": [*LRVIZ, "plot", "--sched", "cosin", "-o", "x.png"],
        "usage error (missing argument)": [*LRVIZ, "plot", "--sched", "cosine"],
        "usage error (case-only typo --t_max)": [*LRVIZ, "plot", "cosine", "--t_max", "20"],
    }
    expect = {name: 2 for name in commands if name.startswith("usage error")}
    times = medians(commands, rounds, env, cwd, expect)
    floor = times.pop("python -c pass")
    print(f"  python -c pass: {floor * 1000:.0f} ms")
    for name, seconds in times.items():
        heavy = heavy_imports(commands[name], env, cwd)
        ratio = seconds / floor
        # help and usage errors within 5x (issue 13); list and describe also import and render rich's tables
        goal = 10 if name in ("lrviz list", "lrviz describe cosine") else 5
        report(name, f"{seconds * 1000:.0f} ms = {ratio:.1f}x python -c pass (goal <= {goal}x); "
                     f"imports {', '.join(heavy) or 'no torch/numpy/matplotlib'}", ratio <= goal and not heavy)


def tricks(env: dict, cwd: Path, rounds: int) -> None:
    """What each start-up trick (lrviz.startup) buys: the same command with the trick switched off."""
    print("\nStart-up tricks (whole process; peer: the same command with the trick off)")
    plot = [*LRVIZ, "plot", "cosine", "--T_max", "20", "-o", "x.png"]
    cases = {
        "forked figure worker (LRVIZ_NO_FORK)": (plot, "LRVIZ_NO_FORK"),
        "gc paused around import torch (LRVIZ_NO_GC_FREEZE)": (plot, "LRVIZ_NO_GC_FREEZE"),
        "typer without pydantic (LRVIZ_NO_TYPER_BYPASS)": ([*LRVIZ, "list"], "LRVIZ_NO_TYPER_BYPASS"),
        "only the command run imported (LRVIZ_NO_LAZY_COMMANDS)": ([*LRVIZ, "plot", "nosuch"],
                                                                    "LRVIZ_NO_LAZY_COMMANDS"),
    }
    for name, (command, switch) in cases.items():
        times = {}
        for _ in range(rounds):
            for label, environment in (("on", env), ("off", {**env, switch: "1"})):
                times.setdefault(label, []).append(run(command, environment, cwd)[0])
        on, off = statistics.median(times["on"]), statistics.median(times["off"])
        report(name, f"{on * 1000:.0f} ms on, {off * 1000:.0f} ms off: saves {(off - on) * 1000:.0f} ms "
                     f"({off / on:.2f}x)", on <= off * 1.02)


def plot(env: dict, cwd: Path, rounds: int) -> None:
    print("\nA plot (whole process; peer: python -c 'import torch', what any torch scheduler costs)")
    commands = {
        "import torch": [PYTHON, "-c", "import torch"],
        "lrviz plot": [*LRVIZ, "plot", "cosine", "--T_max", "20", "-o", "x.png"],
    }
    times = medians(commands, rounds, env, cwd)
    ratio = times["lrviz plot"] / times["import torch"]
    report("lrviz plot cosine --T_max 20 -o x.png",
           f"{times['lrviz plot']:.2f} s = {ratio:.2f}x import torch ({times['import torch']:.2f} s; goal <= 1.3x)",
           ratio <= 1.3)


def stepping(steps: int, rounds: int) -> None:
    print(f"\nStepping {steps:,} steps in process (peers: a bare scheduler.step() loop, the tutorial loop)")
    import torch
    from torch.optim import SGD, lr_scheduler

    import lrviz

    def bare() -> float:
        optimizer = SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        scheduler = lr_scheduler.CosineAnnealingLR(optimizer, T_max=20)
        optimizer.step()
        step = scheduler.step
        start = time.perf_counter()
        for _ in range(steps):
            step()
        return time.perf_counter() - start

    def tutorial() -> float:
        param = torch.nn.Parameter(torch.ones(2))
        optimizer = SGD([param], lr=0.1)
        scheduler = lr_scheduler.CosineAnnealingLR(optimizer, T_max=20)
        param.grad = torch.full_like(param, 0.1)
        start = time.perf_counter()
        for _ in range(steps):
            optimizer.step()
            scheduler.step()
            scheduler.get_last_lr()
        return time.perf_counter() - start

    def api() -> float:
        start = time.perf_counter()
        lrviz.simulate("cosine:T_max=20", steps=steps + 1)  # steps + 1 rows take `steps` scheduler steps
        return time.perf_counter() - start

    loops = {"bare": bare, "tutorial": tutorial, "lrviz": api}
    seconds: dict[str, list[float]] = {name: [] for name in loops}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(rounds):
            for name, loop in loops.items():
                seconds[name].append(loop())
    per = {name: min(values) / steps * 1e6 for name, values in seconds.items()}
    print(f"  per step: bare {per['bare']:.2f} us, lrviz.simulate {per['lrviz']:.2f} us, tutorial {per['tutorial']:.2f} us")
    report("lrviz.simulate vs bare scheduler.step() loop",
           f"{per['lrviz'] / per['bare']:.2f}x (goal <= 1.2x)", per["lrviz"] <= 1.2 * per["bare"])
    report("tutorial loop vs lrviz.simulate",
           f"{per['tutorial'] / per['lrviz']:.1f}x slower (goal >= 5x)", per["tutorial"] >= 5 * per["lrviz"])


def tweaking() -> None:
    """A notebook's tweak-and-look: re-simulating a changed 1000-step spec (benchmarks/tweak.py)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from tweak import tweak_and_look

    print("\nTweak and look (in process; peer: a bare torch loop of the same 1000-step schedule)")
    result = tweak_and_look()
    report("re-simulating a changed 1000-step spec", f"{result.lrviz_ms:.1f} ms = {result.ratio:.2f}x the bare loop "
           f"({result.bare_ms:.1f} ms; goal <= 1.5x, a few ms)", result.ratio <= 1.5)


def memory(steps: int, cwd: Path) -> None:
    """Peak traced memory of simulating, drawing and tabulating ``steps`` steps, in process."""
    import tracemalloc

    import lrviz
    from lrviz.render.png import make_figure, save_figure
    from lrviz.render.table import table_lines

    lrviz.simulate("cosine:T_max=20", steps=10)  # imports out of the way
    tracemalloc.start()
    trace = lrviz.simulate("cosine:T_max=100000", steps=steps)
    simulated = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    save_figure(make_figure([trace]), cwd / "memory.png")
    drawn = tracemalloc.get_traced_memory()[1] - tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    held = tracemalloc.get_traced_memory()[0]
    with open(os.devnull, "w") as devnull:
        devnull.writelines(table_lines([trace], "csv"))
    written = tracemalloc.get_traced_memory()[1] - held
    tracemalloc.stop()
    print(f"\nMemory of {steps:,} steps in process (Python float objects kept per step would take 24 bytes each)")
    report("simulating", f"{simulated / steps:.1f} bytes a step at the peak (goal <= 24: lr and momentum as float64, "
                         f"no Python object per step)", simulated / steps <= 24)
    report("drawing it", f"{drawn / steps:.1f} bytes a step more (goal <= 24: decimated with numpy)", drawn / steps <= 24)
    whole = sum(len(line) for line in table_lines([trace], "csv"))
    report("writing its table", f"{written / 1e6:.1f} MB at the peak, for {whole / 1e6:.0f} MB of text (goal <= 8 MB "
                                f"for any number of rows: streamed a piece at a time)", written <= 8e6)


def big_runs(env: dict, cwd: Path, rounds: int, table_rows: int) -> None:
    print("\nMillions of steps (whole process)")
    # peer: a plain torch script computing the same lrs, undrawn: torch imported, a real SGD, a bare scheduler loop
    script = ("import torch\nfrom torch.optim.lr_scheduler import CosineAnnealingLR\n"
              "opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)\n"
              "sched = CosineAnnealingLR(opt, T_max=1_000_000)\nlrs = []\n"
              "for _ in range(1_000_000):\n    lrs.append(opt.param_groups[0]['lr'])\n    sched.step()\n")
    commands = {"plain": [PYTHON, "-c", script],
                "lrviz": [*LRVIZ, "plot", "cosine", "--T_max", "1000000", "--steps", "1000000", "-o", "big.png"]}
    times = medians(commands, rounds, env, cwd)
    ratio = times["lrviz"] / times["plain"]
    report("1,000,000 steps of CosineAnnealingLR to a PNG",
           f"{times['lrviz']:.2f} s = {ratio:.2f}x a plain torch script computing them undrawn "
           f"({times['plain']:.2f} s; goal <= 1.3x)", ratio <= 1.3)

    table = [*LRVIZ, "table", "cosine", "--T_max", str(table_rows), "--steps", str(table_rows), "-o", "-"]
    with open(os.devnull, "w") as devnull:
        seconds, peak, err, code = run(table, env, cwd, stdout=devnull)
    if code:
        sys.exit(f"{' '.join(table)}: exit {code}\n{err}")
    report(f"lrviz table of {table_rows:,} steps to a pipe",
           f"{seconds:.1f} s ({seconds / table_rows * 1e6:.2f} us a row), peak RSS {peak / 1024:.0f} MB, stderr "
           f"{'silent' if not err else repr(err[:60])} off a terminal", not err)


def audit(env: dict, cwd: Path, rounds: int, points: int = 1_000_000) -> None:
    """``lrviz audit`` of a log of ``points`` per-step cosine rows against ``lrviz table`` writing those rows."""
    print(f"\nAuditing a {points:,}-point log (whole process; peer: lrviz table of the same rows)")
    schedule = ["cosine", "--T_max", str(points), "--steps", str(points)]
    code = run([*LRVIZ, "table", *schedule, "-o", "log.csv"], env, cwd)[3]
    if code:
        sys.exit(f"lrviz table -o log.csv: exit {code}")
    commands = {"table": [*LRVIZ, "table", *schedule, "-o", "-"],
                "audit": [*LRVIZ, "audit", "log.csv", f"cosine:T_max={points}"]}
    times = medians(commands, rounds, env, cwd)
    ratio = times["audit"] / times["table"]
    # both simulate the rows; audit reads them as text where table writes them
    report(f"lrviz audit of a {points:,}-point CSV", f"{times['audit']:.2f} s = {ratio:.2f}x lrviz table of its rows "
                                                     f"({times['table']:.2f} s; goal <= 2x)", ratio <= 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, a 2 M-row table instead of 10 M")
    sections = ["startup", "tricks", "plot", "stepping", "tweaking", "memory", "big_runs", "audit"]
    parser.add_argument("--only", nargs="+", choices=sections, default=sections, metavar="SECTION",
                        help=f"run only these sections ({', '.join(sections)})")
    args = parser.parse_args()
    rounds = 3 if args.quick else 7
    print(f"lrviz benchmarks on {machine()}")
    with tempfile.TemporaryDirectory(prefix="lrviz-bench-") as tmp:
        cwd = Path(tmp)
        # as lrviz runs once installed: its bytecode cached (pip compiles it; a checkout writes __pycache__ on first
        # use), even where this shell sets PYTHONDONTWRITEBYTECODE, which would make every run compile every module
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(LRVIZ_CACHE_DIR=str(cwd / "cache"), COLUMNS="100")
        first, *_ = run([*LRVIZ, "list"], env, cwd)  # the first run reads the registry and fills the cache
        run([*LRVIZ, "plot", "--sched", "cosine", "--T_max", "20", "-o", "warm.png"], env, cwd)  # fonts, pyc
        print(f"(first run, filling the registry cache: {first:.2f} s)")
        run_section = {
            "startup": lambda: startup(env, cwd, rounds),
            "tricks": lambda: tricks(env, cwd, rounds),
            "plot": lambda: plot(env, cwd, rounds),
            "stepping": lambda: stepping(100_000, rounds),
            "tweaking": tweaking,
            "memory": lambda: memory(1_000_000, cwd),
            "big_runs": lambda: big_runs(env, cwd, max(2, rounds // 3), 2_000_000 if args.quick else 10_000_000),
            "audit": lambda: audit(env, cwd, max(2, rounds // 3)),
        }
        for section in sections:
            if section in args.only:
                run_section[section]()
    missed = [target for target, _, met in RESULTS if not met]
    print(f"\n{len(RESULTS) - len(missed)} of {len(RESULTS)} targets met" + (f"; not met: {', '.join(missed)}" if missed else ""))
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
