"""Hindcast: the decision at the start of 2016 against the paying market reported in
2016-2019. It must pass for letv_2015 and fail for a market frozen in 2015 and for one
that grows too little, so that passing says something."""

from __future__ import annotations

import numpy as np
import pytest

from models.analysis import hindcast
from models.inputs import scenario
from tests.conftest import ROOT

YEARS = range(2016, 2020)


def _load(**overrides):
    return scenario.load(ROOT / "data/scenarios/letv_2015.yaml", overrides)


@pytest.fixture(scope="module")
def table():
    return hindcast.hindcast(_load(), YEARS, n_paths=4000)


def test_the_reports_are_what_the_files_say():
    r = hindcast.reports(YEARS)
    assert sorted(r.loc[2016, "reported"]) == [61.3, 75.0]  # Analysys; iResearch via CGTN
    assert r.loc[2016, "leader"] == 30.0  # Youku's 30 M beats iQIYI's 20.3 M
    assert r.loc[2017, "leader"] == 50.8 and r.loc[2017, "leader_source"] == "iQIYI (verified)"
    assert r.loc[2019, "leader"] == 106.9
    # Entgroup's 230 M for 2018 is a count; its 2016 "passed 75 M" and February 2018's
    # "above 180 M" are not upper bounds and are left out
    assert r.loc[2018, "memberships"] == 230.0
    assert np.isnan(r.loc[2016, "memberships"]) and np.isnan(r.loc[2017, "memberships"])
    assert r.loc[2019, "reported"] == ()


def test_the_2016_decision_sees_the_paying_market_that_came(table):
    """2016's reports inside the 90 % band; the median above the largest platform's
    members every year and below 2018's paid memberships; every check has a report."""
    assert hindcast.passed(table), table
    assert table["reported_in_band"].notna().sum() == 1
    assert table["above_leader"].notna().sum() == 4
    assert table["below_memberships"].notna().sum() == 1
    assert np.all(table["p5"] < table["median"]) and np.all(table["median"] < table["p95"])


def test_a_frozen_market_fails_the_same_hindcast(table):
    """Holding 2015's paying share: 2016's reports above it, and the whole market
    below iQIYI alone from 2017 on."""
    frozen = hindcast.checks(table, "frozen")
    assert frozen.loc[2016, "reported_in_band"] == 0.0
    assert not frozen.loc[[2017, 2018, 2019], "above_leader"].any()


def test_a_market_that_grows_too_little_fails():
    """A most likely headroom of 2.5 (the range's ends as set, 2 and 10) is too little:
    the hindcast tells it from 4; it passes from 3 to 6 (letv_2015.yaml)."""
    modest = hindcast.hindcast(_load(market_payer_headroom=[2.0, 2.5, 10.0]), YEARS, 4000)
    assert not hindcast.passed(modest)


def test_the_findings_say_it_in_words(table):
    lines = hindcast.findings(table)
    assert lines[0].startswith("2016: median") and "inside the band" in lines[0]
    assert "below the 230 M paid memberships" in lines[2]
    assert lines[-1].endswith("fails the same checks.")
    assert not any(word in " ".join(lines) for word in ("OUTSIDE", "BELOW", "ABOVE"))


def test_a_scenario_after_the_years_is_refused():
    with pytest.raises(ValueError, match="start before the scenario"):
        hindcast.hindcast(_load(), [2014], n_paths=100)
