"""Content: the re-edit example, the library and the quota, payments and amortisation."""

from __future__ import annotations

import numpy as np
import pytest

from models.economics.content import (
    amortise,
    by_month,
    content_plan,
    domestic_purchases,
    foreign_on_offer,
    in_window,
    leaders_catalogue_index,
    localisation_usd_m_per_title,
    market_price_index,
    pace_index,
    payments,
    reedit_cost_usd,
    title_equivalents,
    yearly_payments,
)
from models.economics.modes import MODES
from models.economics.terms import Content, PathValues, Rules
from models.inputs.params import validate


def test_empresses_in_the_palace_reedit():
    # 76 x 45-minute episodes are 57 source hours, whatever the 6 x 90-minute output
    assert reedit_cost_usd(76, 45, 1000.0) == pytest.approx(57_000.0)


def test_localisation_by_hand():
    # 10 h: subtitles 10 x 800, dubbing 20 % x 10 x 12,000, re-edit 25 % x 10 x 5,000
    usd_m = localisation_usd_m_per_title(10, 800, 0.2, 12000, 0.25, 5000)
    assert usd_m[0, 0] == pytest.approx((8000 + 24000 + 12500) / 1e6)


def test_the_2018_quota_holds_the_library_not_a_yearly_rebuy():
    # 30 foreign titles a year kept 3 years; foreign at most 30 % of what is on offer:
    # 70 domestic titles per 30 foreign on offer. With 5-year domestic windows the library
    # needs 70, 140, 210 domestic titles in years 0-2, then 210 for good: bought 70 a year
    # for three years, nothing while they last, then replaced as they end.
    bought = domestic_purchases(30.0, 3, 5, 0.3, "share_on_offer", 8)[0]
    assert bought.tolist() == pytest.approx([70, 70, 70, 0, 0, 70, 70, 70])
    held = in_window(bought[None, :], 5)[0]
    foreign = in_window(np.full((1, 8), 30.0), 3)[0]
    assert np.all(foreign / (foreign + held) <= 0.3 + 1e-12)  # the quota holds every year
    assert held[2:].tolist() == pytest.approx([210] * 6)
    # the 2014 rule: every year's foreign purchases need 1 / 0.3 as many domestic ones
    assert domestic_purchases(30.0, 3, 5, 0.3, "yearly_ratio", 3)[0] == pytest.approx([100] * 3)


def test_titles_go_on_offer_at_each_launch_anniversary():
    per_year = np.array([[1.0, 2.0, 3.0]])
    monthly = by_month(per_year, 5, 30)[0]
    assert monthly[:5].sum() == 0 and monthly[5:17].tolist() == [1.0] * 12
    assert monthly[17:29].tolist() == [2.0] * 12 and monthly[29] == 3.0


def test_content_plan_by_hand():
    p = validate(
        content_foreign_titles_year=10.0,
        regulation_approval_pass_rate=0.5,
        content_window_years=2,
        content_domestic_window_years=3,
        regulation_quota_foreign_share=0.5,
        content_rights_usd_m_per_title=1.0,
        content_subtitle_usd_per_hour=0.0,
        content_dub_share=0.0,
        content_reedit_share=0.0,
        content_domestic_title_usd_m=0.1,
        content_originals_usd_m_year=30.0,
        content_original_usd_m_per_title=15.0,
        content_cost_inflation_year=0.0,
        content_lead_months=6,
        horizon_years=4,
    )
    c, rules = Content.read(PathValues(p)), Rules.read(PathValues(p))
    plan = content_plan(c, rules, launch=18, months=p.months)
    # domestic bought for the titles submitted: 10, 20, 20, then the first year's 10 end
    assert plan.yearly["domestic"][0, :5] == pytest.approx([1.0, 1.0, 0.0, 1.0, 1.0])
    assert plan.yearly["rights"][0, 0] == 10.0 and plan.yearly["originals"][0, 0] == 30.0
    # paid at 12, 24, 36 (launch 18 less 6 months' lead)
    assert list(np.flatnonzero(plan.cash[0])) == [12, 24, 36]
    assert plan.cash[0, 12] == pytest.approx(10 + 1 + 30) and plan.cash[0, 36] == 40.0
    # on offer from the launch: 5 approved, then 10 (two vintages); originals 2 a year
    assert plan.foreign[0, 17] == 0 and plan.foreign[0, 18] == 5 and plan.foreign[0, 30] == 10
    assert plan.domestic[0, 18] == 10 and plan.domestic[0, 30] == 20
    assert plan.originals[0, 18] == 2 and plan.originals[0, 42] == 6
    draw = title_equivalents(plan.foreign * 0.5, plan.domestic, plan.originals, 0.25, 3.0)
    assert draw[0, 30] == pytest.approx(10 * 0.5 + 0.25 * 20 + 3.0 * 4)
    # a crackdown halving what is on offer in month 24 hits only the titles on offer
    # then (the launch year's 5, on offer since month 18)
    log_kept = np.where(np.arange(p.months) >= 24, np.log(0.5), 0.0).reshape(1, -1)
    on_offer = foreign_on_offer(plan, log_kept)
    assert on_offer[0, 23] == 5
    # month 24: the first vintage (on offer since 18) halved; month 30: it is still
    # on offer (2-year window) at half, the second vintage, new, whole
    assert on_offer[0, 24] == pytest.approx(2.5)
    assert on_offer[0, 30] == pytest.approx(2.5 + 5.0)
    # month 42: the first vintage's window is over; the second and third are whole
    assert on_offer[0, 42] == pytest.approx(10.0)
    assert np.all(on_offer <= plan.foreign + 1e-12)
    # no crackdown: exactly the plan's titles
    assert np.allclose(foreign_on_offer(plan, np.zeros((1, p.months))), plan.foreign)
    partner = content_plan(c, rules, launch=6, months=p.months, quota_cover_share=0.8)
    assert partner.yearly["domestic"][0, 0] == pytest.approx(1.0 * 0.2)  # the library covers 80 %
    assert partner.domestic[0, 6] == 10  # on offer all the same
    # a paying market twice month 0's from month 24 on, at elasticity 0.5: rights and
    # domestic titles bought then cost sqrt 2 as much; localisation and originals do not
    doubled = np.where(np.arange(p.months) >= 24, 2.0, 1.0).reshape(1, -1)
    priced = content_plan(
        c, rules, launch=18, months=p.months, market_price=market_price_index(doubled * 50, 0.5)
    )
    assert priced.cash[0, 12] == pytest.approx(plan.cash[0, 12])
    assert priced.cash[0, 24] == pytest.approx((10 + 1) * np.sqrt(2) + 30)
    assert priced.cash[0, 36] == pytest.approx(10 * np.sqrt(2) + 30)
    assert np.array_equal(priced.foreign, plan.foreign)  # the same titles
    # no paying market at month 0: prices as set, not free (issue 21's review 5)
    assert np.all(market_price_index(np.zeros((2, 5)), 0.5) == 1.0)


def test_the_quota_follows_growing_foreign_purchases():
    # 30 then 60 foreign titles a year, kept 2 years; foreign at most 30 % on offer:
    # foreign held 30, 90, 120, 120 need 70, 210, 280, 280 domestic titles (5-year
    # windows): bought 70, 140, 70, 0
    plan = np.array([[30.0, 60.0, 60.0, 60.0]])
    bought = domestic_purchases(plan, 2, 5, 0.3, "share_on_offer", 4)
    assert bought[0].tolist() == pytest.approx([70, 140, 70, 0])
    held = in_window(bought, 5)[0]
    foreign = in_window(np.array([[30.0, 60.0, 60.0, 60.0]]), 2)[0]
    assert np.all(foreign / (foreign + held) <= 0.3 + 1e-12)
    # a constant plan given per year is the constant plan
    same = domestic_purchases(np.full((1, 8), 30.0), 3, 5, 0.3, "share_on_offer", 8)
    assert same == pytest.approx(domestic_purchases(30.0, 3, 5, 0.3, "share_on_offer", 8))


def test_content_keeps_pace_with_the_leaders_catalogue():
    p = validate(
        content_foreign_titles_year=10.0,
        regulation_approval_pass_rate=0.5,
        content_window_years=2,
        content_domestic_window_years=3,
        regulation_quota_foreign_share=0.5,
        content_rights_usd_m_per_title=1.0,
        content_subtitle_usd_per_hour=0.0,
        content_dub_share=0.0,
        content_reedit_share=0.0,
        content_domestic_title_usd_m=0.1,
        content_originals_usd_m_year=30.0,
        content_original_usd_m_per_title=15.0,
        content_cost_inflation_year=0.0,
        content_lead_months=6,
        horizon_years=4,
    )
    c, rules = Content.read(PathValues(p)), Rules.read(PathValues(p))
    # the paying market four times month 0's from month 24 on; the leaders spend
    # 4 ** 0.75 = 2.83 times as much on titles costing 4 ** 0.5 = 2 times as much:
    # their catalogue is sqrt 2 times month 0's, and a service keeping half the pace
    # buys 2 ** 0.25 times its plan from then on
    payers = np.where(np.arange(p.months) >= 24, 4.0, 1.0).reshape(1, -1) * 50
    leaders = leaders_catalogue_index(payers, 0.75, 0.5)
    assert leaders[0, 23] == 1.0 and leaders[0, 24] == pytest.approx(np.sqrt(2))
    pace = pace_index(leaders, 0.5)
    plan = content_plan(c, rules, launch=18, months=p.months, pace=pace)
    k = 2**0.25
    # bought at 12 (as planned), 24 and 36 (k times the plan)
    assert plan.yearly["rights"][0, :3] == pytest.approx([10.0, 10.0 * k, 10.0 * k])
    assert plan.yearly["originals"][0, :3] == pytest.approx([30.0, 30.0 * k, 30.0 * k])
    assert plan.cash[0, 12] == pytest.approx(10 + 1 + 30)
    # the quota: foreign submitted 10, 10k: held 10, 10 + 10k, need as many domestic
    # titles (s = 0.5), bought 10 then 10k (3-year windows): 1, k at 0.1 each
    assert plan.yearly["domestic"][0, :2] == pytest.approx([1.0, k])
    assert plan.cash[0, 24] == pytest.approx((10 + 1 + 30) * k)
    # on offer: 5 approved in the launch year, then 5 + 5k; originals 2, then 2 + 2k
    assert plan.foreign[0, 18] == 5 and plan.foreign[0, 30] == pytest.approx(5 + 5 * k)
    assert plan.originals[0, 30] == pytest.approx(2 + 2 * k)
    # keeping no pace is the plan; the leaders' catalogue is 1 without a paying market
    assert np.allclose(
        content_plan(c, rules, 18, p.months, pace=pace_index(leaders, 0.0)).cash,
        content_plan(c, rules, 18, p.months).cash,
    )
    assert np.all(leaders_catalogue_index(np.zeros((1, 5)), 0.75, 0.5) == 1.0)


def test_a_catalogue_keeping_pace_holds_its_place_against_the_leaders():
    # a market whose payers grow 6-fold, then level off: the leaders' catalogue grows
    # by 6 ** 0.17 = 1.35. Foreign titles on offer against it, from the third year on
    # the air: kept within 7 % when the service keeps pace (it buys once a year, the
    # leaders grow every month), falling by the leaders'
    # growth since its purchases when it buys the plan every year
    growing = dict(
        market_online_video_users_m=600.0,
        market_user_growth_year=0.08,
        market_online_video_users_ceiling_m=900.0,
        market_svod_payer_share=0.06,
        market_payer_headroom=4.0,
        market_payer_diffusion_rate_year=1.0,
    )
    solo = MODES["solo"]
    ratios = {}
    for keep in (1.0, 0.0):
        p = validate(**growing, content_keep_pace_share=keep)
        terms = solo.terms(PathValues(p))
        base = solo.base(terms, 18)
        ratios[keep] = (base.plan.foreign / base.reference_titles)[0, 18 + 36 :]
        growth = base.reference_titles[0, -1] / base.reference_titles[0, 0]
    assert growth == pytest.approx(
        (base.payers[0, -1] / base.payers[0, 0]) ** (0.67 - 0.5), rel=1e-12
    )
    assert growth > 1.3  # the check moves
    assert ratios[1.0].max() / ratios[1.0].min() < 1.07
    assert ratios[0.0][0] / ratios[0.0][-1] > 1.02
    assert np.all(ratios[1.0] > ratios[0.0] * 1.2)


def test_payments_follow_each_years_amount():
    pay = payments(np.array([[1.0, 2.0, 4.0]]), 3, 30, 0.0)[0]
    assert list(np.flatnonzero(pay)) == [3, 15, 27] and pay[[3, 15, 27]].tolist() == [1, 2, 4]


def test_yearly_payments_fall_every_twelve_months_and_grow():
    pay = yearly_payments(12.0, first_month=3, months=30, growth_year=0.1)
    assert list(np.flatnonzero(pay[0])) == [3, 15, 27]
    assert pay[0, 15] == pytest.approx(12.0 * 1.1 ** (15 / 12))


def test_amortisation_spreads_each_payment():
    cash = np.zeros((1, 30))
    cash[0, 2] = 24.0
    a = amortise(cash, 12)
    assert np.allclose(a[0, 2:14], 2.0) and a[0, :2].sum() == 0 and a[0, 14:].sum() == 0
    # what falls within the horizon is all expensed
    assert a.sum() == pytest.approx(24.0)
    tail = np.zeros((1, 10))
    tail[0, 5] = 10.0
    assert amortise(tail, 10).sum() == pytest.approx(5.0)  # half beyond the horizon


@pytest.mark.parametrize("n", [1, 7, 12, 30, 31, 45])
def test_the_compiled_amortisation_is_numpy_s_bit_for_bit(n):
    """kernels.straight_line against the numpy passes it replaced (issue 25): the
    running sum less the lagged one, over n, the same bits, a window longer than the
    horizon included; payments of either sign, and -0.0."""
    rng = np.random.default_rng(n)
    cash = np.where(rng.random((9, 31)) < 0.2, rng.normal(0.0, 50.0, (9, 31)), 0.0)
    cash[0, 0] = -0.0
    c = np.cumsum(cash, axis=1)
    lagged = np.zeros_like(c)
    if n < c.shape[1]:
        lagged[:, n:] = c[:, :-n]
    want = (c - lagged) / n
    got = amortise(cash, n)
    assert got.tobytes() == want.tobytes()
    with pytest.raises(ValueError, match="amortise"):
        amortise(cash, 0)
