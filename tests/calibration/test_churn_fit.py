"""Fitting the model's Bass-with-churn recursion to a subscriber stock: known truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.calibration.churn_fit import fit_churn_bass, months_since, stock_path
from models.economics.growth import bass_subscribers
from models.exceptions import ModelError

TRUTH = {"m": 50.0, "p": 0.006, "q": 0.12}
CHURN = 0.04


def quarterly_stock(months=80):
    subs, _, _ = bass_subscribers(
        np.full((1, months), TRUTH["m"]), TRUTH["p"], TRUTH["q"], CHURN, 0
    )
    idx = pd.period_range("2016-01", periods=months, freq="M")
    return pd.Series(subs[0], index=idx)[2::3]  # quarter ends


def test_recovers_known_values_from_clean_quarterly_stocks():
    fit = fit_churn_bass(quarterly_stock(), "2016-01", CHURN)
    for k, v in TRUTH.items():
        assert getattr(fit, k) == pytest.approx(v, rel=1e-4)
    assert np.allclose(fit.resid, 0.0, atol=1e-6)


def test_recovers_from_a_series_observed_late():
    """Observations starting three years after launch (as Netflix's regional series)."""
    s = quarterly_stock()
    late = s[s.index >= pd.Period("2018-12", "M")]
    fit = fit_churn_bass(late, "2016-01", CHURN)
    for k, v in TRUTH.items():
        assert getattr(fit, k) == pytest.approx(v, rel=1e-3)


def test_noise_gives_intervals_that_cover_the_truth():
    covered = 0
    for seed in range(5):
        rng = np.random.default_rng(seed)
        s = quarterly_stock()
        fit = fit_churn_bass(s * np.exp(rng.normal(0, 0.03, len(s))), "2016-01", CHURN)
        ci = fit.conf_int()
        covered += all(ci.loc[k, "lower"] <= v <= ci.loc[k, "upper"] for k, v in TRUTH.items())
        assert fit.p == pytest.approx(TRUTH["p"], rel=0.25)
        assert fit.q == pytest.approx(TRUTH["q"], rel=0.25)
    assert covered >= 3


def test_predict_reproduces_the_fit():
    s = quarterly_stock()
    fit = fit_churn_bass(s, "2016-01", CHURN)
    path = fit.predict(int(fit.months.max()) + 1)
    assert np.allclose(path[fit.months], fit.fittedvalues.to_numpy())


def test_months_since():
    idx = pd.to_datetime(["2016-03-31", "2017-01-31"])
    assert list(months_since(idx, "2016-01")) == [2, 12]


@pytest.mark.parametrize(
    ("stock", "churn", "fragment"),
    [
        (pd.Series([1.0, 2.0]), 0.0, "at least 4"),
        (
            pd.Series(
                [1.0, np.nan, 3.0, 4.0], index=pd.period_range("2020-01", periods=4, freq="M")
            ),
            0.0,
            "missing",
        ),
        (quarterly_stock(), 1.5, "churn=1.5"),
    ],
)
def test_bad_input(stock, churn, fragment):
    with pytest.raises(ModelError, match=fragment):
        fit_churn_bass(stock, "2016-01", churn)


@pytest.mark.parametrize(
    ("m", "p", "q", "c"), [(50, 0.006, 0.12, 0.04), (1, 0.1, 0.5, 0.3), (10, 0.0, 0.2, 0.0)]
)
def test_fast_path_equals_the_model_recursion(m, p, q, c):
    subs, _, _ = bass_subscribers(np.full((1, 90), float(m)), p, q, c, 0)
    assert np.allclose(stock_path(m, p, q, c, 90), subs[0], rtol=1e-12, atol=1e-12)
