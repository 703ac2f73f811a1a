"""The simulation: every entry mode, month by month, from one validated parameter set.

Four modes (DESIGN.md, model sketch):

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

import numpy as np
import pandas as pd

from models._arrays import FloatArray, column
from models.economics import content, events, finance, growth, market, partner
from models.economics.results import LINE_ITEMS, ModeResult, Results
from models.exceptions import ParameterError
from models.inputs.schema import ENTRY_MODES, SPECS

log = logging.getLogger(__name__)


def simulate(
    params, draws: pd.DataFrame | None = None, uniforms: events.Uniforms | None = None
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
        are drawn from them. Without them, events are in expectation.
    """
    inputs = _Inputs(params, draws)
    if uniforms is not None and uniforms.paths != inputs.paths:
        if inputs.paths != 1:
            raise ParameterError(
                f"uniforms: {uniforms.paths} paths for {inputs.paths} rows of draws; "
                "expected one row of uniforms per path"
            )
        inputs.paths = uniforms.paths
    log.info(
        "simulating %d modes over %d months and %d paths",
        len(ENTRY_MODES),
        params.months,
        inputs.paths,
    )
    modes = {}
    for mode in ("solo", "partner", "license"):
        build = _licensing if mode == "license" else _service
        if uniforms is None:
            modes[mode] = build(inputs, mode)
        else:
            modes[mode] = build(inputs, mode, uniforms, _plan(params, inputs, mode, build))
    modes["stay_out"] = _stay_out(inputs)
    return Results(params=params, modes=modes, draws=draws)


def _launch_month(p, mode: str):
    """Launch month of a mode: a number, or a (paths, 1) column where drawn."""
    if mode == "license":
        return p.content_lead_months
    return getattr(p, f"regulation_launch_delay_{mode}_months")


def _plan(params, inputs: _Inputs, mode: str, build) -> np.ndarray:
    """The exit policy a Monte Carlo path follows: last month operated by choice.

    ``exit_plan="expected"`` (the default): the plan of the expected case, made at the
    decision date from the inputs' most likely values, as a number of months after
    launch, so that a path whose launch is drawn later leaves as long after its own
    launch; nothing about the path is foreseen. ``exit_plan="path"``: planned from the
    path's own drawn inputs, as if market, costs and hazards were known at launch (an
    upper bound on the value of the option to leave). Events are never foreseen.
    """
    if params.exit_plan == "path":
        return build(inputs, mode, plan_only=True)
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
        #: event-independent parts of each mode, shared by the planning and drawn passes
        self.cache: dict[str, tuple] = {}

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
    last=None,
    plan_only: bool = False,
) -> ModeResult:
    """Own subscription service, run alone (``solo``) or with a partner (``partner``).

    Events in expectation, or drawn from ``uniforms`` with the exit policy ``last``
    (last month operated by choice, per path) fixed beforehand.
    """
    months, paths = p.months, p.paths
    is_partner = mode == "partner"
    launch = (
        p.regulation_launch_delay_partner_months
        if is_partner
        else p.regulation_launch_delay_solo_months
    )

    base = p.cache.get(mode)
    if base is None:
        base = p.cache[mode] = _service_base(p, mode, launch)
    mkt, content_out, amort, fixed_out, governance_out, setup_out, overhead_out = base
    risk = (
        events.expected_service(p, mode, launch, months)
        if uniforms is None
        else events.drawn_service(p, mode, launch, months, uniforms)
    )
    mkt = _per_path(mkt * risk.catalogue, paths, months)
    churn = p.growth_churn_rate_month + risk.extra_churn
    p_innov = p.growth_p_innovation_month * (p.partner_reach_multiplier if is_partner else 1.0)
    subs, adds = growth.bass_subscribers(
        mkt, p_innov, p.growth_q_imitation_month, churn, launch, shock=risk.sub_shock
    )

    # revenue, conditional on operating. Each full-array operation costs time at many
    # paths, so per-path factors are combined first: net = billed (1 - fee) / (1 + VAT).
    gross = subs * (
        column(1.0 - p.pricing_trial_share)
        * column(p.pricing_price_cny_month)
        / column(p.pricing_fx_cny_per_usd)
    )
    billed = gross * (1.0 - risk.dark)
    vat_in = column(1.0 + p.pricing_vat_rate)
    net = billed * ((1.0 - column(p.pricing_payment_fee_rate)) / vat_in)
    share_out = net * -column(p.partner_revenue_share) if is_partner else _ZERO
    kept = net + share_out  # the streamer's net revenue
    marketing_out = adds * -column(p.growth_cac_usd_per_gross_add)
    delivery_out = subs * -column(p.finance_delivery_usd_per_sub_month)
    pre_tax = kept + marketing_out + delivery_out + overhead_out
    distress_out = _ZERO
    if is_partner:
        distress_out = -partner.distress_loss(
            risk.distress,
            kept,
            p.partner_distress_lost_months,
            p.partner_migration_cost_usd_m,
        )
        pre_tax = pre_tax + distress_out
    tax = finance.income_tax(pre_tax - amort, p.finance_tax_rate)
    cash = pre_tax + content_out - tax  # the month's cash flow while operating

    cond = dict.fromkeys(LINE_ITEMS, _ZERO)
    if not plan_only:
        cond["subscription_revenue"] = gross
        cond["suspension_loss"] = billed - gross
        cond["vat"] = billed * -(column(p.pricing_vat_rate) / vat_in)
        cond["payment_fees"] = billed * -(column(p.pricing_payment_fee_rate) / vat_in)
        cond["partner_share"] = share_out
        cond["content"] = content_out
        cond["marketing"] = marketing_out
        cond["delivery"] = delivery_out
        cond["fixed_costs"] = fixed_out
        cond["governance"] = governance_out
        cond["setup"] = setup_out
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
        amort,
        last,
        plan_only,
        cash,
    )


def _service_base(p: _Inputs, mode: str, launch):
    """The parts of an own service that no event changes: market before crackdowns,
    content cash (out, negative) and amortisation, fixed, governance and set-up costs
    (out, negative) and their sum."""
    months = p.months
    is_partner = mode == "partner"
    users = market.online_video_users(
        p.market_online_video_users_m, p.market_user_growth_year, months
    )
    mkt = market.addressable_market(
        users,
        p.market_svod_payer_share,
        p.market_foreign_premium_share,
        market.price_factor(
            p.pricing_price_cny_month,
            p.pricing_reference_price_cny_month,
            p.market_price_elasticity,
        ),
        p.regulation_approval_pass_rate,
    )
    # content, bought up front each content year from `content_lead_months` before launch
    budget = content.mode_budget(p, mode)
    start = np.maximum(np.asarray(launch) - p.content_lead_months, 0)
    content_cash = content.yearly_payments(
        budget.total, start, months, p.content_cost_inflation_year
    )
    amort = content.amortise(content_cash, p.content_amortisation_months)
    t = np.arange(months).reshape(1, -1)
    fixed_share = p.partner_tech_cost_share if is_partner else 1.0
    fixed = np.where(
        t >= column(start), column(p.finance_fixed_usd_m_year) / 12.0 * fixed_share, 0.0
    )
    governance_out = -column(p.partner_governance_usd_m_year) / 12.0 if is_partner else _ZERO
    setup_out = np.where(t == 0, -column(p.finance_setup_usd_m), 0.0)
    fixed_out = -fixed
    overhead_out = fixed_out + governance_out + setup_out
    return mkt, -content_cash, amort, fixed_out, governance_out, setup_out, overhead_out


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
    last=None,
    plan_only=False,
    cash=None,
) -> ModeResult:
    """Lines under the best exit policy (forced exits, and leaving by choice from the
    launch on once staying would lose more; :func:`models.economics.finance.abandonment`), and the
    lines when the mode is run to the horizon whatever happens.

    The policy (``last``, the last month operated by choice on each path) is computed
    here from the expected-event cash flows unless given: with drawn events it is the
    plan made at launch from the same path's inputs, which cannot foresee the events.
    With ``plan_only``, only that policy is returned.
    """
    months = params.months
    paths = params.paths
    alive = _per_path(risk.alive, paths, months)
    exit_at = _per_path(risk.exit_at, paths, months)
    if cash is None:
        cash = sum(v for k, v in cond.items() if k != "exit_costs")
    cash = _per_path(cash, paths, months)
    if last is None:
        _, last = finance.abandonment(
            cash,
            _per_path(risk.exit_hazard, paths, months),
            exit_cost,
            params.finance_discount_rate_year,
            first_exit_month=launch,
        )
        if plan_only:
            return last
    t = np.arange(months).reshape(1, -1)
    stays = t <= last.reshape(-1, 1)
    operating = alive * stays
    voluntary = np.where((t == last.reshape(-1, 1)) & (t < months - 1), alive - exit_at, 0.0)
    if paths == 1 and last[0] < months - 1:
        log.info("%s: best to leave by choice after month %d", mode, int(last[0]))
    return ModeResult(
        mode,
        _mean_month(launch),
        _per_path(mkt, params.paths, months),
        _per_path(subs, params.paths, months),
        _per_path(adds, params.paths, months),
        operating,
        {k: v for k, v in cond.items() if k != "exit_costs"},
        conditional_total=cash,
        exit_costs=-(exit_at * stays + voluntary) * column(exit_cost),
        content_amortisation=_per_path(amort, params.paths, months) * operating,
        forced_exit=(exit_at * stays).sum(axis=1),
        last_month=last,
        survival=alive,
        committed_exit_costs=_per_path(-exit_at * column(exit_cost), paths, months),
        committed_amortisation=_per_path(amort, params.paths, months) * alive,
        events=risk.drawn,
    )


def _licensing(
    p: _Inputs,
    mode: str = "license",
    uniforms: events.Uniforms | None = None,
    last=None,
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
        content.mode_budget(p, "license").total, 0, months, p.content_cost_inflation_year
    )
    zeros = _per_path(_ZERO, paths, months)
    # a licensor that stops walks away from its contracts at no extra cost
    return _with_exit_policy(
        p, "license", launch, cond, risk, 0.0, zeros, zeros, zeros, zeros, last, plan_only
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
        dict.fromkeys(LINE_ITEMS, _ZERO),
        exit_costs=z,
        content_amortisation=z,
        forced_exit=np.zeros(params.paths),
        last_month=np.full(params.paths, params.months - 1.0),
        survival=_per_path(1.0, params.paths, params.months),
        committed_exit_costs=z,
        committed_amortisation=z,
    )
