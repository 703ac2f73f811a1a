"""Events per path and month: common random numbers, hand-computed spells, and the
agreement of drawn events with their expectation."""

from __future__ import annotations

import numpy as np
import pytest

from models.economics import events, finance, regulation
from models.economics.modes import MODES
from models.economics.simulation import simulate
from models.economics.terms import PathValues
from models.inputs.params import validate
from tests.conftest import PLAN_YARDSTICK


def test_uniforms_do_not_depend_on_chunking():
    whole = events.uniforms(7, 0, 3000, 24)
    part = events.uniforms(7, 1020, 10, 24)  # straddles the first block boundary
    for kind in events.KINDS:
        assert np.array_equal(getattr(part, kind), getattr(whole, kind)[1020:1030])
    other = events.uniforms(8, 0, 3000, 24)
    assert not np.array_equal(other.exit, whole.exit)
    # the kinds are independent streams, not copies of one another
    assert abs(np.corrcoef(whole.exit.ravel(), whole.crackdown.ravel())[0, 1]) < 0.01


def test_first_event_hand_case():
    u = np.array([[0.9, 0.01, 0.5, 0.01], [0.9, 0.9, 0.9, 0.9], [0.01, 0.9, 0.9, 0.01]])
    assert events.first_event(u, 0.05, 0).tolist() == [1.0, 4.0, 0.0]
    assert events.first_event(u, 0.05, 2).tolist() == [3.0, 4.0, 3.0]


def test_suspension_spell_hand_case():
    u = np.full((1, 8), 0.9)
    u[0, 2] = 0.0  # a suspension starts in month 2 ...
    u[0, 3] = 0.0  # ... and cannot start again while it runs
    dark, starts = events.suspensions(u, 0.5, 2.5, 0)
    assert dark[0].tolist() == [0, 0, 1, 1, 0.5, 0, 0, 0]
    assert starts[0].tolist() == [0, 0, 1, 0, 0, 0, 0, 0]
    # before the start month nothing happens
    dark, starts = events.suspensions(u, 0.5, 2.5, 3)
    assert starts[0].tolist() == [0, 0, 0, 1, 0, 0, 0, 0]


def _risk(params, mode: str, launch: int, u=None) -> events.ServiceRisk:
    """The events of an own-service mode launched in ``launch``, drawn from ``u`` or in
    expectation (what the mode's :meth:`risk` feeds its service)."""
    m = MODES[mode]
    return m.risk(m.terms(PathValues(params)), launch, u)


def test_higher_hazard_sees_a_superset_of_events():
    """Common random numbers: the same uniforms, a higher hazard, more events."""
    months = 120
    u = events.uniforms(1, 0, 2000, months)
    low = validate(
        horizon_years=months // 12,
        regulation_exit_hazard_solo_year=0.05,
        regulation_crackdown_hazard_year=0.1,
        regulation_suspension_hazard_solo_year=0.1,
    )
    high = validate(
        horizon_years=months // 12,
        regulation_exit_hazard_solo_year=0.3,
        regulation_crackdown_hazard_year=0.4,
        regulation_suspension_hazard_solo_year=0.5,
    )
    a = _risk(low, "solo", 18, u)
    b = _risk(high, "solo", 18, u)
    assert np.all(b.alive <= a.alive)  # forced out no later
    assert (b.alive < a.alive).any()
    assert np.all(b.catalogue <= a.catalogue)  # every crackdown of `low` hits `high` too
    h_low = regulation.monthly_hazard(0.1)
    h_high = regulation.monthly_hazard(0.5)
    assert np.all((u.suspension < h_high) >= (u.suspension < h_low))
    # partner (lower hazard than solo, same uniforms): a subset of solo's exit months
    c = _risk(high, "partner", 18, u)
    assert np.all(c.alive >= b.alive)


@pytest.mark.parametrize("mode", ["solo", "partner"])
def test_drawn_events_average_to_their_expectation(mode):
    months, n = 120, 20_000
    p = validate(
        horizon_years=months // 12,
        regulation_exit_hazard_solo_year=0.2,
        regulation_exit_hazard_partner_year=0.1,
        regulation_crackdown_hazard_year=0.3,
        regulation_crackdown_catalogue_loss=0.2,
        partner_distress_hazard_year=0.2,
    )
    u = events.uniforms(3, 0, n, months)
    drawn = _risk(p, mode, 12, u)
    exp = _risk(p, mode, 12)
    se = 4 * np.sqrt(0.25 / n)
    assert np.allclose(drawn.alive.mean(axis=0), exp.alive[0], atol=se)
    assert np.allclose(drawn.exit_at.mean(axis=0), exp.exit_at[0], atol=se)
    assert np.allclose(drawn.catalogue.mean(axis=0), exp.catalogue[0], atol=se)
    assert np.allclose(
        drawn.distress.mean(axis=0), np.broadcast_to(exp.distress, (1, months))[0], atol=se
    )
    # dark share: the renewal process's long-run share h D / (1 + h D), late in the horizon
    assert drawn.dark[:, 60:].mean() == pytest.approx(float(exp.dark[0, 0]), abs=0.01)


def test_licensing_monte_carlo_mean_equals_the_expected_run():
    """Licensing is linear in its events (exit, crackdowns) and never leaves by choice,
    so its mean over drawn events is its expected-event value, up to Monte Carlo error."""
    p = validate(
        regulation_exit_hazard_license_year=0.1,
        regulation_crackdown_hazard_year=0.4,
        regulation_crackdown_catalogue_loss=0.2,
    )
    n = 8000
    u = events.uniforms(p.seed, 0, n, p.months)
    drawn = simulate(p, None, u).modes["license"]
    npv = finance.npv(drawn.cash_flow, p.finance_discount_rate_year)
    expected = simulate(p).summary.loc["license", "npv_usd_m"]
    assert npv.mean() == pytest.approx(expected, abs=4 * npv.std() / np.sqrt(n))
    assert npv.std() > 1.0  # the events really vary between paths


def test_drawn_paths_are_zero_one_and_respect_the_policy():
    p = validate(regulation_exit_hazard_solo_year=0.5)
    u = events.uniforms(p.seed, 0, 500, p.months)
    r = simulate(p, None, u)
    solo = r.modes["solo"]
    assert set(np.unique(solo.operating)) <= {0.0, 1.0}
    assert set(np.unique(solo.forced_exit)) <= {0.0, 1.0}
    # the deterministic plan leaves solo right after launch: nothing runs past it
    plan = simulate(p).modes["solo"].last_month[0]
    assert np.all(solo.operating[:, int(plan) + 1 :] == 0)


def test_a_longer_horizon_keeps_every_paths_first_months():
    """Common random numbers across horizons: every path's uniforms for the first ten
    years are the same at fifteen, in every block and kind."""
    short = events.uniforms(5, 1000, 100, 120)
    long = events.uniforms(5, 1000, 100, 180)
    for kind in events.KINDS:
        a, b = getattr(short, kind), getattr(long, kind)
        assert np.array_equal(a, b[:, :120]), kind
    assert not np.array_equal(short.exit, short.renewal)  # kinds are not one stream


@pytest.mark.parametrize("mode", ["solo", "partner"])
def test_a_one_off_in_the_final_year_is_not_capitalised_for_ever(mode):
    """The continuing value grows the final year for ever, with its suspensions and a
    partner's distress in expectation whatever was drawn: a path suspended for three
    months in the final year (30 % of its subscribers lost), one suspended two years
    before, and one whose partner fell into distress in the final year have the
    continuing value of a path where nothing happened."""
    p = validate(
        {
            "n_paths": 4,
            "market_foreign_premium_share": 0.5,
            **PLAN_YARDSTICK,
            "regulation_suspension_sub_loss": 0.3,
            "regulation_suspension_months": 3,
            "correlations": [],
        }
    )
    months = p.months
    rows = {kind: np.full((4, months), 0.999999) for kind in events.KINDS}
    rows["suspension"][1, months - 7] = 0.0  # dark for 3 of the final 12 months
    rows["suspension"][2, months - 24] = 0.0  # two years before the horizon
    rows["distress"][3, months - 5] = 0.0  # the partner's distress in the final year
    r = simulate(p, None, events.Uniforms(**rows), started=True).modes[mode]
    cv = np.broadcast_to(r.lines["continuing_value"], r.cash_flow.shape)[:, -1]
    dark = np.broadcast_to(r.conditional["suspension_loss"], r.cash_flow.shape)
    assert (dark[1, -12:] < 0).sum() == 3 and cv[0] > 0  # it was dark, and it runs
    subs = r.subscribers_m[:, -1]
    assert subs[1] < 0.9 * subs[0] and subs[2] < subs[0]  # the subscribers it cost
    for path in (1, 2, 3):
        assert cv[path] == pytest.approx(cv[0], rel=1e-9), path
    # the drawn final year itself is what happened
    cash = r.cash_flow[:, -12:].sum(axis=1)
    assert cash[1] < cash[0]


def test_the_partners_distress_looked_up_by_months_since_launch_is_the_equation():
    """first_distress_probability looks up one hazard's survival by whole months since
    launch (issue 25): bit for bit ``operating * (1 - h) ** k * h``, and the equation
    itself where the lookup does not apply (part months, even where every path's launch
    has the same part, the review's case; NaN; a hazard per path; a service that does
    not operate every month; launches so far apart that a table would outgrow the
    grid)."""
    from models._arrays import column, month_index
    from models.economics import partner

    def equation(h, operating, launch):
        k = month_index(operating.shape[1]) - column(launch)
        h = column(h)
        return np.where(k >= 0, operating * (1.0 - h) ** np.maximum(k, 0.0) * h, 0.0)

    rng = np.random.default_rng(25)
    for case in range(400):
        months, paths = int(rng.integers(1, 200)), int(rng.integers(2, 300))
        h = float(rng.choice([rng.uniform(0, 0.05), rng.uniform(0, 1), 0.0, 1.0]))
        if case % 7 == 0:
            h = rng.uniform(0, 0.05, size=(paths, 1))  # a hazard per path
        launch = rng.integers(-5, months + 20, size=(paths, 1)).astype(float)
        if case % 5 == 0:
            launch[0, 0] += 0.5  # part of a month
        if case % 13 == 0:  # every launch a hair past a whole month (the review's case)
            launch += 8.881784197001252e-16 if case % 2 else 0.25
        if case % 17 == 0:
            launch[0, 0] = 1e15  # a spread no table should span
        if case % 11 == 0:
            launch[-1, 0] = np.nan
        operating = np.ones((1, months)) if case % 3 else rng.uniform(0, 1, (1, months))
        with np.errstate(invalid="ignore"):
            got = partner.first_distress_probability(h, operating, launch)
            want = equation(h, operating, launch)
        assert got.shape == want.shape == (paths, months)
        assert got.tobytes() == want.tobytes(), case
