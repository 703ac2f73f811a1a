"""Addressable market: how many people could subscribe to a premium foreign service.

The market starts from China's online-video audience (CNNIC, ``data/raw``), keeps the
share that pays for video subscriptions and the share open to a premium foreign
service, then scales with price (constant elasticity against the incumbents' price,
which may fall once the service launches) and with what the catalogue on offer draws
(constant elasticity against a reference catalogue, so titles add demand with
diminishing returns; docs/design.md, "Model sketch"). All quantities are millions of people,
per month.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from models._arrays import FloatArray, column, month_index


def online_video_users(users0_m: ArrayLike, growth_year: ArrayLike, months: int) -> FloatArray:
    """Online-video users in each month, growing at a constant yearly rate.

    Parameters
    ----------
    users0_m : float or array of shape (paths,)
        Users at month 0, millions (``market_online_video_users_m``).
    growth_year : float or array of shape (paths,)
        Yearly growth rate as a fraction (``market_user_growth_year``).
    months : int
        Number of months.

    Returns
    -------
    ndarray of shape (paths, months)
        Users in millions: ``users0 * (1 + growth) ** (t / 12)``.
    """
    return column(users0_m) * (1.0 + column(growth_year)) ** (month_index(months) / 12.0)


def price_factor(price: ArrayLike, reference_price: ArrayLike, elasticity: ArrayLike) -> FloatArray:
    """Demand multiplier of a constant-elasticity demand curve.

    ``(price / reference_price) ** elasticity``: 1 at the reference price, below 1 for a
    higher price when the elasticity is negative.
    """
    ref = reference_price if np.ndim(reference_price) == 2 else column(reference_price)
    return (column(price) / ref) ** column(elasticity)


def reference_price(
    price_cny: ArrayLike, war_cut: ArrayLike, launch_month: ArrayLike, months: int
) -> FloatArray:
    """The incumbents' price in each month: cut by ``war_cut`` from the launch on.

    A foreign entry is met with promotions and cheaper plans (refs 1.2, 1.4), which
    lower the reference price against which the entrant's price is compared.
    """
    t = month_index(months)
    return column(price_cny) * np.where(t >= column(launch_month), 1.0 - column(war_cut), 1.0)


def catalogue_attractiveness(
    titles: FloatArray, reference_titles: ArrayLike, elasticity: ArrayLike
) -> FloatArray:
    """Demand multiplier of a catalogue: ``(titles / reference) ** elasticity``.

    1 at the reference catalogue, 0 with nothing on offer; with an elasticity below 1
    every extra title adds less than the one before.

    >>> float(catalogue_attractiveness(np.array([[600.0]]), 300.0, 0.3)[0, 0]).__round__(4)
    1.2311
    """
    ratio = np.maximum(np.asarray(titles, dtype=float), 0.0) / column(reference_titles)
    return ratio ** column(elasticity)


def addressable_market(
    users_m: FloatArray,
    payer_share: ArrayLike,
    foreign_share: ArrayLike,
    price_multiplier: ArrayLike,
    catalogue_multiplier: ArrayLike,
) -> FloatArray:
    """Bass market potential m of a premium foreign service, millions of people.

    Parameters
    ----------
    users_m : ndarray (paths, months)
        Online-video users, millions (:func:`online_video_users`).
    payer_share : float or (paths,)
        Share of users who pay for any video subscription.
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
    """
    m = users_m * (column(payer_share) * column(foreign_share)) * price_multiplier
    m = m * catalogue_multiplier
    return np.minimum(m, users_m)
