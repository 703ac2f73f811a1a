"""Sensitivity of the decision: tornado, Sobol indices and switching values on the model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.analysis import drivers
from models.inputs.params import validate
from tests.conftest import OLD_MARKET


@pytest.fixture(scope="module")
def params():
    # a licence fee wide enough that licensing can lose to staying out
    return validate(license_fee_usd_m_per_title=[0.0, 1.0, 3.0])


def test_npv_by_mode_matches_single_runs(params):
    frame = pd.DataFrame({"license_fee_usd_m_per_title": [0.5, 2.0]})
    many = drivers.npv_by_mode(params, frame)
    for i, fee in enumerate([0.5, 2.0]):
        one = drivers.npv_by_mode(
            validate(license_fee_usd_m_per_title=fee),
            pd.DataFrame(index=[0]),
        )
        assert many.iloc[i].to_numpy() == pytest.approx(one.iloc[0].to_numpy())


def test_a_rows_npv_does_not_depend_on_its_chunk_or_thread(monkeypatch):
    # own services that run to the horizon (cheap content and platform), with foreign
    # windows that differ by row above a domestic one of 2 years: a chunk-level aggregate
    # of them (as the content cycle was before b8466f8) would move a row's continuing
    # value with its neighbours'
    params = validate(
        content_rights_usd_m_per_title=0.05,
        content_originals_usd_m_year=0.0,
        content_domestic_title_usd_m=0.01,
        content_domestic_window_years=2,
        finance_fixed_usd_m_year=5.0,
    )
    frame = pd.DataFrame(
        {
            "content_window_years": [5, 2, 3, 5, 2, 4, 2],
            "license_fee_usd_m_per_title": np.linspace(0.2, 2.0, 7),
            # each row its own rate: a chunk must discount its rows at theirs
            "finance_discount_rate_year": [0.08, 0.12, 0.1, 0.15, 0.09, 0.11, 0.13],
        }
    )
    monkeypatch.setattr(drivers, "WORKERS", 1)
    whole = drivers.npv_by_mode(params, frame)
    monkeypatch.setattr(drivers, "ROWS", 3)  # chunks of 3, 3 and 1 rows
    monkeypatch.setattr(drivers, "WORKERS", 2)
    pd.testing.assert_frame_equal(drivers.npv_by_mode(params, frame), whole, check_exact=True)
    assert (whole["solo"] > 0).sum() >= 3  # the services ran to the horizon on some rows
    assert whole["solo"].nunique() == 7 and whole["license"].nunique() == 7  # and moved


def test_tornado(params):
    table = drivers.tornado(params, "license", "stay_out")
    assert set(table["input"]) == set(params.distributions)
    assert table["swing"].is_monotonic_decreasing
    top = table.iloc[0]
    assert top["input"] == "license_fee_usd_m_per_title"
    assert top["npv_high"] > top["npv_low"]  # a higher fee earns more
    # the swing ends are the input's 5th and 95th percentiles
    d = params.distributions["license_fee_usd_m_per_title"]
    assert top["low"] == pytest.approx(float(d.ppf(np.array([0.05]))[0]))
    # inputs that licensing does not use do not move its margin over staying out
    solo_only = table.set_index("input").loc["regulation_exit_hazard_solo_year"]
    assert solo_only["swing"] == pytest.approx(0.0, abs=1e-9)


def test_switching_value_is_where_the_margin_vanishes(params):
    table = drivers.switching_values(params, "license", ["license_fee_usd_m_per_title"])
    row = table.iloc[0]
    assert row["direction"] == "below" and row["winner"] == "stay_out"
    at = drivers.npv_by_mode(params, pd.DataFrame({"license_fee_usd_m_per_title": [row["value"]]}))
    assert float(drivers.margin(at, "license").iloc[0]) == pytest.approx(0.0, abs=1e-6)
    assert "falls below US$" in row["sentence"]


def test_switching_value_absent_says_so():
    p = validate()
    table = drivers.switching_values(p, "license", ["regulation_exit_hazard_solo_year"])
    assert np.isnan(table.iloc[0]["value"])
    assert "stays best whatever" in table.iloc[0]["sentence"]


def test_sobol_on_the_model(params):
    table = drivers.sobol(params, "license", "stay_out", n=64)
    assert table.iloc[0]["input"] == "license_fee_usd_m_per_title"
    assert table.iloc[0]["ST"] > 0.5
    # inputs licensing does not use have no effect
    solo = table.set_index("input").loc["regulation_exit_hazard_solo_year"]
    assert abs(solo["ST"]) < 1e-9
    assert drivers.sobol(validate(sobol_samples=0), "license", "stay_out").empty


def test_the_frontier_finds_where_an_own_service_becomes_best():
    """In the market as it was before a catalogue was measured against a leader's, the
    partnership trails; the share of payers open to a foreign service
    is among what moves it most, and at the value found the partnership ties with the
    best other way, losing just below and winning just above; a driver that never makes
    it best says so. (In base no input alone makes an own service the best way in.)"""
    p = validate(OLD_MARKET)
    table = drivers.frontier(p, ["solo", "partner"])
    assert set(table["mode"]) == {"solo", "partner"}
    # every uncertain input is scanned, crossings first, nearest first
    assert (table.groupby("mode").size() == len(p.distributions)).all()
    for _, part in table.groupby("mode"):
        assert part["distance"].is_monotonic_increasing
        assert part["value"].notna().iloc[0]
    assert (table["margin_base"] < 0).all()  # neither is best as set
    row = table[(table["mode"] == "partner") & (table["input"] == "market_foreign_premium_share")]
    assert len(row) == 1
    value = float(row["value"].iloc[0])
    assert row["direction"].iloc[0] == "above" and value > p.market_foreign_premium_share
    npv = drivers.npv_by_mode(
        p, pd.DataFrame({"market_foreign_premium_share": [value * 0.98, value, value * 1.02]})
    )
    edge = drivers.margin(npv, "partner").to_numpy()
    assert edge[0] < 0 < edge[2] and abs(edge[1]) < 1e-3 * np.abs(npv.to_numpy()).max()
    assert "would be the best way in if the share of payers" in row["sentence"].iloc[0]
    never = table[table["value"].isna()]
    assert len(never) and all(s.startswith("No ") for s in never["sentence"])
