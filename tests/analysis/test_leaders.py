"""Content against the leaders: iQIYI's reported economics by hand, own services' content
per subscriber-year, and the money-machine test at every input's range ends."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.analysis import leaders
from models.economics.simulation import simulate
from models.inputs.params import validate
from models.inputs.scenario import load
from tests.conftest import ROOT


def test_the_leaders_figures_by_hand():
    table = leaders.leader()
    # 2019: RMB 22.2 bn over the mean of 87.4 M (end 2018) and 106.9 M (end 2019) members
    assert table.loc[2019, "members_m"] == pytest.approx((87.4 + 106.9) / 2)
    assert table.loc[2019, "content_per_member_rmb"] == pytest.approx(22.2e3 / 97.15)
    assert table.loc[2019, "content_share"] == pytest.approx(22.2 / 29.0)
    assert table.loc[2016, "content_over_membership"] == pytest.approx(7.86 / 3.76)
    # 2015 has no members at the end of 2014, 2017 no confirmed content cost
    assert np.isnan(table.loc[2015, "members_m"]) and np.isnan(table.loc[2017, "content_rmb_bn"])
    per_member = table["content_per_member_rmb"].dropna()
    assert 195 < per_member.min() < 215 and 480 < per_member.max() < 520
    p = validate()
    assert leaders.floor_usd(p, table) == pytest.approx(per_member.min() / p.pricing_fx_cny_per_usd)


def test_own_services_add_up_to_the_lines():
    p = load(ROOT / "data/scenarios/letv_2015.yaml")
    own = leaders.own_services(p)
    res = simulate(p, started=True)
    for mode in leaders.own_modes():
        mine = own[own["mode"] == mode]
        r = res.modes[mode]
        shape = np.shape(r.committed_cash_flow)
        paid = -np.broadcast_to(r.conditional["content"], shape)[0]
        launch = int(r.launch_month)
        # every month from the launch on is in a year of the table, and the content paid
        # in those years is the line's
        first = res.dates[launch].year
        in_years = paid[[d.year >= first for d in res.dates]].sum()
        assert mine["content_usd_m"].sum() == pytest.approx(in_years)
        assert mine["content_per_sub_usd"].to_numpy() == pytest.approx(
            (mine["content_usd_m"] / mine["subscribers_m"]).to_numpy()
        )
        assert mine["year"].min() == first


@pytest.mark.parametrize("name", ["base", "letv_2015", "crackdown"])
def test_no_range_end_alone_makes_an_own_service_earn(name):
    p = load(ROOT / f"data/scenarios/{name}.yaml")
    ends = leaders.range_ends(p)
    assert set(ends["mode"]) == set(leaders.own_modes())
    assert len(ends) == len(leaders.own_modes()) * (1 + 2 * len(p.distributions))
    assert (ends["npv"] <= 0).all()  # so no money machine either, and the report says why
    assert leaders.money_machines(ends, leaders.floor_usd(p)).empty
    for mode in leaders.own_modes():
        npv = ends.loc[ends["mode"] == mode, "npv"]
        # not vacuous: the ends move the committed value by hundreds of millions
        assert npv.max() - npv.min() > 100.0, (name, mode)
    text = " ".join(leaders.findings(p, ends))
    assert "alone, makes an own service earn at all" in text


def test_inputs_drawn_together_find_what_single_ends_miss():
    # base: no single range end makes an own service earn; drawn together, some input
    # sets do, and the report says on what content
    p = load(ROOT / "data/scenarios/base.yaml")
    drawn = leaders.joint(p, 600)
    assert len(drawn) == 600 * len(leaders.own_modes())
    earn = drawn[drawn["npv"] > 0]
    assert 0 < len(earn) < len(drawn)
    for mode in leaders.own_modes():
        mine = drawn[drawn["mode"] == mode]
        assert mine["path"].tolist() == list(range(600))
    # the same input set, alone through the engine, gives the same value
    row = earn.iloc[0]
    one = leaders.montecarlo.draw_inputs(p, 600).iloc[[int(row["path"])]]
    res = simulate(p, one, started=True)
    committed = leaders.finance.npv(res.modes[row["mode"]].committed_cash_flow, res.rate)
    assert float(np.ravel(committed)[0]) == pytest.approx(row["npv"])
    text = leaders.findings(p, leaders.range_ends(p), drawn)
    assert any("input sets drawn together" in t and "make it earn" in t for t in text)


def test_a_money_machine_is_caught():
    # an open, price-insensitive market that spreads fast: an own service earns billions
    # on a couple of dollars of content per subscriber-year
    p = validate(
        market_foreign_premium_share=[0.5, 0.6, 0.7],
        growth_q_imitation_month=[0.2, 0.25, 0.3],
        market_price_elasticity=[-0.6, -0.5, -0.4],
    )
    ends = leaders.range_ends(p)
    machines = leaders.money_machines(ends, leaders.floor_usd(p))
    assert len(machines) > 10
    assert (machines["npv"] > 1000).any() and (machines["content_per_sub_usd"] < 5).all()
    assert "range ends make an own service earn" in leaders.findings(p, ends)[-1]
    # the same rows are not machines if the leader had paid nothing for content
    assert leaders.money_machines(ends, 0.0).empty


def test_money_machines_needs_both_conditions():
    ends = pd.DataFrame(
        {"npv": [10.0, 10.0, -5.0], "content_per_sub_usd": [5.0, 50.0, 5.0], "mode": ["solo"] * 3}
    )
    assert leaders.money_machines(ends, 30.0).index.tolist() == [0]
