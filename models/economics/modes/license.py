"""Licensing: titles licensed to a Chinese platform on contracts; no own service.

What Netflix did with iQIYI in April 2017 (ref 3.12). The titles are approved
``content_lead_months`` after the decision; then the first contract is signed, for the
approved share of ``license_titles_year`` titles over ``license_term_months``, at a price
that follows the buyer's demand for foreign titles, renewed at a renegotiated price, paid
partly at signing and the rest in instalments (:mod:`models.economics.licence`). VAT and
withholding tax come out of the fees; the streamer pays to localise what it licenses and
to clear it for China. Its risks: the licence revoked (forced exits), titles pulled by a
crackdown (their fees with them), prices that fall at renewal, and a buyer in distress
that stops paying (as LeEco did). Once started, it is bound by its contracts: the go
decision is its only decision (a licensor that stopped delivering would breach
contracts that run for years; a staged entry's licence leg is bound too).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models._arrays import FloatArray, column
from models.economics import content, events, finance, licence, regulation, reuse
from models.economics import market as mkt
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
    Market,
    Pricing,
    Rules,
    Terms,
)


@dataclass(frozen=True)
class Licensing(EntryMode):
    """Titles licensed out for fees (see the module docstring)."""

    groups: tuple = (Market, Pricing, Content, Rules, License, Finance)
    events: tuple[str, ...] = ("exit", "crackdown", "distress", "renewal")
    flag_names: tuple[str, ...] = ("licensee_distress",)

    def flags(self, result):
        """``licensee_distress``: 1 if the buyer fell into distress within the horizon,
        whatever the exit policy."""
        if not result.events or "licensee_distress" not in result.events:
            return {}
        paths = result.operating.shape[0]
        return {"licensee_distress": np.broadcast_to(result.events["licensee_distress"], paths)}

    def launch_month(self, terms: Terms):
        """The buyer pays once the titles are approved: ``content_lead_months``."""
        return terms.content.lead_months

    def content_budget(self, terms: Terms) -> content.ContentBudget:
        """Only the localisation of the titles it licenses out."""
        zero = column(0.0)
        local = content.license_localisation(terms.license.titles_year, terms.content)
        return content.ContentBudget(zero, local, zero, zero)

    def fees(self, terms: Terms, risk: events.ServiceRisk, uniforms=None):
        """The fees due, the share of them lost to the buyer's distress, the fees a
        normalised month earns at today's price, and the payment at signing already
        received for the months after each month: ``(due, lost, earned, unearned)``,
        (paths, months) each, US$ m VAT included (:func:`models.economics.licence.schedule`)."""
        months = terms.months
        lic, market, rules = terms.license, terms.market, terms.rules
        launch = self.launch_month(terms)
        _, payers = terms.shared(mkt.users_and_payers, market, months)
        renewal = None if uniforms is None else uniforms.renewal
        shocks = licence.renegotiation(renewal, launch, lic.term_months, lic.renewal_sd_log, months)
        hazard = regulation.monthly_hazard(lic.buyer_distress_hazard_year)
        distress = None
        if uniforms is not None:
            distress = events.first_event(
                uniforms.distress, np.broadcast_to(column(hazard), (uniforms.paths, months)), launch
            )
            risk.drawn["licensee_distress"] = (distress < months).astype(float)
        # a normalised month's titles: as many as new crackdowns leave on average over
        # a contract's term, of those the lasting part of the crackdowns so far leaves
        # (at the horizon's level, the final month's, for the whole normalised year: a
        # lasting cut late in the final year is not a twelfth of one)
        steady = events.steady_kept(
            regulation.monthly_hazard(rules.crackdown_hazard_year),
            rules.crackdown_catalogue_loss,
            lic.term_months,
        )
        lasting = np.exp(np.asarray(risk.log_lasting)[:, -1:])
        return licence.schedule(
            months,
            payers=payers,
            fee=lic.fee_usd_m_per_title,
            growth=lic.fee_growth_year,
            reference=lic.reference_payers_m,
            elasticity=lic.demand_elasticity,
            first=launch,
            term=lic.term_months,
            shocks=shocks,
            titles=column(lic.titles_year) * column(rules.approval_pass_rate),
            upfront_share=lic.upfront_share,
            hazard=hazard,
            distress_month=distress,
            loss=lic.loss_given_distress,
            log_kept=risk.log_kept,
            log_lasting=risk.log_lasting,
            steady=steady,
            lasting=lasting,
        )

    def risk(self, terms: Terms, uniforms=None) -> events.ServiceRisk:
        """The licence's events: the regulator may block the deal from the decision on,
        titles still in approval; the buyer's distress and the contracts start at the
        first signing."""
        if uniforms is None:
            return events.expected(
                terms.exposure, terms.rules, 0, terms.months, can_be_suspended=False
            )
        return events.drawn(
            terms.exposure, terms.rules, 0, terms.months, uniforms, can_be_suspended=False
        )

    @staticmethod
    def net(terms: Terms, received):
        """Fees received (VAT included) net of VAT, withholding tax and compliance:
        ``(ex_vat, kept, net)``, US$ m."""
        lic = terms.license
        ex_vat = received / (1.0 + column(terms.pricing.vat_rate))
        kept = ex_vat * (1.0 - column(lic.withholding_tax_rate))
        return ex_vat, kept, kept - ex_vat * column(lic.compliance_share)

    def refund_lines(self, terms: Terms, uniforms=None) -> dict[str, FloatArray]:
        """The lines of handing back, when a contract ends early, the payment at
        signing for the months after month ``t`` (each month's value, (paths, months),
        US$ m, money out negative), VAT, withholding tax and compliance reversed; the
        cash is their sum. A staged entry whose own service launches mid-term (a
        non-exclusive licence switches at a yearly review) ends its licence then: it
        earns no fees after the launch and keeps no payment for them (issue 20)."""
        risk = self.risk(terms, uniforms)
        unearned = self.fees(terms, risk, uniforms)[3]
        ex_vat = self.net(terms, unearned)[0]
        lic = terms.license
        return {
            "license_fees": -unearned,
            "vat": unearned - ex_vat,
            "withholding_tax": ex_vat * column(lic.withholding_tax_rate),
            "compliance": ex_vat * column(lic.compliance_share),
        }

    def cash_lines(self, terms: Terms, uniforms=None):
        """The conditional lines, the events, the cash, and what the value beyond the
        horizon rests on (a normalised month's cash and fees kept, earned at today's
        price instead of paid, and the payment at signing received for months after
        the horizon, net): ``(cond, risk, cash, steady_cash, steady_kept, prepaid)``."""
        months = terms.months
        lic = terms.license
        risk = self.risk(terms, uniforms)
        due, lost, earned, unearned = self.fees(terms, risk, uniforms)
        localisation = -content.yearly_payments(
            content.license_localisation(lic.titles_year, terms.content),
            0,
            months,
            terms.content.cost_inflation_year,
        )
        # the cost index is the own services' too: computed once a run (Terms.shared)
        costs = terms.shared(finance.cost_index, terms.finance.cost_inflation_year, months)
        overhead = -column(lic.overhead_usd_m_year) / 12.0 * costs

        def net(received):
            return self.net(terms, received)

        received = due - lost
        ex_vat, _, kept_net = net(received)
        cond = empty_lines()
        cond["license_fees"] = due
        cond["licensee_default"] = -lost
        cond["vat"] = -(received - ex_vat)
        cond["withholding_tax"] = -ex_vat * column(lic.withholding_tax_rate)
        cond["compliance"] = -ex_vat * column(lic.compliance_share)
        cond["content"] = localisation
        cond["fixed_costs"] = overhead
        # a normalised month: the fees earned at today's price, less what a buyer's
        # distress takes on average over a contract (a fresh buyer each term)
        hazard = regulation.monthly_hazard(lic.buyer_distress_hazard_year)
        term = np.maximum(column(lic.term_months), 1.0)
        expected_loss = (
            column(lic.loss_given_distress)
            * (1.0 - column(lic.upfront_share))
            * (1.0 - (1.0 - column(hazard)) ** ((term - 1.0) / 2.0))
        )
        _, steady_kept, steady_net = net(earned * (1.0 - expected_loss))
        prepaid = net(unearned[:, -1:])[2][:, 0]
        costs = localisation + overhead
        return cond, risk, kept_net + costs, steady_net + costs, steady_kept, prepaid

    def build(
        self,
        terms: Terms,
        uniforms: events.Uniforms | None = None,
        how: Decision | None = None,
        plan_only: bool = False,
    ):
        """The licence's lines, events in expectation or drawn (see
        :meth:`models.economics.modes.base.EntryMode.build`)."""
        # served across a sweep's points where nothing it read changed (a staged entry's
        # licence leg reads no input of the own services: models.economics.reuse)
        cond, risk, cash, steady_cash, steady_kept, prepaid = reuse.part(
            terms, "cash_lines", self.cash_lines, uniforms=uniforms
        )
        # withholding tax is the final tax: the cash is already after tax; the value
        # beyond the horizon is that of a year of fees earned at today's price, not of
        # the payments that happen to fall in the final year, less the payment at
        # signing already received for the months after it
        terminal = (
            terminal_value(
                terms.months,
                steady_cash,
                ZERO,
                steady_kept,
                0.0,
                terms.finance,
                exit_hazard=risk.exit_hazard,
            )
            - prepaid
        )
        # a licensor decides to go and is then bound by its contracts to the horizon
        # (a staged entry's licence leg is too, so that one that cannot switch is
        # licensing, path by path)
        return with_exit_policy(
            self.name,
            terms.horizon,
            terms.finance.discount_rate_year,
            self.launch_month(terms),
            cond,
            risk,
            0.0,
            how=how,
            plan_only=plan_only,
            cash=cash,
            terminal=terminal,
            bound=True,
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
    lines={"licensee_default": "Licensee's default", "compliance": "Compliance and clearance"},
    revenue_lines=("licensee_default",),
)
