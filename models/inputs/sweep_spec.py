"""Sweep files: which inputs to vary, over which points, with how many paths each.

A sweep file (``data/sweeps/*.yaml``) names a base scenario and the inputs to vary::

    name: partner_terms
    base: data/scenarios/base.yaml     # relative to the project, or to the file
    paths: 1000                        # Monte Carlo paths per point
    design: grid                       # grid | lhs | scenarios
    vary:                              # grid: values, or low/high/steps
      partner_revenue_share: {low: 0.1, high: 0.6, steps: 6}
      market_foreign_premium_share: [0.2, 0.43, 0.85]
    # lhs:       vary: {name: {low: .., high: ..}}, points: 500
    # scenarios: scenarios: [data/scenarios/letv_2015.yaml, ...]
    decision_rule: fixed               # optional: any parameter, for every point
    chunk: 50                          # points per chunk (resume granularity)

Every point is the base scenario with the varied inputs set to the point's values
(taken as known, as the tornado does) and the other parameters as the file gives them;
every point is validated before anything runs, so a bad value is refused with one line
naming it. The points of a Latin hypercube come from the seed's named stream
``sweep/points``: the same file and seed give the same points.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from models._paths import PROJECT_ROOT
from models._rng import latin_hypercube, stream
from models.exceptions import ParameterError, ScenarioFileError
from models.format import show
from models.inputs.memory import SWEEP_POINT, WORKER_BUDGET
from models.inputs.path_count import check_paths
from models.inputs.schema import SPECS

log = logging.getLogger(__name__)

#: Keys a sweep file may hold besides parameters.
KEYS = ("name", "base", "paths", "design", "vary", "points", "scenarios", "chunk")
DESIGNS = ("grid", "lhs", "scenarios")

#: Most points a sweep may have (a safety net for typos such as steps: 1000 in 4 inputs).
MAX_POINTS = 200_000
#: Most chunks (files, and records in the manifest) a sweep may have.
MAX_CHUNKS = 10_000


@dataclass(frozen=True)
class Sweep:
    """A validated sweep file.

    Attributes
    ----------
    name : str
        The sweep's name (its folder under ``reports/_sweeps``).
    base : Parameters
        The base scenario with the file's fixed settings applied.
    base_file : Path
        The base scenario's file.
    paths : int
        Paths per point.
    design : str
        ``grid``, ``lhs`` or ``scenarios``.
    points : pandas.DataFrame
        One row per point: the varied inputs' values (``scenario`` for a list of files).
    chunk : int
        Points per chunk.
    spec : dict
        The file as read (recorded in the manifest).
    """

    name: str
    base: Any
    base_file: Path
    paths: int
    design: str
    points: pd.DataFrame
    chunk: int
    spec: dict = field(repr=False)
    overrides: dict = field(default_factory=dict, repr=False)

    def point_params(self, i: int, row: Mapping[str, Any] | None = None):
        """The parameters of point ``i``; ``row``: its row of :attr:`points` as a
        mapping, where the caller has it (pandas' row access costs about as much as the
        validation). Each input keeps its type (a row as a Series would make whole
        numbers floats where fractions vary beside them)."""
        if row is None:
            row = self.points.iloc[[i]].to_dict(orient="records")[0]
        if self.design == "scenarios":
            from models.inputs.scenario import load

            return load(row["scenario"], self.overrides)
        return self.base.replace(**{k: _plain(v) for k, v in row.items()})

    @property
    def needs_rules(self) -> bool:
        """Whether some point leaves by the ``adaptive`` review rule, whose rules must
        then be fitted (under ``fixed`` a point needs none)."""
        if self.design == "scenarios":
            return any(
                self.point_params(i).decision_rule != "fixed" for i in range(len(self.points))
            )
        if "decision_rule" in self.points:
            return bool((self.points["decision_rule"] != "fixed").any())
        return self.base.decision_rule != "fixed"


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def _fail(path: Path, problem: str) -> ScenarioFileError:
    return ScenarioFileError(f"sweep file {path}: {problem}")


def _resolve(path: Path, name: Any) -> Path:
    if not isinstance(name, str) or not name:
        raise _fail(path, f"scenario {show(name)}: expected a file name")
    for candidate in (path.parent / name, PROJECT_ROOT / name, Path(name)):
        if candidate.is_file():
            return candidate
    raise _fail(path, f"scenario {name!r}: not found")


def _number(value: Any) -> bool:
    """Whether ``value`` is a finite number (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer beyond any float
        return False


def _check_numeric(path: Path, name: str) -> None:
    if name not in SPECS or SPECS[name].type not in ("float", "int"):
        from models.inputs.params import suggest

        hint = suggest(name)
        raise _fail(
            path,
            f"vary: {show(name)} is not a numeric parameter"
            + (f"; did you mean {hint}?" if hint else ""),
        )


def _steps(path: Path, name: str, spec: Mapping) -> tuple[float, float, int]:
    """The checked ``low``, ``high`` and ``steps`` of a grid axis, before any value is
    made (``steps: 1000000000`` would allocate 7.5 GiB)."""
    low, high, steps = spec["low"], spec["high"], spec["steps"]
    for key, value in (("low", low), ("high", high)):
        if not _number(value):
            raise _fail(path, f"vary: {name}: {key}={show(value)}: expected a finite number")
    if not isinstance(steps, int) or isinstance(steps, bool) or steps < 1:
        raise _fail(path, f"vary: {name}: steps={show(steps)}: expected a whole number >= 1")
    if steps > MAX_POINTS:
        raise _fail(
            path,
            f"vary: {name}: steps={steps:,}: the grid would have at least {steps:,} points; "
            f"expected at most {MAX_POINTS:,}",
        )
    return float(low), float(high), steps


def _axis(path: Path, name: str, spec: Any) -> list[float]:
    """The values of one varied input on a grid."""
    _check_numeric(path, name)
    if isinstance(spec, list):
        values = spec
    elif isinstance(spec, Mapping) and {"low", "high", "steps"} <= set(spec):
        low, high, steps = _steps(path, name, spec)
        values = list(np.linspace(low, high, steps)) if steps > 1 else [low]
    else:
        raise _fail(
            path, f"vary: {name}={show(spec)}: expected a list of values or {{low, high, steps}}"
        )
    if not values:
        raise _fail(path, f"vary: {name}: the range is empty; expected at least one value")
    if not all(_number(v) for v in values):
        raise _fail(path, f"vary: {name}={show(values)}: expected finite numbers")
    if SPECS[name].type == "int":
        values = [round(v) for v in values]
    return [float(v) if SPECS[name].type == "float" else v for v in values]


def _grid(path: Path, vary: Mapping[str, Any]) -> pd.DataFrame:
    """The points of a grid: the product of the axes, its size checked (with Python's
    integers: numpy's product of four axes of 65,536 steps overflows to 0) before the
    product is made."""
    axes = {name: _axis(path, name, spec) for name, spec in vary.items()}
    n = math.prod(len(v) for v in axes.values())
    if n > MAX_POINTS:
        sizes = " x ".join(f"{len(v):,}" for v in axes.values())
        raise _fail(path, f"the grid has {sizes} = {n:,} points; expected at most {MAX_POINTS:,}")
    return pd.DataFrame(list(itertools.product(*axes.values())), columns=list(axes))


def _range(path: Path, name: str, spec: Any) -> tuple[float, float]:
    _check_numeric(path, name)
    if not (isinstance(spec, Mapping) and {"low", "high"} <= set(spec)):
        raise _fail(path, f"vary: {name}={show(spec)}: a Latin hypercube needs {{low, high}}")
    low, high = spec["low"], spec["high"]
    if not (_number(low) and _number(high)) or not low < high:
        raise _fail(
            path,
            f"vary: {name}: low={show(low)}, high={show(high)}: expected finite numbers, "
            "low < high",
        )
    return float(low), float(high)


def load_sweep(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Sweep:
    """Read and validate a sweep file (every point is validated).

    Raises
    ------
    ScenarioFileError, ParameterError
        One line naming the file, the key or parameter, the value and what was expected.
    """
    from models.inputs.scenario import load, load_yaml

    path = Path(path)
    data = load_yaml(path, "sweep file", "a sweep file, e.g. data/sweeps/partner_terms.yaml")
    unknown = [k for k in data if k not in KEYS and k not in SPECS]
    if unknown:
        raise _fail(
            path,
            f"key {unknown[0]!r} is neither a sweep setting ({', '.join(KEYS)}) nor a parameter",
        )
    design = data.get("design", "grid")
    if design not in DESIGNS:
        raise _fail(path, f"design={show(design)}: expected one of {', '.join(DESIGNS)}")
    try:
        paths = check_paths(data.get("paths", 1000), what="paths")
    except ParameterError as exc:
        raise _fail(path, str(exc)) from None
    chunk = data.get("chunk", 50)
    if not isinstance(chunk, int) or isinstance(chunk, bool) or chunk < 1:
        raise _fail(path, f"chunk={show(chunk)}: expected a whole number of points >= 1")
    fixed = {k: v for k, v in data.items() if k in SPECS}
    fixed.update(overrides or {})
    base_file = _resolve(path, data.get("base", "data/scenarios/base.yaml"))
    base = load(base_file, fixed)
    vary = data.get("vary") or {}
    if design != "scenarios" and (not isinstance(vary, Mapping) or not vary):
        raise _fail(
            path,
            "vary: expected at least one input to vary (a sweep file names a base scenario "
            "and the inputs to vary, e.g. data/sweeps/partner_terms.yaml)",
        )
    if design == "grid":
        points = _grid(path, vary)
    elif design == "lhs":
        n = data.get("points")
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_POINTS:
            raise _fail(path, f"points={show(n)}: expected a whole number in [1, {MAX_POINTS}]")
        ranges = {name: _range(path, name, spec) for name, spec in vary.items()}
        rng = np.random.default_rng(stream(int(base.seed), "sweep/points"))
        u = latin_hypercube(n, len(ranges), rng)
        cols = {}
        for j, (name, (low, high)) in enumerate(ranges.items()):
            values = low + u[:, j] * (high - low)
            cols[name] = np.round(values).astype(int) if SPECS[name].type == "int" else values
        points = pd.DataFrame(cols)
    else:
        files = data.get("scenarios")
        if not isinstance(files, list) or not files:
            raise _fail(path, "scenarios: expected a list of scenario files")
        points = pd.DataFrame({"scenario": [str(_resolve(path, f)) for f in files]})
    chunks = -(-len(points) // chunk)
    if chunks > MAX_CHUNKS:
        raise _fail(
            path,
            f"chunk={chunk:,}: {len(points):,} points make {chunks:,} chunks (files); expected "
            f"at most {MAX_CHUNKS:,} chunks, a chunk of at least {-(-len(points) // MAX_CHUNKS):,}",
        )
    need = SWEEP_POINT.need(paths)  # each worker holds one point at a time
    if need > WORKER_BUDGET:
        raise _fail(
            path,
            f"paths={paths:,}: one point needs about {need / 1e9:.1f} GB; a worker has "
            f"{WORKER_BUDGET / 1e9:.0f} GB; expected at most "
            f"{SWEEP_POINT.most_paths(WORKER_BUDGET):,}",
        )
    name = data.get("name") or path.stem
    if not isinstance(name, str):
        raise _fail(path, f"name={show(name)}: expected a text, the sweep's folder name")
    sweep = Sweep(
        name=name,
        base=base,
        base_file=base_file,
        paths=paths,
        design=design,
        points=points,
        chunk=chunk,
        spec=data,
        overrides=fixed,
    )
    _validate_points(path, sweep)
    return sweep


#: Points from which validation says how far it is (about 1 ms a point).
PROGRESS_FROM = 5_000


def _validate_points(path: Path, sweep: Sweep) -> None:
    """Every point valid before anything runs (about 0.5 ms a point: a 200,000-point grid
    takes a minute or two, so a large sweep logs about ten progress lines)."""
    n = len(sweep.points)
    step = max(1, n // 10)
    if n >= PROGRESS_FROM:
        log.info("sweep file %s: validating %s points (about %d s)", path, f"{n:,}", n // 2000)
    rows = sweep.points.to_dict(orient="records")  # pandas' row access would double the time
    for i, row in enumerate(rows):
        try:
            sweep.point_params(i, row)
        except ParameterError as exc:
            raise _fail(path, f"point {i} ({show(row, 80)}): {exc}") from None
        if n >= PROGRESS_FROM and (i + 1) % step == 0:
            log.info("sweep file %s: %s of %s points valid", path, f"{i + 1:,}", f"{n:,}")
