"""Joint samples of the uncertain inputs: Latin hypercube or plain Monte Carlo, with
rank correlations imposed by Iman and Conover.

:func:`sample` draws a Latin hypercube (or plain Monte Carlo) sample of every
:class:`~models.inputs.distributions.Distribution` and, if asked, reorders it to the
target rank correlations (:mod:`models.inputs.correlation`) by Iman & Conover (1982),
which keeps every marginal exactly. Seeds come from named streams
(:func:`models._rng.stream`).

Iman-Conover is written here because no maintained library offers it with the
normal-copula correction for Spearman targets (scipy, statsmodels and SALib have none;
OpenTURNS is a heavy dependency for one function).

References
----------
Iman, R. L. and Conover, W. J. (1982). A distribution-free approach to inducing rank
correlation among input variables. *Communications in Statistics - Simulation and
Computation* 11(3), 311-334.
McKay, M. D., Beckman, R. J. and Conover, W. J. (1979). A comparison of three methods
for selecting values of input variables in the analysis of output from a computer
code. *Technometrics* 21(2), 239-245 (Latin hypercube sampling).
"""

from __future__ import annotations

import numbers
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import linalg, special

from models._arrays import FloatArray
from models._rng import check_seed, latin_hypercube, uniforms
from models.exceptions import ParameterError
from models.format import plain, show
from models.inputs.correlation import (
    PSD_TOLERANCE,
    Pairs,
    check_correlation,
    correlation_matrix,
    smallest_eigenvalue,
)
from models.inputs.distributions import U_FLOOR, Distribution

Method = Literal["lhs", "mc"]


def sample(
    distributions: Mapping[str, Distribution],
    n: int,
    *,
    seed: int | np.random.SeedSequence,
    method: Method = "lhs",
    correlation: Pairs | ArrayLike | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Draw ``n`` joint values of every distribution.

    Parameters
    ----------
    distributions : mapping of str to Distribution
        The uncertain parameters; one output column each, in this order.
    n : int
        Number of draws (Monte Carlo paths), at least 1.
    seed : int or numpy.random.SeedSequence
        Seed of the sample (e.g. ``stream(run_seed, "inputs")``). The same seed, names
        and specs reproduce the sample exactly. Uniforms are assigned to parameters in
        sorted-name order, so the mapping's order does not change the draws.
    method : {"lhs", "mc"}
        ``"lhs"``: Latin hypercube (McKay et al. 1979; ``scipy.stats.qmc.LatinHypercube``),
        each of the ``n`` equal-probability strata of every parameter holds exactly one
        draw. ``"mc"``: independent uniforms from ``numpy.random.default_rng``.
    correlation : pairs, (k, k) array, DataFrame, optional
        Target Spearman rank correlations: pairs as for :func:`correlation_matrix`, a
        matrix ordered like ``distributions``, or a DataFrame labelled by name. Imposed
        by Iman & Conover (1982), which reorders each correlated column and so keeps every
        marginal (and the LHS strata) exactly. Needs more draws than correlated inputs.

    Returns
    -------
    pandas.DataFrame
        Shape ``(n, k)``, index ``path`` 0..n-1, values in each parameter's unit. A
        call repeated with the same arguments (a sweep's points) gets a copy of the
        sample kept from the last (:data:`MEMO_SIZE` kept, none above
        :data:`MEMO_VALUES` values).

    Raises
    ------
    ParameterError
        Bad ``n``, ``seed``, ``method`` or correlation, or ``n <= k`` with a correlation.
    """
    given = list(distributions)
    for key, d in distributions.items():
        if not isinstance(d, Distribution):
            raise ParameterError(
                f"parameter {key}={show(d)}: expected a Distribution (see parse_spec)"
            )
    n = _count(n)
    if method not in ("lhs", "mc"):
        raise ParameterError(f"parameter method={show(method)}: expected 'lhs' or 'mc'")
    names = sorted(given)
    target = None if correlation is None else _target(given, names, correlation)
    seed = check_seed(seed)
    key = _key(distributions, n, seed, method, correlation)
    with _LOCK:
        kept = _RECENT.get(key) if key is not None else None
        if kept is not None:
            _RECENT.move_to_end(key)
    if kept is not None:
        frame, spawned = kept
        if spawned:  # as drawing would: the seed's children spawned (scipy's LHS spawns)
            seed.spawn(spawned)
        return frame.copy()
    sequence = isinstance(seed, np.random.SeedSequence)
    before = seed.n_children_spawned if sequence else 0
    frame = _sample(given, names, distributions, n, seed, method, target)
    if key is not None and n * len(given) <= MEMO_VALUES:
        spawned = seed.n_children_spawned - before if sequence else 0
        with _LOCK:
            _RECENT[key] = (frame.copy(), spawned)
            while len(_RECENT) > MEMO_SIZE:
                _RECENT.popitem(last=False)
    return frame


#: The last samples drawn, kept for a repeated call (a sweep's points draw the same
#: inputs: the same seed, specs and paths; only the inputs set at the point differ,
#: and those are not drawn). At most :data:`MEMO_SIZE` samples of at most
#: :data:`MEMO_VALUES` values each (8 MB), so a large Monte Carlo run keeps none.
_RECENT: OrderedDict[tuple, tuple[pd.DataFrame, int]] = OrderedDict()
_LOCK = threading.Lock()
MEMO_SIZE = 4
MEMO_VALUES = 1_000_000


def _key(distributions, n, seed, method, correlation) -> tuple | None:
    """What determines a sample, hashable; None where an argument is not (a correlation
    given as an array or a DataFrame: such a call is not kept). A seed sequence's key
    holds the children it has spawned: the Latin hypercube draws from a new one."""
    if isinstance(seed, np.random.SeedSequence):
        entropy = seed.entropy
        entropy = tuple(entropy) if isinstance(entropy, list | tuple) else entropy
        spawn = (tuple(seed.spawn_key), seed.pool_size, seed.n_children_spawned)
        seed = ("seq", entropy, *spawn)
    else:
        seed = ("int", seed)
    if correlation is None:
        pairs = None
    elif isinstance(correlation, list | tuple) and all(
        isinstance(p, tuple | list) for p in correlation
    ):
        pairs = tuple(tuple(p) for p in correlation)
    else:
        return None
    try:
        key = (tuple(distributions.items()), n, seed, method, pairs)
        hash(key)
    except TypeError:
        return None
    return key


def _sample(given, names, distributions, n, seed, method, target) -> pd.DataFrame:
    """:func:`sample`, its arguments checked (``names`` sorted, ``target`` the
    correlation matrix in their order or None)."""
    k = len(names)
    rng = np.random.default_rng(seed)
    if k == 0:
        return pd.DataFrame(index=pd.RangeIndex(n, name="path"))
    # one (n, k) array throughout, each step in place: at 2,000,000 paths of 56 inputs
    # a copy is 0.9 GB (issue 25)
    x = latin_hypercube(n, k, rng) if method == "lhs" else uniforms(rng, n, k)
    np.maximum(x, U_FLOOR, out=x)
    for j, name in enumerate(names):
        x[:, j] = distributions[name].ppf(x[:, j])
    if target is not None and k > 1:
        # only the inputs named in a correlation are reordered; the others keep their
        # draws, so a handful of correlations needs only a handful more paths
        linked = np.flatnonzero(np.any(np.abs(target - np.eye(k)) > 0, axis=1))
        if len(linked) > 1:
            x[:, linked] = iman_conover(x[:, linked], target[np.ix_(linked, linked)], rng)
    _reorder_columns(x, [names.index(name) for name in given])
    return pd.DataFrame(x, columns=given, index=pd.RangeIndex(n, name="path"), copy=False)


def _reorder_columns(x: FloatArray, order: list[int]) -> None:
    """Put column ``order[i]`` of ``x`` in column ``i``, in place, one column at a time
    (each cycle of the permutation through one spare column)."""
    done = [False] * len(order)
    for start in range(len(order)):
        if done[start] or order[start] == start:
            done[start] = True
            continue
        spare = x[:, start].copy()
        i = start
        while order[i] != start:
            x[:, i] = x[:, order[i]]
            done[i] = True
            i = order[i]
        x[:, i] = spare
        done[i] = True


def _count(n: Any) -> int:
    n = plain(n)
    if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 1:
        raise ParameterError(f"parameter n={show(n)}: expected an integer >= 1 (draws)")
    return int(n)


def _target(given: list[str], names: list[str], correlation: Any) -> FloatArray:
    """The target matrix in sorted-name order."""
    k = len(given)
    if isinstance(correlation, pd.DataFrame):
        labels = set(correlation.index) | set(correlation.columns)
        if labels != set(given):
            raise ParameterError(
                "correlation DataFrame labels do not match the sampled parameters; "
                f"expected exactly {', '.join(given)}"
            )
        return check_correlation(correlation.loc[names, names].to_numpy(dtype=float), k)
    if isinstance(correlation, np.ndarray):
        mat = check_correlation(correlation, k)
        order = [given.index(name) for name in names]
        return mat[np.ix_(order, order)]
    return correlation_matrix(names, correlation)


def _matrix_root(c: FloatArray) -> FloatArray:
    """Upper-triangular-like ``P`` with ``P.T @ P == c`` (Cholesky, else eigen for PSD)."""
    try:
        return np.linalg.cholesky(c).T
    except np.linalg.LinAlgError:
        w, v = np.linalg.eigh(c)
        return (v * np.sqrt(np.clip(w, 0.0, None))).T


def iman_conover(
    x: ArrayLike, target: ArrayLike, rng: np.random.Generator, *, spearman: bool = True
) -> FloatArray:
    """Reorder the columns of ``x`` so their rank correlations approach ``target``.

    Iman & Conover (1982): a score matrix ``M`` holds an independent random permutation
    of the van der Waerden scores ``Phi^-1(i / (n + 1))`` in each column; with ``E =
    F'F`` the Cholesky factorisation of ``M``'s correlation and ``C = P'P`` that of the
    target, ``T = M F^-1 P`` has Pearson correlation exactly ``C``; each column of ``x``
    is then sorted and placed in the rank order of the matching column of ``T``. Only
    the order within columns changes, so each marginal sample is kept exactly.

    The ranks of ``T`` have the Spearman correlation of a normal sample with Pearson
    correlation ``C``, ``(6 / pi) arcsin(C / 2)``, up to 0.018 below the target in
    magnitude. With ``spearman=True`` the scores are therefore given the Pearson
    correlation ``C = 2 sin(pi R / 6)`` of the target rank correlation ``R`` (the normal
    copula's relation between the two), so the achieved Spearman correlation is
    unbiased; if that matrix is not positive semi-definite (rare, near-singular ``R``),
    ``R`` itself is used. What remains is sampling noise of order ``1 / sqrt(n)``.

    Parameters
    ----------
    x : array_like
        ``(n, k)`` sample with independent columns.
    target : array_like
        ``(k, k)`` positive semi-definite correlation matrix.
    rng : numpy.random.Generator
        Source of the score permutations.
    spearman : bool
        Whether ``target`` holds rank (Spearman) correlations, converted as above;
        False imposes it as the Pearson correlation of the normal scores.

    Returns
    -------
    numpy.ndarray
        ``(n, k)``: ``x`` with each column reordered.

    Raises
    ------
    ParameterError
        If ``n <= k`` or the scores are too few to be decorrelated.
    """
    x = np.asarray(x, dtype=float)
    c = np.asarray(target, dtype=float)
    n, k = x.shape
    if n <= k:
        raise ParameterError(
            f"parameter n={n}: too few draws to induce a correlation among {k} parameters; "
            f"expected n > {k}"
        )
    scores = special.ndtri(np.arange(1, n + 1) / (n + 1))
    scores /= scores.std()
    m = np.empty((n, k))
    for j in range(k):
        m[:, j] = rng.permutation(scores)
    e = np.atleast_2d(np.corrcoef(m, rowvar=False))
    try:
        f = np.linalg.cholesky(e).T
    except np.linalg.LinAlgError as exc:
        raise ParameterError(
            f"parameter n={n}: the draws are too few to decorrelate {k} parameters; "
            "expected more draws"
        ) from exc
    if spearman:
        pearson = 2.0 * np.sin(np.pi * c / 6.0)
        np.fill_diagonal(pearson, 1.0)
        if smallest_eigenvalue(pearson) >= -PSD_TOLERANCE:
            c = pearson
    t = linalg.solve_triangular(f, m.T, trans="T", lower=False).T @ _matrix_root(c)
    del m
    out = np.empty_like(x)
    for j in range(k):  # one column at a time: its sorted draws in the ranks of t's
        ranks = np.argsort(np.argsort(t[:, j], kind="stable"), kind="stable")
        out[:, j] = np.sort(x[:, j])[ranks]
    return out
