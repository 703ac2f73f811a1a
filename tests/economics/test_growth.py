"""Bass diffusion with churn: hand-computed steps and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.economics.growth import bass_subscribers
from models.economics.market import addressable_market, online_video_users, price_factor

MONTHS = 60


def test_first_months_by_hand():
    market = np.full((1, 4), 100.0)
    subs, adds, _ = bass_subscribers(market, p=0.01, q=0.2, churn=0.05, launch_month=1)
    assert subs[0, 0] == 0.0 and adds[0, 0] == 0.0  # before launch
    # month 1: nobody to keep; sign-ups (1 - exp(-0.01)) * 100
    a1 = (1 - np.exp(-0.01)) * 100
    assert np.isclose(adds[0, 1], a1) and np.isclose(subs[0, 1], a1)
    # month 2: keep 95 %, then the hazard 0.01 + 0.2 * F acts on the rest of the market
    kept = a1 * 0.95
    a2 = (1 - np.exp(-(0.01 + 0.2 * a1 / 100))) * (100 - kept)
    assert np.isclose(adds[0, 2], a2) and np.isclose(subs[0, 2], kept + a2)


def test_without_churn_it_is_the_discrete_bass_model():
    """With no churn, cumulative adoption follows Bass's discrete recursion towards m."""
    market = np.full((1, 400), 50.0)
    subs, adds, _ = bass_subscribers(market, p=0.03, q=0.38, churn=0.0, launch_month=0)
    assert np.allclose(np.cumsum(adds, axis=1), subs)
    assert np.isclose(subs[0, -1], 50.0, rtol=1e-6)
    # the peak of adoptions comes near Bass's t* = ln(q/p) / (p + q)
    t_star = np.log(0.38 / 0.03) / (0.03 + 0.38)
    assert abs(int(np.argmax(adds)) - t_star) <= 1.5


def test_steady_state_with_churn():
    """At equilibrium the stock is a fixed point: s = k + (1 - exp(-(p + q s)))(1 - k)
    with k = s (1 - c)."""
    p, q, c = 0.004, 0.12, 0.065
    subs, _, _ = bass_subscribers(np.full((1, 2000), 1.0), p, q, c, 0)
    s = subs[0, -1]
    k = s * (1 - c)
    assert np.isclose(s, k + (1 - np.exp(-(p + q * s))) * (1 - k), atol=1e-12)
    assert 0.3 < s < 0.7


def test_paths_are_independent_rows():
    market = np.vstack([np.full(24, 10.0), np.full(24, 20.0)])
    subs, _, _ = bass_subscribers(
        market, p=[0.01, 0.02], q=0.1, churn=[0.05, 0.0], launch_month=[0, 6]
    )
    one, _, _ = bass_subscribers(market[1:], p=0.02, q=0.1, churn=0.0, launch_month=6)
    assert subs.shape == (2, 24)
    assert np.allclose(subs[1], one[0])


rates = st.floats(0.0, 0.1)


@settings(max_examples=60, deadline=None)
@given(
    p=rates,
    q=st.floats(0.0, 0.5),
    churn=st.floats(0.0, 0.3),
    launch=st.integers(0, 70),
    m0=st.floats(0.1, 1000.0),
    growth=st.floats(-0.2, 0.5),
)
def test_subscribers_stay_within_zero_and_the_market(p, q, churn, launch, m0, growth):
    market = online_video_users(m0, growth, MONTHS)
    subs, adds, _ = bass_subscribers(market, p, q, churn, launch)
    assert np.all(subs >= 0.0) and np.all(subs <= market + 1e-9)
    assert np.all(adds >= 0.0)
    assert np.all(subs[:, :launch] == 0.0)


@settings(max_examples=60, deadline=None)
@given(
    p=rates,
    q=st.floats(0.0, 0.5),
    c1=st.floats(0.0, 0.3),
    c2=st.floats(0.0, 0.3),
    growth=st.floats(0.0, 0.5),
)
def test_more_churn_never_gives_more_subscribers(p, q, c1, c2, growth):
    lo, hi = sorted((c1, c2))
    market = online_video_users(100.0, growth, MONTHS)
    s_lo, _, _ = bass_subscribers(market, p, q, lo, 3)
    s_hi, _, _ = bass_subscribers(market, p, q, hi, 3)
    assert np.all(s_hi <= s_lo + 1e-9)


def test_market_pieces():
    users = online_video_users(1000.0, 0.1, 25)
    assert np.isclose(users[0, 0], 1000.0) and np.isclose(users[0, 12], 1100.0)
    assert np.isclose(price_factor(44.0, 22.0, -1.0)[0, 0], 0.5)
    m = addressable_market(users, 0.2 * users, 0.1, price_factor(22.0, 22.0, -1.5), 0.5)
    assert np.isclose(m[0, 0], 1000 * 0.2 * 0.1 * 0.5)
    # never more than the users themselves
    assert np.all(addressable_market(users, users, 1.0, 5.0, 1.0) <= users)


def test_first_time_and_returning_sign_ups():
    """Without churn nobody returns: every sign-up is a first; with churn, those who left
    come back, and the first-timers never exceed the market."""
    market = np.full((1, 120), 10.0)
    subs, adds, first = bass_subscribers(market, p=0.01, q=0.3, churn=0.0, launch_month=0)
    assert np.allclose(first, adds)
    subs, adds, first = bass_subscribers(market, p=0.01, q=0.3, churn=0.06, launch_month=0)
    assert np.all(first <= adds + 1e-15) and np.all(first >= 0)
    assert first.sum() <= 10.0 + 1e-9  # each person subscribes for the first time once
    assert (adds - first)[0, 60:].sum() > first[0, 60:].sum()  # a mature base mostly returns
    # by hand, month 1: the pool holds 10 - S0 (never) and S0 churned (returning)
    h = -np.expm1(-(0.01 + 0.3 * subs[0, 0] / 10.0))
    assert first[0, 1] == pytest.approx(h * (10.0 - first[0, 0]))


def test_the_market_potential_is_one_compiled_equation_bit_for_bit_numpys():
    """addressable_market applies market.potential (the equation the operating months
    compile) to every element: bit for bit the numpy formula, broadcasting as it did."""
    rng = np.random.default_rng(4)
    users = rng.uniform(100, 900, (50, 36))
    payers = users * rng.uniform(0.05, 0.6, (50, 36))
    for share, price, draw in [
        (0.3, 1.2, 0.8),
        (rng.uniform(0, 1, 50), rng.uniform(0.5, 2, (50, 1)), rng.uniform(0, 3, (50, 36))),
        (rng.uniform(0, 1, (50, 1)), rng.uniform(0.5, 2, (1, 36)), np.inf),
        (1.0, 50.0, 1.0),  # capped at the users
    ]:
        want = np.minimum(payers * np.reshape(share, (-1, 1)) * price * draw, users)
        got = addressable_market(users, payers, share, price, draw)
        assert got.shape == want.shape and got.tobytes() == want.tobytes()
