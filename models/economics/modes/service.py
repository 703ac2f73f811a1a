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

from dataclasses import dataclass

import numpy as np

from models._arrays import FloatArray, column
from models.economics import content, events, finance, market, operating, reads, reuse
from models.economics.modes.base import EntryMode
from models.economics.modes.policy import (
    ZERO,
    Decision,
    empty_lines,
    final_year,
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


def _same_month(a, b) -> bool:
    """Whether two launch months are the same: the same object (a build works out its
    launch once and hands it to every reader), or equal numbers. Columns that are
    not the same object are taken as different: their events are computed again."""
    if a is b:
        return True
    return not isinstance(a, np.ndarray) and not isinstance(b, np.ndarray) and a == b


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

    def distress_costs(self, terms: Terms) -> tuple[Value, Value] | None:
        """What a partner's distress costs: (months of the revenue kept lost, migration
        cost US$ m) (:func:`models.economics.partner.distress_loss`); None alone."""
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

    def content_plan(self, terms: Terms, launch, payers=None, leaders=None) -> content.ContentPlan:
        """The service's content (:func:`models.economics.content.content_plan`), rights
        and domestic titles priced on the paying market ``payers`` (millions, (paths,
        months) or over :attr:`Terms.market_months`; None: at month 0's market) and
        purchases keeping pace with the leaders' catalogue ``leaders``
        (:meth:`leaders_catalogue` of ``payers`` if None, over the same months;
        :func:`models.economics.content.pace_index`)."""
        c = terms.content
        price, pace = 1.0, 1.0
        if payers is not None:
            # the same for every own service of a run: computed once (Terms.shared)
            price = terms.shared(content.market_price_index, payers, c.market_price_elasticity)
            if leaders is None:
                leaders = self.leaders_catalogue(terms, payers)
            pace = terms.shared(content.pace_index, leaders, c.keep_pace_share)
            price, pace = terms.first_months((price, pace))
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
        return terms.shared(
            content.leaders_catalogue_index,
            payers,
            c.leader_spend_elasticity,
            c.market_price_elasticity,
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
        # the market is the same for every mode of a run: computed once (Terms.shared),
        # over the market's months (a staged entry's services share the longest's) and
        # cut to the service's (Terms.first_months)
        over = terms.market_months
        users_over, payers_over = terms.shared(market.users_and_payers, mkt, over)
        list_price, revenue_cny = price_and_revenue(pricing)
        # the leaders raise their prices once the paying market levels off; the streamer
        # passes on its share of the rises to its own price and to what it collects
        # (ref 1.27)
        mature = terms.shared(
            market.maturity_month,
            mkt.svod_payer_share,
            mkt.payer_headroom,
            mkt.payer_diffusion_rate_year,
            pricing.reference_price_maturity,
            over,
        )
        level = terms.shared(market.price_index, pricing.reference_price_growth_year, over, mature)
        leaders_over = self.leaders_catalogue(terms, payers_over)
        plan = self.content_plan(terms, launch, payers_over, leaders_over)
        # the costs other than content: the same for every own service of a run
        costs = terms.shared(finance.cost_index, fin.cost_inflation_year, over)
        users, payers, level, leaders, costs = terms.first_months(
            (users_over, payers_over, level, leaders_over, costs)
        )
        followed = level ** column(pricing.follow_share)
        reference = market.reference_price(
            pricing.reference_price_cny_month, mkt.price_war_cut, launch, months, level
        )
        price = market.price_factor(list_price * followed, reference, mkt.price_elasticity)
        amort = content.amortise(plan.cash, terms.content.amortisation_months)
        t = np.arange(months).reshape(1, -1)
        start = terms.horizon.start_month
        # the local team seeks the licence and prepares the launch: fixed costs from the
        # start (month 0, or a staged entry's switch)
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
            reference_titles=column(mkt.reference_catalogue_titles) * leaders,
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

    def _base(self, terms: Terms, launch) -> Base:
        """:meth:`base`, kept on ``terms`` for its plan and drawn passes, and served
        across runs where the inputs it reads are the same
        (:func:`models.economics.reuse.part`). What it read is noted again each time it
        is taken from ``terms``: a result kept across runs that used it must be keyed
        on those inputs too (a catalogue's draw once missed them and was served stale;
        the property test in tests/economics/test_reuse.py caught it)."""
        kept = terms.cache.get("base")
        if kept is None:
            with reads.recording() as noted:
                base = reuse.part(terms, "base", self.base, launch)
            kept = terms.cache["base"] = (base, frozenset(noted))
        reads.note(kept[1])
        return kept[0]

    @staticmethod
    def published(terms: Terms, base: Base, uniforms) -> FloatArray:
        """The paying market as the reviews read it, (paths, months)
        (:func:`models.economics.market.published`, off by the errors drawn from
        ``uniforms``; exact without them).

        Over the run's market it is the same for every mode of a Monte Carlo chunk:
        solo, the partnership, a staged entry's switch and its service at the horizon
        each computed it (3.3 ms at 2,048 paths, issue 25), and now read it once
        (:meth:`Terms.shared`). A staged entry's services past the horizon, each over
        months and uniforms of its own, compute theirs and do not keep it: kept to the
        end of a chunk, a copy per switch date cost +33 MB.
        """
        if terms.horizon.market_months:  # a market of its own, past the horizon
            return market.published_from(base.payers, uniforms)
        return terms.shared(market.published_from, base.payers, uniforms)

    def catalogue_draw(self, terms: Terms, launch, uniforms=None) -> FloatArray:
        """The draw of the catalogue on offer against the leaders', a demand multiplier,
        (1 or paths, months) (:func:`models.economics.operating.catalogue_draw`):
        crackdowns (events drawn from ``uniforms``, or in expectation) pull foreign
        titles from the plan's, and the leaders' catalogue grows with the paying market.
        """
        base = self._base(terms, launch)
        risk = self._exposure(terms, launch, uniforms)
        c = terms.content
        return operating.catalogue_draw(
            terms.paths,
            terms.months,
            approved=base.plan.approved,
            window=base.plan.window,
            launch=base.plan.launch,
            log_kept=risk.log_kept,
            log_lasting=risk.log_lasting,
            domestic=base.plan.domestic,
            originals=base.plan.originals,
            w_domestic=c.domestic_title_weight,
            w_original=c.original_title_weight,
            reference=base.reference_titles,
            elasticity=c.demand_elasticity,
        )

    def risk(self, terms: Terms, launch, uniforms=None) -> events.ServiceRisk:
        """The events of the service (those of :attr:`events`), in expectation or drawn.

        All but a partner's distress are a part served across runs where the inputs
        they read are the same (:func:`models.economics.reuse.part`); the distress,
        which reads the partner's fragility alone, is added to them
        (:func:`models.economics.events.with_distress`)."""
        risk = self._exposure(terms, launch, uniforms)
        hazard = self.distress_hazard(terms) if "distress" in self.events else None
        return events.with_distress(risk, hazard, launch, terms.months, uniforms)

    def _exposure(self, terms: Terms, launch, uniforms=None) -> events.ServiceRisk:
        """:meth:`exposure_risk` as a part served across runs (:func:`models.economics.reuse.part`),
        and within a :meth:`build` computed once for the same ``launch`` and
        ``uniforms`` (the same object, or None: in expectation).

        A build reads the events it runs on twice (its lines and the catalogue's draw):
        they are computed once (issue 25). With drawn events, the continuing value's
        final year reads the suspensions and a partner's distress in expectation, not
        all of its events again (:func:`models.economics.events.expected_suspensions`).
        They are let go with the build: kept on the terms for the plan's and the drawn
        passes alike, a chunk of training paths holds every service's events until its
        exit problems are all built (``fit_rules`` at 32,000 training paths peaked at
        2.29 GB instead of 2.19, above :data:`models.inputs.memory.RULES`). What is served is made
        read-only, so that a write into it cannot change what the next reader is
        served; what it read is noted again each time, as :meth:`_base` does.
        """
        kept = terms.cache.get("exposure")
        if kept is None:  # outside a build
            return reuse.part(terms, "risk", self.exposure_risk, launch, uniforms=uniforms)
        for seen, drawn_from, risk, noted in kept:
            if drawn_from is uniforms and _same_month(seen, launch):
                reads.note(noted)
                return risk
        with reads.recording() as noted:
            risk = reuse.part(terms, "risk", self.exposure_risk, launch, uniforms=uniforms)
        for a in (*vars(risk).values(), *risk.drawn.values()):
            if isinstance(a, np.ndarray):
                a.flags.writeable = False
        kept.append((launch, uniforms, risk, frozenset(noted)))
        reads.note(noted)
        return risk

    def exposure_risk(self, terms: Terms, launch, uniforms=None) -> events.ServiceRisk:
        """The forced exits, crackdowns and (an own service's) suspensions of the
        service, in expectation or drawn: :meth:`risk` without a partner's distress."""
        suspended = "suspension" in self.events
        if uniforms is None:
            return events.expected(
                terms.exposure, terms.rules, launch, terms.months, can_be_suspended=suspended
            )
        return events.drawn(
            terms.exposure, terms.rules, launch, terms.months, uniforms, can_be_suspended=suspended
        )

    def build(
        self,
        terms: Terms,
        uniforms: events.Uniforms | None = None,
        how: Decision | None = None,
        plan_only: bool = False,
    ):
        """The service's lines, events in expectation or drawn from ``uniforms`` and
        decided ``how`` (see :meth:`models.economics.modes.base.EntryMode.build`)."""
        # the events this build reads, each computed once for it (_exposure), and let go
        # with it (a build within a build on the same terms would only lose the memo)
        terms.cache["exposure"] = []
        try:
            return self._build(terms, uniforms, how, plan_only)
        finally:
            terms.cache.pop("exposure", None)

    def _build(self, terms: Terms, uniforms, how: Decision | None, plan_only: bool):
        """:meth:`build`'s work."""
        months, paths = terms.months, terms.paths
        mkt_terms, grow, pricing, fin = terms.market, terms.growth, terms.pricing, terms.finance
        launch = self.launch_month(terms)

        # the base and the events read few inputs: served across a sweep's points where
        # those did not change (models.economics.reuse)
        base = self._base(terms, launch)
        risk = self.risk(terms, launch, uniforms)
        # the catalogue's draw reads only the base's and the events' inputs
        draw = reuse.part(terms, "draw", self.catalogue_draw, launch, uniforms=uniforms)
        c = terms.content
        share = self.revenue_share(terms)
        distress = self.distress_costs(terms) if "distress" in self.events else None
        lost, migration = (0.0, 0.0) if distress is None else distress
        # with drawn events, the continuing value grows the final year with suspensions
        # and distress in expectation: the same service is run beside the drawn one
        normal = uniforms is not None and (
            "suspension" in self.events or bool(np.any(risk.distress))
        )
        # of the events in expectation, the normal run reads the suspensions and the
        # distress alone (not the exits and crackdowns: events.expected_suspensions)
        normal_dark, normal_churn, normal_distress = 0.0, 0.0, 0.0
        if normal:
            normal_dark, normal_churn = events.expected_suspensions(
                terms.exposure, terms.rules, can_be_suspended="suspension" in self.events
            )
            if distress is not None:
                hazard = self.distress_hazard(terms)
                normal_distress = events.expected_distress(hazard, launch, months)
        churn = grow.churn_rate_month + risk.extra_churn
        p_innov = grow.p_innovation_month * self.reach(terms)
        # the month by month recursion of the operating service, one compiled pass
        ops = operating.operate(
            paths,
            months,
            # the lines only where a result shows them (not for a plan, a training
            # path's exit problem or a sweep point's cash flow)
            full=not plan_only and (how is None or (how.lines and not how.collect)),
            normal=normal,
            draw=draw,
            launch=base.plan.launch,
            users=base.users,
            payers=base.payers,
            foreign_share=mkt_terms.foreign_premium_share,
            price=base.price,
            p=p_innov,
            q=grow.q_imitation_month,
            churn=churn,
            shock=0.0 if risk.sub_shock is None else risk.sub_shock,
            # revenue, conditional on operating: net = billed (1 - fee) / (1 + VAT)
            per_sub=base.revenue_per_sub,
            dark=risk.dark,
            vat=pricing.vat_rate,
            fee=pricing.payment_fee_rate,
            share=0.0 if share is None else share,
            # acquisition and win-back costs in months of a subscriber's net revenue
            cac=grow.cac_months,
            winback=grow.winback_months,
            delivery_per_sub=base.delivery_per_sub,
            overhead=base.overhead_out,
            distress=risk.distress if distress is not None else 0.0,
            lost_months=lost,
            migration=migration,
            amortisation=base.amortisation,
            content=base.content_out,
            tax_rate=fin.tax_rate,
            # the final year with suspensions and distress in expectation, for the
            # continuing value (a one-off is not a new normal)
            normal_churn=grow.churn_rate_month + normal_churn,
            normal_dark=normal_dark,
            normal_distress=normal_distress,
        )
        cash, pre_tax, kept, tax = ops.cash, ops.pre_tax, ops.kept, ops.tax
        exit_cost = terms.rules.exit_cost_usd_m
        # content is bought for windows of several years: at its average over a cycle,
        # each path's longest window (whole years)
        cycle = np.trunc(np.maximum(column(c.window_years), column(c.domestic_window_years)))
        # the continuing value reads the final year only: its lines are added there
        pre_year = final_year(pre_tax, months)
        terminal = terminal_value(
            months,
            pre_year + final_year(base.content_out, months),
            pre_year - final_year(base.amortisation, months),
            final_year(kept, months),
            exit_cost,
            fin,
            cycle=(base.content_out, base.amortisation, cycle),
            exit_hazard=risk.exit_hazard,
            events_normal=ops.normal,
        )

        cond = empty_lines()
        if not plan_only:
            # the revenue's waterfall, written by the months' loop (operating.money)
            cond["subscription_revenue"] = ops.gross
            cond["suspension_loss"] = ops.suspension_loss
            cond["vat"] = ops.vat
            cond["payment_fees"] = ops.payment_fees
            if share is not None:
                cond["partner_share"] = ops.partner_share
            cond["content"] = base.content_out
            cond["marketing"] = ops.marketing
            if self.serves_subscribers():
                cond["delivery"] = ops.delivery
            cond["fixed_costs"] = base.fixed_out
            cond["governance"] = base.governance_out
            cond["setup"] = base.setup_out
            if distress is not None:
                cond["partner_distress"] = ops.distress
            cond["income_tax"] = -tax
        return with_exit_policy(
            self.name,
            terms.horizon,
            fin.discount_rate_year,
            launch,
            cond,
            risk,
            exit_cost,
            market=ops.market,
            # what the reviews watch: read only where drawn paths are valued by their reviews
            # (not for a plan, the most-likely case or a sweep point's fixed plan)
            payers=self.published(terms, base, uniforms) if how is not None and how.valued else 1.0,
            subscribers=ops.subscribers,
            adds=ops.adds,
            amortisation=base.amortisation,
            how=how,
            plan_only=plan_only,
            cash=cash,
            terminal=terminal,
            first_adds=ops.first_adds,
            walk_away_cost=fin.walkaway_usd_m,
        )
