"""The simulation: every entry mode, month by month, from one validated parameter set.

Five modes (DESIGN.md, model sketch; issue 10):

``solo``
    The streamer runs its own service after a long approval (a foreign firm cannot hold
    the audio-visual licence, ref 5.1): own platform, all revenue, all regulatory risk.
``partner``
    A licensed Chinese platform (the LeTV case) runs the service with the streamer: an
    earlier launch, the partner's reach and library, its cloud; it keeps a revenue share,
    costs governance, and may fall into distress (LeEco, 2016).
``license``
    No own service: titles licensed to a Chinese platform for fees (Netflix and iQIYI,
    2017), after withholding tax.
``staged``
    License now, switch to an own service later (:mod:`models.economics.staged`).
``stay_out``
    The zero baseline.

Each mode is valued with the option to leave by choice, from its launch on, once staying
would lose more than leaving (:func:`models.economics.finance.abandonment`): its lines, charts and
NPV follow that policy, and modes are ranked on it. The NPV of running the mode to the
horizon whatever happens is kept alongside.

Without events, this is the deterministic engine: inputs at their mode (or at the
values of ``draws``), events in expectation (:mod:`models.economics.events`). With ``events``
(common uniforms), every path gets its own forced exit, suspensions, content crackdowns
and partner distress; the exit policy of each path is then the one chosen at launch
from that path's inputs with events in expectation, since nobody can foresee the events
(:func:`_with_exit_policy`). Arrays are shaped (paths, months). The Monte Carlo driver,
which chunks the paths and keeps only what the report needs, is
:mod:`models.uncertainty.montecarlo`.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models._arrays import FloatArray, column
from models.economics import content, events, finance, growth, market, partner, reviews, staged
from models.economics.results import LINE_ITEMS, ModeResult, Results
from models.exceptions import ParameterError
from models.inputs.schema import ENTRY_MODES, SPECS

log = logging.getLogger(__name__)


def simulate(
    params,
    draws: pd.DataFrame | None = None,
    uniforms: events.Uniforms | None = None,
    rules: dict[str, reviews.ExitRule] | None = None,
    threads: int = 1,
) -> Results:
    """Run every entry mode and return their :class:`~models.economics.results.Results`.

    Parameters
    ----------
    params : Parameters
        A validated parameter object (:func:`models.inputs.params.validate`).
    draws : DataFrame, optional
        One row per path, one column per uncertain parameter: values that replace the
        parameter's value on that path (integers are rounded). Without draws, one path
        with every input at its value.
    uniforms : events.Uniforms, optional
        Common random numbers, one row per path (:func:`models.economics.events.uniforms`): events
        are drawn from them, and each mode is valued committed, under the review rule
        and with foresight (:mod:`models.economics.reviews`). Without them, events are
        in expectation and the exit plan is the one made at the decision date.
    rules : dict of str to reviews.ExitRule, optional
        Review rules fitted on other paths (:func:`models.uncertainty.montecarlo.fit_rules`),
        per mode. Without them, drawn paths are valued by rules cross-fitted on the
        paths themselves (each half by the rule of the other).
    threads : int
        Build the modes side by side on this many threads (numpy releases the GIL in
        its loops); the Monte Carlo run's chunks are threaded already.
    """
    inputs = _inputs(params, draws, uniforms)
    log.info(
        "simulating %d modes over %d months and %d paths",
        len(ENTRY_MODES),
        params.months,
        inputs.paths,
    )

    def run(mode: str) -> ModeResult:
        if mode == "staged":
            how = None
            if uniforms is not None:
                how = _Decision(
                    rule=params.decision_rule,
                    fitted=None if rules is None else rules.get("staged"),
                )
            return staged.build(inputs, _service, _licensing, how, uniforms)
        build = _licensing if mode == "license" else _service
        if uniforms is None:
            return build(inputs, mode)
        how = _Decision(
            rule=params.decision_rule,
            plan=_plan(params, inputs, mode, build) if params.decision_rule == "fixed" else None,
            fitted=None if rules is None else rules.get(mode),
        )
        return build(inputs, mode, uniforms, how)

    order = ("staged", "solo", "partner", "license")  # the longest first
    if threads > 1:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            built = dict(zip(order, pool.map(run, order), strict=True))
    else:
        built = {mode: run(mode) for mode in order}
    modes = {mode: built[mode] for mode in ("solo", "partner", "license", "staged")}
    modes["stay_out"] = _stay_out(inputs)
    return Results(params=params, modes=modes, draws=draws)


def path_npv(
    params,
    draws: pd.DataFrame | None,
    uniforms: events.Uniforms,
    rules: dict[str, reviews.ExitRule] | None = None,
) -> dict[str, FloatArray]:
    """NPV of each drawn path under the ``decision_rule``, per mode, US$ m: the ``npv``
    of :func:`models.uncertainty.montecarlo.run`, built with nothing else.

    Under ``fixed`` no path is valued under the other rules (no review problems, no
    rules needed) and a staged entry builds its service only on the paths that switch
    (:func:`models.economics.staged.planned_cash_flow`), which makes a sweep point about
    three times cheaper. Under ``adaptive`` every path must be valued anyway, so this is
    :func:`simulate` with ``rules`` (fitted on the training paths, or cross-fitted
    without them), reduced to the NPVs.
    """
    if params.decision_rule != "fixed":
        res = simulate(params, draws, uniforms, rules=rules)
        return {mode: finance.npv(r.cash_flow, res.rate) for mode, r in res.modes.items()}
    inputs = _inputs(params, draws, uniforms)
    rate = inputs.finance_discount_rate_year
    out = {}
    for mode in ("solo", "partner", "license"):
        build = _licensing if mode == "license" else _service
        how = _Decision(rule="fixed", plan=_plan(params, inputs, mode, build), valued=False)
        out[mode] = finance.npv(build(inputs, mode, uniforms, how).cash_flow, rate)
    how = _Decision(rule="fixed", valued=False)
    cash = staged.planned_cash_flow(inputs, _service, _licensing, how, uniforms)
    out["staged"] = finance.npv(cash, rate)
    out["stay_out"] = np.zeros(inputs.paths)
    return out


def _inputs(params, draws, uniforms) -> _Inputs:
    inputs = _Inputs(params, draws)
    if uniforms is not None and uniforms.paths != inputs.paths:
        if inputs.paths != 1:
            raise ParameterError(
                f"uniforms: {uniforms.paths} paths for {inputs.paths} rows of draws; "
                "expected one row of uniforms per path"
            )
        inputs.paths = uniforms.paths
    return inputs


def exit_problems(
    params,
    draws: pd.DataFrame | None,
    uniforms: events.Uniforms,
    rules: dict | None = None,
) -> dict:
    """The exit and switch problems of drawn paths, for fitting the review rules
    (training; :func:`models.uncertainty.montecarlo.fit_rules`): nothing else is built.

    Without ``rules``: ``{mode: reviews.ExitProblem}`` for solo, partner and licensing,
    and ``{"staged/<month>": ExitProblem}`` for the service a staged entry would start
    after each switch month. With the services' rules fitted from those
    (``rules["staged"]`` a :class:`models.economics.staged.SwitchRule` without its
    switch): ``{"staged": staged.SwitchProblem}``. Chunks of training paths give
    problems that concatenate (:func:`models.economics.reviews.concat`).
    """
    inputs = _inputs(params, draws, uniforms)
    collect = _Decision(rule=params.decision_rule, collect=True)
    if rules is not None:
        how = _Decision(rule=params.decision_rule, fitted=rules["staged"], collect=True)
        return {"staged": staged.build(inputs, _service, _licensing, how, uniforms)}
    out = {}
    for mode in ("solo", "partner", "license"):
        build = _licensing if mode == "license" else _service
        out[mode] = build(inputs, mode, uniforms, collect)
    services = staged.build(inputs, _service, _licensing, collect, uniforms)
    out.update({f"staged/{s}": problem for s, problem in services.items()})
    return out


@dataclass(frozen=True)
class _Decision:
    """How a drawn path decides to leave: the parameter ``decision_rule``, the fixed
    plan (rule ``fixed``), a rule fitted on other paths, and whether only to collect
    the exit problem (training)."""

    rule: str
    plan: np.ndarray | None = None
    fitted: reviews.ExitRule | None = None
    collect: bool = False
    #: value every path three ways (False: only the lines, e.g. a staged licence leg)
    valued: bool = True


def _launch_month(p, mode: str):
    """Launch month of a mode: a number, or a (paths, 1) column where drawn (after the
    venture's start, for inputs :meth:`_Inputs.shifted`)."""
    if mode == "license":
        return p.content_lead_months
    delay = getattr(p, f"regulation_launch_delay_{mode}_months")
    start = getattr(p, "start_month", 0)
    return delay + start if start else delay


def _plan(params, inputs: _Inputs, mode: str, build) -> np.ndarray:
    """The ``fixed`` decision rule: the plan of the expected case, made at the decision
    date from the inputs' most likely values, as a number of months after launch (a
    path whose launch is drawn later leaves as long after its own launch). Nothing about
    the path is foreseen, and nothing seen along it changes the plan.
    """
    last = float(build(_Inputs(params, None), mode, plan_only=True)[0])
    months = params.months
    if last >= months - 1:
        return np.full(inputs.paths, months - 1.0)
    after = last - float(_launch_month(params, mode))
    launch = np.broadcast_to(column(_launch_month(inputs, mode))[:, 0], (inputs.paths,))
    return np.minimum(launch + after, months - 1.0)


class _Inputs:
    """Parameter values for the equations: a float, or a (paths, 1) column where draws
    give one value per path."""

    def __init__(self, params, draws: pd.DataFrame | None) -> None:
        self._params = params
        self._columns: dict[str, np.ndarray] = {}
        self.paths = 1
        if draws is not None:
            if len(draws) == 0:
                raise ParameterError("draws: expected at least one path, got none")
            for name in draws.columns:
                spec = SPECS.get(str(name))
                if spec is None or not spec.uncertain:
                    raise ParameterError(
                        f"draws: column {name!r} is not an uncertain parameter; expected "
                        "names marked uncertain in `market-entry params`"
                    )
                values = draws[name].to_numpy(dtype=float)
                if spec.type == "int":
                    values = np.rint(values)
                self._columns[str(name)] = values.reshape(-1, 1)
            self.paths = len(draws)
        self.months = params.months
        #: month the venture starts spending (a staged entry's own service starts late)
        self.start_month = 0
        #: event-independent parts of each mode, shared by the planning and drawn passes
        self.cache: dict[str, tuple] = {}

    def shifted(self, start_month: int, **columns) -> _Inputs:
        """These inputs for a venture that starts in ``start_month``, with some values
        replaced (a number or one value per path)."""
        out = object.__new__(_Inputs)
        out.__dict__.update(self.__dict__)
        out._columns = dict(self._columns)
        for name, value in columns.items():
            out._columns[name] = column(value)
        out.start_month = int(start_month)
        out.cache = {}
        return out

    def rows(self, index: np.ndarray) -> _Inputs:
        """These inputs on the paths ``index`` only (a staged entry builds the service it
        switches to only where it switches)."""
        out = object.__new__(_Inputs)
        out.__dict__.update(self.__dict__)
        out._columns = {
            name: values[index] if values.shape[0] == self.paths > 1 else values
            for name, values in self._columns.items()
        }
        for name, value in self.__dict__.items():  # per-path attributes (a staged ``eased``)
            per_path = isinstance(value, np.ndarray) and value.shape[:1] == (self.paths,)
            if per_path and self.paths > 1:
                setattr(out, name, value[index])
        out.paths = len(index)
        out.cache = {}
        return out

    def __getattr__(self, name: str):
        columns = self.__dict__.get("_columns", {})
        if name in columns:
            return columns[name]
        return getattr(self.__dict__["_params"], name)


def _per_path(x, paths: int, months: int) -> FloatArray:
    """A scalar, a column or a (1 or paths, months) array as a (paths, months) array.

    A read-only view where ``x`` has fewer rows or columns: nothing is copied, so lines
    that are zero or the same on every path cost no memory.
    """
    return np.broadcast_to(np.asarray(x, dtype=float), (paths, months))


_ZERO = np.zeros((1, 1))


def _mean_month(x) -> int:
    return int(np.rint(np.mean(x)))


def _service(
    p: _Inputs,
    mode: str,
    uniforms: events.Uniforms | None = None,
    how: _Decision | None = None,
    plan_only: bool = False,
) -> ModeResult:
    """Own subscription service, run alone (``solo``) or with a partner (``partner``).

    Events in expectation, or drawn from ``uniforms`` and decided ``how``.
    """
    months, paths = p.months, p.paths
    is_partner = mode == "partner"
    launch = _launch_month(p, mode)

    base = p.cache.get(mode)
    if base is None:
        base = p.cache[mode] = _service_base(p, mode, launch)
    risk = (
        events.expected_service(p, mode, launch, months)
        if uniforms is None
        else events.drawn_service(p, mode, launch, months, uniforms)
    )
    # the catalogue on offer (crackdowns pull foreign titles) draws the market
    titles = content.catalogue_titles(
        base.plan,
        risk.catalogue,
        p.content_domestic_title_weight,
        p.content_original_title_weight,
    )
    draw = market.catalogue_attractiveness(
        titles, p.market_reference_catalogue_titles, p.content_demand_elasticity
    )
    mkt = _per_path(np.minimum(base.market * draw, base.users), paths, months)
    churn = p.growth_churn_rate_month + risk.extra_churn
    p_innov = p.growth_p_innovation_month * (p.partner_reach_multiplier if is_partner else 1.0)
    subs, adds, first = growth.bass_subscribers(
        mkt, p_innov, p.growth_q_imitation_month, churn, launch, shock=risk.sub_shock
    )

    # revenue, conditional on operating. Each full-array operation costs time at many
    # paths, so per-path factors are combined first: net = billed (1 - fee) / (1 + VAT).
    gross = subs * base.revenue_per_sub
    billed = gross * (1.0 - risk.dark)
    vat_in = column(1.0 + p.pricing_vat_rate)
    to_net = (1.0 - column(p.pricing_payment_fee_rate)) / vat_in
    net = billed * to_net
    share_out = net * -column(p.partner_revenue_share) if is_partner else _ZERO
    kept = net + share_out  # the streamer's net revenue
    # acquisition and win-back costs in months of a subscriber's net revenue
    net_per_sub = base.revenue_per_sub * to_net
    marketing_out = (
        -(first * column(p.growth_cac_months) + (adds - first) * column(p.growth_winback_months))
        * net_per_sub
    )
    # the partner serves the subscribers on its cloud, out of its share
    delivery_out = _ZERO if is_partner else subs * -column(p.finance_delivery_usd_per_sub_month)
    pre_tax = kept + marketing_out + delivery_out + base.overhead_out
    distress_out = _ZERO
    if is_partner:
        distress_out = -partner.distress_loss(
            risk.distress,
            kept,
            p.partner_distress_lost_months,
            p.partner_migration_cost_usd_m,
        )
        pre_tax = pre_tax + distress_out
    tax = finance.income_tax(pre_tax - base.amortisation, p.finance_tax_rate)
    cash = pre_tax + base.content_out - tax  # the month's cash flow while operating
    terminal = _terminal_value(
        p,
        pre_tax + base.content_out,
        pre_tax - base.amortisation,
        kept,
        p.regulation_exit_cost_usd_m,
    )

    cond = dict.fromkeys(LINE_ITEMS, _ZERO)
    if not plan_only:
        cond["subscription_revenue"] = gross
        cond["suspension_loss"] = billed - gross
        cond["vat"] = billed * -(column(p.pricing_vat_rate) / vat_in)
        cond["payment_fees"] = billed * -(column(p.pricing_payment_fee_rate) / vat_in)
        cond["partner_share"] = share_out
        cond["content"] = base.content_out
        cond["marketing"] = marketing_out
        cond["delivery"] = delivery_out
        cond["fixed_costs"] = base.fixed_out
        cond["governance"] = base.governance_out
        cond["setup"] = base.setup_out
        cond["partner_distress"] = distress_out
        cond["income_tax"] = -tax
    return _with_exit_policy(
        p,
        mode,
        launch,
        cond,
        risk,
        p.regulation_exit_cost_usd_m,
        mkt,
        subs,
        adds,
        base.amortisation,
        how,
        plan_only,
        cash,
        terminal=terminal,
        first_adds=first,
    )


def _terminal_value(p, pre_tax_cash, taxable, revenue, exit_cost) -> np.ndarray:
    """Continuing value at the horizon from the final 12 months (conditional on operating),
    US$ m per path: the normalised final year pays tax at the full rate on its profit
    (losses carried forward do not last for ever) (:func:`finance.continuing_value`)."""
    last_year = slice(max(p.months - 12, 0), p.months)
    rows = max(np.shape(pre_tax_cash)[0], np.shape(taxable)[0])

    def year(x):
        return np.broadcast_to(x, (rows, p.months))[:, last_year].sum(axis=1)

    profit = year(taxable)
    normalised = year(pre_tax_cash) - column(p.finance_tax_rate)[:, 0] * np.maximum(profit, 0.0)
    return finance.continuing_value(
        p.finance_terminal_method,
        normalised,
        year(revenue),
        p.finance_discount_rate_year,
        p.finance_terminal_growth_year,
        p.finance_terminal_revenue_multiple,
        exit_cost,
    )


@dataclass(frozen=True)
class _ServiceBase:
    """The parts of an own service that no event changes (money out negative)."""

    users: FloatArray  # online-video users, millions (paths, months)
    market: FloatArray  # market before the catalogue's draw, millions
    plan: content.ContentPlan
    revenue_per_sub: FloatArray  # US$ per subscriber-month collected, VAT included
    content_out: FloatArray
    amortisation: FloatArray
    fixed_out: FloatArray
    governance_out: FloatArray
    setup_out: FloatArray
    overhead_out: FloatArray


def _service_base(p: _Inputs, mode: str, launch) -> _ServiceBase:
    """Market before the catalogue, content, price, and the fixed, governance and set-up
    costs of an own service: everything that no event changes."""
    months = p.months
    is_partner = mode == "partner"
    users = market.online_video_users(
        p.market_online_video_users_m, p.market_user_growth_year, months
    )
    list_price, revenue_cny = _price_and_revenue(p)
    reference = market.reference_price(
        p.pricing_reference_price_cny_month, p.market_price_war_cut, launch, months
    )
    price = market.price_factor(list_price, reference, p.market_price_elasticity)
    base_market = users * (
        column(p.market_svod_payer_share) * column(p.market_foreign_premium_share)
    )
    plan = content.content_plan(p, mode, launch)
    amort = content.amortise(plan.cash, p.content_amortisation_months)
    t = np.arange(months).reshape(1, -1)
    start = getattr(p, "start_month", 0)
    fixed_share = p.partner_tech_cost_share if is_partner else 1.0
    # the local team seeks the licence and prepares the launch: fixed costs from the
    # start (month 0, or a staged entry's switch)
    fixed_out = -column(p.finance_fixed_usd_m_year) / 12.0 * column(fixed_share)
    governance_out = -column(p.partner_governance_usd_m_year) / 12.0 if is_partner else _ZERO
    if start:
        running = (t >= start).astype(float)
        fixed_out = fixed_out * running
        governance_out = governance_out * running if is_partner else _ZERO
    setup_out = np.where(t == start, -column(p.finance_setup_usd_m), 0.0)
    return _ServiceBase(
        users=users,
        market=base_market * price,
        plan=plan,
        revenue_per_sub=revenue_cny / column(p.pricing_fx_cny_per_usd),
        content_out=-plan.cash,
        amortisation=amort,
        fixed_out=fixed_out,
        governance_out=governance_out,
        setup_out=setup_out,
        overhead_out=fixed_out + governance_out + setup_out,
    )


def _price_and_revenue(p) -> tuple[FloatArray, FloatArray]:
    """List price the market compares (CNY a month) and revenue collected per
    subscriber-month (CNY, VAT included): the list price times the realisation rate; with
    an ad tier, the blend of both tiers plus advertising on the cheaper one."""
    realise = column(p.pricing_realisation_rate)
    price = column(p.pricing_price_cny_month)
    if p.pricing_ad_tier == "on":
        s = column(p.pricing_ad_tier_share)
        ad_price = column(p.pricing_ad_tier_price_cny_month)
        blended = (1.0 - s) * price + s * ad_price
        return blended, realise * blended + s * column(p.pricing_ad_revenue_cny_per_sub_month)
    return price, realise * price


def _with_exit_policy(
    params,
    mode,
    launch,
    cond,
    risk,
    exit_cost,
    mkt,
    subs,
    adds,
    amort,
    how: _Decision | None = None,
    plan_only=False,
    cash=None,
    terminal=None,
    first_adds=None,
) -> ModeResult:
    """Lines under the exit policy (forced exits, and leaving by choice), and the lines
    when the mode is run to the horizon whatever happens.

    With events in expectation (``how`` is None), the policy is the plan made at the
    decision date (:func:`models.economics.finance.abandonment`): leave, or do not
    launch, once staying would lose more; with ``plan_only``, only that plan (the last
    month operated, per path) is returned. With drawn events, every path is valued
    committed, adaptive and with foresight (:func:`models.economics.reviews.decide`),
    and its lines follow the ``decision_rule`` (``fixed``: the plan ``how.plan``).
    ``terminal`` is the continuing value at the horizon (per path) of a business still
    running then. Leaving before launch costs nothing more; after it, ``exit_cost``.
    """
    months = params.months
    paths = params.paths
    alive = _per_path(risk.alive, paths, months)
    exit_at = _per_path(risk.exit_at, paths, months)
    if cash is None:
        cash = sum(v for k, v in cond.items() if k not in _OUTSIDE)
    cash = _per_path(cash, paths, months)
    terminal = np.zeros(paths) if terminal is None else np.broadcast_to(terminal, (paths,))
    launch_path = np.broadcast_to(column(launch)[:, 0], (paths,))
    values = None
    if how is None:
        _, last = finance.abandonment(
            cash,
            _per_path(risk.exit_hazard, paths, months),
            exit_cost,
            params.finance_discount_rate_year,
            # the go/no-go at launch: stop before launching, or leave any month after
            first_exit_month=np.asarray(launch, dtype=float) - 1.0,
            terminal_usd_m=terminal,
            exit_cost_from_month=launch,
        )
        if plan_only:
            return last
    elif not how.valued:
        last = how.plan
    else:
        problem = reviews.exit_problem(
            cash=cash,
            alive=alive,
            exit_at=exit_at,
            exit_cost=np.broadcast_to(column(exit_cost)[:, 0], (paths,)),
            terminal=terminal,
            rate_year=params.finance_discount_rate_year,
            launch=launch_path,
            first_review=getattr(params, "start_month", 0),
            subscribers=_per_path(subs, paths, months),
            catalogue=risk.catalogue,
            dark=risk.dark,
            distress=risk.distress,
            every=params.decision_review_months,
        )
        if how.collect:
            return problem
        values = reviews.decide(problem, how.fitted, months)
        last = how.plan if how.rule == "fixed" else values.last_month[how.rule]
    t = np.arange(months).reshape(1, -1)
    stays = t <= last.reshape(-1, 1)
    operating = alive * stays
    # leaving by choice at the end of `last` (unless forced out that very month) costs
    # the exit cost once launched; walking away before launch costs nothing more
    leaves = (t == last.reshape(-1, 1)) & (t < months - 1) & (t >= launch_path.reshape(-1, 1))
    voluntary = np.where(leaves, alive - exit_at, 0.0)
    # running at the horizon: alive through the last month and not forced out at its end
    at_horizon = np.where(t == months - 1, alive - exit_at, 0.0) * terminal.reshape(-1, 1)
    if paths == 1 and last[0] < months - 1:
        log.info("%s: best to leave by choice after month %d", mode, int(last[0]))
    return ModeResult(
        mode,
        _mean_month(launch),
        _per_path(mkt, params.paths, months),
        _per_path(subs, params.paths, months),
        _per_path(adds, params.paths, months),
        operating,
        {k: v for k, v in cond.items() if k not in _OUTSIDE},
        conditional_total=cash,
        exit_costs=-(exit_at * stays + voluntary) * column(exit_cost),
        continuing_value=at_horizon * stays,
        content_amortisation=_per_path(amort, params.paths, months) * operating,
        forced_exit=(exit_at * stays).sum(axis=1),
        last_month=last,
        survival=alive,
        committed_exit_costs=_per_path(-exit_at * column(exit_cost), paths, months),
        committed_continuing_value=at_horizon,
        committed_amortisation=_per_path(amort, params.paths, months) * alive,
        events=risk.drawn,
        first_adds_m=None if first_adds is None else _per_path(first_adds, paths, months),
        decision_values=None if values is None else values.npv,
    )


#: Lines that are not conditional cash flows of an operating month.
_OUTSIDE = ("exit_costs", "continuing_value")


def _licensing(
    p: _Inputs,
    mode: str = "license",
    uniforms: events.Uniforms | None = None,
    how: _Decision | None = None,
    plan_only: bool = False,
) -> ModeResult:
    """Titles licensed to a Chinese platform for yearly fees; no own service.

    Content crackdowns cut the fees of the titles they pull; events as in
    :func:`_service`.
    """
    months, paths = p.months, p.paths
    launch = p.content_lead_months  # the buyer pays once titles are approved
    risk = (
        events.expected_license(p, launch, months)
        if uniforms is None
        else events.drawn_license(p, launch, months, uniforms)
    )
    titles = p.license_titles_year
    fees = (
        content.yearly_payments(
            titles * p.regulation_approval_pass_rate * p.license_fee_usd_m_per_title,
            launch,
            months,
            p.license_fee_growth_year,
        )
        * risk.catalogue
    )
    ex_vat = fees / (1.0 + p.pricing_vat_rate)
    cond = dict.fromkeys(LINE_ITEMS, _ZERO)
    cond["license_fees"] = fees
    cond["vat"] = -(fees - ex_vat)
    cond["withholding_tax"] = -ex_vat * p.license_withholding_tax_rate
    cond["content"] = -content.yearly_payments(
        content.license_localisation(p), 0, months, p.content_cost_inflation_year
    )
    kept = ex_vat * (1.0 - column(p.license_withholding_tax_rate))
    cash = kept + cond["content"]
    # withholding tax is the final tax: the final year's cash is already after tax
    terminal = _terminal_value(p, cash, _ZERO, kept, 0.0)
    zeros = _per_path(_ZERO, paths, months)
    # a licensor that stops walks away from its contracts at no extra cost
    return _with_exit_policy(
        p,
        "license",
        launch,
        cond,
        risk,
        0.0,
        zeros,
        zeros,
        zeros,
        zeros,
        how,
        plan_only,
        terminal=terminal,
    )


def _stay_out(params) -> ModeResult:
    """The baseline: nothing spent, nothing earned."""
    z = _per_path(_ZERO, params.paths, params.months)
    return ModeResult(
        "stay_out",
        0,
        z,
        z,
        z,
        _per_path(1.0, params.paths, params.months),
        {k: _ZERO for k in LINE_ITEMS if k not in _OUTSIDE},
        exit_costs=z,
        continuing_value=z,
        committed_continuing_value=z,
        content_amortisation=z,
        forced_exit=np.zeros(params.paths),
        last_month=np.full(params.paths, params.months - 1.0),
        survival=_per_path(1.0, params.paths, params.months),
        committed_exit_costs=z,
        committed_amortisation=z,
    )
