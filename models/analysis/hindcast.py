"""Hindcast of the paying market: what a scenario's market says about later years,
against what was reported.

A scenario set in the past (``letv_2015``: late 2015's information) draws its market
inputs as the Monte Carlo does (:func:`models.uncertainty.montecarlo.draw_inputs`),
and its paying video users at each later year end
(:func:`models.economics.market.paying_users`) are set against what was reported then.
No series counts China's paying users once each, so the report is a bracket
(:func:`brackets`):

- **at least** the largest platform's paying members at the year end (a member of
  iQIYI or Tencent Video pays; ``data/raw/china_svod_subscribers.csv``);
- **at most** the paid memberships summed over platforms that the industry reported
  (Entgroup; a payer holds one or more; ``data/raw/china_paid_video_market.csv``),
  where one was reported for that year or the months just after it.

A market frozen at its first month's paying share is the benchmark the hindcast must
beat (:func:`hindcast`'s ``frozen`` column).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.calibration import data
from models.economics import market
from models.uncertainty import montecarlo

#: Platforms whose members are a lower bound on the paying users.
PLATFORMS = ("iQIYI", "Tencent Video")

#: Months after a year end within which a reported count of paid memberships still
#: bounds the paying users of that year end from above (the market grew: a later count
#: is larger).
UPPER_WITHIN_MONTHS = 3


def brackets(years, svod: pd.DataFrame | None = None, paid: pd.DataFrame | None = None):
    """What was reported about the paying users at each year end, millions.

    Returns
    -------
    DataFrame indexed by year
        ``lower`` (largest platform's members; NaN if none was reported),
        ``lower_source`` (platform and whether the row is verified), ``upper`` (paid
        memberships over all platforms, at the year end or within
        :data:`UPPER_WITHIN_MONTHS` after it; NaN if none), ``upper_source``.
    """
    svod = data.svod_subscribers() if svod is None else svod
    paid = data.paid_video_market() if paid is None else paid
    rows = []
    for year in years:
        end = pd.Timestamp(year=year, month=12, day=31)
        at_end = svod[(svod["as_of"] == end) & svod["platform"].isin(PLATFORMS)]
        lower, lower_source = np.nan, ""
        if not at_end.empty:
            top = at_end.loc[at_end["subscribers_m"].idxmax()]
            lower = float(top["subscribers_m"])
            lower_source = (
                f"{top['platform']} ({'verified' if top['verified'] else 'not verified'})"
            )
        counts = paid[paid["measure"] == "paid_memberships"].copy()
        when = pd.PeriodIndex(counts["as_of"], freq="M")
        after = (when - pd.Period(end, freq="M")).map(lambda d: d.n)
        near = counts[(after >= 0) & (after <= UPPER_WITHIN_MONTHS)]
        upper, upper_source = np.nan, ""
        if not near.empty:
            first = near.iloc[0]
            upper = float(first["value"])
            upper_source = f"{first['publisher']}, {first['as_of']}"
        rows.append(
            {
                "year": year,
                "lower": lower,
                "lower_source": lower_source,
                "upper": upper,
                "upper_source": upper_source,
            }
        )
    return pd.DataFrame(rows).set_index("year")


def paying_users_at(params, n_paths: int | None, months: list[int]) -> np.ndarray:
    """The scenario's paying video users, millions, at ``months`` (columns), on
    ``n_paths`` drawn paths (rows), as the Monte Carlo draws the market's inputs; with
    ``n_paths`` None, one row at the inputs' central values."""
    draws = montecarlo.draw_inputs(params, n_paths) if n_paths else {}

    def value(name):
        return draws[name].to_numpy() if name in draws else getattr(params, name)

    horizon = max(months) + 1
    users = market.online_video_users(
        value("market_online_video_users_m"),
        value("market_user_growth_year"),
        horizon,
        value("market_online_video_users_ceiling_m"),
    )
    payers = market.paying_users(
        users,
        value("market_svod_payer_share"),
        value("market_payer_headroom"),
        value("market_payer_diffusion_rate_year"),
    )
    return np.broadcast_to(payers, (n_paths or 1, horizon))[:, months]


def hindcast(params, years, n_paths: int = 4000) -> pd.DataFrame:
    """The scenario's paying users at each year end against the reported bracket.

    Parameters
    ----------
    params : Parameters
        A scenario whose ``start_year`` is before ``years``; month 0 is January of it.
    years : iterable of int
        Year ends to compare.
    n_paths : int
        Paths drawn.

    Returns
    -------
    DataFrame indexed by year
        The bracket (:func:`brackets`), the model's ``p5``, ``median`` and ``p95``
        (millions), ``frozen`` (the paying share held at month 0), and
        ``median_inside`` (the median within the reported bracket).
    """
    years = list(years)
    months = [12 * (y - params.start_year) + 11 for y in years]
    if min(months) < 0:
        raise ValueError(f"years {years} start before the scenario ({params.start_year})")
    paths = paying_users_at(params, n_paths, months)
    frozen = paying_users_at(params.replace(market_payer_headroom=1.0), None, months)[0]
    table = brackets(years)
    table["p5"], table["median"], table["p95"] = np.percentile(paths, [5, 50, 95], axis=0)
    table["frozen"] = frozen
    lower_ok = table["lower"].isna() | (table["median"] >= table["lower"])
    upper_ok = table["upper"].isna() | (table["median"] <= table["upper"])
    table["median_inside"] = lower_ok & upper_ok
    return table
