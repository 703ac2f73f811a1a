"""A licence of titles to a Chinese platform: contracts, prices, payments and the buyer.

What a licensor earns (docs/references/china_svod_economics.md, section 7, "Licensing
deals"):

contracts
    The titles are licensed on contracts of ``license_term_months``, the first signed
    when the titles are approved (the licensing mode's launch), each renewed at its end
    (ref 7.5: iQIYI licenses "at fixed rates for a specified term").
price
    A contract's fee per title-year is set when it is signed: the sourced price of
    2013-16 deals (``license_fee_usd_m_per_title``, ref 7.1-7.3), grown by
    ``license_fee_growth_year``, scaled by the buyer's demand (the online-video users
    who pay, against those of the market in which the price was observed,
    ``license_reference_payers_m``, to the power ``license_demand_elasticity``) and, at
    each renewal, multiplied by a renegotiation shock (log-normal with mean 1; refs
    7.6-7.7: prices fell to a third and rose seven-fold within a year or two). Its
    spread is ``license_renewal_sd_log`` per year of the term, so that the risk over a
    horizon does not depend on how often the contract is renewed (``sd * sqrt(term /
    12)`` per renewal). The shocks compound: a renewal starts from the last price.
payments
    ``license_upfront_share`` of a contract's value at signing, the rest in equal
    monthly instalments over the term (ref 7.5: "in installments upon signing ... and
    during the license period").
the buyer's distress
    The buyer may fall into distress, as LeEco did in 2016 with RMB 1.255 bn of unpaid
    copyright fees (ref 7.8): a monthly hazard from the first signing, at most once per
    path; from then on ``license_loss_given_distress`` of the current contract's
    instalments is never paid. The next contract is signed with another buyer on the
    usual terms. Drawn from the same uniforms as a partner's distress
    (:mod:`models.economics.events`): a platform's cash crisis hits a partner and a
    licensee in the same futures.

All amounts are US$ m, arrays shaped (paths, months) unless said otherwise.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtri

from models._arrays import FloatArray, column, month_index


def demand_factor(payers_m: ArrayLike, reference_m: ArrayLike, elasticity: ArrayLike) -> FloatArray:
    """How much more a buyer pays than in the market where the fee was observed.

    ``(payers / reference) ** elasticity``: the paying online-video users
    (:func:`models.economics.market.paying_users`), millions, against those of the
    market where the fee was observed (``license_reference_payers_m``), with diminishing
    returns. The share of payers open to a foreign service would scale both alike, so
    it does not enter (issue 21's review 9: a reference that carried it moved every fee
    when that share's default moved).

    >>> float(demand_factor(4.0, 1.0, 0.5)[0, 0])
    2.0
    """
    pool = np.asarray(payers_m, dtype=float)
    pool = pool if np.ndim(pool) == 2 else column(pool)
    return (np.maximum(pool, 0.0) / column(reference_m)) ** column(elasticity)


def contract_index(first_month: ArrayLike, term_months: ArrayLike, months: int):
    """Which contract runs in each month (0 the first, -1 before the first signing) and
    the month within it, (paths, months) each."""
    since = month_index(months) - column(first_month)
    term = np.maximum(column(term_months), 1.0)
    k = np.where(since >= 0, np.floor(since / term), -1.0)
    return k, np.where(since >= 0, since - k * term, -1.0)


def contracts(first_month: ArrayLike, term_months: ArrayLike, months: int) -> int:
    """How many contracts start within the horizon, at most over the paths."""
    first = float(np.min(column(first_month)))
    term = max(float(np.min(column(term_months))), 1.0)
    return max(int(np.ceil((months - first) / term)), 1)


def renegotiation(
    u_renewal: FloatArray | None,
    first_month: ArrayLike,
    term_months: ArrayLike,
    sd_log: ArrayLike,
    months: int,
) -> FloatArray:
    """The compounded renegotiation multiplier of each contract, (paths, contracts).

    1 for the first contract; each renewal multiplies the last price by
    ``exp(s * z - s**2 / 2)`` (mean 1), ``s = sd_log * sqrt(term / 12)`` (``sd_log`` per
    year) and ``z`` the standard normal of the path's ``renewal`` uniform in the month
    the contract is signed. ``u_renewal`` None: the
    most-likely case, 1 throughout (the multipliers have mean 1 and are independent)."""
    n = contracts(first_month, term_months, months)
    if u_renewal is None:
        return np.ones((1, n))
    paths = u_renewal.shape[0]
    starts = column(first_month) + column(term_months) * np.arange(n).reshape(1, -1)
    starts = np.broadcast_to(starts, (paths, n))
    inside = starts < months
    at = np.clip(starts, 0, months - 1).astype(int)
    z = ndtri(np.take_along_axis(u_renewal, at, axis=1))
    sd = column(sd_log) * np.sqrt(np.maximum(column(term_months), 1.0) / 12.0)
    step = np.where(inside, sd * z - 0.5 * sd**2, 0.0)
    step[:, 0] = 0.0
    return np.exp(np.cumsum(step, axis=1))


def per_contract(values: FloatArray, k: FloatArray) -> FloatArray:
    """``values`` (paths or 1, contracts) read in each month's contract ``k`` (0 before
    the first)."""
    idx = np.clip(k, 0, values.shape[1] - 1).astype(int)
    rows = max(values.shape[0], idx.shape[0])
    v = np.broadcast_to(values, (rows, values.shape[1]))
    return np.take_along_axis(v, np.broadcast_to(idx, (rows, idx.shape[1])), axis=1)


def contract_value(
    price_at_signing: FloatArray,
    titles: ArrayLike,
    term_months: ArrayLike,
    k: FloatArray,
) -> FloatArray:
    """Value of the contract running in each month: approved titles x the fee per
    title-year at its signing x its years; 0 before the first signing.
    ``price_at_signing`` is the fee per title-year in each month, of which the month a
    contract is signed is read."""
    return np.where(k >= 0, column(titles) * price_at_signing * column(term_months) / 12.0, 0.0)


def signing_price(
    price: FloatArray, first_month: ArrayLike, term_months: ArrayLike, k: FloatArray
) -> FloatArray:
    """A monthly price series read at the month the running contract was signed."""
    months = k.shape[1]
    start = column(first_month) + np.maximum(k, 0.0) * column(term_months)
    at = np.clip(start, 0, months - 1).astype(int)
    rows = max(price.shape[0], at.shape[0])
    p = np.broadcast_to(price, (rows, months))
    return np.take_along_axis(p, np.broadcast_to(at, (rows, months)), axis=1)


def payments(value: FloatArray, m: FloatArray, term_months: ArrayLike, upfront_share: ArrayLike):
    """Payments of each month, split into (at signing, instalment): ``upfront_share`` of
    the contract's value in its first month, the rest in equal monthly instalments over
    its term."""
    a = column(upfront_share)
    upfront = np.where(m == 0, a * value, 0.0)
    instalment = np.where(m >= 0, (1.0 - a) * value / np.maximum(column(term_months), 1.0), 0.0)
    return upfront, instalment


def earning(price: FloatArray, shock: FloatArray, titles: ArrayLike, k: FloatArray):
    """What the licence earns a month at today's price (the price a contract signed
    now would fetch, with the path's renegotiations so far): the fee income of a
    normalised year, whatever the month of the horizon or the term; 0 before the first
    signing."""
    return np.where(k >= 0, column(titles) * price * shock / 12.0, 0.0)


def distressed_share_expected(
    hazard_month: ArrayLike, first_month: ArrayLike, term_months: ArrayLike, k: FloatArray
) -> FloatArray:
    """Probability that the buyer's first distress fell within the running contract
    and before month ``t``: ``S(start of contract) - S(t)``, with ``S(x)`` the
    probability of no distress from the first signing to month ``x``."""
    months = k.shape[1]
    first = column(first_month)
    h = column(hazard_month)
    t = month_index(months)
    start = first + np.maximum(k, 0.0) * column(term_months)

    def survival(x):
        return (1.0 - h) ** np.maximum(x - first, 0.0)

    return np.where(k >= 0, survival(start) - survival(t), 0.0)


def distressed_share_drawn(
    distress_month: ArrayLike, first_month: ArrayLike, term_months: ArrayLike, k: FloatArray
) -> FloatArray:
    """1 in the months after the buyer's distress (``distress_month``, per path) that
    fall within the same contract, else 0."""
    months = k.shape[1]
    d = column(distress_month)
    t = month_index(months)
    start = column(first_month) + np.maximum(k, 0.0) * column(term_months)
    return ((k >= 0) & (d >= start) & (d < t)).astype(float)


def unearned(value: FloatArray, m: FloatArray, term_months: ArrayLike, upfront_share):
    """The share of the running contract's payment at signing that pays for the months
    after each month, (paths, months): ``upfront_share x value x months left / term``.
    Read in the final month, it was received within the horizon and is not to be
    counted again in the value beyond it; read in the month before a contract ends
    early (a staged entry's own service launching mid-term), it is refunded.

    >>> m = np.arange(-1.0, 5.0).reshape(1, -1)  # signed in month 1, a 4-month term
    >>> unearned(np.full((1, 6), 8.0), m, 4, 0.5)[0].tolist()
    [0.0, 3.0, 2.0, 1.0, 0.0, 0.0]
    """
    term = np.maximum(column(term_months), 1.0)
    left = np.where(m >= 0, np.maximum(term - 1.0 - m, 0.0), 0.0)
    return column(upfront_share) * value * left / term
