"""Least-squares Monte Carlo (Longstaff-Schwartz) for optimal stopping on simulated paths.

An optimal-stopping problem on simulated paths: at each decision date ``k`` the holder
may stop, receiving ``stop_value[:, k]`` (everything up to and including stopping at
``k``, present value at time 0), or go on; a path never stopped is worth
``final_value``. The decision at ``k`` may use only what is observable by then,
``features[:, k, :]``.

Least-squares Monte Carlo (Longstaff & Schwartz 2001, *Valuing American options by
simulation*, Rev. Financ. Stud. 14(1):113-147) estimates the rule backwards: at the last
date, regress the realised gain from going on (the value of the path under the rule
from later dates, minus stopping now) on a polynomial basis of the features, over the
paths where stopping is allowed; stop where the fitted gain is negative; step back one
date. :func:`fit` returns the rule (:class:`StoppingRule`); :func:`apply` follows it on
*other* paths, so that the estimate is not biased upwards by the regression having seen
the paths it is applied to (the "in-sample" foresight bias; Glasserman 2004, *Monte
Carlo Methods in Financial Engineering*, s. 8.6). The result is a lower bound on the
value of the best rule: any rule is feasible. :func:`foresight` is the upper bound, the
best date chosen knowing each path's whole future.

The functions know nothing of the venture: the simulation
(:mod:`models.economics.simulation`) builds the values and features from its arrays
(:mod:`models.economics.reviews`), and the tests price an American put with them. The
loops over the dates of :func:`fit`, :func:`prune` and :func:`apply` are compiled
(numba, releasing the GIL): in numpy
each date cost about 0.3 ms of overheads on arrays of a few thousand rows, a third of a
rule's fit. They compute what the numpy loops did, in the same order: the means, spreads
and sums are numpy's to the last bit (:func:`_sum` is numpy's pairwise summation); the
regression and its fitted values run on numba's LAPACK and BLAS (scipy's OpenBLAS, not
numpy's), which may round the last bits of a coefficient differently. The numpy loops
are the oracle in ``tests/oracle/lsm_numpy.py`` (issue 25).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field, replace

import numpy as np
from numba import njit

from models._arrays import FloatArray
from models.economics import kernels

log = logging.getLogger(__name__)

#: Fewer eligible paths than this at a date: no regression there, the rule goes on.
MIN_PATHS = 30

#: Standard errors by which a date's stops must beat going on, on validation paths,
#: to be kept (:func:`prune`): about a one-sided 97.5 % test.
SIGNIFICANCE = 2.0

#: Fitted gains within this many US$ m (per unit of scale) of zero count as "go on"
#: (ties favour the less drastic choice).
_TIE = 1e-9


@dataclass(frozen=True)
class StoppingRule:
    """A fitted rule: at each decision date, stop where the fitted gain from going on
    is negative.

    Attributes
    ----------
    coef : tuple of ndarray or None
        Regression coefficients on :func:`basis` per date; ``None`` where too few paths
        were eligible to fit (the rule then goes on).
    centre, scale : tuple of ndarray or None
        Standardisation of the features per date (training mean and spread).
    kept : tuple of ndarray or None
        Indices of the features that varied in training, per date.
    lo, hi : tuple of ndarray or None
        Range of the standardised features in training, per date: features are clipped
        to it before the basis is applied, so that the polynomial is never
        extrapolated beyond the data it was fitted on.
    action : tuple of str
        Per date, ``"fit"`` (follow the regression), ``"never"`` or ``"always"`` (stop
        on every eligible path), as :func:`prune` chose on validation paths; empty:
        ``"fit"`` everywhere.
    n_fit : tuple of int
        Training paths eligible at each date.
    r2 : tuple of float
        Share of the variance of the realised gain the basis explains, per date.
    """

    coef: tuple = field(repr=False)
    centre: tuple = field(repr=False)
    scale: tuple = field(repr=False)
    kept: tuple = field(repr=False)
    lo: tuple = field(repr=False, default=())
    hi: tuple = field(repr=False, default=())
    action: tuple = ()
    n_fit: tuple = ()
    r2: tuple = ()

    @property
    def dates(self) -> int:
        """Number of decision dates."""
        return len(self.coef)

    def gain(self, k: int, features: FloatArray) -> FloatArray:
        """Fitted gain from going on at date ``k`` (per unit of the regression's scale),
        one per row of ``features`` (paths, features); ``+inf`` where no fit exists or
        the date never stops, ``-inf`` where it always does (:attr:`action`)."""
        if not -self.dates <= k < self.dates:  # the compiled loop does not check bounds
            raise IndexError(f"date {k} of a rule with {self.dates} dates")
        x = np.ascontiguousarray(features, dtype=np.float64)
        if x.ndim != 2:
            raise ValueError(f"features of shape {x.shape}: expected (paths, features)")
        _check_kept(self, x.shape[1])
        return _gains(k % self.dates, np.arange(x.shape[0]), x, *_packed(self, x.shape[1]))


def _check_kept(rule: StoppingRule, features: int) -> None:
    """That ``rule`` reads no feature beyond the ``features`` given."""
    needed = max((int(k.max()) + 1 for k in rule.kept if k is not None and k.size), default=0)
    if needed > features:
        raise ValueError(f"rule reads {needed} features, given {features}")


def _arrays(features, eligible, stop_value=None, final_value=None, scale=None, rule=None):
    """The arrays of an optimal-stopping problem as the compiled loops read them
    (C-ordered float64, a bool mask), their shapes checked against each other: the
    loops do not check bounds, so a mismatch would read past an array's end.

    Raises
    ------
    ValueError
        Naming the array whose shape does not fit: ``features`` (paths, dates, f),
        ``eligible``, ``stop_value`` and ``scale`` (paths, dates), ``final_value``
        (paths,); or a ``rule`` fitted for other dates or more features.
    """
    feats = np.ascontiguousarray(features, dtype=np.float64)
    ok = np.ascontiguousarray(eligible, dtype=np.bool_)
    if feats.ndim != 3 or ok.shape != feats.shape[:2]:
        raise ValueError(
            f"features of shape {feats.shape} and eligible of shape {ok.shape}: expected"
            " (paths, dates, features) and (paths, dates)"
        )
    out = [feats, ok]
    for name, x, shape in (
        ("stop_value", stop_value, ok.shape),
        ("final_value", final_value, ok.shape[:1]),
        ("scale", scale, ok.shape),
    ):
        if x is None:
            continue
        a = np.ascontiguousarray(x, dtype=np.float64)
        if a.shape != shape:
            raise ValueError(f"{name} of shape {a.shape}: expected {shape}")
        out.append(a)
    if rule is not None:
        if ok.shape[1] != rule.dates:
            raise ValueError(f"rule fitted for {rule.dates} dates, applied to {ok.shape[1]}")
        _check_kept(rule, feats.shape[2])
    return out


#: The machine epsilon of float64: :func:`numpy.linalg.lstsq`'s default cut-off of
#: singular values is it times the larger side of the design (``rcond=None``).
_EPS = float(np.finfo(np.float64).eps)

#: Codes of a date's action in the compiled loops (:attr:`StoppingRule.action`).
_FIT, _NEVER, _ALWAYS = 0, 1, 2
_ACTIONS = {"fit": _FIT, "never": _NEVER, "always": _ALWAYS}


@njit(cache=True, nogil=True)
def basis(x: FloatArray) -> FloatArray:  # pragma: no cover (compiled)
    """Regression basis of standardised features (paths, f): a constant, each feature,
    its square, and the products of the first three features with each other.

    Longstaff & Schwartz (2001) find low-order polynomials enough; the squares let the
    continuation value bend (a put's is convex in the price), the products let the
    value of subscribers depend on their trend.
    """
    paths, f = x.shape
    lead = min(f, 3)
    out = np.empty((paths, 1 + 2 * f + lead * (lead - 1) // 2))
    for r in range(paths):
        out[r, 0] = 1.0
        for j in range(f):
            out[r, 1 + j] = x[r, j]
            out[r, 1 + f + j] = x[r, j] * x[r, j]
        col = 1 + 2 * f
        for i in range(lead):
            for j in range(i + 1, lead):
                out[r, col] = x[r, i] * x[r, j]
                col += 1
    return out


@njit(cache=True, nogil=True)
def _block(a, first, n):  # pragma: no cover (compiled)
    """numpy's sum of a block of at most 128 floats ``a[first:first + n]``: in order
    below 8, else eight running sums added pairwise, then the rest in order."""
    if n < 8:
        res = 0.0
        for i in range(first, first + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[first], a[first + 1], a[first + 2], a[first + 3]
    r4, r5, r6, r7 = a[first + 4], a[first + 5], a[first + 6], a[first + 7]
    i = 8
    while i < n - (n % 8):
        j = first + i
        r0 += a[j]
        r1 += a[j + 1]
        r2 += a[j + 2]
        r3 += a[j + 3]
        r4 += a[j + 4]
        r5 += a[j + 5]
        r6 += a[j + 6]
        r7 += a[j + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[first + i]
        i += 1
    return res


@njit(cache=True, nogil=True)
def _sum(a, first, n):  # pragma: no cover (compiled)
    """``np.sum(a[first:first + n])`` of a 1-D float array, bit for bit: numpy's pairwise
    summation (``pairwise_sum`` in numpy's ``loops_utils.h``): blocks of at most 128
    (:func:`_block`), a longer run split in two halves (the first a multiple of 8) whose
    sums are added. So a mean or a spread is numpy's to the last bit, and a decision on
    it the same. numpy recurses; here a stack of the halves does it (numba's disk cache
    cannot load a recursive function called from another)."""
    if n <= 128:
        return _block(a, first, n)
    start, size = np.empty(64, np.int64), np.empty(64, np.int64)
    left, state = np.empty(64), np.zeros(64, np.int64)  # 0 new, 1 in its left, 2 its right
    top, start[0], size[0] = 0, first, n
    while True:
        if size[top] > 128 and state[top] == 0:  # split: its left half first
            half = size[top] // 2
            half -= half % 8
            state[top] = 1
            top += 1
            start[top], size[top], state[top] = start[top - 1], half, 0
            continue
        value = _block(a, start[top], size[top])
        while True:  # hand the sum up to the halves' parents
            if top == 0:
                return value
            top -= 1
            if state[top] == 1:  # its left half done: on to its right half
                left[top], state[top] = value, 2
                half = size[top] // 2
                half -= half % 8
                top += 1
                start[top], size[top], state[top] = start[top - 1] + half, size[top - 1] - half, 0
                break
            value = left[top] + value


@njit(cache=True, nogil=True, error_model="numpy")
def _mean_sd(a, ddof):  # pragma: no cover (compiled)
    """``a.mean()`` and ``a.std(ddof=ddof)`` of a 1-D float array, as numpy computes them
    (:func:`_sum`)."""
    n = a.size
    mean = _sum(a, 0, n) / n
    sq = np.empty(n)
    for i in range(n):
        d = a[i] - mean
        sq[i] = d * d
    return mean, math.sqrt(_sum(sq, 0, n) / max(n - ddof, 0))


@njit(cache=True, nogil=True, error_model="numpy")
def _standardise(f, tol):  # pragma: no cover (compiled)
    """Column means and spreads of ``f`` (rows, features) as numpy's ``mean(axis=0)`` and
    ``std(axis=0)`` compute them (row after row; one column, pairwise), and which
    columns varied."""
    n, m = f.shape
    centre, spread = np.zeros(m), np.zeros(m)
    if m == 1:  # one contiguous column: numpy sums it pairwise
        centre[0], spread[0] = _mean_sd(f[:, 0].copy(), 0)
        return centre, spread, spread > tol * (1.0 + np.abs(centre))
    for r in range(n):
        for j in range(m):
            centre[j] += f[r, j]
    centre = centre / n
    for r in range(n):
        for j in range(m):
            d = f[r, j] - centre[j]
            spread[j] += d * d
    spread = np.sqrt(spread / n)
    return centre, spread, spread > tol * (1.0 + np.abs(centre))


@njit(cache=True, nogil=True, error_model="numpy")
def _backward(
    stop_value, final_value, features, eligible, scale, scaled, min_paths, tie
):  # pragma: no cover (compiled)
    """The backward induction of :func:`fit`, compiled: per date (padded arrays), the
    coefficients and their number, the features' centres, spreads and which varied, the
    standardised features' range, the paths eligible, the share of variance explained,
    and whether a regression was fitted."""
    dates = stop_value.shape[1]
    nf = features.shape[2]
    width = 1 + 2 * nf + 3
    coef, ncoef = np.zeros((dates, width)), np.zeros(dates, np.int64)
    centres, spreads = np.zeros((dates, nf)), np.zeros((dates, nf))
    varied = np.zeros((dates, nf), np.bool_)
    lo, hi = np.zeros((dates, nf)), np.zeros((dates, nf))
    n_fit, r2 = np.zeros(dates, np.int64), np.full(dates, np.nan)
    fitted_at = np.zeros(dates, np.bool_)
    value = final_value.copy()
    for k in range(dates - 1, -1, -1):
        rows = np.flatnonzero(eligible[:, k])
        n = rows.size
        n_fit[k] = n
        if n < min_paths:
            continue
        y, f = np.empty(n), np.empty((n, nf))
        for r in range(n):
            i = rows[r]
            y[r] = (value[i] - stop_value[i, k]) / (scale[i, k] if scaled else 1.0)
            f[r] = features[i, k]
        centre, spread, keep = _standardise(f, 1e-12)
        cols = np.flatnonzero(keep)
        x = np.empty((n, cols.size))
        for r in range(n):
            for j in range(cols.size):
                x[r, j] = (f[r, cols[j]] - centre[cols[j]]) / spread[cols[j]]
        design = basis(x)
        beta = np.linalg.lstsq(design, y, _EPS * max(n, design.shape[1]))[0]
        fitted = design @ beta
        y_mean, _ = _mean_sd(y, 0)
        dev, res = np.empty(n), np.empty(n)
        for r in range(n):
            dev[r] = (y[r] - y_mean) * (y[r] - y_mean)
            res[r] = (y[r] - fitted[r]) * (y[r] - fitted[r])
        total = _sum(dev, 0, n)
        r2[k] = 1.0 - _sum(res, 0, n) / total if total > 0 else 1.0
        for r in range(n):
            if fitted[r] < -tie:
                value[rows[r]] = stop_value[rows[r], k]
        coef[k, : beta.size], ncoef[k] = beta, beta.size
        centres[k], spreads[k], varied[k] = centre, spread, keep
        for j in range(cols.size):
            lo[k, j], hi[k, j] = np.min(x[:, j]), np.max(x[:, j])
        fitted_at[k] = True
    return coef, ncoef, centres, spreads, varied, lo, hi, n_fit, r2, fitted_at


def fit(
    stop_value: FloatArray,
    final_value: FloatArray,
    features: FloatArray,
    eligible: np.ndarray,
    scale: FloatArray | None = None,
) -> StoppingRule:
    """Fit a stopping rule by least-squares Monte Carlo (backward induction).

    Parameters
    ----------
    stop_value : ndarray (paths, dates)
        Value of a path stopped at each date (present value at time 0).
    final_value : ndarray (paths,)
        Value of a path never stopped.
    features : ndarray (paths, dates, f)
        What is observable at each date.
    eligible : bool ndarray (paths, dates)
        Where stopping is allowed and meaningful (e.g. the venture still runs; for a
        put, in the money).
    scale : ndarray (paths, dates), optional
        Positive factor dividing the gains before the regression (e.g. the discount
        factor of the date, so that gains are in money of that date). Decisions are
        unchanged by it; the fit is better conditioned.

    Returns
    -------
    StoppingRule

    Raises
    ------
    ValueError
        If the arrays' shapes do not fit each other (:func:`_arrays`).
    numpy.linalg.LinAlgError
        If a gain to regress is not finite (a NaN or infinite value on an eligible
        path; numpy's loop gave that date NaN coefficients, so that it never stopped).

    Notes
    -----
    The induction is one compiled loop over the dates (:func:`_backward`, numba,
    releasing the GIL), with numpy's arithmetic in
    numpy's order: each date's means and spreads are numpy's to the last bit; the
    regression is LAPACK's ``gelsd`` at :func:`numpy.linalg.lstsq`'s default cut-off
    (machine epsilon times the larger side), through numba's LAPACK (scipy's OpenBLAS),
    so a coefficient, a fitted value or the :math:`R^2` may differ from numpy's in the
    last bits (``tests/economics/test_lsm.py`` holds them to 1e-9 of the numpy loop in
    ``tests/oracle/lsm_numpy.py``). In Python the loop spent about 0.3 ms a date in
    numpy's overheads on arrays of a few thousand rows, a third of a rule's fit
    (issue 25).
    """
    feats, ok, stop, final, *scaled = _arrays(features, eligible, stop_value, final_value, scale)
    paths, dates = stop.shape
    coef, ncoef, centre, spread, varied, lo, hi, n_fit, r2, fitted = _backward(
        stop,
        final,
        feats,
        ok,
        scaled[0] if scaled else np.ones((1, 1)),
        scale is not None,
        MIN_PATHS,
        _TIE,
    )
    kept = [np.flatnonzero(v) for v in varied]
    if dates:
        log.debug("stopping rule fitted on %d paths over %d dates", paths, dates)

    def per_date(make):
        return tuple(make(k) if fitted[k] else None for k in range(dates))

    return StoppingRule(
        coef=per_date(lambda k: coef[k, : ncoef[k]].copy()),
        centre=per_date(lambda k: centre[k][varied[k]]),
        scale=per_date(lambda k: spread[k][varied[k]]),
        kept=per_date(lambda k: kept[k]),
        lo=per_date(lambda k: lo[k, : kept[k].size].copy()),
        hi=per_date(lambda k: hi[k, : kept[k].size].copy()),
        n_fit=tuple(int(n) for n in n_fit),
        r2=tuple(float(x) for x in r2),
    )


def _packed(rule: StoppingRule, features: int):
    """``rule`` as the padded arrays of the compiled loops (:func:`_gains`): per date, the
    action's code, whether a regression exists, its coefficients and their number, the
    features it reads, their centres, spreads and range."""
    dates = rule.dates
    width = 1 + 2 * features + 3
    coef, ncoef = np.zeros((dates, width)), np.zeros(dates, np.int64)
    kept, nkept = np.zeros((dates, features), np.int64), np.zeros(dates, np.int64)
    centre, spread = np.zeros((dates, features)), np.ones((dates, features))
    lo, hi = np.full((dates, features), -np.inf), np.full((dates, features), np.inf)
    action = np.array([_ACTIONS[a] for a in rule.action] if rule.action else [_FIT] * dates)
    has = np.array([c is not None for c in rule.coef], dtype=np.bool_)
    for k in np.flatnonzero(has):
        c, m = rule.coef[k], len(rule.kept[k])
        coef[k, : c.size], ncoef[k] = c, c.size
        kept[k, :m], nkept[k] = rule.kept[k], m
        centre[k, :m], spread[k, :m] = rule.centre[k], rule.scale[k]
        if rule.lo:
            lo[k, :m], hi[k, :m] = rule.lo[k], rule.hi[k]
    return action, has, coef, ncoef, kept, nkept, centre, spread, lo, hi, bool(rule.lo)


@njit(cache=True, nogil=True, error_model="numpy")
def _gains(
    k, rows, features, action, has, coef, ncoef, kept, nkept, centre, spread, lo, hi, clip
):  # pragma: no cover (compiled)
    """:meth:`StoppingRule.gain` at date ``k`` on the rows ``rows`` of ``features``
    (paths, f: what each path observes at ``k``), the rule packed by :func:`_packed`."""
    n = rows.size
    if action[k] == _ALWAYS:
        return np.full(n, -np.inf)
    if not has[k] or action[k] == _NEVER:
        return np.full(n, np.inf)
    m = nkept[k]
    x = np.empty((n, m))
    for r in range(n):
        for j in range(m):
            v = (features[rows[r], kept[k, j]] - centre[k, j]) / spread[k, j]
            if clip:  # np.clip: the larger of v and lo, then the smaller of it and hi
                v = max(v, lo[k, j]) if v == v else v
                v = min(v, hi[k, j]) if v == v else v
            x[r, j] = v
    return basis(x) @ coef[k, : ncoef[k]]


@njit(cache=True, nogil=True)
def _apply(features, eligible, tie, packed):  # pragma: no cover (compiled)
    """:func:`apply`, compiled."""
    paths, dates = eligible.shape
    stop_at = np.full(paths, dates)
    for k in range(dates):
        live = np.flatnonzero(eligible[:, k] & (stop_at == dates))
        if live.size == 0:
            continue
        gain = _gains(k, live, features[:, k], *packed)
        for r in range(live.size):
            if gain[r] < -tie:
                stop_at[live[r]] = k
    return stop_at


def apply(rule: StoppingRule, features: FloatArray, eligible: np.ndarray) -> np.ndarray:
    """Date index at which each path stops under ``rule`` (``dates`` if never).

    Parameters
    ----------
    rule : StoppingRule
        From :func:`fit`, on other paths.
    features : ndarray (paths, dates, f)
    eligible : bool ndarray (paths, dates)
    """
    feats, ok = _arrays(features, eligible, rule=rule)
    return _apply(feats, ok, _TIE, _packed(rule, feats.shape[2]))


@njit(cache=True, nogil=True)
def _foresight(stop_value, final_value, eligible, tie):  # pragma: no cover (compiled)
    """:func:`foresight`, compiled: one pass per path, back from the last date."""
    paths, dates = stop_value.shape
    at = np.empty(paths, dtype=np.int64)
    for i in range(paths):
        best, a = final_value[i], dates
        for k in range(dates - 1, -1, -1):
            if eligible[i, k] and stop_value[i, k] > best + tie:
                best, a = stop_value[i, k], k
        at[i] = a
    return at


def foresight(stop_value: FloatArray, final_value: FloatArray, eligible: np.ndarray) -> np.ndarray:
    """Date index of the best stop knowing each path's future (``dates``: never stop):
    the upper bound of every rule on the same dates (ties: the later choice).

    One compiled pass per path (:func:`_foresight`), where numpy took passes over a
    column per date (issue 25)."""
    paths = stop_value.shape[0]
    final = np.broadcast_to(np.asarray(final_value, dtype=float), (paths,))
    # read-only and C-contiguous, as every kernel's input (kernels.frozen): one signature
    f = kernels.frozen
    return kernels.own_dtype(_foresight(f(stop_value), f(final), f(eligible, bool), _TIE))


@njit(cache=True, nogil=True)
def _realised(stop_value, final_value, stop_at):  # pragma: no cover (compiled)
    """:func:`realised`, compiled."""
    paths, dates = stop_value.shape
    out = np.empty(paths)
    for i in range(paths):
        k = stop_at[i]
        out[i] = final_value[i] if k >= dates else stop_value[i, k]
    return out


def realised(stop_value: FloatArray, final_value: FloatArray, stop_at: np.ndarray) -> FloatArray:
    """Value of each path stopped at ``stop_at`` (``dates``: never), (paths,), a
    compiled pass (:func:`_realised`; numpy's column_stack and take_along_axis copied
    the values once a rule)."""
    paths = stop_value.shape[0]
    final = np.broadcast_to(np.asarray(final_value, dtype=float), (paths,))
    at = np.asarray(stop_at)
    if at.dtype.kind not in "iu":  # a float would be truncated without a word
        raise ValueError(f"realised: stop date indexes of dtype {at.dtype}: expected integers")
    at = np.broadcast_to(at.astype(np.int64, copy=False), (paths,))
    if at.size and at.min() < 0:
        raise ValueError(f"realised: stop date index {at.min()}: expected 0 or more")
    f = kernels.frozen
    return kernels.own_dtype(_realised(f(stop_value), f(final), f(at, np.int64)))


@njit(cache=True, nogil=True)
def _prune(
    stop_value, final_value, features, eligible, significance, tie, packed
):  # pragma: no cover (compiled)
    """The actions :func:`prune` chooses per date (codes of :data:`_ACTIONS`), compiled;
    each candidate's mean gain and its standard error are numpy's to the last bit
    (:func:`_mean_sd`)."""
    dates = stop_value.shape[1]
    value = final_value.copy()
    actions = np.full(dates, _NEVER)
    for k in range(dates - 1, -1, -1):
        rows = np.flatnonzero(eligible[:, k])
        n = rows.size
        if n < 2:
            continue
        fitted = np.zeros(n, np.bool_)
        if packed[1][k]:  # a regression at k
            fitted = _gains(k, rows, features[:, k], *packed) < -tie
        best, best_mean = _NEVER, 0.0
        gain = np.empty(n)
        for code in (_FIT, _ALWAYS):
            for r in range(n):
                stop = fitted[r] if code == _FIT else True
                gain[r] = stop_value[rows[r], k] - value[rows[r]] if stop else 0.0
            mean, sd = _mean_sd(gain, 1)
            se = sd / math.sqrt(n)
            if mean - significance * se > 0 and mean > best_mean:
                best, best_mean = code, mean
        actions[k] = best
        if best != _NEVER:
            for r in range(n):
                if best == _ALWAYS or fitted[r]:
                    value[rows[r]] = stop_value[rows[r], k]
    return actions


def prune(
    rule: StoppingRule,
    stop_value: FloatArray,
    final_value: FloatArray,
    features: FloatArray,
    eligible: np.ndarray,
) -> StoppingRule:
    """Choose, date by date on validation paths, between the regression and the two
    rules that need none: never stop, and stop on every eligible path.

    Backwards over the dates, as in :func:`fit`: at date ``k``, each candidate that
    stops somewhere is valued on validation paths (independent of those the regression
    was fitted on) by what stopping adds over going on under the later dates' choices.
    A date stops only if that gain is positive by more than :data:`SIGNIFICANCE`
    standard errors, and then by the candidate with the larger mean gain; otherwise it
    never stops. A regression fitted on noise (a mode that almost never gains from
    stopping, or one whose observations say little) thereby does no worse than never
    stopping, up to the validation sample's error, and a stop must earn its keep on
    paths the regression has not seen. (Out-of-sample model selection; Glasserman
    2004, s. 8.6.) One compiled loop over the dates (:func:`_prune`).
    """
    feats, ok, stop, final = _arrays(features, eligible, stop_value, final_value, rule=rule)
    codes = _prune(stop, final, feats, ok, SIGNIFICANCE, _TIE, _packed(rule, feats.shape[2]))
    names = {code: name for name, code in _ACTIONS.items()}
    return replace(rule, action=tuple(names[int(c)] for c in codes))


def replace_action(rule: StoppingRule, k: int, action: str) -> StoppingRule:
    """``rule`` with the action at date ``k`` set to ``"fit"``, ``"never"`` or
    ``"always"`` (the other dates as they were)."""
    actions = list(rule.action) if rule.action else ["fit"] * rule.dates
    actions[k] = action
    return replace(rule, action=tuple(actions))


def fit_held_out(
    stop_value: FloatArray,
    final_value: FloatArray,
    features: FloatArray,
    eligible: np.ndarray,
    scale: FloatArray | None = None,
) -> StoppingRule:
    """:func:`fit` on the first half of the paths, :func:`prune` on the second: the rule
    every caller uses, so that no stop survives that did not pay on unseen paths."""
    paths = stop_value.shape[0]
    a, b = slice(0, paths // 2), slice(paths // 2, paths)
    rule = fit(
        stop_value[a],
        final_value[a],
        features[a],
        eligible[a],
        scale=None if scale is None else scale[a],
    )
    return prune(rule, stop_value[b], final_value[b], features[b], eligible[b])


def cross_fit(
    stop_value: FloatArray,
    final_value: FloatArray,
    features: FloatArray,
    eligible: np.ndarray,
    scale: FloatArray | None = None,
) -> np.ndarray:
    """Date index at which each path stops (``dates``: never) under a rule fitted
    (:func:`fit_held_out`) on the other half of the paths: even paths by the rule of the
    odd ones and the other way round, for a run without separate training paths."""
    paths, dates = stop_value.shape
    out = np.full(paths, dates)
    odd = np.arange(paths) % 2 == 1
    for train, test in ((~odd, odd), (odd, ~odd)):
        if train.sum() < 2 * MIN_PATHS:
            continue  # too few paths to fit and check a rule: never stop
        rule = fit_held_out(
            stop_value[train],
            final_value[train],
            features[train],
            eligible[train],
            scale=None if scale is None else scale[train],
        )
        out[test] = apply(rule, features[test], eligible[test])
    return out
