"""Tables of the content-cost report against the model and hand computations."""

from __future__ import annotations

import numpy as np
import pytest

from models.analysis import content_breakdown
from models.economics.modes import MODES
from models.economics.simulation import simulate
from models.economics.terms import PathValues
from models.inputs.params import validate


def test_build_up_matches_the_budget_the_simulation_pays():
    # month-0 prices throughout: no inflation, and no paying market bidding them up (the
    # plan is bought as it stands every year: content_keep_pace_share is 0)
    p = validate(
        content_cost_inflation_year=0.0,
        content_market_price_elasticity=0.0,
        regulation_exit_hazard_solo_year=0.0,
    )
    build = content_breakdown.build_up(p)
    solo = build[build["mode"] == "solo"]["usd_m_year"].sum()
    paid = -simulate(p).modes["solo"].committed_lines["content"][0]
    solo_mode = MODES["solo"]
    terms = solo_mode.terms(PathValues(p))
    plan = solo_mode.content_plan(terms, p.regulation_launch_delay_solo_months)
    yearly = sum(plan.yearly.values())[0]
    due = np.flatnonzero(paid)
    assert paid[due] == pytest.approx(yearly[: len(due)])  # each content year, paid up front
    assert solo == pytest.approx(yearly[: p.horizon_years].mean())  # the horizon's average
    assert solo == pytest.approx(float(solo_mode.content_budget(terms).total[0, 0]))
    table = content_breakdown.build_up_table(build)
    assert table.iloc[-1]["Solo"] == pytest.approx(solo)


def test_quota_effect_by_hand():
    # 80 foreign titles a year kept 3 years need 80 x 7/3 = 186.7 domestic titles a year
    # for three years; 5-year windows: bought in years 0-2 and 5-7, 6 of 10 years
    p = validate()
    q = content_breakdown.quota_effect(p, np.array([0.3]))
    per_year = 6 * 80 * (0.7 / 0.3) / 10
    solo = q[q["mode"] == "solo"].iloc[0]
    assert solo["domestic_titles"] == pytest.approx(per_year)
    assert solo["usd_m_year"] == pytest.approx(per_year * p.content_domestic_title_usd_m)
    assert solo["current"]
    partner = q[q["mode"] == "partner"].iloc[0]
    assert partner["domestic_titles"] == pytest.approx(per_year * (1 - p.partner_quota_cover_share))
    # the 2014 rule buys 1 / 0.3 domestic titles per foreign title every year
    old = content_breakdown.quota_effect(p.replace(regulation_quota_rule="yearly_ratio"), [0.3])
    assert old.iloc[0]["domestic_titles"] == pytest.approx(80 / 0.3)


def test_reedit_example_is_the_empresses_case():
    p = validate(content_reedit_usd_per_source_hour=1000.0, content_subtitle_usd_per_hour=100.0)
    t = content_breakdown.reedit_example(p).set_index("item")
    assert t.loc["Source runtime", "hours"] == 57.0
    assert t.loc["Delivered runtime", "hours"] == 9.0
    assert t.loc["Total with subtitles", "usd"] == pytest.approx(57_000 + 900)


def test_cash_vs_amortised_accounts():
    r = simulate(validate(regulation_exit_hazard_solo_year=0.0))
    t = content_breakdown.cash_vs_amortised(r, "solo")
    assert t["cash_paid"].sum() >= t["amortised"].sum()
    assert t["cumulative_gap"].iloc[-1] == pytest.approx(
        t["cash_paid"].sum() - t["amortised"].sum()
    )
