"""Netflix's APAC launch, replayed with the model's own equations (issue 9)."""

from __future__ import annotations

import warnings

import pytest

from models.calibration.replay import MARKETING_RANGE, apac_replay
from models.exceptions import ModelWarning
from models.inputs.params import validate


@pytest.fixture(scope="module")
def replay():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        return apac_replay(validate())


def test_subscribers_at_month_36_within_the_backtest_error(replay):
    assert replay.reported_m == pytest.approx(10.607)  # data/raw, 2018Q4, derived_SEC
    assert replay.error <= replay.allowed and replay.subscribers_ok
    assert replay.error < 0.1  # and in fact close


def test_marketing_in_years_two_and_three_is_netflixs_share(replay):
    share = replay.yearly["marketing_share"]
    low, high = MARKETING_RANGE
    for year in (2, 3):
        assert low - 0.005 <= share[year] <= high + 0.005, (year, share[year])
    assert replay.marketing_ok
    # launch years cost more, mature ones less: first-time sign-ups dominate early on
    assert share[1] > share[2] > share[3] > share[4]
    assert (replay.yearly["returning_adds_m"] >= 0).all()


def test_the_replay_bites_when_acquisition_costs_more():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        dear = apac_replay(validate(growth_cac_months=4.0))
    assert not dear.marketing_ok
    assert dear.yearly["marketing_share"][2] > MARKETING_RANGE[1]
