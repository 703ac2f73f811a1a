"""Partner: an own service run with a licensed Chinese platform (the LeTV case, 2015).

The partner brings a licence and an earlier launch, its reach (devices, users), its
library (part of the quota's domestic titles) and its cloud (it serves the subscribers
out of its share, and carries part of the tech costs); it keeps a share of net revenue,
the partnership costs governance, and the partner may fall into distress, as LeEco did
in November 2016 (ref 4.7; :mod:`models.economics.partner`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models._arrays import column
from models.economics import finance
from models.economics.modes.service import SERVICE_GROUPS, OwnService
from models.economics.terms import ExposureNames, Partner, Terms


@dataclass(frozen=True)
class Partnership(OwnService):
    """An own service with a local partner (see the module docstring)."""

    groups: tuple = (*SERVICE_GROUPS, Partner)
    events: tuple[str, ...] = ("exit", "suspension", "crackdown", "distress")

    def reach(self, terms: Terms):
        return terms.partner.reach_multiplier

    def revenue_share(self, terms: Terms):
        return terms.partner.revenue_share

    def serves_subscribers(self) -> bool:
        # the partner serves the subscribers on its cloud, out of its share
        return False

    def tech_cost_share(self, terms: Terms):
        return terms.partner.tech_cost_share

    def governance_year(self, terms: Terms):
        return terms.partner.governance_usd_m_year

    def quota_cover(self, terms: Terms):
        return terms.partner.quota_cover_share

    def distress_hazard(self, terms: Terms):
        return terms.partner.distress_hazard_year

    def distress_costs(self, terms: Terms):
        return terms.partner.distress_lost_months, terms.partner.migration_cost_usd_m

    def counterparty_cash_flow(self, result, terms: Terms):
        """The partner's expected monthly cash flow, US$ m, (paths, months): the share it
        receives, plus the value of the foreign brand and reach to it, less the cost of
        serving the streamer's subscribers on its cloud and the opportunity cost of the
        library titles it supplies towards the quota, while the service operates."""
        p = terms.partner
        r = result
        share_received = -r.lines["partner_share"]
        costs = finance.cost_index(terms.finance.cost_inflation_year, r.subscribers_m.shape[1])
        serving = r.subscribers_m * r.operating * column(p.serving_usd_per_sub_month) * costs
        # the library titles it supplies towards the quota, while they are on offer
        plan = self.content_plan(terms, terms.exposure.launch_delay_months)
        library = plan.domestic * p.quota_cover_share * p.library_usd_m_per_title
        monthly = p.reach_gain_usd_m_year / 12.0 - library / 12.0
        return share_received - serving + monthly * r.operating

    def flags(self, result):
        """``<name>_distress``: 1 if the partner fell into distress after its launch,
        within the horizon, whatever the exit policy (and the service's own flags)."""
        out = super().flags(result)
        if result.events and f"{self.name}_distress" in self.flag_names:
            paths = result.operating.shape[0]
            distress = np.broadcast_to(result.events["partner_distress"], paths)
            out[f"{self.name}_distress"] = distress
        return out


MODE = Partnership(
    name="partner",
    label="Partner",
    colour="#0072B2",
    description="Its own service with a licensed Chinese platform: an earlier launch and "
    "the partner's reach, for a share of revenue and the partner's risk.",
    commitment=3,
    exposure=ExposureNames(
        launch_delay="regulation_launch_delay_partner_months",
        exit_hazard="regulation_exit_hazard_partner_year",
        suspension_hazard="regulation_suspension_hazard_partner_year",
    ),
    cost=2,
    deal_term="partner_revenue_share",
    flag_names=("partner_distress",),
    information={
        "whether the partner falls into distress": (
            "partner_distress",
            "partner_distress_hazard_year",
        )
    },
    record_code="jv_or_partner",
    dash="dash",
)
