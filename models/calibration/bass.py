"""Bass diffusion fitted to observed adoptions: OLS (Bass 1969) and NLS (Srinivasan & Mason 1986).

The continuous-time Bass model gives the adopted share of a market of potential ``m`` as::

    F(t) = (1 - exp(-(p + q) t)) / (1 + (q / p) exp(-(p + q) t)),    F(0) = 0

where ``p`` is the coefficient of innovation and ``q`` of imitation, both per period of
the data (per year for yearly data). Adoptions (new adopters) in period ``t`` are
``m [F(t) - F(t-1)]``: period ``t`` runs from time ``t - 1`` to ``t``, adoption starts at
time 0, and the first period is period 1.

Two estimators are offered:

``"ols"``
    Bass's (1969) discrete regression of adoptions on cumulative adoptions before the
    period, ``a_t = b0 + b1 N_{t-1} + b2 N_{t-1}^2``, with ``b0 = p m``,
    ``b1 = q - p`` and ``b2 = -q / m``. Quick and needs no starting values, but it is a
    discrete approximation of the continuous model (biased when ``p + q`` per period is
    not small), its ``m`` can come out below the adoptions already observed, and it needs
    the cumulative adoptions before the first observation (``initial``).
``"nls"``
    Srinivasan & Mason's (1986) nonlinear least squares of ``a_t = m [F(t) - F(t-1)]``,
    started from the OLS values when they are valid and from a grid otherwise. Exact for
    the continuous model; unobserved early periods are simply not in the sum of squares.

Standard errors are asymptotic: the delta method on the OLS covariance for ``"ols"``,
``s^2 (J'J)^-1`` at the optimum for ``"nls"``. Both assume homoskedastic errors, which
adoption data rarely have; read the intervals as indicative.

Subscription services report a stock of subscribers, not sales: :func:`adoptions_from_stock`
turns stocks into adoptions, and :func:`monthly_rates` converts yearly ``p``, ``q`` to the
monthly rates of :mod:`models.economics.growth`.

References
----------
Bass, F. M. (1969). A new product growth for model consumer durables. Management
Science 15(5), 215-227.

Srinivasan, V. & Mason, C. H. (1986). Nonlinear least squares estimation of new product
diffusion models. Marketing Science 5(2), 169-178.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from numpy.typing import ArrayLike
from scipy.optimize import least_squares
from scipy.stats import norm

from models.exceptions import ModelError, ParameterError, warn_model

log = logging.getLogger(__name__)


METHODS = ("ols", "nls")
PARAMS = ("m", "p", "q")
MIN_OBS = 4

# NLS bounds: m between the largest cumulative adoption observed and M_MAX_FACTOR times it
# (beyond that the data cannot tell m apart from infinity); p and q per period of the data.
M_MAX_FACTOR = 1e3
P_BOUNDS = (1e-9, 1.0)
Q_BOUNDS = (0.0, 2.0)
_P_GRID = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3)
_Q_GRID = (0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2, 1.8)
_N_GRID_STARTS = 3


# -- the Bass curve ---------------------------------------------------------------------


def bass_cdf(t: ArrayLike, p: float, q: float) -> np.ndarray:
    """Adopted share F(t) of the continuous-time Bass model (Bass 1969, eq. 9).

    Parameters
    ----------
    t : float or array
        Time in periods since adoption began; ``F`` is 0 for ``t <= 0``.
    p, q : float
        Coefficients of innovation (> 0) and imitation (>= 0), per period.

    Returns
    -------
    ndarray
        ``(1 - exp(-(p+q) t)) / (1 + (q/p) exp(-(p+q) t))``, a share of ``m`` in [0, 1).
    """
    t = np.maximum(np.asarray(t, dtype=float), 0.0)
    e = np.exp(-(p + q) * t)
    return (1.0 - e) / (1.0 + (q / p) * e)


def bass_adoptions(t: ArrayLike, m: float, p: float, q: float) -> np.ndarray:
    """Adoptions in period ``t`` (from time ``t - 1`` to ``t``): ``m [F(t) - F(t-1)]``.

    Parameters
    ----------
    t : float or array
        Period numbers; period 1 is the first period of adoption.
    m : float
        Market potential, in the units of the data (e.g. millions of people).
    p, q : float
        Coefficients of innovation and imitation, per period.

    Returns
    -------
    ndarray
        Adoptions in the units of ``m``; 0 for periods ``t <= 0``.
    """
    t = np.asarray(t, dtype=float)
    return m * (bass_cdf(t, p, q) - bass_cdf(t - 1.0, p, q))


def _cdf_gradient(t: np.ndarray, p: float, q: float) -> tuple[np.ndarray, np.ndarray]:
    """Partial derivatives of F(t) with respect to p and q (0 for t <= 0)."""
    t = np.maximum(np.asarray(t, dtype=float), 0.0)
    e = np.exp(-(p + q) * t)
    r = q / p
    den = (1.0 + r * e) ** 2
    d_p = e * (t * (1.0 + r * e) + (1.0 - e) * (q / p**2 + r * t)) / den
    d_q = e * (t * (1.0 + r * e) - (1.0 - e) * (1.0 / p - r * t)) / den
    return d_p, d_q


def _adoption_jacobian(t: np.ndarray, m: float, p: float, q: float) -> np.ndarray:
    """Jacobian (len(t), 3) of ``m [F(t) - F(t-1)]`` with respect to (m, p, q)."""
    d_f = bass_cdf(t, p, q) - bass_cdf(t - 1.0, p, q)
    dp1, dq1 = _cdf_gradient(t, p, q)
    dp0, dq0 = _cdf_gradient(t - 1.0, p, q)
    return np.column_stack([d_f, m * (dp1 - dp0), m * (dq1 - dq0)])


# -- the result -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class BassFit:
    """A fitted Bass model, in the style of statsmodels and lifelines results.

    Attributes
    ----------
    m : float
        Market potential, in the units of the series (e.g. millions of people).
    p, q : float
        Coefficients of innovation and imitation, per period of the series.
    bse : pandas.Series
        Asymptotic standard errors of m, p and q.
    cov : pandas.DataFrame
        Their covariance matrix (3 x 3, indexed m, p, q).
    method : str
        ``"ols"`` or ``"nls"``.
    nobs : int
        Number of observations fitted.
    periods : ndarray
        Period number of each observation (``start_period``, ``start_period + 1``, ...).
    fittedvalues, resid : pandas.Series
        Fitted adoptions and residuals, on the index of the input series. For ``"ols"``
        these are the regression's (the discrete Bass model actually estimated).
    sigma2 : float
        Residual variance: sum of squared residuals / (nobs - 3).
    converged : bool
        Whether the optimiser reported convergence (always True for ``"ols"``).
    """

    m: float
    p: float
    q: float
    bse: pd.Series
    cov: pd.DataFrame
    method: str
    nobs: int
    periods: np.ndarray
    fittedvalues: pd.Series
    resid: pd.Series
    sigma2: float
    converged: bool = True

    @property
    def params(self) -> pd.Series:
        """Estimates of m, p and q as a Series."""
        return pd.Series([self.m, self.p, self.q], index=list(PARAMS), name="estimate")

    @property
    def peak_period(self) -> float:
        """Time of peak adoption ``t* = ln(q/p) / (p + q)``, periods since adoption began.

        This is the peak of the continuous adoption rate; the period with most adoptions
        ``m [F(t) - F(t-1)]`` is the one ending nearest ``t* + 0.5``. A value ``<= 0``
        (``q <= p``) means adoptions fall from the start.
        """
        if self.q <= 0.0:
            return 0.0
        return float(np.log(self.q / self.p) / (self.p + self.q))

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Normal-approximation confidence intervals of m, p and q.

        Parameters
        ----------
        alpha : float
            One minus the confidence level (0.05 gives 95 % intervals).

        Returns
        -------
        pandas.DataFrame
            Indexed m, p, q with columns ``lower`` and ``upper``: estimate -/+
            ``z_(1-alpha/2)`` standard errors.
        """
        if not 0.0 < alpha < 1.0:
            raise ParameterError(f"alpha must be in (0, 1), got {alpha!r}")
        z = float(norm.ppf(1.0 - alpha / 2.0))
        est = self.params
        return pd.DataFrame({"lower": est - z * self.bse, "upper": est + z * self.bse})

    def to_df(self, alpha: float = 0.05) -> pd.DataFrame:
        """:meth:`summary`: one row per parameter (estimate, standard error, bounds)."""
        return self.summary(alpha)

    def summary(self, alpha: float = 0.05) -> pd.DataFrame:
        """Estimates, standard errors and confidence bounds, one row per parameter."""
        ci = self.conf_int(alpha)
        return pd.DataFrame(
            {
                "estimate": self.params,
                "std_err": self.bse,
                "lower": ci["lower"],
                "upper": ci["upper"],
            }
        )

    def predict(self, periods: ArrayLike) -> np.ndarray | float:
        """Adoptions ``m [F(t) - F(t-1)]`` in the given periods (closed-form Bass curve).

        Parameters
        ----------
        periods : int, float or array
            Period numbers on the fit's clock (the first period of adoption is 1).

        Returns
        -------
        float or ndarray
            Adoptions in the units of the series; a float for a scalar input.
        """
        out = bass_adoptions(periods, self.m, self.p, self.q)
        return float(out) if np.ndim(out) == 0 else out

    def cumulative(self, periods: ArrayLike) -> np.ndarray | float:
        """Cumulative adoptions ``m F(t)`` at the end of the given periods."""
        out = self.m * bass_cdf(periods, self.p, self.q)
        return float(out) if np.ndim(out) == 0 else out


# -- input checks -----------------------------------------------------------------------


def _check_series(series: object, what: str, min_obs: int) -> np.ndarray:
    """Return the values of a numeric, finite pandas Series, or raise ParameterError."""
    if not isinstance(series, pd.Series):
        raise ParameterError(f"{what} must be a pandas Series, got {type(series).__name__}")
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        raise ParameterError(f"{what} must be numeric, got dtype {series.dtype}")
    if len(series) < min_obs:
        raise ParameterError(f"{what} needs at least {min_obs} observations, got {len(series)}")
    values = series.to_numpy(dtype=float)
    if np.isnan(values).any():
        raise ParameterError(f"{what} has {int(np.isnan(values).sum())} missing value(s) (NaN)")
    if not np.isfinite(values).all():
        raise ParameterError(f"{what} has infinite values")
    return values


def _check_start(start_period: object, initial: object) -> tuple[int, float]:
    if isinstance(start_period, bool) or not isinstance(start_period, int | np.integer):
        raise ParameterError(f"start_period must be an integer >= 1, got {start_period!r}")
    if start_period < 1:
        raise ParameterError(f"start_period must be an integer >= 1, got {start_period}")
    try:
        init = float(initial)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ParameterError(f"initial must be a number >= 0, got {initial!r}") from None
    if not np.isfinite(init) or init < 0.0:
        raise ParameterError(f"initial must be a finite number >= 0, got {initial!r}")
    return int(start_period), init


# -- estimators -------------------------------------------------------------------------


def _ols_estimate(
    a: np.ndarray, initial: float, scale: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Bass (1969) regression; returns (m, p, q), their covariance, fitted values, sigma2.

    The regression is run on data divided by ``scale`` (for conditioning), so that
    ``m' = m / scale`` while p and q are unchanged.
    """
    y = a / scale
    n_prev = (initial + np.concatenate([[0.0], np.cumsum(a)[:-1]])) / scale
    x = np.column_stack([np.ones_like(n_prev), n_prev, n_prev**2])
    res = sm.OLS(y, x).fit()
    b0, b1, b2 = (float(v) for v in res.params)
    if not (b0 > 0.0 and b2 < 0.0):
        raise ModelError(
            "OLS Bass regression gives no valid positive root for m "
            f"(need b0 > 0 and b2 < 0, got b0={b0 * scale:.4g}, b2={b2 / scale:.4g}); "
            "try method='nls'"
        )
    root = np.sqrt(b1**2 - 4.0 * b2 * b0)
    m_s = (-b1 - root) / (2.0 * b2)
    p, q = b0 / m_s, -b2 * m_s
    # delta method: m solves g = b2 m^2 + b1 m + b0 = 0, so dm/db = -dg/db / dg/dm
    dm = -np.array([1.0, m_s, m_s**2]) / (2.0 * b2 * m_s + b1)
    dp = np.array([1.0 / m_s, 0.0, 0.0]) - b0 / m_s**2 * dm
    dq = np.array([0.0, 0.0, -m_s]) - b2 * dm
    jac = np.vstack([dm * scale, dp, dq])
    cov = jac @ np.asarray(res.cov_params()) @ jac.T
    return (
        np.array([m_s * scale, p, q]),
        cov,
        np.asarray(res.fittedvalues) * scale,
        float(res.scale) * scale**2,
    )


def _grid_starts(t: np.ndarray, y: np.ndarray, m_lo: float) -> list[np.ndarray]:
    """Best starting points (m, p, q) on a (p, q) grid, with m concentrated out."""
    scored = []
    for p in _P_GRID:
        for q in _Q_GRID:
            d_f = bass_adoptions(t, 1.0, p, q)
            denom = float(d_f @ d_f)
            if denom <= 0.0:
                continue
            m = min(max(float(d_f @ y) / denom, m_lo), M_MAX_FACTOR * m_lo)
            sse = float(np.sum((y - m * d_f) ** 2))
            scored.append((sse, np.array([m, p, q])))
    scored.sort(key=lambda s: s[0])
    return [x for _, x in scored[:_N_GRID_STARTS]]


def _nls_estimate(
    a: np.ndarray, t: np.ndarray, initial: float, scale: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, bool]:
    """Srinivasan-Mason NLS; returns (m, p, q), covariance, fitted, sigma2, converged.

    For a series observed after adoption began (first period > 1) with a known
    ``initial`` cumulative, the cumulative curve is also held to it: one more residual,
    ``initial - m F(t0 - 1)``. Without it m is not identified on a late, short series
    (the fit runs to a bound).
    """
    y = a / scale
    m_lo = float(np.max(initial + np.cumsum(a))) / scale  # the largest cumulative seen
    lower = np.array([m_lo, P_BOUNDS[0], Q_BOUNDS[0]])
    upper = np.array([M_MAX_FACTOR * m_lo, P_BOUNDS[1], Q_BOUNDS[1]])

    starts = []
    try:
        est, *_ = _ols_estimate(a, initial, scale)
        starts.append(est / np.array([scale, 1.0, 1.0]))
    except ModelError:
        log.debug("OLS gives no valid start; NLS starts from the grid only")
    starts += _grid_starts(t, y, m_lo)

    anchored = initial > 0.0 and t[0] > 1.0
    t_prev = np.array([t[0] - 1.0])

    def resid(x: np.ndarray) -> np.ndarray:
        r = y - bass_adoptions(t, *x)
        if anchored:
            r = np.append(r, initial / scale - x[0] * bass_cdf(t_prev, x[1], x[2]))
        return r

    def jac(x: np.ndarray) -> np.ndarray:
        j = -_adoption_jacobian(t, *x)
        if anchored:
            j = np.vstack([j, -_anchor_row(t_prev, *x)])
        return j

    best = None
    span = upper - lower
    for x0 in starts:
        x0 = np.clip(x0, lower + 1e-6 * span, upper - 1e-6 * span)
        sol = least_squares(
            resid,
            x0,
            jac=jac,
            bounds=(lower, upper),
            method="trf",
            x_scale="jac",
            ftol=1e-12,
            xtol=1e-12,
            gtol=1e-12,
            max_nfev=2000,
        )
        if best is None or sol.cost < best.cost:
            best = sol
    assert best is not None  # the grid always yields starts
    converged = bool(best.status > 0)
    if not converged:
        warn_model("Bass NLS did not converge: %s", best.message)
    at_bound = np.isclose(best.x, lower, rtol=1e-6, atol=0.0) | np.isclose(
        best.x, upper, rtol=1e-6, atol=0.0
    )
    for name, flag in zip(PARAMS, at_bound, strict=True):
        if flag:
            warn_model(
                "Bass NLS estimate of %s is at its bound; the data do not identify it and "
                "its standard error is not meaningful",
                name,
            )

    est = best.x * np.array([scale, 1.0, 1.0])
    fitted = bass_adoptions(t, *est)
    sq = np.sum((a - fitted) ** 2)
    j = _adoption_jacobian(t, *est)
    if anchored:
        sq += (initial - est[0] * float(bass_cdf(t_prev, est[1], est[2])[0])) ** 2
        j = np.vstack([j, _anchor_row(t_prev, *est)])
    sigma2 = float(sq / max(len(j) - 3, 1))
    cov = sigma2 * _inverse_gram(j)
    return est, cov, fitted, sigma2, converged


def _anchor_row(t_prev: np.ndarray, m: float, p: float, q: float) -> np.ndarray:
    """Jacobian row of the cumulative ``m F(t)`` at ``t_prev`` with respect to (m, p, q)."""
    dp, dq = _cdf_gradient(t_prev, p, q)
    return np.column_stack([bass_cdf(t_prev, p, q), m * dp, m * dq])


def _inverse_gram(j: np.ndarray) -> np.ndarray:
    """``(J'J)^-1`` via the SVD of J; NaN if J is rank-deficient (as curve_fit does)."""
    _, s, vt = np.linalg.svd(j, full_matrices=False)
    tol = np.finfo(float).eps * max(j.shape) * s[0]
    if s[-1] <= tol:
        warn_model("Bass NLS Jacobian is rank-deficient; standard errors are NaN")
        return np.full((j.shape[1], j.shape[1]), np.nan)
    return (vt.T / s**2) @ vt


def fit_bass(
    series: pd.Series,
    method: str = "nls",
    *,
    start_period: int = 1,
    initial: float = 0.0,
) -> BassFit:
    """Fit the Bass diffusion model to adoptions in consecutive periods.

    Parameters
    ----------
    series : pandas.Series
        Adoptions (new adopters) in each of at least 4 consecutive periods, in any units
        (e.g. millions of people); the index only labels the periods (e.g. years).
        Individual values may be negative (net adds from :func:`adoptions_from_stock`),
        but ``initial + sum`` must be positive.
    method : {"nls", "ols"}
        ``"nls"``: Srinivasan & Mason (1986) nonlinear least squares of
        ``a_t = m [F(t) - F(t-1)]``, bounded to ``m >= the largest cumulative adoption``
        (at most 1000 times it), ``0 < p <= 1``, ``0 <= q <= 2`` per period. ``"ols"``:
        Bass's (1969) regression of ``a_t`` on ``N_{t-1}`` and ``N_{t-1}^2``.
    start_period : int, default 1
        Period number of the first observation on a clock where adoption starts at
        time 0. Use it for a series observed after adoption began.
    initial : float, default 0
        Cumulative adoptions before the first observation, in the units of the series.
        OLS needs it (it regresses on cumulative adoptions); NLS uses it only in the
        lower bound on ``m`` and fits the observed periods alone.

    Returns
    -------
    BassFit
        Estimates of m (units of the series), p and q (per period), with standard errors.

    Raises
    ------
    ParameterError
        Bad input: not a Series, fewer than 4 observations, NaN or non-numeric values,
        total adoptions <= 0, unknown method, bad ``start_period`` or ``initial``.
    ModelError
        OLS gives no valid (positive) root for m.

    References
    ----------
    Bass (1969); Srinivasan & Mason (1986).
    """
    if method not in METHODS:
        raise ParameterError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    a = _check_series(series, "series", MIN_OBS)
    start_period, initial = _check_start(start_period, initial)
    total = initial + float(a.sum())
    if total <= 0.0:
        raise ParameterError(f"initial + total adoptions must be positive, got {total:.6g}")
    t = start_period + np.arange(len(a), dtype=float)
    scale = float(np.max(initial + np.cumsum(a)))

    if method == "ols":
        est, cov, fitted, sigma2 = _ols_estimate(a, initial, scale)
        converged = True
        if est[0] < scale:
            warn_model(
                "OLS market potential m = %.4g is below the cumulative adoptions observed "
                "(%.4g); consider method='nls'",
                est[0],
                scale,
            )
    else:
        est, cov, fitted, sigma2, converged = _nls_estimate(a, t, initial, scale)

    names = list(PARAMS)
    with np.errstate(invalid="ignore"):
        bse = pd.Series(np.sqrt(np.diag(cov)), index=names, name="std_err")
    fitted_s = pd.Series(fitted, index=series.index, name="fitted")
    m, p, q = (float(v) for v in est)
    log.debug("Bass %s fit: m=%.6g p=%.6g q=%.6g", method, m, p, q)
    return BassFit(
        m=m,
        p=p,
        q=q,
        bse=bse,
        cov=pd.DataFrame(cov, index=names, columns=names),
        method=method,
        nobs=len(a),
        periods=t,
        fittedvalues=fitted_s,
        resid=pd.Series(a - fitted, index=series.index, name="resid"),
        sigma2=sigma2,
        converged=converged,
    )


# -- from subscribers to adoptions, and from periods to months --------------------------


def adoptions_from_stock(stock: pd.Series, churn: float = 0.0) -> pd.Series:
    """Gross adoptions per period implied by a stock of subscribers.

    ``a_t = S_t - (1 - churn) S_{t-1}`` for the second observation on: the first stock
    has no predecessor, so the result is one shorter than ``stock`` and the caller passes
    ``stock.iloc[0]`` to :func:`fit_bass` as ``initial`` (with ``start_period`` one after
    the period of the first stock).

    With ``churn = 0`` these are net adds, and fitting Bass to net adds treats the
    subscriber base as the adopted population: the usual practice when churn is not
    reported (it is not published for Chinese SVOD services). The resulting ``p`` and
    ``q`` describe net growth and should not be combined with a separate churn rate (as in
    :mod:`models.economics.growth`) without refitting on gross adds.

    Parameters
    ----------
    stock : pandas.Series
        Subscribers at the end of each of at least 2 consecutive periods (e.g. millions).
    churn : float, default 0
        Share of last period's subscribers who cancel within a period, in [0, 1). For a
        monthly rate ``c`` and yearly data, ``1 - (1 - c)**12`` is a first approximation
        (it ignores churn among subscribers who joined during the year).

    Returns
    -------
    pandas.Series
        Adoptions, indexed like ``stock.iloc[1:]``, in the units of ``stock``.
    """
    s = _check_series(stock, "stock", 2)
    try:
        c = float(churn)
    except (TypeError, ValueError):
        raise ParameterError(f"churn must be a number in [0, 1), got {churn!r}") from None
    if not 0.0 <= c < 1.0:
        raise ParameterError(f"churn must be in [0, 1), got {churn!r}")
    return pd.Series(s[1:] - (1.0 - c) * s[:-1], index=stock.index[1:], name="adoptions")


def monthly_rates(
    p: ArrayLike, q: ArrayLike, periods_per_year: float
) -> tuple[float, float] | tuple[np.ndarray, np.ndarray]:
    """Convert Bass ``p`` and ``q`` per period of the data to per month.

    The continuous Bass model ``dF/dt = (p + q F)(1 - F)`` is linear in the time unit: with
    ``k = 12 / periods_per_year`` months per period, ``t = tau / k`` gives
    ``dF/dtau = (p/k + (q/k) F)(1 - F)``. So ``p_month = p / k`` and ``q_month = q / k``
    reproduce the same curve exactly in continuous time (``F_month(tau) = F(tau / k)``).
    The monthly recursion of :mod:`models.economics.growth` is a discrete (Euler) approximation of
    that curve, accurate when ``p_month + q_month`` is small.

    Parameters
    ----------
    p, q : float or array
        Coefficients per period of the data.
    periods_per_year : float
        1 for yearly data, 4 for quarterly, 12 for monthly.

    Returns
    -------
    (p_month, q_month)
        Coefficients per month: floats for scalar input, arrays otherwise.
    """
    try:
        ppy = float(periods_per_year)
    except (TypeError, ValueError):
        raise ParameterError(
            f"periods_per_year must be a positive number, got {periods_per_year!r}"
        ) from None
    if not (np.isfinite(ppy) and ppy > 0.0):
        raise ParameterError(f"periods_per_year must be a positive number, got {ppy!r}")
    k = 12.0 / ppy
    p_m, q_m = np.asarray(p, dtype=float) / k, np.asarray(q, dtype=float) / k
    if p_m.ndim == 0 and q_m.ndim == 0:
        return float(p_m), float(q_m)
    return p_m, q_m
