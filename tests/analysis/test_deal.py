"""The deal zone: its ends are where one side breaks even, and it can be empty."""

from __future__ import annotations

import numpy as np
import pytest

from models.analysis.deal import deal_zone, npvs_at_share, partner_cash_flow, walk_away
from models.economics.simulation import simulate
from models.inputs.params import validate
from tests.conftest import PLAN_YARDSTICK

PROFITABLE = {
    "market_foreign_premium_share": 0.5,
    **PLAN_YARDSTICK,
    "growth_cac_months": 1.0,
    "content_originals_usd_m_year": 0.0,
}


@pytest.fixture(scope="module")
def zone():
    return deal_zone(validate(PROFITABLE))


def test_the_ends_are_where_one_side_breaks_even(zone):
    p = validate(PROFITABLE)
    assert zone.exists and 0.0 < zone.low < zone.high < 1.0
    _, partner_low = npvs_at_share(p, zone.low)
    streamer_high, _ = npvs_at_share(p, zone.high)
    assert partner_low == pytest.approx(0.0, abs=1e-3)  # the partner breaks even
    assert streamer_high == pytest.approx(zone.alternative_npv, abs=1e-3)  # indifferent
    inside = (zone.low + zone.high) / 2
    streamer_mid, partner_mid = npvs_at_share(p, inside)
    assert streamer_mid > zone.alternative_npv and partner_mid > 0


def test_in_words_names_the_range(zone):
    text = zone.in_words()
    assert f"{zone.low:.0%}" in text and f"{zone.high:.0%}" in text


def test_no_zone_when_the_streamer_prefers_its_alternative_at_any_share():
    z = deal_zone(validate(), points=11)
    assert not z.exists and z.high is None
    assert z.alternative == "license"
    assert z.in_words().startswith("No deal zone: at any share the streamer")


def test_a_costlier_partner_narrows_the_zone(zone):
    costly = deal_zone(validate({**PROFITABLE, "partner_serving_usd_per_sub_month": 0.4}))
    assert costly.low > zone.low and costly.high == pytest.approx(zone.high, abs=1e-6)


def test_partner_cash_flow_by_hand():
    p = validate(
        {
            **PROFITABLE,
            "partner_serving_usd_per_sub_month": 0.0,
            "partner_library_usd_m_per_title": 0.0,
            "partner_reach_gain_usd_m_year": 12.0,
        }
    )
    r = simulate(p)
    cf = partner_cash_flow(r)
    expected = -r.modes["partner"].lines["partner_share"] + 1.0 * r.modes["partner"].operating
    assert np.allclose(cf, expected)


def test_walk_away_is_the_best_other_mode():
    p = validate(PROFITABLE)
    name, value = walk_away(p)
    s = simulate(p).summary["npv_usd_m"].drop("partner")
    assert name == s.idxmax() and value == pytest.approx(s.max())
