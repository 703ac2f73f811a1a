"""Content cost: rights, localisation (subtitles, dubbing, re-edits), the domestic titles
the foreign-content quota requires, and local originals; cash paid versus amortised.

China's quota lets a site license foreign titles up to 30 % of the domestic titles it
licensed (ref 5.3), so every approved foreign title drags ``1 / 0.30`` domestic titles
with it. Content is bought up front for each content year, from ``content_lead_months``
before launch (full-season pre-approval, ref 5.4), and amortised straight-line in the
profit-and-loss account. Money in US$ millions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from models._arrays import FloatArray, column, month_index


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


def domestic_titles_required(
    foreign_titles: ArrayLike, quota_ratio: ArrayLike, covered_share: ArrayLike = 0.0
) -> FloatArray:
    """Domestic titles a service must license for ``foreign_titles`` under the quota.

    ``foreign <= quota_ratio * domestic`` (ref 5.3), so ``domestic = foreign / ratio``;
    a partner's own library may cover ``covered_share`` of them.
    """
    return column(foreign_titles) / column(quota_ratio) * (1.0 - column(covered_share))


@dataclass(frozen=True)
class ContentBudget:
    """Yearly content spend by component, US$ millions, each shaped (paths, 1)."""

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


def yearly_budget(
    foreign_titles: ArrayLike,
    rights_usd_m_per_title: ArrayLike,
    localisation_usd_m: ArrayLike,
    pass_rate: ArrayLike,
    quota_ratio: ArrayLike,
    domestic_usd_m_per_title: ArrayLike,
    quota_covered_share: ArrayLike = 0.0,
    originals_usd_m: ArrayLike = 0.0,
) -> ContentBudget:
    """Content budget of one year at month-0 prices.

    Rights and localisation are paid on every submitted foreign title (approval comes
    after the work); only approved titles count towards the quota.
    """
    n = column(foreign_titles)
    approved = n * column(pass_rate)
    return ContentBudget(
        rights=n * column(rights_usd_m_per_title),
        localisation=n * column(localisation_usd_m),
        domestic=domestic_titles_required(approved, quota_ratio, quota_covered_share)
        * column(domestic_usd_m_per_title),
        originals=column(originals_usd_m) * np.ones_like(n),
    )


def yearly_payments(
    amount_usd_m: ArrayLike, first_month: ArrayLike, months: int, growth_year: ArrayLike
) -> FloatArray:
    """Spread a yearly amount into up-front payments every 12 months from ``first_month``.

    Returns an array (paths, months) with ``amount * (1 + growth) ** (t / 12)`` in months
    ``first_month + 12 k`` and zero elsewhere. Used for content bought up front and for
    licence fees received up front.
    """
    t = month_index(months)
    start = np.maximum(column(first_month), 0.0)
    due = (t >= start) & (np.mod(t - start, 12.0) == 0)
    return np.where(due, column(amount_usd_m) * (1.0 + column(growth_year)) ** (t / 12.0), 0.0)


def amortise(cash_usd_m: FloatArray, amortisation_months: int) -> FloatArray:
    """Straight-line amortisation of each payment over ``amortisation_months``.

    The payment of month ``t`` is expensed evenly in months ``t .. t + n - 1``; what
    falls beyond the horizon is not returned.
    """
    n = int(amortisation_months)
    c = np.cumsum(cash_usd_m, axis=1)
    lagged = np.zeros_like(c)
    if n < c.shape[1]:
        lagged[:, n:] = c[:, :-n]
    return (c - lagged) / n


def mode_budget(params, mode: str) -> ContentBudget:
    """Yearly content budget of an entry mode at month-0 prices, US$ millions.

    ``solo`` and ``partner`` license, localise and submit the foreign catalogue, buy the
    domestic titles the quota requires (the partner's library covers part of them) and
    commission originals; ``license`` only localises the titles it licenses out;
    ``stay_out`` spends nothing.
    """
    p = params
    loc = localisation_usd_m_per_title(
        p.content_hours_per_title,
        p.content_subtitle_usd_per_hour,
        p.content_dub_share,
        p.content_dub_usd_per_hour,
        p.content_reedit_share,
        p.content_reedit_usd_per_source_hour,
    )
    if mode in ("solo", "partner"):
        return yearly_budget(
            p.content_foreign_titles_year,
            p.content_rights_usd_m_per_title,
            loc,
            p.regulation_approval_pass_rate,
            p.regulation_quota_foreign_ratio,
            p.content_domestic_title_usd_m,
            p.partner_quota_cover_share if mode == "partner" else 0.0,
            p.content_originals_usd_m_year,
        )
    zero = column(0.0)
    if mode == "license":
        return ContentBudget(zero, column(p.license_titles_year) * loc, zero, zero)
    if mode == "stay_out":
        return ContentBudget(zero, zero, zero, zero)
    raise ValueError(f"unknown entry mode {mode!r}")
