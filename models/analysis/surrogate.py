"""A surrogate of the model's answers between the positions where it was run.

The offline what-if (:mod:`models.analysis.whatif_design`) runs the full model at a few
dozen positions of its sliders, and the report's own script answers every other
position with this surrogate in the reader's browser. It has two parts.

The anchored first-order part (cut-HDMR)
    The design runs each slider alone along its range, the others at the start
    (the *anchor*). Along those lines the surrogate interpolates the model's answers
    linearly, and it combines the lines for a move of several sliders either
    additively, :math:`f_0 + \\sum_j (f_j(x_j) - f_0)`, or multiplicatively,
    :math:`f_0 \\prod_j f_j(x_j) / f_0`, an output at a time: multiplicatively where
    the output is positive along every line and that fits the design's other positions
    better (a licence's value, a product of its fee, its growth and the titles approved,
    is the case that needs it: in the base case the multiplicative form errs by US$1 m
    where the additive one errs by US$18-25 m).
The residual part
    A cubic radial basis function with a linear tail, on inputs scaled to [0, 1],
    fitted to what the first part leaves at the design's positions (nothing on the
    lines; the interactions elsewhere), :math:`\\sum_i w_i \\lVert z - z_i
    \\rVert^3 + a_0 + \\sum_j a_j z_j`, kept for an output only where its
    leave-one-out error is smaller than leaving the residual out. The cubic kernel has
    no shape parameter to tune and reproduces linear responses exactly; a small ridge
    on the kernel matrix, chosen by leave-one-out error, smooths Monte Carlo noise.

References
----------
Rabitz, H. and Aliş, Ö. F. (1999). General foundations of high-dimensional model
representations. *Journal of Mathematical Chemistry* 25, 197-233 (cut-HDMR: expansions
anchored at a point).

Buhmann, M. D. (2003). *Radial Basis Functions: Theory and Implementations*.
Cambridge University Press, ch. 5 (polyharmonic splines).

Rippa, S. (1999). An algorithm for selecting a good value for the parameter c in
radial basis function interpolation. *Advances in Computational Mathematics* 11,
193-210 (leave-one-out error as the selection criterion).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models import format as fmt
from models.exceptions import ParameterError

#: Ridges tried on the kernel matrix (in units of its mean absolute entry): 0 interpolates
#: exactly; the larger ones smooth Monte Carlo noise and the kinks of a go decision.
SMOOTHINGS = (0.0, 1e-6, 1e-4, 1e-3, 1e-2)


def _distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distances between the rows of ``a`` (m, d) and of ``b`` (n, d)."""
    d2 = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.sqrt(np.maximum(d2, 0.0))


def _kernel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The cubic kernel ``|a - b|^3`` between the rows of ``a`` and ``b``."""
    return _distance(a, b) ** 3


def _tail(z: np.ndarray) -> np.ndarray:
    """The linear tail's basis: a column of ones and the scaled inputs."""
    return np.hstack([np.ones((len(z), 1)), z])


@dataclass(frozen=True)
class Surrogate:
    """A fitted surrogate (see the module docstring); build with :func:`fit`.

    Attributes
    ----------
    low, high : ndarray of shape (d,)
        The box the inputs are scaled from (``low`` to 0, ``high`` to 1).
    anchor : ndarray of shape (d,)
        The start: the position every line passes through.
    anchor_values : ndarray of shape (k,)
        The answers there.
    lines : list of (ndarray (m_j,), ndarray (m_j, k))
        Per input, the positions along its line (sorted, the anchor's included) and the
        answers there.
    multiplicative : ndarray of bool, shape (k,)
        Outputs whose lines combine multiplicatively.
    centres : ndarray of shape (n, d)
        The fitted positions, scaled.
    weights : ndarray of shape (n, k)
        Kernel weights of the residual part, one column per output (zero where the
        residual is left out).
    tail : ndarray of shape (d + 1, k)
        Linear tail of the residual part: constant, then one row per input.
    smoothing : float
        The ridge chosen (in units of the kernel matrix's mean absolute entry).
    loo_error_ : ndarray of shape (n, k)
        Leave-one-out errors of the whole surrogate at the positions off the lines
        (prediction without the position minus its value); NaN on the lines.
    """

    low: np.ndarray
    high: np.ndarray
    anchor: np.ndarray
    anchor_values: np.ndarray
    lines: list[tuple[np.ndarray, np.ndarray]]
    multiplicative: np.ndarray
    centres: np.ndarray
    weights: np.ndarray
    tail: np.ndarray
    smoothing: float
    loo_error_: np.ndarray

    def scale(self, x: np.ndarray) -> np.ndarray:
        """Positions (m, d) in the inputs' units, scaled to the unit box."""
        span = np.where(self.high > self.low, self.high - self.low, 1.0)
        return (np.atleast_2d(np.asarray(x, dtype=float)) - self.low) / span

    def first_order(self, x: np.ndarray) -> np.ndarray:
        """The anchored first-order part (m, k) at positions ``x`` (m, d)."""
        return _first_order(
            np.atleast_2d(np.asarray(x, dtype=float)),
            self.anchor_values,
            self.lines,
            self.multiplicative,
        )

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The surrogate's outputs (m, k) at positions ``x`` (m, d), in the inputs' units."""
        z = self.scale(x)
        return self.first_order(x) + _kernel(z, self.centres) @ self.weights + _tail(z) @ self.tail

    def nearest(self, x: np.ndarray) -> np.ndarray:
        """Distance (scaled) from each position in ``x`` to the nearest fitted one."""
        return _distance(self.scale(x), self.centres).min(axis=1)


def _first_order(x, f0, lines, multiplicative) -> np.ndarray:
    add = np.tile(f0, (len(x), 1)).astype(float)
    mul = add.copy()
    safe = np.where(multiplicative, f0, 1.0)
    for j, (xs, ys) in enumerate(lines):
        fj = np.column_stack([np.interp(x[:, j], xs, ys[:, k]) for k in range(len(f0))])
        add += fj - f0
        mul *= np.where(multiplicative, fj / safe, 1.0)
    return np.where(multiplicative, mul, add)


def _lines(x: np.ndarray, y: np.ndarray, anchor: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per input, the rows that differ from the anchor in that input alone (and the
    anchor), sorted along it."""
    off = np.abs(x - anchor) > 1e-12
    at = ~off.any(axis=1)
    out = []
    for j in range(x.shape[1]):
        rows = (off[:, j] & (off.sum(axis=1) == 1)) | at
        xs, ys = x[rows, j], y[rows]
        order = np.argsort(xs, kind="stable")
        out.append((xs[order], ys[order]))
    return out


def _solve(z: np.ndarray, y: np.ndarray, ridge: float) -> tuple[np.ndarray, np.ndarray]:
    n, d = z.shape
    k = _kernel(z, z)
    k[np.diag_indices(n)] += ridge
    p = _tail(z)
    system = np.block([[k, p], [p.T, np.zeros((d + 1, d + 1))]])
    rhs = np.vstack([y, np.zeros((d + 1, y.shape[1]))])
    coef = np.linalg.lstsq(system, rhs, rcond=None)[0]
    return coef[:n], coef[n:]


def _loo(z: np.ndarray, y: np.ndarray, ridge: float, rows: np.ndarray) -> np.ndarray:
    """Leave-one-out errors at ``rows``, refitting without each in turn (NaN elsewhere)."""
    out = np.full_like(y, np.nan)
    idx = np.arange(len(z))
    for i in idx[rows]:
        keep = idx != i
        w, a = _solve(z[keep], y[keep], ridge)
        zi = z[i : i + 1]
        out[i] = (_kernel(zi, z[keep]) @ w + _tail(zi) @ a)[0] - y[i]
    return out


def _rms(e: np.ndarray) -> np.ndarray:
    return np.sqrt(np.nanmean(e**2, axis=0)) if len(e) else np.zeros(e.shape[1])


def fit(
    x: np.ndarray,
    y: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    anchor: np.ndarray,
    smoothings: tuple[float, ...] = SMOOTHINGS,
) -> Surrogate:
    """Fit the surrogate to the answers ``y`` (n, k) at positions ``x`` (n, d); one of
    them must be ``anchor``.

    Raises
    ------
    ParameterError
        If the shapes disagree, a value is not finite, no position is the anchor, or
        there are fewer positions than the linear tail needs (d + 2).
    """
    x = np.atleast_2d(np.asarray(x, dtype=float))
    y = np.asarray(y, dtype=float)
    y = y[:, None] if y.ndim == 1 else y
    low, high, anchor = (np.asarray(v, dtype=float) for v in (low, high, anchor))
    n, d = x.shape
    if y.shape[0] != n or any(v.shape != (d,) for v in (low, high, anchor)):
        raise ParameterError(
            f"surrogate: positions {x.shape}, answers {y.shape}, box {low.shape}: expected "
            "n positions of d inputs, n answers, and a box and an anchor of d values"
        )
    if n < d + 2:
        raise ParameterError(
            f"surrogate: {fmt.count(n, 'position')} of {fmt.count(d, 'input')}: expected at "
            f"least {d + 2}"
        )
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ParameterError("surrogate: a position or answer is not finite")
    at = np.flatnonzero((np.abs(x - anchor) <= 1e-12).all(axis=1))
    if not len(at):
        raise ParameterError("surrogate: no position is the anchor; expected the start among them")
    f0 = y[at[0]]
    lines = _lines(x, y, anchor)
    off_lines = (np.abs(x - anchor) > 1e-12).sum(axis=1) > 1

    # multiplicative where positive along every line and better off the lines
    positive = (f0 > 0) & np.all([(ys > 0).all(axis=0) for _, ys in lines], axis=0)
    ones = np.ones(y.shape[1], dtype=bool)
    err_add = _rms(_first_order(x, f0, lines, ~ones)[off_lines] - y[off_lines])
    err_mul = _rms(_first_order(x, f0, lines, positive)[off_lines] - y[off_lines])
    multiplicative = positive & (err_mul < err_add) if off_lines.any() else np.zeros_like(positive)
    base = _first_order(x, f0, lines, multiplicative)
    residual = y - base

    span = np.where(high > low, high - low, 1.0)
    z = (x - low) / span
    scale = float(np.abs(_kernel(z, z)).mean()) or 1.0
    spread = np.where(y.std(axis=0) > 0, y.std(axis=0), 1.0)
    best = None
    for s in smoothings:
        errors = _loo(z, residual, s * scale, off_lines)
        score = (
            float(np.sqrt(np.nanmean((errors[off_lines] / spread) ** 2)))
            if off_lines.any()
            else 0.0
        )
        if best is None or score < best[0] - 1e-12:
            best = (score, s, errors)
    _, s, errors = best
    w, a = _solve(z, residual, s * scale)
    # keep the residual part of an output only where it predicts better than nothing
    keep = _rms(errors[off_lines]) < _rms(residual[off_lines]) if off_lines.any() else ~ones
    w, a = w * keep, a * keep
    loo = np.where(keep, errors, -residual)
    loo[~off_lines] = np.nan
    return Surrogate(low, high, anchor, f0, lines, multiplicative, z, w, a, float(s), loo)
