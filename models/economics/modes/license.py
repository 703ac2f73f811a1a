"""Licensing: titles licensed to a Chinese platform for yearly fees; no own service.

What Netflix did with iQIYI in April 2017 (ref 3.12). The buyer pays once its titles
are approved (``content_lead_months`` after the decision), for the approved share of
``license_titles_year`` titles a year; VAT and withholding tax come out of the fees,
and the streamer pays to localise what it licenses. Forced exits (the licence
revoked) and content crackdowns (titles pulled, their fees with them) are its risks; a
licensor that stops walks away from its contracts at no extra cost.
"""

from __future__ import annotations

from dataclasses import dataclass

from models._arrays import column
from models.economics import content, events
from models.economics.modes.base import EntryMode
from models.economics.modes.policy import (
    ZERO,
    Decision,
    empty_lines,
    terminal_value,
    with_exit_policy,
)
from models.economics.terms import (
    Content,
    ExposureNames,
    Finance,
    License,
    Pricing,
    Rules,
    Terms,
)


@dataclass(frozen=True)
class Licensing(EntryMode):
    """Titles licensed out for fees (see the module docstring)."""

    groups: tuple = (Pricing, Content, Rules, License, Finance)
    events: tuple[str, ...] = ("exit", "crackdown")

    def launch_month(self, terms: Terms):
        """The buyer pays once the titles are approved: ``content_lead_months``."""
        return terms.content.lead_months

    def content_budget(self, terms: Terms) -> content.ContentBudget:
        """Only the localisation of the titles it licenses out."""
        zero = column(0.0)
        local = content.license_localisation(terms.license.titles_year, terms.content)
        return content.ContentBudget(zero, local, zero, zero)

    def build(
        self,
        terms: Terms,
        uniforms: events.Uniforms | None = None,
        how: Decision | None = None,
        plan_only: bool = False,
    ):
        """The licence's lines, events in expectation or drawn (see
        :meth:`models.economics.modes.base.EntryMode.build`). Content crackdowns cut
        the fees of the titles they pull."""
        months = terms.months
        lic, pricing, rules = terms.license, terms.pricing, terms.rules
        launch = self.launch_month(terms)  # the buyer pays once titles are approved
        if uniforms is None:
            risk = events.expected(terms.exposure, rules, launch, months, can_be_suspended=False)
        else:
            risk = events.drawn(
                terms.exposure, rules, launch, months, uniforms, can_be_suspended=False
            )
        fees = (
            content.yearly_payments(
                lic.titles_year * rules.approval_pass_rate * lic.fee_usd_m_per_title,
                launch,
                months,
                lic.fee_growth_year,
            )
            * risk.catalogue
        )
        ex_vat = fees / (1.0 + pricing.vat_rate)
        cond = empty_lines()
        cond["license_fees"] = fees
        cond["vat"] = -(fees - ex_vat)
        cond["withholding_tax"] = -ex_vat * lic.withholding_tax_rate
        cond["content"] = -content.yearly_payments(
            content.license_localisation(lic.titles_year, terms.content),
            0,
            months,
            terms.content.cost_inflation_year,
        )
        kept = ex_vat * (1.0 - column(lic.withholding_tax_rate))
        cash = kept + cond["content"]
        # withholding tax is the final tax: the final year's cash is already after tax
        terminal = terminal_value(months, cash, ZERO, kept, 0.0, terms.finance)
        # a licensor that stops walks away from its contracts at no extra cost
        return with_exit_policy(
            self.name,
            terms.horizon,
            terms.finance.discount_rate_year,
            launch,
            cond,
            risk,
            0.0,
            how=how,
            plan_only=plan_only,
            terminal=terminal,
        )


MODE = Licensing(
    name="license",
    label="Licensing",
    colour="#009E73",
    description="No service of its own: its titles licensed to a Chinese platform for "
    "yearly fees, as Netflix did with iQIYI in 2017.",
    commitment=1,
    exposure=ExposureNames(exit_hazard="regulation_exit_hazard_license_year"),
    twin="staged",
    record_code="licensing",
    dash="dot",
)
