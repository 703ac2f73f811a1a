"""The exit problem's compiled passes (``kernels.review_values``, ``kernels.review_state``)
against the numpy passes they replaced (issue 25), kept here as the oracle: within 1e-9
on random paths with forced exits, launches before and after the reviews, a staged
service's late start, broadcast inputs and the go decision before month 0."""

from __future__ import annotations

import numpy as np
import pytest

from models._arrays import column
from models.economics import finance, reviews

PATHS, MONTHS = 41, 60
TOL = {"rtol": 1e-9, "atol": 1e-9}
rng = np.random.default_rng(25)


def _padded(a, first, paths, months):
    a = np.broadcast_to(a, (paths, months))
    return np.concatenate([np.full((paths, 1), first), a], axis=1)


def observe_numpy(cash, subscribers, catalogue, dark, distress, launch, dates, payers=1.0):
    """reviews.observe before issue 25."""
    paths, months = np.shape(cash)
    at = np.asarray(dates) + 1
    back = np.maximum(at - 3, 0)
    subs = _padded(subscribers, 0.0, paths, months)
    cum_cash = _padded(
        np.cumsum(np.broadcast_to(cash, (paths, months)), axis=1), 0.0, paths, months
    )
    cum = {
        k: _padded(np.cumsum(np.broadcast_to(v, (paths, months)), axis=1), 0.0, paths, months)
        for k, v in (("dark", dark), ("distress", distress))
    }
    cols = [
        subs[:, at],
        subs[:, at] - subs[:, back],
        cum_cash[:, at] - cum_cash[:, back],
        cum_cash[:, at],
        np.maximum(np.asarray(dates)[None, :] - launch[:, None] + 1.0, 0.0),
        _padded(catalogue, 1.0, paths, months)[:, at],
        cum["dark"][:, at],
        np.minimum(cum["distress"][:, at], 1.0),
        *reviews.market_signals(payers, dates, paths, months),
    ]
    return np.stack(cols, axis=2)


def values_numpy(cash, alive, exit_at, exit_cost, terminal, rate_year, launch, dates, start, walk):
    """The values of reviews.exit_problem before issue 25."""
    paths, months = cash.shape
    at = dates + 1
    d = np.broadcast_to(finance.discount_factors(rate_year, months), (paths, months))
    x = np.broadcast_to(column(exit_cost)[:, 0], (paths,))
    w = np.broadcast_to(column(walk)[:, 0], (paths,))
    launch_col = np.broadcast_to(column(launch)[:, 0], (paths,))
    flows = cash * alive * d - exit_at * d * x[:, None]
    pv = _padded(np.cumsum(flows, axis=1), 0.0, paths, months)
    d0 = _padded(d, 1.0, paths, months)
    alive0, exit0 = _padded(alive, 1.0, paths, months), _padded(exit_at, 0.0, paths, months)
    still = (alive0[:, at] - exit0[:, at]) > 0.5
    after_launch = dates[None, :] >= launch_col[:, None]
    started = dates[None, :] >= start
    leave_cost = np.where(after_launch, x[:, None], np.where(started, w[:, None], 0.0))
    stop_value = pv[:, at] - d0[:, at] * leave_cost * still
    running_at_end = alive[:, -1] - exit_at[:, -1]
    final = pv[:, -1] + d[:, -1] * np.broadcast_to(terminal, (paths,)) * running_at_end
    return stop_value, final, still, d0[:, at]


def _paths(broadcast: bool):
    cash = rng.normal(-1.0, 3.0, size=(PATHS, MONTHS))
    if broadcast:
        cash = np.broadcast_to(cash[:1], (PATHS, MONTHS))
    out_at = rng.integers(5, 2 * MONTHS, size=PATHS)  # beyond the horizon: never forced out
    t = np.arange(MONTHS)
    alive = (t[None, :] <= out_at[:, None]).astype(float)
    exit_at = (t[None, :] == out_at[:, None]).astype(float)
    subs = np.cumsum(rng.uniform(0.0, 0.3, size=(PATHS, MONTHS)), axis=1)
    catalogue = np.exp(np.cumsum(np.where(rng.random((PATHS, MONTHS)) < 0.05, -0.2, 0.0), 1))
    dark = np.where(rng.random((PATHS, MONTHS)) < 0.05, rng.uniform(0, 1), 0.0)
    distress = (rng.random((PATHS, MONTHS)) < 0.01).astype(float)
    payers = np.cumsum(rng.uniform(0.5, 1.5, size=(PATHS, MONTHS)), axis=1) + 50.0
    return cash, alive, exit_at, subs, catalogue, dark, distress, payers


@pytest.mark.parametrize("broadcast", [False, True])
@pytest.mark.parametrize("start, go", [(0, True), (0, False), (14, True), (14, False)])
@pytest.mark.parametrize("per_path_terms", [False, True])
def test_the_exit_problem_matches_the_numpy_passes(broadcast, start, go, per_path_terms):
    cash, alive, exit_at, subs, catalogue, dark, distress, payers = _paths(broadcast)
    if per_path_terms:
        launch = np.rint(rng.uniform(-2, 40, size=PATHS))
        exit_cost, walk = rng.uniform(0, 20, size=PATHS), rng.uniform(0, 5, size=(PATHS, 1))
        terminal, rate = rng.normal(50, 30, size=PATHS), rng.uniform(0.05, 0.2, size=PATHS)
    else:
        launch, exit_cost, walk, terminal, rate = 9.0, 12.0, 3.0, 40.0, 0.1
    problem = reviews.exit_problem(
        cash=cash,
        alive=alive,
        exit_at=exit_at,
        exit_cost=np.broadcast_to(column(exit_cost)[:, 0], (PATHS,)),
        terminal=terminal,
        rate_year=rate,
        launch=launch,
        subscribers=subs,
        catalogue=catalogue,
        dark=dark,
        distress=distress,
        every=3,
        payers=payers,
        first_review=start,
        walk_away_cost=walk,
        go=go,
    )
    dates = reviews.decision_months(MONTHS, 3, start, go)
    stop, final, still, scale = values_numpy(
        cash, alive, exit_at, exit_cost, terminal, rate, launch, dates, start, walk
    )
    np.testing.assert_allclose(problem.stop_value, stop, **TOL)
    np.testing.assert_allclose(problem.final_value, final, **TOL)
    np.testing.assert_array_equal(problem.eligible, still)
    np.testing.assert_allclose(problem.scale, scale, **TOL)
    launch_col = np.broadcast_to(column(launch)[:, 0], (PATHS,))
    want = observe_numpy(cash, subs, catalogue, dark, distress, launch_col, dates, payers)
    np.testing.assert_allclose(problem.features, want, **TOL)
    assert problem.features.shape == (PATHS, len(dates), len(reviews.STATE))
    # the case is not trivial: some paths forced out before a review, some leave costs paid
    assert (~problem.eligible).any() and problem.eligible.any()
    assert (problem.features[:, :, 7] > 0).any() and (problem.features[:, :, 4] > 0).any()


def test_decision_months_off_the_horizon_are_refused():
    with pytest.raises(ValueError, match="decision months"):
        reviews.observe(np.ones((2, 6)), 1.0, 1.0, 0.0, 0.0, np.zeros(2), np.array([2, 6]))
    with pytest.raises(ValueError, match="decision months"):
        reviews.observe(np.ones((2, 6)), 1.0, 1.0, 0.0, 0.0, np.zeros(2), np.array([3, 2]))


def test_a_monthly_series_in_one_dimension_is_refused():
    """Found in review: where paths == months, a 1-D monthly series read as one value
    per path by the kernel and one per month by numpy; neither guess is taken."""
    cash = np.ones((12, 12))
    with pytest.raises(ValueError, match="catalogue of shape \\(12,\\)"):
        reviews.observe(cash, cash, np.linspace(1, 0.5, 12), 0.0, 0.0, np.zeros(12), [2, 5])


def test_no_months_is_refused_and_a_late_start_is_a_month():
    """No months: refused (the kernel would read the last month of nothing); the start of
    a staged service is compared as given, as numpy did (found in review)."""
    kwargs = dict(exit_cost=np.zeros(2), terminal=0.0, rate_year=0.1, launch=3.0)
    kwargs |= dict(subscribers=0.0, catalogue=1.0, dark=0.0, distress=0.0, every=3)
    with pytest.raises(ValueError, match="at least one month"):
        reviews.exit_problem(cash=np.ones((2, 0)), alive=1.0, exit_at=0.0, **kwargs)
    cash = np.full((2, 12), -1.0)
    one = np.ones((2, 12))
    zero = np.zeros((2, 12))
    walk = reviews.exit_problem(
        cash=cash, alive=one, exit_at=zero, first_review=0.5, walk_away_cost=4.0, **kwargs
    )
    # the clock puts the go decision at month 0 (int of -0.5): before the start at 0.5,
    # so leaving there costs nothing; the review at month 2 pays the walk-away cost
    assert walk.reviews[0] == 0 and walk.stop_value[0, 0] == pytest.approx(-0.99, abs=0.01)
    stop, *_ = values_numpy(cash, one, zero, 0.0, 0.0, 0.1, 3.0, walk.reviews, 0.5, 4.0)
    np.testing.assert_allclose(walk.stop_value, stop, **TOL)


def _market_signals_padded(payers, at, paths, months):
    """reviews.market_signals before issue 25 gathered only the columns it reads: a
    copy of the grid padded with month 0's market before it."""
    p = np.broadcast_to(np.asarray(payers, dtype=float), (paths, months))
    at = np.asarray(at) + 1
    padded = np.concatenate([p[:, :1], p], axis=1)
    year_ago = padded[:, np.maximum(at - 12, 0)]
    now = padded[:, at]
    base = np.where(padded[:, :1] > 0, padded[:, :1], 1.0)
    return [now / base - 1.0, now / np.where(year_ago > 0, year_ago, 1.0) - 1.0]


@pytest.mark.parametrize("months", [1, 5, 12, 13, 40, 180])
@pytest.mark.parametrize("rows", ["paths", "one row", "one column"])
def test_the_market_signals_gather_what_the_padded_grid_gave_bit_for_bit(months, rows):
    rng = np.random.default_rng(months)
    shape = {"paths": (7, months), "one row": (1, months), "one column": (7, 1)}[rows]
    payers = rng.choice([0.0, 1.0, 2.5], size=shape) * rng.random(shape)  # zeros too
    at = np.unique([-1, 0, months - 1, *rng.integers(-1, months, 6)])
    got = reviews.market_signals(payers, at, 7, months)
    want = _market_signals_padded(payers, at, 7, months)
    assert [g.tobytes() for g in got] == [w.tobytes() for w in want]


def _simple_stop_numpy(problem, go, threshold_m):
    """reviews.simple_stop's numpy passes before issue 25 compiled them."""
    subs = problem.features[:, :, 0]
    launched = problem.features[:, :, 4] > 0
    below = launched & (subs < threshold_m) & problem.eligible
    first = np.where(below.any(axis=1), np.argmax(below, axis=1), len(problem.reviews))
    return np.where(go, first, 0)


@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.6, np.inf])
def test_the_simple_rule_stops_where_numpy_s_passes_stopped(threshold):
    """The compiled simple rule (kernels.first_below) against the numpy passes it
    replaced: features with NaN, paths not launched, reviews not eligible, go False."""
    rng = np.random.default_rng(int(threshold * 10) if np.isfinite(threshold) else 99)
    paths, dates = 301, 13
    features = rng.random((paths, dates, len(reviews.STATE)))
    features[:, :, 4] = np.where(rng.random((paths, dates)) < 0.3, 0.0, features[:, :, 4])
    features[rng.random((paths, dates)) < 0.02, 0] = np.nan
    eligible = rng.random((paths, dates)) < 0.85
    problem = reviews.ExitProblem.__new__(reviews.ExitProblem)
    object.__setattr__(problem, "features", features)
    object.__setattr__(problem, "eligible", eligible)
    object.__setattr__(problem, "reviews", np.arange(dates))
    go = rng.random(paths) < 0.9
    got = reviews.simple_stop(problem, go, threshold)
    want = _simple_stop_numpy(problem, go, threshold)
    assert got.dtype == want.dtype and np.array_equal(got, want)
    if 0 < threshold < 1:
        assert len(np.unique(got)) > 3  # stops at several reviews, at the go date, never
