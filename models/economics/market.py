"""Addressable market: how many people could subscribe to a premium foreign service.

The market starts from China's online-video audience (CNNIC, ``data/raw``), keeps the
share that pays for video subscriptions and the share open to a premium foreign
service, then scales with price (constant elasticity against a local reference price)
and with the share of the foreign catalogue that survives approval (DESIGN.md, model
sketch). All quantities are millions of people, per month.
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
    return (column(price) / column(reference_price)) ** column(elasticity)


def addressable_market(
    users_m: FloatArray,
    payer_share: ArrayLike,
    foreign_share: ArrayLike,
    price_multiplier: ArrayLike,
    catalogue_share: ArrayLike,
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
    price_multiplier : float or (paths, 1)
        :func:`price_factor` of the service's price.
    catalogue_share : float or (paths,)
        Share of the foreign catalogue approved for streaming; the market scales with it.

    Returns
    -------
    ndarray (paths, months)
        Market potential, never above the number of users.
    """
    m = (
        users_m
        * column(payer_share)
        * column(foreign_share)
        * column(price_multiplier)
        * column(catalogue_share)
    )
    return np.minimum(m, users_m)
