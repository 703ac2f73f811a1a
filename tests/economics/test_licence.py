"""Licensing on contracts (issue 20): prices that follow the buyer's demand, renewals
at a renegotiated price, payments at signing and in instalments, the buyer's distress,
and the licensor's own costs, checked by hand and on drawn events."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import ndtri

from models._arrays import column, month_index
from models.economics import events, licence, regulation
from models.economics import market as mkt
from models.economics.modes import license
from models.economics.simulation import simulate
from models.inputs.params import validate
from tests.conftest import PLAN_YARDSTICK

#: A licence with round numbers: the paying users four times the reference (elasticity
#: 0.5: fees doubled), nothing growing, no event unless a test draws one.
PLAIN = {
    "horizon_years": 10,
    "market_online_video_users_m": 1000.0,
    "market_user_growth_year": 0.0,
    "market_svod_payer_share": 0.1,
    "market_foreign_premium_share": 0.1,
    "license_reference_payers_m": 25.0,
    "license_demand_elasticity": 0.5,
    "license_fee_usd_m_per_title": 0.5,
    "license_fee_growth_year": 0.0,
    "license_titles_year": 30.0,
    "regulation_approval_pass_rate": 0.8,
    "license_term_months": 36,
    "license_upfront_share": 0.3,
    "license_buyer_distress_hazard_year": 0.0,
    "license_loss_given_distress": 0.5,
    "license_renewal_sd_log": 0.4,
    "regulation_exit_hazard_license_year": 0.0,
    "regulation_crackdown_hazard_year": 0.0,
    "content_lead_months": 6,
    "decision_rule": "fixed",
    "correlations": [],
}

#: 24 approved titles x US$0.5 m x 2 (demand) x 3 years
CONTRACT = 24 * 0.5 * 2.0 * 3.0


def _lines(uniforms=None, **changes):
    p = validate({**PLAIN, **changes})
    return simulate(p, uniforms=uniforms).modes["license"].lines, p


def _uniforms(months: int = 120, **rows) -> events.Uniforms:
    """One path's uniforms: nothing happens (1.0) unless a kind is given."""
    base = {kind: np.ones((1, months)) for kind in events.KINDS}
    base["renewal"] = np.full((1, months), 0.5)  # the median: z = 0
    for kind, row in rows.items():
        base[kind] = np.asarray(row, dtype=float).reshape(1, months)
    return events.Uniforms(**base)


def test_contracts_are_paid_at_signing_and_in_instalments_by_hand():
    lines, p = _lines()
    fees = lines["license_fees"][0]
    instalment = 0.7 * CONTRACT / 36
    expected = np.zeros(120)
    expected[6:] = instalment
    for start in (6, 42, 78, 114):  # a contract signed every 36 months from the launch
        expected[start] += 0.3 * CONTRACT
    assert np.allclose(fees, expected)
    ex_vat = fees / (1 + p.pricing_vat_rate)
    assert np.allclose(-lines["vat"][0], fees - ex_vat)
    assert np.allclose(-lines["withholding_tax"][0], ex_vat * p.license_withholding_tax_rate)
    assert np.allclose(-lines["compliance"][0], ex_vat * p.license_compliance_share)
    assert np.all(lines["licensee_default"][0] == 0)


def test_the_price_follows_the_buyers_demand():
    """Four times the reference paying users at elasticity 0.5 doubles the fee (above);
    half the paying share takes it down by sqrt 2; the share open to a foreign service
    leaves it (it would scale the reference alike: review 9 of issue 21); no response
    to demand leaves the observed fee."""
    base, _ = _lines()
    half, _ = _lines(market_svod_payer_share=0.05)
    share, _ = _lines(market_foreign_premium_share=0.05)
    flat, _ = _lines(license_demand_elasticity=0.0)
    ratio = half["license_fees"][0, 6] / base["license_fees"][0, 6]
    assert ratio == pytest.approx(1 / math.sqrt(2))
    assert np.array_equal(share["license_fees"], base["license_fees"])
    assert flat["license_fees"][0, 6] / base["license_fees"][0, 6] == pytest.approx(0.5)
    assert float(licence.demand_factor(100.0, 25.0, 0.5)[0, 0]) == pytest.approx(2.0)


@pytest.mark.parametrize("share", [0.03, 0.07, 0.1, 0.25])
def test_letv_2015s_first_contract_is_priced_at_the_observed_fee(share):
    """In the market where the fee was observed (late 2015: 504 M users, 5.7 % paying),
    the first contract is signed at license_fee_usd_m_per_title, whatever share of
    payers is open to a foreign service (review 9 of issue 21: a reference carrying the
    share's default took a fifth off licensing when the default moved). Fee growth, the
    market's growth to the signing month and crackdowns before it are set to 0 here."""
    from pathlib import Path

    from models.inputs.scenario import load

    p = load(
        Path(__file__).parents[2] / "data" / "scenarios" / "letv_2015.yaml",
        {
            "market_foreign_premium_share": share,
            "market_user_growth_year": 0.0,
            "market_payer_headroom": 1.0,
            "license_fee_growth_year": 0.0,
            "regulation_crackdown_hazard_year": 0.0,  # nothing pulled before signing
        },
    )
    assert p.market_online_video_users_m * p.market_svod_payer_share == pytest.approx(
        p.license_reference_payers_m, rel=0.01
    )
    r = simulate(p, None).modes["license"]
    first = int(np.flatnonzero(r.lines["license_fees"][0])[0])
    titles = p.license_titles_year * p.regulation_approval_pass_rate
    value = titles * p.license_fee_usd_m_per_title * p.license_term_months / 12.0
    upfront, months = p.license_upfront_share, p.license_term_months
    expected = upfront * value + (1 - upfront) * value / months
    assert r.lines["license_fees"][0, first] == pytest.approx(expected, rel=0.01)


def test_a_renewal_is_renegotiated_and_the_shocks_compound():
    u = np.full(120, 0.5)
    u[42], u[78] = 0.9, 0.2  # signed up, then down
    lines, _ = _lines(_uniforms(renewal=u))
    sd = 0.4 * math.sqrt(3)  # 0.4 a year over a three-year term
    first = math.exp(sd * ndtri(0.9) - sd**2 / 2)
    second = first * math.exp(sd * ndtri(0.2) - sd**2 / 2)
    fees = lines["license_fees"][0]
    instalment = 0.7 * CONTRACT / 36
    assert fees[41] == pytest.approx(instalment)  # the first contract, unshocked
    assert fees[43] == pytest.approx(instalment * first)
    assert fees[79] == pytest.approx(instalment * second)
    assert fees[78] == pytest.approx((0.3 * CONTRACT + 0.7 * CONTRACT / 36) * second)


def test_renegotiation_has_mean_one_and_a_spread_per_year():
    """The multiplier of a renewal is log-normal with mean 1: on a fine grid of the
    uniform its average is 1, so the spread adds risk, not value; its spread is per
    year of the term, so that a year's risk does not depend on how often the contract
    is renewed."""
    grid = (np.arange(20000) + 0.5) / 20000
    u = np.tile(grid.reshape(-1, 1), (1, 120))
    m = licence.renegotiation(u, 6, 36, 0.4, 120)
    assert m[:, 0] == pytest.approx(1.0)
    assert m[:, 1].mean() == pytest.approx(1.0, abs=2e-3)
    assert np.log(m[:, 1]).std() == pytest.approx(0.4 * math.sqrt(3), rel=1e-2)
    yearly = licence.renegotiation(u, 6, 12, 0.4, 120)
    assert np.log(yearly[:, 1]).std() == pytest.approx(0.4, rel=1e-2)


@pytest.mark.parametrize("upfront", [0.0, 0.3])
def test_licensing_is_smooth_in_the_horizon(upfront):
    """The value beyond the horizon rests on a year earned at today's price, less what
    was paid at signing for months after it: consecutive horizons move licensing's
    value smoothly (second differences within 2 % of it), wherever the horizon falls in
    a contract."""
    values = []
    for years in range(6, 16):
        p = validate({**PLAIN, "license_upfront_share": upfront, "horizon_years": years})
        values.append(float(simulate(p).summary.loc["license", "npv_usd_m"]))
    second = np.abs(np.diff(values, 2))
    assert second.max() < 0.02 * min(values), values


def test_the_buyers_distress_takes_part_of_the_contract_it_falls_in():
    u = np.ones(120)
    u[20] = 0.0  # the buyer falls into distress in month 20
    lines, _ = _lines(_uniforms(distress=u), license_buyer_distress_hazard_year=0.01)
    lost = -lines["licensee_default"][0]
    instalment = 0.7 * CONTRACT / 36
    assert np.all(lost[:21] == 0)  # nothing lost before
    assert np.allclose(lost[21:42], 0.5 * instalment)  # half of what remains is lost
    assert np.all(lost[42:] == 0)  # the next contract is signed with another buyer


def test_the_expected_case_loses_what_the_drawn_futures_lose_on_average():
    """In expectation the loss is the probability that the distress fell earlier in the
    same contract; drawn on many paths, the average loss converges to it."""
    hazard = 0.2
    lines, _ = _lines(license_buyer_distress_hazard_year=hazard)
    expected = -lines["licensee_default"][0]
    u = events.uniforms(7, 0, 4000, 120)
    drawn = simulate(
        validate({**PLAIN, "license_buyer_distress_hazard_year": hazard, "n_paths": 4000}),
        uniforms=u,
    ).modes["license"]
    mean = -drawn.lines["licensee_default"].mean(axis=0)
    # means over 4,000 paths of Bernoulli-like losses: within 5 standard errors
    se = np.sqrt(mean * (0.5 * 0.7 * CONTRACT / 36 - mean) / 4000) + 1e-9
    assert np.all(np.abs(mean - expected) < 5 * se + 1e-9)
    assert expected[41] > expected[21] > 0 and expected[42] == 0


def test_licensing_loses_money_where_the_evidence_allows():
    """A buyer that defaults in its first month on a contract paid mostly late, with
    nothing recovered, and a licence revoked before the renewal: the licensor is out of
    pocket for its localisation and compliance."""
    distress = np.ones(120)
    distress[6] = 0.0
    exit_ = np.ones(120)
    exit_[30] = 0.0
    p = validate(
        {
            **PLAIN,
            "license_upfront_share": 0.0,
            "license_loss_given_distress": 1.0,
            "license_buyer_distress_hazard_year": 0.01,
            "regulation_exit_hazard_license_year": 0.5,
        }
    )
    r = simulate(p, uniforms=_uniforms(distress=distress, exit=exit_)).modes["license"]
    assert r.cash_flow.sum() < 0


def test_the_hazard_does_not_make_licensing_drift_with_the_horizon():
    """The forced-exit hazard goes on beyond the horizon: a longer horizon does not lower
    licensing's value by counting more of the risk. From 6 to 15 years the value moves
    by the same share at a hazard of 0, 2.5 % or 10 % a year (within half a point; when
    the value beyond the horizon ignored the hazard, it fell 12 points more at 10 %).
    Costs and fees are kept flat (with localisation costs growing 5 % a year against flat
    fees, the further future weighs less at a higher hazard, and the drift with it);
    what is left (+2 %) is the payment at signing, earlier than a year earned evenly."""

    FLAT = {
        "content_cost_inflation_year": 0.0,
        "finance_cost_inflation_year": 0.0,
        "finance_terminal_growth_year": 0.0,
    }

    def drift(hazard: float) -> float:
        short, long = (
            float(
                simulate(
                    validate(
                        {
                            **PLAIN,
                            **FLAT,
                            "horizon_years": y,
                            "regulation_exit_hazard_license_year": hazard,
                        }
                    )
                ).summary.loc["license", "npv_usd_m"]
            )
            for y in (6, 15)
        )
        return long / short - 1.0

    none = drift(0.0)
    assert abs(none) < 0.03
    for hazard in (0.025, 0.1):
        assert drift(hazard) == pytest.approx(none, abs=0.005), hazard


def test_a_contract_ended_by_the_staged_launch_hands_back_its_payment_at_signing():
    """A non-exclusive licence switches at a yearly review, mid-contract: the licence
    ends when the own service launches, and the payment at signing for the months left
    is handed back. By hand, in a market worth switching for (80 % of 30 % of 1,000 M
    users paying, a demand factor of sqrt(300 / 25)): the first
    contract (signed in month 6, 36 months) is worth 24 titles x US$0.5 m x demand x
    3 years x 0.7 (non-exclusive), 30 % of it at signing; switching in month 17, the
    partnership launches in month 24 (6 months' delay), 18 of the 36 months are left:
    half the payment at signing is handed back then, and no fee is earned after."""
    p = validate(
        {
            **PLAIN,
            "market_foreign_premium_share": 0.8,
            **PLAN_YARDSTICK,
            "market_svod_payer_share": 0.3,
            "staged_license_exclusivity": "non_exclusive",
            "staged_nonexclusive_fee_discount": 0.3,
            "regulation_launch_delay_partner_months": 6,
            "decision_rule": "foresight",
            "horizon_years": 15,  # a switch leaves the service 10 years to the horizon
        }
    )
    u = events.uniforms(3, 0, 200, p.months)
    r = simulate(p, None, u).modes["staged"]
    switched = np.flatnonzero(r.switch_month == 17)
    assert switched.size > 100, r.switch_month
    value = 24 * 0.5 * math.sqrt(0.3 * 1000 / 25) * 3 * 0.7
    fees = np.broadcast_to(r.lines["license_fees"], (200, p.months))[switched]
    assert np.allclose(fees[:, 6], 0.3 * value + 0.7 * value / 36)  # signing + instalment
    assert np.allclose(fees[:, 23], 0.7 * value / 36)  # the last instalment
    refund = 0.3 * value * 18 / 36
    assert np.allclose(fees[:, 24], -refund)
    assert np.all(fees[:, 25:] == 0.0)


@pytest.mark.parametrize("persistence", [0.0, 0.5, 1.0])
def test_a_crackdown_pulls_titles_of_the_running_contract_and_its_lasting_part_later_ones(
    persistence,
):
    """One crackdown in month 10 (20 % of the titles): the first contract (months
    6-41) loses a fifth of its instalments from then on; the contracts signed in months
    42, 78 and 114 license titles that pass the rules of their day, cut only by the
    part of the crackdown that lasts (``regulation_crackdown_persistence``: none, half,
    all of it)."""
    months = 120
    crack = np.ones(months)
    crack[10] = 0.0
    lines, _ = _lines(
        _uniforms(months, crackdown=crack),
        regulation_crackdown_hazard_year=0.5,
        regulation_crackdown_catalogue_loss=0.2,
        regulation_crackdown_persistence=persistence,
        license_renewal_sd_log=0.0,
    )
    fees = np.broadcast_to(lines["license_fees"], (1, months))[0]
    instalment = 0.7 * CONTRACT / 36
    assert fees[9] == pytest.approx(instalment)
    assert fees[10] == pytest.approx(0.8 * instalment)
    assert fees[41] == pytest.approx(0.8 * instalment)
    later = 1.0 - 0.2 * persistence
    signings = [42, 78, 114]
    assert np.allclose(fees[signings], later * (0.3 * CONTRACT + instalment))
    assert np.allclose(np.delete(fees, [*range(42), *signings]), later * instalment)


# --- the numpy passes of a licence's fees before issue 25: the oracle of licence.months ---


def _np_contract_index(first_month, term_months, months):
    since = month_index(months) - column(first_month)
    term = np.maximum(column(term_months), 1.0)
    k = np.where(since >= 0, np.floor(since / term), -1.0)
    return k, np.where(since >= 0, since - k * term, -1.0)


def _np_gather(values, at):
    rows = max(values.shape[0], at.shape[0])
    v = np.broadcast_to(values, (rows, values.shape[1]))
    return np.take_along_axis(v, np.broadcast_to(at, (rows, at.shape[1])), axis=1)


def fees_numpy(terms, risk, uniforms=None):
    """Licensing.fees and licence's array functions at 54c8ea7, in one function."""
    from tests.economics.test_kernels import kept_since_numpy

    months = terms.months
    lic, market, rules = terms.license, terms.market, terms.rules
    launch = license.MODE.launch_month(terms)
    term = column(lic.term_months)
    k, m = _np_contract_index(launch, lic.term_months, months)
    _, payers = mkt.users_and_payers(market, months)
    pool = np.maximum(payers, 0.0)
    demand = (pool / column(lic.reference_payers_m)) ** column(lic.demand_elasticity)
    growth = (1.0 + column(lic.fee_growth_year)) ** (month_index(months) / 12.0)
    price = column(lic.fee_usd_m_per_title) * growth * demand
    renewal = None if uniforms is None else uniforms.renewal
    shocks = licence.renegotiation(renewal, launch, lic.term_months, lic.renewal_sd_log, months)
    shock = _np_gather(shocks, np.clip(k, 0, shocks.shape[1] - 1).astype(int))
    start = column(launch) + np.maximum(k, 0.0) * term
    at = np.clip(start, 0, months - 1).astype(int)
    at_signing = _np_gather(price, at) * shock
    titles = column(lic.titles_year) * column(rules.approval_pass_rate)
    value = np.where(k >= 0, titles * at_signing * term / 12.0, 0.0)
    a = column(lic.upfront_share)
    upfront = np.where(m == 0, a * value, 0.0)
    instalment = np.where(m >= 0, (1.0 - a) * value / np.maximum(term, 1.0), 0.0)
    hazard = column(regulation.monthly_hazard(lic.buyer_distress_hazard_year))
    t = month_index(months)
    if uniforms is None:

        def survival(x):
            return (1.0 - hazard) ** np.maximum(x - column(launch), 0.0)

        hit = np.where(k >= 0, survival(start) - survival(t), 0.0)
    else:
        first = events.first_event(
            uniforms.distress, np.broadcast_to(hazard, (uniforms.paths, months)), launch
        )
        d = column(first)
        hit = ((k >= 0) & (d >= start) & (d < t)).astype(float)
    kept = kept_since_numpy(risk.log_kept, t - np.maximum(m, 0.0), risk.log_lasting)
    due = (upfront + instalment) * kept
    lost = instalment * hit * column(lic.loss_given_distress) * kept
    steady = events.steady_kept(
        regulation.monthly_hazard(rules.crackdown_hazard_year),
        rules.crackdown_catalogue_loss,
        lic.term_months,
    )
    lasting = np.exp(np.asarray(risk.log_lasting)[:, -1:])
    earned = np.where(k >= 0, titles * price * shock / 12.0, 0.0) * steady * lasting
    signing = np.maximum(t - np.maximum(m, 0.0), 0.0).astype(int)
    kept_at_signing = _np_gather(kept, signing)
    left = np.where(m >= 0, np.maximum(np.maximum(term, 1.0) - 1.0 - m, 0.0), 0.0)
    unearned = a * value * left / np.maximum(term, 1.0) * kept_at_signing
    return due, lost, earned, unearned


ORACLE_CASES = {
    "plain": {**PLAIN},
    "everything moves": {
        **PLAIN,
        "market_user_growth_year": 0.08,
        "market_payer_headroom": 3.0,
        "license_fee_growth_year": 0.05,
        "license_buyer_distress_hazard_year": 0.3,
        "license_term_months": 24,
        "regulation_crackdown_hazard_year": 0.4,
        "regulation_crackdown_catalogue_loss": 0.3,
        "regulation_crackdown_persistence": 0.5,
        "content_lead_months": 7,
    },
    "short contracts, paid as they go": {
        **PLAIN,
        "license_term_months": 6,
        "license_upfront_share": 0.0,
        "license_buyer_distress_hazard_year": 0.5,
        "regulation_crackdown_hazard_year": 0.3,
    },
    "the default scenario": {},
    # the expected share lost is a difference of two survivals near 1: an ulp of either
    # is large against a tiny line, not against the fees (the review's case)
    "a buyer almost never in distress": {"license_buyer_distress_hazard_year": 1e-8},
}


@pytest.mark.parametrize("case", list(ORACLE_CASES))
@pytest.mark.parametrize("drawn", [False, True])
def test_the_compiled_fees_equal_the_numpy_passes(case, drawn):
    """licence.months on the scenario's values (expected events) and on 300 drawn paths
    with their drawn inputs (every price, term and hazard per path where drawn) against
    the numpy passes it replaced, within 1e-12 of the fees' scale (the fees due; the
    others' own where larger). Not bitwise: numpy's SIMD exp and power, and its square
    root for a power of 0.5, differ from libm's in the last bit of some values."""
    from models.economics.terms import PathValues
    from models.uncertainty import montecarlo

    p = validate(ORACLE_CASES[case])
    values = PathValues(p)
    uniforms = None
    if drawn:
        draws = montecarlo.draw_inputs(p, 300)
        uniforms = events.uniforms(p.seed, 0, 300, p.months)
        values = PathValues(p, draws if draws.shape[1] else None, 300)
    terms = license.MODE.terms(values)
    risk = license.MODE.risk(terms, uniforms)
    got = license.MODE.fees(terms, risk, uniforms)
    want = fees_numpy(terms, license.MODE.risk(terms, uniforms), uniforms)
    fees = np.abs(want[0]).max()
    for name, g, w in zip(("due", "lost", "earned", "unearned"), got, want, strict=True):
        w = np.broadcast_to(w, g.shape)
        scale = max(np.abs(w).max(), fees)
        assert np.abs(g - w).max() <= 1e-12 * scale, (name, np.abs(g - w).max(), scale)
    # what moved: fees paid at signing and in instalments, and, where the case has
    # them, the buyer's distress and crackdowns
    due, lost = got[0], got[1]
    assert (due > 0).any() and (got[3] > 0).any() == (terms.license.upfront_share > 0)
    if drawn:  # where a buyer fell into distress
        assert (lost > 0).any() == bool(risk.drawn["licensee_distress"].any())
    else:
        assert (lost > 0).any() == (np.max(terms.license.buyer_distress_hazard_year) > 0)


def test_the_schedule_names_a_missing_or_unknown_input():
    """A misspelt input is refused by name, not ignored (its grid would never be read)."""
    inputs = dict.fromkeys(licence.INPUTS, 1.0)
    inputs["elastcity"] = inputs.pop("elasticity")
    with pytest.raises(
        TypeError, match=r"missing inputs \['elasticity'\], unknown inputs \['elastcity'\]"
    ):
        licence.schedule(12, **inputs)
