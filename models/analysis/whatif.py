"""What if: the decision again, with a few inputs changed, fast enough for a slider.

A strategist moves one input and wants the answer back before the thought is gone:
the recommendation, each mode's NPV and how sure. :class:`WhatIf` re-evaluates a
scenario with ``changes`` applied, in steps of different cost:

1. :meth:`WhatIf.expected_case`: every input at its value, events as expected losses,
   each mode valued as if started now (:func:`models.economics.simulation.simulate`
   with ``started``, so that a mode not worth starting shows what it would lose), about
   20 ms: the panel shows it
   at once, while the slider is still moving;
2. :meth:`WhatIf.evaluate`: the review rules refitted at the new values on
   :data:`TRAINING_PATHS` training paths (about 0.7 s; kept, so that moving back costs
   nothing), then a small Monte Carlo run (:data:`N_PATHS` futures, about 0.1 s) on the
   same named random streams as the report, so that a change is not hidden in
   sampling noise: every position sees the same futures (common random numbers).

The rules are refitted rather than reused because a rule fitted at the starting values
can be blind to a change: in the base case it walks away from both own services at
the first review whatever it observes, and would keep doing so after the partner's
terms had been made generous.

An input moved away from where it started is taken as *known* at that value (pinned,
as the tornado does); the futures still vary in everything else. Moved back, it is
uncertain again.

:func:`controls` picks what the panel offers: the inputs that move this scenario's
answer most (the report's tornado), those that move the best own service most (so
that the answer can be pushed towards running a service), and the two terms the
streamer sets itself, its price and the partner's revenue share.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from models import format as fmt
from models.analysis import drivers, metrics
from models.economics.modes import MODES
from models.exceptions import ParameterError
from models.inputs.display import format_value, label
from models.inputs.path_count import check_paths
from models.inputs.schema import SPECS
from models.uncertainty import montecarlo

log = logging.getLogger(__name__)

#: Paths of the what-if's Monte Carlo run: 300 keep a move under a second on two
#: cores (``benchmarks/bench_whatif.py``) and the standard error of a mode's mean
#: near a twentieth of its spread.
N_PATHS = 300

#: The term the streamer sets itself in every mode, offered in every panel with the
#: terms it negotiates (:func:`decisions`).
PRICE = "pricing_price_cny_month"


def decisions() -> tuple[str, ...]:
    """Terms the streamer sets itself, offered in every panel: its price, and each
    registered mode's negotiated term (a partner's revenue share: ``deal_term``)."""
    return (PRICE, *(m.deal_term for m in MODES if m.deal_term))


#: Inputs offered from the tornado of the recommendation, then of the best own service.
FROM_ANSWER = 4
FROM_SERVICE = 2

#: Training paths of the review rules refitted at each position: 2,000 fit in about
#: 0.7 s, and the adaptive means sit within a standard error of those at 8,000
#: (``benchmarks/bench_reviews.py``, section 1).
TRAINING_PATHS = 2_000

#: Positions whose review rules are kept (about 0.3 MB each), so that moving back
#: costs no refit.
RULES_KEPT = 64

#: Quantiles of an uncertain input's distribution that bound its slider.
SLIDER_QUANTILES = (0.01, 0.99)


@dataclass(frozen=True)
class Control:
    """One input the what-if panel lets the reader move.

    Attributes
    ----------
    name, label, unit : str
        Parameter name, reader's name and unit.
    value : float
        Where it starts: the scenario's value (for an uncertain input, its most likely
        value).
    low, high, step : float
        The slider's range and step: P1 to P99 of an uncertain input's distribution;
        for a term the streamer sets, half to twice its value (0 to 1 for a share),
        inside the valid range.
    integer : bool
        Whether the parameter is an integer.
    why : str
        Why it is offered, in words.
    """

    name: str
    label: str
    unit: str
    value: float
    low: float
    high: float
    step: float
    integer: bool
    why: str

    def show(self, value: float) -> str:
        """The value with its unit, as the report writes it, to the slider's step."""
        return format_value(self.name, value, self.step)


def _prose(mode: str) -> str:
    """A mode's name inside a sentence (``staying out``, ``licensing``)."""
    return MODES.in_words(mode)


def _nice_step(span: float) -> float:
    """A round step giving about 100 to 200 positions over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / 100
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def control(params, name: str, why: str = "") -> Control:
    """The slider of one parameter (see :class:`Control` for its range).

    Raises
    ------
    ParameterError
        If ``name`` is not a numeric parameter.
    """
    spec = SPECS.get(name)
    if spec is None or spec.type not in ("float", "int"):
        raise ParameterError(f"what-if control {name!r}: expected the name of a numeric parameter")
    value = float(getattr(params, name))
    dist = params.distributions.get(name)
    vmin = -math.inf if spec.min is None else float(spec.min)
    vmax = math.inf if spec.max is None else float(spec.max)
    if dist is not None:
        low, high = (float(x) for x in dist.ppf(np.asarray(SLIDER_QUANTILES)))
    elif spec.unit.startswith(("fraction", "probability")):
        low, high = 0.0, 1.0
    elif value > 0:
        low, high = value / 2, value * 2
    else:
        low, high = value - 1.0, value + 1.0
    low, high = max(vmin, min(low, value)), min(vmax, max(high, value))
    integer = spec.type == "int"
    step = 1.0 if integer else _nice_step(high - low)
    if integer:
        low, high = math.floor(low), math.ceil(high)
    else:  # the ends on a step grid through the start, inside the valid range, so
        # that the slider (an HTML range input snaps to min + k step) can sit at the start
        below = math.ceil((value - low) / step - 1e-9)
        above = math.ceil((high - value) / step - 1e-9)
        low = value - below * step
        if low < vmin - 1e-12:
            low = value - math.floor((value - vmin) / step + 1e-9) * step
        high = value + above * step
        if high > vmax + 1e-12:
            high = value + math.floor((vmax - value) / step + 1e-9) * step
        low, high = round(low, 12), round(high, 12)
    return Control(name, label(name), spec.unit, value, low, high, step, integer, why)


def controls(decision, n_answer: int = FROM_ANSWER, n_service: int = FROM_SERVICE) -> list[Control]:
    """The inputs the what-if panel offers for this scenario's decision.

    ``n_answer`` inputs that move the recommendation's lead most (the report's
    tornado, zero swings left out), then ``n_service`` that move the best own service's
    margin most (its own tornado), then :func:`decisions`.
    """
    params = decision.params
    chosen: dict[str, str] = {}

    def take(tornado: pd.DataFrame, k: int, column: str, why: str) -> None:
        rows = tornado[tornado[column] > 1e-6].sort_values(column, ascending=False)
        added = 0
        for row in rows.itertuples():
            if added == k:
                break
            if row.input not in chosen and row.input not in decisions():
                chosen[row.input] = why.format(swing=fmt.money(getattr(row, column)))
                added += 1

    rec = decision.recommended
    take(
        decision.tornado,
        n_answer,
        "swing",
        f"moves the lead of {_prose(rec)} by {{swing}}",
    )
    means = decision.mc.npv[list(MODES.services())].mean()
    own = str(means.idxmax())
    rival = str(decision.mc.npv[MODES.rivals(own, decision.ranking)].mean().idxmax())
    take(
        drivers.tornado(params, own, rival),
        n_service,
        "swing",
        f"moves {_prose(own)} against {_prose(rival)} by {{swing}}",
    )
    for name in decisions():
        chosen[name] = "a term the streamer sets"
    return [control(params, name, why) for name, why in chosen.items()]


def in_words(changes: Mapping[str, float], steps: Mapping[str, float] | None = None) -> list[str]:
    """Changed inputs in words (``licence fee per title: US$0.6 m per title``), each
    to its slider's step in ``steps`` (parameter name to step), if given."""
    steps = steps or {}
    return [f"{label(k)}: {format_value(k, v, steps.get(k))}" for k, v in changes.items()]


@dataclass(frozen=True)
class Outcome:
    """The decision at one position of the panel.

    Attributes
    ----------
    params : Parameters
        The parameters evaluated (the scenario with ``changes``).
    changes : dict
        The inputs moved from where they started, and their values.
    expected : pandas.Series
        Expected-case NPV of each mode, best exit policy, US$ m.
    table : pandas.DataFrame
        Per mode, best first: the Monte Carlo ``mean``, ``se``, ``p5``, ``p95``,
        ``prob_loss`` and ``prob_best`` (:func:`models.analysis.metrics.npv_table`),
        under the scenario's ``decision_rule``, US$ m.
    lead : tuple of float
        The recommendation's mean lead over the runner-up, its standard error and the
        share of futures in which it is ahead.
    n_paths : int
        Futures simulated.
    seconds : dict
        Time of each step.
    """

    params: Any
    changes: dict[str, float]
    expected: pd.Series
    table: pd.DataFrame
    lead: tuple[float, float, float]
    n_paths: int
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def recommended(self) -> str:
        """The mode with the highest mean NPV over the futures."""
        return str(self.table.index[0])

    @property
    def runner_up(self) -> str:
        """The best mode that starts differently from the recommendation."""
        return next(
            m for m in self.table.index[1:] if m in MODES.rivals(self.recommended, self.table.index)
        )

    @property
    def expected_best(self) -> str:
        """The best mode in the most-likely case."""
        return str(self.expected.idxmax())

    @property
    def too_close(self) -> bool:
        """Whether the lead is within two standard errors of zero."""
        mean, se, _ = self.lead
        return bool(abs(mean) < 2 * se)

    def headline(self) -> str:
        """The recommendation in one sentence."""
        rec, second = self.recommended, self.runner_up
        row = self.table.loc[rec]
        mean, se, ahead = self.lead
        call = "too close to call: " if self.too_close else ""
        return (
            f"{call}{MODES.label(rec)}, mean NPV {fmt.money(row['mean'])} "
            f"(P5 {fmt.money(row['p5'])} to P95 {fmt.money(row['p95'])}), "
            f"{fmt.money(mean)} ± {fmt.money(2 * se)} ahead of {_prose(second)}, "
            f"ahead in {fmt.pct(ahead)} of {self.n_paths:,} futures"
        )

    def about(self, mode: str) -> str:
        """One mode in one sentence: its NPV, its chance of loss, and its gap to the
        best mode that starts differently."""
        if mode not in self.table.index:
            raise ParameterError(f"what-if mode {mode!r}: expected one of {list(self.table.index)}")
        row = self.table.loc[mode]
        best = self.table.loc[MODES.rivals(mode, self.table.index), "mean"].idxmax()
        gap = row["mean"] - self.table.loc[best, "mean"]
        side = "ahead of" if gap >= 0 else "behind"
        return (
            f"{MODES.label(mode)}: mean NPV {fmt.money(row['mean'])}, loses money in "
            f"{fmt.pct(row['prob_loss'])} of futures, {fmt.money(abs(gap))} {side} "
            f"{_prose(best)}; most-likely case {fmt.money(self.expected[mode])}"
        )

    def changed(self, steps: Mapping[str, float] | None = None) -> list[str]:
        """The moved inputs in words (``licence fee per title: US$0.6 m per title``),
        each to its slider's step in ``steps`` (parameter name to step), if given."""
        return in_words(self.changes, steps)


class WhatIf:
    """Re-evaluates a scenario with some inputs changed (see the module docstring).

    Parameters
    ----------
    params : Parameters
        The scenario the panel starts from.
    n_paths : int
        Futures of each Monte Carlo re-run (:data:`N_PATHS`).
    training_paths : int
        Training paths of the review rules fitted at each position
        (:data:`TRAINING_PATHS`).

    Attributes
    ----------
    rules_ : dict
        The review rules of the last position evaluated.

    Examples
    --------
    >>> w = WhatIf(decision.params)                                  # doctest: +SKIP
    >>> w.expected_case({"license_fee_usd_m_per_title": 0.9})        # doctest: +SKIP
    >>> w.evaluate({"license_fee_usd_m_per_title": 0.9}).headline()  # doctest: +SKIP
    """

    def __init__(
        self, params, n_paths: int = N_PATHS, training_paths: int = TRAINING_PATHS
    ) -> None:
        self.n_paths = check_paths(n_paths, what="what-if n_paths")
        if not isinstance(training_paths, int | np.integer) or training_paths < 100:
            raise ParameterError(
                f"what-if training_paths={fmt.show(training_paths)}: expected an integer >= 100"
            )
        self.params = params
        self.training_paths = int(training_paths)
        self.rules_: dict[str, Any] | None = None
        self._rules: dict[str, dict[str, Any]] = {}

    def at(self, changes: Mapping[str, Any] | None = None):
        """The parameters with ``changes`` applied (validated: a bad value raises
        :class:`~models.exceptions.ParameterError` naming it)."""
        return self.params.replace(**changes) if changes else self.params

    def expected_case(self, changes: Mapping[str, Any] | None = None) -> pd.Series:
        """Expected-case NPV of each mode with ``changes`` (US$ m; about 20 ms)."""
        return drivers.expected_npv(self.at(changes))

    def rules(self, params) -> dict[str, Any]:
        """The review rules at ``params``, fitted on :attr:`training_paths` training
        paths (about 0.7 s) unless fitted before."""
        key = params.digest()
        if key not in self._rules:
            if len(self._rules) >= RULES_KEPT:
                self._rules.pop(next(iter(self._rules)))
            self._rules[key] = montecarlo.fit_rules(
                params.replace(decision_training_paths=self.training_paths)
            )
        return self._rules[key]

    def evaluate(
        self, changes: Mapping[str, Any] | None = None, expected: pd.Series | None = None
    ) -> Outcome:
        """The decision with ``changes`` (parameter name to value) applied; ``expected``
        is the position's :meth:`expected_case` if already computed.

        Raises
        ------
        ParameterError
            If a change names no parameter or has an invalid value (one line, as
            everywhere).
        """
        changes = dict(changes or {})
        clock: dict[str, float] = {}
        t0 = time.perf_counter()
        params = self.at(changes)
        if expected is None:
            expected = self.expected_case(changes)
        clock["most-likely case"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        self.rules_ = self.rules(params)
        clock["review rules"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        mc = montecarlo.run(params, self.n_paths, rules=self.rules_)
        table, ranking, second = metrics.ranked(mc.npv, best_on=mc.npv_committed)
        lead = metrics.paired_difference(mc.npv, ranking[0], second)
        clock["monte carlo"] = time.perf_counter() - t2
        clock["total"] = time.perf_counter() - t0
        return Outcome(params, changes, expected, table, lead, self.n_paths, clock)
