"""Subscriber growth: Bass diffusion with churn and a launch delay.

Bass (1969) models adoption in a market of potential ``m`` as ``(p + q F) (1 - F)``
per period, where ``F`` is the adopted share, ``p`` the coefficient of innovation and
``q`` of imitation. A subscription is a stock, not a sale: subscribers cancel at a
monthly churn rate and rejoin the pool of non-subscribers, who may subscribe again.
Each month ``t`` from the launch month on::

    kept[t]       = min(S[t-1] * (1 - churn), m[t])
    gross_adds[t] = (1 - exp(-(p + q * S[t-1] / m[t]))) * (m[t] - kept[t])
    S[t]          = kept[t] + gross_adds[t]

Churn comes first and those who left can sign up again in the same month; the Bass
hazard ``p + q F`` becomes a probability through ``1 - exp(-x)`` (a constant hazard
over the month), so that sign-ups never exceed the pool whatever the rates. For small
rates ``1 - exp(-x)`` is ``x``, the textbook discrete form. ``S`` stays within
``[0, m]``, rises with last month's stock and falls with churn, for any rates.

The pool holds two kinds of people: those who never subscribed (``m - E``, with ``E``
everyone who ever did) and former subscribers (``E - kept``). Both sign up at the same
hazard; the split matters for marketing, which pays the full acquisition cost for a
first-time subscriber and a smaller win-back cost for a returning one::

    first[t] = (1 - exp(-(p + q * S[t-1] / m[t]))) * max(m[t] - E[t-1], 0)
    E[t]     = E[t-1] + first[t]

References
----------
Bass, F. M. (1969). A new product growth for model consumer durables. Management
Science 15(5), 215-227.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from models._arrays import FloatArray, column
from models.economics import kernels


def bass_subscribers(
    market_m: FloatArray,
    p: ArrayLike,
    q: ArrayLike,
    churn: ArrayLike,
    launch_month: ArrayLike,
    shock: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Subscribers, gross adds and first-time adds of a service launched in
    ``launch_month``.

    Parameters
    ----------
    market_m : ndarray (paths, months)
        Market potential m in each month, millions of people.
    p, q : float or (paths,)
        Monthly Bass coefficients of innovation and imitation.
    churn : float or (paths,)
        Monthly share of subscribers who cancel.
    launch_month : int or (paths,)
        First month in which the service can sign subscribers.
    shock : ndarray (paths, months), optional
        Share of subscribers lost at the start of month ``t``, before churn (a
        suspension; :mod:`models.economics.events`).

    Returns
    -------
    subscribers : ndarray (paths, months)
        Subscribers at the end of each month, millions.
    gross_adds : ndarray (paths, months)
        New subscriptions in each month, millions.
    first_adds : ndarray (paths, months)
        Of those, people subscribing for the first time, millions (the rest return).
    """
    paths, months = np.shape(market_m)
    market = kernels.grid(market_m, paths, months)
    return kernels.bass(
        market,
        kernels.grid(column(p), paths, 1),
        kernels.grid(column(q), paths, 1),
        kernels.grid(column(churn), paths, 1),
        kernels.grid(column(launch_month), paths, 1),
        kernels.grid(0.0 if shock is None else shock, paths, months),
        paths,
        months,
    )
