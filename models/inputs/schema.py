"""The parameter schema: the single source of truth for every model input.

Each :class:`ParamSpec` gives a parameter's name, type, unit, valid range, default,
description and the source of its default. Everything else is derived from this
table: the validated :class:`models.inputs.params.Parameters` object, the notebook's
``parameters`` cell (a test checks they agree), the scenario files' keys,
``market-entry params`` and the report's parameter table.

Names are flat (Papermill passes flat names), grouped by prefix, and carry their unit
where one applies. Money is in US$ millions (``usd_m``) unless the name says otherwise;
subscribers and users are in millions (``_m``); rates are fractions, not percent.

Sources cite ``data/raw/<file>`` rows or the numbered rows of
``docs/references/china_svod_economics.md`` (written ``ref 1.3``); where no public
figure exists the source says ``assumption:`` and why the value was chosen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

ParamType = Literal["float", "int", "str", "pairs"]

#: Display order and titles of the parameter groups.
GROUPS: dict[str, str] = {
    "scenario": "Scenario labels",
    "simulation": "Simulation",
    "market": "Market",
    "pricing": "Pricing",
    "growth": "Subscriber growth",
    "content": "Content",
    "regulation": "Regulation",
    "partner": "Partner",
    "license": "Licensing",
    "staged": "Staged entry",
    "finance": "Finance",
    "calibration": "Calibration reports",
}

REF = "docs/references/china_svod_economics.md"


@dataclass(frozen=True)
class ParamSpec:
    """One model input.

    Attributes
    ----------
    name : str
        Flat parameter name, as used in the notebook, scenario files and ``-p``.
    type : {"float", "int", "str", "pairs"}
        Python type of the value; ``pairs`` is a list of ``[name, name, number]`` triples
        (the rank correlations between uncertain inputs).
    default : float | int | str
        Default value.
    unit : str
        Unit of the value ("" for labels).
    description : str
        What the parameter means in the model.
    source : str
        Where the default comes from: a data file and row, a cited figure, or
        ``assumption: <why>``.
    min, max : float | None
        Inclusive valid range for numbers; for strings, ``max`` is the maximum length.
    uncertain : bool
        Whether the input may be given as a ``[low, mode, high]`` range (PERT) or as a
        mapping naming a distribution (:mod:`models.uncertainty.sampling`). A deterministic run uses
        the mode; the Monte Carlo engine samples the distribution.
    default_range : (float, float), optional
        Uncertainty range of the default (low, high). Unless a scenario gives the input
        a value or a distribution of its own, the Monte Carlo engine samples
        PERT(low, default, high). Inputs without one (decisions such as the price and
        the revenue share, and conventions such as the discount rate) stay fixed.
    range_source : str
        Where ``default_range`` comes from, when ``source`` does not already say it.
    choices : tuple of str, optional
        The allowed values of a text parameter.
    """

    name: str
    type: ParamType
    default: float | int | str
    unit: str
    description: str
    source: str
    min: float | None = None
    max: float | None = None
    uncertain: bool = False
    default_range: tuple[float, float] | None = None
    range_source: str = ""
    choices: tuple[str, ...] | None = None

    @property
    def group(self) -> str:
        """The group a parameter belongs to (its prefix; simulation settings are bare)."""
        if self.name in SIMULATION_NAMES:
            return "simulation"
        return self.name.split("_", 1)[0]

    def expected(self) -> str:
        """Human description of a valid value, used in error messages."""
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.type == "str":
            return f"a text of at most {int(self.max or 0)} characters"
        if self.type == "pairs":
            return (
                "a list of [name, name, rank correlation] triples naming uncertain "
                "parameters, each correlation in [-1, 1]"
            )
        kind = "an integer" if self.type == "int" else "a number"
        rng = f" in [{_fmt(self.min)}, {_fmt(self.max)}]"
        unit = f" ({self.unit})" if self.unit else ""
        also = " or a [low, mode, high] range or a distribution" if self.uncertain else ""
        return f"{kind}{rng}{unit}{also}"


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    return f"{x:g}" if isinstance(x, float) else str(x)


SIMULATION_NAMES = (
    "horizon_years",
    "start_year",
    "n_paths",
    "seed",
    "sampling_method",
    "decision_rule",
    "decision_review_months",
    "decision_training_paths",
    "correlations",
    "sobol_samples",
)

_A = "assumption: "

_GROWTH_FIT = (
    "fit: the model's Bass-with-churn recursion (6 % a month) on Netflix APAC paid "
    "memberships, verified quarters 2018Q4-2023Q2 "
    "(data/raw/netflix_paid_memberships_regional_quarterly.csv); range: 95 % interval "
    "widened 15x by the backtest of the verified rows and stretched to the all-rows fit, "
    "taken in log space (rates are positive and their errors multiplicative: a range "
    "down to zero would leave a sixth of the futures without any growth) "
    "(notebooks/subscriber_growth.ipynb)"
)

N_PATHS_DEFAULT = 5_000

PARAMETERS: tuple[ParamSpec, ...] = (
    # -- scenario labels ------------------------------------------------------------
    ParamSpec(
        "scenario_name",
        "str",
        "base",
        "",
        "Title of the scenario, shown in the report (escaped; any text).",
        "user input; `market-entry run` sets it to the scenario file's name if absent",
        max=120,
    ),
    ParamSpec(
        "scenario_notes",
        "str",
        "",
        "",
        "Free-text notes shown under the report title (escaped).",
        "user input",
        max=4000,
    ),
    # -- simulation -----------------------------------------------------------------
    ParamSpec(
        "horizon_years",
        "int",
        10,
        "years",
        "Length of the modelled period; what lies beyond it counts as a continuing value "
        "(finance_terminal_method).",
        _A + "ten years covers launch, approval delays and a maturing subscriber base",
        min=1,
        max=30,
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
    ),
    ParamSpec(
        "n_paths",
        "int",
        N_PATHS_DEFAULT,
        "paths",
        "Number of Monte Carlo paths: each draws every uncertain input and its own "
        "regulatory, content and partner events. The expected case is always run too.",
        "model setting: the Monte Carlo standard error of a mean NPV is 1.4 % of the NPV's "
        "standard deviation (1 / sqrt(5,000)) and the main report takes about 10 s "
        "(benchmarks/bench_model.py); 100,000 paths suit a final run",
        min=1,
        max=2_000_000,
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
        "expected case's plan, made at the decision date and never revised) or "
        "'foresight' (the best review to leave at, knowing the path's whole future: an "
        "upper bound). Reports show all three values side by side; this one drives the "
        "lines, charts and the ranking.",
        "model setting: a manager reviews the venture on what it observes (Longstaff & "
        "Schwartz 2001, Rev. Financ. Stud. 14(1):113-147, for the estimator); 'fixed' "
        "ignores what is learnt, 'foresight' uses what cannot be known",
        max=9,
        choices=("adaptive", "fixed", "foresight"),
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
    ),
    # -- market ---------------------------------------------------------------------
    ParamSpec(
        "market_online_video_users_m",
        "float",
        1067.0,
        "million people",
        "China's online-video users at month 0: the outer bound of the addressable market.",
        "data/raw/china_internet_cnnic.csv row 2023-12 (CNNIC: 1,067 M online video users, "
        "includes short video; verified)",
        min=1.0,
        max=2000.0,
        uncertain=True,
        default_range=(900.0, 1100.0),
        range_source="range: assumption: 900 M leaves out viewers of short video only, "
        "1,100 M extends the 2020-23 trend a year",
    ),
    ParamSpec(
        "market_user_growth_year",
        "float",
        0.034,
        "fraction per year",
        "Yearly growth of online-video users.",
        "data/raw/china_internet_cnnic.csv: internet users 989 M (2020-12) to 1,092 M "
        "(2023-12) is 3.4 % a year",
        min=-0.2,
        max=0.5,
        uncertain=True,
        default_range=(0.0, 0.06),
        range_source="range: assumption: saturation (0 %) to the 2017-20 pace (about 6 %, "
        "same file)",
    ),
    ParamSpec(
        "market_svod_payer_share",
        "float",
        0.15,
        "fraction",
        "Share of online-video users who pay for any video subscription (unique payers).",
        "derived from rows not fully verified: iQIYI 111.6 M (2022-12, unverified) and Tencent "
        "Video 113 M (2024-03, partly verified) in data/raw/china_svod_subscribers.csv are 21 "
        "% of 1,067 M users before multi-homing; assumption: under 45 % pay one platform only "
        "(ref 1.20), so unique payers are set at 15 %",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.08, 0.25),
        range_source="range: assumption: 8 % (only the two leaders' members counted once) "
        "to 25 % (every platform's members counted)",
    ),
    ParamSpec(
        "market_foreign_premium_share",
        "float",
        0.10,
        "fraction",
        "Share of paying users who would consider a premium foreign service at the "
        "reference price with a catalogue of market_reference_catalogue_titles.",
        _A + "no public figure exists; 10 % is a round starting point for the sensitivity analysis",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.03, 0.25),
        range_source="range: assumption: deliberately wide (3-25 %) because no figure "
        "exists; the sensitivity analysis shows what hangs on it",
    ),
    ParamSpec(
        "market_reference_catalogue_titles",
        "float",
        300.0,
        "foreign-title equivalents",
        "Catalogue at which market_foreign_premium_share holds; a larger catalogue draws "
        "more (content_demand_elasticity). Domestic titles and originals count by their "
        "weights.",
        _A + "about the default solo catalogue in its third year (170 foreign titles, 400 "
        "domestic at a quarter, six originals at three), so that the share means what a "
        "settled service draws",
        min=1.0,
        max=100000.0,
    ),
    ParamSpec(
        "market_price_elasticity",
        "float",
        -1.5,
        "",
        "Constant price elasticity of the addressable market: the market scales with "
        "(price / reference price) ** elasticity.",
        _A + "premium SVOD facing free, ad-supported local platforms is taken as elastic; "
        "no China-specific estimate was found",
        min=-5.0,
        max=0.0,
        uncertain=True,
        default_range=(-2.5, -0.5),
        range_source="range: assumption: from inelastic (-0.5) to strongly elastic (-2.5)",
    ),
    ParamSpec(
        "market_price_war_cut",
        "float",
        0.1,
        "fraction of the reference price",
        "How far the incumbents' price falls once a foreign service launches (promotions, "
        "cheaper plans): the reference price of the price elasticity is cut by this share "
        "from the own service's launch on.",
        "ref 1.2: iQIYI's auto-renew price (CNY 15) ran 24 % below its single-month list "
        "price (19.8) before 2020; ref 1.4: first months offered at CNY 12 against 40; "
        "assumption: a tenth off the reference price in answer to a foreign entry",
        min=0.0,
        max=0.9,
        uncertain=True,
        default_range=(0.0, 0.25),
        range_source="range: refs 1.2, 1.4: no answer to a full promotional price (24 %)",
    ),
    # -- pricing --------------------------------------------------------------------
    ParamSpec(
        "pricing_price_cny_month",
        "float",
        30.0,
        "CNY per month, VAT included",
        "Single-month list price of the streamer's own service (realised revenue is "
        "pricing_realisation_rate of it).",
        "ref 1.3: iQIYI Gold VIP single month CNY 30 (Dec 2021), the top of the local range",
        min=1.0,
        max=300.0,
        uncertain=True,
    ),
    ParamSpec(
        "pricing_reference_price_cny_month",
        "float",
        30.0,
        "CNY per month, VAT included",
        "Single-month list price of the local benchmark service, against which the price "
        "elasticity applies (list against list: both realise about the same share).",
        "ref 1.3: iQIYI Gold VIP single month CNY 30 (Dec 2021)",
        min=1.0,
        max=300.0,
    ),
    ParamSpec(
        "pricing_fx_cny_per_usd",
        "float",
        7.1,
        "CNY per US$",
        "Exchange rate used to convert yuan revenues and costs to US dollars.",
        _A + "approximate 2023-25 level; the references quote 6.6 (2016-17) and 6.88 (Q4 "
        "2018) and ask for one's own rate",
        min=1.0,
        max=20.0,
        uncertain=True,
        default_range=(6.3, 7.6),
        range_source="range: 6.3-7.6, the span of CNY per US$ over 2016-2025 (refs quote "
        "6.6 and 6.88)",
    ),
    ParamSpec(
        "pricing_vat_rate",
        "float",
        0.06,
        "fraction of net price",
        "Value-added tax included in consumer prices and licence fees.",
        "PRC VAT of 6 % on value-added telecom and modern services (Caishui [2016] No. 36)",
        min=0.0,
        max=0.3,
    ),
    ParamSpec(
        "pricing_payment_fee_rate",
        "float",
        0.05,
        "fraction of revenue net of VAT",
        "Blended payment cost: app-store commission and payment processing.",
        _A + "about a fifth of payments through iOS in-app purchase at 15-30 %, the rest via "
        "Alipay or WeChat Pay at about 0.6 %",
        min=0.0,
        max=0.5,
    ),
    ParamSpec(
        "pricing_realisation_rate",
        "float",
        0.55,
        "fraction of the list price",
        "Revenue actually collected per subscriber-month as a share of the single-month "
        "list price: promotions, annual-plan and auto-renew discounts, and members on "
        "trials who pay nothing.",
        "ref 1.11, ref 1.12, ref 1.13: iQIYI's revenue per member was CNY 15.98 a month "
        "in Q4 2023 against a CNY 30 single-month list price (0.53) and CNY 13.6 in Q3 "
        "2021 against CNY 25 (0.54); 0.55 is taken",
        min=0.05,
        max=1.0,
        uncertain=True,
        default_range=(0.45, 0.8),
        range_source="range: ref 1.11 to ref 1.13: 0.45 (deeper promotions than iQIYI's) to 0.78 "
        "(CNY 15.4 against 19.8 in 2017, before the price rises)",
    ),
    ParamSpec(
        "pricing_ad_tier",
        "str",
        "off",
        "",
        "Whether the own service also sells a cheaper tier with advertising: 'off' or 'on'.",
        "model setting: Netflix had no ad tier until November 2022; off by default, so a "
        "strategist can test it",
        max=3,
        choices=("off", "on"),
    ),
    ParamSpec(
        "pricing_ad_tier_price_cny_month",
        "float",
        15.0,
        "CNY per month, VAT included",
        "List price of the tier with advertising (when pricing_ad_tier is 'on').",
        "ref 1.2: iQIYI's cheapest auto-renew monthly price before 2020, CNY 15",
        min=0.0,
        max=300.0,
    ),
    ParamSpec(
        "pricing_ad_tier_share",
        "float",
        0.4,
        "fraction of subscribers",
        "Share of subscribers who take the tier with advertising (when it is 'on').",
        _A + "no public figure for China; a large minority, as cheaper plans draw the "
        "price-sensitive",
        min=0.0,
        max=1.0,
    ),
    ParamSpec(
        "pricing_ad_revenue_cny_per_sub_month",
        "float",
        5.0,
        "CNY per subscriber-month",
        "Advertising revenue per subscriber of the tier with advertising, net of ad sales costs.",
        _A + "no public figure for a subscription tier; a third of the tier's price",
        min=0.0,
        max=300.0,
    ),
    # -- growth ---------------------------------------------------------------------
    ParamSpec(
        "growth_p_innovation_month",
        "float",
        0.00127,
        "per month",
        "Bass coefficient of innovation p: the monthly rate at which non-subscribers adopt "
        "independently of existing subscribers.",
        _GROWTH_FIT,
        min=0.0,
        max=0.1,
        uncertain=True,
        default_range=(0.000415, 0.00337),
    ),
    ParamSpec(
        "growth_q_imitation_month",
        "float",
        0.112,
        "per month",
        "Bass coefficient of imitation q: monthly adoption driven by the subscribed share.",
        _GROWTH_FIT,
        min=0.0,
        max=0.5,
        uncertain=True,
        default_range=(0.048, 0.263),
    ),
    ParamSpec(
        "growth_churn_rate_month",
        "float",
        0.06,
        "fraction per month",
        "Share of subscribers who cancel each month (they may re-subscribe later).",
        "ref 1.21: no published Chinese SVOD churn figure; 5-10 % a month is the modelling "
        "range given there; 6 % is taken",
        min=0.0,
        max=0.3,
        uncertain=True,
        default_range=(0.05, 0.1),
        range_source="range: the 5-10 % modelling range of ref 1.21",
    ),
    ParamSpec(
        "growth_cac_months",
        "float",
        1.9,
        "months of realised revenue",
        "Marketing cost of winning a first-time subscriber, in months of the revenue a "
        "subscriber brings (net of VAT and payment fees), so that it follows local prices.",
        "fit: the APAC replay (notebooks/subscriber_growth.ipynb) reproduces Netflix's "
        "international marketing, 25.9 % and 18.9 % of revenue in 2015-16 (ref 3.6), in its "
        "years 2-3 at 1.9 months; iQIYI spent RMB 45 per net member added in 2017 (ref 2.4), "
        "2.9 months of its CNY 15.4 revenue per member (ref 1.13): per first-time subscriber, "
        "with churn, less",
        min=0.0,
        max=24.0,
        uncertain=True,
        default_range=(1.2, 3.5),
        range_source="range: assumption: a cheaper launch than Netflix's (1.2) to above "
        "iQIYI's 2.9 months per net add (3.5) for a foreign brand",
    ),
    ParamSpec(
        "growth_winback_months",
        "float",
        0.5,
        "months of realised revenue",
        "Marketing cost of winning back a former subscriber (offers, reminders), in months "
        "of the revenue a subscriber brings.",
        _A + "a lapsed member knows the service and returns through its own app and "
        "auto-renew prompts; a discounted first month back costs about half a month's "
        "revenue (first-month offers of CNY 12 against 40, ref 1.4)",
        min=0.0,
        max=24.0,
        uncertain=True,
        default_range=(0.2, 1.0),
        range_source="range: assumption: a reminder (0.2) to a free month (1.0)",
    ),
    # -- content --------------------------------------------------------------------
    ParamSpec(
        "content_foreign_titles_year",
        "float",
        80.0,
        "titles per year",
        "Foreign (own-catalogue) titles submitted for approval each year.",
        _A + "a curated launch catalogue; all of it must pass full-season pre-approval (ref 5.4)",
        min=0.0,
        max=5000.0,
    ),
    ParamSpec(
        "content_hours_per_title",
        "float",
        10.0,
        "hours per title",
        "Average runtime of a foreign title.",
        _A + "a ten-episode season of one-hour episodes",
        min=0.1,
        max=200.0,
    ),
    ParamSpec(
        "content_rights_usd_m_per_title",
        "float",
        0.3,
        "US$ m per title",
        "Average cost of clearing China rights for a foreign title (nil for wholly owned "
        "originals, high for third-party films and series).",
        "ref 2.12: The Big Bang Theory sold to a Chinese site for about US$150 k per episode "
        "(2011); assumption: rights cost nothing for wholly owned originals, so the average "
        "over owned and third-party titles is set at US$30 k per episode for 10 episodes",
        min=0.0,
        max=50.0,
        uncertain=True,
        default_range=(0.15, 1.0),
        range_source="range: assumption: half to three times the default (a season of a "
        "hit at ref 2.12's price)",
    ),
    ParamSpec(
        "content_domestic_title_usd_m",
        "float",
        0.3,
        "US$ m per title",
        "Licence cost of one Chinese library title (the quota requires about three per "
        "approved foreign title).",
        _A + "older dramas and films license for a fraction of first-run prices, which reach "
        "RMB 9.5-10 M per episode for top dramas (ref 2.7); US$0.3 M (about RMB 2 M) per "
        "library title",
        min=0.0,
        max=200.0,
        uncertain=True,
        default_range=(0.1, 1.0),
        range_source="range: assumption: a third to three times the default",
    ),
    ParamSpec(
        "content_subtitle_usd_per_hour",
        "float",
        800.0,
        "US$ per finished hour",
        "Cost of Chinese subtitles for one hour of foreign content.",
        "ref 2.15: GBP 240-1,080 per finished hour (about US$300-1,370)",
        min=0.0,
        max=20000.0,
    ),
    ParamSpec(
        "content_dub_share",
        "float",
        0.2,
        "fraction of hours",
        "Share of foreign hours also dubbed into Mandarin.",
        _A + "dubbing is kept for children's and tent-pole titles",
        min=0.0,
        max=1.0,
    ),
    ParamSpec(
        "content_dub_usd_per_hour",
        "float",
        12000.0,
        "US$ per finished hour",
        "Cost of Mandarin dubbing for one hour.",
        "ref 2.16: dubbing costs up to 15 times subtitling (15 x US$800)",
        min=0.0,
        max=200000.0,
    ),
    ParamSpec(
        "content_reedit_share",
        "float",
        0.25,
        "fraction of titles",
        "Share of foreign titles re-edited for approval or format (cuts, new music, "
        "re-structuring).",
        _A + "the censor asks for cuts on a minority of titles; no public figure",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.1, 0.5),
        range_source="range: assumption: 10-50 % of titles",
    ),
    ParamSpec(
        "content_reedit_usd_per_source_hour",
        "float",
        5000.0,
        "US$ per source hour",
        "Cost of re-editing per hour of source material, e.g. 76 x 45-minute episodes (57 "
        "hours) cut into 6 x 90-minute films.",
        "ref 2.13 (Empresses in the Palace: 57 h cut to 9 h over about two years, mostly new "
        "score and subtitles); the rate itself is an assumption",
        min=0.0,
        max=100000.0,
    ),
    ParamSpec(
        "content_originals_usd_m_year",
        "float",
        30.0,
        "US$ m per year",
        "Budget for local Chinese originals (solo and partner modes).",
        "ref 2.6: Ode to Joy S2 cost RMB 150 M (about US$21 M); assumption: one such drama "
        "and a smaller one (RMB 5-6 M per episode, Candle in the Tomb) a year, about US$30 M",
        min=0.0,
        max=5000.0,
        uncertain=True,
        default_range=(15.0, 60.0),
        range_source="range: assumption: one smaller drama to two of Ode to Joy's scale (ref 2.6)",
    ),
    ParamSpec(
        "content_original_usd_m_per_title",
        "float",
        15.0,
        "US$ m per title",
        "Cost of one local original (a drama season); the originals budget buys "
        "content_originals_usd_m_year / this many a year, owned for good.",
        "ref 2.6: Ode to Joy S2 cost RMB 150 M (about US$21 M); Candle in the Tomb RMB 5-6 M "
        "an episode (about US$15 M a season); US$15 M is taken",
        min=0.1,
        max=500.0,
    ),
    ParamSpec(
        "content_window_years",
        "int",
        3,
        "years",
        "Licence window of a foreign title: a year's titles stay in the catalogue this long, "
        "then make way for newer ones (the yearly purchase replaces them).",
        _A + "SVOD licences typically run two to five years; the rights price per title is "
        "for the whole window",
        min=1,
        max=10,
        uncertain=True,
        default_range=(2, 5),
        range_source="range: assumption: two to five years",
    ),
    ParamSpec(
        "content_domestic_window_years",
        "int",
        5,
        "years",
        "Licence window of a Chinese library title bought to meet the quota.",
        _A + "older library titles license for longer windows than first-run content",
        min=1,
        max=20,
    ),
    ParamSpec(
        "content_demand_elasticity",
        "float",
        0.3,
        "elasticity",
        "Elasticity of the market with respect to the catalogue: the market scales with "
        "(catalogue / market_reference_catalogue_titles) ** elasticity, so titles draw "
        "demand with diminishing returns.",
        _A + "no China estimate was found; below 1 because each extra title adds less "
        "(a subscriber needs a few titles worth the price, not all of them)",
        min=0.0,
        max=1.5,
        uncertain=True,
        default_range=(0.1, 0.6),
        range_source="range: assumption: catalogue barely matters (0.1) to a catalogue "
        "that doubles the market when it trebles (0.6)",
    ),
    ParamSpec(
        "content_domestic_title_weight",
        "float",
        0.25,
        "foreign-title equivalents",
        "How much one Chinese library title adds to the catalogue's draw, against one "
        "foreign title (the reason to subscribe to a foreign service).",
        _A + "the domestic library is also on iQIYI and Tencent Video; a quarter of a "
        "foreign title",
        min=0.0,
        max=5.0,
    ),
    ParamSpec(
        "content_original_title_weight",
        "float",
        3.0,
        "foreign-title equivalents",
        "How much one local original adds to the catalogue's draw, against one foreign title.",
        _A + "an exclusive local drama draws like several library titles (Ode to Joy S2 "
        "cost as much as 70 foreign library titles, ref 2.6); 3 is taken",
        min=0.0,
        max=50.0,
    ),
    ParamSpec(
        "content_cost_inflation_year",
        "float",
        0.05,
        "fraction per year",
        "Yearly growth of all content prices.",
        _A + "iQIYI's content costs rose fast to 2019 and fell by 2023 (ref 2.2); 5 % is a "
        "middle path",
        min=-0.3,
        max=0.5,
        uncertain=True,
        default_range=(-0.05, 0.15),
        range_source="range: assumption: falling as after 2019 to rising as before (ref 2.2)",
    ),
    ParamSpec(
        "content_amortisation_months",
        "int",
        24,
        "months",
        "Straight-line amortisation period of content in the profit-and-loss account (cash "
        "is paid up front each content year).",
        _A + "typical licence window; affects tax timing only",
        min=1,
        max=120,
    ),
    ParamSpec(
        "content_lead_months",
        "int",
        6,
        "months",
        "How long before launch content is bought and submitted for approval.",
        "ref 5.4: full-season pre-approval lags of up to about six months",
        min=0,
        max=36,
    ),
    # -- regulation -----------------------------------------------------------------
    ParamSpec(
        "regulation_quota_rule",
        "str",
        "share_on_offer",
        "",
        "How the foreign-content quota binds: 'share_on_offer' (the 2018 draft: foreign "
        "titles at most regulation_quota_foreign_share of the titles on offer) or "
        "'yearly_ratio' (the 2014 rule: foreign titles licensed in a year at most that share "
        "of the domestic titles licensed).",
        "ref 5.5 (2018 draft, Art. 23: per category available on the platform); ref 5.3 "
        "(2014-15: against domestic titles licensed in the prior year)",
        max=16,
        choices=("share_on_offer", "yearly_ratio"),
    ),
    ParamSpec(
        "regulation_quota_foreign_share",
        "float",
        0.30,
        "fraction",
        "The quota's number: foreign titles at most this share of the titles on offer "
        "(share_on_offer) or this fraction of the domestic titles licensed (yearly_ratio). "
        "Domestic titles are bought for the foreign titles submitted, since approval comes "
        "after the purchase (ref 5.4) and the quota must hold when they go live.",
        "ref 5.5: 30 % of each category (2018 draft); ref 5.3: 30 % (2014-15)",
        min=0.01,
        max=1.0,
    ),
    ParamSpec(
        "regulation_approval_pass_rate",
        "float",
        0.7,
        "fraction of titles",
        "Share of submitted foreign titles that are approved for streaming.",
        _A + "no public figure; House of Cards was pulled from Sohu 'for regulatory reasons' "
        "(data/raw/foreign_digital_services_china.csv, Netflix via iQiyi row)",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.4, 0.9),
        range_source="range: assumption: 40 % (the crackdown scenario) to 90 %",
    ),
    ParamSpec(
        "regulation_launch_delay_solo_months",
        "int",
        18,
        "months",
        "Months before a solo service may launch: a foreign firm cannot hold the online "
        "audio-visual licence, so it needs a VIE structure and approval.",
        "ref 5.1 and 5.6 (licence reserved to state-owned or state-controlled firms); ref "
        "3.11 (Netflix sought permission from Jan 2016 and gave up by Oct 2016); 18 months "
        "is an assumption",
        min=0,
        max=120,
        uncertain=True,
        default_range=(12, 36),
        range_source="range: assumption: one to three years of licence talks",
    ),
    ParamSpec(
        "regulation_launch_delay_partner_months",
        "int",
        6,
        "months",
        "Months before a partner-run service may launch (the partner holds the licence; "
        "content still needs approval).",
        "ref 5.4: content approval lags of up to about six months",
        min=0,
        max=120,
        uncertain=True,
        default_range=(3, 12),
        range_source="range: assumption: one approval batch to two (ref 5.4)",
    ),
    ParamSpec(
        "regulation_exit_hazard_solo_year",
        "float",
        0.014,
        "probability per year",
        "Yearly probability that a solo service, licensed and run inside China, is forced to "
        "close once launched.",
        "fit: forced exits of solo services run inside China in "
        "data/raw/foreign_digital_services_china.csv (cross-border services, blocked at the "
        "border, left out): 1 event (Apple's iTunes Movies, 2016), constant hazard; range: "
        "exact 95 % Poisson interval, its top stretched to 8.8 %, the rate with the 8 "
        "cross-border blocks counted (notebooks/regulatory_risk.ipynb)",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.0004, 0.088),
    ),
    ParamSpec(
        "regulation_exit_hazard_partner_year",
        "float",
        0.019,
        "probability per year",
        "Yearly probability that a partner-run service is forced to close, once launched.",
        "fit: forced exits (blocked or shut by a regulator) of foreign services in China, "
        "jv_or_partner rows of data/raw/foreign_digital_services_china.csv: 2 events in "
        "1,277 months, constant hazard; range: exact 95 % Poisson interval "
        "(notebooks/regulatory_risk.ipynb)",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.002, 0.066),
    ),
    ParamSpec(
        "regulation_exit_hazard_license_year",
        "float",
        0.012,
        "probability per year",
        "Yearly probability that licensed content is pulled for good.",
        "fit: licensing rows of data/raw/foreign_digital_services_china.csv: no forced exit "
        "in 484 months; half an event over the exposure as point value; range: exact 95 % "
        "Poisson interval (notebooks/regulatory_risk.ipynb)",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.0, 0.088),
    ),
    ParamSpec(
        "regulation_suspension_hazard_solo_year",
        "float",
        0.20,
        "probability per year",
        "Yearly probability that a solo service is suspended (goes dark for a while).",
        _A + "suspensions are more frequent than forced exits; no public count",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.05, 0.4),
        range_source="range: assumption: a quarter to twice the default",
    ),
    ParamSpec(
        "regulation_suspension_hazard_partner_year",
        "float",
        0.10,
        "probability per year",
        "Yearly probability that a partner-run service is suspended.",
        _A + "half the solo rate: the licensed partner handles the regulator",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.02, 0.2),
        range_source="range: assumption: a fifth to twice the default",
    ),
    ParamSpec(
        "regulation_suspension_months",
        "float",
        3.0,
        "months",
        "How long a suspended service stays dark.",
        _A + "no public record of a suspension that ended: the 2016 cases "
        "(data/raw/foreign_streaming_entry_china_events.csv) ended in exits, counted in the "
        "exit hazards; 3 months is a quarter of lost revenue while approvals are re-sought",
        min=0.0,
        max=24.0,
        uncertain=True,
        default_range=(1.0, 12.0),
        range_source="range: assumption: a month to a year",
    ),
    ParamSpec(
        "regulation_suspension_sub_loss",
        "float",
        0.3,
        "fraction of subscribers",
        "Share of subscribers lost for good in each suspension.",
        _A + "refunds were issued when DisneyLife went dark "
        "(data/raw/foreign_streaming_entry_china_events.csv)",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.1, 0.6),
        range_source="range: assumption: 10-60 % of subscribers",
    ),
    ParamSpec(
        "regulation_crackdown_hazard_year",
        "float",
        0.25,
        "probability per year",
        "Yearly probability of a content crackdown: a tightening of the rules for foreign "
        "content that pulls part of the catalogue (every mode, the licensee's too).",
        "ref 5.2, 5.3, 5.5: foreign content was tightened in 2014 (permits and the 30 % "
        "quota), 2015 (unregistered titles barred) and 2018 (draft category quotas); "
        "assumption: three in about twelve years (2014-2025) is 0.25 a year",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.1, 0.5),
        range_source="range: assumption: one in ten years to the 2014-2018 pace (about one"
        " every two years)",
    ),
    ParamSpec(
        "regulation_crackdown_catalogue_loss",
        "float",
        0.1,
        "fraction of catalogue",
        "Share of the approved catalogue pulled by one content crackdown; the market "
        "potential and licence fees shrink in proportion from then on.",
        _A + "a crackdown hits a minority of titles: in April 2014 four US series, The Big "
        "Bang Theory among them, were ordered off Chinese sites (press reports, not yet in "
        "the references); 10 % of a catalogue of about 80 titles is eight",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.03, 0.3),
        range_source="range: assumption: a few titles to nearly a third of the catalogue",
    ),
    ParamSpec(
        "regulation_easing_hazard_year",
        "float",
        0.04,
        "probability per year",
        "Yearly chance that the rules for foreign video services ease; a staged entry "
        "that switches after the easing runs its own service at lower forced-exit and "
        "suspension risk (regulation_easing_hazard_multiplier).",
        "the rules were tightened in 2014, 2016 and 2018 and never eased from 2014 to "
        "2025 (data/raw/foreign_streaming_entry_china_events.csv; refs 5.2-5.6): no "
        "easing in 12 years, the Jeffreys estimate 0.5 / 12 = 0.04 a year",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.0, 0.25),
        range_source="range: zero to the one-sided 95 % bound of no event in 12 years "
        "(3 / 12, the rule of three)",
    ),
    ParamSpec(
        "regulation_easing_hazard_multiplier",
        "float",
        0.5,
        "multiple of the hazards",
        "After the rules ease, the forced-exit and suspension hazards of an own service "
        "started by a staged entry are this multiple of their values.",
        _A + "an easing halves the regulator's threat; no easing has been observed to measure it",
        min=0.0,
        max=1.0,
    ),
    ParamSpec(
        "regulation_exit_cost_usd_m",
        "float",
        15.0,
        "US$ m",
        "One-off cost of a forced exit: severance, contract breakage, write-offs.",
        _A + "a few months of fixed costs plus contract penalties",
        min=0.0,
        max=2000.0,
        uncertain=True,
        default_range=(5.0, 40.0),
        range_source="range: assumption: a third to nearly three times the default",
    ),
    # -- partner --------------------------------------------------------------------
    ParamSpec(
        "partner_revenue_share",
        "float",
        0.40,
        "fraction of revenue net of VAT and fees",
        "Share of subscription revenue the partner keeps.",
        _A + "terms of such deals are not public; 40 % leaves the partner a return on its "
        "platform, licence and distribution",
        min=0.0,
        max=1.0,
        uncertain=True,
    ),
    ParamSpec(
        "partner_reach_multiplier",
        "float",
        2.0,
        "x",
        "Multiplier on the Bass innovation coefficient p from the partner's distribution "
        "(apps, smart TVs, phones).",
        "ref 4.5 and 4.8: LeTV sold 3 M TVs in 2015 and claimed 730 M monthly users; the "
        "size of the lift is an assumption",
        min=1.0,
        max=10.0,
        uncertain=True,
        default_range=(1.2, 3.0),
        range_source="range: assumption: a small lift to three times the solo rate",
    ),
    ParamSpec(
        "partner_tech_cost_share",
        "float",
        0.4,
        "fraction",
        "Share of the solo platform's fixed tech and overhead cost the streamer still pays "
        "when it runs on the partner's cloud.",
        "ref 4.8: LeCloud had 750 CDN nodes and 30 Tbps; the share is an assumption",
        min=0.0,
        max=1.0,
    ),
    ParamSpec(
        "partner_quota_cover_share",
        "float",
        0.8,
        "fraction",
        "Share of the domestic titles the quota requires that the partner's library supplies "
        "at no cost to the streamer.",
        _A + "LeTV brought its own library (seed case); not all of it fits a premium service",
        min=0.0,
        max=1.0,
    ),
    ParamSpec(
        "partner_governance_usd_m_year",
        "float",
        4.0,
        "US$ m per year",
        "Cost of running the partnership: joint teams, audits, disputes.",
        _A + "Netflix's content chief called joint ventures 'very complex and very difficult "
        "to manage' (seed case)",
        min=0.0,
        max=500.0,
        uncertain=True,
        default_range=(2.0, 8.0),
        range_source="range: assumption: half to twice the default",
    ),
    ParamSpec(
        "partner_distress_hazard_year",
        "float",
        0.08,
        "probability per year",
        "Yearly probability that the partner falls into financial distress.",
        "ref 4.7: LeEco's cash crisis of Nov 2016, a year after the decision; 8 % is an assumption",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.02, 0.2),
        range_source="range: assumption: a stable partner (2 %) to one as leveraged as "
        "LeEco in 2015 (20 %, ref 4.10)",
    ),
    ParamSpec(
        "partner_distress_lost_months",
        "float",
        6.0,
        "months of revenue",
        "Months of the streamer's net subscription revenue lost (unremitted) when the "
        "partner is in distress.",
        _A + "LeEco's related parties owed CNY 7.5 bn by 2017 (ref 4.6)",
        min=0.0,
        max=60.0,
        uncertain=True,
        default_range=(2.0, 12.0),
        range_source="range: assumption: two months to a year of unremitted revenue",
    ),
    ParamSpec(
        "partner_migration_cost_usd_m",
        "float",
        20.0,
        "US$ m",
        "One-off cost of moving the service to another platform after partner distress.",
        _A + "re-platforming and re-licensing",
        min=0.0,
        max=2000.0,
        uncertain=True,
        default_range=(10.0, 40.0),
        range_source="range: assumption: half to twice the default",
    ),
    ParamSpec(
        "partner_reach_gain_usd_m_year",
        "float",
        10.0,
        "US$ m per year",
        "What the deal is worth to the partner beyond its revenue share: a foreign premium "
        "brand and catalogue on its platform, and a step towards international reach.",
        _A + "international reach was LeTV's stated motive (seed case); no public figure, "
        "so a modest value left to the sensitivity analysis",
        min=0.0,
        max=1000.0,
        uncertain=True,
    ),
    ParamSpec(
        "partner_serving_usd_per_sub_month",
        "float",
        0.2,
        "US$ per subscriber-month",
        "The partner's cost of serving one of the streamer's subscribers for a month on its "
        "cloud (CDN, support, billing).",
        _A + "below the streamer's own delivery cost: LeCloud ran 750 CDN nodes (ref 4.8)",
        min=0.0,
        max=20.0,
        uncertain=True,
    ),
    ParamSpec(
        "partner_library_usd_m_per_title",
        "float",
        0.1,
        "US$ m per title per year",
        "The partner's opportunity cost of each library title it supplies towards the "
        "streamer's quota.",
        _A + "a third of the licence price of a library title (content_domestic_title_usd_m)",
        min=0.0,
        max=100.0,
        uncertain=True,
    ),
    # -- licensing ------------------------------------------------------------------
    ParamSpec(
        "license_titles_year",
        "float",
        30.0,
        "titles per year",
        "Titles licensed each year to a Chinese platform (license mode).",
        _A + "Netflix licensed 'a subset of originals' to iQIYI (ref 3.12)",
        min=0.0,
        max=2000.0,
    ),
    ParamSpec(
        "license_fee_usd_m_per_title",
        "float",
        1.0,
        "US$ m per title",
        "Licence fee per approved title, VAT included, paid up front each year.",
        "ref 2.12: about US$150 k per episode for a hit US series (2011); assumption: a "
        "licensee pays for approved hits, about 7 episodes' worth per title on average",
        min=0.0,
        max=100.0,
        uncertain=True,
        default_range=(0.4, 2.0),
        range_source="range: assumption: a library title's price to a hit's",
    ),
    ParamSpec(
        "license_fee_growth_year",
        "float",
        0.03,
        "fraction per year",
        "Yearly growth of licence fees.",
        _A + "below content-cost inflation: the buyer's market is concentrated",
        min=-0.3,
        max=0.5,
        uncertain=True,
        default_range=(-0.05, 0.08),
        range_source="range: assumption: a buyer's market pushing fees down to fees rising"
        " faster than content costs",
    ),
    ParamSpec(
        "license_withholding_tax_rate",
        "float",
        0.10,
        "fraction of fees net of VAT",
        "Withholding tax on royalties paid to a non-resident (final tax in China).",
        "PRC Enterprise Income Tax Law Art. 27 and Implementation Rules Art. 91: 10 %",
        min=0.0,
        max=0.5,
    ),
    # -- staged entry ---------------------------------------------------------------
    ParamSpec(
        "staged_target_mode",
        "str",
        "partner",
        "",
        "The own service a staged entry switches to: 'partner' (with the partner of the "
        "partner inputs) or 'solo'.",
        "model setting: Netflix's 2015 talks were with LeTV, a partner (refs 4.1-4.8 in "
        f"{REF}); the partnership is valued above going alone in every shipped scenario",
        max=7,
        choices=("partner", "solo"),
    ),
    ParamSpec(
        "staged_license_term_months",
        "int",
        36,
        "months",
        "Term of each licence of the staged entry, renewed until the switch. An "
        "exclusive licence lets the switch happen only at the end of a term.",
        _A + "the Netflix-iQiyi licence of 2017 did not disclose its terms (ref 3.12); "
        "three years is a common term for multi-year library licences",
        min=6,
        max=120,
    ),
    ParamSpec(
        "staged_license_exclusivity",
        "str",
        "exclusive",
        "",
        "Whether the staged entry's licence is 'exclusive' (the switch waits for the end "
        "of a term) or 'non_exclusive' (the switch may come at any yearly review, for "
        "lower fees).",
        "Sohu's 2014 licence of House of Cards was exclusive "
        "(data/raw/foreign_streaming_entry_china_events.csv, 2014-02)",
        max=13,
        choices=("exclusive", "non_exclusive"),
    ),
    ParamSpec(
        "staged_nonexclusive_fee_discount",
        "float",
        0.3,
        "fraction of the fee",
        "How much less a buyer pays for a non-exclusive licence than for the exclusive "
        "one (license_fee_usd_m_per_title).",
        _A + "exclusivity is what Chinese platforms competed on in 2014-2017 (Sohu's "
        "exclusive House of Cards); a third less without it",
        min=0.0,
        max=0.9,
    ),
    ParamSpec(
        "staged_switch_cost_usd_m",
        "float",
        10.0,
        "US$ m",
        "One-off cost of switching from licensing to an own service, on top of the "
        "service's own set-up: ending the licence deals, moving the catalogue.",
        _A + "half the set-up cost (finance_setup_usd_m): legal work and re-contracting, "
        "no platform",
        min=0.0,
        max=1_000.0,
        uncertain=True,
        default_range=(3.0, 30.0),
        range_source="range: assumption: from a clean hand-over to a costly break",
    ),
    # -- finance --------------------------------------------------------------------
    ParamSpec(
        "finance_discount_rate_year",
        "float",
        0.15,
        "fraction per year",
        "Discount rate for the streamer's China cash flows.",
        "ref 6.1: iQIYI's own valuation discount rate, 17.5 % (Feb 2017) to 14.5 % (Feb 2018)",
        min=0.0,
        max=1.0,
        uncertain=True,
    ),
    ParamSpec(
        "finance_tax_rate",
        "float",
        0.25,
        "fraction of profit",
        "Corporate income tax on the China operation's profit (losses carried forward).",
        "PRC Enterprise Income Tax Law (2008) Art. 4: 25 %",
        min=0.0,
        max=0.6,
    ),
    ParamSpec(
        "finance_fixed_usd_m_year",
        "float",
        35.0,
        "US$ m per year",
        "Fixed tech and overhead of an own platform in China: local data centres and CDN "
        "(data must stay in China), staff, compliance; paid from month 0 (the local team "
        "seeks the licence and prepares the launch).",
        "ref 5.7 (Cybersecurity Law Art. 37 data localisation); the amount is an assumption",
        min=0.0,
        max=2000.0,
        uncertain=True,
        default_range=(20.0, 60.0),
        range_source="range: assumption: a lean local office to a full data-localised platform",
    ),
    ParamSpec(
        "finance_setup_usd_m",
        "float",
        20.0,
        "US$ m",
        "One-off set-up cost at month 0 (entity, VIE contracts, integration).",
        _A + "legal structuring and platform integration",
        min=0.0,
        max=2000.0,
        uncertain=True,
        default_range=(10.0, 40.0),
        range_source="range: assumption: half to twice the default",
    ),
    ParamSpec(
        "finance_delivery_usd_per_sub_month",
        "float",
        0.3,
        "US$ per subscriber-month",
        "Variable cost of serving one subscriber for a month: bandwidth, support. Paid by "
        "the streamer when solo; under a partnership the partner serves the subscribers on "
        "its cloud out of its share (partner_serving_usd_per_sub_month).",
        _A + "CDN and support cost at Chinese bandwidth prices",
        min=0.0,
        max=20.0,
        uncertain=True,
        default_range=(0.15, 0.6),
        range_source="range: assumption: half to twice the default",
    ),
    ParamSpec(
        "finance_terminal_method",
        "str",
        "gordon",
        "",
        "Value of the business beyond the horizon: 'gordon' (the normalised final year "
        "growing at finance_terminal_growth_year for ever), 'revenue_multiple' (a multiple "
        "of the final year's net revenue) or 'none'. Never below the cost of closing.",
        "model setting: a service that is still growing at the horizon is worth more than "
        "its first ten years (Koller et al., Valuation, ch. 14, continuing value)",
        max=16,
        choices=("gordon", "revenue_multiple", "none"),
    ),
    ParamSpec(
        "finance_terminal_growth_year",
        "float",
        0.02,
        "fraction per year",
        "Long-run growth of the normalised final year's cash flow (Gordon method).",
        "data/raw/china_internet_cnnic.csv: internet users grew 3.4 % a year in 2020-23; "
        "assumption: 2 %, below that, as penetration saturates",
        min=-0.1,
        max=0.1,
        uncertain=True,
        default_range=(0.0, 0.034),
        range_source="range: no growth to the 2020-23 pace of internet users (same file)",
    ),
    ParamSpec(
        "finance_terminal_revenue_multiple",
        "float",
        1.5,
        "x final-year net revenue",
        "Multiple of the final year's net revenue (revenue_multiple method).",
        _A + "listed Chinese video platforms have traded at one to two times revenue; 1.5",
        min=0.0,
        max=20.0,
    ),
)

PARAMETERS = (
    *PARAMETERS,
    ParamSpec(
        "calibration_holdout_years",
        "int",
        2,
        "years",
        "Years held out at the end of each subscriber series to backtest the growth fits "
        "(fewer where a series is too short).",
        _A + "two years test forecasts over the horizon that matters for launch decisions",
        min=1,
        max=5,
    ),
)

SPECS: dict[str, ParamSpec] = {p.name: p for p in PARAMETERS}

#: Short names of the uncertain inputs, for charts and sentences ("... unless <label>
#: falls below X").
LABELS: dict[str, str] = {
    "market_online_video_users_m": "online-video users",
    "market_user_growth_year": "growth of online-video users",
    "market_svod_payer_share": "share of users who pay for video",
    "market_foreign_premium_share": "share of payers open to a foreign service",
    "market_price_elasticity": "price elasticity",
    "pricing_price_cny_month": "monthly price",
    "pricing_fx_cny_per_usd": "yuan per dollar",
    "growth_p_innovation_month": "Bass innovation p",
    "growth_q_imitation_month": "Bass imitation q",
    "growth_churn_rate_month": "monthly churn",
    "growth_cac_months": "marketing cost per new subscriber",
    "growth_winback_months": "cost of winning back a subscriber",
    "pricing_realisation_rate": "share of the list price collected",
    "market_price_war_cut": "incumbents' price cut",
    "content_window_years": "licence window",
    "content_demand_elasticity": "demand's response to the catalogue",
    "finance_terminal_growth_year": "long-run growth",
    "content_rights_usd_m_per_title": "rights cost per foreign title",
    "content_domestic_title_usd_m": "cost per domestic title",
    "content_reedit_share": "share of titles re-edited",
    "content_originals_usd_m_year": "originals budget",
    "content_cost_inflation_year": "content-cost inflation",
    "regulation_approval_pass_rate": "share of titles approved",
    "regulation_launch_delay_solo_months": "solo launch delay",
    "regulation_launch_delay_partner_months": "partner launch delay",
    "regulation_exit_hazard_solo_year": "solo's yearly forced-exit risk",
    "regulation_exit_hazard_partner_year": "partner's yearly forced-exit risk",
    "regulation_exit_hazard_license_year": "licensing's yearly forced-exit risk",
    "regulation_suspension_hazard_solo_year": "solo's yearly suspension risk",
    "regulation_suspension_hazard_partner_year": "partner's yearly suspension risk",
    "regulation_suspension_months": "length of a suspension",
    "regulation_suspension_sub_loss": "subscribers lost per suspension",
    "regulation_crackdown_hazard_year": "yearly content-crackdown risk",
    "regulation_crackdown_catalogue_loss": "catalogue lost per crackdown",
    "regulation_exit_cost_usd_m": "exit cost",
    "partner_revenue_share": "partner's revenue share",
    "partner_reach_multiplier": "partner's reach multiplier",
    "partner_governance_usd_m_year": "partnership governance cost",
    "partner_distress_hazard_year": "partner's yearly distress risk",
    "partner_distress_lost_months": "months of revenue lost in distress",
    "partner_migration_cost_usd_m": "migration cost after distress",
    "partner_reach_gain_usd_m_year": "partner's gain from reach",
    "partner_serving_usd_per_sub_month": "partner's serving cost",
    "partner_library_usd_m_per_title": "partner's library cost",
    "license_fee_usd_m_per_title": "licence fee per title",
    "license_fee_growth_year": "licence-fee growth",
    "finance_discount_rate_year": "discount rate",
    "finance_fixed_usd_m_year": "fixed platform cost",
    "finance_setup_usd_m": "set-up cost",
    "finance_delivery_usd_per_sub_month": "delivery cost per subscriber",
}


def label(name: str) -> str:
    """Short reader-facing name of a parameter (its name if none is set)."""
    return LABELS.get(name, name)


def format_value(name: str, value: float, step: float | None = None) -> str:
    """A parameter value with its unit, as a reader would write it (5.2 %, US$12 m).

    With ``step`` (a slider's), enough decimals that one step shows.
    """
    spec = SPECS[name]
    unit = spec.unit

    def places(least: int, scale: float = 1.0) -> int:
        if not step:
            return least
        return max(least, -math.floor(math.log10(step * scale) + 1e-9))

    if unit.startswith("fraction") or unit.startswith("probability"):
        return f"{value:.{places(1, 100)}%}"
    if unit.startswith("US$ m"):
        return f"US${value:,.{places(1)}f} m" + unit[len("US$ m") :]
    if unit.startswith("US$ per"):
        return f"US${value:,.{places(2)}f}" + unit[len("US$") :]
    if spec.type == "int":
        return f"{value:.0f} {unit}".strip()
    if unit == "months":
        return f"{value:.{places(1)}f} months"
    if step:
        return f"{value:,.{places(0)}f} {unit}".strip()
    if abs(value) >= 1000:  # 1,072 million people, not 1.07e+03
        return f"{value:,.0f} {unit}".strip()
    return f"{value:.3g} {unit}".strip()


ENTRY_MODES: tuple[str, ...] = ("solo", "partner", "license", "staged", "stay_out")
MODE_LABELS: dict[str, str] = {
    "solo": "Solo",
    "partner": "Partner",
    "license": "Licensing",
    "staged": "Staged entry",
    "stay_out": "Stay out",
}

#: Modes whose first step is the same, licensing now (the staged entry may switch to
#: an own service later): comparisons of "the best against the runner-up" skip the twin.
SAME_START: dict[str, str] = {"license": "staged", "staged": "license"}


def rivals(mode: str, modes) -> list[str]:
    """The modes that start differently from ``mode`` (all but itself and its twin)."""
    twin = SAME_START.get(mode)
    return [m for m in modes if m not in (mode, twin)]


def defaults() -> dict[str, float | int | str]:
    """Return every parameter's default value, keyed by name."""
    return {p.name: p.default for p in PARAMETERS}


def records() -> list[dict[str, object]]:
    """Return the schema as a list of plain dicts (for JSON, tables and docs)."""
    return [
        {
            "name": p.name,
            "group": p.group,
            "type": p.type,
            "unit": p.unit,
            "default": p.default,
            "min": p.min,
            "max": p.max,
            "uncertain": p.uncertain,
            "default_range": list(p.default_range) if p.default_range else None,
            "range_source": p.range_source,
            "choices": list(p.choices) if p.choices else None,
            "description": p.description,
            "source": p.source,
        }
        for p in PARAMETERS
    ]
