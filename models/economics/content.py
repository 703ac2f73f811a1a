"""Content: what the catalogue costs and what it holds, year by year.

An own service builds a **library**. Each content year, from ``content_lead_months``
before launch (full-season pre-approval, ref 5.4), it licenses
``content_foreign_titles_year`` foreign titles (rights for a window of
``content_window_years``, localisation), of which ``regulation_approval_pass_rate`` are
approved and go on offer at the launch anniversary; the year's titles make way for newer
ones when their window ends. **The quota** (:func:`domestic_purchases`) binds the
catalogue: under the 2018 draft (ref 5.5, ``share_on_offer``) foreign titles may be at
most ``s`` of the titles on offer, so the library must hold ``(1 - s) / s`` domestic
titles for each foreign one, bought with windows of their own and replaced as they end;
under the 2014 rule (ref 5.3, ``yearly_ratio``) every year's foreign purchases need
``1 / s`` domestic purchases. Domestic titles are bought for the foreign titles
submitted, since approval comes after the purchase (ref 5.4) and the quota must hold when
they go live; a partner's library supplies part of them. **Originals** are commissioned
from a yearly budget and owned for good.

**The policy** (:func:`pace_index`): the leaders' catalogue grows with the paying
market (:func:`leaders_catalogue_index`: their spend follows it, each title's price
too, and the catalogue by the difference), and is the yardstick against which a
catalogue draws. An own service scales its plan's purchases each content year by the
leaders' growth to the power ``content_keep_pace_share``: at 0 (the default) it buys
the plan every year and its draw falls as the leaders' catalogue grows; at 1 its
catalogue keeps its place against theirs and its spend grows as theirs. Both
elasticities are net of content inflation, which every price carries on top
(:func:`payments`), so the leaders' catalogue in titles does not shrink with it.

What is on offer draws demand (:func:`title_equivalents`, then
:func:`models.economics.market.catalogue_attractiveness`); what is bought is paid up front
each content year and amortised straight-line. Money in US$ millions, titles as counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numba import njit
from numpy.typing import ArrayLike

from models._arrays import FloatArray, column
from models.economics import kernels


def reedit_cost_usd(n_episodes: float, episode_minutes: float, usd_per_source_hour: float) -> float:
    """Cost of re-editing a series, in US$, from the runtime of its source material.

    Re-editing is priced per hour of source watched, cut and re-scored, not per hour
    delivered: *Empresses in the Palace*, 76 episodes of about 45 minutes (57 hours),
    was cut into 6 films of 90 minutes (9 hours) for Netflix (ref 2.13), so it costs
    57 source hours.

    >>> reedit_cost_usd(76, 45, 5000.0)
    285000.0
    """
    return n_episodes * episode_minutes / 60.0 * usd_per_source_hour


def localisation_usd_m_per_title(
    hours: ArrayLike,
    subtitle_usd_per_hour: ArrayLike,
    dub_share: ArrayLike,
    dub_usd_per_hour: ArrayLike,
    reedit_share: ArrayLike,
    reedit_usd_per_source_hour: ArrayLike,
) -> FloatArray:
    """Average localisation cost of one foreign title, US$ millions.

    Subtitles on every hour (ref 2.15), dubbing on a share of hours (ref 2.16), and a
    re-edit of a share of titles priced per source hour (:func:`reedit_cost_usd`).
    """
    h = column(hours)
    usd = h * (
        column(subtitle_usd_per_hour)
        + column(dub_share) * column(dub_usd_per_hour)
        + column(reedit_share) * column(reedit_usd_per_source_hour)
    )
    return usd / 1e6


def domestic_purchases(
    foreign_titles: ArrayLike,
    foreign_window_years: ArrayLike,
    domestic_window_years: int,
    quota_share: ArrayLike,
    rule: str,
    years: int,
) -> FloatArray:
    """Domestic titles licensed in each content year to meet the quota, (paths, years).

    ``foreign_titles`` are the foreign titles submitted each content year: a number (the
    same every year), (paths, 1) or (paths, years). ``share_on_offer`` (ref 5.5): the
    library must hold ``(1 - s) / s`` domestic titles for each foreign title in its
    ``W_f``-year window (``F * min(k + 1, W_f) * (1 - s) / s`` in year ``k`` when F is
    constant); each year buys what the titles still in their ``W_d``-year window do not
    cover. ``yearly_ratio`` (ref 5.3): ``F / s`` every year.

    >>> domestic_purchases(30.0, 3, 5, 0.3, "share_on_offer", 7)[0].round(1).tolist()
    [70.0, 70.0, 70.0, 0.0, 0.0, 70.0, 70.0]
    """
    f = np.asarray(foreign_titles, dtype=float)
    f = (column(f) if f.ndim < 2 else f) * np.ones((1, years))
    s = column(quota_share)
    paths = max(f.shape[0], s.shape[0], column(foreign_window_years).shape[0])
    out = np.zeros((paths, years))
    if rule == "yearly_ratio":
        out[:] = f / s
        return out
    if rule != "share_on_offer":
        raise ValueError(f"unknown quota rule {rule!r}")
    held_foreign = in_window(f, foreign_window_years)
    wd = int(domestic_window_years)
    for k in range(years):
        need = (held_foreign[:, [k]] * (1.0 - s) / s)[:, 0]
        held = out[:, max(0, k - wd + 1) : k].sum(axis=1)
        out[:, k] = np.maximum(need - held, 0.0)
    return out


def in_window(purchases: FloatArray, window_years: ArrayLike) -> FloatArray:
    """Titles held in each content year: the purchases of the last ``window_years`` years.

    >>> in_window(np.array([[10.0, 10.0, 10.0, 10.0]]), 3)[0].tolist()
    [10.0, 20.0, 30.0, 30.0]
    """
    w = column(window_years)
    rows = max(purchases.shape[0], w.shape[0])
    purchases = np.broadcast_to(purchases, (rows, purchases.shape[1]))
    w = np.broadcast_to(w, (rows, 1))
    years = purchases.shape[1]
    cum = np.concatenate([np.zeros((rows, 1)), np.cumsum(purchases, axis=1)], 1)
    k = np.arange(years).reshape(1, -1)
    lo = np.maximum(k + 1 - w, 0).astype(int)
    return cum[:, 1:] - np.take_along_axis(cum, lo, axis=1)


def _rows(per_year: FloatArray, *per_path: ArrayLike) -> tuple[np.ndarray, int]:
    """``per_year`` as a read-only, C-contiguous float array and the rows it and the
    ``per_path`` numbers or columns broadcast to (each may be one row). Refused: another shape, no
    years, and a month that is not finite (the compiled passes do not check bounds)."""
    per_year = kernels.frozen(per_year)
    if per_year.ndim != 2 or per_year.shape[1] == 0:
        raise ValueError(f"yearly amounts of shape {per_year.shape}: expected (rows, years >= 1)")
    rows = max(per_year.shape[0], *(np.shape(x)[0] if np.ndim(x) else 1 for x in per_path))
    if per_year.shape[0] not in (1, rows):
        raise ValueError(f"yearly amounts of shape {per_year.shape}: expected {rows} rows")
    if not np.all(np.isfinite(per_path[0])):
        raise ValueError(f"first months {per_path[0]!r}: expected finite months")
    return per_year, rows


def by_month(per_year: FloatArray, first_month: ArrayLike, months: int) -> FloatArray:
    """A per-content-year quantity as a monthly one: year ``k`` holds in months
    ``first + 12 k`` to ``first + 12 k + 11`` (the last year's value beyond the years
    given); 0 before ``first``. Compiled (:func:`models.economics.kernels.yearly_to_monthly`).

    >>> by_month(np.array([[1.0, 2.0]]), 1, 27)[0, [0, 1, 12, 13, 26]].tolist()
    [0.0, 1.0, 1.0, 2.0, 2.0]
    """
    per_year, rows = _rows(per_year, first_month)
    first = kernels.grid(column(first_month), rows, 1)
    return kernels.yearly_to_monthly(per_year, first, rows, months)


def payments(
    per_year_usd_m: FloatArray, first_month: ArrayLike, months: int, growth_year: ArrayLike
) -> FloatArray:
    """Yearly amounts (month-0 prices) paid up front at months ``first + 12 k``, grown by
    ``(1 + growth) ** (t / 12)`` to the month of payment; (paths, months). Compiled
    (:func:`models.economics.kernels.yearly_paid`).

    >>> payments(np.array([[10.0, 20.0]]), 1, 26, 0.21)[0, [1, 13, 25]].round(2).tolist()
    [10.16, 24.59, 29.75]
    """
    per_year, rows = _rows(per_year_usd_m, first_month, growth_year)
    return kernels.yearly_paid(
        per_year,
        kernels.grid(column(first_month), rows, 1),
        kernels.grid(column(growth_year), rows, 1),
        rows,
        months,
    )


@dataclass(frozen=True)
class ContentBudget:
    """One content year's spend by component, US$ millions at month-0 prices, each shaped
    (paths, 1)."""

    rights: FloatArray
    localisation: FloatArray
    domestic: FloatArray
    originals: FloatArray

    def to_df(self) -> pd.DataFrame:
        """One row per path, one column per component and the total, US$ m a year."""
        parts = {k: getattr(self, k) for k in ("rights", "localisation", "domestic", "originals")}
        parts["total"] = self.total
        n = max(np.shape(v)[0] for v in parts.values())
        return pd.DataFrame({k: np.broadcast_to(v[:, 0], n) for k, v in parts.items()})

    @property
    def total(self) -> FloatArray:
        """Sum of all components."""
        return self.rights + self.localisation + self.domestic + self.originals


@dataclass(frozen=True)
class ContentPlan:
    """An own service's content, per content year and per month.

    Attributes
    ----------
    yearly : dict of str to ndarray (paths, years)
        Spend per content year at month-0 prices, US$ m: ``rights``, ``localisation``,
        ``domestic``, ``originals``.
    cash : ndarray (paths, months)
        Content paid, US$ m (positive), grown by content-cost inflation.
    domestic, originals : ndarray (paths, months)
        Titles on offer in each month (0 before launch): domestic titles in their
        window, originals commissioned so far.
    approved : ndarray (paths, years)
        Approved foreign titles bought for each content year (on offer from month
        ``launch + 12 k`` for ``window`` years).
    window : ndarray (paths, 1)
        Years a foreign title stays on offer (``content_window_years``).
    launch : ndarray (paths, 1)
        Launch month.
    """

    yearly: dict[str, FloatArray]
    cash: FloatArray
    domestic: FloatArray
    originals: FloatArray
    approved: FloatArray
    window: FloatArray
    launch: FloatArray

    def budget(self, year: int = 0) -> ContentBudget:
        """The spend of one content year by component (year 0: the launch year)."""
        return ContentBudget(**{k: v[:, [year]] for k, v in self.yearly.items()})

    @property
    def foreign(self) -> FloatArray:
        """Approved foreign titles in their window in each month, before any crackdown,
        (paths, months) (0 before launch). Computed when asked for: a service's build
        reads the approved titles per content year instead
        (:func:`foreign_on_offer`), and this pass cost an own service's base 1.2 ms
        of its 14 (issue 25)."""
        months = np.shape(self.domestic)[1]
        return by_month(in_window(self.approved, self.window), self.launch, months)


def localisation_per_title(content) -> FloatArray:
    """Localisation cost of one foreign title, US$ m, from a mode's
    :class:`models.economics.terms.Content` terms."""
    c = content
    return localisation_usd_m_per_title(
        c.hours_per_title,
        c.subtitle_usd_per_hour,
        c.dub_share,
        c.dub_usd_per_hour,
        c.reedit_share,
        c.reedit_usd_per_source_hour,
    )


def content_plan(
    content,
    rules,
    launch: ArrayLike,
    months: int,
    start_month: int = 0,
    quota_cover_share: ArrayLike = 0.0,
    market_price: ArrayLike = 1.0,
    pace: ArrayLike = 1.0,
) -> ContentPlan:
    """The content of an own service launched in ``launch``.

    See the module docstring for the library, the quota and originals.

    Parameters
    ----------
    content : models.economics.terms.Content
        Titles, their windows and costs, the lead time of purchases.
    rules : models.economics.terms.Rules
        The quota (rule and foreign share) and the approval rate of foreign titles.
    launch : int or (paths, 1)
        Launch month.
    months : int
        Months simulated.
    start_month : int
        Month the venture starts spending: nothing is bought before it.
    quota_cover_share : float or (paths, 1)
        Share of the domestic titles a partner's library supplies at no cost to the
        streamer (they are on offer all the same; ``partner_quota_cover_share``).
    market_price : float or (paths, months)
        What the paying market has done to the price of rights and domestic titles
        bought in each month, as a multiple of month 0's
        (:func:`market_price_index`); localisation and originals are priced apart.
    pace : float or (paths, months)
        The content policy: the plan's purchases are scaled, each content year, by this
        multiple in the month they are bought (:func:`pace_index`: the leaders'
        catalogue against month 0's, to ``content_keep_pace_share``). Titles on offer
        and every spend line follow.
    """
    c = content
    years = months // 12 + 2
    # bought ahead of the launch, but not before the venture starts
    start = np.maximum(column(launch) - column(c.lead_months), float(start_month))
    scale = at_purchases(pace, start, years)
    foreign = column(c.foreign_titles_year) * scale
    approved = foreign * column(rules.approval_pass_rate)
    domestic = domestic_purchases(
        foreign,
        c.window_years,
        c.domestic_window_years,
        rules.quota_foreign_share,
        rules.quota_rule,
        years,
    )
    originals = column(c.originals_usd_m_year) * scale / column(c.original_usd_m_per_title)
    yearly = {
        "rights": foreign * column(c.rights_usd_m_per_title),
        "localisation": foreign * localisation_per_title(c),
        "domestic": domestic * (1.0 - column(quota_cover_share)) * column(c.domestic_title_usd_m),
        "originals": column(c.originals_usd_m_year) * scale,
    }
    bid = yearly["rights"] + yearly["domestic"]  # priced by the market's bidding
    own = yearly["localisation"] + yearly["originals"]
    cash = payments(bid, start, months, c.cost_inflation_year) * market_price + payments(
        own, start, months, c.cost_inflation_year
    )
    return ContentPlan(
        yearly=yearly,
        cash=cash,
        domestic=by_month(in_window(domestic, c.domestic_window_years), launch, months),
        originals=by_month(np.cumsum(originals, axis=1), launch, months),
        approved=approved,
        window=column(c.window_years),
        launch=column(launch).astype(float),
    )


def market_index(payers_m: FloatArray, elasticity: ArrayLike) -> FloatArray:
    """``(payers[t] / payers[0]) ** elasticity``, (paths, months): a quantity that
    follows the paying market with ``elasticity``. Without a paying market at month 0
    the index is 1 (nothing to follow).

    >>> market_index(np.array([[10.0, 40.0]]), 0.5).tolist()
    [[1.0, 2.0]]
    """
    payers = np.asarray(payers_m, dtype=float)
    first = payers[:, :1]
    ratio = np.where(first > 0, np.maximum(payers, 0.0) / np.where(first > 0, first, 1.0), 1.0)
    return ratio ** column(elasticity)


def market_price_index(payers_m: FloatArray, elasticity: ArrayLike) -> FloatArray:
    """The price of rights and domestic titles in each month against month 0's, as the
    paying market grows: ``(payers[t] / payers[0]) ** elasticity``, (paths, months)
    (:func:`market_index`).

    Platforms bid for titles with what their members pay, so rights prices follow the
    paying market, less than one for one: top dramas' online rights rose 3-5 times from
    2014 to 2017 (ref 2.18) while paid memberships rose about 14 times (ref 1.25;
    ``content_market_price_elasticity``). Without a paying market at month 0 the index
    is 1.

    >>> market_price_index(np.array([[10.0, 40.0]]), 0.5).tolist()
    [[1.0, 2.0]]
    """
    return market_index(payers_m, elasticity)


def leaders_catalogue_index(
    payers_m: FloatArray, spend_elasticity: ArrayLike, price_elasticity: ArrayLike
) -> FloatArray:
    """The leaders' catalogue (titles on offer) in each month against month 0's,
    (paths, months): their content spend follows the paying market with
    ``spend_elasticity`` (``content_leader_spend_elasticity``: iQIYI's content costs rose
    4.8 times in 2015-18 net of content inflation while paid memberships rose 10.5
    times, refs 2.19 and 1.25) and each title's price with ``price_elasticity``
    (:func:`market_price_index`), both net of content inflation, so their titles follow
    it with the difference.

    It is the yardstick of a catalogue's draw
    (:func:`models.economics.market.catalogue_attractiveness`): a catalogue that stays
    the same size draws less as the leaders' grows.

    >>> leaders_catalogue_index(np.array([[10.0, 160.0]]), 0.75, 0.5).tolist()
    [[1.0, 2.0]]
    """
    return market_index(payers_m, column(spend_elasticity) - column(price_elasticity))


def pace_index(leaders: FloatArray, keep_pace_share: ArrayLike) -> FloatArray:
    """The multiple of its plan an own service buys in each month, (paths, months): the
    leaders' catalogue against month 0's (:func:`leaders_catalogue_index`) to the power
    ``content_keep_pace_share`` (0, the default: it buys the plan every year, and ones
    of shape (rows, 1) are returned; 1: the service keeps its catalogue against the
    leaders').

    >>> pace_index(np.array([[1.0, 4.0]]), 0.5).tolist()
    [[1.0, 2.0]]
    """
    share = column(keep_pace_share)
    if not np.any(share):  # the default: the plan every year (x ** 0 is 1, NaN too)
        return np.ones_like(share)
    return np.asarray(leaders, dtype=float) ** share


def at_purchases(monthly: ArrayLike, first_month: ArrayLike, years: int) -> FloatArray:
    """A monthly quantity read in the month each content year is bought (``first + 12
    k``, the last month for purchases beyond the horizon), (paths, years); a number or
    (paths, 1) is returned as it is, broadcast to the years.

    >>> at_purchases(np.array([[1.0, 2.0, 3.0]]), 1, 3).tolist()
    [[2.0, 3.0, 3.0]]
    """
    x = np.asarray(monthly, dtype=float)
    if x.ndim < 2 or x.shape[1] == 1:
        return column(x) * np.ones((1, years))
    first = column(first_month)
    idx = np.clip(first + 12.0 * np.arange(years).reshape(1, -1), 0, x.shape[1] - 1).astype(int)
    rows = max(x.shape[0], idx.shape[0])
    return np.take_along_axis(
        np.broadcast_to(x, (rows, x.shape[1])), np.broadcast_to(idx, (rows, years)), axis=1
    )


def average_budget(plan: ContentPlan, months: int) -> ContentBudget:
    """A plan's spend per year by component, averaged over the horizon's content years,
    US$ m at month-0 prices, shaped (paths, 1) (the quota's domestic purchases are
    lumpy, as windows end)."""
    years = max(int(months) // 12, 1)
    return ContentBudget(
        **{k: v[:, :years].mean(axis=1, keepdims=True) for k, v in plan.yearly.items()}
    )


def foreign_on_offer(
    plan: ContentPlan, log_kept: FloatArray, log_lasting: FloatArray | None = None
) -> FloatArray:
    """Approved foreign titles still on offer after crackdowns, (paths, months).

    Each content year's titles go on offer at its start (``launch + 12 k``) for
    ``window`` years and lose to the crackdowns from then on, and to the lasting part
    of those before (:func:`models.economics.kernels.log_cut_before`). ``log_kept`` and
    ``log_lasting`` are the risk's
    :attr:`~models.economics.events.ServiceRisk.log_kept` and ``log_lasting``.

    One compiled pass over each path's months (:func:`models.economics.kernels.on_offer`):
    as numpy, one pass per year of the window, each gathering titles and what was kept
    since their start, it took a third of an own service's time (issue 25).
    """
    months = np.shape(log_kept)[1]
    approved, rows = _rows(
        plan.approved,
        plan.launch,
        plan.window,
        log_kept,
        1.0 if log_lasting is None else log_lasting,
    )
    return kernels.on_offer(
        approved,
        kernels.grid(column(plan.window), rows, 1),
        kernels.grid(column(plan.launch), rows, 1),
        kernels.grid(log_kept, rows, months),
        kernels.grid(0.0 if log_lasting is None else log_lasting, rows, months),
        rows,
        months,
    )


@njit(inline="always", cache=True)
def title_equivalents(foreign, domestic, originals, w_domestic, w_original):
    """A catalogue in foreign-title equivalents in one month of one path: the foreign
    titles on offer (:func:`foreign_on_offer`), plus domestic titles and originals at
    their weights (``content_domestic_title_weight``, ``content_original_title_weight``).
    Inlined into the catalogue's pass (:func:`models.economics.operating.catalogue_ratios`).
    """
    titles = foreign + w_domestic * domestic
    return titles + w_original * originals


def yearly_payments(
    amount_usd_m: ArrayLike, first_month: ArrayLike, months: int, growth_year: ArrayLike
) -> FloatArray:
    """The same amount (month-0 prices) paid up front every 12 months from
    ``first_month``, grown to the month of payment (:func:`payments`). Used for licence
    fees received up front and the localisation of licensed titles."""
    return payments(
        column(amount_usd_m) * np.ones((1, months // 12 + 1)), first_month, months, growth_year
    )


def amortise(cash_usd_m: FloatArray, amortisation_months: int) -> FloatArray:
    """Straight-line amortisation of each payment over ``amortisation_months``.

    The payment of month ``t`` is expensed evenly in months ``t .. t + n - 1``; what
    falls beyond the horizon is not returned. Compiled
    (:func:`models.economics.kernels.straight_line`: one pass instead of numpy's five,
    1.9 ms of an own service's base at 2,048 paths; issue 25).

    >>> amortise(np.array([[12.0, 0.0, 0.0, 6.0, 0.0]]), 3)[0].tolist()
    [4.0, 4.0, 4.0, 2.0, 2.0]
    """
    n = int(amortisation_months)
    cash = kernels.frozen(cash_usd_m)
    if cash.ndim != 2 or n < 1:
        raise ValueError(
            f"amortise: cash of shape {cash.shape} over {n} months: expected (rows, months)"
            " and at least one month"
        )
    return kernels.straight_line(cash, n, cash.shape[0], cash.shape[1])


def license_localisation(titles_year: ArrayLike, content) -> FloatArray:
    """Yearly localisation of ``titles_year`` titles licensed out, US$ m, (paths, 1)."""
    return column(titles_year) * localisation_per_title(content)
