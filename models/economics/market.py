"""Addressable market: how many people could subscribe to a premium foreign service.

The market starts from China's online-video audience (CNNIC, ``data/raw``), keeps the
share that pays for video subscriptions (a share that diffuses in time towards its
ceiling, :func:`payer_share`: the paying market China's leaders report, fitted in
:mod:`models.calibration.paying_market`) and the share open to a premium foreign
service, then scales with price (constant elasticity against the incumbents' price,
which may fall once the service launches) and with what the catalogue on offer draws
(constant elasticity against a reference catalogue, so titles add demand with
diminishing returns; docs/design.md, "Model sketch"). All quantities are millions of people,
per month.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import ArrayLike
from scipy.special import ndtri

from models._arrays import FloatArray, column, month_index
from models.economics import kernels
from models.economics.kernels import _max, _min, cache_keyed_on


def online_video_users(
    users0_m: ArrayLike, growth_year: ArrayLike, months: int, ceiling_m: ArrayLike = np.inf
) -> FloatArray:
    """Online-video users in each month, growing at ``growth_year`` at first and
    slowing as they near ``ceiling_m``.

    A logistic curve through ``users0`` whose growth at month 0 is ``growth_year``:
    ``U(t) = C / (1 + (C / U0 - 1) exp(-k t / 12))`` with
    ``k = ln(1 + g) / (1 - U0 / C)``. Without a ceiling (``inf``), or when they
    shrink (``g < 0``), it is ``U0 (1 + g) ** (t / 12)``; users at or above the
    ceiling stay where they are unless they shrink.

    Parameters
    ----------
    users0_m : float or array of shape (paths,)
        Users at month 0, millions (``market_online_video_users_m``).
    growth_year : float or array of shape (paths,)
        Yearly growth rate at month 0, fraction (``market_user_growth_year``).
    months : int
        Number of months.
    ceiling_m : float or array of shape (paths,)
        Most users there can be, millions (``market_online_video_users_ceiling_m``).

    Returns
    -------
    ndarray of shape (paths, months)
        Users in millions.

    >>> u = online_video_users(1000.0, 0.05, 1201, 2000.0)
    >>> round(float(u[0, 12] / u[0, 0]), 4), round(float(u[0, -1]))
    (1.0488, 2000)
    """
    u0, g, c = column(users0_m), column(growth_year), column(ceiling_m)
    t = month_index(months) / 12.0
    free = u0 * (1.0 + g) ** t
    if np.all(np.isinf(c)):
        return free
    share = np.minimum(u0 / np.where(np.isinf(c), 1.0, c), 1.0)
    finite = np.isfinite(c) & (share < 1.0) & (g >= 0.0)
    k = np.log1p(g) / np.where(finite, 1.0 - share, 1.0)
    capped = c / (1.0 + (1.0 / np.where(finite, share, 1.0) - 1.0) * np.exp(-k * t))
    at_ceiling = np.isfinite(c) & (share >= 1.0) & (g >= 0.0)
    return np.where(finite, capped, np.where(at_ceiling, u0 + 0.0 * t, free))


def payer_share(
    start: ArrayLike, headroom: ArrayLike, rate_year: ArrayLike, months: int
) -> FloatArray:
    """Share of online-video users who pay for video, in each month: a logistic
    diffusion from ``start`` towards ``headroom * start``.

    ``s(t) = h s0 / (1 + (h - 1) exp(-r t / 12))``, the logistic curve through
    ``s(0) = s0`` with ceiling ``h s0`` and rate ``r`` a year (Verhulst's law, the
    curve Griliches (1957) fitted to the diffusion of hybrid corn). A headroom of 1 (or
    a rate of 0) keeps the share at ``s0``; below 1 it falls towards its ceiling. The
    share never exceeds 1.

    Parameters
    ----------
    start : float or array of shape (paths,)
        Share at month 0, fraction (``market_svod_payer_share``).
    headroom : float or array of shape (paths,)
        Ceiling over the share at month 0, positive (``market_payer_headroom``).
    rate_year : float or array of shape (paths,)
        Logistic rate, per year (``market_payer_diffusion_rate_year``): the share
        grows at ``r (1 - s / (h s0))`` a year (continuously compounded), so at
        ``r (1 - 1 / h)`` at month 0, and a gap to the ceiling closes at ``r``.
    months : int
        Number of months.

    Returns
    -------
    ndarray of shape (paths, months)

    References
    ----------
    Griliches, Z. (1957). Hybrid corn: an exploration in the economics of technological
    change. Econometrica 25(4), 501-522.

    >>> s = payer_share(0.05, 4.0, 1.0, 1201)
    >>> round(float(s[0, 0]), 4), round(float(s[0, 12]), 4), round(float(s[0, -1]), 4)
    (0.05, 0.0951, 0.2)
    """
    s0, h, r = column(start), column(headroom), column(rate_year)
    fade = np.exp(-r * month_index(months) / 12.0)
    return np.minimum(h * s0 / (1.0 + (h - 1.0) * fade), 1.0)


def paying_users(
    users_m: FloatArray, start: ArrayLike, headroom: ArrayLike, rate_year: ArrayLike
) -> FloatArray:
    """Online-video users who pay for video, millions, (paths, months): the users
    (:func:`online_video_users`) times the paying share (:func:`payer_share`).

    This is the paying market a strategist reads in the leaders' filings and the
    news; an own service's reviews and a staged entry's switch watch it
    (:mod:`models.economics.reviews`).
    """
    users = np.asarray(users_m, dtype=float)
    return users * payer_share(start, headroom, rate_year, users.shape[-1])


def users_and_payers(mkt, months: int) -> tuple[FloatArray, FloatArray]:
    """The online-video users and the paying users of a scenario's market, millions,
    (paths, months) each: :func:`online_video_users` and :func:`paying_users` of the
    ``market`` group (:class:`models.economics.terms.Market`)."""
    users = online_video_users(
        mkt.online_video_users_m, mkt.user_growth_year, months, mkt.online_video_users_ceiling_m
    )
    payers = paying_users(
        users, mkt.svod_payer_share, mkt.payer_headroom, mkt.payer_diffusion_rate_year
    )
    return users, payers


#: Months from a quarter's end to its figures: the leaders' quarterly results come out
#: about two months after the quarter (iQIYI's Q3 2019 results, 105.8 M members at 30
#: September, were released in November 2019: ref 1.16 and data/raw/china_svod_subscribers.csv).
PUBLICATION_LAG_MONTHS = 2

#: Error of a published figure of China's paying video users, log sd: 2016's reports of
#: 61.3 M (Analysys) and 75 M (iResearch via CGTN) differ by ln(75 / 61.3) = 0.20, an sd
#: of 0.20 / sqrt 2 = 0.14 each (data/raw/china_paid_video_market.csv).
PUBLISHED_ERROR_SD = 0.14


def published(
    payers_m: FloatArray,
    error_uniforms: FloatArray | None = None,
    lag: int = PUBLICATION_LAG_MONTHS,
    sd: float = PUBLISHED_ERROR_SD,
) -> FloatArray:
    """The paying market as a strategist can read it in each month, millions,
    (paths, months): the figure for the last quarter end at least ``lag`` months before,
    off by a lognormal error ``exp(sd z)`` drawn once per quarter (``z`` the normal
    quantile of ``error_uniforms`` at the quarter's end; none when it is None). Before
    the first quarter is out, month 0's market, known exactly.

    What a review and a staged entry's switch watch
    (:func:`models.economics.reviews.market_signals`): exact monthly figures would give
    away the paying share's ceiling within two years (issue 21's review 4: R² 0.99 at
    month 23), which no filing does.

    >>> p = np.arange(1.0, 13.0).reshape(1, -1)
    >>> published(p).tolist()
    [[1.0, 1.0, 1.0, 1.0, 3.0, 3.0, 3.0, 6.0, 6.0, 6.0, 9.0, 9.0]]
    """
    payers = np.atleast_2d(np.asarray(payers_m, dtype=float))
    months = payers.shape[-1]
    t = np.arange(months)
    quarter_end = 3 * ((t - lag + 1) // 3) - 1  # last m <= t - lag with m % 3 == 2
    seen = np.where(quarter_end >= 0, quarter_end, 0)
    # only the months a figure is read (month 0 and the quarter ends) are computed
    read, at = np.unique(seen, return_inverse=True)
    figures = payers[:, read]
    if error_uniforms is not None:
        u = np.asarray(error_uniforms, dtype=float)[:, read]
        figures = figures * np.exp(sd * ndtri(np.clip(u, 1e-12, 1.0 - 1e-12)))
        figures[:, read == 0] = payers[:, :1]  # month 0's market, known exactly
    return figures[:, at]


def published_from(payers_m: FloatArray, uniforms=None) -> FloatArray:
    """:func:`published`, off by the errors of ``uniforms``' market stream (a
    :class:`models.economics.events.Uniforms`; None: exact figures).

    What the modes share through :meth:`models.economics.terms.Terms.shared`, keyed on
    the uniforms object rather than on its array: the memo makes the arrays it is keyed
    on read-only, and a caller's uniforms stay the caller's to write
    (:func:`models.economics.events.uniforms`; found in review, issue 25).
    """
    return published(payers_m, None if uniforms is None else uniforms.market)


def price_factor(price: ArrayLike, reference_price: ArrayLike, elasticity: ArrayLike) -> FloatArray:
    """Demand multiplier of a constant-elasticity demand curve.

    ``(price / reference_price) ** elasticity``: 1 at the reference price, below 1 for a
    higher price when the elasticity is negative. Either price may move month by month
    ((paths, months)).
    """
    ref = reference_price if np.ndim(reference_price) == 2 else column(reference_price)
    own = price if np.ndim(price) == 2 else column(price)
    return (own / ref) ** column(elasticity)


def maturity_month(
    start: ArrayLike, headroom: ArrayLike, rate_year: ArrayLike, threshold: ArrayLike, months: int
) -> FloatArray:
    """The first month in which the paying share (:func:`payer_share`) is at least
    ``threshold`` of its ceiling, per path, shape (paths, 1); ``months`` (after the
    horizon) if it never gets there within it.

    The leaders raised their prices only once their paying members levelled off
    (``pricing_reference_price_maturity``; ref 1.27). A headroom of 1 or below is a
    market already at (or above) its ceiling: mature at month 0.

    >>> maturity_month(0.05, 4.0, 1.0, 0.99, 240).ravel().tolist()
    [69.0]
    >>> maturity_month(0.05, 1.0, 1.0, 0.99, 240).ravel().tolist()
    [0.0]
    """
    share = payer_share(start, headroom, rate_year, months)
    ceiling = np.minimum(column(headroom) * column(start), 1.0)
    ceiling = np.maximum(ceiling, share.max(axis=1, keepdims=True))  # a falling share
    there = share >= column(threshold) * ceiling
    first = np.argmax(there, axis=1).astype(float)
    return np.where(there.any(axis=1), first, float(months)).reshape(-1, 1)


def price_index(growth_year: ArrayLike, months: int, from_month: ArrayLike = 0.0) -> FloatArray:
    """The leaders' price level in each month against month 0: flat until
    ``from_month`` (:func:`maturity_month`), then ``(1 + g) ** ((t - from) / 12)``
    (``pricing_reference_price_growth_year``; ref 1.27).

    >>> round(float(price_index(0.03, 25)[0, 24]), 4)
    1.0609
    >>> price_index(0.03, 25, 24)[0, [0, 23, 24]].tolist()
    [1.0, 1.0, 1.0]
    """
    since = np.maximum(month_index(months) - column(from_month), 0.0)
    return (1.0 + column(growth_year)) ** (since / 12.0)


def reference_price(
    price_cny: ArrayLike,
    war_cut: ArrayLike,
    launch_month: ArrayLike,
    months: int,
    index: ArrayLike = 1.0,
) -> FloatArray:
    """The incumbents' price in each month: their month-0 price times their price
    level ``index`` (:func:`price_index`, (paths, months)), cut by ``war_cut`` from the
    launch on.

    A foreign entry is met with promotions and cheaper plans (refs 1.2, 1.4), which
    lower the reference price against which the entrant's price is compared.
    """
    t = month_index(months)
    cut = np.where(t >= column(launch_month), 1.0 - column(war_cut), 1.0)
    level = index if np.ndim(index) == 2 else column(index)
    return column(price_cny) * level * cut


@njit(inline="always", cache=True)
def catalogue_ratio(titles, reference_titles):
    """A catalogue against the leaders' in one month of one path: its titles (in
    foreign-title equivalents, :func:`models.economics.content.title_equivalents`; none
    below 0) per title of the reference catalogue, which may move month by month (the
    leaders' catalogue grows with the paying market,
    :func:`models.economics.content.leaders_catalogue_index`). A reference of 0 gives
    inf (under numpy's error model, as the catalogue's pass compiles it); a NaN passes
    through as it came, as numpy's ``maximum`` passes it (``_max`` makes its own)."""
    kept = titles if titles != titles else _max(titles, 0.0)
    return kept / reference_titles


def catalogue_attractiveness(
    ratio: FloatArray, elasticity: ArrayLike, out: FloatArray | None = None
) -> FloatArray:
    """Demand multiplier of a catalogue: ``ratio ** elasticity``, the ``ratio`` of its
    titles to the reference catalogue's (:func:`catalogue_ratio`), (1 or paths, months),
    and the elasticity a number or per path; written to ``out`` where given (the
    catalogue's pass gives its ratio, :func:`models.economics.operating.catalogue_draw`).

    1 at the reference catalogue, 0 with nothing on offer; with an elasticity below 1
    every extra title adds less than the one before. numpy's vectorised ``power``: 2.6
    ns an element on this machine against 11 ns for the libm call of a compiled loop.

    >>> float(catalogue_attractiveness(np.array([[600.0 / 300.0]]), 0.3)[0, 0]).__round__(4)
    1.2311
    """
    return np.power(np.asarray(ratio, dtype=float), column(elasticity), out=out)


def addressable_market(
    users_m: FloatArray,
    payers_m: FloatArray,
    foreign_share: ArrayLike,
    price_multiplier: ArrayLike,
    catalogue_multiplier: ArrayLike,
) -> FloatArray:
    """Bass market potential m of a premium foreign service, millions of people.

    Parameters
    ----------
    users_m : ndarray (paths, months)
        Online-video users, millions (:func:`online_video_users`).
    payers_m : ndarray (paths, months)
        Of them, those who pay for any video subscription, millions
        (:func:`paying_users`).
    foreign_share : float or (paths,)
        Share of payers open to a premium foreign service.
    price_multiplier : float, (paths, 1) or (paths, months)
        :func:`price_factor` of the service's price.
    catalogue_multiplier : float, (paths, 1) or (paths, months)
        :func:`catalogue_attractiveness` of the catalogue on offer.

    Returns
    -------
    ndarray (paths, months)
        Market potential, never above the number of users.

    Each element is :func:`potential`, the one copy of the equation, which an own
    service's compiled months compute in their loop
    (:func:`models.economics.operating.months`).
    """
    grids = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (users_m, payers_m)),
        column(foreign_share),
        *(np.asarray(x, dtype=float) for x in (price_multiplier, catalogue_multiplier)),
    )
    out = np.empty(grids[0].shape)
    # copies: numba warns on reading a broadcast view's flags
    _potentials(*(np.array(x, order="C").ravel() for x in grids), out.ravel())
    return out


@njit(inline="always", cache=True)
def potential(users, payers, foreign_share, price_multiplier, catalogue_multiplier):
    """The Bass market potential of one month of one path, millions
    (:func:`addressable_market`): the ``payers`` open to a foreign service
    (``foreign_share``), scaled by its price's and its catalogue's multipliers, never
    above the ``users``."""
    wanting = payers * foreign_share
    wanting = wanting * price_multiplier
    wanting = wanting * catalogue_multiplier
    return _min(wanting, users)


@njit(cache=True)
def _potentials(users, payers, share, price, draw, out):  # pragma: no cover (compiled)
    for n in range(out.size):
        out[n] = potential(users[n], payers[n], share[n], price[n], draw[n])


# the loop inlines kernels._min: an edit of it must compile the loop afresh
cache_keyed_on(_potentials, kernels)
