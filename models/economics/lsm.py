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

The functions are pure numpy and know nothing of the venture: the simulation
(:mod:`models.economics.simulation`) builds the values and features from its arrays
(:mod:`models.economics.reviews`), and the tests price an American put with them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import numpy as np

from models._arrays import FloatArray

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
        act = self.action[k] if self.action else "fit"
        if act == "always":
            return np.full(features.shape[0], -np.inf)
        if self.coef[k] is None or act == "never":
            return np.full(features.shape[0], np.inf)
        x = (features[:, self.kept[k]] - self.centre[k]) / self.scale[k]
        if self.lo:
            x = np.clip(x, self.lo[k], self.hi[k])
        x = basis(x)
        return x @ self.coef[k]


def basis(x: FloatArray) -> FloatArray:
    """Regression basis of standardised features (paths, f): a constant, each feature,
    its square, and the products of the first three features with each other.

    Longstaff & Schwartz (2001) find low-order polynomials enough; the squares let the
    continuation value bend (a put's is convex in the price), the products let the
    value of subscribers depend on their trend.
    """
    paths, f = x.shape
    cols = [np.ones((paths, 1)), x, x**2]
    lead = min(f, 3)
    for i in range(lead):
        for j in range(i + 1, lead):
            cols.append((x[:, i] * x[:, j])[:, None])
    return np.hstack(cols)


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
    """
    paths, dates = stop_value.shape
    value = np.asarray(final_value, dtype=float).copy()
    coefs, centres, scales, kept, n_fit, r2 = [], [], [], [], [], []
    los, his = [], []
    for k in range(dates - 1, -1, -1):
        ok = eligible[:, k]
        n = int(ok.sum())
        if n < MIN_PATHS:
            coefs.append(None), centres.append(None), scales.append(None), kept.append(None)
            n_fit.append(n), r2.append(np.nan)
            los.append(None), his.append(None)
            continue
        s = 1.0 if scale is None else scale[ok, k]
        y = (value[ok] - stop_value[ok, k]) / s
        f = features[ok, k, :]
        centre, spread = f.mean(axis=0), f.std(axis=0)
        varied = np.flatnonzero(spread > 1e-12 * (1.0 + np.abs(centre)))
        x = (f[:, varied] - centre[varied]) / spread[varied]
        design = basis(x)
        beta, *_ = np.linalg.lstsq(design, y, rcond=None)
        fitted = design @ beta
        total = float(np.sum((y - y.mean()) ** 2))
        r2.append(1.0 - float(np.sum((y - fitted) ** 2)) / total if total > 0 else 1.0)
        stop = ok.copy()
        stop[ok] = fitted < -_TIE
        value = np.where(stop, stop_value[:, k], value)
        coefs.append(beta), centres.append(centre[varied]), scales.append(spread[varied])
        kept.append(varied), n_fit.append(n)
        los.append(x.min(axis=0)), his.append(x.max(axis=0))
    rev = slice(None, None, -1)
    rule = StoppingRule(
        coef=tuple(coefs[rev]),
        centre=tuple(centres[rev]),
        scale=tuple(scales[rev]),
        kept=tuple(kept[rev]),
        lo=tuple(los[rev]),
        hi=tuple(his[rev]),
        n_fit=tuple(n_fit[rev]),
        r2=tuple(r2[rev]),
    )
    log.debug("stopping rule fitted on %d paths over %d dates", paths, dates)
    return rule


def apply(rule: StoppingRule, features: FloatArray, eligible: np.ndarray) -> np.ndarray:
    """Date index at which each path stops under ``rule`` (``dates`` if never).

    Parameters
    ----------
    rule : StoppingRule
        From :func:`fit`, on other paths.
    features : ndarray (paths, dates, f)
    eligible : bool ndarray (paths, dates)
    """
    paths, dates = eligible.shape
    if dates != rule.dates:
        raise ValueError(f"rule fitted for {rule.dates} dates, applied to {dates}")
    stop_at = np.full(paths, dates)
    for k in range(dates):
        live = eligible[:, k] & (stop_at == dates)
        if not live.any():
            continue
        gain = rule.gain(k, features[live, k, :])
        idx = np.flatnonzero(live)[gain < -_TIE]
        stop_at[idx] = k
    return stop_at


def foresight(stop_value: FloatArray, final_value: FloatArray, eligible: np.ndarray) -> np.ndarray:
    """Date index of the best stop knowing each path's future (``dates``: never stop):
    the upper bound of every rule on the same dates (ties: the later choice)."""
    paths, dates = stop_value.shape
    best = np.asarray(final_value, dtype=float).copy()
    at = np.full(paths, dates)
    for k in range(dates - 1, -1, -1):
        better = eligible[:, k] & (stop_value[:, k] > best + _TIE)
        best = np.where(better, stop_value[:, k], best)
        at = np.where(better, k, at)
    return at


def realised(stop_value: FloatArray, final_value: FloatArray, stop_at: np.ndarray) -> FloatArray:
    """Value of each path stopped at ``stop_at`` (``dates``: never)."""
    dates = stop_value.shape[1]
    padded = np.column_stack([stop_value, np.asarray(final_value, dtype=float)])
    return np.take_along_axis(padded, np.minimum(stop_at, dates).reshape(-1, 1), axis=1)[:, 0]


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
    2004, s. 8.6.)
    """
    value = np.asarray(final_value, dtype=float).copy()
    actions = ["never"] * rule.dates
    for k in range(rule.dates - 1, -1, -1):
        ok = eligible[:, k]
        if ok.sum() < 2:
            continue
        fitted = np.zeros_like(ok)
        if rule.coef[k] is not None:
            fitted[ok] = rule.gain(k, features[ok, k, :]) < -_TIE
        candidates = {"fit": fitted, "always": ok}
        best, best_mean = "never", 0.0
        for name, stop in candidates.items():
            # what stopping here adds over going on, on each validation path
            gain = np.where(stop, stop_value[:, k] - value, 0.0)[ok]
            mean = float(gain.mean())
            se = float(gain.std(ddof=1) / np.sqrt(len(gain)))
            if mean - SIGNIFICANCE * se > 0 and mean > best_mean:
                best, best_mean = name, mean
        actions[k] = best
        if best != "never":
            value = np.where(candidates[best], stop_value[:, k], value)
    return replace(rule, action=tuple(actions))


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
