"""Benchmark of sweeps (issue 12): points per second in this process, on one and on two
local Dask workers, and what a sweep of 10,000 points at 1,000 paths would take.

A grid of ``--points`` points of the example sweep's inputs, at ``--paths`` paths each,
``decision_rule: fixed``, chunks of 5 points; the review rules are fitted once (timed
apart). Prints seconds, points per second, the speed-up from one to two workers and the
extrapolation. Nothing is asserted (machines are shared). Run with ``make bench`` or
``python benchmarks/bench_sweep.py --points 20``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.runner.sweep_run import run_sweep

SPEC = """
name: bench
base: data/scenarios/base.yaml
design: lhs
points: {points}
vary:
  partner_revenue_share: {{low: 0.1, high: 0.6}}
  market_foreign_premium_share: {{low: 0.05, high: 0.35}}
paths: {paths}
chunk: 5
decision_rule: fixed
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=40)
    parser.add_argument("--paths", type=int, default=1000)
    args = parser.parse_args(argv)
    print(f"Sweep of {args.points} points x {args.paths} paths (decision_rule fixed)")
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "bench.yaml"
        spec.write_text(SPEC.format(points=args.points, paths=args.paths))
        for label, workers in (("in this process", 0), ("1 Dask worker", 1), ("2 Dask workers", 2)):
            t0 = time.perf_counter()
            out = run_sweep(spec, reports_dir=Path(tmp) / label, workers=workers, report=False)
            seconds = time.perf_counter() - t0
            times[workers] = seconds
            print(
                f"   {label:>16}: {seconds:6.1f} s, {out.points / seconds:5.2f} points/s "
                f"(rules fitted once: included)"
            )
    print(f"   speed-up from 1 to 2 workers: {times[1] / times[2]:.2f}x (target 1.7x)")
    per_point = times[2] / args.points
    print(
        f"   10,000 points at this rate on 2 workers: {10_000 * per_point / 60:.0f} min "
        "(target: under 10 min)"
    )


if __name__ == "__main__":
    main()
