"""The paying market in time: logistic fits on the leaders' subscribing members.

China's paid online video took off in 2015 and levelled off by 2019-20: iQIYI's
subscribing members went from 10.7 M (2015) to 106.9 M (2019) and have moved within
about 10 % since; Tencent Video's from 20 M (2016) to 124 M (2021), then 113 M (2024)
(``data/raw/china_svod_subscribers.csv``). The model's paying share of online-video
users diffuses on the same logistic curve (:func:`models.economics.market.payer_share`);
this module fits the curve ``N(t) = K / (1 + exp(-r (t - t_mid)))`` to each leader's
members, by non-linear least squares, on the verified rows only or on every row, and
reports the rate ``r`` (per year), the ceiling ``K`` (millions) and the midpoint
``t_mid`` (decimal year) with their standard errors.

The rate and the timing are what the model takes from the fit
(``market_payer_diffusion_rate_year``, ``market_payer_headroom``); the leaders' ceiling
is not the market's, since a paying user may pay more than one platform (ref 1.20).

References
----------
Griliches, Z. (1957). Hybrid corn: an exploration in the economics of technological
change. Econometrica 25(4), 501-522.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import curve_fit

from models.calibration import data
from models.exceptions import MarketEntryError

log = logging.getLogger(__name__)

#: The leaders whose members trace the paying market.
LEADERS = ("iQIYI", "Tencent Video")

#: Fewest observations for a three-parameter fit with a standard error.
MIN_OBS = 4


def logistic(t: np.ndarray, ceiling: float, rate: float, midpoint: float) -> np.ndarray:
    """``ceiling / (1 + exp(-rate (t - midpoint)))``: millions at decimal year ``t``.

    >>> float(logistic(np.array([2018.0]), 100.0, 1.5, 2018.0)[0])
    50.0
    """
    return ceiling / (1.0 + np.exp(-rate * (np.asarray(t, dtype=float) - midpoint)))


def decimal_year(dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Dates as decimal years (2019-12-31 is 2020.0 less a day)."""
    d = pd.DatetimeIndex(dates)
    start = pd.DatetimeIndex([pd.Timestamp(year=y, month=1, day=1) for y in d.year])
    length = np.where(d.is_leap_year, 366.0, 365.0)
    return d.year.to_numpy() + (d - start).days.to_numpy() / length


@dataclass(frozen=True)
class LogisticFit:
    """A logistic curve fitted to one platform's members (fitted values trail ``_``)."""

    platform: str
    verified_only: bool
    observations: int
    first: pd.Timestamp
    last: pd.Timestamp
    ceiling_m_: float
    rate_year_: float
    midpoint_year_: float
    se_ceiling_m_: float
    se_rate_year_: float
    se_midpoint_year_: float
    rmse_m_: float

    def predict(self, dates) -> np.ndarray:
        """Members, millions, at ``dates``."""
        return logistic(decimal_year(dates), self.ceiling_m_, self.rate_year_, self.midpoint_year_)


def fit(
    platform: str, verified_only: bool = True, frame: pd.DataFrame | None = None
) -> LogisticFit:
    """Fit the logistic curve to a platform's members.

    Parameters
    ----------
    platform : str
        A platform of ``china_svod_subscribers.csv`` (see :data:`LEADERS`).
    verified_only : bool
        Keep the rows the curation marks verified only (``status`` SEC, verified or
        derived_SEC: :data:`models.calibration.data.VERIFIED`).
    frame : DataFrame, optional
        The table (:func:`models.calibration.data.svod_subscribers`); read when omitted.

    Raises
    ------
    MarketEntryError
        Fewer than :data:`MIN_OBS` rows, or the fit does not converge.
    """
    frame = data.svod_subscribers() if frame is None else frame
    rows = frame[frame["platform"] == platform]
    if verified_only:
        rows = rows[rows["verified"]]
    if len(rows) < MIN_OBS:
        raise MarketEntryError(
            f"{platform}: {len(rows)} {'verified ' if verified_only else ''}rows of members; "
            f"a logistic fit needs at least {MIN_OBS}"
        )
    t = decimal_year(rows["as_of"])
    y = rows["subscribers_m"].to_numpy(dtype=float)
    start = (1.1 * y.max(), 1.0, float(np.median(t)))
    bounds = ([y.max() * 0.5, 0.05, t.min() - 10.0], [y.max() * 20.0, 10.0, t.max() + 10.0])
    try:
        est, cov = curve_fit(logistic, t, y, p0=start, bounds=bounds, maxfev=20000)
    except (RuntimeError, ValueError) as exc:
        raise MarketEntryError(f"{platform}: the logistic fit failed ({exc})") from None
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None)) if np.all(np.isfinite(cov)) else [np.nan] * 3
    resid = y - logistic(t, *est)
    result = LogisticFit(
        platform,
        verified_only,
        len(rows),
        rows["as_of"].min(),
        rows["as_of"].max(),
        float(est[0]),
        float(est[1]),
        float(est[2]),
        float(se[0]),
        float(se[1]),
        float(se[2]),
        float(np.sqrt(np.mean(resid**2))),
    )
    log.debug("logistic fit %s: %s", platform, result)
    return result


def fits_table(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Logistic fits of every leader, on verified rows and on all rows, one row each
    (a fit that cannot be made, such as Tencent Video's on its three verified rows, is
    left out, with a line in the log)."""
    frame = data.svod_subscribers() if frame is None else frame
    out = []
    for platform in LEADERS:
        for verified in (True, False):
            try:
                f = fit(platform, verified, frame)
            except MarketEntryError as exc:  # expected for Tencent's verified rows
                log.info("%s", exc)
                continue
            out.append(
                {
                    "platform": platform,
                    "rows": "verified" if verified else "all",
                    "observations": f.observations,
                    "ceiling_m": f.ceiling_m_,
                    "rate_year": f.rate_year_,
                    "se_rate_year": f.se_rate_year_,
                    "midpoint_year": f.midpoint_year_,
                    "rmse_m": f.rmse_m_,
                }
            )
    return pd.DataFrame(out)
