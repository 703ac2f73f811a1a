"""Hold-out backtests: accuracy measures by hand, Bass against ETS and naive benchmarks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.calibration.backtest import (
    FORECAST_METHODS,
    Backtest,
    backtest,
    drift_forecast,
    mape,
    mase,
    naive_forecast,
)
from models.calibration.bass import bass_cdf
from models.exceptions import MarketEntryError, ModelWarning, ParameterError

# -- accuracy measures by hand ----------------------------------------------------------


def test_mape_by_hand():
    # |100-110|/100 = 10 %, |200-190|/200 = 5 %, |50-50|/50 = 0 %  -> mean 5 %
    assert np.isclose(mape([100.0, 200.0, 50.0], [110.0, 190.0, 50.0]), 5.0)
    assert np.isclose(mape([-10.0], [-12.0]), 20.0)  # percentage of |actual|
    assert np.isnan(mape([0.0, 1.0], [1.0, 1.0]))  # undefined at a zero actual


def test_mase_by_hand():
    train = [1.0, 3.0, 2.0, 5.0]  # naive one-step errors 2, 1, 3 -> scale 2
    # forecast errors |6-7| = 1, |8-5| = 3 -> MAE 2 -> MASE 1
    assert np.isclose(mase([6.0, 8.0], [7.0, 5.0], train), 1.0)
    assert np.isclose(mase([6.0], [6.5], train), 0.25)
    # seasonal scale, m = 2: |2-1|, |5-3| -> 1.5
    assert np.isclose(mase([6.0, 8.0], [7.0, 5.0], train, m=2), 2.0 / 1.5)
    assert np.isnan(mase([1.0], [2.0], [3.0, 3.0, 3.0]))  # constant training: scale 0


def test_measures_reject_bad_shapes():
    with pytest.raises(ParameterError, match="same length"):
        mape([1.0, 2.0], [1.0])
    with pytest.raises(ParameterError, match="at least one value"):
        mase([], [], [1.0, 2.0])
    with pytest.raises(ParameterError, match="more than m = 2 values"):
        mase([1.0], [1.0], [1.0, 2.0], m=2)
    with pytest.raises(ParameterError, match="m must be an integer"):
        mase([1.0], [1.0], [1.0, 2.0], m=0)


def test_benchmark_forecasts_by_hand():
    train = np.array([10.0, 12.0, 16.0])
    assert np.array_equal(naive_forecast(train, 2), [16.0, 16.0])
    assert np.array_equal(drift_forecast(train, 2), [19.0, 22.0])  # slope (16 - 10) / 2


# -- backtests --------------------------------------------------------------------------

M, P, Q = 100.0, 0.03, 0.38


def bass_stock(n: int = 15) -> pd.Series:
    """Subscribers at the end of periods 1..n on the exact Bass curve, indexed by year."""
    t = np.arange(1, n + 1, dtype=float)
    return pd.Series(M * bass_cdf(t, P, Q), index=2000 + t.astype(int))


def check_shapes(bt: Backtest, holdout: int) -> None:
    fc, sc = bt.forecasts, bt.scores
    assert list(fc.columns) == ["method", "horizon", "label", "actual", "forecast"]
    assert len(fc) == holdout * len(FORECAST_METHODS)
    assert list(fc["method"].unique()) == list(FORECAST_METHODS)
    for _, g in fc.groupby("method"):
        assert list(g["horizon"]) == list(range(1, holdout + 1))
    assert list(sc.columns) == ["mape_pct", "mase"] and sc.index.name == "method"
    assert list(sc.index) == list(FORECAST_METHODS)


@pytest.mark.parametrize("bass_method", ["nls", "ols"])
def test_bass_wins_on_a_clean_bass_stock(bass_method):
    stock = bass_stock()
    bt = backtest(stock, 3, bass_method=bass_method)
    check_shapes(bt, 3)
    assert bt.winner == "bass"
    assert list(bt.forecasts["label"].iloc[:3]) == [2013, 2014, 2015]
    assert np.allclose(bt.forecasts["actual"].iloc[:3], stock.iloc[-3:])
    if bass_method == "nls":
        # exact curve, exact model: measured MAPE 5e-15 %
        assert bt.scores.loc["bass", "mape_pct"] < 1e-6
        assert np.isclose(bt.bass_fit.m, M, rtol=1e-4)
    else:
        # OLS carries its discrete-time bias into the forecast (measured 1.25 %, MASE 0.15;
        # naive 4.9 %, MASE 0.59)
        assert bt.scores.loc["bass", "mape_pct"] < 2.0
    assert np.isfinite(bt.scores.to_numpy()).all() and not bt.failures


def test_clean_stock_observed_after_launch():
    """Levels of periods 4..15 with ``initial=None``: the first level is the base and
    adoptions start at period 5, so ``start_period=4`` keeps the clock right."""
    stock = bass_stock().iloc[3:]
    bt = backtest(stock, 3, start_period=4, initial=None)
    assert bt.winner == "bass" and bt.scores.loc["bass", "mape_pct"] < 1e-6
    assert np.allclose([bt.bass_fit.m, bt.bass_fit.p, bt.bass_fit.q], [M, P, Q], rtol=1e-4)


def test_drift_wins_on_a_straight_line():
    """A straight line has constant adoptions, which Bass can only mimic at the bounds of
    its parameters (a ModelWarning: no standard errors); drift is exact and wins; every
    score is finite."""
    line = pd.Series(10.0 + 5.0 * np.arange(12.0))
    with pytest.warns(ModelWarning, match="rank-deficient"):
        bt = backtest(line, 3, initial=5.0)
    check_shapes(bt, 3)
    assert bt.winner == "drift" and bt.scores.loc["drift", "mase"] < 1e-9
    assert np.isfinite(bt.scores.to_numpy()).all()
    assert bt.scores.loc["ets_damped", "mase"] < bt.scores.loc["naive", "mase"]
    assert np.isclose(bt.scores.loc["naive", "mase"], 2.0)  # errors 5, 10, 15 over scale 5


def test_short_training_scores_nan_instead_of_failing():
    """Four training levels: too few for ETS (needs 5), Bass fits its 4 adoptions; with
    three, Bass fails too. Failures are warned (ModelWarning) and recorded, not raised."""
    line = pd.Series(10.0 + 5.0 * np.arange(6.0))
    with pytest.warns(ModelWarning) as caught:
        bt = backtest(line, 2, initial=5.0)
    check_shapes(bt, 2)
    assert np.isnan(bt.scores.loc["ets_damped"]).all()
    assert "ets_damped" in bt.failures
    assert any("ets_damped could not be fitted" in str(w.message) for w in caught)
    assert np.isfinite(bt.scores.loc["bass"]).all()

    with pytest.warns(ModelWarning, match="bass could not be fitted"):
        bt = backtest(line, 3, initial=5.0)
    assert set(bt.failures) == {"bass", "ets_damped"} and bt.bass_fit is None
    assert bt.forecasts.query("method == 'bass'")["forecast"].isna().all()
    assert bt.winner == "drift"


def test_ols_failure_is_recorded():
    """OLS on accelerating adoptions has no valid root: recorded, NaN, not raised."""
    stock = pd.Series(np.cumsum([1.0, 2.0, 6.0, 24.0, 120.0, 720.0, 5040.0, 40320.0]))
    bt = backtest(stock, 2, bass_method="ols")
    assert "no valid positive root" in bt.failures["bass"]
    assert np.isnan(bt.scores.loc["bass", "mase"])


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([1.0, 2.0, 3.0], 1), {}, "pandas Series"),
        ((pd.Series([1.0, 2.0, 3.0, 4.0]), 0), {}, "holdout must be an integer >= 1"),
        ((pd.Series([1.0, 2.0, 3.0, 4.0]), 3), {}, "leaves 1 training observations"),
        ((pd.Series([1.0, 2.0, 3.0, 4.0]), 1), {"bass_method": "x"}, "bass_method"),
        ((pd.Series([1.0, 2.0, 3.0, 4.0]), 1), {"season_length": 3}, "season_length"),
        ((pd.Series([1.0, 2.0, 3.0, 4.0]), 1), {"start_period": 0}, "start_period"),
        ((pd.Series([1.0, np.nan, 3.0, 4.0]), 1), {}, "missing value"),
    ],
)
def test_bad_input_raises_one_line(args, kwargs, match):
    with pytest.raises(MarketEntryError, match=match) as info:
        backtest(*args, **kwargs)
    assert "\n" not in str(info.value)
