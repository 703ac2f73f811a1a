"""Hindcast of the paying market: what a scenario's market says about later years,
against what was reported.

A scenario set in the past (``letv_2015``: the decision at the start of 2016) draws its
market inputs as the Monte Carlo does (:func:`models.uncertainty.montecarlo.draw_inputs`),
and its paying video users at each later year end
(:func:`models.economics.market.paying_users`; on the definition of its start, iResearch's
28.84 M paying users of 2015, ref 1.22) are set against what was reported
(:func:`reports`). No series counts China's paying users once each, year after year, so
three kinds of report are used, each for what it can say:

- **paying users reported for the year** (``paying_users`` rows counted exactly in
  ``data/raw/china_paid_video_market.csv``: Analysys's and iResearch's 61.3 M and 75 M
  for 2016): they should lie in the model's 90 % band;
- **the largest platform's paying members** at the year end (iQIYI, Tencent Video or
  Youku, ``data/raw/china_svod_subscribers.csv``): each is a paying user, so a lower
  bound the median should clear;
- **paid memberships summed over platforms** (Entgroup's 230 M for 2018, counted
  exactly): a payer holds one or more, so an upper bound the median should not pass.

Reports worded "more than" and forecasts say nothing either way and are left out; the
shares of users who said they paid (CNSA, CNNIC) count single-title purchases and are
left out too. A market frozen at its first month's paying share is the benchmark the
hindcast must beat (:func:`hindcast`'s ``frozen`` column).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models._paths import PROJECT_ROOT
from models.calibration import data
from models.economics import market
from models.inputs import scenario
from models.uncertainty import montecarlo

#: Platforms whose paying members are a lower bound on the paying users.
PLATFORMS = ("iQIYI", "Tencent Video", "Youku")


def reports(years, svod: pd.DataFrame | None = None, paid: pd.DataFrame | None = None):
    """What was reported about the paying users at each year end, millions.

    Returns
    -------
    DataFrame indexed by year
        ``reported`` (paying users counted exactly for the year, a tuple, possibly
        empty), ``leader`` (largest platform's members at the year end; NaN if none) and
        ``leader_source``, ``memberships`` (paid memberships summed over platforms,
        counted exactly at the year end; NaN if none).
    """
    svod = data.svod_subscribers() if svod is None else svod
    paid = data.paid_video_market() if paid is None else paid
    exact = paid[paid["qualifier"] == "exact"]
    rows = []
    for year in years:
        end = pd.Timestamp(year=year, month=12, day=31)
        at_end = svod[(svod["as_of"].dt.to_period("M") == end.to_period("M"))]
        at_end = at_end[at_end["platform"].isin(PLATFORMS)]
        leader, leader_source = np.nan, ""
        if not at_end.empty:
            top = at_end.loc[at_end["subscribers_m"].idxmax()]
            leader = float(top["subscribers_m"])
            status = "verified" if top["verified"] else "not verified"
            leader_source = f"{top['platform']} ({status})"
        this = exact[exact["as_of"] == f"{year}-12"]
        users = this[this["measure"] == "paying_users"]["value"]
        members = this[this["measure"] == "paid_memberships"]["value"]
        rows.append(
            {
                "year": year,
                "reported": tuple(float(x) for x in users),
                "leader": leader,
                "leader_source": leader_source,
                "memberships": float(members.min()) if len(members) else np.nan,
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
    """The scenario's paying users at each year end against what was reported.

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
        The reports (:func:`reports`), the model's ``p5``, ``median`` and ``p95``
        (millions), ``frozen`` (the paying share held at month 0, the inputs at their
        central values), and three checks, each NaN where nothing was reported:
        ``reported_in_band`` (every paying-users report within p5..p95),
        ``above_leader`` (median at least the largest platform's members) and
        ``below_memberships`` (median at most the paid memberships).
    """
    years = list(years)
    months = [12 * (y - params.start_year) + 11 for y in years]
    if min(months) < 0:
        raise ValueError(f"years {years} start before the scenario ({params.start_year})")
    paths = paying_users_at(params, n_paths, months)
    table = reports(years)
    table["p5"], table["median"], table["p95"] = np.percentile(paths, [5, 50, 95], axis=0)
    table["frozen"] = paying_users_at(params.replace(market_payer_headroom=1.0), None, months)[0]
    return checks(table, "median")


def checks(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """The hindcast's checks of ``column`` (the median, or ``frozen``: the band is then
    that single value) against the reports; NaN where nothing was reported."""
    out = table.copy()
    low, high = (out["p5"], out["p95"]) if column == "median" else (out[column], out[column])

    def in_band(row, lo, hi):
        if not row["reported"]:
            return np.nan
        return float(all(lo <= x <= hi for x in row["reported"]))

    out["reported_in_band"] = [
        in_band(r, lo, hi) for (_, r), lo, hi in zip(out.iterrows(), low, high, strict=True)
    ]
    value = out[column]
    out["above_leader"] = np.where(out["leader"].isna(), np.nan, value >= out["leader"])
    out["below_memberships"] = np.where(
        out["memberships"].isna(), np.nan, value <= out["memberships"]
    )
    return out


#: The scenario set at the decision of late 2015, and the years it is checked on.
SCENARIO = "letv_2015"
YEARS = (2016, 2017, 2018, 2019)


def letv_2015(n_paths: int = 4000) -> pd.DataFrame:
    """The hindcast of :data:`SCENARIO` over :data:`YEARS` (:func:`hindcast`)."""
    params = scenario.load(PROJECT_ROOT / "data" / "scenarios" / f"{SCENARIO}.yaml")
    return hindcast(params, YEARS, n_paths)


def passed(table: pd.DataFrame) -> bool:
    """Whether every check that has a report holds."""
    return all(bool(table[c].dropna().all()) for c in CHECKS)


#: The hindcast's checks, in the order :func:`findings` states them.
CHECKS = ("reported_in_band", "above_leader", "below_memberships")


def findings(table: pd.DataFrame) -> list[str]:
    """The hindcast in sentences, the frozen market's beside it."""
    frozen = checks(table, "frozen")
    out = []
    for year, row in table.iterrows():
        parts = [f"median {row['median']:.0f} M (90 % band {row['p5']:.0f}-{row['p95']:.0f} M)"]
        if row["reported"]:
            reported = " and ".join(f"{x:.1f} M" for x in row["reported"])
            verdict = "inside" if row["reported_in_band"] else "OUTSIDE"
            parts.append(f"reported {reported}: {verdict} the band")
        if np.isfinite(row["leader"]):
            verdict = "above" if row["above_leader"] else "BELOW"
            parts.append(f"{verdict} the largest platform's {row['leader']:.1f} M")
        if np.isfinite(row["memberships"]):
            verdict = "below" if row["below_memberships"] else "ABOVE"
            parts.append(f"{verdict} the {row['memberships']:.0f} M paid memberships")
        out.append(f"{year}: " + "; ".join(parts) + ".")
    failed = [c for c in CHECKS if frozen[c].dropna().size and not frozen[c].dropna().all()]
    out.append(
        "A market frozen at 2015's paying share ("
        + ", ".join(f"{y}: {v:.0f} M" for y, v in table["frozen"].items())
        + (") fails the same checks." if failed else ") passes them too: the check says little.")
    )
    return out
