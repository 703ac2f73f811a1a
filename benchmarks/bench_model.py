"""Benchmark of the deterministic engine: time per scenario and per mode, and peak memory.

Prints figures and ratios; timings are not asserted anywhere (machines are shared).
Run with ``make bench``.
"""

from __future__ import annotations

import time
import tracemalloc
from statistics import median

from models.params import validate
from models.simulation import _licensing, _service, _stay_out, simulate


def timed(fn, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return median(times)


def main() -> None:
    print("market-entry benchmark: deterministic engine (1 path)")
    print(f"{'horizon':>8} {'months':>7} {'simulate (ms)':>14} {'path-months/s':>14}")
    base = None
    for years in (5, 10, 20, 30):
        p = validate(horizon_years=years)
        t = timed(lambda p=p: simulate(p))
        base = base or t
        print(f"{years:>7}y {p.months:>7} {t * 1e3:>14.2f} {4 * p.months / t:>14,.0f}")
    p = validate()
    print("\nper mode, 10 years:")
    for name, fn in [
        ("solo", lambda: _service(p, "solo")),
        ("partner", lambda: _service(p, "partner")),
        ("license", lambda: _licensing(p)),
        ("stay_out", lambda: _stay_out(p)),
    ]:
        t = timed(fn)
        print(f"  {name:<9} {t * 1e3:8.2f} ms  {p.months / t:>12,.0f} path-months/s")
    tracemalloc.start()
    r = simulate(p)
    _ = r.summary, r.pv_lines, r.to_frame()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\npeak memory of simulate + summaries + tidy frame: {peak / 2**20:.2f} MiB")
    t30 = timed(lambda: simulate(validate(horizon_years=30)))
    print(f"ratio 30y / 5y time: {t30 / base:.2f} (months ratio 6.00)")


if __name__ == "__main__":
    main()
