"""An own subscription service: what solo and partner share.

The streamer runs its own service in China, alone (:mod:`models.economics.modes.solo`)
or with a licensed local platform (:mod:`models.economics.modes.partner`). Month by
month (docs/design.md, "Model sketch"):

1. **Market.** China's online-video users grow at a constant rate; the share of them
   who pay for video diffuses towards its ceiling (a logistic curve, fitted on the
   leaders' members); the share of payers open to a premium foreign service gives the
   market before price and catalogue; the price against the incumbents' (cut once the
   service launches) and the catalogue on offer scale it
   (:mod:`models.economics.market`).
2. **Content.** A library bought each content year ahead of the launch, under the
   quota (:func:`models.economics.content.content_plan`); crackdowns pull foreign
   titles, which shrinks the catalogue's draw.
3. **Subscribers.** Bass diffusion with churn, from the launch on
   (:func:`models.economics.growth.bass_subscribers`); suspensions cost subscribers.
4. **Money.** Revenue at the realised price (VAT and payment fees out), marketing per
   first-time and returning subscriber, delivery per subscriber, the platform's fixed
   costs and set-up from the start, tax with losses carried forward, and a continuing
   value at the horizon; then the exit policy
   (:func:`models.economics.modes.policy.with_exit_policy`).

A subclass changes only what differs: :class:`models.economics.modes.partner.Partnership`
adds the partner's reach, revenue share, governance and distress, and its share of the
tech costs and of the quota's domestic titles.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from models._arrays import FloatArray, column
from models.economics import content, events, finance, growth, market
from models.economics.modes.base import EntryMode
from models.economics.modes.policy import (
    ZERO,
    Decision,
    empty_lines,
    final_year,
    per_path,
    terminal_value,
    with_exit_policy,
)
from models.economics.terms import (
    Content,
    Finance,
    Growth,
    Market,
    Pricing,
    Rules,
    Terms,
    Value,
)

#: The groups every own service reads.
SERVICE_GROUPS = (Market, Pricing, Growth, Content, Rules, Finance)


@dataclass(frozen=True)
class Base:
    """The parts of an own service that no event changes (money out negative)."""

    users: FloatArray  # online-video users, millions (paths, months)
    payers: FloatArray  # of them, those who pay for video, millions (paths, months)
    price: FloatArray  # demand multiplier of the price against the incumbents'
    reference_titles: FloatArray  # the leaders' catalogue as a yardstick (paths, months)
    plan: content.ContentPlan
    revenue_per_sub: FloatArray  # US$ per subscriber-month collected, VAT included, by month
    delivery_per_sub: FloatArray  # US$ per subscriber-month delivered, by month (0 if none)
    content_out: FloatArray
    amortisation: FloatArray
    fixed_out: FloatArray
    governance_out: FloatArray
    setup_out: FloatArray
    overhead_out: FloatArray


def price_and_revenue(pricing: Pricing) -> tuple[FloatArray, FloatArray]:
    """List price the market compares (CNY a month) and revenue collected per
    subscriber-month (CNY, VAT included): the list price times the realisation rate; with
    an ad tier, the blend of both tiers plus advertising on the cheaper one."""
    realise = column(pricing.realisation_rate)
    price = column(pricing.price_cny_month)
    if pricing.ad_tier == "on":
        s = column(pricing.ad_tier_share)
        ad_price = column(pricing.ad_tier_price_cny_month)
        blended = (1.0 - s) * price + s * ad_price
        return blended, realise * blended + s * column(pricing.ad_revenue_cny_per_sub_month)
    return price, realise * price


@dataclass(frozen=True)
class OwnService(EntryMode):
    """An own subscription service (see the module docstring); alone as it stands."""

    groups: tuple = SERVICE_GROUPS
    events: tuple[str, ...] = ("exit", "suspension", "crackdown")
    runs_service: bool = True

    # -- what a partner changes (solo: nothing) ---------------------------------------

    def reach(self, terms: Terms) -> Value:
        """Multiplier on the Bass innovation coefficient (a partner's reach)."""
        return 1.0

    def revenue_share(self, terms: Terms) -> Value | None:
        """Share of net revenue kept by a partner; None alone."""
        return None

    def serves_subscribers(self) -> bool:
        """Whether the streamer pays to serve its subscribers (bandwidth, support)."""
        return True

    def tech_cost_share(self, terms: Terms) -> Value:
        """Share of the platform's fixed costs the streamer pays."""
        return 1.0

    def governance_year(self, terms: Terms) -> Value | None:
        """Yearly cost of governing a partnership, US$ m; None alone."""
        return None

    def quota_cover(self, terms: Terms) -> Value:
        """Share of the quota's domestic titles a partner's library supplies."""
        return 0.0

    def distress_hazard(self, terms: Terms) -> Value | None:
        """A partner's yearly hazard of distress; None alone."""
        return None

    def distress_loss(self, terms: Terms, risk, kept: FloatArray) -> FloatArray | None:
        """Loss from a partner's distress in each month, US$ m (positive); None alone."""
        return None

    def flags(self, result):
        """``<name>_dark_months``: months with any dark time while the service ran under
        its exit policy (declared in :attr:`flag_names`)."""
        if not result.events or f"{self.name}_dark_months" not in self.flag_names:
            return {}
        dark = np.broadcast_to(result.conditional["suspension_loss"], result.operating.shape)
        months = np.sum((dark * result.operating) < 0, axis=1).astype(float)
        return {f"{self.name}_dark_months": months}

    # -- the service --------------------------------------------------------------------

    def content_plan(self, terms: Terms, launch, payers=None) -> content.ContentPlan:
        """The service's content (:func:`models.economics.content.content_plan`), rights
        and domestic titles priced on the paying market ``payers`` (millions, (paths,
        months); None: at month 0's market) and purchases keeping pace with the leaders'
        catalogue (:func:`models.economics.content.pace_index`)."""
        c = terms.content
        price, pace = 1.0, 1.0
        if payers is not None:
            price = content.market_price_index(payers, c.market_price_elasticity)
            pace = content.pace_index(self.leaders_catalogue(terms, payers), c.keep_pace_share)
        return content.content_plan(
            c,
            terms.rules,
            launch,
            terms.months,
            terms.horizon.start_month,
            self.quota_cover(terms),
            price,
            pace,
        )

    @staticmethod
    def leaders_catalogue(terms: Terms, payers) -> np.ndarray:
        """The leaders' catalogue against month 0's, (paths, months)
        (:func:`models.economics.content.leaders_catalogue_index`)."""
        c = terms.content
        return content.leaders_catalogue_index(
            payers, c.leader_spend_elasticity, c.market_price_elasticity
        )

    def content_budget(self, terms: Terms) -> content.ContentBudget:
        """Content spend per year, averaged over the horizon's content years, for a
        launch after the scenario's delay (:func:`models.economics.content.average_budget`),
        at month 0's prices and market: the plan as set, before the paying market bids
        prices up or a policy keeping pace with the leaders scales it."""
        plan = self.content_plan(terms, terms.exposure.launch_delay_months)
        return content.average_budget(plan, terms.months)

    def base(self, terms: Terms, launch) -> Base:
        """Market before the catalogue, content, price, and the fixed, governance and
        set-up costs: everything that no event changes."""
        months = terms.months
        mkt, pricing, fin = terms.market, terms.pricing, terms.finance
        users, payers = market.users_and_payers(mkt, months)
        list_price, revenue_cny = price_and_revenue(pricing)
        # the leaders raise their prices once the paying market levels off; the streamer
        # passes on its share of the rises to its own price and to what it collects
        # (ref 1.27)
        mature = market.maturity_month(
            mkt.svod_payer_share,
            mkt.payer_headroom,
            mkt.payer_diffusion_rate_year,
            pricing.reference_price_maturity,
            months,
        )
        level = market.price_index(pricing.reference_price_growth_year, months, mature)
        followed = level ** column(pricing.follow_share)
        reference = market.reference_price(
            pricing.reference_price_cny_month, mkt.price_war_cut, launch, months, level
        )
        price = market.price_factor(list_price * followed, reference, mkt.price_elasticity)
        plan = self.content_plan(terms, launch, payers)
        amort = content.amortise(plan.cash, terms.content.amortisation_months)
        t = np.arange(months).reshape(1, -1)
        start = terms.horizon.start_month
        # the local team seeks the licence and prepares the launch: fixed costs from the
        # start (month 0, or a staged entry's switch)
        costs = finance.cost_index(fin.cost_inflation_year, months)  # other than content
        fixed_out = -column(fin.fixed_usd_m_year) / 12.0 * column(self.tech_cost_share(terms))
        fixed_out = fixed_out * costs
        governance = self.governance_year(terms)
        governance_out = ZERO if governance is None else -column(governance) / 12.0 * costs
        if start:
            running = (t >= start).astype(float)
            fixed_out = fixed_out * running
            governance_out = governance_out * running if governance is not None else ZERO
        setup_out = np.where(t == start, -column(fin.setup_usd_m), 0.0)
        return Base(
            users=users,
            payers=payers,
            price=price,
            reference_titles=column(mkt.reference_catalogue_titles)
            * self.leaders_catalogue(terms, payers),
            plan=plan,
            revenue_per_sub=revenue_cny * followed / column(pricing.fx_cny_per_usd),
            delivery_per_sub=column(fin.delivery_usd_per_sub_month) * costs
            if self.serves_subscribers()
            else ZERO,
            content_out=-plan.cash,
            amortisation=amort,
            fixed_out=fixed_out,
            governance_out=governance_out,
            setup_out=setup_out,
            overhead_out=fixed_out + governance_out + setup_out,
        )

    def risk(self, terms: Terms, launch, uniforms=None) -> events.ServiceRisk:
        """The events of the service (those of :attr:`events`), in expectation or drawn."""
        kwargs = {
            "can_be_suspended": "suspension" in self.events,
            "distress_hazard_year": self.distress_hazard(terms)
            if "distress" in self.events
            else None,
        }
        if uniforms is None:
            return events.expected(terms.exposure, terms.rules, launch, terms.months, **kwargs)
        return events.drawn(terms.exposure, terms.rules, launch, terms.months, uniforms, **kwargs)

    def events_normal(self, terms: Terms, launch, path: dict):
        """What the final year's drawn suspensions and partner distress change in the
        year the continuing value grows for ever: ``(cash, revenue)``, per path, US$ m,
        the final year with suspensions and distress in expectation
        (:func:`events.expected`: extra churn instead of subscriber losses, the expected
        dark share, the expected distress loss) less the drawn year
        (:func:`models.economics.modes.policy.terminal_value`). ``path`` holds the
        drawn run's market, Bass coefficients and final-year lines.

        A suspension or a partner's distress is a one-off, not a new normal (issue 20's
        reviews: a three-month suspension in the final year cut the continuing value
        45 %; one just before it, through the subscribers it cost, 27 %). None when
        nothing of the kind can happen.
        """
        can_suspend = "suspension" in self.events
        if not can_suspend and not np.any(path["distress_out"]):
            return None
        months = terms.months
        grow = terms.growth
        expected = self.risk(terms, launch, None)
        subs, adds, first = growth.bass_subscribers(
            path["market"],
            path["p"],
            grow.q_imitation_month,
            grow.churn_rate_month + expected.extra_churn,
            launch,
        )
        subs, adds, first = (final_year(x, months) for x in (subs, adds, first))
        keep = 1.0 if path["share"] is None else 1.0 - column(path["share"])
        per_sub = final_year(path["revenue_per_sub"], months)
        to_net = path["to_net"]
        kept = subs * per_sub * (1.0 - final_year(expected.dark, months)) * to_net * keep
        marketing = -(
            first * column(grow.cac_months) + (adds - first) * column(grow.winback_months)
        ) * (per_sub * to_net)
        delivery = (
            subs * -final_year(path["delivery_per_sub"], months)
            if self.serves_subscribers()
            else 0.0
        )
        normal = kept + marketing + delivery
        loss = self.distress_loss(
            terms, replace(expected, distress=final_year(expected.distress, months)), kept
        )
        if loss is not None:
            normal = normal - loss
        drawn = sum(final_year(path[k], months) for k in ("kept", "marketing", "delivery"))
        drawn = drawn + final_year(path["distress_out"], months)
        revenue = kept.sum(axis=1) - final_year(path["kept"], months).sum(axis=1)
        return normal.sum(axis=1) - drawn.sum(axis=1), revenue

    def build(
        self,
        terms: Terms,
        uniforms: events.Uniforms | None = None,
        how: Decision | None = None,
        plan_only: bool = False,
    ):
        """The service's lines, events in expectation or drawn from ``uniforms`` and
        decided ``how`` (see :meth:`models.economics.modes.base.EntryMode.build`)."""
        months, paths = terms.months, terms.paths
        mkt_terms, grow, pricing, fin = terms.market, terms.growth, terms.pricing, terms.finance
        launch = self.launch_month(terms)

        base = terms.cache.get("base")
        if base is None:
            base = terms.cache["base"] = self.base(terms, launch)
        risk = self.risk(terms, launch, uniforms)
        # the catalogue on offer (crackdowns pull foreign titles) draws the market
        titles = content.catalogue_titles(
            base.plan,
            content.foreign_on_offer(base.plan, risk.log_kept, risk.log_lasting),
            terms.content.domestic_title_weight,
            terms.content.original_title_weight,
        )
        # against the leaders' catalogue, which grows with the paying market
        draw = market.catalogue_attractiveness(
            titles, base.reference_titles, terms.content.demand_elasticity
        )
        mkt = per_path(
            market.addressable_market(
                base.users,
                base.payers,
                mkt_terms.foreign_premium_share,
                base.price,
                draw,
            ),
            paths,
            months,
        )
        churn = grow.churn_rate_month + risk.extra_churn
        p_innov = grow.p_innovation_month * self.reach(terms)
        subs, adds, first = growth.bass_subscribers(
            mkt, p_innov, grow.q_imitation_month, churn, launch, shock=risk.sub_shock
        )

        # revenue, conditional on operating. Each full-array operation costs time at many
        # paths, so per-path factors are combined first: net = billed (1 - fee) / (1 + VAT).
        gross = subs * base.revenue_per_sub
        billed = gross * (1.0 - risk.dark)
        vat_in = column(1.0 + pricing.vat_rate)
        to_net = (1.0 - column(pricing.payment_fee_rate)) / vat_in
        net = billed * to_net
        share = self.revenue_share(terms)
        share_out = net * -column(share) if share is not None else ZERO
        kept = net + share_out  # the streamer's net revenue
        # acquisition and win-back costs in months of a subscriber's net revenue
        net_per_sub = base.revenue_per_sub * to_net
        marketing_out = (
            -(first * column(grow.cac_months) + (adds - first) * column(grow.winback_months))
            * net_per_sub
        )
        delivery_out = subs * -base.delivery_per_sub if self.serves_subscribers() else ZERO
        pre_tax = kept + marketing_out + delivery_out + base.overhead_out
        distress_out = ZERO
        loss = self.distress_loss(terms, risk, kept)
        if loss is not None:
            distress_out = -loss
            pre_tax = pre_tax + distress_out
        tax = finance.income_tax(pre_tax - base.amortisation, fin.tax_rate)
        cash = pre_tax + base.content_out - tax  # the month's cash flow while operating
        exit_cost = terms.rules.exit_cost_usd_m
        # content is bought for windows of several years: at its average over a cycle
        c = terms.content
        cycle = int(max(np.max(c.window_years), np.max(c.domestic_window_years)))
        terminal = terminal_value(
            months,
            pre_tax + base.content_out,
            pre_tax - base.amortisation,
            kept,
            exit_cost,
            fin,
            cycle=(base.content_out, base.amortisation, cycle),
            exit_hazard=risk.exit_hazard,
            events_normal=None
            if uniforms is None
            else self.events_normal(
                terms,
                launch,
                {
                    "market": mkt,
                    "p": p_innov,
                    "revenue_per_sub": base.revenue_per_sub,
                    "delivery_per_sub": base.delivery_per_sub,
                    "to_net": to_net,
                    "share": share,
                    "kept": kept,
                    "marketing": marketing_out,
                    "delivery": delivery_out,
                    "distress_out": distress_out,
                },
            ),
        )

        cond = empty_lines()
        if not plan_only:
            cond["subscription_revenue"] = gross
            cond["suspension_loss"] = billed - gross
            cond["vat"] = billed * -(column(pricing.vat_rate) / vat_in)
            cond["payment_fees"] = billed * -(column(pricing.payment_fee_rate) / vat_in)
            cond["partner_share"] = share_out
            cond["content"] = base.content_out
            cond["marketing"] = marketing_out
            cond["delivery"] = delivery_out
            cond["fixed_costs"] = base.fixed_out
            cond["governance"] = base.governance_out
            cond["setup"] = base.setup_out
            cond["partner_distress"] = distress_out
            cond["income_tax"] = -tax
        return with_exit_policy(
            self.name,
            terms.horizon,
            fin.discount_rate_year,
            launch,
            cond,
            risk,
            exit_cost,
            market=mkt,
            payers=market.published(base.payers, None if uniforms is None else uniforms.market),
            subscribers=subs,
            adds=adds,
            amortisation=base.amortisation,
            how=how,
            plan_only=plan_only,
            cash=cash,
            terminal=terminal,
            first_adds=first,
            walk_away_cost=fin.walkaway_usd_m,
        )
