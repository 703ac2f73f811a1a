"""Scenario discovery: which ranges of which inputs make a mode win, as PRIM boxes.

The Patient Rule Induction Method (Friedman and Fisher 1999) as used in scenario
discovery (Bryant and Lempert 2010): start from the box holding every point; peel, at
each step, the fraction ``alpha`` of the remaining points from the one side of one
input that leaves the highest share of cases of interest (density); stop when fewer
than ``min_support`` of the points remain. Along this trajectory a box is judged by:

* coverage: the share of all cases of interest that lie in the box;
* density: the share of the box's points that are cases of interest.

:func:`prim` returns, among the boxes whose coverage is at least ``min_coverage``, the
first whose density is within ``tolerance`` of the densest (peeling on trades coverage
for noise), with the limits that bind (an input peeled on neither side is left out), and
:meth:`Box.in_words` reads it out ("the partnership wins in 83 % of the points where
the foreign share is above 0.22 and the revenue share below 0.31").

References
----------
Friedman, J. H. and Fisher, N. I. (1999). Bump hunting in high-dimensional data.
*Statistics and Computing* 9(2), 123-143.
Bryant, B. P. and Lempert, R. J. (2010). Thinking inside the box: a participatory,
computer-assisted approach to scenario discovery. *Technological Forecasting and
Social Change* 77(1), 34-49.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models.exceptions import ParameterError
from models.format import pct
from models.inputs.display import format_value, label
from models.inputs.schema import SPECS


@dataclass(frozen=True)
class Box:
    """A PRIM box.

    Attributes
    ----------
    limits : dict
        Input name to (low, high): the restricted inputs only (None for an open side).
    coverage, density, support : float
        Share of the cases of interest inside; share of the box's points that are cases
        of interest; share of all points inside.
    trajectory : pandas.DataFrame
        Coverage, density and support of every box peeled on the way.
    """

    limits: dict[str, tuple[float | None, float | None]]
    coverage: float
    density: float
    support: float
    trajectory: pd.DataFrame = field(repr=False)

    def contains(self, x: pd.DataFrame) -> np.ndarray:
        """Whether each row of ``x`` lies in the box."""
        inside = np.ones(len(x), dtype=bool)
        for name, (low, high) in self.limits.items():
            v = x[name].to_numpy(dtype=float)
            if low is not None:
                inside &= v >= low
            if high is not None:
                inside &= v <= high
        return inside

    def in_words(self, outcome: str = "the case") -> str:
        """``"<outcome> holds in 83 % of the points where A is above 0.22 and B below 0.31
        (coverage 91 %)"``."""
        parts = []
        for name, (low, high) in self.limits.items():
            show = (
                (lambda v, n=name: format_value(n, v)) if name in SPECS else (lambda v: f"{v:.3g}")
            )
            what = label(name) if name in SPECS else name
            if low is not None and high is not None:
                parts.append(f"{what} is between {show(low)} and {show(high)}")
            elif low is not None:
                parts.append(f"{what} is above {show(low)}")
            elif high is not None:
                parts.append(f"{what} is below {show(high)}")
        where = " and ".join(parts) if parts else "anywhere"
        return (
            f"{outcome} in {pct(self.density)} of the points where {where} "
            f"(these hold {pct(self.coverage)} of all such points)"
        )


def prim(
    x: pd.DataFrame,
    y: np.ndarray | pd.Series,
    *,
    alpha: float = 0.05,
    min_support: float = 0.05,
    min_coverage: float = 0.5,
    tolerance: float = 0.03,
) -> Box:
    """The PRIM box of the cases ``y`` (booleans) over the inputs ``x``.

    Raises
    ------
    ParameterError
        If ``y`` has no case of interest, the lengths differ, or ``alpha`` is not in (0, 0.5).
    """
    y = np.asarray(y, dtype=bool)
    if len(y) != len(x):
        raise ParameterError(f"prim: {len(x)} points but {len(y)} outcomes")
    if not y.any():
        raise ParameterError("prim: no point is a case of interest; nothing to find")
    if not 0 < alpha < 0.5:
        raise ParameterError(f"prim: alpha={alpha}: expected a share in (0, 0.5)")
    values = x.to_numpy(dtype=float)
    n, total = len(y), int(y.sum())
    inside = np.ones(n, dtype=bool)
    lows = values.min(axis=0).astype(float)
    highs = values.max(axis=0).astype(float)
    bounds = [(lows.copy(), highs.copy())]
    rows = [{"coverage": 1.0, "density": total / n, "support": 1.0}]
    while inside.mean() > min_support:
        best = None
        for j in range(values.shape[1]):
            v = values[inside, j]
            for side in ("low", "high"):
                q = np.quantile(v, alpha if side == "low" else 1 - alpha)
                keep = v >= q if side == "low" else v <= q
                if side == "low" and q <= lows[j]:  # ties: peel past the lowest value
                    keep = v > q
                if side == "high" and q >= highs[j]:
                    keep = v < q
                if keep.all() or not keep.any():
                    continue
                density = y[inside][keep].mean()
                if best is None or density > best[0]:
                    best = (density, j, side, keep)
        if best is None:
            break
        _, j, side, keep = best
        idx = np.flatnonzero(inside)
        inside[idx[~keep]] = False
        if side == "low":
            lows[j] = values[inside, j].min()
        else:
            highs[j] = values[inside, j].max()
        bounds.append((lows.copy(), highs.copy()))
        rows.append(
            {
                "coverage": y[inside].sum() / total,
                "density": y[inside].mean(),
                "support": inside.mean(),
            }
        )
    trajectory = pd.DataFrame(rows)
    eligible = trajectory[trajectory["coverage"] >= min_coverage]
    if len(eligible):
        # the first box within `tolerance` of the densest: later peels mostly trade
        # coverage for noise (and add limits that do not bind in truth)
        reached = eligible[eligible["density"] >= eligible["density"].max() - tolerance]
        k = int(reached.index[0])
    else:
        k = 0
    low_k, high_k = bounds[k]
    data_low, data_high = values.min(axis=0), values.max(axis=0)
    limits = {}
    for j, name in enumerate(x.columns):
        lo = float(low_k[j]) if low_k[j] > data_low[j] else None
        hi = float(high_k[j]) if high_k[j] < data_high[j] else None
        if lo is not None or hi is not None:
            limits[str(name)] = (lo, hi)
    row = trajectory.loc[k]
    return Box(
        limits=limits,
        coverage=float(row["coverage"]),
        density=float(row["density"]),
        support=float(row["support"]),
        trajectory=trajectory,
    )
