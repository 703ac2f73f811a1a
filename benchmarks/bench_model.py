"""Benchmark of the model: the vectorised engine per mode, the Monte Carlo run, the
per-path oracle, and the deterministic single path.

Sections:

1. the vectorised engine on one chunk of paths with drawn inputs and events, timed per
   mode's builder (:meth:`models.economics.modes.base.EntryMode.build`: the plan with
   events in expectation, then the run with drawn events), in path-months per second;
   and each own service on both cores, two chunks built at once (:func:`bench_both_cores`):
   that builder, and the drawn run alone on fresh values, as a Monte Carlo chunk builds it;
   and where that drawn run spends its time, phase by phase (:func:`bench_phases`);
2. the full Monte Carlo run (:func:`models.uncertainty.montecarlo.run`, all modes) at ``N / 10`` and
   ``N`` paths, each in a fresh process: seconds, path-months per second, the peak of
   traced allocations (:mod:`tracemalloc`, in a second, traced run) and the growth of
   the peak resident set (:func:`resource.getrusage`), and the ratio of the peaks, which
   shows that memory stays bounded while the number of paths grows tenfold;
2b. a run that keeps only the NPV of every path (:func:`models.uncertainty.montecarlo.path_npv`,
   what a sweep point keeps) at 2,000,000 paths in a fresh process: the rules' fit, the
   paths' time and the peak resident set, against issue 25's 1.5 GB;
3. the per-path Python oracle (:mod:`tests.oracle.reference`) against the engine on the same
   draws and uniforms, and the engine's speed-up over it;
4. the deterministic engine, one path, per horizon.

Sections 1, 3 and 4 run under the sweep workers' allocator setting (:data:`ALLOCATOR`):
the benchmark starts itself again with it. Under glibc's defaults a builder's time moved
by up to twice with the state of the heap, not with the code (fresh arrays mapped from
the system are zeroed page by page; issue 25). Section 2's children run in the default
environment, as a report's kernel does, so that its memory is what a report's is.

Prints figures and ratios; timings are not asserted anywhere (machines are shared).
Run with ``make bench``, or ``python benchmarks/bench_model.py --quick`` for a smoke run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import median
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.oracle, from the checkout

from models.economics import events, finance
from models.economics.modes import MODES
from models.economics.modes.policy import Decision
from models.economics.simulation import simulate
from models.economics.terms import PathValues
from models.inputs.params import validate
from models.runner.sweep_run import WORKER_ENV
from models.uncertainty import montecarlo
from tests.oracle import reference

MIB = 2**20

#: Path-months a second of each mode's builder (plan + drawn) on 2,048 paths, measured by
#: section 1 on this 2-core machine at d740770, before issue 25 compiled any of the
#: service (the numpy engine with three numba kernels); and the issue's target for the
#: own modes (8x the figures the issue was filed with).
BEFORE_ISSUE_25 = {"solo": 1_166_281, "partner": 1_064_459, "license": 2_160_229, "staged": 296_225}
TARGET_OWN_MODE = 20_000_000

#: Paths of section 1's builders: the Monte Carlo chunk when BEFORE_ISSUE_25 was measured.
MODE_PATHS = 2048

#: glibc's allocation thresholds sections 1, 3 and 4 run under: the sweep workers'.
ALLOCATOR = {k: v for k, v in WORKER_ENV.items() if k.startswith("MALLOC_")}

#: Where the restarted benchmark finds the allocator's variables as they were.
_BEFORE = "MARKET_ENTRY_BENCH_ALLOCATOR_BEFORE"


def _default_env() -> dict[str, str]:
    """This process's environment with the allocator's variables as they were before
    the benchmark set them (what section 2's children run in)."""
    env = dict(os.environ)
    before = json.loads(env.pop(_BEFORE, "{}"))
    for k in ALLOCATOR:
        if before.get(k) is None:
            env.pop(k, None)
        else:
            env[k] = before[k]
    return env


def timed(fn: Callable[[], Any], repeat: int = 7) -> float:
    """Median wall time of ``repeat`` calls of ``fn``, seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return median(times)


def _rate(count: float, seconds: float) -> str:
    return f"{count / seconds:>14,.0f}" if seconds > 0 else f"{'-':>14}"


def _drawn_inputs(params, n: int):
    """Drawn inputs and uniforms of paths ``0 .. n - 1``, as the Monte Carlo run has them."""
    draws = montecarlo.draw_inputs(params, n)
    u = events.uniforms(params.seed, 0, n, params.months)
    return (draws if draws.shape[1] else None), u


# --- 1. the vectorised engine, per mode -------------------------------------------------


def bench_modes(params, paths: int, repeat: int) -> float:
    """Time each mode builder on one chunk; return the engine's seconds per path."""
    months = params.months
    draws, u = _drawn_inputs(params, paths)
    print(f"1. Vectorised engine per mode: {paths:,} paths x {months} months, drawn events")
    print(
        "   plan: the most-likely-case exit plan of every path with its event-free base;\n"
        "   drawn: the run with drawn events, valued committed, adaptive (review rules\n"
        "   fitted once, as the Monte Carlo run does) and with foresight"
    )
    print(
        f"   {'mode':<10} {'plan (ms)':>10} {'drawn (ms)':>11} {'total (ms)':>11}"
        f" {'path-months/s':>14} {'x d740770':>10} {'of target':>10}"
    )
    print(
        f"   x d740770: against the same builder before issue 25 (BEFORE_ISSUE_25); of target:"
        f"\n   against issue 25's {TARGET_OWN_MODE / 1e6:.0f} M path-months/s for an own service"
    )
    total = 0.0
    rules = montecarlo.fit_rules(params)
    values = PathValues(params, draws)
    planned = [m for m in MODES if m.reviewed and not m.baseline and not m.may_run_service]
    for m in planned:
        mode = m.name
        plans, runs = [], []
        for _ in range(repeat):
            # fresh terms: the event-independent base of a mode is cached on them, and
            # is built (and timed) in the plan
            terms = m.terms(values)
            t0 = time.perf_counter()
            m.build(terms, plan_only=True)
            t1 = time.perf_counter()
            m.build(terms, u, Decision(rule="adaptive", fitted=rules.get(mode)))
            t2 = time.perf_counter()
            plans.append(t1 - t0)
            runs.append(t2 - t1)
        plan_s, run_s = median(plans), median(runs)
        total += plan_s + run_s
        rate = paths * months / (plan_s + run_s)
        before = BEFORE_ISSUE_25.get(mode)
        print(
            f"   {mode:<10} {plan_s * 1e3:>10.1f} {run_s * 1e3:>11.1f}"
            f" {(plan_s + run_s) * 1e3:>11.1f} {_rate(paths * months, plan_s + run_s)}"
            f" {f'x{rate / before:.2f}' if before else '':>10}"
            f" {f'{rate / TARGET_OWN_MODE:.0%}' if m.runs_service else '':>10}"
        )
    for m in MODES:
        if m in planned:
            continue
        how = Decision(rule="adaptive", fitted=rules.get(m.name))
        times = []
        for _ in range(repeat):
            # fresh values, as a Monte Carlo chunk has them when this mode is built: the
            # run's market already computed (by a plan of the first mode, untimed), but
            # not what only this mode computes (the market of a staged entry's services
            # past the horizon: on values shared by the repeats, only the first paid it)
            fresh = PathValues(params, draws)
            planned[0].build(planned[0].terms(fresh), plan_only=True)
            t0 = time.perf_counter()
            m.build(m.terms(fresh), u, how)
            times.append(time.perf_counter() - t0)
        t = median(times)
        total += t
        note = (
            "(zeros: broadcast views)"
            if m.baseline
            else "(licence + a service per switch date)"
            if m.may_run_service
            else ""
        )
        before = BEFORE_ISSUE_25.get(m.name)
        ratio = f"x{paths * months / t / before:.2f}" if before else ""
        print(
            f"   {m.name:<10} {'':>10} {t * 1e3:>11.1f} {t * 1e3:>11.1f}"
            f" {_rate(paths * months, t)} {ratio:>10}   {note}"
        )
    bench_both_cores(params, paths, rules, repeat)
    bench_phases(params, paths, rules, max(repeat, 11))
    t_u = timed(lambda: events.uniforms(params.seed, 0, paths, months), repeat)
    print(f"   {'uniforms':<10} {'':>10} {'':>11} {t_u * 1e3:>11.1f}")
    t_sim = timed(lambda: simulate(params, draws, u, rules=rules), repeat)
    frame = montecarlo.draw_inputs(params, paths)
    t_chunk = timed(
        lambda: montecarlo._chunk(params, frame, 0, paths, min(paths, montecarlo.FAN_PATHS), rules),
        max(1, repeat // 2),
    )
    print(
        f"   sum of modes {total * 1e3:.1f} ms; simulate() {t_sim * 1e3:.1f} ms"
        f" ({_rate(len(MODES) * paths * months, t_sim).strip()} path-months/s over the"
        f" {len(MODES)} modes);"
        f"\n   one Monte Carlo chunk with its reductions (_chunk) {t_chunk * 1e3:.1f} ms"
    )
    return t_sim / paths


def _as_a_chunk_has_them(params, draws, mode) -> PathValues:
    """Fresh values of ``draws`` as a Monte Carlo chunk has them when it builds ``mode``:
    the run's market computed, untimed, by another own service's plan (the modes built
    before it in a chunk computed it), nothing of ``mode``'s own."""
    values = PathValues(params, draws if draws is not None and draws.shape[1] else None)
    other = next(o for o in MODES if o.runs_service and o is not mode)
    other.build(other.terms(values), plan_only=True)
    return values


def bench_both_cores(params, paths: int, rules, repeat: int) -> None:
    """Each own service on two chunks of ``paths`` at once, one a thread, as the Monte
    Carlo run uses the machine: path-months a second of the machine, against one chunk
    after the other (issue 25's target counts both cores). Two measures:

    - the builder of the table above (the plan of every path, then the drawn run), on
      values kept across the repeats (the run's market computed once);
    - what a Monte Carlo chunk builds of the mode: its drawn run alone, on fresh values
      (the base is built by the run: a chunk's paths are new), whose run's market an
      other service's plan has computed, untimed (the modes built before it in a chunk
      computed it). The Monte Carlo builds no plan of every path: the ``fixed`` rule's
      plan is the most-likely case's, one path
      (:meth:`models.economics.modes.base.EntryMode.fixed_plan`).
    """
    months = params.months
    draws = montecarlo.draw_inputs(params, 2 * paths)
    uniforms = [events.uniforms(params.seed, a, paths, months) for a in (0, paths)]

    def fresh(k: int) -> PathValues:
        rows = draws.iloc[k * paths : (k + 1) * paths]
        return PathValues(params, rows if draws.shape[1] else None)

    values = [fresh(0), fresh(1)]
    own = [m for m in MODES if m.runs_service]
    pm = 2 * paths * months
    print("   both cores: two chunks built at once, one a thread (the Monte Carlo's way)")
    for m in own:
        how = Decision(rule="adaptive", fitted=rules.get(m.name))

        def build(k: int, m=m, how=how) -> None:
            terms = m.terms(values[k])
            m.build(terms, plan_only=True)
            m.build(terms, uniforms[k], how)

        one = timed(lambda b=build: (b(0), b(1)), repeat)
        with ThreadPoolExecutor(max_workers=2) as pool:
            two = timed(lambda b=build: list(pool.map(b, (0, 1))), repeat)
        print(
            f"   {m.name:<10} plan + drawn: one after the other {_rate(pm, one).strip()},"
            f" side by side {_rate(pm, two).strip()} path-months/s (x{one / two:.2f};"
            f" {pm / two / TARGET_OWN_MODE:.0%} of target)"
        )
    for m in own:
        how = Decision(rule="adaptive", fitted=rules.get(m.name))

        def chunk(k: int, m=m) -> PathValues:
            return _as_a_chunk_has_them(params, draws.iloc[k * paths : (k + 1) * paths], m)

        def drawn(v: PathValues, k: int, m=m, how=how) -> None:
            m.build(m.terms(v), uniforms[k], how)

        one, two = [], []
        with ThreadPoolExecutor(max_workers=2) as pool:
            for _ in range(repeat):
                v = [chunk(0), chunk(1)]
                t0 = time.perf_counter()
                drawn(v[0], 0)
                drawn(v[1], 1)
                one.append(time.perf_counter() - t0)
                v = [chunk(0), chunk(1)]
                t0 = time.perf_counter()
                list(pool.map(drawn, v, (0, 1)))
                two.append(time.perf_counter() - t0)
        one_s, two_s = median(one), median(two)
        print(
            f"   {m.name:<10} as a chunk builds it: one after the other"
            f" {_rate(pm, one_s).strip()}, side by side {_rate(pm, two_s).strip()}"
            f" path-months/s (x{one_s / two_s:.2f}; {pm / two_s / TARGET_OWN_MODE:.0%} of target)"
        )


#: The phases of an own service's drawn run that :func:`bench_phases` times: (module,
#: attribute, what it is). Where a caller reads a function by name from its own module,
#: that name is timed (``service.terminal_value``).
PHASES = (
    ("models.economics.modes.service", "OwnService.base", "the base (content, prices, costs)"),
    ("models.economics.content", "content_plan", "  of which the content plan"),
    ("models.economics.events", "drawn", "the drawn events"),
    ("models.economics.operating", "catalogue_draw", "the catalogue's draw"),
    ("models.economics.operating", "operate", "the operating months"),
    ("models.economics.modes.service", "terminal_value", "the continuing value"),
    ("models.economics.market", "published_from", "the published market (once a chunk)"),
    ("models.economics.reviews", "exit_problem", "the exit problem (values, state)"),
    ("models.economics.reviews", "decide", "the reviews' choices"),
    ("models.economics.kernels", "policy_lines", "the policy's lines"),
)


def bench_phases(params, paths: int, rules, repeat: int) -> None:
    """Where an own service's drawn run spends its time, as a Monte Carlo chunk builds
    it (fresh values, the run's market computed untimed): the median of each phase of
    :data:`PHASES`, timed by ``perf_counter`` around the call (about a microsecond a
    call). A line profiler overstated numpy's small passes three to five times here
    (issue 25, stop 52): measure a phase this way before cutting it."""
    months = params.months
    draws, u = _drawn_inputs(params, paths)
    spent: dict[str, float] = {}
    undo = []

    def timed_phase(owner, name: str, label: str) -> None:
        inner = getattr(owner, name)

        def phase(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - t0

        setattr(owner, name, phase)
        undo.append((owner, name, inner))

    for module, attribute, label in PHASES:
        owner = importlib.import_module(module)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        timed_phase(owner, name, label)
    try:
        for m in (m for m in MODES if m.runs_service):
            how = Decision(rule="adaptive", fitted=rules.get(m.name))
            totals, phases = [], {label: [] for _, _, label in PHASES}
            for _ in range(repeat):
                values = _as_a_chunk_has_them(params, draws, m)
                spent.clear()
                t0 = time.perf_counter()
                m.build(m.terms(values), u, how)
                totals.append(time.perf_counter() - t0)
                for label in phases:
                    phases[label].append(spent.get(label, 0.0))
            total = median(totals)
            print(
                f"   {m.name}: where a drawn run's {total * 1e3:.1f} ms go"
                f" ({paths:,} paths x {months} months, medians of {repeat})"
            )
            for label, times in phases.items():
                t = median(times)
                print(f"     {label:<42} {t * 1e3:6.2f} ms {t / total:6.1%}")
            rest = total - sum(median(v) for k, v in phases.items() if not k.startswith(" "))
            print(f"     {'the rest':<42} {rest * 1e3:6.2f} ms {rest / total:6.1%}")
    finally:
        for owner, name, inner in reversed(undo):
            setattr(owner, name, inner)


# --- 2. the full Monte Carlo run -----------------------------------------------------------


def _in_fresh_process(flag: str, n: int) -> dict[str, Any]:
    """Run this benchmark's child ``flag`` (``--mc-child``, ``--npv-child``) on ``n``
    paths in a fresh process, in the default environment; return the JSON it printed."""
    proc = subprocess.run(
        [sys.executable, __file__, flag, str(n)],
        capture_output=True,
        text=True,
        check=True,
        env=_default_env(),
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _mc_child(n: int) -> None:
    """In a fresh process: time one run, then trace a second one; print JSON."""
    params = validate()
    montecarlo.run(params, 64)  # warm-up: imports, caches, thread pool
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    montecarlo.run(params, n)
    seconds = time.perf_counter() - t0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    montecarlo.run(params, n)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out = {
        "n": n,
        "months": params.months,
        "seconds": seconds,
        "peak": peak,
        "rss_growth": (rss1 - rss0) * 1024,  # ru_maxrss is in KiB on Linux
        "rss": rss1 * 1024,
    }
    print(json.dumps(out))


def bench_monte_carlo(sizes: list[int]) -> None:
    print(
        "\n2. Monte Carlo run (montecarlo.run: inputs drawn, 5 modes, events drawn, reviews),"
        " one fresh process per size"
    )
    print(
        f"   {'paths':>9} {'months':>7} {'seconds':>8} {'path-months/s':>14}"
        f" {'tracemalloc peak':>17} {'RSS growth':>11} {'max RSS':>9}"
    )
    rows = []
    for n in sizes:
        r = _in_fresh_process("--mc-child", n)
        rows.append(r)
        print(
            f"   {n:>9,} {r['months']:>7} {r['seconds']:>8.2f}"
            f" {_rate(n * r['months'], r['seconds'])}"
            f" {r['peak'] / MIB:>13.1f} MiB {r['rss_growth'] / MIB:>7.1f} MiB"
            f" {r['rss'] / MIB:>5.0f} MiB"
        )
    small, large = rows[0], rows[-1]
    ratio_n = large["n"] / small["n"]
    print(
        f"   path-months count one path in one month (all 5 modes at once)."
        f"\n   {large['n']:,} vs {small['n']:,} paths ({ratio_n:.0f}x):"
        f" time x{large['seconds'] / small['seconds']:.1f},"
        f" tracemalloc peak x{large['peak'] / small['peak']:.2f},"
        f" max RSS x{large['rss'] / small['rss']:.2f}"
        f"\n   Memory is bounded: one chunk of {montecarlo.CHUNK:,} paths per worker"
        f" ({montecarlo.WORKERS}), fan arrays for at most {montecarlo.FAN_PATHS:,} paths,"
        "\n   plus the drawn inputs and a few numbers per path."
    )


#: Issue 25's target for a run of 2,000,000 paths (bytes), and what such a run took
#: before: 3.8 GB when the issue was filed (the whole run, issue 11), 3.0 GB at 8930031
#: (the whole run: the drawn inputs alone peaked at 1.5 GB).
TARGET_2M_BYTES = 1.5e9
BEFORE_2M_BYTES = {"issue 25 filed": 3.8e9, "8930031": 3.0e9}


def _npv_child(n: int) -> None:
    """In a fresh process: fit the rules, then the NPV of every path on two threads
    (:func:`montecarlo.path_npv`); print JSON with the times and the peaks."""
    params = validate()
    t0 = time.perf_counter()
    rules = montecarlo.fit_rules(params)
    t1 = time.perf_counter()
    rss_rules = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    npv = montecarlo.path_npv(params, n, rules=rules, threads=montecarlo.WORKERS)
    t2 = time.perf_counter()
    out = {
        "n": n,
        "months": params.months,
        "rules_s": t1 - t0,
        "paths_s": t2 - t1,
        "rss_rules": rss_rules * 1024,
        "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "mean": {k: float(v) for k, v in npv.mean().items()},
    }
    print(json.dumps(out))


def bench_npv_paths(n: int) -> None:
    print(
        f"\n2b. The NPV of every path only (montecarlo.path_npv: inputs drawn a block of"
        f" {montecarlo.SAMPLE_BLOCK:,} paths\n    at a time, modes reduced one at a time,"
        f" {montecarlo.WORKERS} threads), {n:,} paths, in a fresh process"
    )
    r = _in_fresh_process("--npv-child", n)
    pm = n * r["months"]
    before = ", ".join(f"{v / 1e9:.1f} GB at {k}" for k, v in BEFORE_2M_BYTES.items())
    print(
        f"    fit the review rules {r['rules_s']:.1f} s (peak {r['rss_rules'] / 1e9:.2f} GB);"
        f" the paths {r['paths_s']:.1f} s, {_rate(pm, r['paths_s']).strip()} path-months/s"
        f" (all {len(MODES)} modes at once,\n    as section 2 counts);"
        f" peak resident set {r['rss'] / 1e9:.2f} GB,"
        f" {r['rss'] / TARGET_2M_BYTES:.0%} of issue 25's 1.5 GB"
        f"\n    (the whole run at 2,000,000 paths: {before})"
        "\n    mean NPV, US$ m: " + ", ".join(f"{k} {v:.2f}" for k, v in r["mean"].items())
    )


# --- 3. the oracle ----------------------------------------------------------------------------


def bench_oracle(params, paths: int, engine_s_per_path: float, big: int) -> None:
    # the oracle replays the foresight rule itself (it follows, not refits, the adaptive one)
    params = params.replace(decision_rule="foresight")
    months = params.months
    draws, u = _drawn_inputs(params, paths)
    print(
        f"\n3. Oracle (tests.oracle.reference, a per-path Python loop) vs engine:"
        f" the same {paths:,} paths, decision_rule foresight"
    )
    t0 = time.perf_counter()
    oracle = reference.simulate_paths(params, draws, u)
    t_oracle = time.perf_counter() - t0
    t_engine = timed(lambda: simulate(params, draws, u), 5)
    res = simulate(params, draws, u)
    diff = max(
        float(np.max(np.abs(finance.npv(res.modes[m].cash_flow, res.rate) - oracle[m].npv)))
        for m in MODES.names()
    )
    per_path = t_oracle / paths
    print(f"   {'':<28} {'seconds':>9} {'ms per path':>12} {'path-months/s':>14}")
    print(
        f"   {'oracle':<28} {t_oracle:>9.3f} {per_path * 1e3:>12.3f}"
        f" {_rate(len(MODES) * paths * months, t_oracle)}"
    )
    print(
        f"   {'engine, same paths':<28} {t_engine:>9.4f} {t_engine / paths * 1e3:>12.4f}"
        f" {_rate(len(MODES) * paths * months, t_engine)}"
    )
    print(
        f"   {'engine, one full chunk':<28} {'':>9} {engine_s_per_path * 1e3:>12.4f}"
        f" {_rate(len(MODES) * months, engine_s_per_path)}"
    )
    print(
        f"   speed-up of the engine: x{t_oracle / t_engine:,.0f} on these {paths:,} paths,"
        f" x{per_path / engine_s_per_path:,.0f} per path at full chunks"
        f"\n   oracle extrapolated to {big:,} paths: {per_path * big / 60:,.1f} min"
        f" (engine: {engine_s_per_path * big:,.1f} s)"
        f"\n   largest |NPV difference| engine vs oracle: {diff:.2e} US$ m"
    )


# --- 4. the deterministic single path -----------------------------------------------------


def bench_deterministic(repeat: int) -> None:
    print("\n4. Deterministic engine, one path (simulate(params), events in expectation)")
    print(f"   {'horizon':>8} {'months':>7} {'simulate (ms)':>14} {'path-months/s':>14}")
    base = None
    for years in (5, 10, 20, 30):
        p = validate(horizon_years=years)
        t = timed(lambda p=p: simulate(p), repeat)
        base = base or t
        rate = _rate(len(MODES) * p.months, t)
        print(f"   {years:>7}y {p.months:>7} {t * 1e3:>14.2f} {rate}")
    p = validate()
    print("   per mode, 10 years:")
    for m in MODES:
        name = m.name
        t = timed(lambda m=m: m.build(m.terms(PathValues(p))), repeat)
        print(f"     {name:<9} {t * 1e3:8.2f} ms  {_rate(p.months, t)} path-months/s")
    t_oracle = timed(lambda: reference.simulate_path(p), repeat)
    print(f"     oracle (all modes) {t_oracle * 1e3:8.2f} ms")
    tracemalloc.start()
    r = simulate(p)
    _ = r.summary, r.pv_lines, r.to_df()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"   peak memory of simulate + summaries + tidy frame: {peak / MIB:.2f} MiB")
    t30 = timed(lambda: simulate(validate(horizon_years=30)), repeat)
    print(f"   ratio 30y / 5y time: {t30 / base:.2f} (months ratio 6.00)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--paths",
        type=int,
        default=None,
        help="largest Monte Carlo run; it also runs a tenth of it (default 100,000)",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument(
        "--oracle-paths", type=int, default=None, help="paths run by the oracle (default 200)"
    )
    parser.add_argument(
        "--npv-paths",
        type=int,
        default=None,
        help="paths of the NPV-only run, section 2b (default 2,000,000; 0 skips it)",
    )
    parser.add_argument("--mc-child", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--npv-child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.mc_child is not None:
        _mc_child(args.mc_child)
        return
    if args.npv_child is not None:
        _npv_child(args.npv_child)
        return
    if any(os.environ.get(k) != v for k, v in ALLOCATOR.items()):
        # glibc reads its thresholds when the process starts: start again with them
        before = json.dumps({k: os.environ.get(k) for k in ALLOCATOR})
        env = {**os.environ, **ALLOCATOR, _BEFORE: before}
        again = sys.argv[1:] if argv is None else list(argv)
        sys.stdout.flush()
        os.execve(sys.executable, [sys.executable, os.path.abspath(__file__), *again], env)

    big = args.paths or (10_000 if args.quick else 100_000)
    sizes = sorted({max(1, big // 10), big})
    oracle_paths = args.oracle_paths or (20 if args.quick else 200)
    # 2,048 paths, as BEFORE_ISSUE_25 was measured (the run's chunk is now 1,024)
    chunk = 1024 if args.quick else MODE_PATHS
    repeat = 3 if args.quick else 7

    params = validate()
    print(
        f"market-entry benchmark: {params.months} months, {len(MODES)} modes,"
        f" {len(params.distributions)} uncertain inputs drawn"
        f"{' (quick)' if args.quick else ''}"
    )
    print(
        "sections 1, 3 and 4 under the sweep workers' allocator setting ("
        + ", ".join(f"{k}={v}" for k, v in ALLOCATOR.items())
        + "); section 2 in the default environment, as a report's kernel\n"
    )
    started = time.perf_counter()
    engine_s_per_path = bench_modes(params, chunk, repeat)
    bench_monte_carlo(sizes)
    npv_paths = (20_000 if args.quick else 2_000_000) if args.npv_paths is None else args.npv_paths
    if npv_paths:
        bench_npv_paths(npv_paths)
    bench_oracle(params, oracle_paths, engine_s_per_path, big)
    bench_deterministic(repeat)
    print(f"\nbenchmark done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
