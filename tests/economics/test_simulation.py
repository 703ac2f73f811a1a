"""The simulation across modes: accounting identities and the properties the issue names."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.economics import market
from models.economics.modes import MODES
from models.economics.results import LINE_ITEMS
from models.economics.simulation import simulate
from models.inputs.params import validate
from tests.conftest import PLAN_YARDSTICK


@pytest.fixture(scope="module")
def base():
    return simulate(validate())


def test_every_mode_has_arrays_shaped_paths_by_months(base):
    assert set(base.modes) == set(MODES.names())
    for r in base.modes.values():
        assert r.operating.shape == (1, base.params.months)
        assert set(r.lines) == set(LINE_ITEMS)
        for v in r.lines.values():
            assert v.shape == (1, base.params.months) and np.all(np.isfinite(v))


def test_stay_out_is_zero(base):
    r = base.modes["stay_out"]
    assert not np.any(r.cash_flow)
    assert base.summary.loc["stay_out", "npv_usd_m"] == 0.0


def test_present_values_of_lines_add_up_to_npv(base):
    assert np.allclose(base.pv_lines.sum(axis=1), base.summary["npv_usd_m"])


@pytest.mark.parametrize("share", [None, 0.4], ids=["base", "own services start"])
@pytest.mark.parametrize("mode", ["solo", "partner", "license"])
def test_npv_of_the_policy_lines_is_the_backward_induction_value(base, mode, share):
    """The expected lines under the exit policy reproduce the value of
    finance.abandonment, computed independently from the cash flows while operating:
    in the base case, where the own services are not started, and in a larger market,
    where they are."""
    from models.economics import finance

    if share is not None:
        base = simulate(validate(market_foreign_premium_share=share, **PLAN_YARDSTICK))
        assert base.modes[mode].last_month[0] >= 0  # started: the lines move
    r = base.modes[mode]
    p = base.params
    hazard = {
        "solo": p.regulation_exit_hazard_solo_year,
        "partner": p.regulation_exit_hazard_partner_year,
        "license": p.regulation_exit_hazard_license_year,
    }[mode]
    from models.economics.regulation import hazard_schedule, monthly_hazard

    h = hazard_schedule(monthly_hazard(hazard), r.launch_month, p.months)
    alive = np.cumprod(np.concatenate([[1.0], 1 - h[0, :-1]]))
    cond = {
        k: np.divide(v[0], alive, out=np.zeros(p.months), where=alive > 0)
        for k, v in r.committed_lines.items()
        if k not in ("exit_costs", "continuing_value")
    }
    cash = np.sum(list(cond.values()), axis=0).reshape(1, -1)
    cost = 0.0 if mode == "license" else p.regulation_exit_cost_usd_m
    # the continuing value, conditional on running at the horizon
    at_end = alive[-1] * (1 - h[0, -1])
    terminal = r.committed_lines["continuing_value"][0, -1] / at_end
    from models.economics.reviews import decision_months

    value, last = finance.abandonment(
        cash,
        h,
        cost,
        p.finance_discount_rate_year,
        decision_months(p.months, p.decision_review_months),
        terminal_usd_m=terminal,
        launch_month=r.launch_month,
        walk_away_usd_m=0.0 if mode == "license" else p.finance_walkaway_usd_m,
    )
    assert value[0] == pytest.approx(base.summary.loc[mode, "npv_usd_m"], rel=1e-9, abs=1e-9)
    assert last[0] == r.last_month[0]


def test_the_option_to_leave_is_worth_at_least_nothing(base):
    s = base.summary
    assert np.all(s["npv_usd_m"] >= s["npv_committed_usd_m"] - 1e-9)
    never = s["leaves_after_month"].isna()
    assert np.allclose(s.loc[never, "npv_usd_m"], s.loc[never, "npv_committed_usd_m"])


def test_signs_of_lines(base):
    for r in base.modes.values():
        for k in ("subscription_revenue", "license_fees"):
            assert np.all(r.lines[k] >= 0)
        for k in set(LINE_ITEMS) - {"subscription_revenue", "license_fees", "continuing_value"}:
            assert np.all(r.lines[k] <= 1e-12), (r.mode, k)
        # the value beyond the horizon falls in the last month, never below closing
        assert not r.lines["continuing_value"][:, :-1].any()
        exit_cost = (
            0.0 if r.mode in ("license", "stay_out") else base.params.regulation_exit_cost_usd_m
        )
        assert np.all(r.lines["continuing_value"][:, -1] >= -exit_cost - 1e-9)


def test_recommendation_is_the_best_npv(base):
    npv = base.summary["npv_usd_m"]
    assert npv[base.recommended] == npv.max()
    assert base.ranking[0] == base.recommended and len(base.ranking) == len(MODES)


def test_solo_waits_longer_than_partner(base):
    solo, partner = base.modes["solo"], base.modes["partner"]
    assert solo.launch_month == 18 and partner.launch_month == 6
    assert not np.any(solo.subscribers_m[:, :18])
    assert np.any(partner.subscribers_m[:, 6:12])


def test_partner_revenue_share_by_hand(base):
    r = base.modes["partner"]
    p = base.params
    net = (
        r.lines["subscription_revenue"]
        + r.lines["suspension_loss"]
        + r.lines["vat"]
        + r.lines["payment_fees"]
    )
    assert np.allclose(-r.lines["partner_share"], net * p.partner_revenue_share)


def test_to_frame_is_tidy(base):
    df = base.to_df()
    assert len(df) == len(MODES) * base.params.months
    assert {"mode", "path", "month", "date", "cash_flow", "subscribers_m"} <= set(df.columns)
    assert not df.duplicated(["mode", "path", "month"]).any()
    solo = df[df["mode"] == "solo"]
    assert np.allclose(solo["cash_flow"].to_numpy(), base.modes["solo"].cash_flow[0])


def test_annual_sums_to_monthly(base):
    a = base.annual("partner")
    assert len(a) == base.params.horizon_years
    assert np.isclose(a["cash_flow"].sum(), base.modes["partner"].cash_flow.sum())


def npv_of(mode: str, column: str = "npv_usd_m", **values) -> float:
    return float(simulate(validate(values)).summary.loc[mode, column])


prob = st.floats(0.0, 0.95)
# inputs that make own services profitable, so that leaving early is not the whole story
profitable = st.fixed_dictionaries(
    {
        "market_foreign_premium_share": st.floats(0.2, 1.0),
        "market_reference_catalogue_titles": st.just(300.0),
        "growth_cac_months": st.floats(0.0, 6.0),
        "partner_revenue_share": st.floats(0.0, 0.5),
        "growth_p_innovation_month": st.floats(0.001, 0.02),
    }
)


@settings(max_examples=30, deadline=None)
@given(
    h1=prob,
    h2=prob,
    mode=st.sampled_from(["solo", "partner", "license"]),
    extra=st.one_of(st.just({}), profitable),
)
def test_higher_forced_exit_hazard_never_raises_npv(h1, h2, mode, extra):
    lo, hi = sorted((h1, h2))
    name = f"regulation_exit_hazard_{mode}_year"
    assert npv_of(mode, **{name: hi}, **extra) <= npv_of(mode, **{name: lo}, **extra) + 1e-9


def test_the_hazard_property_is_not_vacuous():
    """In a profitable case a higher forced-exit hazard strictly lowers every NPV."""
    extra = {
        "market_foreign_premium_share": 0.6,
        **PLAN_YARDSTICK,
        "growth_cac_months": 1.0,
        "growth_p_innovation_month": 0.01,
    }
    for mode in ("solo", "partner", "license"):
        name = f"regulation_exit_hazard_{mode}_year"
        values = [npv_of(mode, **{name: h}, **extra) for h in (0.0, 0.2, 0.5)]
        assert values[0] > values[1] > values[2], (mode, values)


@settings(max_examples=25, deadline=None)
@given(
    s1=st.floats(0.0, 1.0),
    s2=st.floats(0.0, 1.0),
    price=st.floats(10.0, 80.0),
    churn=st.floats(0.0, 0.3),
    extra=st.one_of(st.just({}), profitable),
)
def test_larger_partner_share_never_raises_streamer_npv(s1, s2, price, churn, extra):
    lo, hi = sorted((s1, s2))
    common = {
        "pricing_price_cny_month": price,
        "growth_churn_rate_month": churn,
        **{k: v for k, v in extra.items() if k != "partner_revenue_share"},
    }
    for column in ("npv_usd_m", "npv_committed_usd_m"):
        assert (
            npv_of("partner", column, partner_revenue_share=hi, **common)
            <= npv_of("partner", column, partner_revenue_share=lo, **common) + 1e-9
        )


@settings(max_examples=20, deadline=None)
@given(c1=st.floats(0.0, 0.3), c2=st.floats(0.0, 0.3))
def test_more_churn_never_gives_more_subscribers_in_the_model(c1, c2):
    lo, hi = sorted((c1, c2))
    a = simulate(validate(growth_churn_rate_month=lo))
    b = simulate(validate(growth_churn_rate_month=hi))
    for mode in ("solo", "partner"):
        assert np.all(b.modes[mode].subscribers_m <= a.modes[mode].subscribers_m + 1e-9)


def test_a_profitable_case_has_irr_payback_and_positive_npv():
    r = simulate(
        validate(
            market_foreign_premium_share=0.5,
            **PLAN_YARDSTICK,
            partner_revenue_share=0.2,
            content_originals_usd_m_year=0.0,
            growth_cac_months=1.0,
            regulation_exit_hazard_partner_year=0.02,
        )
    )
    s = r.summary.loc["partner"]
    assert s["npv_usd_m"] > 0
    assert s["irr_year"] > r.params.finance_discount_rate_year
    assert 0 < s["payback_month"] < 120
    assert np.isnan(s["leaves_after_month"])
    assert s["npv_usd_m"] == pytest.approx(s["npv_committed_usd_m"])


@pytest.mark.parametrize("years", [1, 14, 30])
def test_every_valid_horizon_runs(years):
    r = simulate(validate(horizon_years=years))
    assert r.summary["npv_usd_m"].notna().all()
    assert r.modes["solo"].operating.shape == (1, years * 12)


DRAWN = {
    "growth_churn_rate_month": [0.03, 0.06, 0.12],
    "pricing_price_cny_month": [18.0, 30.0, 55.0],
    "regulation_exit_hazard_solo_year": [0.0, 0.088, 0.4],
    "regulation_launch_delay_solo_months": [6, 18, 30],
    "partner_revenue_share": [0.1, 0.4, 0.7],
    "market_foreign_premium_share": [0.05, 0.3, 0.6],
    "license_fee_usd_m_per_title": [0.2, 1.0, 3.0],
    "finance_discount_rate_year": [0.08, 0.15, 0.25],
    "regulation_exit_cost_usd_m": [0.0, 15.0, 80.0],
}


def test_each_drawn_path_equals_its_own_deterministic_run():
    """The oracle: a simulation over drawn paths gives, path by path, what the
    single-path model gives with those values."""
    import pandas as pd

    draws = pd.DataFrame(DRAWN)
    many = simulate(validate(), draws)
    for i in range(len(draws)):
        one = simulate(validate({k: v[i] for k, v in DRAWN.items()}))
        for mode in MODES.names():
            a, b = many.modes[mode], one.modes[mode]
            for k in LINE_ITEMS:
                assert np.allclose(a.lines[k][i], b.lines[k][0]), (i, mode, k)
                assert np.allclose(a.committed_lines[k][i], b.committed_lines[k][0])
            assert np.allclose(a.subscribers_m[i], b.subscribers_m[0])
            assert a.last_month[i] == b.last_month[0]
    assert many.modes["solo"].operating.shape == (3, many.params.months)


def test_summary_averages_the_paths():
    import pandas as pd

    draws = pd.DataFrame(DRAWN)
    many = simulate(validate(), draws)
    singles = [
        simulate(validate({k: v[i] for k, v in DRAWN.items()})).summary for i in range(len(draws))
    ]
    for mode in MODES.names():
        expected = np.mean([s.loc[mode, "npv_usd_m"] for s in singles])
        assert many.summary.loc[mode, "npv_usd_m"] == pytest.approx(expected)


def test_draws_of_certain_or_unknown_parameters_are_refused():
    import pandas as pd

    from models.exceptions import ParameterError

    with pytest.raises(ParameterError, match="pricing_vat_rate"):
        simulate(validate(), pd.DataFrame({"pricing_vat_rate": [0.06]}))
    with pytest.raises(ParameterError, match="nope"):
        simulate(validate(), pd.DataFrame({"nope": [1.0]}))


def test_the_partner_serves_subscribers_and_the_streamer_pays_delivery_only_solo(base):
    assert not base.modes["partner"].lines["delivery"].any()
    assert base.modes["solo"].committed_lines["delivery"].sum() < 0


def test_revenue_is_the_realised_price():
    p = validate(
        pricing_realisation_rate=0.5,
        regulation_suspension_hazard_solo_year=0.0,
        pricing_reference_price_growth_year=0.03,  # base's market is mature at month 0
    )
    solo = simulate(p).modes["solo"]
    gross = solo.conditional["subscription_revenue"]
    # the price follows the leaders' (ref 1.27) by the share passed on
    followed = market.price_index(p.pricing_reference_price_growth_year, p.months) ** (
        p.pricing_follow_share
    )
    expected = (
        solo.subscribers_m * 0.5 * p.pricing_price_cny_month * followed / p.pricing_fx_cny_per_usd
    )
    np.testing.assert_allclose(np.broadcast_to(gross, expected.shape), expected)
    assert followed[0, -1] > 1.3  # the check moves


def test_an_ad_tier_widens_the_market_and_adds_ad_revenue():
    off = simulate(validate()).modes["solo"]
    on = simulate(validate(pricing_ad_tier="on")).modes["solo"]
    assert on.market_m[0, -1] > off.market_m[0, -1]  # a cheaper blended price draws more


def test_a_price_war_shrinks_the_market_after_launch():
    calm = simulate(validate(market_price_war_cut=0.0)).modes["solo"].market_m[0]
    war = simulate(validate(market_price_war_cut=0.2)).modes["solo"].market_m[0]
    launch = validate().regulation_launch_delay_solo_months
    assert np.all(war[launch:] < calm[launch:])


def test_a_harsher_approval_costs_the_own_services_demand():
    easy = simulate(validate(regulation_approval_pass_rate=0.9)).modes["partner"].market_m
    hard = simulate(validate(regulation_approval_pass_rate=0.4)).modes["partner"].market_m
    assert hard[0, -1] < easy[0, -1]


def test_terms_on_some_paths_subset_every_per_path_value():
    """``Terms.rows`` (a staged entry builds its service only where it switches): draws
    and per-path state a mode attaches follow the rows; scalars stay."""
    from models.economics import events
    from models.economics.modes import MODES, staged
    from models.economics.terms import PathValues
    from models.inputs.params import validate
    from models.uncertainty.montecarlo import draw_inputs

    p = validate(n_paths=50, regulation_easing_hazard_year=0.5)
    values = PathValues(p, draw_inputs(p, 50))
    terms = MODES["staged"].terms(values)
    u = events.uniforms(p.seed, 0, 50, p.months)
    q = staged._start(terms, 23, u)
    q.extra["state"] = np.arange(50.0)
    idx = np.array([3, 7, 41])
    sub = q.rows(idx)
    assert sub.paths == 3 and sub.source is None
    np.testing.assert_array_equal(sub.extra["state"], idx)
    np.testing.assert_array_equal(
        sub.exposure.launch_delay_months, q.exposure.launch_delay_months[idx]
    )
    np.testing.assert_array_equal(sub.exposure.exit_hazard_year, q.exposure.exit_hazard_year[idx])
    assert sub.finance.tax_rate == q.finance.tax_rate
    assert sub.horizon.start_month == q.horizon.start_month == 24


def test_a_result_taken_on_some_paths_keeps_what_they_share():
    """``ModeResult.take`` (a staged entry keeps, of each service, the paths that switch
    to it): per-path arrays indexed, shared lines and numbers kept, the lines then
    computed on those paths only equal to the full result's rows."""
    from models.economics import events

    params = validate()
    paths = 6
    u = events.uniforms(params.seed, 0, paths, params.months)
    from models.uncertainty.montecarlo import draw_inputs

    res = simulate(params, draw_inputs(params, 50).iloc[:paths], u)
    r = res.modes["solo"]
    rows = np.array([4, 1])
    part = r.take(rows, paths)
    assert part.operating.shape == (2, params.months)
    assert np.array_equal(part.forced_exit, np.broadcast_to(r.forced_exit, (paths,))[rows])
    for name, line in r.lines.items():
        assert np.array_equal(
            np.broadcast_to(part.lines[name], (2, params.months)),
            np.broadcast_to(line, (paths, params.months))[rows],
        ), name
    shared = [k for k, v in r.conditional.items() if np.shape(v)[0] == 1]
    assert shared, "a line shared by all paths to keep"
    for k in shared:
        assert part.conditional[k] is r.conditional[k]
    assert part.decision_values["adaptive"].shape == (2,)
    none = r.take(np.array([], dtype=int), paths)
    assert none.operating.shape == (0, params.months) and none.lines["content"].shape[0] in (0, 1)
    # the paths are said, not guessed from one array: a shared (1, months) array stays
    one = simulate(params).modes["solo"]
    assert one.take(np.array([0]), 1).operating.shape == (1, params.months)
    assert np.shape(one.take(np.array([0]), 3).operating) == np.shape(one.operating)


def test_the_monte_carlo_run_hands_freed_memory_back_between_phases(monkeypatch):
    from models import _heap
    from models.uncertainty import montecarlo

    assert _heap.give_back() is True  # glibc: this machine's C library
    calls = []
    monkeypatch.setattr(montecarlo, "give_back", lambda: calls.append(1))
    montecarlo.run(validate(decision_training_paths=200), 20)
    assert len(calls) == 3  # after the training, the sample and the chunks
    monkeypatch.setattr(_heap, "_trim", lambda: None)
    assert _heap.give_back() is False  # a C library without malloc_trim: nothing done


@pytest.mark.parametrize("rule", ["fixed", "adaptive"])
def test_a_paths_value_does_not_depend_on_the_paths_beside_it(rule):
    """Each path is valued on its own inputs: alone or beside a path with longer content
    windows, the same cash flows, bit for bit. (Issue 25's review: an own service's
    continuing value averaged content over the longest window of the chunk of paths, so
    a path's value moved with the chunking once the domestic window was shorter than a
    drawn foreign one.)"""
    from models.economics import events
    from models.uncertainty import montecarlo

    p = validate(
        content_domestic_window_years=2,
        decision_rule=rule,
        decision_training_paths=300,
        correlations=[],
    )
    rules = montecarlo.fit_rules(p) if rule == "adaptive" else None
    draws = montecarlo.draw_inputs(p, 2)
    draws["content_window_years"] = [2.0, 5.0]

    def first_path(d):
        """Path 0's cash flow and its continuing value run to the horizon, per own mode."""
        u = events.uniforms(p.seed, 0, len(d), p.months)
        res = simulate(p, d, u, rules=rules)
        return {
            m: np.concatenate([r.cash_flow[0], np.ravel(r.committed_continuing_value[0])])
            for m, r in res.modes.items()
            if m in ("solo", "partner")
        }

    both, alone = first_path(draws), first_path(draws.iloc[:1])
    for mode in ("solo", "partner"):
        np.testing.assert_array_equal(both[mode], alone[mode])
    # a longer window does change the path's value: the test can tell them apart
    longer = first_path(draws.iloc[:1].assign(content_window_years=5.0))
    assert not np.array_equal(longer["solo"], alone["solo"])


def test_the_staged_switch_valued_on_its_services_first_pass_problems_is_the_rebuilt_one():
    """In training, a staged entry's switch values each service it may start on the exit
    problem that service gave in the first pass on the same paths (``previous``) instead
    of building it again (issue 25): the switch problem is the same, bit for bit, on
    values that move from path to path (the rules alone would not tell: the services'
    adaptive values are often 0 everywhere, and the switch rule reads only those)."""
    from models.economics import events
    from models.economics.simulation import exit_problems
    from models.uncertainty import montecarlo

    p = validate(decision_training_paths=400)
    draws = montecarlo.draw_inputs(p, 400, name="training/inputs")
    staged = MODES["staged"]

    def problems(a, b, fitted, previous):
        u = events.uniforms(p.seed, a, b - a, p.months, name="training/events")
        got = exit_problems(p, draws.iloc[a:b], u, {"staged": fitted}, {"staged": previous})
        return got["staged"]

    chunks = [(0, 200), (200, 400)]
    first = [problems(a, b, None, None) for a, b in chunks]
    assert len(first[0]) >= 2  # services at several switch dates
    fitted = staged.fit(staged.join(first), None)
    for (a, b), previous in zip(chunks, first, strict=True):
        shortcut = problems(a, b, fitted, previous)["switch"]
        rebuilt = problems(a, b, fitted, None)["switch"]
        for rule in shortcut.stop:
            np.testing.assert_array_equal(shortcut.stop[rule], rebuilt.stop[rule])
        np.testing.assert_array_equal(shortcut.final, rebuilt.final)
        np.testing.assert_array_equal(shortcut.features, rebuilt.features)
        assert shortcut.stop["committed"].std(axis=0).min() > 0  # the values moved
    with pytest.raises(ValueError, match="200 paths"):  # another chunk's size: refused
        problems(0, 150, fitted, first[0])
