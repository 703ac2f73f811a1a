"""Compiled month-by-month recursions (numba): subscribers, loss carry-forward, suspensions.

Each of these recursions needs last month's state, so in numpy it is a Python loop over
the months with a dozen array operations per month: at a few hundred paths the loop's
overhead, not the arithmetic, sets the time (about 5 ms per service and chunk, half of a
sweep point; issue 12). Here each is one compiled loop over paths and months, with no
temporary arrays.

The public functions (:func:`models.economics.growth.bass_subscribers`,
:func:`models.economics.finance.income_tax`, :func:`models.economics.events.suspensions`)
keep their signatures and call these. The numpy loops they replaced are kept as the
oracle in ``tests/economics/oracle.py``, and the tests hold the kernels to them within
1e-9 on random inputs of every broadcast shape.

Inputs are 2-D float arrays of shape (1 or paths, 1 or months): a scalar or a per-path
column is not copied to a full array (:func:`grid` makes them so, and refuses any other
shape: the kernels do not check bounds); :func:`_at` reads row 0 or column 0 where an
axis has length one, and ``min`` and ``max`` propagate NaN as numpy's do. The first call
of each kernel compiles
it (about a second), and numba caches the machine code beside this module, so later
processes (a sweep's Dask workers) load it instead.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from numpy.typing import ArrayLike


def grid(x: ArrayLike, paths: int, months: int) -> np.ndarray:
    """``x`` as a C-contiguous 2-D float64 array of shape (1 or paths, 1 or months).

    A scalar becomes (1, 1) and a 1-D array a column (paths, 1); a broadcast view
    (stride 0 on an axis) is reduced to its one row or column, so nothing is copied to
    full size. Any other shape is refused (the kernels do not check bounds).
    """
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 0:
        a = a.reshape(1, 1)
    elif a.ndim == 1:
        a = a.reshape(-1, 1)
    if a.ndim != 2 or a.shape[0] not in (1, paths) or a.shape[1] not in (1, months):
        raise ValueError(
            f"array of shape {np.shape(x)}: expected one broadcastable to ({paths}, {months})"
        )
    if a.shape[0] > 1 and a.strides[0] == 0:
        a = a[:1]
    if a.shape[1] > 1 and a.strides[1] == 0:
        a = a[:, :1]
    return np.ascontiguousarray(a)


@njit(inline="always", cache=True)
def _min(a, b):
    """``np.minimum`` of two floats: NaN if either is (Python's min drops a NaN)."""
    if a != a or b != b:
        return math.nan
    return a if a < b else b


@njit(inline="always", cache=True)
def _max(a, b):
    """``np.maximum`` of two floats, NaN as :func:`_min`."""
    if a != a or b != b:
        return math.nan
    return a if a > b else b


@njit(inline="always", cache=True)
def _at(a, i, t):
    return a[i if a.shape[0] > 1 else 0, t if a.shape[1] > 1 else 0]


@njit(cache=True)
def bass(market, p, q, churn, launch, shock, paths, months):  # pragma: no cover (compiled)
    """Subscribers, gross adds and first-time adds (see
    :func:`models.economics.growth.bass_subscribers`)."""
    subs = np.zeros((paths, months))
    adds = np.zeros((paths, months))
    first = np.zeros((paths, months))
    for i in range(paths):
        prev = 0.0
        ever = 0.0
        p_i, q_i, c_i, l_i = _at(p, i, 0), _at(q, i, 0), _at(churn, i, 0), _at(launch, i, 0)
        for t in range(months):
            m = _at(market, i, t)
            share = prev / m if m > 0 else 0.0
            kept = prev * (1.0 - c_i)
            kept = kept * (1.0 - _at(shock, i, t))
            kept = _min(kept, m)
            rate = -math.expm1(-(p_i + q_i * share)) if t >= l_i else 0.0
            a = rate * _max(m - kept, 0.0)
            f = _min(rate * _max(m - ever, 0.0), a)
            ever = ever + f
            now = kept + a
            subs[i, t] = now
            adds[i, t] = a
            first[i, t] = f
            prev = now
    return subs, adds, first


@njit(cache=True)
def income_tax(taxable, rate, paths, months):  # pragma: no cover (compiled)
    """Income tax with losses carried forward (see
    :func:`models.economics.finance.income_tax`)."""
    tax = np.zeros((paths, months))
    for i in range(paths):
        pool = 0.0
        r = _at(rate, i, 0)
        for t in range(months):
            income = _at(taxable, i, t)
            gain = _max(income, 0.0)
            used = _min(pool, gain)
            tax[i, t] = r * (gain - used)
            pool = pool - used + _max(-income, 0.0)
    return tax


@njit(cache=True)
def suspensions(u, hazard, duration, start, paths, months):  # pragma: no cover (compiled)
    """Dark share and 0/1 starts of suspensions (see
    :func:`models.economics.events.suspensions`)."""
    dark = np.zeros((paths, months))
    starts = np.zeros((paths, months))
    for i in range(paths):
        remaining = 0.0
        h, d, s0 = _at(hazard, i, 0), _at(duration, i, 0), _at(start, i, 0)
        for t in range(months):
            if remaining <= 0.0 and _at(u, i, t) < h and t >= s0:
                remaining = d
                starts[i, t] = 1.0
            share = _min(remaining, 1.0)
            dark[i, t] = share
            remaining = remaining - share
    return dark, starts


@njit(cache=True)
def on_offer(
    approved, window, launch, log_kept, log_lasting, max_window, paths, months
):  # pragma: no cover (compiled)
    """Approved foreign titles still on offer after crackdowns (see
    :func:`models.economics.content.foreign_on_offer`).

    In month ``t`` the titles of content year ``v = floor((t - launch) / 12) - j`` are
    in their ``(j + 1)``-th year on offer while ``j < window``; since they went on offer
    in month ``s = max(launch + 12 v, 0)``, crackdowns have kept ``exp(log_kept[t] -
    log_kept[s - 1] + log_lasting[s - 1])`` of them (all of them before any month has
    passed: ``s < 1``; :func:`models.economics.events.kept_since`).
    """
    out = np.zeros((paths, months))
    years = approved.shape[1]
    for i in range(paths):
        row = i if approved.shape[0] > 1 else 0
        launch_i = _at(launch, i, 0)
        window_i = _at(window, i, 0)
        for t in range(months):
            k = math.floor((t - launch_i) / 12.0)
            now = _at(log_kept, i, t)
            total = 0.0
            for j in range(max_window):
                v = k - j
                if v >= 0.0 and j < window_i:
                    titles = approved[row, int(min(v, years - 1.0))]
                    start = _max(launch_i + 12.0 * v, 0.0)
                    before = 0.0
                    if start >= 1.0:
                        a = int(min(start - 1.0, months - 1.0))
                        before = _at(log_kept, i, a) - _at(log_lasting, i, a)
                    total += titles * math.exp(now - before)
            out[i, t] = total
    return out


@njit(cache=True)
def yearly_paid(per_year, first, growth, paths, months):  # pragma: no cover (compiled)
    """Yearly amounts paid up front in months ``first + 12 k``, grown to the month of
    payment (see :func:`models.economics.content.payments`); the power is taken only in
    the months something is paid."""
    out = np.zeros((paths, months))
    years = per_year.shape[1]
    for i in range(paths):
        row = i if per_year.shape[0] > 1 else 0
        f = _max(_at(first, i, 0), 0.0)
        g = 1.0 + _at(growth, i, 0)
        for t in range(months):
            k = (t - f) / 12.0
            if k >= 0.0 and (t - f) % 12.0 == 0.0:
                out[i, t] = per_year[row, int(min(k, years - 1.0))] * g ** (t / 12.0)
    return out


@njit(cache=True)
def yearly_to_monthly(per_year, first, paths, months):  # pragma: no cover (compiled)
    """A per-content-year quantity as a monthly one, 0 before ``first`` (see
    :func:`models.economics.content.by_month`)."""
    out = np.zeros((paths, months))
    years = per_year.shape[1]
    for i in range(paths):
        row = i if per_year.shape[0] > 1 else 0
        f = _at(first, i, 0)
        for t in range(months):
            k = math.floor((t - f) / 12.0)
            if k >= 0.0:
                out[i, t] = per_year[row, int(min(k, years - 1.0))]
    return out
