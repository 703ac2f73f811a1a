"""Benchmark of the offline what-if (issue 23): what the design costs, how well the page
answers, and how fast.

Sections:

1. the design (:func:`models.analysis.whatif_design.build`) for the base scenario's
   sliders at ``whatif_positions``: seconds a position and in all (the main report's
   extra time), the Monte Carlo noise of a mean and of a step, and the surrogate's
   largest error moving one slider and several;
2. the page: the what-if block's size (raw and gzipped), its share of the base report;
3. in headless Chromium, offline: a slider moved one step with the keyboard, timed
   from the key press to the painted answer, over many moves (the issue's target is
   under 100 ms), and the script's own compute time.

Prints figures; nothing is asserted (machines are shared). Run with ``make bench`` or
``python benchmarks/bench_whatif_offline.py --positions 40 --moves 60``.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.analysis import whatif, whatif_design
from models.analysis.decision import analyse
from models.inputs import scenario
from models.reporting import whatif_offline

BASE = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "base.yaml"
CHROMIUM = "/usr/bin/chromium"


def _summary(values: list[float], unit: str = "ms") -> str:
    v = sorted(values)
    p95 = v[min(len(v) - 1, round(0.95 * (len(v) - 1)))]
    return f"median {statistics.median(v):.1f} {unit}, p95 {p95:.1f} {unit}, max {v[-1]:.1f} {unit}"


def bench_design(positions: int):
    params = scenario.load(BASE)
    print("1. The design, base scenario")
    t0 = time.perf_counter()
    # the sliders are chosen from the decision's tornado, which is the most-likely case:
    # the number of futures does not change them
    decision = analyse(params.replace(n_paths=1_000, sobol_samples=0))
    controls = whatif.controls(decision)
    print(f"   sliders chosen in {time.perf_counter() - t0:.0f} s: {[c.name for c in controls]}")
    design = whatif_design.build(params, controls, positions)
    n = len(design.design) + len(design.held_out)
    s, e, z = design.seconds, design.error_, design.noise_
    print(
        f"   {len(design.design)} positions + {len(design.held_out)} held out, "
        f"{design.n_paths} futures and {design.training_paths:,} training paths each: "
        f"{s['positions']:.0f} s ({s['positions'] / n:.2f} s a position), surrogate "
        f"{s['surrogate']:.2f} s"
    )
    print(
        f"   Monte Carlo noise: a mode's mean ± {2 * z['se_mean']:.2f} US$ m (2 SE), a step "
        f"to the nearest axis position ± {2 * z['se_step']:.2f} US$ m "
        f"(ratio {z['se_step'] / z['se_mean']:.2f})"
    )
    print(
        f"   surrogate's largest error, mean NPV: one slider {e['one_mean']:.2f} US$ m "
        f"({e['one_n']} positions), several {e['several_mean']:.2f} US$ m "
        f"({e['several_n']}); lead {e['one_lead']:.2f} / {e['several_lead']:.2f}; P5/P95 "
        f"{e['one_range']:.2f} / {e['several_range']:.2f}"
    )
    spread = design.design["mean:license"].agg(["min", "max"])
    print(
        f"   licensing's mean NPV over the design: {spread['min']:.0f} to {spread['max']:.0f} US$ m"
    )
    return params, design


def bench_page(params, design) -> str:
    print("2. The page")
    block = whatif_offline.section(design, params)._repr_html_()
    raw, packed = len(block.encode()), len(gzip.compress(block.encode()))
    print(f"   what-if block {raw / 1000:.1f} kB, {packed / 1000:.1f} kB gzipped")
    return block


def bench_browser(block: str, moves: int) -> None:
    print("3. In headless Chromium, offline")
    if not Path(CHROMIUM).exists():
        print("   skipped: no Chromium at /usr/bin/chromium")
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        path = Path(tmp) / "whatif.html"
        path.write_text(
            f"<!doctype html><meta charset='utf-8'><body>{block}</body>", encoding="utf-8"
        )
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_context(offline=True).new_page()
        page.goto(path.as_uri())
        sliders = page.locator(".me-whatif input[type=range]")
        round_trip, compute = [], []
        for i in range(moves):
            slider = sliders.nth(i % sliders.count())
            slider.focus()
            key = "ArrowRight" if (i // sliders.count()) % 2 == 0 else "ArrowLeft"
            ms = page.evaluate(
                """key => new Promise(done => {
                  const t0 = performance.now();
                  document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key}));
                  const el = document.activeElement;
                  el.value = +el.value + (key === 'ArrowRight' ? 1 : -1) * +el.step;
                  el.dispatchEvent(new Event('input', {bubbles: true}));
                  requestAnimationFrame(() => requestAnimationFrame(() =>
                    done(performance.now() - t0)));
                })""",
                key,
            )
            round_trip.append(ms)
            compute.append(float(page.locator(".me-whatif").get_attribute("data-ms")))
        browser.close()
    print(f"   a move to the painted answer ({moves} moves): {_summary(round_trip)}")
    print(f"   the script's own work: {_summary(compute)}; target under 100 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--positions", type=int, default=40)
    parser.add_argument("--moves", type=int, default=60)
    args = parser.parse_args()
    params, design = bench_design(args.positions)
    block = bench_page(params, design)
    bench_browser(block, args.moves)


if __name__ == "__main__":
    main()
