"""The offline what-if: the decision computed at a design of slider positions when the
report is made, and a surrogate that answers between them in the reader's browser.

The report is read offline, without Python. So the what-if panel's inputs
(:func:`models.analysis.whatif.controls`) are run through the full model at
``whatif_positions`` positions when the report is made, and the report's script answers
every other position with a cubic radial-basis surrogate
(:mod:`models.analysis.surrogate`) of those answers.

The design
    The scenario's position (every slider at its starting value); each slider moved
    alone to a few evenly spaced positions over its range, the others at their starting
    values (where readers move first: the answer along these lines is the full model's);
    and the rest a Latin hypercube over the sliders' box (moves of several sliders at
    once). Every position is on the sliders' step grid, so that a reader can reach it.

Each position
    The sliders' inputs are *known* at their values (pinned, as the tornado pins them,
    at the starting position too); everything else is drawn as in the report. The
    review rules are fitted at the position (:func:`models.uncertainty.montecarlo.fit_rules`
    on :data:`TRAINING_PATHS` paths), since rules fitted elsewhere can be blind to a
    change (:mod:`models.analysis.whatif`), then :data:`N_PATHS` futures are valued on
    the run's seed: the same futures at every position (common random numbers), so that
    two neighbouring positions differ by the inputs, not by sampling. :attr:`Design.noise_`
    measures what is left.

Held-out positions
    :func:`held_out_count` further positions, one along each slider (between the
    design's positions on its line) and some anywhere in the box, are run too but kept
    out of the fit: the surrogate's error there (:attr:`Design.error_`) is what the
    report states beside the sliders.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd

from models import _rng
from models import format as fmt
from models.analysis import drivers, metrics, surrogate
from models.analysis.whatif import Control
from models.economics.modes import MODES
from models.exceptions import ParameterError
from models.uncertainty import montecarlo

log = logging.getLogger(__name__)

#: Futures valued at each position: at 500, a mode's mean has a Monte Carlo standard
#: error of about 4.5 % of its spread (1 / sqrt(500)), and on common random numbers the
#: change from the start to the nearest position along a slider less (:attr:`Design.noise_`:
#: at most US$0.8 m in the base case, against US$2.1 m for a mean; standard errors); the
#: Monte Carlo run of a position costs about 0.2 s (on one thread; two chunks on two).
N_PATHS = 500

#: Training paths of the review rules fitted at each position: 1,000 fit in about 0.7 s on
#: this project's 2-core machine (issue 25; ``benchmarks/bench_whatif_offline.py``); the
#: live panel's 2,000 would nearly double the design's time for a rule within a standard
#: error.
TRAINING_PATHS = 1_000

#: Positions along each slider at most (the ends and evenly spaced points between).
AXIS_POSITIONS = 4

#: The per-mode answers kept at each position.
STATS = ("mean", "p5", "p95", "prob_loss", "ml")


def outputs() -> list[str]:
    """Names of the answers at each position: ``<stat>:<mode>`` for each of
    :data:`STATS` and mode, then ``se:<a>:<b>``, the Monte Carlo standard error of the
    mean difference of each pair of modes (US$ m; probabilities as fractions)."""
    names = [f"{s}:{m}" for s in STATS for m in MODES.names()]
    return names + [f"se:{a}:{b}" for a, b in combinations(MODES.names(), 2)]


def held_out_count(positions: int, sliders: int) -> int:
    """Held-out positions for a design of ``positions`` over ``sliders``: one along each
    slider, and a tenth of the design (at least 3) anywhere in the box."""
    return sliders + max(3, round(positions / 10))


def snap(c: Control, value: float) -> float:
    """``value`` on the slider's step grid, inside its range."""
    k = round((float(value) - c.low) / c.step)
    out = min(c.high, max(c.low, c.low + k * c.step))
    return float(round(out)) if c.integer else float(round(out, 12))


def positions(controls: list[Control], n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The design's ``n`` positions and its held-out positions (see the module docstring).

    Returns
    -------
    design, held_out : DataFrame
        One row per position, one column per control (values in the inputs' units) and
        ``kind`` (``start``, ``axis`` or ``joint``).

    Raises
    ------
    ParameterError
        If ``n`` is too small for the sliders (at least two more than their number).
    """
    d = len(controls)
    if n < d + 2:
        raise ParameterError(
            f"parameter whatif_positions={n}: expected 0 (no offline what-if) or at least "
            f"{d + 2} for this scenario's {fmt.count(d, 'slider')}"
        )
    start = {c.name: c.value for c in controls}
    rows: list[dict] = [{**start, "kind": "start"}]
    per_axis = min(AXIS_POSITIONS, (n - 1) // d)
    for c in controls:
        if per_axis == 1:
            ends = [c.low if c.value - c.low > c.high - c.value else c.high]
        else:
            ends = list(np.linspace(c.low, c.high, per_axis))
        for v in ends:
            v = snap(c, v)
            if abs(v - c.value) > c.step / 2:
                rows.append({**start, c.name: v, "kind": "axis"})
    rng = np.random.default_rng(_rng.stream(seed, "whatif/design"))
    joint = _rng.latin_hypercube(max(0, n - len(rows)), d, rng)
    rows += [_at(controls, u, "joint") for u in joint]
    design = pd.DataFrame(rows).drop_duplicates(subset=[c.name for c in controls])

    held: list[dict] = []
    for c in controls:  # along each slider, off the design's positions on its line
        taken = set(design.loc[design["kind"] != "joint", c.name])
        for _ in range(20):
            v = snap(c, c.low + rng.random() * (c.high - c.low))
            if v not in taken:
                break
        held.append({**start, c.name: v, "kind": "axis"})
    k = held_out_count(n, d) - d
    held += [_at(controls, u, "joint") for u in rng.random((k, d))]
    return design.reset_index(drop=True), pd.DataFrame(held)


def _at(controls: list[Control], u: np.ndarray, kind: str) -> dict:
    """The position at unit-box coordinates ``u``, snapped to the sliders' steps."""
    row: dict = {
        c.name: snap(c, c.low + ui * (c.high - c.low)) for c, ui in zip(controls, u, strict=True)
    }
    row["kind"] = kind
    return row


def answer(
    params, values: dict[str, float], n_paths: int = N_PATHS, training_paths: int = TRAINING_PATHS
) -> tuple[dict[str, float], pd.DataFrame]:
    """The full model at one position: the answers of :func:`outputs`, and the per-path
    NPVs (US$ m; paths by modes) they came from.

    ``values`` pins each slider's input at its value; the review rules are fitted at
    the position under ``decision_rule: adaptive``.
    """
    p = params.replace(**values, decision_training_paths=training_paths)
    rules = montecarlo.fit_rules(p) if p.decision_rule == "adaptive" else None
    npv = montecarlo.path_npv(p, n_paths, rules=rules, threads=montecarlo.WORKERS)
    table = metrics.npv_table(npv)
    ml = drivers.expected_npv(p)
    out: dict[str, float] = {}
    for s in STATS:
        for m in MODES.names():
            out[f"{s}:{m}"] = float(ml[m] if s == "ml" else table.loc[m, s])
    for a, b in combinations(MODES.names(), 2):
        out[f"se:{a}:{b}"] = metrics.paired_difference(npv, a, b)[1]
    return out, npv


@dataclass(frozen=True)
class Design:
    """The offline what-if's computed answers and surrogate; build with :func:`build`.

    Attributes
    ----------
    controls : list of Control
        The sliders, in order.
    design, held_out : DataFrame
        The positions (see :func:`positions`) with the answers of :func:`outputs` as
        further columns.
    surrogate : Surrogate
        Fitted on ``design``.
    n_paths, training_paths : int
        Futures valued and training paths of the rules at each position.
    error_ : dict
        The surrogate's largest absolute errors, US$ m, moving one slider (``one_*``: at
        the held-out positions along single sliders) and several (``several_*``: at the
        held-out positions in the box, and leaving out each design position off the
        sliders' lines in turn): ``*_mean`` over every mode's mean NPV, ``*_lead`` over
        the mean difference of every pair of modes, ``*_range`` over P5 and P95, and
        ``*_n`` the positions behind each; ``reach``, the largest scaled distance from a
        held-out position to the nearest design position (where the error was measured).
    noise_ : dict
        ``se_mean``: the largest Monte Carlo standard error of a mode's mean at the
        start; ``se_step``: the largest, over sliders and modes, standard error of the
        change in a mode's mean between the start and the nearest position along the
        slider (the same futures), US$ m.
    seconds : dict
        Time of each step.
    """

    controls: list[Control]
    design: pd.DataFrame
    held_out: pd.DataFrame
    surrogate: surrogate.Surrogate
    n_paths: int
    training_paths: int
    error_: dict[str, float]
    noise_: dict[str, float]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """The sliders' parameter names."""
        return [c.name for c in self.controls]

    def predict(self, values: pd.DataFrame | dict) -> pd.DataFrame:
        """The surrogate's answers (columns of :func:`outputs`) at positions given as a
        frame or a mapping of slider name to value (others at their starting values)."""
        if isinstance(values, dict):
            values = pd.DataFrame([{**{c.name: c.value for c in self.controls}, **values}])
        y = self.surrogate.predict(values[self.names].to_numpy(dtype=float))
        return pd.DataFrame(y, columns=outputs(), index=values.index)


def _pair_gaps(err: pd.DataFrame) -> np.ndarray:
    """Errors of every pair's mean difference, from the errors of the modes' means."""
    modes = list(MODES.names())
    return np.column_stack([err[f"mean:{a}"] - err[f"mean:{b}"] for a, b in combinations(modes, 2)])


def _line_loo(fitted: surrogate.Surrogate) -> np.ndarray:
    """Errors of linear interpolation along each slider's line with each interior
    position left out (rows: positions; columns: outputs)."""
    rows = []
    for xs, ys in fitted.lines:
        for i in range(1, len(xs) - 1):
            w = (xs[i] - xs[i - 1]) / (xs[i + 1] - xs[i - 1]) if xs[i + 1] > xs[i - 1] else 0.0
            rows.append(ys[i - 1] + w * (ys[i + 1] - ys[i - 1]) - ys[i])
    return np.array(rows).reshape(-1, fitted.anchor_values.shape[0])


def _errors(
    fitted: surrogate.Surrogate, design: pd.DataFrame, held: pd.DataFrame, names: list[str]
) -> dict[str, float]:
    """The surrogate's largest absolute errors, moving one slider and several (see
    :attr:`Design.error_`)."""
    modes = list(MODES.names())
    means = [f"mean:{m}" for m in modes]
    ranges = [f"{s}:{m}" for s in ("p5", "p95") for m in modes]
    pred = pd.DataFrame(fitted.predict(held[names].to_numpy(dtype=float)), columns=outputs())
    err = pred - held[outputs()].reset_index(drop=True)
    loo = pd.DataFrame(fitted.loo_error_, columns=outputs()).dropna()
    out: dict[str, float] = {}
    # along the lines, also each interior position left out and interpolated from its
    # neighbours (twice the spacing: a pessimistic error, where 8 held-out positions
    # alone understated a fresh position's error 4-fold in letv_2015)
    line = pd.DataFrame(_line_loo(fitted), columns=outputs())
    for kind, extra in (("one", line), ("several", loo)):
        e = err[(held["kind"] == ("axis" if kind == "one" else "joint")).to_numpy()]
        if extra is not None:
            e = pd.concat([e, extra], ignore_index=True)
        if e.empty:
            out.update(
                {
                    f"{kind}_mean": float("nan"),
                    f"{kind}_lead": float("nan"),
                    f"{kind}_range": float("nan"),
                    f"{kind}_n": 0,
                }
            )
            continue
        out[f"{kind}_mean"] = float(e[means].abs().to_numpy().max())
        out[f"{kind}_lead"] = float(np.abs(_pair_gaps(e)).max())
        out[f"{kind}_range"] = float(e[ranges].abs().to_numpy().max())
        out[f"{kind}_n"] = len(e)
    out["reach"] = float(fitted.nearest(held[names].to_numpy(dtype=float)).max())
    return out


def build(
    params,
    controls: list[Control],
    n: int | None = None,
    *,
    n_paths: int = N_PATHS,
    training_paths: int = TRAINING_PATHS,
    progress: Callable[[int, int], None] | None = None,
) -> Design:
    """Run the full model at the design's and the held-out positions and fit the
    surrogate (about 0.66 s a position on this project's 2-core machine: 34 s for the
    base case's 51 positions in a report of 5,000 paths, issue 25).

    Parameters
    ----------
    params : Parameters
        The scenario.
    controls : list of Control
        The sliders (:func:`models.analysis.whatif.controls`).
    n : int, optional
        Design positions (default: the ``whatif_positions`` parameter).
    progress : callable, optional
        Called as ``progress(done, total)`` after each position.
    """
    n = int(params.whatif_positions if n is None else n)
    names = [c.name for c in controls]
    clock: dict[str, float] = {}
    t0 = time.perf_counter()
    design, held = positions(controls, n, params.seed)
    every = pd.concat([design, held], ignore_index=True)
    answers: list[dict[str, float]] = []
    paths: dict[int, pd.DataFrame] = {}
    for i, row in every.iterrows():
        values = {c.name: (int(row[c.name]) if c.integer else float(row[c.name])) for c in controls}
        out, npv = answer(params, values, n_paths, training_paths)
        answers.append(out)
        if i < len(design) and every.loc[i, "kind"] != "joint":  # for noise_
            paths[i] = npv
        if progress is not None:
            progress(len(answers), len(every))
        log.info("what-if design: position %d of %d", len(answers), len(every))
    clock["positions"] = time.perf_counter() - t0
    every = pd.concat([every, pd.DataFrame(answers)], axis=1)
    design, held = every.iloc[: len(design)].reset_index(drop=True), every.iloc[len(design) :]
    t1 = time.perf_counter()
    low = np.array([c.low for c in controls])
    high = np.array([c.high for c in controls])
    anchor = np.array([c.value for c in controls])
    fitted = surrogate.fit(
        design[names].to_numpy(dtype=float), design[outputs()].to_numpy(), low, high, anchor
    )
    clock["surrogate"] = time.perf_counter() - t1
    clock["total"] = time.perf_counter() - t0
    log.info(
        "what-if design: %d positions and %d held out in %.1f s",
        len(design),
        len(held),
        clock["total"],
    )
    return Design(
        controls,
        design,
        held.reset_index(drop=True),
        fitted,
        n_paths,
        training_paths,
        _errors(fitted, design, held.reset_index(drop=True), names),
        _noise(paths, design, controls),
        clock,
    )


def _noise(
    paths: dict[int, pd.DataFrame], design: pd.DataFrame, controls: list[Control]
) -> dict[str, float]:
    """Monte Carlo noise at the start, and of the step from the start to the nearest
    position along each slider (the largest over sliders and modes)."""
    start = paths[0]
    se_mean = float((start.std(ddof=1) / np.sqrt(len(start))).max())
    origin = design.loc[0, [c.name for c in controls]].to_numpy(dtype=float)
    se_step = float("nan")
    for j, c in enumerate(controls):
        line = [i for i in paths if i > 0 and abs(design.loc[i, c.name] - origin[j]) > 1e-12]
        if not line:
            continue
        nearest = min(line, key=lambda i: abs(design.loc[i, c.name] - origin[j]))
        diff = paths[nearest] - start
        se = float((diff.std(ddof=1) / np.sqrt(len(diff))).max())
        se_step = se if se_step != se_step else max(se_step, se)
    return {"se_mean": se_mean, "se_step": se_step}
