"""Fit the model's own growth recursion (Bass with churn) to an observed subscriber stock.

Subscription services report stocks, not sales. Classic Bass fits (:mod:`.bass`) treat
net adds as adoptions, which is the usual practice when churn is not reported, but the
p and q they return describe net growth. The simulation grows subscribers with gross
adds and a separate monthly churn (:func:`models.economics.growth.bass_subscribers`), so its
defaults must come from a fit of that same recursion: given the churn rate, find the
market m and the monthly p and q whose simulated stock best matches the observed stock
(nonlinear least squares on levels, observations at any dates).

The fitted p and q depend on the churn assumed: with more churn, more gross adoption is
needed for the same net growth.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from models.economics.growth import bass_subscribers
from models.exceptions import ModelError, warn_model

log = logging.getLogger(__name__)


NAMES = ("m", "p", "q")


@dataclass(frozen=True)
class ChurnBassFit:
    """Result of :func:`fit_churn_bass`; monthly rates, ``m`` in the series' unit.

    Attributes
    ----------
    m, p, q : float
        Market potential and monthly coefficients of innovation and imitation.
    bse : pandas.Series
        Standard errors of m, p, q from the Jacobian at the optimum.
    churn : float
        Monthly churn assumed (fixed, not fitted).
    months : numpy.ndarray
        Month (since launch) of each observation.
    observed, fittedvalues : pandas.Series
        The stock observed and fitted, indexed as the input.
    """

    m: float
    p: float
    q: float
    bse: pd.Series
    churn: float
    months: np.ndarray
    observed: pd.Series
    fittedvalues: pd.Series

    @property
    def params(self) -> pd.Series:
        """Estimates of m, p, q."""
        return pd.Series([self.m, self.p, self.q], index=list(NAMES))

    @property
    def resid(self) -> pd.Series:
        """Observed minus fitted stock."""
        return self.observed - self.fittedvalues

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Normal-approximation confidence intervals of m, p, q."""
        from scipy.stats import norm

        z = norm.ppf(1 - alpha / 2)
        est = self.params
        return pd.DataFrame({"lower": est - z * self.bse, "upper": est + z * self.bse})

    def to_df(self, alpha: float = 0.05) -> pd.DataFrame:
        """One row per parameter: estimate, standard error and confidence bounds."""
        return pd.concat(
            [self.params.rename("estimate"), self.bse.rename("std_err"), self.conf_int(alpha)],
            axis=1,
        )

    def predict(self, months: int) -> np.ndarray:
        """Subscribers in months 0..months-1 after launch (constant market m)."""
        subs, _, _ = bass_subscribers(np.full((1, months), self.m), self.p, self.q, self.churn, 0)
        return subs[0]


def stock_path(m: float, p: float, q: float, churn: float, months: int) -> np.ndarray:
    """One path of :func:`models.economics.growth.bass_subscribers` (constant market, launch at 0)
    in plain floats: the same recursion, a hundred times faster for one path, which is
    what a least-squares fit evaluates thousands of times."""
    out = np.empty(months)
    s = 0.0
    for t in range(months):
        kept = min(s * (1.0 - churn), m)
        s = kept + -math.expm1(-(p + q * s / m)) * max(m - kept, 0.0) if m > 0 else 0.0
        out[t] = s
    return out


def months_since(index: pd.Index, launch: str | pd.Timestamp) -> np.ndarray:
    """Whole months from ``launch`` to each date in ``index`` (Timestamps or Periods)."""
    start = pd.Period(pd.Timestamp(launch), freq="M")
    periods = pd.PeriodIndex([pd.Period(x, freq="M") for x in index])
    return np.array([(p - start).n for p in periods], dtype=int)


def fit_churn_bass(stock: pd.Series, launch: str | pd.Timestamp, churn: float) -> ChurnBassFit:
    """Fit m, p, q of Bass-with-churn to subscriber stocks observed at any dates.

    Parameters
    ----------
    stock : pandas.Series
        Subscribers at the end of each observed month (any unit), indexed by date.
    launch : date
        Month in which the service launched (month 0 of the recursion).
    churn : float
        Monthly churn, fixed (e.g. the model's ``growth_churn_rate_month``).

    Returns
    -------
    ChurnBassFit
    """
    if not isinstance(stock, pd.Series) or len(stock) < 4:
        raise ModelError("fit_churn_bass needs a pandas Series of at least 4 observations")
    if stock.isna().any() or (stock < 0).any():
        raise ModelError("fit_churn_bass: the stock has missing or negative values")
    if not 0.0 <= churn < 1.0:
        raise ModelError(f"fit_churn_bass: churn={churn!r}; expected a monthly rate in [0, 1)")
    months = months_since(stock.index, launch)
    if (months < 0).any():
        raise ModelError(f"fit_churn_bass: an observation precedes the launch ({launch})")
    y = stock.to_numpy(dtype=float)
    horizon = int(months.max()) + 1
    scale = float(y.max())

    def simulate(theta: np.ndarray) -> np.ndarray:
        return stock_path(theta[0] * scale, theta[1], theta[2], churn, horizon)[months]

    def resid(theta: np.ndarray) -> np.ndarray:
        return (simulate(theta) - y) / scale

    best = None
    for m0 in (1.2, 2.0, 4.0):  # a few starting points; the surface has flat valleys
        for q0 in (0.05, 0.15, 0.3):
            fit = least_squares(
                resid, x0=[m0, 0.01, q0], bounds=([1.0, 1e-6, 0.0], [1e3, 0.5, 1.0]), x_scale="jac"
            )
            if best is None or fit.cost < best.cost:
                best = fit
    theta = best.x
    dof = max(len(y) - 3, 1)
    sigma2 = 2 * best.cost / dof
    jac = best.jac * np.array([scale, 1.0, 1.0]) ** -1  # d resid / d (m, p, q)
    try:
        cov = np.linalg.inv(jac.T @ jac) * sigma2
        bse = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    except np.linalg.LinAlgError:
        warn_model("singular Jacobian: standard errors unavailable")
        bse = np.full(3, np.nan)
    m, p, q = theta[0] * scale, theta[1], theta[2]
    fitted = pd.Series(simulate(theta), index=stock.index)
    return ChurnBassFit(
        m, p, q, pd.Series(bse, index=list(NAMES)), churn, months, stock.astype(float), fitted
    )
