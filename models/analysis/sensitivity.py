"""Sensitivity of a model output to its uncertain inputs: one-at-a-time swings (the
tornado), Sobol indices through SALib, and switching values.

Each function takes the output as a plain callable of a mapping of input values, so the
same code serves the NPV of a mode, the NPV gap between two modes, or a test function
with known answers (Ishigami).

References
----------
Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output. Design
and estimator for the total sensitivity index. Computer Physics Communications 181(2),
259-270.

Herman, J. & Usher, W. (2017). SALib: An open-source Python library for sensitivity
analysis. Journal of Open Source Software 2(9), 97.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample
from scipy.optimize import brentq

from models.exceptions import ModelError

Output = Callable[[Mapping[str, float]], float]


def tornado(
    output: Output, base: Mapping[str, float], ranges: Mapping[str, tuple[float, float]]
) -> pd.DataFrame:
    """Swing each input alone from its low to its high value, the others at ``base``.

    Returns one row per input, largest swing first: input, low, high, output_low,
    output_high, swing (``|output_high - output_low|``), and the base output.
    """
    centre = float(output(base))
    rows = []
    for name, (low, high) in ranges.items():
        out_low = float(output({**base, name: low}))
        out_high = float(output({**base, name: high}))
        rows.append(
            {
                "input": name,
                "low": low,
                "high": high,
                "output_low": out_low,
                "output_high": out_high,
                "swing": abs(out_high - out_low),
                "base_output": centre,
            }
        )
    return pd.DataFrame(rows).sort_values("swing", ascending=False, ignore_index=True)


def sobol(
    output: Output,
    ranges: Mapping[str, tuple[float, float]],
    *,
    n: int = 1024,
    seed: int = 0,
    base: Mapping[str, float] | None = None,
    vectorised: Callable[[pd.DataFrame], np.ndarray] | None = None,
) -> pd.DataFrame:
    """First-order and total Sobol indices with 95 % confidence intervals (SALib).

    Inputs vary uniformly over ``ranges`` (Saltelli sampling, ``n`` base samples, a
    power of two); the others stay at ``base``. ``vectorised``, if given, evaluates a
    whole frame of inputs at once (one row per sample) instead of calling ``output``
    row by row.

    Returns
    -------
    DataFrame
        One row per input: S1, S1_conf, ST, ST_conf (the conf columns are half-widths of
        95 % bootstrap intervals), largest ST first.
    """
    if n < 2 or n & (n - 1):
        raise ModelError(f"sobol: n={n}; expected a power of two (e.g. 1024)")
    names = list(ranges)
    problem = {
        "num_vars": len(names),
        "names": names,
        "bounds": [list(map(float, ranges[k])) for k in names],
    }
    x = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    frame = pd.DataFrame(x, columns=names)
    for k, v in (base or {}).items():
        if k not in frame:
            frame[k] = v
    if vectorised is not None:
        y = np.asarray(vectorised(frame), dtype=float)
    else:
        y = np.array([output(row) for row in frame.to_dict("records")], dtype=float)
    if not np.all(np.isfinite(y)):
        raise ModelError("sobol: the output is not finite for some inputs")
    si = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
    out = pd.DataFrame(
        {
            "input": names,
            "S1": si["S1"],
            "S1_conf": si["S1_conf"],
            "ST": si["ST"],
            "ST_conf": si["ST_conf"],
        }
    )
    return out.sort_values("ST", ascending=False, ignore_index=True)


def switching_value(
    output: Output,
    base: Mapping[str, float],
    name: str,
    bounds: tuple[float, float],
    target: float = 0.0,
) -> float | None:
    """The value of one input at which ``output`` crosses ``target``, others at base.

    Searches ``bounds`` on a grid for a sign change of ``output - target`` and refines
    it with Brent's method; None if the output does not cross the target there (the
    answer does not flip within the range).
    """

    def gap(v: float) -> float:
        return float(output({**base, name: v})) - target

    grid = np.linspace(bounds[0], bounds[1], 21)
    values = np.array([gap(v) for v in grid])
    signs = np.sign(values)
    for i in range(len(grid) - 1):
        if values[i] == 0:
            return float(grid[i])
        if signs[i] * signs[i + 1] < 0:
            return float(brentq(gap, grid[i], grid[i + 1], xtol=1e-10))
    return float(grid[-1]) if values[-1] == 0 else None
