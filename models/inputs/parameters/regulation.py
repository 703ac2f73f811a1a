"""Regulation: the parameters of the group ``regulation``, in schema order.

The quota, approvals, launch delays, forced exits, suspensions, crackdowns and an easing
of the rules.

:mod:`models.inputs.schema` lists the groups in order; the fields are those of
:class:`models.inputs.spec.ParamSpec`.
"""

from __future__ import annotations

from models.inputs.parameters.sources import ASSUMPTION as _A
from models.inputs.spec import ParamSpec

GROUP = "regulation"
TITLE = "Regulation"

PARAMETERS: tuple[ParamSpec, ...] = (
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
        label="quota rule",
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
        label="foreign-content quota",
    ),
    ParamSpec(
        "regulation_approval_pass_rate",
        "float",
        0.7,
        "fraction of titles",
        "Share of submitted foreign titles that are approved for streaming.",
        _A + "no public figure; House of Cards was pulled from Sohu 'for regulatory reasons' "
        "(data/raw/foreign_digital_services_china.csv, Netflix via iQiyi row)",
        label="share of titles approved",
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
        label="solo launch delay",
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
        label="partner launch delay",
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
        label="solo's yearly forced-exit risk",
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
        label="partner's yearly forced-exit risk",
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
        label="licensing's yearly forced-exit risk",
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
        label="solo's yearly suspension risk",
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
        label="partner's yearly suspension risk",
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
        label="length of a suspension",
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
        label="subscribers lost per suspension",
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
        label="yearly content-crackdown risk",
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
        "Share of the approved foreign titles on offer pulled by one content crackdown; "
        "the market potential and licence fees shrink in proportion until the titles' "
        "window or contract ends (titles bought later pass the rules of their day).",
        _A + "a crackdown hits a minority of titles: in April 2014 four US series, The Big "
        "Bang Theory among them, were ordered off Chinese sites (press reports, not yet in "
        "the references); 10 % of a catalogue of about 80 titles is eight",
        label="catalogue lost per crackdown",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.03, 0.3),
        range_source="range: assumption: a few titles to nearly a third of the catalogue",
    ),
    ParamSpec(
        "regulation_crackdown_persistence",
        "float",
        0.5,
        "fraction",
        "Share of a crackdown's cut that also falls on titles bought or licensed after "
        "it (the rules stay tighter); the rest is the titles it pulled, which later "
        "purchases replace with titles that pass.",
        _A + "the tightenings of 2014, 2015 and 2018 stayed (ref 5.2, 5.3, 5.5: none was "
        "reversed), but each pulled named titles that a streamer can replace by others; "
        "half-way between later titles untouched (0) and every later title cut alike (1)",
        label="share of a crackdown that lasts",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.0, 1.0),
        range_source="range: assumption: from later titles untouched to every later title "
        "cut alike",
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
        label="yearly chance the rules ease",
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
        label="risk left after the rules ease",
    ),
    ParamSpec(
        "regulation_exit_cost_usd_m",
        "float",
        15.0,
        "US$ m",
        "One-off cost of a forced exit: severance, contract breakage, write-offs.",
        _A + "a few months of fixed costs plus contract penalties",
        label="exit cost",
        min=0.0,
        max=2000.0,
        uncertain=True,
        default_range=(5.0, 40.0),
        range_source="range: assumption: a third to nearly three times the default",
    ),
)
