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

All amounts are US$ m, arrays shaped (paths, months) unless said otherwise. A
contract's terms are scalar compiled functions of one month of one path
(:func:`contract_at`, :func:`payments`, :func:`no_distress`, :func:`unearned_at`),
composed by one loop over each path's months (:func:`months`, called through
:func:`schedule`); :func:`contract_index` applies the same function to arrays. The
price is a closed form over the grid, in numpy (:func:`fee_per_title`,
:func:`demand_factor`), which the loop reads. Every compiled function here is cached on
the sources of this module and of :mod:`models.economics.kernels`, whose helpers it
inlines.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from numpy.typing import ArrayLike
from scipy.special import ndtri

from models._arrays import FloatArray, column
from models.economics import kernels
from models.economics.kernels import _at, _max


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


@njit(inline="always", cache=True)
def contract_at(t, first, term):
    """The contract running in month ``t`` (0 the first) and the month within it,
    ``(k, m)``; ``(-1, -1)`` before the first signing, in month ``first``. Contracts
    last ``term`` months (at least one)."""
    since = t - first
    if since >= 0.0:
        k = np.floor(since / _max(term, 1.0))
        return k, since - k * _max(term, 1.0)
    return -1.0, -1.0


@njit(cache=True, nogil=True)
def _contract_grid(first, term, rows, months):  # pragma: no cover (compiled)
    k, m = np.empty((rows, months)), np.empty((rows, months))
    for i in range(rows):
        for t in range(months):
            k[i, t], m[i, t] = contract_at(float(t), _at(first, i, 0), _at(term, i, 0))
    return k, m


def contract_index(first_month: ArrayLike, term_months: ArrayLike, months: int):
    """Which contract runs in each month (0 the first, -1 before the first signing) and
    the month within it, (paths, months) each (:func:`contract_at`)."""
    first, term = column(first_month), column(term_months)
    rows = max(first.shape[0], term.shape[0])
    return _contract_grid(
        kernels.grid(first, rows, months), kernels.grid(term, rows, months), rows, months
    )


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


def fee_per_title(
    fee: ArrayLike,
    growth: ArrayLike,
    payers: ArrayLike,
    reference: ArrayLike,
    elasticity: ArrayLike,
    months: int,
) -> FloatArray:
    """The fee per title-year of a contract signed in each month, before its
    renegotiations, US$ m, (1 or paths, months): the sourced price (``fee``) grown by
    ``growth`` a year and scaled by the buyer's :func:`demand_factor` (``payers``, the
    paying users each month).

    One numpy expression over the grid, not a compiled scalar: numpy's vectorised
    ``power`` costs 2.6 ns an element on this machine against 11 ns for the libm call of
    a compiled loop (issue 25), and the price is a closed form, not a recursion.

    >>> fee_per_title(1.0, 0.21, 4.0, 1.0, 0.5, 25).round(4)[0, [0, 12, 24]].tolist()
    [2.0, 2.42, 2.9282]
    """
    t = np.arange(months, dtype=float).reshape(1, -1) / 12.0
    grown = column(fee) * (1.0 + column(growth)) ** t
    return grown * demand_factor(payers, reference, elasticity)


@njit(inline="always", cache=True)
def payments(value, m, term, upfront_share):
    """Payments of a contract worth ``value`` in its month ``m`` (-1 before the first
    signing), split into ``(at signing, instalment)``: ``upfront_share`` of its value in
    its first month, the rest in equal monthly instalments over its ``term``."""
    upfront = upfront_share * value if m == 0.0 else 0.0
    instalment = (1.0 - upfront_share) * value / _max(term, 1.0) if m >= 0.0 else 0.0
    return upfront, instalment


@njit(inline="always", cache=True)
def no_distress(hazard, first, x):
    """Probability that the buyer has not fallen into distress from the first signing
    (month ``first``) to month ``x``: ``(1 - h) ** (x - first)``, ``h`` the monthly
    ``hazard``. The probability that its first distress fell within the contract signed
    in month ``s`` and before month ``t`` is ``S(s) - S(t)``."""
    return (1.0 - hazard) ** _max(x - first, 0.0)


@njit(inline="always", cache=True)
def unearned_at(value, m, term, upfront_share):
    """The share of a contract's payment at signing that pays for the months after its
    month ``m``: ``upfront_share x value x months left / term`` (0 before the first
    signing). Read in the final month, it was received within the horizon and is not
    to be counted again in the value beyond it; read in the month before a contract
    ends early (a staged entry's own service launching mid-term), it is refunded.

    >>> [unearned_at(8.0, m, 4.0, 0.5) for m in (-1.0, 0.0, 1.0, 2.0, 3.0)]
    [0.0, 3.0, 2.0, 1.0, 0.0]
    """
    term = _max(term, 1.0)
    left = _max(term - 1.0 - m, 0.0) if m >= 0.0 else 0.0
    return upfront_share * value * left / term


@njit(cache=True, nogil=True, error_model="numpy")
def months(
    price, first, term, shocks, titles, upfront_share, hazard, distress_month, drawn, loss,
    log_kept, log_lasting, steady, lasting, rows, n_months,
):  # pragma: no cover (compiled)  # fmt: skip
    """A licence's fees month by month, one path at a time: ``(due, lost, earned,
    unearned)``, (rows, months) each, US$ m VAT included (see :func:`schedule`).

    Inputs are (1 or rows, 1 or months) grids (:func:`models.economics.kernels.grid`):
    ``price`` the fee per title-year of a contract signed in each month
    (:func:`fee_per_title`), ``shocks`` (1 or rows, contracts) the renegotiation multipliers
    (:func:`renegotiation`); ``drawn`` says whether ``distress_month`` (1 or rows, 1)
    holds each path's month of the buyer's distress, or the ``hazard`` is expected.
    """
    due, lost = np.empty((rows, n_months)), np.empty((rows, n_months))
    earned, unearned = np.empty((rows, n_months)), np.empty((rows, n_months))
    survival = np.empty(n_months)  # no distress from the first signing to month t
    kept_in = np.empty(n_months)  # the share kept of titles on offer since month t
    contracts_n = shocks.shape[1]
    # the survival is a row unless an input of it is per path
    survival_rows = max(hazard.shape[0], first.shape[0])
    for i in range(rows):
        f, term_i, a = _at(first, i, 0), _at(term, i, 0), _at(upfront_share, i, 0)
        titles_i, h, lgd = _at(titles, i, 0), _at(hazard, i, 0), _at(loss, i, 0)
        d, normal, lasting_i = _at(distress_month, i, 0), _at(steady, i, 0), _at(lasting, i, 0)
        if not drawn and (i == 0 or survival_rows > 1):
            for t in range(n_months):
                survival[t] = no_distress(h, f, float(t))
        row = i if shocks.shape[0] > 1 else 0
        contract = -2.0  # the contract whose terms follow (none yet)
        shock, start, value, survived = 1.0, 0.0, 0.0, 1.0
        for t in range(n_months):
            now = float(t)
            k, m = contract_at(now, f, term_i)
            if k != contract:  # a contract signed (or none yet): its price and value
                contract = k
                shock = shocks[row, int(min(max(k, 0.0), contracts_n - 1.0))]
                start = f + max(k, 0.0) * term_i
                at = int(min(max(start, 0.0), n_months - 1.0))
                value = titles_i * (_at(price, i, at) * shock) * term_i / 12.0 if k >= 0.0 else 0.0
                survived = 1.0 if drawn else no_distress(h, f, start)
            upfront, instalment = payments(value, m, term_i, a)
            if k < 0.0:
                hit = 0.0
            elif drawn:
                hit = 1.0 if d >= start and d < now else 0.0
            else:
                hit = survived - survival[t]
            # a crackdown pulls titles of the running contract; the next contract
            # licenses titles that pass the rules of its day (cut by the lasting part of
            # earlier crackdowns only)
            since = now - max(m, 0.0)
            cut = _at(log_kept, i, t) - kernels.log_cut_before(
                log_kept, log_lasting, i, since, n_months
            )
            kept = 1.0 if cut == 0.0 else math.exp(cut)
            kept_in[t] = kept
            due[i, t] = (upfront + instalment) * kept
            lost[i, t] = instalment * hit * lgd * kept
            # a normalised month: a contract signed now, on the titles the lasting part
            # of the crackdowns so far leaves (``lasting``, the horizon's), as many as
            # new crackdowns leave on average over its term (``steady``)
            earning = titles_i * _at(price, i, t) * shock / 12.0 if k >= 0.0 else 0.0
            earned[i, t] = earning * normal * lasting_i
            # what was paid at signing for the months after this one: as many titles as
            # were on offer then (a later crackdown refunds nothing)
            signing = int(max(now - max(m, 0.0), 0.0))
            unearned[i, t] = unearned_at(value, m, term_i, a) * kept_in[signing]
    return due, lost, earned, unearned


# they inline kernels' helpers (_at, _max): an edit there must reach their cached code
for _compiled in (
    contract_at, payments, no_distress, unearned_at, _contract_grid, months,
):  # fmt: skip
    kernels.cache_keyed_on(_compiled, kernels)


#: The inputs of :func:`fee_per_title`, in order.
PRICE = ("fee", "growth", "payers", "reference", "elasticity")

#: The keyword inputs of :func:`schedule`, besides ``distress_month``.
INPUTS = (
    "payers", "fee", "growth", "reference", "elasticity", "first", "term", "shocks",
    "titles", "upfront_share", "hazard", "loss", "log_kept", "log_lasting", "steady",
    "lasting",
)  # fmt: skip


def schedule(n_months: int, *, distress_month: ArrayLike | None = None, **inputs: ArrayLike):
    """A licence's fees: ``(due, lost, earned, unearned)``, (rows, months) each, US$ m VAT
    included; ``rows`` the most rows among the inputs.

    due
        The payments at signing and the instalments, of the titles crackdowns left on
        offer.
    lost
        The instalments a buyer in distress does not pay (``loss`` of those of the
        contract in which its distress fell, after it): expected from the monthly
        ``hazard`` where ``distress_month`` is None, else drawn (each path's month).
    earned
        What a normalised month earns at today's price (a contract signed now, with the
        path's renegotiations so far), for the value beyond the horizon.
    unearned
        The payment at signing already received for the months after each month
        (:func:`unearned_at`).

    Keyword inputs (a number, a (rows, 1) column or a (rows, months) array; ``fee``,
    ``growth``, ``reference`` and ``elasticity`` a number or a column, one per path):
    ``payers`` (the buyer's paying users, millions), ``fee``, ``growth``, ``reference``,
    ``elasticity`` (the price, :func:`fee_per_title`), ``first`` (the first signing),
    ``term``, ``titles`` (approved titles a year), ``upfront_share``, ``hazard``,
    ``loss``, ``log_kept`` and ``log_lasting`` (crackdowns,
    :class:`models.economics.events.ServiceRisk`), ``steady`` and ``lasting`` (the
    normalised month's share of titles kept); ``shocks`` (rows or 1, contracts), the
    renegotiations (:func:`renegotiation`).
    """
    if set(inputs) != set(INPUTS):
        missing, unknown = sorted(set(INPUTS) - set(inputs)), sorted(set(inputs) - set(INPUTS))
        raise TypeError(f"licence.schedule: missing inputs {missing}, unknown inputs {unknown}")
    shocks = kernels.frozen(np.atleast_2d(inputs.pop("shocks")))
    drawn = distress_month is not None
    arrays = {**inputs, "distress_month": distress_month if drawn else 0.0}
    rows = max(shocks.shape[0], *(np.shape(x)[0] if np.ndim(x) else 1 for x in arrays.values()))
    # the price, a closed form, over the grid in numpy; the contracts, a recursion,
    # compiled
    price = fee_per_title(*(arrays.pop(k) for k in PRICE), n_months)
    grid = {k: kernels.grid(v, rows, n_months) for k, v in arrays.items()}
    return months(
        kernels.grid(price, rows, n_months), grid["first"], grid["term"], shocks,
        grid["titles"], grid["upfront_share"], grid["hazard"], grid["distress_month"], drawn,
        grid["loss"], grid["log_kept"], grid["log_lasting"], grid["steady"], grid["lasting"],
        rows, n_months,
    )  # fmt: skip
