"""The sweep report's decision maps (issue 12): a map per pair of swept inputs, the
frontier on a design's own grid or, for scattered points, on bins (a Latin hypercube
of thousands of points must not pivot into a table of millions of cells); its words
(issue 22): notes that say only what the maps draw, boxes written as their sentences
write them, a title without codes."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from models.economics.modes import MODES
from models.exceptions import ParameterError
from models.reporting import sweep_blocks
from tests.reporting.test_ops_reports import faults
from tests.reporting.test_style import prose


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


def _two(x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """:func:`_frame` over its first two inputs only."""
    return _frame(x, y).drop(columns="content_demand_elasticity")


def _notes(frame: pd.DataFrame) -> str:
    figures = sweep_blocks.decision_maps(frame)
    return " ".join(" ".join(t.split()) for t in prose(str(sweep_blocks.map_notes(frame, figures))))


def test_the_notes_say_only_what_the_maps_draw():
    xs, ys = np.meshgrid(np.linspace(0, 1, 5), np.linspace(0, 1, 5))
    # a frontier on the diagonal, whose points (lead 0) are too close to call
    drawn = _notes(_two(xs.ravel(), ys.ravel()))
    assert "The dashed line is where partner starts to beat" in drawn
    assert "A cross marks a point" in drawn and "More than two inputs" not in drawn
    # partner ahead by at least 10 SE everywhere: no line, no cross, and the notes say why
    xs, ys = np.meshgrid(np.linspace(0.5, 1, 3), np.linspace(0, 0.4, 3))
    bare = _notes(_two(xs.ravel(), ys.ravel()))
    assert "dashed" not in bare and "A cross" not in bare
    assert "Partner beats the best alternative that starts differently at every point" in bare
    assert "no point is too close to call" in bare
    rng = np.random.default_rng(5)
    three = _notes(_frame(rng.random(60), rng.random(60), rng.random(60)))
    assert "More than two inputs are swept" in three
    assert "The dashed line (on 1 map of 3) is where" in three  # the third input is noise
    assert not faults([drawn, bare, three])


def test_discovery_writes_the_boxes_as_its_sentences_do():
    xs, ys = np.meshgrid(np.linspace(0.1, 0.6, 6), np.linspace(0.2, 0.8, 7))
    block = str(sweep_blocks.discovery(_frame(xs.ravel(), ys.ravel())))
    texts = prose(block)
    assert not faults(texts), faults(texts)
    sentences = " ".join(re.findall(r"<li>(.*?)</li>", block))
    limits = [
        v for t in re.findall(r"<td>(.*?)</td>", block) for v in re.findall(r"[≥≤] ([^\s;]+)", t)
    ]
    assert limits and all(v.endswith("%") for v in limits)  # 39.7%, not 0.397
    assert all(v in sentences for v in limits)


def test_the_title_is_in_words():
    manifest = {
        "sweep": "partner_worlds",
        "spec": {"base": "data/scenarios/base.yaml", "design": "lhs"},
        "design": "lhs",
        "points": 10000,
        "paths_per_point": 1000,
        "seed": 20151,
        "parameters_given": {"scenario_name": "Base case (2026)"},
    }
    block = str(sweep_blocks.title(manifest))
    text = " ".join(" ".join(t.split()) for t in prose(block))
    assert "Partner worlds" in text
    assert "10,000 points of a Latin hypercube around Base case (2026)" in text
    assert "1,000 simulated futures each" in text
    assert not faults(prose(block))
    assert "<code>partner_worlds</code>" in block and "<code>base.yaml</code>" in block


def test_the_notes_never_say_no_point_when_some_points_win(monkeypatch):
    # no line drawn (as where the other swept inputs decide), the mode ahead at some
    # points: the notes count them, never "at no point" nor "at every point"
    xs, ys = np.meshgrid(np.linspace(0, 1, 5), np.linspace(0, 1, 5))
    frame = _two(xs.ravel(), ys.ravel())
    figures = sweep_blocks.decision_maps(frame)
    monkeypatch.setattr(sweep_blocks, "frontier_drawn", lambda fig: False)
    text = " ".join(prose(str(sweep_blocks.map_notes(frame, figures))))
    wins = int((sweep_blocks._margin(frame, "partner") > 0).sum())
    assert 0 < wins < 25
    assert f"at {wins} of 25 points" in text
    assert "at no point" not in text and "at every point" not in text
