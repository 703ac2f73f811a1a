"""Content against the leaders: what an own service spends on content per subscriber-year
and against its revenue, beside what the leader reported.

iQIYI, China's largest paid video platform, reported its content costs, revenue and
membership revenue (``data/raw/iqiyi_content_economics.csv``; refs 1.14, 2.19, 2.20) and
its subscribing members (``data/raw/china_svod_subscribers.csv``). Its content cost per
member-year (the year's content cost over the mean of the members at the year's start
and end) fell from about RMB 500 in 2016 to about RMB 200-230 in 2019-21 as members
grew faster than the budget; content took 68-84 % of its total revenue (:func:`leader`).

An own service of the model is set against those figures (:func:`own_services`): its
subscribers, content paid per subscriber-year and content against its net subscription
revenue, year by year while it operates (run to the horizon), in the expected case. And the
test of issue 21 (:func:`range_ends`, :func:`money_machines`): no single uncertain input
at its 1st or 99th percentile may turn an own service into one that makes money while
paying less for content per subscriber-year than the leader ever did, which iQIYI's and
Tencent Video's losses contradict.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from models.calibration import data
from models.economics import finance
from models.economics.modes import MODES
from models.economics.simulation import simulate
from models.format import money

log = logging.getLogger(__name__)


def own_modes() -> tuple[str, ...]:
    """The own services: the modes that run a service of their own and buy its
    catalogue from the start (the registry's services)."""
    return MODES.services()


#: Quantiles of each uncertain input tried alone by :func:`range_ends`.
ENDS = (0.01, 0.99)


def leader(svod: pd.DataFrame | None = None, economics: pd.DataFrame | None = None):
    """iQIYI's content economics by year.

    Returns
    -------
    DataFrame indexed by year
        ``content_rmb_bn``, ``revenue_rmb_bn``, ``membership_rmb_bn`` (RMB bn),
        ``members_m`` (mean of the year-start and year-end subscribing members,
        millions; NaN without both), ``content_per_member_rmb`` (RMB a member-year),
        ``content_share`` (content cost over total revenue) and
        ``content_over_membership`` (over membership revenue).
    """
    svod = data.svod_subscribers() if svod is None else svod
    econ = data.iqiyi_economics() if economics is None else economics
    wide = econ.pivot_table(index="year", columns="measure", values="value", aggfunc="first")
    ends = svod[(svod["platform"] == "iQIYI") & (svod["as_of"].dt.month == 12)]
    at_end = ends.groupby(ends["as_of"].dt.year)["subscribers_m"].last()
    years = wide.index
    members = pd.Series(
        [(at_end.get(y - 1, np.nan) + at_end.get(y, np.nan)) / 2.0 for y in years], index=years
    )
    out = pd.DataFrame(
        {
            "content_rmb_bn": wide.get("content_cost"),
            "revenue_rmb_bn": wide.get("revenue"),
            "membership_rmb_bn": wide.get("membership_revenue"),
            "members_m": members,
        }
    )
    out["content_per_member_rmb"] = out["content_rmb_bn"] * 1e3 / out["members_m"]
    out["content_share"] = out["content_rmb_bn"] / out["revenue_rmb_bn"]
    out["content_over_membership"] = out["content_rmb_bn"] / out["membership_rmb_bn"]
    return out


def floor_usd(params, table: pd.DataFrame | None = None) -> float:
    """The least the leader paid for content per member-year, in US$ at the scenario's
    exchange rate (``pricing_fx_cny_per_usd``)."""
    table = leader() if table is None else table
    return float(table["content_per_member_rmb"].min() / params.pricing_fx_cny_per_usd)


def _yearly(result, mode: str, dates: pd.PeriodIndex) -> pd.DataFrame:
    """One own mode's lines while it operates, summed by calendar year (the first path)."""
    r = result.modes[mode]
    shape = np.shape(r.committed_cash_flow)
    lines = {k: np.broadcast_to(v, shape)[0] for k, v in r.conditional.items()}
    subs = np.broadcast_to(r.subscribers_m, shape)[0]
    frame = pd.DataFrame(
        {
            "subscribers_m": subs / 12.0,  # summed over a year: subscriber-years
            "content_usd_m": -lines["content"],
            # subscription revenue net of VAT, as the leader reports revenue
            "revenue_usd_m": lines["subscription_revenue"] + lines["vat"],
        },
        index=dates.year,
    )
    return frame.groupby(level=0).sum()


def own_services(params) -> pd.DataFrame:
    """Each own service's content economics by calendar year while it operates (as if
    run to the horizon), inputs and events in expectation.

    Returns
    -------
    DataFrame
        One row per own mode and year it operates: ``mode``, ``year``, ``subscribers_m``
        (mean over the year, millions), ``content_usd_m`` (content paid, US$ m),
        ``content_per_sub_usd`` (US$ a subscriber-year) and ``content_share`` (content
        over subscription revenue net of VAT).
    """
    res = simulate(params, started=True)
    dates = res.dates
    rows = []
    for mode in own_modes():
        year = _yearly(res, mode, dates)
        year = year[year["subscribers_m"] > 0]
        for y, row in year.iterrows():
            rows.append(
                {
                    "mode": mode,
                    "year": int(y),
                    "subscribers_m": row["subscribers_m"],
                    "content_usd_m": row["content_usd_m"],
                    "content_per_sub_usd": row["content_usd_m"] / row["subscribers_m"],
                    "content_share": row["content_usd_m"] / row["revenue_usd_m"],
                }
            )
    return pd.DataFrame(rows)


def range_ends(params, quantiles=ENDS) -> pd.DataFrame:
    """Each uncertain input alone at each quantile, the others at their values: each own
    service's committed NPV (US$ m) and content paid per subscriber-year over its
    operating years (US$), inputs and events in expectation.

    Returns
    -------
    DataFrame
        ``input``, ``quantile``, ``value``, ``mode``, ``npv``, ``subscriber_years_m``,
        ``content_per_sub_usd``; the first rows (``input`` empty) are the inputs as set.
    """
    names = sorted(params.distributions)
    base = {n: float(getattr(params, n)) for n in names}
    rows = [("", np.nan, np.nan, base)]
    for n in names:
        values = params.distributions[n].ppf(np.asarray(quantiles))
        for q, v in zip(quantiles, values, strict=True):
            rows.append((n, q, float(v), {**base, n: float(v)}))
    res = simulate(params, pd.DataFrame([r[3] for r in rows]), started=True)
    out = []
    for mode in own_modes():
        r = res.modes[mode]
        shape = np.shape(r.committed_cash_flow)
        npv = finance.npv(r.committed_cash_flow, res.rate)
        # both weighted by the chance the regulator has not closed it yet
        subs = (np.broadcast_to(r.subscribers_m, shape) * r.survival).sum(axis=1) / 12.0
        content = -np.broadcast_to(r.committed_lines["content"], shape).sum(axis=1)
        for i, (name, q, v, _) in enumerate(rows):
            out.append(
                {
                    "input": name,
                    "quantile": q,
                    "value": v,
                    "mode": mode,
                    "npv": float(np.broadcast_to(npv, (len(rows),))[i]),
                    "subscriber_years_m": float(subs[i]),
                    "content_per_sub_usd": float(content[i] / subs[i]) if subs[i] else np.inf,
                }
            )
    log.info("range ends: %d inputs at %s, own services committed", len(names), quantiles)
    return pd.DataFrame(out)


def money_machines(ends: pd.DataFrame, floor: float) -> pd.DataFrame:
    """The rows of :func:`range_ends` in which an own service makes money (committed NPV
    above 0) while paying less than ``floor`` (US$ a subscriber-year, :func:`floor_usd`)
    for content: what the leader's reported economics contradict."""
    return ends[(ends["npv"] > 0) & (ends["content_per_sub_usd"] < floor)]


def findings(params, ends: pd.DataFrame, table: pd.DataFrame | None = None) -> list[str]:
    """The comparison in sentences."""
    table = leader() if table is None else table
    fx = params.pricing_fx_cny_per_usd
    low, high = table["content_per_member_rmb"].min(), table["content_per_member_rmb"].max()
    share = table["content_share"].dropna()
    out = [
        f"iQIYI paid RMB {low:.0f}-{high:.0f} for content per member-year in "
        f"{int(table['content_per_member_rmb'].dropna().index.min())}-"
        f"{int(table['content_per_member_rmb'].dropna().index.max())} (US$ {low / fx:.0f}-"
        f"{high / fx:.0f} at this scenario's RMB {fx:g} to the dollar), and content took "
        f"{share.min():.0%}-{share.max():.0%} of its revenue, advertising included."
    ]
    for mode in own_modes():
        mine = ends[ends["mode"] == mode]
        best = mine.loc[mine["npv"].idxmax()]
        at = (
            "with every input as set"
            if not best["input"]
            else f"with {best['input']} alone at its {best['quantile']:.0%} point "
            f"({best['value']:.3g})"
        )
        out.append(
            f"{MODES.label(mode)}: its best committed value over the range ends is "
            f"{money(best['npv'])}, {at}, paying US${best['content_per_sub_usd']:,.0f} "
            "for content per subscriber-year."
        )
    machines = money_machines(ends, floor_usd(params, table))
    named = "; ".join(
        f"{r['mode']} at {r['input']} = {r['value']:.3g}" for _, r in machines.iterrows()
    )
    out.append(
        "No input at either end of its range makes an own service a money machine the "
        "leader's figures contradict."
        if machines.empty
        else f"{len(machines)} range ends make an own service earn while paying less for "
        "content per subscriber-year than the leader ever did: " + named + "."
    )
    return out
