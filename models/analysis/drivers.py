"""What drives the decision: the model's tornado, Sobol indices and switching values.

The sensitivity tools of :mod:`models.analysis.sensitivity` applied to the entry model. All three
use the deterministic engine (inputs as given, events in expectation), so that the
output is a smooth function of the inputs, and evaluate many input sets at once by
handing :func:`models.economics.simulation.simulate` one path per input set.

* :func:`tornado`: each uncertain input alone from its 5th to its 95th percentile, the
  others at their deterministic values; the output is the NPV of the recommended mode
  and its margin over the runner-up.
* :func:`sobol`: first-order and total Sobol indices of the margin over every uncertain
  input's distribution (Saltelli sampling of each input's quantile, then its inverse
  CDF), with bootstrap confidence intervals. The inputs are treated as independent:
  declared correlations are not used here.
* :func:`switching_values`: for the top drivers, the value at which the recommendation
  flips, found by a grid search over the input's plausible range (0.1th to 99.9th
  percentile) and Brent's method, phrased for a reader.
* :func:`frontier`: the same search from the other side: for each own service not
  recommended, the value of each of its top drivers at which it would become the best
  way in.

References
----------
Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output.
*Computer Physics Communications* 181(2), 259-270.
Eschenbach, T. G. (1992). Spiderplots versus tornado diagrams for sensitivity analysis.
*Interfaces* 22(6), 40-46.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from models.analysis import sensitivity
from models.economics import finance
from models.economics.modes import MODES
from models.economics.results import discount_rate
from models.economics.simulation import each_mode
from models.inputs.display import format_value, label
from models.inputs.schema import SPECS
from models.uncertainty.montecarlo import WORKERS

log = logging.getLogger(__name__)

#: Input sets valued together (:func:`npv_by_mode`). A chunk of 1,024 took about 0.5 GB
#: while its modes were built (the staged entry's services, one per switch date, most of
#: it), and two are valued at once: 512 keep two within what one chunk of 1,024 took.
ROWS = 512

#: Columns of :func:`tornado`'s table.
_TORNADO_COLUMNS = [
    "input",
    "label",
    "low",
    "high",
    "npv_low",
    "npv_high",
    "gap_low",
    "gap_high",
    "swing",
    "npv_swing",
    "margin_low",
    "margin_high",
    "margin_swing",
    "npv_base",
    "gap_base",
]

#: Percentiles of the one-at-a-time swings.
SWING = (0.05, 0.95)


def npv_by_mode(params, inputs: pd.DataFrame) -> pd.DataFrame:
    """NPV of each mode (columns) if started now, for each row of input values, events in
    expectation (:func:`models.economics.simulation.simulate` with ``started``).

    A mode is valued as started, with its reviews after, not with the option not to
    start: a mode not worth starting keeps its negative value, so that the margins
    between modes move continuously with the inputs (with the option, every such mode
    would be worth 0, the same as staying out). ``inputs`` holds one row per input set
    and one column per uncertain parameter to override; the other parameters keep their
    values. US$ m.
    """
    frame = inputs.reset_index(drop=True)

    def npv(a: int) -> dict[str, np.ndarray]:
        # one mode's monthly arrays at a time, and only its NPVs kept: bounded memory
        chunk = frame.iloc[a : a + ROWS] if len(frame) else None
        rate = discount_rate(params, chunk)
        return {
            mode.name: finance.npv(r.cash_flow, rate)
            for mode, r in each_mode(params, chunk, started=True)
        }

    # chunks of rows, one a thread: a row's NPV is the same bits whichever chunk and
    # thread value it. Sobol in the base case: 6.6 s in chunks of 1,024 on one thread,
    # 4.0 s in chunks of 512 on two, both peaking at 0.73 GB (issue 25)
    starts = range(0, max(len(frame), 1), ROWS)
    if len(starts) == 1:
        parts = [npv(0)]
    else:
        with ThreadPoolExecutor(max_workers=min(WORKERS, len(starts))) as pool:
            parts = list(pool.map(npv, starts))
    out = {m: np.concatenate([p[m] for p in parts]) for m in parts[0]}
    return pd.DataFrame(out, index=inputs.index if len(frame) else None)


def expected_npv(params) -> pd.Series:
    """Each mode's NPV if started now, in the most-likely case (inputs as given, events in
    expectation), US$ m."""
    return npv_by_mode(params, pd.DataFrame()).iloc[0].rename(None)


def _base(params, names: Sequence[str]) -> dict[str, float]:
    return {n: float(getattr(params, n)) for n in names}


def margin(npv: pd.DataFrame, mode: str) -> pd.Series:
    """NPV of ``mode`` minus the best of the modes that start differently, per row
    (US$ m): licensing and the staged entry both license now, so neither is measured
    against the other (:meth:`models.economics.modes.registry.Registry.rivals`)."""
    return npv[mode] - npv[MODES.rivals(mode, npv.columns)].max(axis=1)


def tornado(params, recommended: str, runner_up: str) -> pd.DataFrame:
    """One-at-a-time swings of every uncertain input from its P5 to its P95.

    Returns
    -------
    pandas.DataFrame
        One row per input, largest swing of the margin first: ``input``, ``label``,
        ``low``/``high`` (the input's P5 and P95), ``npv_low``/``npv_high`` (NPV of
        ``recommended``), ``gap_low``/``gap_high`` (``recommended`` minus
        ``runner_up``), ``swing`` (of the gap), ``npv_swing``, ``margin_low``/
        ``margin_high``/``margin_swing`` (``recommended`` minus the best other mode,
        which :func:`switching_values` follows), and the base values ``npv_base`` and
        ``gap_base``. US$ m.
    """
    dists = params.distributions
    names = list(dists)
    base = _base(params, names)
    rows = [base]
    for name in names:
        low, high = (float(x) for x in dists[name].ppf(np.asarray(SWING)))
        rows += [{**base, name: low}, {**base, name: high}]
    frame = pd.DataFrame(rows, columns=names)
    npv = npv_by_mode(params, frame)
    gap = npv[recommended] - npv[runner_up]
    edge = margin(npv, recommended)
    out = []
    for i, name in enumerate(names):
        lo, hi = 1 + 2 * i, 2 + 2 * i
        out.append(
            {
                "input": name,
                "label": label(name),
                "low": frame.loc[lo, name],
                "high": frame.loc[hi, name],
                "npv_low": npv.loc[lo, recommended],
                "npv_high": npv.loc[hi, recommended],
                "gap_low": gap[lo],
                "gap_high": gap[hi],
                "swing": abs(gap[hi] - gap[lo]),
                "npv_swing": abs(npv.loc[hi, recommended] - npv.loc[lo, recommended]),
                "margin_low": edge[lo],
                "margin_high": edge[hi],
                "margin_swing": abs(edge[hi] - edge[lo]),
                "npv_base": npv.loc[0, recommended],
                "gap_base": gap[0],
            }
        )
    if not out:
        return pd.DataFrame(columns=_TORNADO_COLUMNS)
    return pd.DataFrame(out).sort_values("swing", ascending=False, ignore_index=True)


def sobol(params, recommended: str, runner_up: str, n: int | None = None) -> pd.DataFrame:
    """Sobol indices of ``recommended``'s NPV margin over ``runner_up``.

    ``n`` base samples (default: the ``sobol_samples`` parameter, rounded up to a power
    of two); Saltelli's scheme runs ``n (k + 2)`` models for ``k`` inputs.
    """
    n = int(params.sobol_samples if n is None else n)
    dists = params.distributions
    names = list(dists)
    if n == 0 or not names:
        return pd.DataFrame(columns=["input", "label", "S1", "S1_conf", "ST", "ST_conf"])
    n = 1 << max(1, int(np.ceil(np.log2(n))))

    def evaluate(u: pd.DataFrame) -> np.ndarray:
        x = pd.DataFrame({k: dists[k].ppf(u[k].to_numpy()) for k in names})
        npv = npv_by_mode(params, x)
        return (npv[recommended] - npv[runner_up]).to_numpy()

    log.info("Sobol: %d models over %d inputs", n * (len(names) + 2), len(names))
    table = sensitivity.sobol(
        lambda row: 0.0,
        dict.fromkeys(names, (1e-6, 1 - 1e-6)),
        n=n,
        seed=int(params.seed) % (2**32),
        vectorised=evaluate,
    )
    table.insert(1, "label", table["input"].map(label))
    return table


def _grid(params, name: str, points: int) -> tuple[np.ndarray, float, float]:
    """The values an input is scanned over: its plausible range (P0.1 to P99.9) at
    ``points`` values and, beyond it, out to the parameter's valid range; and the
    plausible range's ends."""
    lo, hi = (float(x) for x in params.distributions[name].ppf(np.asarray([0.001, 0.999])))
    spec = SPECS[name]
    vmin = lo if spec.min is None else float(spec.min)
    vmax = hi if spec.max is None else float(spec.max)
    grid = np.unique(
        np.concatenate(
            [
                np.linspace(vmin, lo, 21),
                np.linspace(lo, hi, points),
                hi + (vmax - hi) * np.geomspace(1e-3, 1.0, 21),
            ]
        )
    )
    return grid, lo, hi


def _crossing(params, base: dict, name: str, mode: str, points: int):
    """Where ``mode``'s margin over the best mode that starts differently changes sign
    as ``name`` alone moves over :func:`_grid` (the crossing nearest the input's value,
    refined with Brent's method).

    Returns ``(value, rises, npv, side, grid, lo, hi)``: the value (NaN if the sign never
    changes), whether the margin turns positive as the input rises past it, the NPVs on
    the grid and the grid index just past the crossing on the side where it is
    negative (-1 if none).
    """
    grid, lo, hi = _grid(params, name, points)
    npv = npv_by_mode(params, pd.DataFrame([{**base, name: v} for v in grid]))
    gap = margin(npv, mode).to_numpy()

    def gap_at(v: float) -> float:
        return float(margin(npv_by_mode(params, pd.DataFrame([{**base, name: v}])), mode).iloc[0])

    flips = np.flatnonzero(np.sign(gap[:-1]) * np.sign(gap[1:]) < 0)
    if not len(flips):
        return np.nan, False, npv, -1, grid, lo, hi
    centre = float(getattr(params, name))
    k = int(flips[np.argmin(np.abs(grid[flips] - centre))])
    value = float(brentq(gap_at, grid[k], grid[k + 1], xtol=1e-9 * max(1.0, abs(hi))))
    rises = bool(gap[k + 1] > 0)
    side = k if rises else k + 1  # where the margin is negative
    return value, rises, npv, side, grid, lo, hi


def switching_values(
    params, recommended: str, names: Sequence[str], points: int = 41
) -> pd.DataFrame:
    """The value of each input at which ``recommended`` stops being the best mode.

    For each input alone (the others at their deterministic values), the margin of
    ``recommended`` over the best other mode is evaluated on a grid over the input's
    plausible range (P0.1 to P99.9) and, beyond it, out to the parameter's valid range;
    the sign change nearest the deterministic value is refined with Brent's method. A
    flip beyond the plausible range is reported as such: it says how wrong the inputs
    would have to be.

    Returns
    -------
    pandas.DataFrame
        One row per input: ``input``, ``label``, ``value`` (NaN if the answer never
        flips in the valid range), ``plausible`` (whether the value lies within the
        plausible range), ``direction`` ("above" or "below": the side on which
        another mode wins), ``winner`` (that mode), ``sentence``.
    """
    base = _base(params, list(params.distributions))
    rows = []
    for name in names:
        value, rises, npv, side, _, lo, hi = _crossing(params, base, name, recommended, points)
        direction, winner = "", ""
        if not np.isnan(value):
            direction = "below" if rises else "above"
            winner = str(npv[MODES.rivals(recommended, npv.columns)].iloc[side].idxmax())
        centre = float(getattr(params, name))
        rows.append(
            {
                "input": name,
                "label": label(name),
                "value": value,
                "plausible": bool(lo <= value <= hi) if not np.isnan(value) else False,
                "direction": direction,
                "winner": winner,
                "sentence": _sentence(recommended, name, value, direction, winner, lo, hi, centre),
            }
        )
    return pd.DataFrame(rows)


def frontier(params, modes: Sequence[str]) -> pd.DataFrame:
    """What would make each of ``modes`` (own services not recommended) the best way in:
    for every uncertain input alone (the others as set), the value at which the mode's
    margin over the best mode that starts differently turns positive
    (:func:`_crossing`, over the plausible range and out to the valid range).

    Every input is scanned: those that move the mode's margin most are often its rivals'
    (a licence fee cannot make solo best while staying out is a rival; issue 21's
    review 5), so a shortlist by swing misses the ones that matter.

    Returns
    -------
    pandas.DataFrame
        One row per mode and input, crossings first, nearest first (distance from the
        input's value in widths of its plausible range): ``mode``, ``input``,
        ``label``, ``value`` (NaN if the mode never becomes best in the valid range),
        ``direction`` ("above" or "below": the side where it is best), ``plausible``,
        ``distance``, ``margin_base`` (the mode's margin as set, US$ m), ``sentence``.
    """
    names = list(params.distributions)
    base = _base(params, names)
    at_base = npv_by_mode(params, pd.DataFrame([base], columns=names))
    out = []
    for mode in modes:
        now = float(margin(at_base, mode).iloc[0])
        for name in names:
            value, rises, _, _, _, lo, hi = _crossing(params, base, name, mode, 41)
            found = not np.isnan(value)
            direction = ("above" if rises else "below") if found else ""
            out.append(
                {
                    "mode": mode,
                    "input": name,
                    "label": label(name),
                    "value": value,
                    "direction": direction,
                    "plausible": bool(lo <= value <= hi) if found else False,
                    "distance": abs(value - base[name]) / max(hi - lo, 1e-12) if found else np.inf,
                    "margin_base": now,
                    "sentence": _frontier_sentence(
                        mode, name, value, direction, lo, hi, base[name]
                    ),
                }
            )
    columns = [
        "mode",
        "input",
        "label",
        "value",
        "direction",
        "plausible",
        "distance",
        "margin_base",
        "sentence",
    ]
    table = pd.DataFrame(out, columns=columns)
    order = table["mode"].map({m: i for i, m in enumerate(modes)})
    table = table.assign(_order=order).sort_values(["_order", "distance"], kind="stable")
    return table.drop(columns="_order").reset_index(drop=True)


def _frontier_sentence(
    mode: str, name: str, value: float, direction: str, lo, hi, centre: float
) -> str:
    who = MODES.label(mode)
    if np.isnan(value):
        return (
            f"No {label(name)} within its valid range makes {who} the best way in "
            f"(others as set; now {format_value(name, centre)})."
        )
    verb = "rose above" if direction == "above" else "fell below"
    where = (
        "within its plausible range"
        if lo <= value <= hi
        else f"beyond its plausible range of {format_value(name, lo)} to {format_value(name, hi)}"
    )
    return (
        f"{who} would be the best way in if the {label(name)} {verb} "
        f"{format_value(name, value)} (now {format_value(name, centre)}; {where})."
    )


def _sentence(
    rec: str, name: str, value: float, direction: str, winner: str, lo, hi, centre
) -> str:
    best = MODES.label(rec)
    if np.isnan(value):
        return f"{best} stays best whatever the {label(name)}, other inputs as set."
    verb = "rises above" if direction == "above" else "falls below"
    where = (
        ""
        if lo <= value <= hi
        else f", beyond its plausible range of {format_value(name, lo)} to {format_value(name, hi)}"
    )
    return (
        f"{best} stays best unless the {label(name)} {verb} {format_value(name, value)} "
        f"(now {format_value(name, centre)}{where}); then "
        f"{MODES.in_words(winner)} does better."
    )
