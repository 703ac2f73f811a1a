"""The sweep report's decision maps (issue 12): a map per pair of swept inputs, the
frontier on a design's own grid or, for scattered points, on bins (a Latin hypercube
of thousands of points must not pivot into a table of millions of cells)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from models.economics.modes import MODES
from models.exceptions import ParameterError
from models.reporting import sweep_blocks


def _frame(x: np.ndarray, y: np.ndarray, z: np.ndarray | None = None) -> pd.DataFrame:
    """A sweep table whose partnership margin over licensing is ``x - y`` (known frontier
    on the diagonal), the other modes far behind."""
    rows = []
    z = np.zeros(len(x)) if z is None else z
    for i, (a, b, c) in enumerate(zip(x, y, z, strict=True)):
        means = {m: -100.0 for m in MODES.names()}
        means.update(partner=100.0 * (a - b), license=0.0, stay_out=-1.0)
        rec = "partner" if means["partner"] > 0 else "license"
        for m in MODES.names():
            rows.append(
                {
                    "point": i,
                    "mode": m,
                    "mean_npv_usd_m": means[m],
                    "p5_usd_m": means[m] - 1,
                    "p95_usd_m": means[m] + 1,
                    "p_loss": 0.5,
                    "p_best": float(m == rec),
                    "recommended": rec,
                    "runner_up": "license" if rec == "partner" else "partner",
                    "lead_usd_m": abs(means["partner"]),
                    "lead_se_usd_m": 1.0,
                    "n_paths": 100,
                    "partner_revenue_share": a,
                    "market_foreign_premium_share": b,
                    "content_demand_elasticity": c,
                }
            )
    return pd.DataFrame(rows)


def _frontier(fig: go.Figure) -> np.ndarray:
    """The frontier's points (x, y), all its lines together."""
    lines = [t for t in fig.data if t.legendgroup == "frontier"]
    assert lines and sum(bool(t.showlegend) for t in lines) == 1
    return np.vstack([np.c_[np.asarray(t.x, float), np.asarray(t.y, float)] for t in lines])


def test_a_grid_is_mapped_on_its_own_values():
    xs, ys = np.meshgrid(np.linspace(0, 1, 5), np.linspace(0, 1, 4))
    frame = _frame(xs.ravel(), ys.ravel())
    fig = sweep_blocks.decision_map(frame)
    line = _frontier(fig)
    # the margin 100 (x - y) is zero on the diagonal, which the grid's own values hold
    np.testing.assert_allclose(line[:, 0], line[:, 1], atol=1e-9)
    assert line[:, 0].min() == 0.0 and line[:, 0].max() == 1.0
    grid = sweep_blocks._on_grid(xs.ravel(), ys.ravel(), xs.ravel() - ys.ravel())
    assert list(grid.columns) == list(np.linspace(0, 1, 5)) and grid.shape == (4, 5)
    squares = [t for t in fig.data if isinstance(t, go.Scatter) and t.marker.symbol == "square"]
    assert {t.name for t in squares} == {"Partner", "Licensing"}
    assert all(t.marker.size == 22 for t in squares)  # few points: large squares


def test_thousands_of_scattered_points_are_binned_for_the_frontier():
    rng = np.random.default_rng(3)
    x, y, c = rng.random(3000), rng.random(3000), rng.random(3000)
    frame = _frame(x, y, c)
    maps = sweep_blocks.decision_maps(frame)
    assert len(maps) == 3  # every pair of the three swept inputs
    grid = sweep_blocks._on_grid(x, y, x - y)
    assert grid.shape == (sweep_blocks.FRONTIER_BINS, sweep_blocks.FRONTIER_BINS)
    # the frontier, drawn on bin means, follows the planted diagonal within a bin or two
    line = _frontier(maps[0])
    assert np.abs(line[:, 0] - line[:, 1]).max() < 2 / sweep_blocks.FRONTIER_BINS
    assert line[:, 0].max() - line[:, 0].min() > 0.8  # across the whole map
    sizes = {t.marker.size for t in maps[0].data if t.mode == "markers"}
    assert max(sizes) <= 6  # small markers for thousands of points


def test_no_frontier_where_the_margin_keeps_its_sign():
    xs, ys = np.meshgrid(np.linspace(0.5, 1, 3), np.linspace(0, 0.4, 3))
    fig = sweep_blocks.decision_map(_frame(xs.ravel(), ys.ravel()))
    assert not [t for t in fig.data if t.legendgroup == "frontier"]


def test_a_map_over_an_input_not_swept_is_refused():
    frame = _frame(np.array([0.1, 0.2]), np.array([0.3, 0.4]))
    with pytest.raises(ParameterError, match="'finance_discount_rate_year' is not a swept"):
        sweep_blocks.decision_map(frame, x="finance_discount_rate_year")
