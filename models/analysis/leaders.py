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
revenue, year by year while it operates (run to the horizon), in the most-likely case. And the
test of issue 21 (:func:`range_ends`, :func:`money_machines`): no single uncertain input
at its 1st or 99th percentile may turn an own service into one that makes money while
paying less for content per subscriber-year than the leader ever did, which iQIYI's and
Tencent Video's losses contradict. No single end makes one earn at all, so the inputs are
also drawn together (:func:`joint`): in base, every input set on which an own service
earns pays less for content per subscriber-year than the leader did (issue 21's seventh
review), and the report says so.
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
from models.inputs.display import format_value, label
from models.uncertainty import montecarlo

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
        ``content_over_membership`` (over membership revenue) and ``not_verified``
        (which of content cost, revenue and members rest on rows not verified).
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
    # which of the figures behind a year rest on rows not verified (SOURCES.md)
    weak_econ = econ[~econ["verified"]]
    weak_ends = ends[~ends["verified"]]["as_of"].dt.year.tolist()
    names = {"content_cost": "content cost", "revenue": "revenue"}
    out["not_verified"] = [
        ", ".join(
            [
                names[m]
                for m in names
                if ((weak_econ["year"] == y) & (weak_econ["measure"] == m)).any()
            ]
            + (["members"] if (y in weak_ends or y - 1 in weak_ends) else [])
        )
        for y in years
    ]
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


#: The last years of the horizon read as an own service's settled years by :func:`settled`.
SETTLED_YEARS = 6


def settled(params, own: pd.DataFrame | None = None, years: int = SETTLED_YEARS) -> pd.DataFrame:
    """Each own service's economics in its settled years, the last ``years`` of the
    horizon (run to the horizon, inputs and events in expectation; :func:`own_services`).

    Returns
    -------
    DataFrame indexed by mode
        ``subscribers_m`` (mean, millions), ``revenue_per_sub_usd`` (subscription
        revenue net of VAT, US$ a subscriber-year), ``content_per_sub_usd`` (US$ a
        subscriber-year) and ``content_share`` (content over that revenue).
    """
    own = own_services(params) if own is None else own
    rows = {}
    for mode, part in own.groupby("mode", sort=False):
        late = part[part["year"] > part["year"].max() - years]
        sub_years = late["subscribers_m"].sum()
        revenue = (late["content_usd_m"] / late["content_share"]).sum()
        rows[mode] = {
            "subscribers_m": float(late["subscribers_m"].mean()),
            "revenue_per_sub_usd": float(revenue / sub_years),
            "content_per_sub_usd": float(late["content_usd_m"].sum() / sub_years),
            "content_share": float(late["content_usd_m"].sum() / revenue),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


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


def joint(params, n_paths: int = 2000) -> pd.DataFrame:
    """Every uncertain input drawn together, as the Monte Carlo draws them (its seed,
    sampling and correlations; :func:`models.uncertainty.montecarlo.draw_inputs`),
    events in expectation: each own service's committed NPV (US$ m), content paid per
    subscriber-year (US$) and content over net subscription revenue, per input set.

    Single inputs at their ends (:func:`range_ends`) may never make a service earn, so
    that the money-machine test there says nothing; drawn together, they do.

    Returns
    -------
    DataFrame
        ``path``, ``mode``, ``npv``, ``subscriber_years_m``, ``content_per_sub_usd``,
        ``content_share``.
    """
    draws = montecarlo.draw_inputs(params, n_paths)
    res = simulate(params, draws, started=True)
    out = []
    for mode in own_modes():
        r = res.modes[mode]
        shape = (len(draws), np.shape(r.committed_cash_flow)[1])
        npv = np.broadcast_to(finance.npv(r.committed_cash_flow, res.rate), (len(draws),))
        alive = np.broadcast_to(r.survival, shape)
        subs = (np.broadcast_to(r.subscribers_m, shape) * alive).sum(axis=1) / 12.0
        lines = r.committed_lines
        content = -np.broadcast_to(lines["content"], shape).sum(axis=1)
        revenue = np.broadcast_to(lines["subscription_revenue"] + lines["vat"], shape).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out.append(
                pd.DataFrame(
                    {
                        "path": np.arange(len(draws)),
                        "mode": mode,
                        "npv": npv,
                        "subscriber_years_m": subs,
                        "content_per_sub_usd": np.where(subs > 0, content / subs, np.inf),
                        "content_share": np.where(revenue > 0, content / revenue, np.inf),
                    }
                )
            )
    log.info("joint draws: %d input sets, own services committed", len(draws))
    return pd.concat(out, ignore_index=True)


def money_machines(ends: pd.DataFrame, floor: float) -> pd.DataFrame:
    """The rows of :func:`range_ends` in which an own service makes money (committed NPV
    above 0) while paying less than ``floor`` (US$ a subscriber-year, :func:`floor_usd`)
    for content: what the leader's reported economics contradict."""
    return ends[(ends["npv"] > 0) & (ends["content_per_sub_usd"] < floor)]


def findings(
    params, ends: pd.DataFrame, drawn: pd.DataFrame | None = None, table: pd.DataFrame | None = None
) -> list[str]:
    """The comparison in sentences: the leader's figures, the best single range end of
    each own service, and (with ``drawn``, :func:`joint`) how often the inputs drawn
    together make one earn, and on what content."""
    table = leader() if table is None else table
    fx = params.pricing_fx_cny_per_usd
    low, high = table["content_per_member_rmb"].min(), table["content_per_member_rmb"].max()
    share = table["content_share"].dropna()
    ratio = table["content_over_membership"].dropna()
    years = table["content_per_member_rmb"].dropna().index
    floor = floor_usd(params, table)
    out = [
        f"iQIYI paid RMB {low:.0f}-{high:.0f} for content per member-year in "
        f"{int(years.min())}-{int(years.max())} (US${low / fx:.0f}-{high / fx:.0f} at this "
        f"scenario's RMB {fx:g} to the dollar); content took {share.min():.0%}-"
        f"{share.max():.0%} of its revenue, advertising included, and {ratio.min():.0%} or "
        "more of its membership revenue."
    ]
    late = settled(params)
    for mode, r in late.iterrows():
        out.append(
            f"{MODES.label(mode)}, run to the horizon in the most-likely case: in its last "
            f"{SETTLED_YEARS} years {r['subscribers_m']:,.1f} M subscribers on average, who "
            f"pay US${r['revenue_per_sub_usd']:,.0f} a year each net of VAT, while its "
            f"content costs US${r['content_per_sub_usd']:,.0f} per subscriber-year: "
            f"{r['content_share']:.0%} of its subscription revenue."
        )
    if len(late) and (late["content_share"] >= 1.0).all():
        out.append(
            "Content alone costs each own service more than its subscribers pay. What "
            "decides an own service here is what content costs against what Chinese "
            "subscribers pay, and how much of a leader's audience a foreign catalogue "
            "draws (a catalogue a fraction of a leader's draws a fraction of its "
            "audience, ref 8.7), more than how many payers are open to it."
        )
    for mode in own_modes():
        mine = ends[ends["mode"] == mode]
        best = mine.loc[mine["npv"].idxmax()]
        at = (
            "with every input as set"
            if not best["input"]
            else f"with {label(best['input'])} alone at its {_ordinal(best['quantile'])} "
            f"percentile ({format_value(best['input'], best['value'])})"
        )
        out.append(
            f"{MODES.label(mode)}: its best committed value over the range ends is "
            f"{money(best['npv'])}, {at}, paying US${best['content_per_sub_usd']:,.0f} "
            "for content per subscriber-year."
        )
    machines = money_machines(ends, floor)
    if (ends["npv"] > 0).any():
        named = "; ".join(
            f"{MODES.label(r['mode'])} "
            + (
                f"with {label(r['input'])} at {format_value(r['input'], r['value'])}"
                if r["input"]
                else "with every input as set"
            )
            for _, r in machines.head(5).iterrows()
        ) + (f", and {len(machines) - 5} more" if len(machines) > 5 else "")
        out.append(
            "No input at either end of its range makes an own service a money machine the "
            "leader's figures contradict."
            if machines.empty
            else f"{len(machines)} range ends make an own service earn while paying less for "
            f"content per subscriber-year than the leader ever did: {named}."
        )
    else:
        out.append(
            "No input at either end of its range, alone, makes an own service earn at all, so "
            "single inputs cannot show a money machine."
        )
    if drawn is not None:
        for mode in own_modes():
            mine = drawn[drawn["mode"] == mode]
            earn = mine[mine["npv"] > 0]
            if earn.empty:
                out.append(
                    f"{MODES.label(mode)}: none of {len(mine):,} input sets drawn together "
                    "(events in expectation) makes it earn if run to the horizon."
                )
                continue
            cheap = earn[earn["content_per_sub_usd"] < floor]
            out.append(
                f"{MODES.label(mode)}: {len(earn) / len(mine):.1%} of {len(mine):,} input sets "
                "drawn together (events in expectation) make it earn if run to the horizon; in "
                f"{len(cheap) / len(earn):.0%} of them it pays less for content per "
                f"subscriber-year than the leader ever did (median US$"
                f"{earn['content_per_sub_usd'].median():,.0f}, content "
                f"{earn['content_share'].median():.0%} of its subscription revenue, against the "
                f"leader's {ratio.min():.0%} or more of its membership revenue). Where an own "
                "service pays in this model, it pays on cheap content: the model's upside for "
                "own services rests on a catalogue the leaders' economics say is too small."
                if len(cheap)
                else f"{MODES.label(mode)}: {len(earn) / len(mine):.1%} of {len(mine):,} input "
                "sets drawn together make it earn, none on less content per subscriber-year "
                "than the leader paid."
            )
    return out


def _ordinal(q: float) -> str:
    n = round(q * 100)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
