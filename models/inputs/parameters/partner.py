"""Partner: the parameters of the group ``partner``, in schema order.

The local partner's revenue share, reach, the costs it covers, governance and distress.

:mod:`models.inputs.schema` lists the groups in order; the fields are those of
:class:`models.inputs.spec.ParamSpec`.
"""

from __future__ import annotations

from models.inputs.parameters.sources import ASSUMPTION as _A
from models.inputs.spec import ParamSpec

GROUP = "partner"
TITLE = "Partner"

PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "partner_revenue_share",
        "float",
        0.40,
        "fraction of revenue net of VAT and fees",
        "Share of subscription revenue the partner keeps.",
        _A + "terms of such deals are not public; 40 % leaves the partner a return on its "
        "platform, licence and distribution",
        label="partner's revenue share",
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
        label="partner's reach multiplier",
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
        label="tech cost kept on the partner's platform",
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
        label="quota titles the partner supplies",
    ),
    ParamSpec(
        "partner_governance_usd_m_year",
        "float",
        4.0,
        "US$ m per year",
        "Cost of running the partnership: joint teams, audits, disputes.",
        _A + "Netflix's content chief called joint ventures 'very complex and very difficult "
        "to manage' (seed case)",
        label="partnership governance cost",
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
        label="partner's yearly distress risk",
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
        label="months of revenue lost in distress",
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
        label="migration cost after distress",
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
        label="partner's gain from reach",
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
        label="partner's serving cost",
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
        label="partner's library cost",
        min=0.0,
        max=100.0,
        uncertain=True,
    ),
)
