"""The vectorised engine equals the per-path Python oracle (:mod:`tests.oracle.reference`).

The oracle is written separately from the engine, with plain floats and loops, so the
two agreeing on identical inputs and uniforms checks every equation of the array code:
deterministic runs month by month and line by line, drawn inputs and events path by
path, and runs with hazards high enough that every kind of event happens.
"""

from __future__ import annotations

import numpy as np
import pytest

from models.economics import events, finance
from models.economics.modes import MODES as REGISTRY
from models.economics.simulation import simulate
from models.exceptions import ParameterError
from models.inputs.params import validate
from models.uncertainty import montecarlo
from tests.conftest import PLAN_YARDSTICK
from tests.oracle import reference

#: The modes the oracle reproduces, in its own words: every registered mode must be
#: among them (a new mode brings its oracle path with its tests; docs/design.md).
MODES = ("solo", "partner", "license", "staged", "stay_out")

#: Tolerances: deterministic monthly flows, and per-path outcomes of drawn runs.
MONTHLY = {"rtol": 1e-9, "atol": 1e-9}
PER_PATH = {"rtol": 1e-8, "atol": 1e-8}

#: A market where the own services pay at first: they stay past their launch on most
#: paths, and as the audience shrinks (10 % a year) some leave by choice later, so the
#: exit policy, forced exits and voluntary exits after launch all matter. The discount
#: rate is drawn too.
BULLISH = {
    # built for 15 years, over which its shrinking users (-10 % a year) still leave the
    # own services and the staged switch worth it on some paths (the service a switch
    # starts runs ten years from its launch, past the horizon, folded into the value
    # beyond it; at -20 % a year no switch pays)
    "horizon_years": 15,
    "market_user_growth_year": -0.1,
    "market_foreign_premium_share": 0.25,
    **PLAN_YARDSTICK,
    "market_svod_payer_share": 0.3,
    "growth_q_imitation_month": 0.25,
    "growth_p_innovation_month": 0.003,
    "growth_churn_rate_month": 0.03,
    "content_originals_usd_m_year": 5.0,
    # content prices held: falling with the shrinking market, they kept solo running
    # to the horizon on every path (the base and growing cases check the prices)
    "content_market_price_elasticity": 0.0,
    # the leaders' prices held too: rising, they kept solo running on every path (the
    # other cases draw or set the price growth)
    "pricing_reference_price_growth_year": 0.0,
    "finance_discount_rate_year": [0.06, 0.1, 0.16],
}

#: Hazards high enough that every kind of event happens on some path.
HIGH_HAZARDS = {
    "regulation_exit_hazard_solo_year": 0.6,
    "regulation_exit_hazard_partner_year": 0.3,
    "regulation_exit_hazard_license_year": 0.5,
    "regulation_suspension_hazard_solo_year": 0.8,
    "regulation_suspension_hazard_partner_year": 0.8,
    "partner_distress_hazard_year": 0.5,
    "regulation_crackdown_hazard_year": 0.9,
}

#: A market that grows as China's did from 2015: the paying share four times over at a
#: rate of 1 a year, users growing 8 % a year at first towards a ceiling near them; the
#: leaders raise their prices once it levels off, other costs inflate faster than default.
GROWING = {
    "market_online_video_users_m": 600.0,
    "market_user_growth_year": 0.08,
    "market_online_video_users_ceiling_m": 900.0,
    "market_svod_payer_share": 0.06,
    "market_payer_headroom": 4.0,
    "market_payer_diffusion_rate_year": 1.0,
    # the leaders' prices flat until the paying market levels off (month 69), then rising
    "pricing_reference_price_growth_year": 0.04,
    "finance_cost_inflation_year": 0.03,
}

DETERMINISTIC = {
    "base": {},
    "bullish": BULLISH,
    "growing": GROWING,
    # a growing market with content inflation and a price-elastic market for rights: the
    # leaders' catalogue grows, and a service keeping pace buys more each year
    "growing-paced": {**GROWING, "content_keep_pace_share": 1.0},
    "high-hazards": HIGH_HAZARDS,
    "launch-after-horizon": {"horizon_years": 1},
    "launch-at-once": {
        "regulation_launch_delay_solo_months": 0,
        "regulation_launch_delay_partner_months": 0,
        "horizon_years": 3,
    },
}


def _rows(x, paths: int, months: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(x, dtype=float), (paths, months))


def _per_path(x, paths: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(x, dtype=float), (paths,))


def _drawn(overrides: dict, n: int = 40):
    """Parameters, drawn inputs and uniforms of ``n`` paths, the engine's results and
    the oracle's (under the adaptive rule, the oracle follows the engine's choices and
    checks what they are worth)."""
    p = validate(**{"decision_rule": "fixed", **overrides})
    draws = montecarlo.draw_inputs(p, n)
    u = events.uniforms(p.seed, 0, n, p.months)
    rules = montecarlo.fit_rules(p) if p.decision_rule == "adaptive" else None
    engine = simulate(p, draws, u, rules=rules)
    last = None
    if p.decision_rule == "adaptive":
        last = {m: _per_path(engine.modes[m].last_month, n) for m in MODES[:4]}
        last["staged_switch"] = _per_path(engine.modes["staged"].switch_month, n)
    return p, draws, u, engine, reference.simulate_paths(p, draws, u, last)


@pytest.mark.parametrize("overrides", DETERMINISTIC.values(), ids=DETERMINISTIC.keys())
def test_deterministic_run_matches_the_oracle_month_by_month(overrides):
    p = validate(**overrides)
    engine = simulate(p)
    oracle = reference.simulate_path(p)
    assert set(oracle) == set(MODES) == set(REGISTRY.names())
    months = p.months
    for mode in MODES:
        e, o = engine.modes[mode], oracle[mode]
        cf = e.cash_flow[0]
        np.testing.assert_allclose(cf, o.cash_flow, **MONTHLY, err_msg=mode)
        np.testing.assert_allclose(
            e.committed_cash_flow[0], o.committed_cash_flow, **MONTHLY, err_msg=mode
        )
        np.testing.assert_allclose(
            _rows(e.subscribers_m, 1, months)[0], o.subscribers_m, **MONTHLY, err_msg=mode
        )
        if mode == "staged":  # the oracle composes cash flows, not lines
            assert np.array_equal(e.switch_month, [o.switch_month], equal_nan=True)
            continue
        np.testing.assert_allclose(
            _rows(e.operating, 1, months)[0], o.operating, **MONTHLY, err_msg=mode
        )
        assert e.last_month[0] == o.last_month, mode
        assert float(e.forced_exit[0]) == pytest.approx(o.forced_exit, rel=1e-9, abs=1e-12)
        npv = finance.npv(e.cash_flow, p.finance_discount_rate_year)[0]
        assert npv == pytest.approx(o.npv, rel=1e-9, abs=1e-9), mode
        # line by line, so that a disagreement names its equation
        for name, line in e.conditional.items():
            expected = o.lines.get(name, [0.0] * months)
            np.testing.assert_allclose(
                _rows(line, 1, months)[0], expected, **MONTHLY, err_msg=f"{mode}: {name}"
            )
        assert set(o.lines) <= set(e.conditional), mode


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        BULLISH,
        # the content policy keeping pace with the leaders' catalogue (here shrinking
        # with the users), decided with foresight: some paths leave mid-way
        {**BULLISH, "decision_rule": "foresight", "content_keep_pace_share": 1.0},
        {**BULLISH, "decision_rule": "adaptive"},
        {**BULLISH, "decision_rule": "foresight", "staged_license_exclusivity": "non_exclusive"},
    ],
    ids=[
        "base",
        "bullish",
        "bullish-foresight-paced",
        "bullish-adaptive",
        "non-exclusive-foresight",
    ],
)
def test_drawn_inputs_and_events_match_the_oracle_path_by_path(overrides):
    p, draws, _, engine, oracle = _drawn(overrides)
    n, months = len(draws), p.months
    rate = engine.rate
    for mode in MODES:
        e, o = engine.modes[mode], oracle[mode]
        cf = _rows(e.cash_flow, n, months)
        committed = _rows(e.committed_cash_flow, n, months)
        np.testing.assert_allclose(finance.npv(cf, rate), o.npv, **PER_PATH, err_msg=mode)
        np.testing.assert_allclose(
            finance.npv(committed, rate), o.npv_committed, **PER_PATH, err_msg=mode
        )
        np.testing.assert_array_equal(_per_path(e.last_month, n), o.last_month, err_msg=mode)
        np.testing.assert_allclose(
            _per_path(e.forced_exit, n), o.forced_exit, **PER_PATH, err_msg=mode
        )
        np.testing.assert_allclose(cf, o.cash_flow, **PER_PATH, err_msg=mode)
        np.testing.assert_allclose(committed, o.committed_cash_flow, **PER_PATH, err_msg=mode)
        np.testing.assert_allclose(
            _rows(e.subscribers_m, n, months), o.subscribers_m, **PER_PATH, err_msg=mode
        )
    if overrides:
        # not vacuous: the services stay past their launch on some paths, and solo
        # leaves by choice after its launch on some
        for mode in ("solo", "partner"):
            launch = np.array([r.launch_month for r in oracle[mode].paths])
            assert np.any(oracle[mode].last_month > launch), mode
        last, launch = oracle["solo"].last_month, [r.launch_month for r in oracle["solo"].paths]
        if overrides.get("decision_rule") in ("foresight", "adaptive"):
            # decisions differ from path to path
            assert np.any((last > launch) & (last < months - 1))
            assert len(np.unique(last - np.asarray(launch))) > 1
        else:  # one plan, as months after each path's own launch
            plan = np.where(last >= months - 1, -1, last - np.asarray(launch))
            assert len(np.unique(plan)) == 1
        assert "finance_discount_rate_year" in draws
        if overrides.get("decision_rule") in ("foresight", "adaptive"):
            # the staged entry switches to its own service on some paths
            assert np.isfinite(oracle["staged"].switch_month).any()
            np.testing.assert_array_equal(
                _per_path(engine.modes["staged"].switch_month, n), oracle["staged"].switch_month
            )


@pytest.mark.parametrize("overrides", [{}, BULLISH], ids=["base", "bullish"])
def test_the_monte_carlo_run_matches_the_oracle(overrides):
    """End to end: :func:`models.uncertainty.montecarlo.run` draws the same inputs and uniforms."""
    p = validate(**overrides)
    n = 24
    mc = montecarlo.run(p, n)
    u = events.uniforms(p.seed, 0, n, p.months)
    # the adaptive rule's choices, from the months each mode left (else it stayed)
    last = {m: mc.leave_month[m].fillna(p.months - 1).to_numpy() for m in MODES[:4]}
    last["staged_switch"] = mc.switch_month.to_numpy()
    oracle = reference.simulate_paths(p, mc.draws, u, last)
    for mode in MODES:
        o = oracle[mode]
        np.testing.assert_allclose(mc.npv[mode], o.npv, **PER_PATH, err_msg=mode)
        np.testing.assert_allclose(
            mc.npv_committed[mode], o.npv_committed, **PER_PATH, err_msg=mode
        )
        forced = o.forced_exit > 0.5
        running = o.operating > 0
        last_running = p.months - 1.0 - np.argmax(running[:, ::-1], axis=1)
        exit_month = np.where(forced, last_running, np.nan)
        np.testing.assert_array_equal(mc.forced_exit_month[mode], exit_month, err_msg=mode)
        leave = np.where(~forced & (o.last_month < p.months - 1), o.last_month, np.nan)
        np.testing.assert_array_equal(mc.leave_month[mode], leave, err_msg=mode)


def test_every_kind_of_event_happens_and_still_matches():
    # a growing market and per-path plans: the services launch on most paths, so the
    # hazards have something to hit
    p, draws, _, engine, oracle = _drawn(
        {
            **BULLISH,
            **HIGH_HAZARDS,
            "market_user_growth_year": 0.05,
            "regulation_exit_hazard_solo_year": 0.3,
            "decision_rule": "foresight",
        }
    )
    n, months = len(draws), p.months
    rate = engine.rate
    for mode in MODES:
        e, o = engine.modes[mode], oracle[mode]
        np.testing.assert_allclose(
            finance.npv(_rows(e.cash_flow, n, months), rate), o.npv, **PER_PATH, err_msg=mode
        )
        np.testing.assert_allclose(
            finance.npv(_rows(e.committed_cash_flow, n, months), rate),
            o.npv_committed,
            **PER_PATH,
            err_msg=mode,
        )
        np.testing.assert_array_equal(_per_path(e.last_month, n), o.last_month, err_msg=mode)
        np.testing.assert_array_equal(_per_path(e.forced_exit, n), o.forced_exit, err_msg=mode)
        if mode == "staged":  # the oracle composes the staged entry's cash, not its lines
            continue
        for name, line in e.conditional.items():
            np.testing.assert_allclose(
                _rows(line, n, months),
                np.array([r.lines.get(name, [0.0] * months) for r in o.paths]),
                **PER_PATH,
                err_msg=f"{mode}: {name}",
            )

    def risk(mode: str, key: str) -> np.ndarray:
        return np.array([r.risk[key] for r in oracle[mode].paths])

    # the events happen while the mode operates under its exit policy (not vacuous)
    for mode in ("solo", "partner", "license"):
        ops = oracle[mode].operating
        assert np.any(oracle[mode].forced_exit == 1.0), f"{mode}: no forced exit"
        assert np.any((risk(mode, "catalogue") < 1.0) & (ops > 0)), f"{mode}: no crackdown"
        assert np.any(engine.modes[mode].forced_exit == 1.0), mode
    for mode in ("solo", "partner"):
        ops = oracle[mode].operating
        assert np.any((risk(mode, "sub_shock") > 0) & (ops > 0)), f"{mode}: no suspension"
        lost = _rows(engine.modes[mode].conditional["suspension_loss"], n, months)
        assert np.any((lost < 0) & (ops > 0)), f"{mode}: no revenue lost to a suspension"
    ops = oracle["partner"].operating
    assert np.any((risk("partner", "distress") == 1.0) & (ops > 0)), "no partner distress"
    distress = _rows(engine.modes["partner"].conditional["partner_distress"], n, months)
    assert np.any((distress < 0) & (ops > 0))


def test_one_row_of_draws_is_shared_by_every_path_of_uniforms():
    p = validate(**HIGH_HAZARDS, decision_rule="foresight")
    u = events.uniforms(p.seed, 0, 5, p.months)
    engine = simulate(p, None, u)
    oracle = reference.simulate_paths(p, None, u)
    for mode in MODES:
        np.testing.assert_allclose(
            _rows(engine.modes[mode].cash_flow, 5, p.months),
            oracle[mode].cash_flow,
            **PER_PATH,
            err_msg=mode,
        )


def test_exit_policy_equals_finance_abandonment():
    """The engine's backward induction and the oracle's loop, on the same clock: the go
    decision, quarterly reviews, a walk-away cost before launch, an exit cost after."""
    from models.economics.reviews import decision_months

    rng = np.random.default_rng(7)
    months = 60
    declined = 0
    for _ in range(40):
        cash = rng.normal(0.0, 5.0, months) + rng.normal(0.0, 3.0)
        hazard = np.where(np.arange(months) >= 6, rng.uniform(0.0, 0.1), 0.0)
        cost, rate = rng.uniform(0.0, 30.0), rng.uniform(0.0, 0.3)
        walk = rng.uniform(0.0, 5.0)
        launch = int(rng.integers(0, 12))
        start = int(rng.choice([0, 0, 4]))
        dates = decision_months(months, int(rng.choice([1, 3, 6])), start)
        value, last = finance.abandonment(
            cash.reshape(1, -1),
            hazard.reshape(1, -1),
            cost,
            rate,
            dates,
            launch_month=launch,
            start_month=start,
            walk_away_usd_m=walk,
        )
        v, t = reference.exit_policy(
            cash.tolist(), hazard.tolist(), cost, rate, dates.tolist(), 0.0, launch, start, walk
        )
        assert v == pytest.approx(value[0], rel=1e-12, abs=1e-12)
        assert t == last[0]
        declined += t == -1
    assert 0 < declined < 40  # some ventures are not worth starting, most are


def test_draws_must_name_uncertain_parameters():
    p = validate()
    with pytest.raises(ParameterError, match="not an uncertain parameter"):
        reference.simulate_path(p, {"horizon_years": 3})
