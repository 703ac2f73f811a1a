"""Compiled month-by-month recursions (numba): subscribers, loss carry-forward, suspensions,
forced exits and crackdowns, the catalogue on offer, the policy's lines and the reviews.

Each of these recursions needs last month's state, so in numpy it is a Python loop over
the months with a dozen array operations per month: at a few hundred paths the loop's
overhead, not the arithmetic, sets the time (about 5 ms per service and chunk, half of a
sweep point; issue 12), or a cumulative product or sum along the months, which numpy
walks across a C-ordered grid (issue 25: the survival's ``cumprod`` took 2.9 of the
expected events' 4.7 ms). Here each is one compiled loop over paths and months, with no
temporary arrays; where a loop replaced a cumulative product or sum it multiplies or
adds in numpy's order, so the results are the same bits.

The public functions (:func:`models.economics.growth.bass_subscribers`,
:func:`models.economics.finance.income_tax`, :func:`models.economics.events.suspensions`,
:func:`models.economics.regulation.survival`, ...) keep their signatures and call these.
The numpy loops and passes they replaced are kept as the oracle in
``tests/economics/test_kernels.py``, which holds the kernels to them within 1e-9 (the
exits and crackdowns: bit for bit) on random inputs of every broadcast shape.

Inputs are 2-D float arrays of shape (1 or paths, 1 or months): a scalar or a per-path
column is not copied to a full array (:func:`grid` makes them so, and refuses any other
shape: the kernels do not check bounds); :func:`_at` reads row 0 or column 0 where an
axis has length one, and ``min`` and ``max`` propagate NaN as numpy's do. The first call
of each kernel compiles it (about a second; the operating months about 3 s), once, since
every input it reads is read-only (:func:`frozen`), and numba caches the machine code
beside this module, so later processes (a sweep's Dask workers) load it instead.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from types import ModuleType

import numpy as np
from numba import njit
from numba.core.caching import NullCache
from numpy.typing import ArrayLike


def cache_keyed_on(dispatcher, *modules: ModuleType) -> None:
    """Key numba's on-disk cache of ``dispatcher`` on the source of ``modules`` too.

    numba finds a cached compilation by its own module's file stamp and its function's
    bytecode; a function that inlines equations from other modules
    (:func:`models.economics.operating.months`) would otherwise keep serving the old
    machine code after one of those equations is edited (issue 25's review: a doubled
    catalogue draw, then a compiled scalar in ``market.py``, left the operating months
    unchanged until the cache was deleted). With their sources' hash in the key, an
    edit compiles afresh. If numba's cache no longer has the hook used here, caching of
    ``dispatcher`` is turned off (correct, at a compilation per process).
    """
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(module.__file__).read_bytes())
    stamp = digest.hexdigest()
    cache = getattr(dispatcher, "_cache", None)
    own = getattr(cache, "_index_key", None)
    if own is None:  # pragma: no cover (another numba)
        dispatcher._cache = NullCache()
        return

    def key(sig, codegen):
        return (*own(sig, codegen), stamp)

    cache._index_key = key


def grid(x: ArrayLike, paths: int, months: int) -> np.ndarray:
    """``x`` as a read-only, C-contiguous 2-D float64 array of shape (1 or paths, 1 or
    months) (:func:`frozen`).

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
    return frozen(a)


def own_dtype(a: np.ndarray) -> np.ndarray:
    """``a`` (a view of it) with numpy's own dtype object. An array a compiled function
    makes carries a copy of it where the function came from numba's disk cache (equal,
    not the same object), and pickle then writes the dtype again instead of pointing at
    the one it wrote: rules fitted on one chunk pickled 31 bytes longer than the same
    rules fitted on two chunks joined (tests/uncertainty/test_montecarlo.py)."""
    return a.view(a.dtype.type)


def frozen(x: ArrayLike, dtype=np.float64) -> np.ndarray:
    """``x`` as a read-only, C-contiguous array of ``dtype`` (float64 unless said: the
    reviews' masks are bool, their dates int64): a view of it where it is one already
    (nothing is copied), else a copy.

    Every array a kernel reads comes through here (:func:`grid` does it), so that numba
    compiles each kernel once. numba types a writeable array and a read-only one apart,
    and an input came either way: a broadcast view or a slice of one is read-only, a
    fresh array is not. :func:`models.economics.operating.months`, whose twenty inputs
    each came both ways, had been compiled for 90 of their combinations, at about 3 s
    each in a process whose disk cache did not have them yet (a fresh checkout, a new
    environment, an edit of an equation); issue 25.

    >>> a = np.zeros((2, 3))
    >>> b = frozen(a)
    >>> b.flags.writeable, a.flags.writeable, np.shares_memory(a, b)
    (False, True, True)
    """
    a = np.ascontiguousarray(x, dtype=dtype)
    if a.flags.writeable:
        a = a.view()
        a.flags.writeable = False
    return a


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


@njit(inline="always", cache=True)
def bass_step(prev, ever, m, p, q, churn, shock, launched):
    """One month of Bass diffusion with churn (:mod:`models.economics.growth`), millions:
    from last month's subscribers ``prev`` and everyone who ever subscribed ``ever``, in
    a market of potential ``m``, ``(subscribers, gross adds, first-time adds)``."""
    share = prev / m if m > 0 else 0.0
    kept = prev * (1.0 - churn)
    kept = kept * (1.0 - shock)
    kept = _min(kept, m)
    rate = -math.expm1(-(p + q * share)) if launched else 0.0
    a = rate * _max(m - kept, 0.0)
    f = _min(rate * _max(m - ever, 0.0), a)
    return kept + a, a, f


@njit(cache=True, nogil=True)
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
            now, a, f = bass_step(
                prev, ever, _at(market, i, t), p_i, q_i, c_i, _at(shock, i, t), t >= l_i
            )
            ever = ever + f
            subs[i, t] = now
            adds[i, t] = a
            first[i, t] = f
            prev = now
    return subs, adds, first


@njit(inline="always", cache=True)
def tax_step(income, pool, rate):
    """One month's income tax with losses carried forward without expiry
    (:func:`models.economics.finance.income_tax`): ``(tax, pool)`` from the month's
    taxable ``income`` and the losses ``pool`` carried into it, US$ m."""
    gain = _max(income, 0.0)
    used = _min(pool, gain)
    return rate * (gain - used), pool - used + _max(-income, 0.0)


@njit(cache=True, nogil=True)
def income_tax(taxable, rate, paths, months):  # pragma: no cover (compiled)
    """Income tax with losses carried forward (see
    :func:`models.economics.finance.income_tax`)."""
    tax = np.zeros((paths, months))
    for i in range(paths):
        pool = 0.0
        r = _at(rate, i, 0)
        for t in range(months):
            tax[i, t], pool = tax_step(_at(taxable, i, t), pool, r)
    return tax


@njit(cache=True, nogil=True)
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


@njit(cache=True, nogil=True)
def survival(hazard, paths, months):  # pragma: no cover (compiled)
    """Probability of still operating during each month, given end-of-month hazards
    (see :func:`models.economics.regulation.survival`): the running product of
    ``1 - hazard`` over the months before, in numpy's order, so the same bits."""
    alive = np.empty((paths, months))
    for i in range(paths):
        still = 1.0
        for t in range(months):
            alive[i, t] = still
            still = still * (1.0 - _at(hazard, i, t))
    return alive


@njit(cache=True, nogil=True)
def first_event(u, hazard, start, paths, months):  # pragma: no cover (compiled)
    """Month of the first event at or after ``start`` per path, ``months`` if none (see
    :func:`models.economics.events.first_event`): the first ``t`` where
    ``u[t] < hazard[t]``, a float."""
    first = np.empty(paths)
    for i in range(paths):
        s0 = _at(start, i, 0)
        first[i] = months
        for t in range(months):
            if _at(u, i, t) < _at(hazard, i, t) and t >= s0:
                first[i] = t
                break
    return first


@njit(cache=True, nogil=True)
def until(month, paths, months):  # pragma: no cover (compiled)
    """``(alive, exit_at)`` of a service that ends in ``month`` per path: 1 up to and
    including that month, and 1 in it (all 1 and all 0 where it is ``months``)."""
    alive = np.empty((paths, months))
    exit_at = np.zeros((paths, months))
    for i in range(paths):
        m = month[i]
        for t in range(months):
            alive[i, t] = 1.0 if t <= m else 0.0
            if t == m:
                exit_at[i, t] = 1.0
    return alive, exit_at


@njit(cache=True, nogil=True)
def crackdowns(u, hazard, log_keep, log_lasting, paths, months):  # pragma: no cover
    """Content crackdowns drawn per path and month (``u < hazard``), counted so far:
    ``(count, count * log_keep, count * log_lasting)``, the count as a float (see
    :func:`models.economics.events.drawn`)."""
    count = np.empty((paths, months))
    kept = np.empty((paths, months))
    lasting = np.empty((paths, months))
    for i in range(paths):
        h, k, la = _at(hazard, i, 0), _at(log_keep, i, 0), _at(log_lasting, i, 0)
        n = 0
        for t in range(months):
            if _at(u, i, t) < h:
                n += 1
            count[i, t] = n
            kept[i, t] = n * k
            lasting[i, t] = n * la
    return count, kept, lasting


@njit(inline="always", cache=True)
def log_cut_before(log_kept, log_lasting, i, start, months):
    """What the crackdowns before month ``start`` took of titles first on offer then,
    in logarithms, on path ``i``: only the part that lasts (``log_kept - log_lasting``
    of month ``start - 1``; 0 before any month has passed, ``start < 1``).

    Titles on offer since ``start`` keep ``exp(log_kept[t] - log_cut_before)`` in month
    ``t``: a crackdown pulls the titles on offer when it happens, and of those before
    ``start`` only its lasting part cuts titles bought or licensed later, which
    otherwise pass the rules of their day (issue 20's reviews; ``log_lasting``,
    :attr:`models.economics.events.ServiceRisk.log_lasting`).
    """
    if start < 1.0:
        return 0.0
    a = int(min(start - 1.0, months - 1.0))
    return _at(log_kept, i, a) - _at(log_lasting, i, a)


@njit(inline="always", cache=True)
def year_on_offer(approved, row, launch, window, log_kept, log_lasting, i, k, anchor, months):
    """Approved foreign titles on offer in content year ``k`` of path ``i`` (counted
    from the launch), as kept by the crackdowns up to a month whose ``log_kept`` is
    ``anchor`` (see :func:`models.economics.content.foreign_on_offer`).

    In content year ``k`` the titles bought for year ``v = k - j`` are in their
    ``(j + 1)``-th year on offer while ``j < window``; since they went on offer in month
    ``s = max(launch + 12 v, 0)``, crackdowns have kept ``exp(anchor - before)`` of
    them, ``before`` what those before ``s`` took (:func:`log_cut_before`).
    """
    years = approved.shape[1]
    total = 0.0
    j = 0
    while j < window and k - j >= 0.0:
        v = k - j
        titles = approved[row, int(min(v, years - 1.0))]
        start = _max(launch + 12.0 * v, 0.0)
        before = log_cut_before(log_kept, log_lasting, i, start, months)
        total += titles * math.exp(anchor - before)
        j += 1
    return total


@njit(inline="always", cache=True)
def still_on_offer(titles, now, anchor):
    """A content year's ``titles`` on offer at its first month (log kept ``anchor``,
    :func:`year_on_offer`), as the crackdowns since have kept them in a month whose
    ``log_kept`` is ``now``: ``titles exp(now - anchor)`` (all of them while none
    struck). The titles of a content year lose together, so the sum over the window's
    years is taken once a content year, and this scales it in each month; both
    exponents are at most 0 (crackdowns only remove titles), so neither overflows."""
    return titles if now == anchor else titles * math.exp(now - anchor)


@njit(cache=True, nogil=True)
def on_offer(
    approved, window, launch, log_kept, log_lasting, paths, months
):  # pragma: no cover (compiled)
    """Approved foreign titles still on offer after crackdowns, (paths, months): each
    content year's :func:`year_on_offer` at its first month, then
    :func:`still_on_offer` (the service's own loop,
    :func:`models.economics.operating.months`, keeps the same three numbers per path)."""
    out = np.zeros((paths, months))
    for i in range(paths):
        row = i if approved.shape[0] > 1 else 0
        launch_i = _at(launch, i, 0)
        window_i = _at(window, i, 0)
        year, anchor, titles = -1.0, 0.0, 0.0  # content year, its log kept, its titles
        for t in range(months):
            k = np.floor((t - launch_i) / 12.0)  # a float: math.floor's int wraps
            if k < 0.0:
                continue
            now = _at(log_kept, i, t)
            if k != year:
                year, anchor = k, now
                titles = year_on_offer(
                    approved, row, launch_i, window_i, log_kept, log_lasting, i, k, now, months
                )
            out[i, t] = still_on_offer(titles, now, anchor)
    return out


@njit(cache=True, nogil=True)
def yearly_paid(per_year, first, growth, paths, months):  # pragma: no cover (compiled)
    """Yearly amounts paid up front in months ``first + 12 k``, grown to the month of
    payment (see :func:`models.economics.content.payments`); the power is taken only in
    the months something is paid."""
    out = np.zeros((paths, months))
    years = per_year.shape[1]
    for i in range(paths):
        row = i if per_year.shape[0] > 1 else 0
        f = _max(_at(first, i, 0), 0.0)
        if not f < months or f != np.floor(f):  # no month t = f + 12 k (NaN: none)
            continue
        g = 1.0 + _at(growth, i, 0)
        for t in range(int(f), months, 12):
            k = (t - f) / 12.0
            out[i, t] = per_year[row, int(min(k, years - 1.0))] * g ** (t / 12.0)
    return out


@njit(cache=True, nogil=True)
def straight_line(cash, n, paths, months):  # pragma: no cover (compiled)
    """Straight-line amortisation over ``n`` months (see
    :func:`models.economics.content.amortise`): each month's running sum of ``cash``
    less the sum ``n`` months before, over ``n``, added and subtracted in the order of
    numpy's ``cumsum`` and lagged difference, so the same bits in one pass."""
    out = np.empty((paths, months))
    running = np.empty(months)
    for i in range(paths):
        for t in range(months):
            running[t] = cash[i, t] if t == 0 else running[t - 1] + cash[i, t]
            out[i, t] = (running[t] - (running[t - n] if t >= n else 0.0)) / n
    return out


@njit(cache=True, nogil=True)
def yearly_to_monthly(per_year, first, paths, months):  # pragma: no cover (compiled)
    """A per-content-year quantity as a monthly one, 0 before ``first`` (see
    :func:`models.economics.content.by_month`)."""
    out = np.zeros((paths, months))
    years = per_year.shape[1]
    for i in range(paths):
        row = i if per_year.shape[0] > 1 else 0
        f = _at(first, i, 0)
        for t in range(months):
            k = np.floor((t - f) / 12.0)
            if k >= 0.0:
                out[i, t] = per_year[row, int(min(k, years - 1.0))]
    return out


@njit(cache=True, nogil=True)
def review_values(
    cash,
    alive,
    exit_at,
    discount,
    exit_cost,
    walk_away,
    launch,
    terminal,
    dates,
    start,
    paths,
    months,
):  # pragma: no cover (compiled)
    """What leaving at each decision month is worth, and never leaving by choice (see
    :func:`models.economics.reviews.exit_problem`): ``(stop_value, final_value,
    eligible, scale)``.

    The present value of the cash flow so far (``cash`` while ``alive``, less the exit
    cost of a forced exit) is carried month by month; at a decision month the venture
    still running pays to leave (the exit cost after launch, the walk-away cost from its
    start, nothing before). ``dates`` are ascending months (-1: before month 0).
    """
    n = dates.shape[0]
    stop = np.zeros((paths, n))
    eligible = np.zeros((paths, n), dtype=np.bool_)
    scale = np.zeros((paths, n))
    final = np.zeros(paths)
    for i in range(paths):
        x, w = _at(exit_cost, i, 0), _at(walk_away, i, 0)
        launch_i = _at(launch, i, 0)
        pv = 0.0
        j = 0
        while j < n and dates[j] < 0:  # before month 0: nothing spent, nothing owed
            eligible[i, j] = True
            scale[i, j] = 1.0
            cost = x if dates[j] >= launch_i else (w if dates[j] >= start else 0.0)
            stop[i, j] = 0.0 - 1.0 * cost
            j += 1
        for t in range(months):
            d = _at(discount, i, t)
            gone = _at(exit_at, i, t)
            pv += _at(cash, i, t) * _at(alive, i, t) * d - gone * d * x
            while j < n and dates[j] == t:
                still = (_at(alive, i, t) - gone) > 0.5
                eligible[i, j] = still
                scale[i, j] = d
                cost = x if t >= launch_i else (w if t >= start else 0.0)
                stop[i, j] = pv - d * cost * (1.0 if still else 0.0)
                j += 1
        last = months - 1
        running = _at(alive, i, last) - _at(exit_at, i, last)
        final[i] = pv + _at(discount, i, last) * _at(terminal, i, 0) * running
    return stop, final, eligible, scale


@njit(cache=True, nogil=True)
def review_state(
    cash, subscribers, catalogue, dark, distress, launch, dates, market, paths, months
):  # pragma: no cover (compiled)
    """The state a review observes (:data:`models.economics.reviews.STATE`) at each
    decision month, (paths, dates, 8 + signals): subscribers and their change over the
    last quarter, the cash of the last quarter and so far, months since launch, the
    share of the catalogue on offer, months dark so far, whether the partner is in
    distress, then the market's ``signals`` as given, (signals, 1 or paths, dates)
    (:func:`models.economics.reviews.market_signals`). Before month 0 (-1): no
    subscribers, no cash, the whole catalogue.

    Written row by row: joining the market's signals to the state afterwards was a copy
    of the whole state, then writes down its columns, a cache line an element (issue
    25).
    """
    n = dates.shape[0]
    signals = market.shape[0]
    out = np.zeros((paths, n, 8 + signals))
    subs_at = np.zeros(months + 1)
    cash_at = np.zeros(months + 1)
    for i in range(paths):
        cum_cash, cum_dark, cum_distress = 0.0, 0.0, 0.0
        j = 0
        launch_i = _at(launch, i, 0)
        # column c of the padded arrays is month c - 1 (column 0: before month 0)
        for c in range(months + 1):
            if c > 0:
                t = c - 1
                cum_cash += _at(cash, i, t)
                cum_dark += _at(dark, i, t)
                cum_distress += _at(distress, i, t)
                subs_at[c] = _at(subscribers, i, t)
                cash_at[c] = cum_cash
            while j < n and dates[j] + 1 == c:
                back = c - 3 if c >= 3 else 0
                out[i, j, 0] = subs_at[c]
                out[i, j, 1] = subs_at[c] - subs_at[back]
                out[i, j, 2] = cash_at[c] - cash_at[back]
                out[i, j, 3] = cash_at[c]
                out[i, j, 4] = _max(dates[j] - launch_i + 1.0, 0.0)
                out[i, j, 5] = _at(catalogue, i, c - 1) if c > 0 else 1.0
                out[i, j, 6] = cum_dark
                out[i, j, 7] = _min(cum_distress, 1.0)
                for k in range(signals):
                    out[i, j, 8 + k] = market[k, i if market.shape[1] > 1 else 0, j]
                j += 1
    return out


@njit(cache=True, nogil=True)
def first_below(features, eligible, go, threshold, never):  # pragma: no cover (compiled)
    """The simple rule's stop (:func:`models.economics.reviews.simple_stop`), (paths,):
    the first eligible review after launch (months since launch, feature 4, above 0)
    with subscribers (feature 0) below ``threshold``; ``never`` if none; the go date
    (0) where ``go`` is False."""
    paths, dates = eligible.shape
    out = np.empty(paths, dtype=np.int64)
    for i in range(paths):
        first = never
        for k in range(dates):
            if features[i, k, 4] > 0 and features[i, k, 0] < threshold and eligible[i, k]:
                first = k
                break
        out[i] = first if go[i] else 0
    return out


@njit(cache=True, nogil=True)
def policy_lines(
    alive, exit_at, last, launch, start, exit_cost, walk_away, terminal, amortisation, paths, months
):  # pragma: no cover (compiled)
    """A mode's lines under its exit policy and run to the horizon (see
    :func:`models.economics.modes.policy.with_exit_policy`), one pass: ``(operating,
    exit_costs, continuing_value, amortisation, committed_exit_costs,
    committed_continuing_value, committed_amortisation, forced_exit)``, (paths, months)
    but the last, (paths,).

    A path operates while alive up to its ``last`` month; stopping by choice at the end
    of ``last`` (unless forced out that very month, and not in the final month) costs
    the exit cost once launched, the walk-away cost from ``start`` until then; a forced
    exit costs the exit cost; a business running at the horizon is worth ``terminal``.
    """
    big = (paths, months)
    operating, exit_costs, continuing, amort = (
        np.empty(big),
        np.empty(big),
        np.empty(big),
        np.empty(big),
    )
    c_exit, c_continuing, c_amort = np.empty(big), np.empty(big), np.empty(big)
    forced = np.zeros(paths)
    for i in range(paths):
        last_i, launch_i = last[i], _at(launch, i, 0)
        x, w, v = _at(exit_cost, i, 0), _at(walk_away, i, 0), _at(terminal, i, 0)
        for t in range(months):
            a, e, m = _at(alive, i, t), _at(exit_at, i, t), _at(amortisation, i, t)
            stays = 1.0 if t <= last_i else 0.0
            leaves = t == last_i and t < months - 1 and t >= start
            voluntary = a - e if leaves and t >= launch_i else 0.0
            walked = (a - e if leaves and t < launch_i else 0.0) * w
            at_horizon = (a - e if t == months - 1 else 0.0) * v
            operating[i, t] = a * stays
            exit_costs[i, t] = -(e * stays + voluntary) * x - walked
            continuing[i, t] = at_horizon * stays
            amort[i, t] = m * (a * stays)
            c_exit[i, t] = -e * x
            c_continuing[i, t] = at_horizon
            c_amort[i, t] = m * a
            forced[i] += e * stays
    return operating, exit_costs, continuing, amort, c_exit, c_continuing, c_amort, forced


@njit(cache=True, nogil=True)
def abandonment(
    cash,
    hazard,
    discount,
    exit_cost,
    walk_away,
    launch,
    terminal,
    start,
    allowed,
    go,
    paths,
    months,
):  # pragma: no cover (compiled)
    """The backward induction of :func:`models.economics.finance.abandonment`, one path
    at a time: ``(value, last_month)``, (paths,) each.

    ``allowed`` (months,) marks the months at whose end the venture may stop; ``go``
    whether not starting (worth 0) is a choice before month 0. A path stops at a
    decision month when going on is worth less than stopping, by more than 1e-12 (a tie
    goes on); its last month is the first such month, ``months - 1`` if none, -1 if it
    does not start.
    """
    value = np.empty(paths)
    last = np.empty(paths)
    for i in range(paths):
        x, w, first_paid = _at(exit_cost, i, 0), _at(walk_away, i, 0), _at(launch, i, 0)
        u = _at(discount, i, months - 1) * _at(terminal, i, 0)
        leaves = months - 1
        for t in range(months - 1, -1, -1):
            d, h = _at(discount, i, t), _at(hazard, i, t)
            stop_cost = x if t >= first_paid else (w if t >= start else 0.0)
            leave_value = -d * stop_cost
            cont = u
            if allowed[t] and not u >= leave_value - 1e-12:
                cont = leave_value
                leaves = t
            u = d * _at(cash, i, t) + h * (-d * x) + (1.0 - h) * cont
        if go and u < -1e-12:  # the go decision before month 0: not starting is worth 0
            u = 0.0
            leaves = -1
        value[i] = u
        last[i] = leaves
    return value, last
