"""Rank correlations between uncertain inputs: the target matrix, checked.

A scenario names pairs of sampled inputs and their Spearman rank correlation
(``correlations: [[a, b, rho], ...]``); :func:`correlation_matrix` builds the symmetric
target and refuses what cannot be a correlation matrix (unknown names, a pair given
twice, ``|rho| > 1``, a matrix that is not positive semi-definite). Imposing it on a
sample is :func:`models.uncertainty.sampling.iman_conover`.

References
----------
Higham, N. J. (2002). Computing the nearest correlation matrix - a problem from
finance. *IMA Journal of Numerical Analysis* 22(3), 329-343.
"""

from __future__ import annotations

import difflib
import numbers
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from models._arrays import FloatArray
from models.exceptions import ParameterError
from models.format import plain, show

Pairs = Mapping[tuple[str, str], float] | Iterable[Sequence[Any]]

#: Smallest eigenvalue a correlation matrix may have and still count as positive
#: semi-definite (round-off in user-typed correlations).
PSD_TOLERANCE = 1e-10


def correlation_matrix(names: Sequence[str], pairs: Pairs) -> FloatArray:
    """Symmetric target rank-correlation matrix from pairwise correlations.

    Parameters
    ----------
    names : sequence of str
        Parameter names; row and column ``i`` of the result is ``names[i]``.
    pairs : mapping or iterable
        ``{(name1, name2): rho}`` or ``[[name1, name2, rho], ...]``; unnamed pairs are
        uncorrelated. ``rho`` is Spearman's rank correlation, in [-1, 1].

    Returns
    -------
    numpy.ndarray
        ``(k, k)`` matrix with unit diagonal.

    Raises
    ------
    ParameterError
        For an unknown name (with the nearest one), a name paired with itself, a pair
        given twice, ``|rho| > 1`` or a non-numeric rho, or a matrix that is not positive
        semi-definite (the message gives the smallest eigenvalue; :func:`nearest_psd`
        repairs it, but only when called explicitly).
    """
    names = list(names)
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ParameterError(f"correlation: parameter {dup} is listed twice; expected unique names")
    index = {n: i for i, n in enumerate(names)}
    mat = np.eye(len(names))
    seen: set[frozenset[str]] = set()
    for a, b, rho in _pair_items(pairs):
        for n in (a, b):
            if n not in index:
                close = difflib.get_close_matches(str(n), names, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]}?" if close else "; expected a sampled parameter"
                raise ParameterError(f"correlation of {a} and {b}: unknown parameter {n}{hint}")
        if a == b:
            raise ParameterError(
                f"correlation of {a} and {b}: a parameter cannot be paired with itself"
            )
        key = frozenset((a, b))
        if key in seen:
            raise ParameterError(f"correlation of {a} and {b}: the pair is given twice")
        seen.add(key)
        rho = plain(rho)
        if not isinstance(rho, numbers.Real) or isinstance(rho, bool) or not -1 <= rho <= 1:
            raise ParameterError(
                f"correlation of {a} and {b}: rho={show(rho)}; expected a number in [-1, 1]"
            )
        mat[index[a], index[b]] = mat[index[b], index[a]] = float(rho)
    _check_psd(mat)
    return mat


def _pair_items(pairs: Pairs) -> Iterable[tuple[Any, Any, Any]]:
    if isinstance(pairs, Mapping):
        for key, rho in pairs.items():
            if not (isinstance(key, tuple | list) and len(key) == 2):
                raise ParameterError(
                    f"correlation {show(key)}: expected a key (name1, name2) with a rho value"
                )
            yield key[0], key[1], rho
        return
    for item in pairs:
        if isinstance(item, str) or not (isinstance(item, Sequence) and len(item) == 3):
            raise ParameterError(f"correlation {show(item)}: expected [name1, name2, rho]")
        yield item[0], item[1], item[2]


def smallest_eigenvalue(matrix: ArrayLike) -> float:
    """Smallest eigenvalue of a symmetric matrix (negative means not PSD)."""
    return float(np.linalg.eigvalsh(np.asarray(matrix, dtype=float))[0])


def _check_psd(mat: FloatArray) -> None:
    low = smallest_eigenvalue(mat) if mat.size else 0.0
    if low < -PSD_TOLERANCE:
        raise ParameterError(
            f"correlation matrix is not positive semi-definite (smallest eigenvalue {low:.3g}); "
            "expected mutually consistent correlations (nearest_psd() offers a repair)"
        )


def check_correlation(matrix: ArrayLike, k: int) -> FloatArray:
    """Validate a ready-made ``(k, k)`` correlation matrix and return it as floats.

    Raises
    ------
    ParameterError
        Wrong shape, non-finite, asymmetric, diagonal not 1, entries outside [-1, 1],
        or not positive semi-definite.
    """
    mat = np.asarray(matrix, dtype=float)
    if mat.shape != (k, k):
        raise ParameterError(f"correlation matrix of shape {mat.shape}; expected ({k}, {k})")
    if not np.all(np.isfinite(mat)):
        raise ParameterError("correlation matrix has NaN or infinite entries; expected numbers")
    if not np.allclose(mat, mat.T, rtol=0.0, atol=1e-12):
        raise ParameterError("correlation matrix is not symmetric; expected rho[i, j] = rho[j, i]")
    if not np.allclose(np.diag(mat), 1.0, rtol=0.0, atol=1e-12):
        raise ParameterError("correlation matrix has a diagonal other than 1; expected 1")
    if np.any(np.abs(mat) > 1.0):
        worst = float(mat.flat[np.argmax(np.abs(mat))])
        raise ParameterError(f"correlation matrix entry rho={worst:g}; expected |rho| <= 1")
    _check_psd(mat)
    return mat


def nearest_psd(matrix: ArrayLike, *, threshold: float = 1e-15) -> FloatArray:
    """Nearest correlation matrix (Frobenius norm) to a symmetric unit-diagonal matrix.

    Higham's alternating projections with Dykstra's correction, as implemented by
    :func:`statsmodels.stats.correlation_tools.corr_nearest`, then polished to an exact
    unit diagonal and symmetry. Never applied automatically: call it on a matrix that
    :func:`correlation_matrix` refused, inspect the result, and pass the repaired
    matrix to :func:`models.uncertainty.sampling.sample`.

    Parameters
    ----------
    matrix : array_like
        Symmetric ``(k, k)`` matrix with unit diagonal.
    threshold : float
        Smallest eigenvalue the result may have (statsmodels' clipping threshold).

    Returns
    -------
    numpy.ndarray
        Symmetric, unit-diagonal, positive semi-definite matrix.

    References
    ----------
    Higham (2002), algorithm 3.3.
    """
    from statsmodels.stats.correlation_tools import corr_nearest

    y = np.array(matrix, dtype=float)
    with warnings.catch_warnings():
        # corr_nearest stops when no eigenvalue needs clipping; at the boundary of the
        # PSD cone round-off keeps one at the threshold, so it runs to its iteration
        # limit having converged (Higham's example is reproduced to 4 digits, tested)
        warnings.simplefilter("ignore")
        x = corr_nearest(0.5 * (y + y.T), threshold=threshold)
    # polish: clip round-off negatives and rescale to an exact unit diagonal
    w, v = np.linalg.eigh(0.5 * (x + x.T))
    x = (v * np.clip(w, 0.0, None)) @ v.T
    d = 1.0 / np.sqrt(np.diag(x))
    out = x * np.outer(d, d)
    np.fill_diagonal(out, 1.0)
    return 0.5 * (out + out.T)
