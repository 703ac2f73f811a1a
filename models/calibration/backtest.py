"""Hold-out backtest of subscriber forecasts: Bass against ETS and naive benchmarks.

The backtest works on the subscriber STOCK (levels, e.g. millions of subscribers at the
end of each period), because that is what analysts forecast and what the reports show.
The last ``holdout`` observations are held out; each method is fitted on the rest and
forecasts the held-out levels ``h = 1 .. holdout`` periods ahead:

``bass``
    :func:`models.calibration.bass.fit_bass` on the adoptions (net adds) implied by the
    training levels; forecast level = last training level + cumulative predicted
    adoptions.
``ets_damped``
    Exponential smoothing with additive damped trend (Gardner & McKenzie 1985), fitted
    with statsmodels' ``ExponentialSmoothing`` on the training levels.
``naive``
    The last training level, for every horizon.
``drift``
    The last training level plus ``h`` times the average change over the training
    levels (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 5.2).

Accuracy is scored with MAPE (percent) and MASE, the mean absolute error scaled by the
in-sample mean absolute (seasonal) naive one-step error of the training levels (Hyndman &
Koehler 2006). A MASE below 1 beats the in-sample naive forecast. A method that cannot be
fitted (ETS on fewer than 5 levels, Bass on fewer than 4 adoptions, an OLS Bass fit without
a valid root) gets NaN forecasts and scores and a logged warning, not an exception.

References
----------
Gardner, E. S. & McKenzie, E. (1985). Forecasting trends in time series. Management
Science 31(10), 1237-1246.

Hyndman, R. J. & Khandakar, Y. (2008). Automatic time series forecasting: the forecast
package for R. Journal of Statistical Software 27(3), 1-22.

Hyndman, R. J. & Koehler, A. B. (2006). Another look at measures of forecast accuracy.
International Journal of Forecasting 22(4), 679-688.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from statsmodels.tsa.holtwinters import ExponentialSmoothing

from models.calibration.bass import METHODS as BASS_METHODS
from models.calibration.bass import BassFit, _check_series, _check_start, fit_bass
from models.exceptions import MarketEntryError, ParameterError, warn_model

log = logging.getLogger(__name__)


FORECAST_METHODS = ("bass", "ets_damped", "naive", "drift")
MIN_TRAIN = 2  # the drift forecast and the MASE scale need two training levels
# Damped additive-trend ETS estimates 5 quantities (alpha, beta, phi, initial level and
# trend); with fewer training levels than that it is not fitted (a pragmatic floor: the
# forecast package of Hyndman & Khandakar (2008) asks for more before it tries this model).
ETS_MIN_OBS = 5


# -- accuracy measures ------------------------------------------------------------------


def _pair(actual: ArrayLike, forecast: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(actual, dtype=float).ravel()
    f = np.asarray(forecast, dtype=float).ravel()
    if a.size == 0:
        raise ParameterError("actual must hold at least one value, got none")
    if a.shape != f.shape:
        raise ParameterError(
            f"actual and forecast must have the same length, got {a.size} and {f.size}"
        )
    return a, f


def mape(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Mean absolute percentage error, in percent.

    ``100 * mean(|actual - forecast| / |actual|)``. NaN (with a logged warning) if an
    actual value is 0, where the percentage error is undefined; NaN if a forecast is NaN.

    Parameters
    ----------
    actual, forecast : array-like
        Observed and forecast values of the same length, in the same units.

    Returns
    -------
    float
        MAPE in percent (5.0 means 5 %).
    """
    a, f = _pair(actual, forecast)
    if np.any(a == 0.0):
        warn_model("MAPE is undefined when an actual value is 0; returning NaN")
        return float("nan")
    return float(100.0 * np.mean(np.abs(a - f) / np.abs(a)))


def mase(actual: ArrayLike, forecast: ArrayLike, train: ArrayLike, m: int = 1) -> float:
    """Mean absolute scaled error (Hyndman & Koehler 2006).

    ``mean(|actual - forecast|) / mean(|train[t] - train[t - m]|)``: the forecast's mean
    absolute error divided by the in-sample mean absolute error of the one-step (seasonal,
    lag ``m``) naive forecast on the training data. NaN (with a logged warning) if the
    training data are constant at lag ``m``, where the scale is 0.

    Parameters
    ----------
    actual, forecast : array-like
        Observed and forecast values of the same length.
    train : array-like
        The training series the forecast was fitted on, in time order.
    m : int, default 1
        Seasonal period of the naive scale (1 for non-seasonal data).

    Returns
    -------
    float
        MASE, unitless; below 1 beats the in-sample naive forecast.
    """
    a, f = _pair(actual, forecast)
    if isinstance(m, bool) or not isinstance(m, int | np.integer) or m < 1:
        raise ParameterError(f"m must be an integer >= 1, got {m!r}")
    y = np.asarray(train, dtype=float).ravel()
    if y.size <= m:
        raise ParameterError(f"train needs more than m = {m} values, got {y.size}")
    scale = float(np.mean(np.abs(y[m:] - y[:-m])))
    if not scale > 0.0:
        warn_model("MASE scale is 0 (training data constant at lag %d); returning NaN", m)
        return float("nan")
    return float(np.mean(np.abs(a - f)) / scale)


# -- the forecasters: each maps training levels to forecasts for h = 1..horizon ---------


def naive_forecast(train: np.ndarray, horizon: int) -> np.ndarray:
    """The last training level for every horizon."""
    return np.full(horizon, train[-1], dtype=float)


def drift_forecast(train: np.ndarray, horizon: int) -> np.ndarray:
    """Last level plus ``h`` times the mean change over the training levels."""
    slope = (train[-1] - train[0]) / (len(train) - 1)
    return train[-1] + slope * np.arange(1, horizon + 1)


def ets_damped_forecast(train: np.ndarray, horizon: int) -> np.ndarray:
    """Additive damped-trend exponential smoothing (statsmodels), fitted by SSE.

    Raises ValueError with fewer than ``ETS_MIN_OBS`` training levels. Warnings from
    statsmodels (e.g. failed convergence) are logged, not raised.
    """
    if len(train) < ETS_MIN_OBS:
        raise ValueError(
            f"ETS needs at least {ETS_MIN_OBS} training observations, got {len(train)}"
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = ExponentialSmoothing(
            np.asarray(train, dtype=float),
            trend="add",
            damped_trend=True,
            initialization_method="estimated",
        )
        out = np.asarray(model.fit().forecast(horizon), dtype=float)
    for w in caught:
        warn_model("ETS: %s", w.message)
    if not np.all(np.isfinite(out)):
        raise ValueError("ETS produced non-finite forecasts")
    return out


def bass_level_forecast(
    train: np.ndarray,
    horizon: int,
    *,
    method: str,
    start_period: int,
    initial: float | None,
) -> tuple[np.ndarray, BassFit]:
    """Bass fitted on the adoptions implied by the training levels, forecast as levels.

    Adoptions are ``train[0] - initial`` (period ``start_period``) and the differences
    after it; with ``initial=None`` the first level is only the base, and adoptions start
    one period later. The forecast is ``train[-1]`` plus cumulative predicted adoptions.
    """
    if initial is None:
        adds = np.diff(train)
        first, base = start_period + 1, float(train[0])
    else:
        adds = np.concatenate([[train[0] - initial], np.diff(train)])
        first, base = start_period, float(initial)
    fit = fit_bass(pd.Series(adds), method, start_period=first, initial=base)
    last = first + len(adds) - 1
    future = np.asarray(fit.predict(last + np.arange(1, horizon + 1)), dtype=float)
    return train[-1] + np.cumsum(future), fit


# -- the backtest -----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Backtest:
    """Result of :func:`backtest`.

    Attributes
    ----------
    forecasts : pandas.DataFrame
        Tidy: one row per method and horizon, with columns ``method``, ``horizon``
        (1..holdout), ``label`` (the index label of the held-out period), ``actual``
        and ``forecast`` (levels, units of the series).
    scores : pandas.DataFrame
        One row per method (index ``method``): ``mape_pct`` (percent) and ``mase``.
    winner : str or None
        The method with the lowest MASE (None if no method could be scored).
    bass_fit : BassFit or None
        The Bass model fitted on the training data, if it could be fitted.
    failures : dict
        Method name to the one-line reason it could not be fitted.
    """

    forecasts: pd.DataFrame
    scores: pd.DataFrame
    winner: str | None
    bass_fit: BassFit | None = None
    failures: dict[str, str] = field(default_factory=dict)

    def to_df(self) -> pd.DataFrame:
        """The tidy forecasts: one row per method and horizon."""
        return self.forecasts.copy()


def backtest(
    series: pd.Series,
    holdout: int,
    *,
    bass_method: str = "nls",
    start_period: int = 1,
    initial: float | None = 0.0,
    season_length: int = 1,
) -> Backtest:
    """Hold out the last ``holdout`` levels of a subscriber series and score forecasts.

    Parameters
    ----------
    series : pandas.Series
        Subscriber STOCK (levels) at the end of consecutive periods, e.g. millions; the
        index only labels the periods.
    holdout : int
        Number of final observations held out (the forecast horizon), >= 1; at least 2
        observations must remain for training (Bass needs 4 adoptions, i.e. 4 training
        levels, or 5 with ``initial=None``; below that it is scored NaN).
    bass_method : {"nls", "ols"}
        Estimator passed to :func:`~models.calibration.bass.fit_bass`.
    start_period : int, default 1
        Bass period number of the first level (adoption starts at time 0).
    initial : float or None, default 0
        Stock before the first observation. The default 0 says the series starts with
        the service: the first level is the first period's adoptions. ``None`` says the
        level before is unknown: the first level serves only as the base of the
        adoptions, which then start at period ``start_period + 1``.
    season_length : int, default 1
        Seasonal period ``m`` of the MASE scale (1 for yearly data; 4 for quarterly data
        if seasonal).

    Returns
    -------
    Backtest
        Forecasts (tidy), scores, the winner by MASE, and the Bass fit.

    References
    ----------
    Hyndman & Koehler (2006) for MASE; Bass (1969); Srinivasan & Mason (1986).
    """
    y = _check_series(series, "series", MIN_TRAIN + 1)
    if isinstance(holdout, bool) or not isinstance(holdout, int | np.integer) or holdout < 1:
        raise ParameterError(f"holdout must be an integer >= 1, got {holdout!r}")
    if len(y) - holdout < MIN_TRAIN:
        raise ParameterError(
            f"holdout = {holdout} leaves {len(y) - holdout} training observations; "
            f"need at least {MIN_TRAIN}"
        )
    if bass_method not in BASS_METHODS:
        raise ParameterError(
            f"bass_method must be one of {', '.join(BASS_METHODS)}, got {bass_method!r}"
        )
    if initial is None:
        start_period, _ = _check_start(start_period, 0.0)
    else:
        start_period, initial = _check_start(start_period, initial)
    if isinstance(season_length, bool) or not isinstance(season_length, int | np.integer):
        raise ParameterError(f"season_length must be an integer >= 1, got {season_length!r}")
    if not 1 <= season_length < len(y) - holdout:
        raise ParameterError(
            f"season_length must be >= 1 and below the {len(y) - holdout} training "
            f"observations, got {season_length}"
        )

    train, test = y[:-holdout], y[-holdout:]
    labels = series.index[-holdout:]
    bass_fit: BassFit | None = None

    def bass(tr: np.ndarray, h: int) -> np.ndarray:
        nonlocal bass_fit
        out, bass_fit = bass_level_forecast(
            tr, h, method=bass_method, start_period=start_period, initial=initial
        )
        return out

    forecasters: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
        "bass": bass,
        "ets_damped": ets_damped_forecast,
        "naive": naive_forecast,
        "drift": drift_forecast,
    }
    rows, scores, failures = [], {}, {}
    for name, forecaster in forecasters.items():
        try:
            fc = forecaster(train, holdout)
        except (MarketEntryError, ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            warn_model("backtest: %s could not be fitted (%s); scoring NaN", name, reason)
            failures[name] = reason
            fc = np.full(holdout, np.nan)
        if np.all(np.isfinite(fc)):
            scores[name] = (mape(test, fc), mase(test, fc, train, season_length))
        else:
            scores[name] = (np.nan, np.nan)
        rows.append(
            pd.DataFrame(
                {
                    "method": name,
                    "horizon": np.arange(1, holdout + 1),
                    "label": labels,
                    "actual": test,
                    "forecast": fc,
                }
            )
        )
    forecasts = pd.concat(rows, ignore_index=True)
    score_df = pd.DataFrame.from_dict(scores, orient="index", columns=["mape_pct", "mase"])
    score_df.index.name = "method"
    finite = score_df["mase"].dropna()
    winner = str(finite.idxmin()) if len(finite) else None
    return Backtest(
        forecasts=forecasts,
        scores=score_df,
        winner=winner,
        bass_fit=bass_fit,
        failures=failures,
    )
