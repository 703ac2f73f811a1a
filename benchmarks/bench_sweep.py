"""Benchmark of sweeps (issue 12): points per second in this process, on one and on two
local Dask workers, and what a sweep of 10,000 points at 1,000 paths would take.

A Latin hypercube of ``--points`` points over the example sweep's inputs, at ``--paths``
paths each, ``decision_rule: fixed``, chunks of ``--chunk`` points. Prints the whole
time and the points phase (from the first chunk submitted to the last one written:
without the cluster's start and the workers' warm-up, which a 10,000-point sweep pays
once), the points per
second, the speed-up of the points phase from one to two workers and the
extrapolation to 10,000 points; then the same points at 10 paths in this process, what
a point costs whatever its paths (Python's share, not the arithmetic's). Nothing is
asserted (machines are shared). Run with
``make bench`` or ``python benchmarks/bench_sweep.py --points 20``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.economics import reuse
from models.runner.sweep_run import run_sweep

SPEC = """
name: bench
base: data/scenarios/base.yaml
design: lhs
points: {points}
vary:
  partner_revenue_share: {{low: 0.1, high: 0.6}}
  market_foreign_premium_share: {{low: 0.2, high: 0.9}}
paths: {paths}
chunk: {chunk}
decision_rule: fixed
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=300)
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--chunk", type=int, default=10)
    parser.add_argument(
        "--spec",
        type=Path,
        help="a sweep file whose design and inputs to use instead of the example's "
        "(e.g. data/sweeps/partner_worlds.yaml, issue 25's target), at --points, --paths "
        "and --chunk, decision_rule fixed",
    )
    args = parser.parse_args(argv)
    if args.spec is not None and not args.spec.is_file():
        parser.error(f"--spec {args.spec}: no such file; expected a sweep file (data/sweeps/)")
    print(
        f"Sweep of {args.points} points x {args.paths} paths (decision_rule fixed), "
        f"chunks of {args.chunk} points, inputs of {args.spec or 'the example sweep'}"
    )
    rates = {}

    def text(paths: int) -> str:
        if args.spec is None:
            return SPEC.format(points=args.points, paths=paths, chunk=args.chunk)
        given = yaml.safe_load(args.spec.read_text())
        given.update(points=args.points, paths=paths, chunk=args.chunk, decision_rule="fixed")
        return yaml.safe_dump(given)

    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "bench.yaml"
        spec.write_text(text(args.paths))
        for label, workers in (("in this process", 0), ("1 Dask worker", 1), ("2 Dask workers", 2)):
            reuse.forget()
            out = run_sweep(spec, reports_dir=Path(tmp) / label, workers=workers, report=False)
            t = out.timings
            rates[workers] = out.points / t["points"]
            print(
                f"   {label:>16}: {out.seconds:6.1f} s in all, points {t['points']:6.1f} s "
                f"= {rates[workers]:5.2f} points/s ({1000 / rates[workers]:4.0f} ms a point), "
                f"cluster start and warm-up {t.get('cluster', 0.0):4.1f} s, "
                f"table {t['table']:4.2f} s"
            )
            if not workers:
                print(
                    f"   {'':>16}  served in this process: {reuse.NPV.hits} of "
                    f"{reuse.NPV.hits + reuse.NPV.misses} modes' NPVs, {reuse.PARTS.hits} of "
                    f"{reuse.PARTS.hits + reuse.PARTS.misses} parts (own services' bases and "
                    "events, licences' lines; models/economics/reuse.py)"
                )
        # what a point costs whatever its paths: the same points at 10 paths, in process
        small = Path(tmp) / "small.yaml"
        small.write_text(text(10))
        reuse.forget()
        out = run_sweep(small, reports_dir=Path(tmp) / "small", workers=0, report=False)
        fixed = out.timings["points"] / out.points
        print(
            f"   {'at 10 paths':>16}: {fixed * 1e3:4.0f} ms a point in this process: what a point"
            f" costs whatever its paths ({fixed * rates[0]:.0%} of a point at {args.paths:,})"
        )
    print(
        f"   speed-up of the points from 1 to 2 workers: {rates[2] / rates[1]:.2f}x (target 1.7x)"
    )
    minutes = 10_000 / rates[2] / 60
    print(
        f"   10,000 points at 2 workers' rate: {minutes:.1f} min of points "
        "(target: under 10 min in all)"
    )


if __name__ == "__main__":
    main()
