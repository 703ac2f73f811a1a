"""Benchmark of the command's start-up: how long ``market-entry`` takes before it does
anything, for the calls a user or a scheduler makes first.

Each command runs ``--repeat`` times in a fresh process (the import cost is the point);
the median wall time is printed with the share of it spent importing, read from
``python -X importtime`` (the cumulative time of the top-level package imported).

Prints figures; nothing is asserted (machines are shared). Run with ``make bench``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
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


if __name__ == "__main__":
    main()
