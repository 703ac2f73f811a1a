"""The least-squares Monte Carlo loops in numpy, as :mod:`models.economics.lsm` had them
before they were compiled (issue 25): the oracle ``tests/economics/test_lsm.py`` holds
the compiled :func:`models.economics.lsm.fit`, :func:`~models.economics.lsm.prune` and
:func:`~models.economics.lsm.apply` to, bit for bit.

Not imported by the package. The regression's basis is the package's own
(:func:`models.economics.lsm.basis`, checked apart against numpy's ``hstack`` of the
same columns).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from models.economics import lsm


def basis(x):
    """A constant, each feature, its square, the products of the first three."""
    paths, f = x.shape
    cols = [np.ones((paths, 1)), x, x**2]
    lead = min(f, 3)
    for i in range(lead):
        for j in range(i + 1, lead):
            cols.append((x[:, i] * x[:, j])[:, None])
    return np.hstack(cols)


def gain(rule, k, features):
    """:meth:`models.economics.lsm.StoppingRule.gain` in numpy."""
    act = rule.action[k] if rule.action else "fit"
    if act == "always":
        return np.full(features.shape[0], -np.inf)
    if rule.coef[k] is None or act == "never":
        return np.full(features.shape[0], np.inf)
    x = (features[:, rule.kept[k]] - rule.centre[k]) / rule.scale[k]
    if rule.lo:
        x = np.clip(x, rule.lo[k], rule.hi[k])
    return basis(x) @ rule.coef[k]


def fit(stop_value, final_value, features, eligible, scale=None):
    """:func:`models.economics.lsm.fit` in numpy."""
    dates = stop_value.shape[1]
    value = np.asarray(final_value, dtype=float).copy()
    coefs, centres, scales, kept, n_fit, r2, los, his = ([] for _ in range(8))
    for k in range(dates - 1, -1, -1):
        ok = eligible[:, k]
        n = int(ok.sum())
        if n < lsm.MIN_PATHS:
            for out in (coefs, centres, scales, kept, los, his):
                out.append(None)
            n_fit.append(n), r2.append(np.nan)
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
        stop[ok] = fitted < -lsm._TIE
        value = np.where(stop, stop_value[:, k], value)
        coefs.append(beta), centres.append(centre[varied]), scales.append(spread[varied])
        kept.append(varied), n_fit.append(n)
        los.append(x.min(axis=0)), his.append(x.max(axis=0))
    rev = slice(None, None, -1)
    return lsm.StoppingRule(
        coef=tuple(coefs[rev]),
        centre=tuple(centres[rev]),
        scale=tuple(scales[rev]),
        kept=tuple(kept[rev]),
        lo=tuple(los[rev]),
        hi=tuple(his[rev]),
        n_fit=tuple(n_fit[rev]),
        r2=tuple(r2[rev]),
    )


def apply(rule, features, eligible):
    """:func:`models.economics.lsm.apply` in numpy."""
    paths, dates = eligible.shape
    stop_at = np.full(paths, dates)
    for k in range(dates):
        live = eligible[:, k] & (stop_at == dates)
        if not live.any():
            continue
        idx = np.flatnonzero(live)[gain(rule, k, features[live, k, :]) < -lsm._TIE]
        stop_at[idx] = k
    return stop_at


def prune(rule, stop_value, final_value, features, eligible):
    """:func:`models.economics.lsm.prune` in numpy."""
    value = np.asarray(final_value, dtype=float).copy()
    actions = ["never"] * rule.dates
    for k in range(rule.dates - 1, -1, -1):
        ok = eligible[:, k]
        if ok.sum() < 2:
            continue
        fitted = np.zeros_like(ok)
        if rule.coef[k] is not None:
            fitted[ok] = gain(rule, k, features[ok, k, :]) < -lsm._TIE
        candidates = {"fit": fitted, "always": ok}
        best, best_mean = "never", 0.0
        for name, stop in candidates.items():
            g = np.where(stop, stop_value[:, k] - value, 0.0)[ok]
            mean = float(g.mean())
            se = float(g.std(ddof=1) / np.sqrt(len(g)))
            if mean - lsm.SIGNIFICANCE * se > 0 and mean > best_mean:
                best, best_mean = name, mean
        actions[k] = best
        if best != "never":
            value = np.where(candidates[best], stop_value[:, k], value)
    return replace(rule, action=tuple(actions))
