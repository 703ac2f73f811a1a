"""One owner of the memory estimates: each stays above the peaks it was measured from
(models/inputs/memory.py states them), and the runner and sweep files use it."""

from __future__ import annotations

import pytest

from models.inputs.memory import REPORT, SWEEP_POINT, WORKER_BUDGET, Footprint

#: Peak resident sets measured (paths -> bytes): the main report through
#: `market-entry run` (issue 25, 15 years; the higher of two runs at 5,000; 1,000,000
#: once outcomes.parquet was written in blocks, 100,000 before, an upper bound), and
#: path_npv in a process holding only a sweep point (issue 19 up to 100,000 paths;
#: issue 25 above, once the inputs were drawn a block at a time).
REPORT_PEAKS = {5_000: 1.27e9, 100_000: 1.34e9, 1_000_000: 2.77e9}
POINT_PEAKS = {
    "fixed": {1_000: 0.37e9, 20_000: 0.50e9, 100_000: 0.52e9, 500_000: 0.99e9, 2_000_000: 1.15e9},
    "adaptive": {1_000: 0.48e9, 100_000: 0.74e9, 500_000: 0.84e9, 2_000_000: 0.91e9},
}


@pytest.mark.parametrize(("n", "peak"), REPORT_PEAKS.items())
def test_the_report_estimate_covers_its_measurements(n, peak):
    # a straight line above a fixed phase's peak (to 100,000 paths) and the paths' (above)
    assert peak <= REPORT.need(n) <= 1.4 * peak


@pytest.mark.parametrize(
    ("n", "peak"), [kv for peaks in POINT_PEAKS.values() for kv in peaks.items()]
)
def test_the_sweep_point_estimate_covers_its_measurements(n, peak):
    assert peak <= SWEEP_POINT.need(n)


def test_most_paths_is_the_inverse_of_need():
    f = Footprint(base=1e9, per_path=2e3)
    assert f.need(500_000) == 2e9
    assert f.most_paths(2e9) == 500_000 and f.most_paths(0.5e9) == 0
    assert SWEEP_POINT.need(SWEEP_POINT.most_paths(WORKER_BUDGET)) <= WORKER_BUDGET
