"""Benchmark of the reviews (issue 10): what the regressions cost, how the adaptive
values settle with the training paths, and the report's time at 2 and 100,000 paths.

Sections:

1. fitting the review rules (:func:`models.uncertainty.montecarlo.fit_rules`) at 2,000
   to 32,000 training paths: seconds, and the adaptive mean NPV of each mode on the
   same 20,000 reported paths (the default, 8,000, should sit where the means have
   settled to within their standard error);
1b. the regressions alone (least-squares Monte Carlo, :func:`models.economics.lsm.fit_held_out`,
   then :func:`~models.economics.lsm.apply`) on the exit problems of 4,096 training
   paths, every mode's (a staged entry's per switch date): the compiled loops against
   the numpy loops they replaced (``tests/oracle/lsm_numpy.py``), and the ratio;
2. the Monte Carlo run (rules fitted, five modes, reviews) at 2, 10,000 and 100,000
   paths, each in a fresh process: seconds, of which the fixed cost of fitting;
3. the main report end to end (``market-entry run --notebook entry_decision``) at 2
   paths (the fewest a run may have, :mod:`models.inputs.path_count`) and at 100,000,
   in fresh processes: seconds and the ratio, which the issue wants at most 2 (100,000
   paths add at most one fixed report overhead).

Prints figures and ratios; nothing is asserted (machines are shared). Run with ``make
bench`` or ``python benchmarks/bench_reviews.py --quick``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.economics import events, lsm
from models.economics.modes import MODES
from models.economics.simulation import exit_problems
from models.inputs.params import validate
from models.inputs.path_count import MIN_PATHS
from models.uncertainty import montecarlo

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

#: The report and Monte Carlo runs use no correlations, so that the fewest paths can run
#: (Iman-Conover needs more paths than correlated inputs); the same at every size.
NO_CORRELATIONS = {"correlations": []}


def bench_training(sizes: list[int], reported: int) -> None:
    print(f"1. Fitting the review rules, and the adaptive mean on {reported:,} reported paths")
    modes = list(MODES.entering())
    head = "".join(f"{m:>10}" for m in modes)
    print(f"   {'training':>9} {'fit (s)':>8} {head}   (adaptive mean NPV, US$ m)")
    for n in sizes:
        params = validate(decision_training_paths=n)
        t0 = time.perf_counter()
        montecarlo.fit_rules(params)
        fit_s = time.perf_counter() - t0
        mc = montecarlo.run(params, reported)
        means = "".join(f"{mc.npv_adaptive[m].mean():>10.1f}" for m in modes)
        print(f"   {n:>9,} {fit_s:>8.2f} {means}")
    se = mc.npv_adaptive[modes].std() / reported**0.5
    print("   standard error of each mean: " + ", ".join(f"{m} {se[m]:.1f}" for m in modes))


def _mc_child(n: int) -> None:
    params = validate(**NO_CORRELATIONS)
    montecarlo.run(params, MIN_PATHS)  # warm-up: imports, caches
    t0 = time.perf_counter()
    montecarlo.fit_rules(params)
    fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    montecarlo.run(params, n)
    print(json.dumps({"n": n, "seconds": time.perf_counter() - t0, "fit": fit}))


def bench_monte_carlo(sizes: list[int]) -> None:
    print("\n2. Monte Carlo run with reviews (5 modes), one fresh process per size")
    print(f"   {'paths':>9} {'seconds':>8} {'fitting alone':>14} {'added per 1,000 paths':>22}")
    first = None
    for n in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--mc-child", str(n)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        first = first or r
        added = (
            f"{(r['seconds'] - first['seconds']) / (n - first['n']) * 1000:>20.3f} s"
            if n > first["n"]
            else f"{'':>22}"
        )
        print(f"   {n:>9,} {r['seconds']:>8.2f} {r['fit']:>12.2f} s {added}")
    print(
        "   the run fits the rules once (on decision_training_paths, whatever n_paths);"
        "\n   'fitting alone' times that step by itself in the same process"
    )


def bench_regressions(n: int, repeat: int) -> None:
    from tests.oracle import lsm_numpy

    print(f"\n1b. The regressions alone, on the exit problems of {n:,} training paths")
    params = validate(decision_training_paths=n)
    draws = montecarlo.draw_inputs(params, n, name="training/inputs")
    u = events.uniforms(params.seed, 0, n, params.months, name="training/events")
    problems = []
    for part in exit_problems(params, draws, u).values():
        problems += [] if part is None else list(part.values())
    args = [(p.stop_value, p.final_value, p.features, p.eligible, p.scale) for p in problems]
    dates = sum(a[0].shape[1] for a in args)

    def run(fit, prune, apply) -> float:
        t0 = time.perf_counter()
        for stop, final, features, eligible, scale in args:
            half = stop.shape[0] // 2
            rule = fit(stop[:half], final[:half], features[:half], eligible[:half], scale[:half])
            rule = prune(rule, stop[half:], final[half:], features[half:], eligible[half:])
            apply(rule, features, eligible)
        return time.perf_counter() - t0

    compiled = min(run(lsm.fit, lsm.prune, lsm.apply) for _ in range(repeat))
    numpy = min(run(lsm_numpy.fit, lsm_numpy.prune, lsm_numpy.apply) for _ in range(repeat))
    print(
        f"   {len(args)} problems, {dates} review dates: numpy loops {numpy:.2f} s,"
        f" compiled {compiled:.2f} s, x{numpy / compiled:.2f}"
        "\n   (fit on half the paths, pruned on the other half, applied to all: best of"
        f" {repeat}; one thread; each date's lstsq, LAPACK's gelsd, is in both)"
    )


def _report(n: int, reports: Path) -> float:
    cmd = [
        str(BIN / "market-entry"),
        "run",
        "--notebook",
        "entry_decision",
        "--reports",
        str(reports),
        "-p",
        "n_paths",
        str(n),
        "-p",
        "correlations",
        "[]",
    ]
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    return time.perf_counter() - t0


def bench_report(big: int) -> None:
    print("\n3. The main report end to end (market-entry run --notebook entry_decision)")
    with tempfile.TemporaryDirectory() as tmp:
        one = _report(MIN_PATHS, Path(tmp))
        many = _report(big, Path(tmp))
    print(f"   {MIN_PATHS} paths: {one:.1f} s; {big:,} paths: {many:.1f} s; ratio {many / one:.2f}")
    print("   (the issue's target: at most 2, i.e. the paths add at most one fixed overhead)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--mc-child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.mc_child is not None:
        _mc_child(args.mc_child)
        return
    started = time.perf_counter()
    if args.quick:
        bench_training([2_000, 8_000], 2_000)
        bench_regressions(1_024, 2)
        bench_monte_carlo([MIN_PATHS, 10_000])
        bench_report(10_000)
    else:
        bench_training([2_000, 4_000, 8_000, 16_000, 32_000], 20_000)
        bench_regressions(4_096, 5)
        bench_monte_carlo([MIN_PATHS, 10_000, 100_000])
        bench_report(100_000)
    print(f"\nbenchmark done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
