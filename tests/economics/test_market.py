"""The market in time: users that slow near their ceiling, a paying share that diffuses
on a logistic curve, and the signals a review reads from it. Hand-computed values and
properties."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models.economics import events, market, reviews
from models.economics.terms import Market, PathValues
from models.inputs.params import validate


def test_the_paying_share_by_hand():
    """s(t) = h s0 / (1 + (h - 1) exp(-r t)): at one year with s0 5 %, h 4, r 1."""
    s = market.payer_share(0.05, 4.0, 1.0, 25)
    assert s[0, 0] == pytest.approx(0.05)
    assert s[0, 12] == pytest.approx(0.2 / (1.0 + 3.0 * math.exp(-1.0)))
    assert s[0, 24] == pytest.approx(0.2 / (1.0 + 3.0 * math.exp(-2.0)))


def test_the_paying_share_moves_towards_its_ceiling_and_stays_below_it():
    h = np.array([0.5, 1.0, 3.0, 30.0])
    s = market.payer_share(0.1, h, 1.5, 600)
    assert np.allclose(s[:, -1], np.minimum(0.1 * h, 1.0), rtol=1e-6)
    steps = np.diff(s, axis=1)
    assert np.all(steps[0] <= 0) and np.all(steps[2] >= 0)  # down to 0.05, up to 0.3
    assert np.all(s[1] == 0.1)  # no headroom: frozen
    assert np.all(s <= 1.0)  # a ceiling above 1 is cut at everyone
    assert np.all(market.payer_share(0.1, 3.0, 0.0, 60) == pytest.approx(0.1))  # rate 0


@pytest.mark.parametrize("h", [0.5, 2.0, 4.0, 10.0])
def test_the_share_grows_at_the_rate_times_the_gap_at_first(h):
    """The logistic's own law, checked numerically: d ln s / dt = r (1 - s / K), so
    r (1 - 1 / h) a year at month 0 (issue 21's review 4: not exp(r) - 1)."""
    r = 1.3
    s = market.payer_share(0.05, h, r, 2)[0]
    slope = np.log(s[1] / s[0]) * 12.0  # over the first month
    law = r * (1.0 - s / (h * 0.05))  # at its start and end
    assert slope == pytest.approx(law.mean(), rel=0.01)
    assert law[0] == pytest.approx(r * (1.0 - 1.0 / h))


def test_a_faster_diffusion_gets_there_sooner():
    slow, fast = market.payer_share(0.05, 4.0, np.array([0.7, 1.5]), 61)
    assert np.all(fast[1:] > slow[1:])
    # the gap to the ceiling closes by 1 - exp(-r) a year, late on
    gap = 0.2 - fast
    assert gap[60] / gap[48] == pytest.approx(math.exp(-1.5), rel=0.02)


def test_users_slow_near_their_ceiling():
    """Growth at month 0 is ln(1 + g) a year; they never pass the ceiling; without
    one, or when shrinking, they compound at g."""
    u = market.online_video_users(1000.0, 0.05, 1201, 2000.0)
    slope = (u[0, 1] - u[0, 0]) * 12.0 / u[0, 0]
    assert slope == pytest.approx(math.log(1.05), rel=0.02)
    assert np.all(np.diff(u[0]) > 0) and u[0, -1] == pytest.approx(2000.0, rel=1e-4)
    assert np.all(u <= 2000.0)
    free = market.online_video_users(1000.0, 0.05, 25)
    assert free[0, 12] == pytest.approx(1050.0) and free[0, 24] == pytest.approx(1102.5)
    shrinking = market.online_video_users(1000.0, -0.1, 13, 1100.0)
    assert shrinking[0, 12] == pytest.approx(900.0)
    at = market.online_video_users(1500.0, 0.05, 13, 1400.0)
    assert np.all(at == 1500.0)  # at or above it: no growth


def test_the_paying_market_is_users_times_the_share_and_watched_by_reviews():
    p = validate(
        market_payer_headroom=3.0,
        market_payer_diffusion_rate_year=1.0,
        market_svod_payer_share=0.1,
        market_online_video_users_ceiling_m=2000.0,
    )
    users, payers = market.users_and_payers(Market.read(PathValues(p)), p.months)
    share = market.payer_share(0.1, 3.0, 1.0, p.months)
    np.testing.assert_allclose(payers, users * share)
    g, y = reviews.market_signals(payers, np.array([-1, 11, 23]), 1, p.months)
    assert g[0, 0] == 0.0 and y[0, 0] == 0.0  # nothing seen at the go decision
    assert g[0, 1] == pytest.approx(payers[0, 11] / payers[0, 0] - 1.0)
    assert y[0, 2] == pytest.approx(payers[0, 23] / payers[0, 11] - 1.0)
    assert g[0, 2] > g[0, 1] > 0


def test_the_review_state_names_every_feature():
    """The features the review rule regresses on are those STATE names, market signals
    last, and a market that does not move reads as no growth."""
    f = reviews.observe(
        np.ones((2, 24)),
        np.ones((2, 24)),
        1.0,
        0.0,
        0.0,
        np.zeros(2),
        np.array([-1, 5, 17]),
    )
    assert f.shape == (2, 3, len(reviews.STATE))
    assert list(reviews.STATE)[-2:] == ["paying_market_growth", "paying_market_trend"]
    assert np.all(f[:, :, -2:] == 0.0)


def test_the_market_is_seen_as_published():
    """Quarter-end figures, two months late, each off by one error a quarter; month 0
    known exactly; the errors have the stated spread and leave the median alone."""
    months = 60
    payers = np.broadcast_to(np.linspace(100.0, 200.0, months), (4000, months))
    exact = market.published(payers)
    assert np.all(exact[:, :4] == 100.0)  # the first quarter (months 0-2) is out in month 4
    assert exact[0, 4] == payers[0, 2] and exact[0, 7] == payers[0, 5]
    u = events.uniforms(3, 0, 4000, months).market
    seen = market.published(payers, u)
    assert np.all(seen[:, 0] == 100.0)
    # one figure a quarter: months 4, 5, 6 read the same figure
    assert np.array_equal(seen[:, 4], seen[:, 6]) and not np.array_equal(seen[:, 6], seen[:, 7])
    error = np.log(seen[:, 10] / exact[:, 10])
    assert error.std() == pytest.approx(market.PUBLISHED_ERROR_SD, rel=0.05)
    assert abs(np.median(error)) < 0.01
    # the signals a review reads come from these figures, not from the month itself
    g, _ = reviews.market_signals(seen, np.array([9]), 4000, months)
    np.testing.assert_allclose(g[:, 0], seen[:, 9] / 100.0 - 1.0)  # at the end of month 9


@pytest.mark.parametrize("follow", [1.0, 0.5, 0.0])
def test_the_leaders_prices_rise_and_the_service_passes_on_its_share(follow):
    # ref 1.27: the leaders' prices rise; a service passing on all of it keeps its
    # demand and collects more per subscriber each year; one holding its price draws more
    # (the price elasticity is negative) and collects the same
    from models.economics.modes import MODES

    solo = MODES["solo"]
    g = 0.05
    p = validate(pricing_reference_price_growth_year=g, pricing_follow_share=follow)
    flat = validate(pricing_reference_price_growth_year=0.0)
    base = solo.base(solo.terms(PathValues(p)), 18)
    held = solo.base(solo.terms(PathValues(flat)), 18)
    years = (p.months - 1) / 12.0
    per_sub = base.revenue_per_sub[0]
    assert per_sub[-1] / per_sub[0] == pytest.approx((1 + g) ** (years * follow), rel=1e-12)
    assert held.revenue_per_sub[0, -1] == held.revenue_per_sub[0, 0]  # the check moves
    demand = base.price[0] / held.price[0]  # against the same service at flat prices
    expected = (1 + g) ** (years * (follow - 1.0) * p.market_price_elasticity)
    assert demand[-1] == pytest.approx(expected, rel=1e-12)
    assert (demand[-1] > 1.2) == (follow < 1.0)


def test_the_leaders_raise_prices_only_once_the_paying_market_levels_off():
    """Seen from late 2015 (letv_2015: a paying share of 5.7 % with room to grow four
    times at 1.3 a year), the leaders' price is flat until the paying market has come
    within 1 % of its ceiling, in mid-2020; iQIYI's first rise in nine years came in
    Nov 2020 (ref 1.27, month 58 from January 2016): within a year of it. A market at
    its ceiling (base, today) is mature from month 0."""
    from pathlib import Path

    from models.economics.modes import MODES
    from models.inputs.scenario import load

    scenarios = Path(__file__).parents[2] / "data" / "scenarios"
    # the leaders' prices rise 5 % a year once mature (at the default 0 they would not
    # move, and the test could not fail: review 10)
    p = load(scenarios / "letv_2015.yaml", {"pricing_reference_price_growth_year": 0.05})
    solo = MODES["solo"]
    terms = solo.terms(PathValues(p))
    first = market.maturity_month(
        p.market_svod_payer_share,
        p.market_payer_headroom,
        p.market_payer_diffusion_rate_year,
        p.pricing_reference_price_maturity,
        p.months,
    )
    first = int(first[0, 0])
    assert abs(first - 58) <= 12, first
    per_sub = solo.base(terms, 18).revenue_per_sub[0]
    assert np.all(per_sub[: first + 1] == per_sub[0])  # flat until the market levels off
    g = p.pricing_reference_price_growth_year
    assert per_sub[first + 12] / per_sub[first] == pytest.approx(1 + g, rel=1e-12)
    assert per_sub[-1] > 1.2 * per_sub[0]  # the check moves
    base = load(scenarios / "base.yaml")
    assert (
        market.maturity_month(
            base.market_svod_payer_share,
            base.market_payer_headroom,
            base.market_payer_diffusion_rate_year,
            base.pricing_reference_price_maturity,
            base.months,
        )[0, 0]
        == 0.0
    )


def test_every_mode_of_a_run_reads_one_market_computed_once(monkeypatch):
    """Terms.shared: the modes read from the same drawn values share the market (one
    call), a different market (a replaced group, another run's values) is computed
    afresh, and what is shared cannot be written by one mode under another's feet."""
    from models.economics.modes import MODES
    from models.uncertainty import montecarlo

    p = validate()
    values = PathValues(p, montecarlo.draw_inputs(p, 16))
    calls = []
    real = market.users_and_payers
    monkeypatch.setattr(
        market, "users_and_payers", lambda m, n: calls.append(n) or real(m, n), raising=True
    )
    fn = market.users_and_payers
    solo, partner = MODES["solo"].terms(values), MODES["partner"].terms(values)
    _, payers = solo.shared(fn, solo.market, p.months)
    again = partner.shared(fn, partner.market, p.months)
    assert again[1] is payers and calls == [p.months]
    assert payers.shape == (16, p.months) and np.ptp(payers[:, -1]) > 0  # drawn per path
    with pytest.raises(ValueError, match="read-only"):
        payers[0, 0] = 0.0
    drawn = [v for v in vars(solo.market).values() if isinstance(v, np.ndarray)]
    assert drawn and not any(v.flags.writeable for v in drawn)  # the key cannot go stale
    # another horizon, another market, other values: each computed
    partner.shared(fn, partner.market, p.months + 12)
    bigger = partner.market.replaced(payer_headroom=3.0)
    moved = partner.replaced(market=bigger).shared(fn, bigger, p.months)
    other = MODES["solo"].terms(PathValues(p, montecarlo.draw_inputs(p, 16)))
    other.shared(fn, other.market, p.months)
    assert calls == [p.months, p.months + 12, p.months, p.months]
    # numbers are the same when equal, of one type and sign
    seen = []

    def record(x):
        return seen.append(x) or np.array([x])

    for x in (0.0, 0.0, -0.0, 0, True, np.float64(0.0), 0.5, 0.5):
        solo.shared(record, x)
    assert [repr(x) for x in seen] == ["0.0", "-0.0", "0", "True", "np.float64(0.0)", "0.5"]
    assert not np.allclose(moved[1], payers)


#: A paying market still growing past the horizon, whose leaders raise their prices
#: once it levels off (around month 212), with a service keeping pace with their
#: catalogue: every shared piece of the market moves month by month.
GROWING = {
    "market_foreign_premium_share": 0.9,
    "market_svod_payer_share": 0.1,
    "market_payer_headroom": 2.0,
    "market_payer_diffusion_rate_year": 0.3,
    "pricing_reference_price_maturity": 0.995,
    "pricing_reference_price_growth_year": 0.05,
    "content_keep_pace_share": 0.5,
    "finance_discount_rate_year": 0.08,
}


@pytest.mark.parametrize("mode", ["solo", "partner"])
def test_services_over_months_of_their_own_share_one_market_and_read_the_same_numbers(
    mode, monkeypatch
):
    """A staged entry's services run over months of their own (Terms.starting) and
    share one market computed over the longest's (``market_months``): each reads the
    first months of it (Terms.first_months), the same numbers, bit for bit, as a
    service that computes its market over its own months; the users and payers are
    computed once for both services instead of once each."""
    from dataclasses import fields

    from models.economics import reuse
    from models.economics.modes import MODES
    from models.uncertainty import montecarlo

    monkeypatch.setattr(reuse, "NPV", reuse.Results(max_paths=0))
    monkeypatch.setattr(reuse, "PARTS", reuse.Results(max_paths=0))
    p = validate(**GROWING)
    paths, shorter, longest = 24, 200, 276
    draws = montecarlo.draw_inputs(p, paths)
    calls = []
    real = market.users_and_payers
    monkeypatch.setattr(market, "users_and_payers", lambda m, n: calls.append(n) or real(m, n))
    service = MODES[mode]
    shared = service.terms(PathValues(p, draws))
    mature = market.maturity_month(
        shared.market.svod_payer_share,
        shared.market.payer_headroom,
        shared.market.payer_diffusion_rate_year,
        shared.pricing.reference_price_maturity,
        longest,
    )
    # the leaders' prices start rising after the first service's months, within the
    # longest's: the cut must not move them
    assert np.all((mature >= shorter) & (mature < longest - 24))
    compared = 0
    for start, months in ((41, shorter), (113, longest)):
        u = events.uniforms(p.seed, 0, paths, months)
        q = shared.starting(start, months, market_months=longest)
        alone = service.terms(PathValues(p, draws)).starting(start, months)
        assert q.market_months == longest and alone.market_months == months
        # the event-free base, with the content plan's years after the service's months
        # (bought past its end, at its last month's market), is the same too
        launch = service.launch_month(alone)
        plans = [service.base(t, launch).plan for t in (q, alone)]
        for f in fields(plans[1]):
            x, y = getattr(plans[0], f.name), getattr(plans[1], f.name)
            for one, other in [(x[k], y[k]) for k in y] if isinstance(y, dict) else [(x, y)]:
                assert np.asarray(one).tobytes() == np.asarray(other).tobytes(), f.name
                compared += 1
        for uniforms in (None, u):
            a, b = service.build(q, uniforms), service.build(alone, uniforms)
            for f in fields(b):
                x, y = getattr(a, f.name), getattr(b, f.name)
                pairs = [(x[k], y[k]) for k in y] if isinstance(y, dict) else [(x, y)]
                for one, other in pairs:
                    if isinstance(other, np.ndarray):
                        one = np.asarray(one)
                        assert one.shape == other.shape, f.name
                        assert one.tobytes() == other.tobytes(), f.name
                        compared += 1
            # on numbers that move from path to path and month to month
            revenue = b.conditional["subscription_revenue"]
            assert np.ptp(revenue.sum(axis=1)) > 0 and np.ptp(revenue[0, -24:]) > 0
    assert compared > 40
    # the shared services computed their market once, over the longest's months
    assert calls.count(longest) == 2 and calls.count(shorter) == 1, calls  # one alone
    assert calls[0] == longest
    # what a service reads is a read-only view of the market's first months
    users, payers = shared.shared(market.users_and_payers, shared.market, longest)
    q = shared.starting(41, shorter, market_months=longest)
    first = q.first_months((users, payers))
    assert first[1].base is payers and first[1].shape == (paths, shorter)
    assert q.first_months(payers) is first[1]  # the same view: what reads it is shared
    with pytest.raises(ValueError, match="read-only"):
        first[1][0, 0] = 0.0
    with pytest.raises(ValueError, match=rf"shape \({paths}, 250\).*\(rows, {longest}\)"):
        q.first_months(np.zeros((paths, 250)))


def test_a_staged_entry_s_services_past_the_horizon_share_the_longest_s_market():
    """The services over the horizon's months read the run's market (the one solo's and
    the partnership's read); those that run past it share one over the longest's
    months. Over the longest's for all, a fixed plan's single service at the horizon
    computed a market of its own (+14 MB a chunk of 1,024 paths)."""
    from models.economics.modes import MODES, staged

    p = validate(**GROWING)
    terms = MODES["staged"].terms(PathValues(p))
    dates = staged._dates(terms)
    months = [staged.service_months(p.months, s, terms.target_delay) for s in dates]
    assert months[0] == p.months and months[-1] > months[-2] > p.months  # both kinds
    for s, m in zip(dates, months, strict=True):
        for uniforms in (None, events.uniforms(p.seed, 0, 1, p.months)):
            q = staged._start(terms, s, uniforms)
            assert q.months == m and q.horizon.start_month == s + 1
            assert q.market_months == (m if m == p.months else months[-1]), s


def test_the_published_market_is_computed_once_a_chunk_over_the_horizon(monkeypatch):
    """Solo, the partnership, a staged entry's switch and its service at the horizon
    read the same published market of the same drawn paths: it is computed once for
    them (Terms.shared; four times before, issue 25). A staged service past the horizon
    computes its own, over its months, and each is computed once. The caller's
    uniforms stay writeable (events.uniforms)."""
    from models.economics.simulation import simulate
    from models.uncertainty import montecarlo

    widths = []
    real = market.published

    def counted(payers, *args):
        widths.append(np.shape(payers)[1])
        return real(payers, *args)

    monkeypatch.setattr(market, "published", counted)
    p = validate(n_paths=64)
    u = events.uniforms(p.seed, 0, 64, p.months)
    simulate(p, montecarlo.draw_inputs(p, 64), u)
    assert widths.count(p.months) == 1
    past = [w for w in widths if w != p.months]
    assert past and min(past) > p.months and len(set(past)) == len(past)
    # keyed on the uniforms object: the caller's uniforms are left writeable (the memo
    # makes the arrays it is keyed on read-only; found in review)
    assert all(getattr(u, k).flags.writeable for k in events.KINDS if getattr(u, k) is not None)
