"""Decision metrics from Monte Carlo outcomes: which mode, how sure, how bad it can get.

Every function takes per-path outcomes (a DataFrame, one row per path, one column per
mode, US$ m) and returns a small table. Percentiles are empirical (``numpy.quantile``,
linear interpolation); the Monte Carlo standard error of a mean is ``sd / sqrt(n)``,
which is conservative for a Latin hypercube sample (its error is at most that of plain
Monte Carlo; McKay et al. 1979).

References
----------
Rockafellar, R. T. and Uryasev, S. (2002). Conditional value-at-risk for general loss
distributions. *Journal of Banking & Finance* 26(7), 1443-1471 (CVaR).
Hadar, J. and Russell, W. R. (1969). Rules for ordering uncertain prospects. *American
Economic Review* 59(1), 25-34 (stochastic dominance).
Dvoretzky, A., Kiefer, J. and Wolfowitz, J. (1956); Massart, P. (1990). The tight
constant in the DKW inequality. *Annals of Probability* 18(3), 1269-1283.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.economics.modes import MODES
from models.exceptions import ModelError

#: Tail probability of CVaR and of the low percentile.
TAIL = 0.05


def _check(npv: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(npv, pd.DataFrame) or npv.empty:
        raise ModelError("npv: expected a DataFrame with one row per path and one column per mode")
    if npv.columns.has_duplicates:
        twice = sorted(map(str, npv.columns[npv.columns.duplicated()].unique()))
        raise ModelError(f"npv: modes {', '.join(twice)} appear twice; expected one column each")
    if npv.isna().any().any():
        bad = npv.columns[npv.isna().any()].tolist()
        raise ModelError(f"npv: missing values in {', '.join(map(str, bad))}; expected numbers")
    return npv


def cvar(values: np.ndarray, tail: float = TAIL) -> float:
    """Conditional value at risk: the mean of the worst ``tail`` share of outcomes.

    With ``n`` outcomes sorted ascending, the worst ``tail * n`` are averaged, the last
    one with a fractional weight (Rockafellar & Uryasev 2002, for a discrete sample).
    """
    return float(_cvar_rows(np.asarray(values, dtype=float).reshape(1, -1), tail)[0])


def _cvar_rows(x: np.ndarray, tail: float = TAIL) -> np.ndarray:
    """:func:`cvar` of each row of ``x`` (modes, paths)."""
    x = np.sort(x, axis=1)
    k = tail * x.shape[1]
    whole = int(np.floor(k))
    last = x[:, whole] if whole < x.shape[1] else 0.0
    return (x[:, :whole].sum(axis=1) + (k - whole) * last) / k


def _by_mode(npv: pd.DataFrame) -> np.ndarray:
    """The per-path values as one C-contiguous (modes, paths) array: each mode's paths
    contiguous, so that a reduction over them adds in the same order as over the mode's
    column alone (numpy's pairwise sum), and every figure is that column's to the bit."""
    return np.ascontiguousarray(npv.to_numpy(dtype=float).T)


def npv_table(npv: pd.DataFrame) -> pd.DataFrame:
    """Per mode: mean with its standard error, median, P5, P95, P(loss) and CVaR 5 %.

    Returns
    -------
    pandas.DataFrame
        Index: modes. Columns ``mean``, ``se`` (Monte Carlo standard error of the mean),
        ``median``, ``p5``, ``p95``, ``prob_loss`` (share of paths with NPV < 0),
        ``cvar5`` (mean of the worst 5 %), ``sd``; US$ m except the probability.
    """
    npv = _check(npv)
    n = len(npv)
    x = _by_mode(npv)
    sd = np.std(x, axis=1, ddof=1) if n > 1 else np.full(len(x), np.nan)
    # one quantile a call, as for a column alone: a call for both may pick another of
    # several equal values (0.0 for -0.0: the review found it)
    low, high = np.quantile(x, TAIL, axis=1), np.quantile(x, 1 - TAIL, axis=1)
    return pd.DataFrame(
        {
            "label": [MODES.label(mode) for mode in npv.columns],
            "mean": x.mean(axis=1),
            "se": sd / np.sqrt(n),
            "median": np.median(x, axis=1),
            "p5": low,
            "p95": high,
            "prob_loss": np.mean(x < -1e-9, axis=1),
            "cvar5": _cvar_rows(x),
            "sd": sd,
        },
        index=list(npv.columns),
    )


def ranking(npv: pd.DataFrame) -> list[str]:
    """Modes from the highest mean NPV to the lowest; ties go to the less committing."""
    mean = _check(npv).mean().round(6)
    return sorted(npv.columns, key=lambda m: (-mean[m], MODES.commitment(m)))


def ranked(
    npv: pd.DataFrame, best_on: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, list[str], str]:
    """The decision's core numbers from per-path NPVs: :func:`npv_table` with
    ``prob_best``, best mode first; the ranking; and the runner-up, the best mode that
    starts differently from the first (licensing and the staged entry both license
    now, :meth:`models.economics.modes.registry.Registry.rivals`).

    ``best_on``: the per-path values on which ``prob_best`` is computed, if not ``npv``
    (the committed values, where a mode not worth starting is worth 0 in ``npv``).
    """
    order = ranking(npv)
    table = npv_table(npv)
    table["prob_best"] = probability_best(npv if best_on is None else best_on)
    second = next(m for m in order[1:] if m in MODES.rivals(order[0], order))
    return table.loc[order], order, second


def paired_difference(npv: pd.DataFrame, a: str, b: str) -> tuple[float, float, float]:
    """Mean NPV of ``a`` minus ``b``, its Monte Carlo standard error, and ``P(a > b)``.

    The standard error is that of the mean of the per-path differences: both modes are
    valued on the same futures, so their noise largely cancels (common random numbers).
    NaN for a single path.
    """
    d = (_check(npv)[a] - npv[b]).to_numpy(dtype=float)
    se = float(np.std(d, ddof=1) / np.sqrt(len(d))) if len(d) > 1 else float("nan")
    return float(d.mean()), se, float(np.mean(d > 1e-9))


#: Two values closer than this (US$ m) are a tie: a staged entry that does not switch
#: is licensing, to rounding (1e-13), and rounding must not decide which is best
#: (issue 20's review: it gave the staged entry 6 % of P(best) in letv_2015, where it
#: beats licensing on no future). The beat matrix uses the same.
TIE_USD_M = 1e-9


def _best(npv: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """The modes from the least committing, and the index among them of the best mode on
    each path (:func:`best_on_path`)."""
    columns = list(_check(npv).columns)
    order = sorted(columns, key=MODES.commitment)
    values = npv.to_numpy(dtype=float)[:, [columns.index(m) for m in order]]
    best = np.nanmax(values, axis=1, keepdims=True)
    return order, np.argmax(values >= best - TIE_USD_M, axis=1)


def best_on_path(npv: pd.DataFrame) -> pd.Series:
    """The best mode on each path; values within :data:`TIE_USD_M` of the best are
    ties, which go to the less committing mode."""
    order, first = _best(npv)
    return pd.Series(np.asarray(order)[first], index=npv.index)


def probability_best(npv: pd.DataFrame) -> pd.Series:
    """Share of paths on which each mode has the highest NPV (sums to 1)."""
    order, first = _best(npv)
    share = dict(zip(order, np.bincount(first, minlength=len(order)) / len(first), strict=True))
    return pd.Series([share[m] for m in npv.columns], index=npv.columns, name="proportion")


def beat_matrix(npv: pd.DataFrame) -> pd.DataFrame:
    """``P(row mode's NPV > column mode's NPV)``, from the same paths (common draws)."""
    npv = _check(npv)
    modes = list(npv.columns)
    x = npv.to_numpy(dtype=float)
    out = np.full((len(modes), len(modes)), np.nan)
    for i in range(len(modes)):
        for j in range(len(modes)):
            if i != j:
                out[i, j] = np.mean(x[:, i] > x[:, j] + TIE_USD_M)
    return pd.DataFrame(out, index=modes, columns=modes)


def forced_exit_by_year(exit_month: pd.DataFrame, years: int) -> pd.DataFrame:
    """Probability that the regulator has forced each mode out by the end of year 1..N.

    ``exit_month`` holds the month of the forced exit per path (NaN: none), as in
    :attr:`models.uncertainty.montecarlo.MonteCarlo.forced_exit_month`.
    """
    rows = {}
    for y in range(1, years + 1):
        rows[y] = (exit_month <= 12 * y - 1).mean()
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "year"
    return out


def peak_funding_table(peak: pd.DataFrame) -> pd.DataFrame:
    """Per mode: mean, median, P95 and maximum of the peak funding need, US$ m."""
    return pd.DataFrame(
        {
            "mean": peak.mean(),
            "median": peak.median(),
            "p95": peak.quantile(1 - TAIL),
            "max": peak.max(),
        }
    )


def dkw_band(n: int, alpha: float = 0.05) -> float:
    """Half-width of the DKW-Massart confidence band of an empirical CDF of ``n`` draws."""
    return float(np.sqrt(np.log(2.0 / alpha) / (2.0 * n)))


def dominance(npv: pd.DataFrame) -> pd.DataFrame:
    """First-order stochastic dominance between modes, judged on the empirical CDFs.

    Row mode ``A`` dominates column mode ``B`` when ``F_A(x) <= F_B(x)`` for every NPV
    ``x`` of the simulated futures (every investor who prefers more money prefers A), and
    somewhere by more than the DKW band of the sample (:func:`dkw_band`), so that a gap
    within Monte Carlo noise is not called a difference. A crossing, however small, is
    a violation: the report's sentence ("whatever NPV one aims at, A is at least as
    likely to reach it") must hold of the futures it reports. Entries: ``True`` (A
    dominates B), ``False``.
    """
    npv = _check(npv)
    modes = list(npv.columns)
    n = len(npv)
    tol = dkw_band(n)
    grid = np.unique(npv.to_numpy(dtype=float))
    cdfs = {m: np.searchsorted(np.sort(npv[m].to_numpy()), grid, side="right") / n for m in modes}
    out = pd.DataFrame(False, index=modes, columns=modes)
    for a in modes:
        for b in modes:
            if a == b:
                continue
            diff = cdfs[a] - cdfs[b]
            out.loc[a, b] = bool(diff.max() <= 0.0 and diff.min() < -tol)
    return out


def dominance_in_words(dom: pd.DataFrame) -> list[str]:
    """First-order stochastic dominance in plain sentences, the first row's mode first:
    "Licensing is ahead of every other mode at every level: ..." then the others grouped
    by whom they are ahead of ("staying out and partner are each ahead of solo").
    Empty when no mode dominates another."""
    rows = [(a, [b for b in dom.columns if dom.loc[a, b]]) for a in dom.index]
    rows = [(a, beaten) for a, beaten in rows if beaten]
    if not rows:
        return []

    def listed(modes: list[str]) -> str:
        words = [MODES.in_words(m) for m in modes]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]

    first, beaten = rows[0]
    others = [b for b in dom.columns if b != first]
    whom = "every other mode" if len(others) > 1 and set(beaten) == set(others) else listed(beaten)
    out = [
        f"{MODES.label(first)} is ahead of {whom} at every level: whatever NPV one aims at, "
        f"{MODES.in_words(first)} is at least as likely to reach it, so it is the better "
        "choice whatever the appetite for risk."
    ]
    groups: dict[tuple[str, ...], list[str]] = {}
    for a, b in rows[1:]:
        groups.setdefault(tuple(b), []).append(a)
    if groups:
        parts = [
            f"{listed(list(who))} {'is' if len(who) == 1 else 'are each'} ahead of "
            f"{listed(list(behind))}"
            for behind, who in groups.items()
        ]
        text = "; ".join(parts)
        out.append(f"At every level too, {text}.")
    return out
