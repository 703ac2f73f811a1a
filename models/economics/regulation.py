"""Regulatory risk as monthly hazards: forced exit and suspension.

The deterministic engine carries risk as expected values: every operating cash flow of
month ``t`` is weighted by the probability that the service still operates, a forced
exit costs its one-off cost times the probability that it happens that month (see
:func:`models.economics.finance.abandonment`, which also lets the streamer leave by choice), and a
suspension hazard turns into an expected share of dark months and extra churn. The
Monte Carlo engine will replace these expectations with events drawn per path.

Hazards are given per year (``regulation_*_hazard_*_year``) and converted to constant
monthly hazards ``1 - (1 - p) ** (1 / 12)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from models._arrays import FloatArray, column, month_index
from models.economics import kernels


def monthly_hazard(probability_per_year: ArrayLike) -> FloatArray:
    """Constant monthly hazard with the same yearly probability of the event.

    >>> h = float(monthly_hazard(0.25)[0, 0])
    >>> round(1 - (1 - h) ** 12, 12)
    0.25
    """
    return 1.0 - (1.0 - column(probability_per_year)) ** (1.0 / 12.0)


def hazard_schedule(hazard_month: ArrayLike, launch_month: ArrayLike, months: int) -> FloatArray:
    """Hazard of an exit at the end of each month: ``h`` from the launch month on, else 0."""
    t = month_index(months)
    return np.where(t >= column(launch_month), column(hazard_month), 0.0)


def survival(hazard: FloatArray) -> FloatArray:
    """Probability of still operating during each month, given end-of-month hazards:
    the product of ``1 - hazard`` over the months before (compiled,
    :func:`models.economics.kernels.survival`).

    >>> survival(np.array([[0.5, 0.5, 0.0]])).tolist()
    [[1.0, 0.5, 0.25]]
    """
    paths, months = np.shape(hazard)
    return kernels.survival(kernels.grid(hazard, paths, months), paths, months)


def dark_share(suspension_hazard_month: ArrayLike, suspension_months: ArrayLike) -> FloatArray:
    """Expected long-run share of operating months spent suspended.

    An alternating renewal process with up-time ``1 / h`` and down-time ``D`` spends
    ``h D / (1 + h D)`` of its time down.
    """
    hd = column(suspension_hazard_month) * column(suspension_months)
    return hd / (1.0 + hd)


def suspension_churn(suspension_hazard_month: ArrayLike, sub_loss: ArrayLike) -> FloatArray:
    """Expected extra monthly churn from suspensions: hazard times share lost per event."""
    return column(suspension_hazard_month) * column(sub_loss)
