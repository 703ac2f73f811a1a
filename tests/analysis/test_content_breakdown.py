"""Tables of the content-cost report against the model and hand computations."""

from __future__ import annotations

import numpy as np
import pytest

from models.analysis import content_breakdown
from models.economics import content
from models.economics.simulation import simulate
from models.inputs.params import validate


def test_build_up_matches_the_budget_the_simulation_pays():
    p = validate(content_cost_inflation_year=0.0, regulation_exit_hazard_solo_year=0.0)
    build = content_breakdown.build_up(p)
    solo = build[build["mode"] == "solo"]["usd_m_year"].sum()
    paid = -simulate(p).modes["solo"].lines["content"][0]
    assert paid[np.flatnonzero(paid)[0]] == pytest.approx(solo)
    assert solo == pytest.approx(float(content.mode_budget(p, "solo").total[0, 0]))
    table = content_breakdown.build_up_table(build)
    assert table.iloc[-1]["Solo"] == pytest.approx(solo)


def test_quota_effect_by_hand():
    p = validate()
    q = content_breakdown.quota_effect(p, np.array([0.3]))
    approved = p.content_foreign_titles_year * p.regulation_approval_pass_rate
    solo = q[q["mode"] == "solo"].iloc[0]
    assert solo["domestic_titles"] == pytest.approx(approved / 0.3)
    assert solo["usd_m_year"] == pytest.approx(approved / 0.3 * p.content_domestic_title_usd_m)
    assert solo["current"]
    partner = q[q["mode"] == "partner"].iloc[0]
    assert partner["domestic_titles"] == pytest.approx(
        approved / 0.3 * (1 - p.partner_quota_cover_share)
    )


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
