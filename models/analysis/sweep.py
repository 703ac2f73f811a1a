"""A sweep's points evaluated at model level: each point's Monte Carlo run, summarised.

Each point is the base scenario with its varied inputs set (:mod:`models.inputs.sweep_spec`),
simulated on ``paths`` paths with the seed's named streams, so every point sees the
same futures (common random numbers: neighbouring points differ by the inputs, not by
noise) and a point's numbers do not depend on which worker computed it or how the
points were chunked. Only each path's NPV is built
(:func:`models.uncertainty.montecarlo.path_npv`).

Under ``decision_rule: fixed`` (the example sweeps' setting) each point follows its own
most-likely-case plan and needs no review rules: that is what makes a point cost about
0.1 s at 1,000 paths. Under ``adaptive``, the rules are fitted once, at the base
scenario, and applied at every point: fitting them per point (about 1.3 s) would cost
more than the point itself, but a rule fitted at the base can be blind to a change at a
far point, as the what-if panel found (:mod:`models.analysis.whatif`), so prefer
``fixed`` for maps.
"""

from __future__ import annotations

import gc
from typing import Any

import numpy as np
import pandas as pd

from models.analysis import metrics
from models.uncertainty import montecarlo

#: The columns of a sweep's table, besides the varied inputs.
COLUMNS = [
    "point",
    "mode",
    "mean_npv_usd_m",
    "p5_usd_m",
    "p95_usd_m",
    "p_loss",
    "p_best",
    "recommended",
    "runner_up",
    "lead_usd_m",
    "lead_se_usd_m",
    "n_paths",
]


def _summary(params, n_paths: int, rules: dict[str, Any] | None) -> dict[str, Any]:
    """One point's summary as columns (a row per mode, best first; see :data:`COLUMNS`,
    without ``point``): arrays, or one value for every row."""
    npv = montecarlo.path_npv(params, n_paths, rules=rules)
    table, ranking, second = metrics.ranked(npv)
    rec = ranking[0]
    lead, se, _ = metrics.paired_difference(npv, rec, second)
    return {
        "mode": table.index.to_numpy(),
        "mean_npv_usd_m": table["mean"].to_numpy(),
        "p5_usd_m": table["p5"].to_numpy(),
        "p95_usd_m": table["p95"].to_numpy(),
        "p_loss": table["prob_loss"].to_numpy(),
        "p_best": table["prob_best"].to_numpy(),
        "recommended": rec,
        "runner_up": second,
        "lead_usd_m": lead,
        "lead_se_usd_m": se,
        "n_paths": n_paths,
    }


def evaluate_point(params, n_paths: int, rules: dict[str, Any] | None) -> pd.DataFrame:
    """One point's summary: a row per mode (see :data:`COLUMNS`, without ``point``);
    ``rules`` are the base's review rules (None under the fixed rule)."""
    return pd.DataFrame(_summary(params, n_paths, rules))


def evaluate_chunk(sweep, indices: list[int], rules: dict[str, Any] | None) -> pd.DataFrame:
    """The table rows of the points ``indices`` of ``sweep`` (a pure function of its
    arguments: what a Dask worker runs): each point's summary (:func:`evaluate_point`),
    its index and its varied inputs.

    The chunk's rows are gathered as columns and made one table at the end: a table per
    point, and pandas' row access, cost some 3 ms a point (issue 25). Each varied input
    keeps its own type, in the table and in the point's parameters (a row of pandas'
    made whole numbers floats where others varied, which an integer parameter refused).
    """
    block = sweep.points.iloc[list(indices)]
    rows = block.to_dict(orient="records")
    varied = {name: block[name].to_numpy() for name in block.columns}
    columns: dict[str, list] = {"point": []}
    for j, (i, row) in enumerate(zip(indices, rows, strict=True)):
        summary = _summary(sweep.point_params(i, row), sweep.paths, rules)
        n = len(summary["mode"])
        columns["point"].append(np.full(n, i, dtype=np.int64))
        for name, value in summary.items():
            columns.setdefault(name, []).append(
                value if isinstance(value, np.ndarray) else np.full(n, value)
            )
        for name, values in varied.items():
            columns.setdefault(name, []).append(np.repeat(values[j : j + 1], n))
    return pd.DataFrame({name: _column(parts) for name, parts in columns.items()})


def _column(parts: list[np.ndarray]) -> Any:
    """A table column from the chunk's parts: text as pandas types text."""
    values = np.concatenate(parts)
    return pd.array(values, dtype="str") if values.dtype.kind in "OU" else values


def warm_up() -> None:
    """Import the engine and run it once on a few paths: what a fresh Dask worker pays
    before its first point (about 1.5 s: imports, the compiled kernels loaded from
    numba's cache), done when the cluster starts so that the points' phase measures
    points."""
    from models.inputs.params import validate

    evaluate_point(validate(decision_rule="fixed", correlations=[]), 8, None)


def freeze_heap() -> None:
    """Move the objects now alive (some 200,000 after :func:`warm_up`: the libraries'
    modules, functions and caches) out of the garbage collector's sight
    (:func:`gc.freeze`): a full collection that walked them all cost about 100 ms every
    40 points or so, 2-3 ms a point (issue 25).

    For a worker process of the sweep's own cluster only, which ends with the sweep:
    in a process that lives on (a user's kernel hosting threaded workers, a shared
    cluster's worker), a reference cycle among the frozen objects would never be freed
    (the review's finding)."""
    gc.collect()
    gc.freeze()
