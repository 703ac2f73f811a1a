"""Value of information for the entry decision: EVPI and EVPPI from Monte Carlo output.

The decision picks one option (an entry mode: solo, partner, license, stay_out) before the
uncertainty resolves. The expected value of perfect information (EVPI) is what it would
be worth to learn everything first; the expected value of partial perfect information
(EVPPI) of a group of inputs is what it would be worth to learn only those (the
regulator's stance, whether the partner falls into distress) before deciding:

.. math::

    \\mathrm{EVPI} = E\\big[\\max_d NB_d\\big] - \\max_d E[NB_d], \\qquad
    \\mathrm{EVPPI}(X) = E_X\\big[\\max_d E[NB_d \\mid X]\\big] - \\max_d E[NB_d].

Both are in the unit of the net benefit, here US$ m, and ``0 <= EVPPI(X) <= EVPI``.

EVPPI is estimated from the paths of one Monte Carlo run, without a nested simulation, by
the regression ("nonparametric") method of Strong, Oakley & Brennan (2014): regress each
option's net benefit on the inputs of interest across paths, take the fitted values as
``E[NB_d | X]`` and average their path-wise maximum. The fits here are

* exact group means when the inputs take few distinct values (a 0/1 event flag, a
  categorical stance, or a few such flags jointly);
* an additive regression on per-input natural cubic splines (Hastie, Tibshirani &
  Friedman 2009, sec. 5.2.1; knots at quantiles, Harrell 2015, sec. 2.4.6), with optional
  pairwise interaction terms, otherwise;
* quantile-binned means of one input on request (a cruder smoother).

Strong et al. fit generalised additive models with penalised smoothing splines (R's
mgcv) or Gaussian processes; this module uses unpenalised regression splines with a
fixed, modest number of knots instead, which is much faster and close enough when the
paths number in the thousands.

Bias. The fitted values carry some of the noise, and the average of a maximum of noisy
estimates is too high, so regression EVPPI is biased slightly upwards: by about the
residual standard deviation times ``sqrt(terms / paths)`` where options are close, and by
nothing where one option dominates. Measured: an input unrelated to the net benefit, at
50,000 paths with two options tied on average, came out at 0.2-0.8 % of EVPI alone and
at about 2 % of EVPI as six such inputs (43 terms). The degrees of freedom are therefore
kept modest relative to the number of paths, and results are clipped to ``[0, EVPI]``. To
see the bias at a given number of paths and inputs, estimate the EVPPI of as many
columns of random numbers: the truth is 0. A too-rigid fit (few bins, or an additive
model for an effect that exists only jointly) biases EVPPI downwards instead.

Standard error. It combines, as independent parts, the spread of EVPPI over draws of the
regression coefficients from their sampling distribution (the approach Strong et al.
take with the posterior of their Gaussian-process fit) and the Monte Carlo error of
averaging over the paths' inputs; it covers neither bias. Over 100 repeated runs of a
linear and of a flag example at 5,000 paths it matched the spread of the estimates to
within 10 %.

References
----------
Strong, M., Oakley, J. E. & Brennan, A. (2014). Estimating multiparameter partial
expected value of perfect information from a probabilistic sensitivity analysis sample:
a nonparametric regression approach. Medical Decision Making 34(3), 311-326.

Raiffa, H. & Schlaifer, R. (1961). Applied Statistical Decision Theory. Harvard
University Press (EVPI and the value of partial information).

Hastie, T., Tibshirani, R. & Friedman, J. (2009). The Elements of Statistical Learning,
2nd ed. Springer, sec. 5.2.1 (natural cubic splines).

Fukaya, T., Nakatsukasa, Y., Yanagisawa, Y. & Yamamoto, Y. (2014). CholeskyQR2: a
simple and communication-avoiding algorithm for computing a tall-skinny QR
factorization on a large-scale parallel system. Proc. 5th Workshop on Latest Advances in
Scalable Algorithms for Large-Scale Systems (ScalA), IEEE, 31-38.

Harrell, F. E. (2015). Regression Modeling Strategies, 2nd ed. Springer, sec. 2.4.6
(knot placement for restricted cubic splines).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd

from models.exceptions import ModelError, ParameterError, warn_model
from models.format import amount

log = logging.getLogger(__name__)


#: Fewest Monte Carlo paths for which :func:`evppi` will fit a regression.
MIN_PATHS = 50

#: Most basis columns per continuous input (natural cubic spline with 8 knots).
MAX_DF = 7

#: Paths on which the standard error's draws are evaluated (a random subset beyond this).
SE_PATHS = 20_000

#: Methods :func:`evppi` accepts.
METHODS = ("auto", "groups", "bins", "spline")

#: Below this (US$ m) :func:`in_words` says the information would not change the decision.
NEGLIGIBLE_USD_M = 0.1


@dataclass(frozen=True)
class EVPPI:
    """An EVPPI estimate and what was learnt on the way; ``float(result)`` is the value.

    Attributes
    ----------
    value : float
        EVPPI, US$ m, clipped to ``[0, evpi]``.
    unclipped : float
        The estimate before clipping, US$ m; above ``evpi`` it betrays overfitting.
    se : float
        Rough standard error of ``value`` (US$ m): sampling spread of the fit plus the
        Monte Carlo error over paths (module notes); excludes the bias; NaN if not
        computed.
    method : str
        The fit used: ``"groups"``, ``"bins"``, ``"spline"`` or ``"spline+interactions"``
        (``"none"`` if every input is constant).
    columns : tuple of str
        The inputs conditioned on.
    n_paths : int
        Monte Carlo paths used.
    n_terms : int
        Free parameters per option in the fit (groups, or regression columns with the
        intercept); compare with ``n_paths`` to judge the overfitting bias.
    evpi : float
        EVPI of the same paths, US$ m.
    default_choice : str
        The option with the highest mean net benefit: the choice without information.
    choice_shares : Mapping[str, float]
        Share of paths on which each option would be chosen with the information.
    """

    value: float
    unclipped: float
    se: float
    method: str
    columns: tuple[str, ...]
    n_paths: int
    n_terms: int
    evpi: float
    default_choice: str
    choice_shares: Mapping[str, float] = field(hash=False)

    def __float__(self) -> float:
        return self.value

    def to_df(self) -> pd.DataFrame:
        """One row: the estimate, its standard error and how it was fitted, US$ m, with
        the share of paths on which each option would be chosen (``choice_<option>``)."""
        row = {
            "evppi_usd_m": self.value,
            "se_usd_m": self.se,
            "unclipped_usd_m": self.unclipped,
            "evpi_usd_m": self.evpi,
            "method": self.method,
            "inputs": ", ".join(self.columns),
            "n_paths": self.n_paths,
            "n_terms": self.n_terms,
            "default_choice": self.default_choice,
        }
        row.update({f"choice_{k}": v for k, v in self.choice_shares.items()})
        return pd.DataFrame([row])

    @property
    def share_of_evpi(self) -> float:
        """EVPPI as a share of EVPI (0 to 1; NaN when EVPI is 0)."""
        return self.value / self.evpi if self.evpi > 0 else math.nan

    @property
    def informed_choice(self) -> str:
        """The option chosen on most paths once the inputs are known."""
        return max(self.choice_shares, key=self.choice_shares.__getitem__)


# --------------------------------------------------------------------------- checks


def _net_benefit(npv: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """The net-benefit matrix (paths x options) of ``npv``, checked: finite, >= 2 options."""
    if not isinstance(npv, pd.DataFrame):
        raise ParameterError(
            f"npv is a {type(npv).__name__}; expected a DataFrame, one column per option"
        )
    if npv.shape[1] < 2:
        raise ParameterError(
            f"npv has {npv.shape[1]} option column(s); expected at least 2 to choose among"
        )
    if len(npv) == 0:
        raise ParameterError("npv has 0 rows; expected one row per Monte Carlo path")
    names = [str(c) for c in npv.columns]
    if len(set(names)) != len(names):
        raise ParameterError(f"npv columns {names}; expected distinct option names")
    try:
        y = npv.to_numpy(dtype=float)
    except (TypeError, ValueError) as err:
        raise ParameterError(f"npv has non-numeric values ({err}); expected US$ m") from err
    bad = ~np.isfinite(y)
    if bad.any():
        j = int(np.flatnonzero(bad.any(axis=0))[0])
        raise ParameterError(
            f"npv column {names[j]!r} has {int(bad[:, j].sum())} NaN/infinite value(s); "
            "expected a finite US$ m on every path"
        )
    return y, names


def _input_frame(inputs: object, npv: pd.DataFrame) -> pd.DataFrame:
    """``inputs`` as a DataFrame in the row order of ``npv``, checked for length and NaN."""
    if isinstance(inputs, pd.Series):
        inputs = inputs.to_frame(name=inputs.name if inputs.name is not None else "x")
    elif isinstance(inputs, np.ndarray):
        arr = inputs.reshape(len(inputs), -1) if inputs.ndim == 1 else inputs
        if arr.ndim != 2 or len(arr) != len(npv):
            raise ParameterError(
                f"inputs has shape {inputs.shape}; expected ({len(npv)}, inputs), "
                "one row per path of npv"
            )
        inputs = pd.DataFrame(arr, index=npv.index, columns=[f"x{i}" for i in range(arr.shape[1])])
    if not isinstance(inputs, pd.DataFrame):
        raise ParameterError(
            f"inputs is a {type(inputs).__name__}; expected a DataFrame, one row per path"
        )
    if inputs.shape[1] == 0:
        raise ParameterError("inputs has no columns; expected at least one uncertain input")
    if inputs.columns.has_duplicates:
        raise ParameterError(
            f"inputs columns {list(inputs.columns)}; expected each input named once"
        )
    if len(inputs) != len(npv):
        raise ParameterError(
            f"inputs has {len(inputs)} rows; expected {len(npv)}, one per path of npv"
        )
    if not inputs.index.equals(npv.index):
        if inputs.index.has_duplicates or not inputs.index.sort_values().equals(
            npv.index.sort_values()
        ):
            raise ParameterError(
                "inputs index does not match npv index; expected the same paths "
                "(use .reset_index(drop=True) on both if rows are already in path order)"
            )
        inputs = inputs.loc[npv.index]
    for name in inputs.columns:
        missing = int(inputs[name].isna().sum())
        if missing:
            raise ParameterError(
                f"inputs column {str(name)!r} has {missing} NaN value(s); "
                "expected a value on every path"
            )
        col = inputs[name]
        if (
            pd.api.types.is_numeric_dtype(col)
            and not pd.api.types.is_bool_dtype(col)
            and not np.isfinite(col.to_numpy(dtype=float)).all()
        ):
            raise ParameterError(
                f"inputs column {str(name)!r} has infinite values; expected finite values"
            )
    return inputs


# --------------------------------------------------------------------------- EVPI


def evpi_with_foresight(foresight: pd.DataFrame, decided: pd.DataFrame) -> float:
    r"""Expected value of perfect information with the best decisions along the way,
    US$ m: the mean over futures of the best mode's value with foresight (each mode
    started or not, stopped or switched at its best date, knowing the future) minus the
    best mean under the decision rule (issue 20).

    .. math:: E[\max_d V^{F}_d] - \max_d E[V_d] \ge 0

    ``foresight`` and ``decided`` hold each option's values (columns) on the same paths.
    """
    best = foresight.max(axis=1)
    return float(max(best.mean() - decided.mean().max(), 0.0))


def evpi(npv: pd.DataFrame) -> float:
    """Expected value of perfect information, US$ m.

    .. math:: \\mathrm{EVPI} = E[\\max_d NB_d] - \\max_d E[NB_d] \\ge 0

    computed as the mean over paths of ``max_d (NB_d - NB_b)`` with ``b`` the option of
    highest mean net benefit, which is the same number without the cancellation of two
    large means.

    Parameters
    ----------
    npv : pandas.DataFrame
        Net benefit of each option (columns) on each Monte Carlo path (rows), US$ m.

    Returns
    -------
    float
        EVPI, US$ m: what learning every uncertain quantity before choosing is worth.

    References
    ----------
    Raiffa & Schlaifer (1961); Strong, Oakley & Brennan (2014).
    """
    y, _ = _net_benefit(npv)
    best = int(np.argmax(y.mean(axis=0)))
    gap = y - y[:, [best]]
    return max(0.0, float(gap.max(axis=1).mean()))


# --------------------------------------------------------------------------- bases


def _knot_quantiles(k: int) -> np.ndarray:
    """Quantile levels of ``k`` knots, evenly from 5 % to 95 % (2.5-97.5 % for 7 or more),
    after Harrell (2015, sec. 2.4.6)."""
    lo = 0.05 if k <= 6 else 0.025
    return np.linspace(lo, 1 - lo, k)


def natural_spline_basis(x: np.ndarray, knots: np.ndarray) -> np.ndarray:
    """Natural cubic spline basis of ``x`` without the constant: (len(x), len(knots) - 1).

    Cubic between the knots, linear beyond the boundary knots (Hastie, Tibshirani &
    Friedman 2009, sec. 5.2.1): formulaic's ``natural_cubic_spline`` (the mgcv "cr"
    basis that patsy introduced) with the boundary knots as its bounds, centred so that
    the regression's intercept carries the constant, and extended past the bounds. Two
    knots give the linear term only.

    Parameters
    ----------
    x : numpy.ndarray
        One input's value on each path (any unit).
    knots : numpy.ndarray
        Strictly increasing knots, at least 2; the first and last are the boundaries.
    """
    knots = np.asarray(knots, dtype=float)
    if knots.ndim != 1 or len(knots) < 2 or np.any(np.diff(knots) <= 0):
        raise ParameterError(f"knots={knots}; expected at least 2 strictly increasing values")
    x = np.asarray(x, dtype=float)
    if len(knots) == 2:
        return ((x - knots[0]) / (knots[-1] - knots[0])).reshape(-1, 1)
    from formulaic.transforms.cubic_spline import natural_cubic_spline

    columns = natural_cubic_spline(
        x,
        knots=knots[1:-1],
        lower_bound=knots[0],
        upper_bound=knots[-1],
        constraints="center",
        extrapolation="extend",
    )
    return np.column_stack(list(columns.values()))


def _continuous_basis(x: np.ndarray, df: int) -> np.ndarray:
    """``df`` basis columns of a continuous input (fewer if its quantile knots tie)."""
    if df <= 1:
        return x.reshape(-1, 1)
    knots = np.unique(np.quantile(x, _knot_quantiles(df + 1)))
    if len(knots) < 3:
        return x.reshape(-1, 1)
    return natural_spline_basis(x, knots)


def _dummies(codes: np.ndarray, levels: int) -> np.ndarray:
    """Indicator columns of levels 1..levels-1 (level 0 is the reference)."""
    out = np.zeros((len(codes), levels - 1))
    rows = np.flatnonzero(codes > 0)
    out[rows, codes[rows] - 1] = 1.0
    return out


@dataclass(frozen=True)
class _Input:
    """One input column, classified for the fit."""

    name: str
    x: np.ndarray | None  # float values (numeric inputs), else None
    codes: np.ndarray  # 0..levels-1, in sorted order of the values
    levels: int

    def discrete(self, max_levels: int) -> bool:
        return self.x is None or self.levels <= max_levels


def _classify(frame: pd.DataFrame) -> list[_Input]:
    out = []
    for name in frame.columns:
        col = frame[name]
        numeric = pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)
        codes, uniques = pd.factorize(col)  # by hashing; sorting 10^5 floats is slower
        codes = codes.astype(np.intp)
        if len(uniques) <= 1000:  # number the levels in sorted order (level 0 = smallest)
            order = np.argsort(np.asarray(uniques), kind="stable")
            rank = np.empty_like(order)
            rank[order] = np.arange(len(order))
            codes = rank[codes]
        values = col.to_numpy(dtype=float) if numeric else None
        out.append(_Input(str(name), values, codes, len(uniques)))
    return out


# --------------------------------------------------------------------------- fits


def _evppi_of_fitted(g: np.ndarray, w: np.ndarray | None = None) -> float:
    """EVPPI from fitted gaps ``g`` (rows x options-but-baseline), rows weighted by ``w``."""
    first = np.maximum(g.max(axis=1), 0.0)
    if w is None:
        return float(first.mean() - max(0.0, g.mean(axis=0).max()))
    return float(first @ w - max(0.0, (w @ g).max()))


def _sqrt_cov(resid: np.ndarray, dof: int) -> np.ndarray:
    """A matrix square root (m x m) of the residual covariance, tolerant of singularity."""
    cov = resid.T @ resid / max(dof, 1)
    w, v = np.linalg.eigh(cov)
    return v * np.sqrt(np.clip(w, 0.0, None))


def _fit_groups(
    codes: np.ndarray, gap: np.ndarray, se_draws: int, rng: np.random.Generator
) -> tuple[np.ndarray, float, int]:
    """Exact conditional means by group: fitted gaps per path, SE, number of groups."""
    n, m = gap.shape
    counts = np.bincount(codes).astype(float)
    keep = counts > 0
    counts = counts[keep]
    remap = np.cumsum(keep) - 1
    codes = remap[codes]
    means = np.column_stack([np.bincount(codes, weights=gap[:, j]) for j in range(m)])
    means /= counts[:, None]
    w = counts / n
    se = math.nan
    if se_draws > 1:
        resid = gap - means[codes]
        pooled = _sqrt_cov(resid, n - len(counts))
        draws = rng.standard_normal((se_draws, len(counts), m)) @ pooled.T
        for g in np.flatnonzero(counts >= 10):  # groups big enough for their own variance
            own = _sqrt_cov(resid[codes == g], int(counts[g]) - 1)
            draws[:, g, :] = rng.standard_normal((se_draws, m)) @ own.T
        draws = means + draws / np.sqrt(counts)[:, None]
        se = float(np.std([_evppi_of_fitted(d, w) for d in draws], ddof=1))
    return means[codes], se, len(counts)


def _orthonormal(x: np.ndarray) -> np.ndarray:
    """An orthonormal basis (n x rank) of the column space of ``x``.

    Eigen-decomposition of the Gram matrix, repeated once on its own output (CholeskyQR2,
    Fukaya et al. 2014) so the basis is orthonormal to rounding even when the spline
    columns are nearly collinear; directions with singular values below 1e-6 of the
    largest are dropped as collinear. About ten times faster than a thin SVD of a tall
    matrix.
    """
    if x.shape[1] == 0:
        return x
    try:
        for _ in range(2):
            w, v = np.linalg.eigh(x.T @ x)
            keep = w > w.max() * 1e-12
            x = x @ (v[:, keep] / np.sqrt(w[keep]))
    except np.linalg.LinAlgError as err:
        raise ModelError(f"evppi: the regression basis could not be factorised ({err})") from err
    return x


def _fit_regression(
    design: np.ndarray, gap: np.ndarray, se_draws: int, rng: np.random.Generator
) -> tuple[np.ndarray, float, int]:
    """Least squares of each gap on ``design`` and a constant: fitted gaps, SE, rank.

    ``design`` is centred and scaled in place (so the rank decision is not swayed by
    units); its orthonormal basis ``u`` is then orthogonal to the constant, and the fit is
    ``mean + u @ (u.T @ gap)``.
    """
    n, m = gap.shape
    mean, sd = design.mean(axis=0), design.std(axis=0)
    if np.any(sd == 0):
        design, mean, sd = design[:, sd > 0], mean[sd > 0], sd[sd > 0]
    design -= mean
    design /= sd
    u = _orthonormal(design)
    gbar = gap.mean(axis=0)
    coef = u.T @ gap  # coordinates of the fit in the orthonormal basis
    fitted = u @ coef
    fitted += gbar
    rank = u.shape[1] + 1
    se = math.nan
    if se_draws > 1:
        # coordinates (constant first) ~ N(estimate, residual covariance), independently
        # across the orthonormal directions; the spread over draws is judged on a random
        # subset of paths, whose average moves with each draw as the full average does
        root = _sqrt_cov(gap - fitted, n - rank)
        coef = np.vstack([gbar * math.sqrt(n), coef])
        sub = u if n <= SE_PATHS else u[rng.choice(n, SE_PATHS, replace=False)]
        sub = np.column_stack([np.full(len(sub), 1 / math.sqrt(n)), sub])
        values = []
        batch = max(1, int(4e6 // (len(sub) * m)))  # about 32 MB of fitted draws at once
        for start in range(0, se_draws, batch):
            b = min(batch, se_draws - start)
            c = coef + rng.standard_normal((b, rank, m)) @ root.T  # (b, rank, m)
            f = sub @ c.transpose(1, 2, 0).reshape(rank, m * b)  # (paths, m*b), option-major
            best = np.zeros((len(sub), b))  # the baseline's gap, 0
            for j in range(m):
                np.maximum(best, f[:, j * b : (j + 1) * b], out=best)
            second = np.maximum(c[:, 0, :].max(axis=1) / math.sqrt(n), 0.0)  # (b,)
            values.extend(best.mean(axis=0) - second)
        se = float(np.std(values, ddof=1))
    return fitted, se, rank


def _default_df(n: int, n_continuous: int) -> int:
    """Basis columns per continuous input: 1 (linear) to :data:`MAX_DF`, ~n / 25 per input."""
    return int(np.clip(n // (25 * max(n_continuous, 1)), 1, MAX_DF))


def _design_width(cols: list[_Input], df: int, max_levels: int, interactions: bool) -> int:
    """Columns :func:`_design` would build (at most; tied knots can make fewer)."""
    main = [c.levels - 1 if c.discrete(max_levels) else df for c in cols]
    if not interactions:
        return sum(main)
    small = [
        (c.levels - 1 if c.levels <= 4 or c.x is None else 1) if c.discrete(max_levels) else 2
        for c in cols
    ]
    return sum(main) + sum(a * b for a, b in combinations(small, 2))


def _design(cols: list[_Input], df: int, max_levels: int, interactions: bool) -> np.ndarray:
    """The regression design without the intercept: per-input bases, then interactions.

    Interactions are products of small per-input bases: a continuous input's natural
    spline with 3 knots (linear and one curvature column), a discrete input's indicators
    (or its value, if numeric with more than 4 levels).
    """
    blocks, small = [], []
    for c in cols:
        if c.discrete(max_levels):
            block = _dummies(c.codes, c.levels)
            blocks.append(block)
            if interactions:
                small.append(block if c.levels <= 4 or c.x is None else c.x[:, None])
        else:
            blocks.append(_continuous_basis(c.x, df))
            if interactions:
                small.append(_continuous_basis(c.x, 2))
    for a, b in combinations(small, 2):
        blocks.append((a[:, :, None] * b[:, None, :]).reshape(len(a), -1))
    return np.column_stack(blocks)


def evppi(
    npv: pd.DataFrame,
    inputs: pd.DataFrame | pd.Series | np.ndarray,
    *,
    method: str = "auto",
    df: int | None = None,
    n_bins: int | None = None,
    interactions: bool = False,
    max_levels: int = 20,
    se_draws: int = 200,
    seed: int = 0,
) -> EVPPI:
    """Expected value of partial perfect information about ``inputs``, US$ m.

    .. math:: \\mathrm{EVPPI}(X) = E_X[\\max_d g_d(X)] - \\max_d E[NB_d],
              \\quad g_d(x) = E[NB_d \\mid X = x],

    with ``g_d`` estimated by regression across the Monte Carlo paths (Strong, Oakley &
    Brennan 2014). The regression is done on the gaps ``NB_d - NB_b`` to the option ``b``
    of highest mean net benefit (a linear smoother gives the same fitted gaps either way,
    with one response fewer). Clipped to ``[0, EVPI]``; see the module notes on bias.

    Parameters
    ----------
    npv : pandas.DataFrame
        Net benefit of each option (columns) on each path (rows), US$ m.
    inputs : pandas.DataFrame, Series or numpy.ndarray
        The inputs to learn, one row per path in the order of ``npv`` (a frame whose index
        is a permutation of ``npv.index`` is re-ordered to it): drawn parameters (their
        units), 0/1 event flags, or categories.
    method : {"auto", "groups", "bins", "spline"}
        ``"groups"``: exact means per distinct value (jointly over all inputs) -- for
        flags and categories. ``"bins"``: means within ``n_bins`` quantile bins of one
        numeric input. ``"spline"``: additive regression, natural cubic splines for
        continuous inputs, indicators for inputs with at most ``max_levels`` values.
        ``"auto"``: ``"groups"`` if the inputs jointly take at most ``max_levels``
        values, else ``"spline"``.
    df : int, optional
        Basis columns per continuous input (1 = linear, up to 7 = 8 knots); by default
        about ``paths / 25`` shared among the continuous inputs, at most :data:`MAX_DF`.
    n_bins : int, optional
        Bins for ``method="bins"``; by default ``sqrt(paths) / 4`` within 5 to 50.
    interactions : bool
        With ``"spline"``, add pairwise products of small per-input bases (linear and one
        curvature term, or indicators). An additive fit misses an effect that exists only
        jointly (e.g. ``x1 * x2``) and then underestimates EVPPI.
    max_levels : int
        Inputs with at most this many distinct values are treated as discrete.
    se_draws : int
        Draws of the fit for the standard error; 0 (or 1) skips the standard error.
    seed : int
        Seed of those draws.

    Returns
    -------
    EVPPI
        The value (US$ m; ``float(result)``), its rough standard error, the method, the
        choice each path would lead to, and EVPI for comparison.

    Raises
    ------
    ParameterError
        If the rows of ``npv`` and ``inputs`` differ in number, a value is NaN, there
        are fewer than :data:`MIN_PATHS` paths, or an argument is out of range.
    """
    started = time.perf_counter()
    y, names = _net_benefit(npv)
    frame = _input_frame(inputs, npv)
    n = len(y)
    if n < MIN_PATHS:
        raise ParameterError(
            f"npv has {n} paths; expected at least {MIN_PATHS} (too few paths for EVPPI)"
        )
    if method not in METHODS:
        raise ParameterError(f"method={method!r}; expected one of {', '.join(METHODS)}")
    if df is not None and not 1 <= df <= 20:
        raise ParameterError(f"df={df}; expected 1 to 20 basis columns per input")
    if n_bins is not None and not 2 <= n_bins <= n // 2:
        raise ParameterError(f"n_bins={n_bins}; expected 2 to {n // 2} (paths / 2)")
    if max_levels < 2:
        raise ParameterError(f"max_levels={max_levels}; expected at least 2")
    if se_draws < 0:
        raise ParameterError(f"se_draws={se_draws}; expected 0 or more")

    best = int(np.argmax(y.mean(axis=0)))
    full_gap = y - y[:, [best]]
    total = max(0.0, float(full_gap.max(axis=1).mean()))
    others = [j for j in range(len(names)) if j != best]
    gap = full_gap[:, others]
    rng = np.random.default_rng(seed)
    cols = [c for c in _classify(frame) if c.levels > 1]  # constants carry no information

    if not cols:
        used, fitted, se, terms = "none", np.zeros_like(gap), 0.0, 1
    else:
        used, joint, n_joint = method, None, math.inf
        if method == "groups" or (method == "auto" and all(c.levels <= max_levels for c in cols)):
            joint = _joint_codes(cols)
            n_joint = int(joint.max()) + 1
        if method == "auto":
            used = "groups" if n_joint <= max_levels else "spline"
        if used == "groups":
            if n_joint > n // 2:
                raise ParameterError(
                    f"method='groups' with {n_joint} distinct input values over {n} "
                    "paths; expected at most paths / 2 (use 'spline' for continuous inputs)"
                )
            fitted, se, terms = _fit_groups(joint, gap, se_draws, rng)
        elif used == "bins":
            if len(cols) != 1 or cols[0].x is None:
                raise ParameterError(
                    f"method='bins' with inputs {[c.name for c in cols]}; expected one "
                    "numeric input (use 'spline' for several)"
                )
            bins = n_bins or int(np.clip(round(math.sqrt(n) / 4), 5, 50))
            x = cols[0].x
            edges = np.unique(np.quantile(x, np.linspace(0, 1, bins + 1)[1:-1]))
            codes = np.searchsorted(edges, x, side="right")
            fitted, se, terms = _fit_groups(codes, gap, se_draws, rng)
        else:
            n_cont = sum(not c.discrete(max_levels) for c in cols)
            per_input = df or _default_df(n, n_cont)
            width = _design_width(cols, per_input, max_levels, interactions)
            if width + 1 > n // 5:
                raise ParameterError(
                    f"the regression has {width + 1} terms for {n} paths; expected at most "
                    "paths / 5 (lower df, drop interactions, or use fewer inputs)"
                )
            design = _design(cols, per_input, max_levels, interactions)
            fitted, se, terms = _fit_regression(design, gap, se_draws, rng)
            if interactions:
                used = "spline+interactions"

    raw = _evppi_of_fitted(fitted)
    if se_draws > 1 and used != "none":
        # add the Monte Carlo error of averaging over the paths' inputs, which the draws
        # (fitted values varied, inputs held) leave out: the baseline's gap is 0 on every
        # path, so the path-wise contribution is max(0, best fitted gap)
        spread = float(np.maximum(fitted.max(axis=1), 0.0).var(ddof=1))
        se = math.sqrt(se**2 + spread / n)
    value = float(np.clip(raw, 0.0, total))
    if raw > total * 1.01 + 1e-12:
        warn_model(
            "evppi of %s: estimate %.4g US$ m exceeds EVPI %.4g and is clipped to it; "
            "the fit has %d terms for %d paths and is probably overfitting",
            list(frame.columns),
            raw,
            total,
            terms,
            n,
        )
    # an option displaces the default only where it is better by more than rounding
    tie = 1e-12 * max(1.0, float(np.abs(y).max()))
    informed = np.where(fitted.max(axis=1) > tie, np.take(others, fitted.argmax(axis=1)), best)
    shares = np.bincount(informed, minlength=len(names)) / n
    log.debug(
        "evppi of %s: %.4g US$ m by %s, %d terms, %d paths, %.3f s",
        list(frame.columns),
        value,
        used,
        terms,
        n,
        time.perf_counter() - started,
    )
    return EVPPI(
        value=value,
        unclipped=raw,
        se=se,
        method=used,
        columns=tuple(str(c) for c in frame.columns),
        n_paths=n,
        n_terms=terms,
        evpi=total,
        default_choice=names[best],
        choice_shares=dict(zip(names, shares.tolist(), strict=True)),
    )


def _joint_codes(cols: list[_Input]) -> np.ndarray:
    """One code per distinct combination of the inputs' values (0..combinations-1)."""
    joint = np.zeros(len(cols[0].codes), dtype=np.int64)
    for c in cols:
        # re-numbered after each input, so the product stays below paths**2
        joint = pd.factorize(joint * c.levels + c.codes, sort=True)[0].astype(np.int64)
    return joint.astype(np.intp)


# --------------------------------------------------------------------------- reports


def evppi_table(
    npv: pd.DataFrame,
    groups: Mapping[str, pd.DataFrame | pd.Series | Sequence[str] | str],
    inputs: pd.DataFrame | None = None,
    **options: object,
) -> pd.DataFrame:
    """EVPPI of each named group of inputs, largest first, for a report.

    Parameters
    ----------
    npv : pandas.DataFrame
        Net benefit of each option (columns) on each path (rows), US$ m.
    groups : Mapping
        Label -> the group's inputs: a column name or list of column names of ``inputs``,
        or a DataFrame/Series of its own (one row per path).
    inputs : pandas.DataFrame, optional
        Per-path inputs that the named columns come from.
    **options
        Passed to :func:`evppi` (``method``, ``df``, ``interactions``, ``se_draws``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per group: group, columns (comma-separated), method, evppi_usd_m,
        se_usd_m, evpi_usd_m, share_of_evpi, default_choice (without information),
        informed_choice (chosen on most paths with it), informed_choice_share, and
        switch_share (share of paths on which the information changes the choice).
    """
    if not groups:
        raise ParameterError("groups is empty; expected at least one named group of inputs")
    rows = []
    for label, spec in groups.items():
        if isinstance(spec, pd.DataFrame | pd.Series):
            frame = spec
        else:
            names = [spec] if isinstance(spec, str) else list(spec)
            if inputs is None:
                raise ParameterError(
                    f"group {label!r} names columns {names}; expected inputs= to take them from"
                )
            missing = [c for c in names if c not in inputs.columns]
            if missing:
                raise ParameterError(
                    f"group {label!r} names {missing}; expected columns of inputs "
                    f"({', '.join(map(str, inputs.columns))})"
                )
            frame = inputs[names]
        res = evppi(npv, frame, **options)  # type: ignore[arg-type]
        rows.append(
            {
                "group": str(label),
                "columns": ", ".join(res.columns),
                "method": res.method,
                "evppi_usd_m": res.value,
                "se_usd_m": res.se,
                "evpi_usd_m": res.evpi,
                "share_of_evpi": res.share_of_evpi,
                "default_choice": res.default_choice,
                "informed_choice": res.informed_choice,
                "informed_choice_share": res.choice_shares[res.informed_choice],
                "switch_share": 1.0 - res.choice_shares[res.default_choice],
            }
        )
    table = pd.DataFrame(rows)
    return table.sort_values("evppi_usd_m", ascending=False, kind="stable", ignore_index=True)


def in_words(label: str, value_usd_m: float, *, negligible: float = NEGLIGIBLE_USD_M) -> str:
    """One sentence on what knowing ``label`` before deciding is worth.

    Parameters
    ----------
    label : str
        What would be known, as a noun phrase ("the regulator's stance").
    value_usd_m : float
        Its EVPPI (or EVPI), US$ m.
    negligible : float
        Below this (US$ m) the sentence says the information would not change the
        decision materially.

    Examples
    --------
    >>> in_words("the regulator's stance", 12.34)
    "Knowing the regulator's stance before deciding is worth up to US$12.3 m."
    >>> in_words("the partner's health", 0.02)
    "Knowing the partner's health before deciding would not change the decision materially: worth less than US$0.1 m."
    """  # noqa: E501
    label = str(label).strip()
    if not label:
        raise ParameterError("label is empty; expected what would be known, e.g. 'the churn rate'")
    if not math.isfinite(value_usd_m) or value_usd_m < -1e-9:
        raise ParameterError(f"value_usd_m={value_usd_m}; expected a finite value >= 0 (US$ m)")
    if negligible <= 0:
        raise ParameterError(f"negligible={negligible}; expected a positive US$ m threshold")
    if value_usd_m < negligible:
        return (
            f"Knowing {label} before deciding would not change the decision materially: "
            f"worth less than US${amount(negligible)} m."
        )
    return f"Knowing {label} before deciding is worth up to US${amount(value_usd_m)} m."


__all__ = [
    "EVPPI",
    "MIN_PATHS",
    "evpi",
    "evppi",
    "evppi_table",
    "in_words",
    "natural_spline_basis",
]
