"""The decision under uncertainty: everything the main report needs, computed once.

:func:`analyse` runs the most-likely case (:func:`models.economics.simulation.simulate`), the Monte
Carlo run (:mod:`models.uncertainty.montecarlo`), and from them the decision metrics
(:mod:`models.analysis.metrics`), the drivers (:mod:`models.analysis.drivers`), the deal zone
(:mod:`models.analysis.deal`) and the value of information (:mod:`models.analysis.voi`). The
recommendation is the mode with the highest mean NPV over the Monte Carlo paths; "how
sure" is the share of paths on which it is also the best mode.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from models.analysis import checks as model_checks
from models.analysis import deal, drivers, facts, flexibility, metrics, voi
from models.economics.modes import MODES
from models.economics.results import Results
from models.economics.simulation import simulate
from models.uncertainty import montecarlo
from models.uncertainty.montecarlo import MonteCarlo

log = logging.getLogger(__name__)

#: Inputs whose perfect knowledge the report values, by question, besides the
#: regulator's stance and the modes' own questions (:func:`voi_groups`).
MARKET_QUESTIONS: dict[str, tuple[str, ...]] = {
    "the market's size and growth": (
        "market_online_video_users_m",
        "market_user_growth_year",
        "market_svod_payer_share",
        "market_payer_headroom",
        "market_payer_diffusion_rate_year",
        "market_foreign_premium_share",
    ),
    "subscriber demand (growth and churn)": (
        "growth_p_innovation_month",
        "growth_q_imitation_month",
        "growth_churn_rate_month",
    ),
}


def voi_groups() -> dict[str, tuple[str, ...]]:
    """Inputs (and event flags) whose perfect knowledge the report values, by question:
    the regulator's stance (every registered mode's own hazards, and crackdowns), the
    modes' own questions (a partner's distress:
    :attr:`models.economics.modes.base.EntryMode.information`), the market and demand."""
    stance = (
        *MODES.with_exposure("exit_hazard"),
        *MODES.with_exposure("suspension_hazard"),
        "regulation_crackdown_hazard_year",
    )
    regulator = {"the regulator's stance": tuple(dict.fromkeys(stance))}
    return {**regulator, **MODES.information(), **MARKET_QUESTIONS}


#: Inputs for which the report gives switching values.
SWITCHING_INPUTS = 4


@dataclass(frozen=True)
class Decision:
    """The analysed decision.

    Attributes
    ----------
    params : Parameters
    expected : Results
        The most-likely case: inputs at their deterministic values, events in expectation.
    mc : MonteCarlo
        Per-path outcomes of every mode.
    ranking : list of str
        Modes by mean Monte Carlo NPV, best first.
    npv_table : DataFrame
        :func:`models.analysis.metrics.npv_table` plus ``prob_best``.
    beats, dominance : DataFrame
        :func:`models.analysis.metrics.beat_matrix` and :func:`models.analysis.metrics.dominance`.
    exit_by_year : DataFrame
        :func:`models.analysis.metrics.forced_exit_by_year` for the modes that enter.
    peak_funding : DataFrame
        :func:`models.analysis.metrics.peak_funding_table`.
    tornado, sobol, switching : DataFrame
        :mod:`models.analysis.drivers` tables (recommended against runner-up).
    deal_zone : DealZone
        :func:`models.analysis.deal.deal_zone` in the most-likely case.
    evpi : float
        Expected value of perfect information, US$ m: the best mode in each future with
        foresight against the best mean under the rule
        (:func:`models.analysis.voi.evpi_with_foresight`).
    evppi : DataFrame
        :func:`models.analysis.voi.evppi_table` over :func:`voi_groups`.
    checks : list of Check
        :func:`models.analysis.checks.model_checks` on the scenario.
    seconds : dict of str to float
        Wall time of each step.
    """

    params: Any
    expected: Results = field(repr=False)
    mc: MonteCarlo = field(repr=False)
    ranking: list[str]
    npv_table: pd.DataFrame = field(repr=False)
    beats: pd.DataFrame = field(repr=False)
    dominance: pd.DataFrame = field(repr=False)
    exit_by_year: pd.DataFrame = field(repr=False)
    peak_funding: pd.DataFrame = field(repr=False)
    tornado: pd.DataFrame = field(repr=False)
    sobol: pd.DataFrame = field(repr=False)
    switching: pd.DataFrame = field(repr=False)
    deal_zone: deal.DealZone = field(repr=False)
    evpi: float
    evppi: pd.DataFrame = field(repr=False)
    checks: list = field(default_factory=list, repr=False)
    seconds: dict[str, float] = field(default_factory=dict)

    @cached_property
    def flexibility(self) -> pd.DataFrame:
        """Committed, adaptive and foresight values per mode that enters, and the value
        of flexibility (:func:`models.analysis.flexibility.decision_values`)."""
        return flexibility.decision_values(self.mc)

    @cached_property
    def scenario_facts(self) -> pd.DataFrame:
        """What each input the scenario sets apart from the defaults does, set back to
        its default (coupled inputs together; :func:`models.analysis.facts.scenario_facts`)."""
        return facts.scenario_facts(self.params)

    def to_df(self) -> pd.DataFrame:
        """Per mode, best first: mean NPV and its standard error, median, P5, P95,
        P(loss), CVaR and P(best) over the Monte Carlo paths, and the most-likely case's
        NPV (``expected_npv_usd_m``), US$ m and fractions."""
        table = self.npv_table.copy()
        table["expected_npv_usd_m"] = self.expected.summary["npv_usd_m"].reindex(table.index)
        return table

    @property
    def recommended(self) -> str:
        """The mode with the highest mean NPV."""
        return self.ranking[0]

    @property
    def runner_up(self) -> str:
        """The best other mode that starts differently: licensing and the staged entry
        both license now (the staged entry may switch later), so neither is the other's
        runner-up; :attr:`twin` compares them."""
        twin = MODES.twin(self.recommended)
        return next(m for m in self.ranking[1:] if m != twin)

    @property
    def twin(self) -> str | None:
        """The mode that starts as the recommended one does (licensing or the staged
        entry), if any."""
        return MODES.twin(self.recommended)

    @property
    def lead(self) -> tuple[float, float, float]:
        """Mean NPV lead of the recommended mode over the runner-up, its Monte Carlo
        standard error and the share of futures in which it beats the runner-up."""
        return metrics.paired_difference(self.mc.npv, self.recommended, self.runner_up)

    @property
    def too_close(self) -> bool:
        """Whether the lead is within two standard errors: more paths may reverse it."""
        lead, se, _ = self.lead
        return bool(np.isfinite(se) and abs(lead) < 2 * se)

    @property
    def expected_best(self) -> str:
        """The best mode of the most-likely case (the basis of the switching values)."""
        return self.expected.ranking[0]

    @property
    def probability_right(self) -> float:
        """Share of paths on which the best mode starts as the recommended one does: the
        recommended mode, or its twin (licensing and the staged entry both license now,
        and tie wherever the staged entry does not switch)."""
        best = self.npv_table["prob_best"]
        twin = self.twin
        return float(best[self.recommended] + (best[twin] if twin in best.index else 0.0))


def analyse(params, n_paths: int | None = None) -> Decision:
    """Run everything the main report shows; see the module docstring."""
    clock: dict[str, float] = {}

    def timed(name: str, fn, *args, **kwargs):
        start = time.perf_counter()
        out = fn(*args, **kwargs)
        clock[name] = time.perf_counter() - start
        return out

    expected = timed("most-likely case", simulate, params)
    mc = timed("monte carlo", montecarlo.run, params, n_paths)
    # the decision: means under the decision rule, each mode free not to start; which mode
    # is best in each future: on the committed values, which carry information where a
    # mode not worth starting is worth 0 under the rule (issue 20)
    informative = mc.npv_committed
    table, ranking, second = metrics.ranked(mc.npv, best_on=informative)
    rec = ranking[0]
    entering = [m for m in ranking if not MODES.is_baseline(m)]
    tornado = timed("tornado", drivers.tornado, params, rec, second)
    sobol = timed("sobol", drivers.sobol, params, rec, second)
    # switching values are where the most-likely case's answer flips: about its own best
    expected_best = expected.ranking[0]
    basis = tornado if expected_best == rec else drivers.tornado(params, expected_best, second)
    candidates = _switching_candidates(basis)
    switching = timed(
        "switching values", drivers.switching_values, params, expected_best, candidates
    )
    zone = timed("deal zone", deal.deal_zone, params)
    inputs = mc.inputs
    groups = {
        name: [c for c in cols if c in inputs.columns and inputs[c].std() > 0]
        for name, cols in voi_groups().items()
    }
    groups = {k: v for k, v in groups.items() if v}
    # perfect information: the best mode in each future, with the best stops knowing it,
    # against the best mean under the rule (the partial values ask what knowing a group
    # of inputs before choosing a mode, then running it, would add: committed values)
    evpi = voi.evpi_with_foresight(mc.npv_foresight, mc.npv)
    evppi = (
        timed("value of information", voi.evppi_table, informative, groups, inputs)
        if groups and mc.n_paths >= voi.MIN_PATHS
        else pd.DataFrame()
    )
    checks = timed("model checks", model_checks.model_checks, params)
    log.info("analysis times (s): %s", {k: round(v, 2) for k, v in clock.items()})
    return Decision(
        params=params,
        expected=expected,
        mc=mc,
        ranking=ranking,
        npv_table=table,
        beats=metrics.beat_matrix(informative).loc[ranking, ranking],
        dominance=metrics.dominance(informative).loc[ranking, ranking],
        exit_by_year=metrics.forced_exit_by_year(
            mc.forced_exit_month[entering], params.horizon_years
        ),
        peak_funding=metrics.peak_funding_table(mc.peak_funding[entering]),
        tornado=tornado,
        sobol=sobol,
        switching=switching,
        deal_zone=zone,
        evpi=evpi,
        evppi=evppi,
        checks=checks,
        seconds=clock,
    )


def _switching_candidates(tornado: pd.DataFrame) -> list[str]:
    """The inputs that move the recommended mode's margin over the best other mode most."""
    if tornado.empty:
        return []
    order = tornado.sort_values("margin_swing", ascending=False)
    return list(order["input"][:SWITCHING_INPUTS])
