"""A mode's result reused across a sweep's points where nothing it read changed
(models.economics.reads, models.economics.reuse): what is recorded, and that a reused
result is always the one a fresh evaluation gives, bit for bit."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter

import numpy as np
import pytest

from models.economics import events, reads, reuse
from models.economics.modes import MODES
from models.economics.terms import Market, PathValues, Terms, recording_class
from models.exceptions import ParameterError
from models.inputs.params import validate
from models.inputs.schema import SPECS
from models.uncertainty import montecarlo
from tests.conftest import PLAN_YARDSTICK

PATHS = 24

#: A market where every own service starts under the ``fixed`` rule (in the base
#: scenario none does, and their NPVs are all 0: nothing would move).
RUNNING = {
    "market_foreign_premium_share": 0.9,
    "growth_churn_rate_month": 0.03,
    "market_svod_payer_share": 0.3,
    "finance_discount_rate_year": 0.08,
}


@pytest.fixture
def memo(monkeypatch):
    """Memos of the test's own (the process's are left alone): the modes' NPVs, returned,
    and their parts."""
    fresh = reuse.Results()
    monkeypatch.setattr(reuse, "NPV", fresh)
    monkeypatch.setattr(reuse, "PARTS", reuse.Results(entries=4, budget=2**28, copy=False))
    return fresh


@pytest.fixture(scope="module")
def base():
    params = validate(decision_rule="fixed", n_paths=PATHS, **RUNNING)
    npv = _npv(params)
    assert all(np.any(npv[m] != 0) for m in ("solo", "partner", "license", "staged"))
    return params


def _npv(params) -> dict[str, np.ndarray]:
    out = montecarlo.path_npv(params, PATHS)
    return {m: out[m].to_numpy() for m in out.columns}


def _fresh(params) -> dict[str, np.ndarray]:
    """The NPVs evaluated with nothing kept from before."""
    saved = reuse.NPV, reuse.PARTS
    reuse.NPV, reuse.PARTS = reuse.Results(max_paths=0), reuse.Results(max_paths=0)
    try:
        return _npv(params)
    finally:
        reuse.NPV, reuse.PARTS = saved


def _bitwise(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.tobytes() == b.tobytes()


# --- what is recorded ------------------------------------------------------------------


def test_a_recording_group_notes_the_fields_read_and_a_plain_one_nothing(base):
    rec = Market.read(PathValues(base, recording=True))
    plain = Market.read(PathValues(base))
    assert type(rec) is recording_class(Market) and isinstance(rec, Market)
    assert type(plain) is Market
    with reads.recording() as noted:
        _ = rec.price_elasticity, plain.user_growth_year, rec.names()
    assert noted == {"market_price_elasticity"}
    # a copy keeps the class, and reads every field it copies
    with reads.recording() as noted:
        changed = dataclasses.replace(rec, price_war_cut=0.5)
    assert type(changed) is type(rec)
    assert noted == set(Market.names()) - {"market_price_war_cut"}
    with reads.recording() as noted:
        _ = rec.__dict__
    assert noted == set(Market.names())
    # outside a recording nothing is noted and nothing fails
    assert rec.price_elasticity == plain.price_elasticity


def test_an_inner_recording_is_not_told_to_the_outer():
    with reads.recording() as outer:
        reads.note_one("a")
        with reads.recording() as inner:
            reads.note(["b", "c"])
        assert reads.active()
    assert outer == {"a"} and inner == {"b", "c"} and not reads.active()


def test_a_shared_result_served_to_another_mode_notes_what_it_read(base):
    values = PathValues(base, recording=True)
    solo = MODES["solo"].terms(values)
    licence = MODES["license"].terms(values)

    def growth(mkt: Market, months: int) -> float:
        return mkt.user_growth_year * months

    with reads.recording() as first:
        a = solo.shared(growth, solo.market, 12)
    # the second mode is served the first's result: it notes what the function read,
    # not every field compared to find it
    with reads.recording() as second:
        b = licence.shared(growth, licence.market, 12)
    assert a == b
    assert first == second == {"market_user_growth_year"}
    assert len(values.memo[growth]) == 1


def test_terms_of_a_recording_run_are_recorded_and_of_a_plain_run_not(base):
    terms = MODES["partner"].terms(PathValues(base, recording=True))
    assert isinstance(terms, Terms)
    with reads.recording() as noted:
        _ = terms.partner.revenue_share
    assert noted == {"partner_revenue_share"}
    plain = MODES["partner"].terms(PathValues(base))
    with reads.recording() as noted:
        _ = plain.partner.revenue_share
    assert noted == set()


# --- what is reused ----------------------------------------------------------------------


def test_a_sweep_of_partner_terms_reuses_licensing_and_staying_out_bit_for_bit(base, memo):
    first = base.replace(partner_revenue_share=0.2, market_foreign_premium_share=0.8)
    second = base.replace(partner_revenue_share=0.3, market_foreign_premium_share=0.9)
    _npv(first)
    assert (memo.hits, memo.misses) == (0, len(MODES))
    got = _npv(second)
    # licensing reads neither input, nor does staying out; the own services read both
    assert memo.hits == 2
    fresh = _fresh(second)
    assert all(_bitwise(got[m], fresh[m]) for m in got)
    old = _npv(first)
    assert all(not _bitwise(got[m], old[m]) for m in ("solo", "partner", "staged"))


def test_an_own_service_is_reused_along_the_axis_it_does_not_read(base, memo):
    _npv(base.replace(partner_revenue_share=0.2))
    hits = memo.hits
    assert hits == 0
    got = _npv(base.replace(partner_revenue_share=0.5))
    # solo, licensing and staying out read no partner term (the staged entry's target
    # is a partner in the base scenario)
    assert memo.hits - hits == 3
    fresh = _fresh(base.replace(partner_revenue_share=0.5))
    assert all(_bitwise(got[m], fresh[m]) for m in got)
    assert not _bitwise(got["partner"], _npv(base.replace(partner_revenue_share=0.2))["partner"])


def test_a_partner_s_other_events_are_served_when_only_its_fragility_moves(base, memo):
    """The partner's distress is added to its other events, which do not read the
    partner's hazard: a sweep of the partner's fragility serves the exits, crackdowns
    and suspensions, and the NPVs are those of a run that keeps nothing."""
    labels = Counter()
    real = reuse.PARTS.evaluate

    def counted(label, *args, **kwargs):
        hits = reuse.PARTS.hits
        out = real(label, *args, **kwargs)
        labels[label] += reuse.PARTS.hits - hits
        return out

    run = base.replace(market_foreign_premium_share=0.9, growth_churn_rate_month=0.03)
    _npv(run.replace(partner_distress_hazard_year=0.05))
    reuse.PARTS.evaluate = counted
    try:
        got = _npv(run.replace(partner_distress_hazard_year=0.25))
    finally:
        reuse.PARTS.evaluate = real
    # the partner's events (drawn, and in expectation), and its service's in the staged
    # entry, from the first point
    assert labels[("partner", "risk", 0)] >= 2
    fresh = _fresh(run.replace(partner_distress_hazard_year=0.25))
    assert all(_bitwise(got[m], fresh[m]) for m in got)
    before = _npv(run.replace(partner_distress_hazard_year=0.05))["partner"]
    assert not _bitwise(got["partner"], before)


def test_another_seed_or_horizon_is_not_served(base, memo):
    _npv(base)
    _npv(base.replace(seed=base.seed + 1))
    _npv(base.replace(horizon_years=base.horizon_years - 1))
    assert memo.hits == 0


def test_a_served_result_is_a_fresh_array(base, memo):
    values = PathValues(base, paths=3, recording=True)
    u = events.uniforms(base.seed, 0, 3, base.months)
    a = memo.evaluate("x", values, u, lambda: np.arange(3.0))
    a[:] = 123.0
    b = memo.evaluate("x", values, u, lambda: np.zeros(3))
    assert (memo.hits, memo.misses) == (1, 1)
    assert b.tolist() == [0.0, 1.0, 2.0]
    b[:] = 7.0
    assert memo.evaluate("x", values, u, lambda: np.zeros(3)).tolist() == [0.0, 1.0, 2.0]


def test_uniforms_made_by_hand_and_large_runs_are_not_kept(base, memo):
    values = PathValues(base, paths=3, recording=True)
    u = events.uniforms(base.seed, 0, 3, base.months)
    hand = dataclasses.replace(u, origin=None)
    assert reuse.NPV.evaluate("x", values, hand, lambda: np.zeros(3)) is not None
    assert memo.misses == 0 and memo.hits == 0
    small = reuse.Results(max_paths=2)
    small.evaluate("x", values, u, lambda: np.zeros(3))
    small.evaluate("x", values, u, lambda: np.zeros(3))
    assert (small.hits, small.misses) == (0, 0)
    kept = reuse.Results(entries=1)
    kept.evaluate("x", values, u, lambda: np.zeros(3))
    kept.evaluate("x", values, u, lambda: np.ones(3))
    assert (kept.hits, kept.misses) == (1, 1)


def test_an_own_service_s_base_and_events_are_served_across_its_other_inputs(base, memo):
    _npv(base.replace(market_foreign_premium_share=0.8))
    parts = reuse.PARTS.hits
    got = _npv(base.replace(market_foreign_premium_share=0.85))
    # the own services read the share in their months, not in their base or events
    assert memo.hits == 2 and reuse.PARTS.hits - parts >= 6
    fresh = _fresh(base.replace(market_foreign_premium_share=0.85))
    assert all(_bitwise(got[m], fresh[m]) for m in got)
    # what is served is read-only: a write into it would change later points
    kept = [e.result for e in reuse.PARTS._kept.values()]
    assert kept and all(not e.users.flags.writeable for e in kept if hasattr(e, "users"))


def test_a_part_is_evaluated_afresh_for_terms_not_read_as_they_are(base, memo):
    values = PathValues(base, recording=True)
    terms = MODES["solo"].terms(values)
    assert terms.source is values
    calls = []

    def part(t, x):
        calls.append(x)
        return t.market.user_growth_year * x

    for t in (terms, terms):
        reuse.part(t, "p", part, 2.0)
    assert len(calls) == 1
    # a changed group, other paths, per-path state: not the source's
    changed = [
        terms.replaced(market=dataclasses.replace(terms.market, user_growth_year=0.5)),
        terms.rows(np.array([0])),
    ]
    for t in changed:
        assert t.source is None
        reuse.part(t, "p", part, 2.0)
    terms.extra["eased"] = np.zeros(1)
    reuse.part(terms, "p", part, 2.0)
    assert len(calls) == 4
    del terms.extra["eased"]
    # started later, with its hazards scaled: still its source's, keyed on the horizon
    # and the factor (a staged entry's service)
    for start, factor in ((12, None), (12, 0.5), (12, np.array([0.5])), (12, 0.5), (13, 0.5)):
        later = terms.starting(start, hazard_factor=factor)
        assert later.source is values
        reuse.part(later, "p", part, 2.0)
    # served: the second (12, 0.5); the array factor is not the number's bit for bit
    assert len(calls) == 8
    # the months a staged entry's services compute their market over change no number
    # a part holds (Terms.first_months): served across them
    longer = terms.starting(12, hazard_factor=0.5, market_months=base.months + 96)
    assert longer.market_months == base.months + 96
    reuse.part(longer, "p", part, 2.0)
    assert len(calls) == 8
    np.testing.assert_array_equal(
        terms.starting(12, hazard_factor=0.5).exposure.exit_hazard_year,
        np.asarray(terms.exposure.exit_hazard_year) * 0.5,
    )
    changed.append(terms.starting(12))
    # evaluated afresh, a part is still handed its uniforms (a staged entry's service
    # once ran on events in expectation: the oracle's test found it)
    u = events.uniforms(base.seed, 0, 1, base.months)
    handed = []
    for t in (*changed, terms):
        reuse.part(t, "u", lambda t, x, uniforms: handed.append(uniforms), 1.0, uniforms=u)
    assert len(handed) == 4 and all(h is u for h in handed)
    # the arguments are compared bit for bit
    reuse.part(terms, "p", part, -0.0)
    reuse.part(terms, "p", part, 0.0)
    assert len(calls) == 10


def test_entries_are_bounded_per_label_and_in_bytes_least_recently_used_first(base):
    u = events.uniforms(base.seed, 0, 4, base.months)
    values = PathValues(base, paths=4, recording=True, origin=u.origin)
    memo = reuse.Results(entries=2, budget=10 * 32)  # ten results of 4 doubles

    def keep(label, x):
        return memo.evaluate(label, values, u, lambda: np.full(4, x), args=(x,))

    for x in (1.0, 2.0, 3.0):
        keep("a", x)
    assert len(memo) == 2 and memo.bytes == 2 * 32  # the results (a number's key: none)
    keep("a", 2.0)
    assert memo.hits == 1
    keep("a", 1.0)  # dropped as the third of "a"
    assert memo.hits == 1 and memo.misses == 4
    # over the budget: the least recently used go first, whatever their label
    memo.budget = 3 * 32
    keep("b", 9.0)
    keep("c", 9.0)
    assert len(memo) == 3 and memo.bytes <= memo.budget
    keep("a", 1.0)  # the most recent of "a" was used last but one: still kept
    assert memo.hits == 2
    # another chunk's futures are another label: they do not push this chunk's out
    other = PathValues(base, paths=4, recording=True, origin=(base.seed, "events", 1024))
    memo.budget = 10**6
    memo.evaluate("a", other, u, lambda: np.zeros(4), args=(5.0,))
    memo.evaluate("a", other, u, lambda: np.zeros(4), args=(6.0,))
    keep("a", 1.0)
    assert memo.hits == 3


def _other(name: str, value):
    """Another valid value of parameter ``name``: a choice, or a number moved a fifth
    of the way to a bound (a tenth of its size where unbounded)."""
    spec = SPECS[name]
    if spec.choices:
        return next(c for c in spec.choices if c != value)
    if spec.type == "int":
        up = spec.max is None or value + 1 <= spec.max
        return value + 1 if up else value - 1
    lo = -math.inf if spec.min is None else spec.min
    hi = math.inf if spec.max is None else spec.max
    if math.isfinite(hi) and hi > value:
        return value + 0.2 * (hi - value)
    if math.isfinite(lo) and lo < value:
        return value - 0.2 * (value - lo)
    return value * 1.1 + 0.01


def _read_by_modes() -> list[str]:
    names = {n for m in MODES for n in m.parameters}
    return sorted(n for n in names if SPECS[n].type != "pairs")


@pytest.mark.parametrize("ad_tier", ["off", "on"])
def test_every_input_a_mode_reads_moved_alone_is_never_served_stale(base, memo, ad_tier):
    """Each parameter any mode reads, pinned at its value and then at another, as a
    sweep's points pin it: every mode's result, served or not, is the fresh one bit for
    bit; and the memo is not vacuous (most inputs change some mode; modes are served
    where they read nothing that changed)."""
    start = base.replace(pricing_ad_tier=ad_tier)
    moved, served, checked = 0, 0, 0
    for name in _read_by_modes():
        value = getattr(start, name)
        try:
            before = start.replace(**{name: value})
            after = start.replace(**{name: _other(name, value)})
        except ParameterError:
            continue
        memo.clear()
        reuse.PARTS.clear()
        old = _npv(before)
        got = _npv(after)
        fresh = _fresh(after)
        stale = [m for m in got if not _bitwise(got[m], fresh[m])]
        assert not stale, f"{name}: {stale} served a stale result"
        changed = [m for m in got if not _bitwise(old[m], fresh[m])]
        moved += bool(changed)
        served += memo.hits
        # a mode whose result changed cannot have been served
        assert memo.hits <= len(MODES) - len(changed), name
        checked += 1
    assert checked >= 60
    assert moved >= 0.6 * checked
    assert served >= checked  # staying out at least, every time


def test_a_monte_carlo_run_forgets_what_sweep_points_kept(base, memo):
    _npv(base)
    assert len(reuse.NPV) == len(MODES) and len(reuse.PARTS) > 0
    montecarlo.run(base.replace(decision_training_paths=200), 20)
    assert len(reuse.NPV) == 0 and len(reuse.PARTS) == 0 and reuse.PARTS.bytes == 0


def test_a_mode_registered_again_with_other_settings_is_not_served_the_old_one(base, memo):
    """The sceptical review's finding: results were keyed on a mode's name alone."""
    from tests.economics.test_modes import _toy

    first = _toy()
    second = dataclasses.replace(first, settings={**first.settings, "dividend": 40.0})
    with MODES.added(first):
        old = _npv(base)[first.name]
        assert len(reuse.NPV) == len(MODES)
    assert len(reuse.NPV) == 0  # the registry changed: nothing kept
    with MODES.added(second):
        got = _npv(base)[second.name]
        fresh = _fresh(base)[second.name]
    assert _bitwise(got, fresh) and not _bitwise(got, old)
    # and with the registry as it was, the mode object is in the key
    values = PathValues(base, paths=3, recording=True)
    u = events.uniforms(base.seed, 0, 3, base.months)
    assert first == second  # a mode's == does not compare its settings
    keys = reuse.Same(first), reuse.Same(second)
    memo.evaluate("stake", values, u, lambda: np.zeros(3), key=keys[0])
    assert memo.evaluate("stake", values, u, lambda: np.ones(3), key=keys[1]).tolist() == [1.0] * 3
    assert memo.evaluate("stake", values, u, lambda: np.ones(3), key=keys[0]).tolist() == [0.0] * 3


def test_a_recording_group_pickles_as_the_plain_group(base):
    import pickle

    rec = Market.read(PathValues(base, recording=True))
    with reads.recording() as noted:
        back = pickle.loads(pickle.dumps(rec))
    assert type(back) is Market and back == Market.read(PathValues(base))
    assert noted == set(Market.names())


def test_points_served_in_turn_are_the_whole_runs_npvs(memo):
    """Against the Monte Carlo run, which reuses nothing (the reuse tests above compare
    served with fresh, which would agree were both wrong): a sequence of points, one
    repeated, where the staged entry switches on every path, so that its services'
    events are drawn."""
    start = validate(
        decision_rule="fixed",
        n_paths=64,
        decision_training_paths=200,
        market_foreign_premium_share=0.4,
        regulation_easing_hazard_year=0.3,
        **PLAN_YARDSTICK,
    )
    points = [
        start.replace(partner_revenue_share=0.2),
        start.replace(partner_revenue_share=0.3),
        start.replace(partner_revenue_share=0.2),
    ]
    served = []
    for p in points:
        lean = montecarlo.path_npv(p, 64)
        served.append((memo.hits, reuse.PARTS.hits))
        whole = montecarlo.run(p, 64)
        assert whole.switch_month.notna().all()
        np.testing.assert_allclose(lean.to_numpy(), whole.npv.to_numpy(), rtol=1e-9, atol=1e-9)
        montecarlo.path_npv(p, 64)  # run() forgot what was kept: keep it for the next
    # at the first point nothing is served but the licence's lines, which the staged
    # entry's licence leg reads as licensing did
    assert served[0][0] == 0
    # solo, licensing and staying out read no partner term; the partner's own parts
    # (its base and events) do not either
    assert served[1][0] == served[2][0] == 3
    assert all(parts > 0 for _, parts in served[1:])


@pytest.mark.parametrize("mode", ["solo", "partner"])
def test_a_build_s_events_are_computed_once_in_it_served_read_only_and_let_go(mode, monkeypatch):
    """A drawn build of an own service reads its drawn events twice (its lines, the
    catalogue's draw) and none in expectation (the continuing value's final year reads
    the suspensions' expectation alone: events.expected_suspensions); a plan's build
    reads those in expectation twice. Each is computed once for the build, read-only,
    and let go with it."""
    params = validate(n_paths=PATHS, **RUNNING)
    service = MODES[mode]
    computed: Counter = Counter()
    made = []
    real = type(service).exposure_risk

    def counted(self, terms, launch, uniforms=None):
        computed["drawn" if uniforms is not None else "expected"] += 1
        made.append(real(self, terms, launch, uniforms))
        return made[-1]

    monkeypatch.setattr(type(service), "exposure_risk", counted)
    u = events.uniforms(params.seed, 0, PATHS, params.months)
    terms = service.terms(PathValues(params, montecarlo.draw_inputs(params, PATHS)))
    plan = service.build(terms, plan_only=True)
    assert computed == {"expected": 1}
    drawn = service.build(terms, u)
    assert computed == {"expected": 1, "drawn": 1}
    assert "exposure" not in terms.cache
    for risk in made:
        with pytest.raises(ValueError, match="read-only"):
            risk.log_kept[...] = 0.0
    # outside a build, each read is computed afresh
    launch = service.launch_month(terms)
    service.risk(terms, launch, u)
    service.risk(terms, launch)
    assert computed == {"expected": 2, "drawn": 2}
    # the same results as builds that compute their events at each read
    monkeypatch.setattr(type(service), "_exposure", type(service).exposure_risk)
    fresh = service.terms(PathValues(params, montecarlo.draw_inputs(params, PATHS)))
    assert _bitwise(np.asarray(service.build(fresh, plan_only=True)), np.asarray(plan))
    again = service.build(fresh, u)
    assert computed == {"expected": 4, "drawn": 4}
    compared = 0
    for f in dataclasses.fields(drawn):
        a, b = getattr(again, f.name), getattr(drawn, f.name)
        pairs = [(a[k], b[k]) for k in b] if isinstance(b, dict) else [(a, b)]
        assert (not isinstance(b, dict)) or a.keys() == b.keys(), f.name
        for x, y in pairs:
            if isinstance(y, np.ndarray):
                assert _bitwise(np.asarray(x), y), f.name
                compared += 1
    # on lines that move from path to path
    assert compared > 20 and np.ptp(drawn.conditional["subscription_revenue"].sum(axis=1)) > 0
