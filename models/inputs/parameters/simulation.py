"""Simulation: the parameters of the group ``simulation``, in schema order.

The Monte Carlo run, the review rule, the correlations and the Sobol analysis.

:mod:`models.inputs.schema` lists the groups in order; the fields are those of
:class:`models.inputs.spec.ParamSpec`.
"""

from __future__ import annotations

from models.inputs.parameters.sources import ASSUMPTION as _A
from models.inputs.path_count import MAX_PATHS, MIN_PATHS
from models.inputs.spec import ParamSpec

GROUP = "simulation"
TITLE = "Simulation"

#: Paths of a run unless a scenario says otherwise.
N_PATHS_DEFAULT = 5_000

PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "horizon_years",
        "int",
        15,
        "years",
        "Length of the modelled period; what lies beyond it counts as a continuing value "
        "(finance_terminal_method), which takes the final year as steady.",
        "ref 6.6 (Koller, Goedhart & Wessels, Valuation, ch. 14): an explicit "
        "forecast of 10-15 years, long enough for the business to reach a steady state; "
        "measured here (model check 'a steady final year'): an own service's subscribers "
        "grow within 5 points of their market from year 12 (base), 13 (letv_2015) and "
        "14 (crackdown), two years or so of launch and a decade of adoption",
        min=1,
        max=30,
        label="horizon",
    ),
    ParamSpec(
        "start_year",
        "int",
        2026,
        "calendar year",
        "Calendar year of month 0 (the decision date); labels the time axis only.",
        _A + "the year of the decision being modelled",
        min=2000,
        max=2060,
        label="start year",
    ),
    ParamSpec(
        "n_paths",
        "int",
        N_PATHS_DEFAULT,
        "paths",
        "Number of Monte Carlo paths: each draws every uncertain input and its own "
        "regulatory, content and partner events. The most-likely case is always run too.",
        "model setting: the Monte Carlo standard error of a mean NPV is 1.4 % of the NPV's "
        "standard deviation (1 / sqrt(5,000)) and the main report takes about 10 s "
        "(benchmarks/bench_model.py); 100,000 paths suit a final run",
        min=MIN_PATHS,
        max=MAX_PATHS,
        label="number of futures",
    ),
    ParamSpec(
        "seed",
        "int",
        20151,
        "",
        "Seed of the random number generator, recorded in every manifest.",
        _A + "any fixed value makes runs reproducible",
        min=0,
        max=2**32 - 1,
        label="random seed",
    ),
    ParamSpec(
        "sampling_method",
        "str",
        "lhs",
        "",
        "How uncertain inputs are sampled: 'lhs' (Latin hypercube, scipy.stats.qmc) or "
        "'mc' (plain Monte Carlo).",
        "model setting: a Latin hypercube covers each input's range evenly and lowers the "
        "standard error of means for the same paths (McKay et al. 1979)",
        max=3,
        choices=("lhs", "mc"),
        label="sampling method",
    ),
    ParamSpec(
        "decision_rule",
        "str",
        "adaptive",
        "",
        "How a Monte Carlo path decides to leave by choice: 'adaptive' (a review every "
        "decision_review_months leaves or presses on from what has been seen so far: "
        "subscribers and their trend, cash, events, the partner's state; the rule is "
        "fitted by least-squares Monte Carlo on separate training paths), 'fixed' (the "
        "most-likely case's plan, made at the decision date and never revised) or "
        "'foresight' (the best review to leave at, knowing the path's whole future: an "
        "upper bound). Reports show all three values side by side; this one drives the "
        "lines, charts and the ranking.",
        "model setting: a manager reviews the venture on what it observes (Longstaff & "
        "Schwartz 2001, Rev. Financ. Stud. 14(1):113-147, for the estimator); 'fixed' "
        "ignores what is learnt, 'foresight' uses what cannot be known",
        max=9,
        choices=("adaptive", "fixed", "foresight"),
        label="decision rule",
    ),
    ParamSpec(
        "decision_review_months",
        "int",
        3,
        "months",
        "Months between reviews at which the venture may be left (or, before launch, "
        "walked away from), from the decision date on.",
        _A + "a quarterly review, as listed companies report quarterly (Netflix's own "
        "regional figures are quarterly: data/raw/netflix_paid_memberships_regional_"
        "quarterly.csv)",
        min=1,
        max=24,
        label="months between reviews",
    ),
    ParamSpec(
        "decision_training_paths",
        "int",
        8_000,
        "paths",
        "Paths simulated, apart from the reported ones, to fit the review rule: half "
        "fit the regression of the value of pressing on, the other half switch off the "
        "reviews at which leaving lost. The rule is then applied to the reported paths, "
        "so their values carry no foresight.",
        "model setting: the partnership's adaptive mean (base case, 20,000 reported "
        "paths, standard error 0.4) came to -95.9 / -96.5 / -95.9 / -94.8 / -94.7 US$ m "
        "with 2,000 / 4,000 / 8,000 / 16,000 / 32,000 training paths, fitted in 0.7 / "
        "1.0 / 1.3 / 2.7 / 5.7 s; the other modes did not move "
        "(benchmarks/bench_reviews.py): 8,000 is within US$1.2 m of 32,000 at a quarter "
        "of the time",
        min=200,
        max=1_000_000,
        label="futures that fit the review rule",
    ),
    ParamSpec(
        "correlations",
        "pairs",
        (
            ("regulation_exit_hazard_solo_year", "regulation_exit_hazard_partner_year", 0.6),
            (
                "regulation_suspension_hazard_solo_year",
                "regulation_suspension_hazard_partner_year",
                0.6,
            ),
            ("regulation_crackdown_hazard_year", "regulation_approval_pass_rate", -0.5),
        ),
        "",
        "Rank (Spearman) correlations between uncertain inputs, as [name, name, value] "
        "triples; imposed by Iman-Conover, which keeps every input's distribution. The "
        "default pairs whose inputs a scenario fixes are left out.",
        "data/raw/foreign_streaming_entry_china_events.csv: in 2016 one regulator shut a "
        "solo service (Apple's iTunes Movies) and a partnership (DisneyLife with Alibaba) "
        "within months, so the two modes' exit and suspension hazards move together; ref "
        "5.2, ref 5.3: the rules that pulled foreign titles (2014-15) also required a permit "
        "for each, so crackdowns come with fewer approvals; assumption: the strengths (0.6, "
        "-0.5), since the record is too short to estimate them",
        max=200,
    ),
    ParamSpec(
        "sobol_samples",
        "int",
        256,
        "base samples",
        "Base sample size N of the Sobol analysis (Saltelli's scheme without second-order "
        "indices runs N (k + 2) deterministic models for k uncertain inputs); 0 skips it.",
        "model setting: at 256 the leading input's indices have 95 % intervals of about "
        "+/-0.1 (total) and +/-0.15 (first order) in the base case, in 1-2 s; raise it for "
        "a final run",
        min=0,
        max=65_536,
        label="Sobol base samples",
    ),
    ParamSpec(
        "whatif_positions",
        "int",
        40,
        "positions",
        "Positions of the what-if sliders at which the main report runs the full model "
        "(each with its own review rules), so that the shared HTML answers a move of its "
        "sliders offline; one more along each slider and a tenth more anywhere (at least 3) "
        "are run and held out to measure the interpolation's error. 0 leaves the report's "
        "what-if as a table of the sliders' inputs; otherwise at least 12.",
        "model setting: about 0.66 s a position on a 2-core machine, so 40 (and 11 held out "
        "in the base case) add about 34 s to the main report (issue 25); in the base case the "
        "interpolation then stays within the error the report states at held-out "
        "positions (benchmarks/bench_whatif_offline.py); raise it for a final run",
        min=0,
        max=2_000,
        label="what-if positions run",
    ),
)
