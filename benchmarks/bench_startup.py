"""Benchmark of the start-up: how long ``market-entry`` takes before it does anything,
for the calls a user or a scheduler makes first, and what the compiled loops cost the
first model run in an environment whose numba cache is empty.

Each command runs ``--repeat`` times in a fresh process (the import cost is the point);
the median wall time is printed with the share of it spent importing, read from
``python -X importtime`` (the cumulative time of the top-level package imported).

The first model run (:data:`FIRST_RUN`: the most-likely case, a Monte Carlo of 300
paths with its review rules, a sweep point's ``path_npv``) runs in a fresh process
with an empty numba cache (``NUMBA_CACHE_DIR``: a fresh checkout, a new environment),
then again on the cache it filled; the difference is compilation, printed with the
signatures compiled (one per kernel since issue 25 made every input read-only:
:func:`models.economics.kernels.frozen`). Measured twice each, old and new alternated,
beside other work: 44.2 and 44.3 s cold with 35 signatures at 567c5e4, 22.6 and 23.5 s
with 16 after it.

Prints figures; nothing is asserted (machines are shared). Run with ``make bench``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).parent / "market-entry"

COMMANDS = {
    "market-entry --help": ["--help"],
    "market-entry --version": ["--version"],
    "market-entry params": ["params"],
    "market-entry check nope.yaml (missing file)": ["check", "nope.yaml"],
    "market-entry check data/scenarios/base.yaml": ["check", "data/scenarios/base.yaml"],
}


def wall(args: list[str], repeat: int) -> float:
    """Median wall time of ``market-entry ARGS`` over ``repeat`` fresh processes, s."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([str(CLI), *args], cwd=ROOT, capture_output=True, check=False)
        times.append(time.perf_counter() - t0)
    return median(times)


def import_seconds(args: list[str]) -> float:
    """Cumulative import time of ``models`` and what it pulls in, s (``-X importtime``)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "models.runner.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    total = 0
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            parts = [x.strip() for x in line.split(":", 1)[1].split("|")]
            if parts[0].isdigit() and not parts[2].startswith(" "):
                total += int(parts[0])  # self time of every module
    return total / 1e6


#: The first model run, timed in a fresh process: it prints the signatures compiled.
FIRST_RUN = """
import pkgutil, importlib
from numba.core.registry import CPUDispatcher
import models.economics as economics
from models.economics.simulation import simulate
from models.inputs.params import validate
from models.uncertainty import montecarlo
p = validate(n_paths=300, decision_rule="adaptive", decision_training_paths=1000)
simulate(p)
montecarlo.run(p)
montecarlo.path_npv(p.replace(decision_rule="fixed"), 300)
count = 0
for m in pkgutil.walk_packages(economics.__path__, "models.economics."):
    for f in vars(importlib.import_module(m.name)).values():
        if isinstance(f, CPUDispatcher) and f.__module__ == m.name:
            count += len(f.signatures)
print(count)
"""


def first_run(cache: str) -> tuple[float, int]:
    """Wall time of :data:`FIRST_RUN` in a fresh process with numba's cache in
    ``cache``, s, and the signatures it used."""
    env = {**os.environ, "NUMBA_CACHE_DIR": cache, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", FIRST_RUN], cwd=ROOT, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - t0
    if out.returncode:
        raise SystemExit(f"the first model run failed:\n{out.stderr}")
    return seconds, int(out.stdout.split()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (median)")
    args = parser.parse_args(argv)
    print(f"Start-up of the market-entry command: median of {args.repeat} fresh processes")
    print(f"   {'command':<46}{'wall s':>8}{'imports s':>11}")
    for label, cmd in COMMANDS.items():
        print(f"   {label:<46}{wall(cmd, args.repeat):>8.2f}{import_seconds(cmd):>11.2f}")
    print(
        "   Before the layers (issue 8) `check nope.yaml` took 3.1 s and a valid `check` 2.7 s:\n"
        "   scipy, pydantic and nbconvert were imported before the file was read."
    )
    with tempfile.TemporaryDirectory() as cache:
        cold, signatures = first_run(cache)
        warm, _ = first_run(cache)
    print(
        "First model run (most-likely case, 300 Monte Carlo paths with their rules, a\n"
        "sweep point's path_npv), fresh process:\n"
        f"   empty numba cache  {cold:6.1f} s ({signatures} signatures compiled)\n"
        f"   its cache filled   {warm:6.1f} s (compiling: {cold - warm:.1f} s)"
    )


if __name__ == "__main__":
    main()
