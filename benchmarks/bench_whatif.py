"""Benchmark of the what-if panel (issue 13): how long a move takes to come back.

Sections:

1. in the kernel: :meth:`models.reporting.whatif_panel.Panel.set` on every slider to
   its low and high ends (new positions: the review rules are refitted), then the same
   positions again (rules kept): seconds per move, split into the most-likely case, the
   review rules and the Monte Carlo run;
2. in JupyterLab (headless Chromium through Playwright, the project's kernel): a
   slider moved one step with the keyboard, timed from the key press to the first
   update (the most-likely case in the status line) and to the full answer (the readout
   naming the new value, after the Monte Carlo run), over several moves. This is the
   latency a strategist sees; the issue's target is under a second.

Prints figures; nothing is asserted (machines are shared). Run with ``make bench`` or
``python benchmarks/bench_whatif.py --moves 4``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.analysis import whatif
from models.analysis.decision import analyse
from models.inputs.params import validate
from models.reporting import whatif_panel

#: The panel notebook of tests/runner/test_jupyterlab.py analyses these parameters.
PARAMS = {"n_paths": 400, "sobol_samples": 16, "whatif_positions": 0}


def _summary(values: list[float]) -> str:
    v = sorted(values)
    p95 = v[min(len(v) - 1, round(0.95 * (len(v) - 1)))]
    return f"median {statistics.median(v):.2f} s, p95 {p95:.2f} s, max {v[-1]:.2f} s"


def bench_kernel() -> None:
    print("1. A move in the kernel (Panel.set), 300 futures")
    decision = analyse(validate(**PARAMS))
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        panel = whatif_panel.Panel(
            decision.params, whatif.controls(decision), folder=Path(tmp), background=False
        )
        print(
            f"   opening the panel (controls, rules, first run): {time.perf_counter() - t0:.2f} s"
        )
        for label, repeat in (("new positions (rules refitted)", 1), ("positions seen before", 2)):
            totals, parts = [], {"most-likely case": [], "review rules": [], "monte carlo": []}
            for _ in range(repeat):
                for c in panel.controls:
                    for value in (c.low, c.high):
                        t = time.perf_counter()
                        out = panel.set(**{c.name: value})
                        totals.append(time.perf_counter() - t)
                        for k in parts:
                            parts[k].append(out.seconds[k])
                    panel.set(**{c.name: c.value})
            if repeat == 2:  # the second pass only
                half = len(totals) // 2
                totals = totals[half:]
                parts = {k: v[half:] for k, v in parts.items()}
            split = ", ".join(f"{k} {statistics.median(v):.3f} s" for k, v in parts.items())
            print(f"   {label}: {len(totals)} moves, {_summary(totals)}")
            print(f"      median of each step: {split}")


def bench_browser(moves: int) -> None:
    print("\n2. A move in JupyterLab (headless Chromium, keyboard on the slider)")
    from tests.conftest import has_chromium
    from tests.runner.test_browser import ARGS, CHROMIUM
    from tests.runner.test_jupyterlab import nudge, open_panel, serve, write_panel_notebook

    if not has_chromium():
        print("   skipped: Chromium is not installed (apt-get install -y chromium)")
        return
    from playwright.sync_api import sync_playwright

    controls = whatif.controls(analyse(validate(**PARAMS)))
    first, full, kernel = [], [], []
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as base:
        write_panel_notebook(Path(tmp))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            t0 = time.perf_counter()
            open_panel(page, base)
            print(f"   opening the notebook and running it: {time.perf_counter() - t0:.1f} s")
            status = page.locator(".me-whatif-status")
            readout = page.locator(".me-whatif-readout")
            position = {c.name: c.value for c in controls}
            for i in range(moves):
                c = controls[i % len(controls)]
                key = "ArrowLeft" if position[c.name] - c.step >= c.low else "ArrowRight"
                position[c.name] += -c.step if key == "ArrowLeft" else c.step
                value = round(position[c.name] / c.step) * c.step
                want = f"{c.label}: {c.show(value)}"
                t = time.perf_counter()
                nudge(page, c.label, key)
                status.filter(has_text="simulating").wait_for(timeout=30_000)
                first.append(time.perf_counter() - t)
                readout.filter(has_text=want).wait_for(timeout=60_000)
                status.filter(has_text="futures in").wait_for(timeout=60_000)
                full.append(time.perf_counter() - t)
                # "300 futures in 0.62 s (review rules ...)": the kernel's share
                kernel.append(float(status.inner_text().split(" futures in ")[1].split()[0]))
            browser.close()
    print(f"   {moves} moves, each a new position")
    print(f"   first update (most-likely case): {_summary(first)}")
    print(f"   full answer (300 futures):    {_summary(full)}")
    print(f"      of which computing in the kernel: {_summary(kernel)}")
    print("   (the issue's target: under a second)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=12, help="slider moves in the browser")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    bench_kernel()
    bench_browser(args.moves)
    print(f"\nbench_whatif: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
