"""The partner: revenue share, and counterparty risk (the LeEco case).

A partner keeps a share of subscription revenue net of VAT and payment fees. It may
fall into financial distress, as LeEco did in November 2016 (ref 4.7): the streamer
then loses some months of unremitted revenue and pays to migrate the service. In the
deterministic engine this is an expected loss: the probability of the first distress
in month ``t`` times its cost.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import ArrayLike

from models._arrays import FloatArray, column, month_index


def first_distress_probability(
    distress_hazard_month: ArrayLike, operating: FloatArray, launch_month: ArrayLike
) -> FloatArray:
    """Probability that the partner's first distress falls in month ``t``.

    Distress matters only while the service operates: ``operating[t] * (1 - h) **
    (t - launch) * h`` from the launch month on.

    Where the service operates every month, with one hazard for every path and whole
    launch months, this depends on the months since launch alone: it is computed once
    for each number of months and looked up for every path and month (the same
    numbers; at a sweep point's 1,000 paths, a third of the time, issue 25).
    """
    t = month_index(operating.shape[1])
    h = column(distress_hazard_month)
    launch = column(launch_month)
    k = t - launch
    if (
        h.shape[0] == 1
        and operating.shape[0] == 1 < k.shape[0]
        and np.all(operating == 1.0)
        # whole months (not NaN, nor infinite): every month since launch is whole
        and np.all(np.abs(launch) < 2.0**52)
        and np.array_equal(launch, np.floor(launch))
    ):
        lo, hi = k.min(), k.max()
        if hi - lo < k.size:  # a table no larger than the grid
            index = (k - lo).astype(np.intp)
            since = lo + month_index(int(hi - lo) + 1)
            table = _first_distress(h, np.ones(since.shape), since)
            return np.take(table[0], index)
    return _first_distress(h, operating, k)


def _first_distress(h: FloatArray, operating: FloatArray, k: FloatArray) -> FloatArray:
    """``operating * (1 - h) ** k * h`` where ``k`` months have passed since launch
    (``k >= 0``), else 0 (:func:`first_distress_probability`)."""
    return np.where(k >= 0, operating * (1.0 - h) ** np.maximum(k, 0.0) * h, 0.0)


@njit(inline="always", cache=True)
def distress_loss(first_distress, kept, lost_months, migration):
    """Expected loss from partner distress in one month, US$ millions (positive).

    ``P(first distress in t) * (lost_months * the month's net revenue kept by the
    streamer + the migration cost)``; ``kept`` is conditional on operating, the
    probability 0 or 1 with drawn events. One month of one path: an own service's
    compiled months (:func:`models.economics.operating.money`) apply it.
    """
    return first_distress * (lost_months * kept + migration)
