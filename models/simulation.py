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
would lose more than leaving (:func:`models.finance.abandonment`): its lines, charts and
NPV follow that policy, and modes are ranked on it. The NPV of running the mode to the
horizon whatever happens is kept alongside.

This is the deterministic engine: inputs at their mode, events in expectation (see
:mod:`models.regulation`). Arrays are shaped (paths, months) with one path, so that
Monte Carlo draws can replace the scalars without changing the equations.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from . import content, finance, growth, market, partner, regulation
from ._arrays import FloatArray, column
from .exceptions import ParameterError
from .results import LINE_ITEMS, ModeResult, Results
from .schema import ENTRY_MODES, SPECS

log = logging.getLogger(__name__)


def simulate(params, draws: pd.DataFrame | None = None) -> Results:
    """Run every entry mode and return their :class:`~models.results.Results`.

    Parameters
    ----------
    params : Parameters
        A validated parameter object (:func:`models.params.validate`).
    draws : DataFrame, optional
        One row per path, one column per uncertain parameter: values that replace the
        parameter's value on that path (integers are rounded). Without draws, one path
        with every input at its value.
    """
    inputs = _Inputs(params, draws)
    log.info(
        "simulating %d modes over %d months and %d paths",
        len(ENTRY_MODES),
        params.months,
        inputs.paths,
    )
    modes = {
        "solo": _service(inputs, "solo"),
        "partner": _service(inputs, "partner"),
        "license": _licensing(inputs),
        "stay_out": _stay_out(inputs),
    }
    return Results(params=params, modes=modes, draws=draws)


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

    def __getattr__(self, name: str):
        columns = self.__dict__.get("_columns", {})
        if name in columns:
            return columns[name]
        return getattr(self.__dict__["_params"], name)


def _per_path(x, paths: int, months: int) -> FloatArray:
    """A scalar, a column or a (1 or paths, months) array as a full (paths, months) array."""
    return np.broadcast_to(np.asarray(x, dtype=float), (paths, months)).copy()


def _mean_month(x) -> int:
    return int(np.rint(np.mean(x)))


def _service(p: _Inputs, mode: str) -> ModeResult:
    """Own subscription service, run alone (``solo``) or with a partner (``partner``)."""
    months, paths = p.months, p.paths
    is_partner = mode == "partner"
    launch = (
        p.regulation_launch_delay_partner_months
        if is_partner
        else p.regulation_launch_delay_solo_months
    )

    # market and subscribers
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
    mkt = _per_path(mkt, paths, months)
    susp_h = regulation.monthly_hazard(
        p.regulation_suspension_hazard_partner_year
        if is_partner
        else p.regulation_suspension_hazard_solo_year
    )
    churn = p.growth_churn_rate_month + regulation.suspension_churn(
        susp_h, p.regulation_suspension_sub_loss
    )
    p_innov = p.growth_p_innovation_month * (p.partner_reach_multiplier if is_partner else 1.0)
    subs, adds = growth.bass_subscribers(mkt, p_innov, p.growth_q_imitation_month, churn, launch)

    # forced exit: a monthly hazard from launch on
    exit_h = regulation.hazard_schedule(
        regulation.monthly_hazard(
            p.regulation_exit_hazard_partner_year
            if is_partner
            else p.regulation_exit_hazard_solo_year
        ),
        launch,
        months,
    )

    # revenue, conditional on operating
    paying = subs * (1.0 - p.pricing_trial_share)
    gross = paying * p.pricing_price_cny_month / p.pricing_fx_cny_per_usd
    dark = regulation.dark_share(susp_h, p.regulation_suspension_months)
    billed = gross * (1.0 - dark)
    ex_vat = billed / (1.0 + p.pricing_vat_rate)
    fees = ex_vat * p.pricing_payment_fee_rate
    net = ex_vat - fees
    share = net * p.partner_revenue_share if is_partner else np.zeros_like(net)

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
    governance = (
        _per_path(column(p.partner_governance_usd_m_year) / 12.0, paths, months)
        if is_partner
        else np.zeros((paths, months))
    )
    setup = np.where(t == 0, column(p.finance_setup_usd_m), 0.0)
    marketing = adds * p.growth_cac_usd_per_gross_add
    delivery = subs * p.finance_delivery_usd_per_sub_month

    # cash flows while operating; the exit policy then turns them into expectations
    cond = {k: np.zeros((paths, months)) for k in LINE_ITEMS}
    cond["subscription_revenue"] = gross
    cond["suspension_loss"] = -(gross - billed)
    cond["vat"] = -(billed - ex_vat)
    cond["payment_fees"] = -fees
    cond["partner_share"] = -share
    cond["content"] = -content_cash
    cond["marketing"] = -marketing
    cond["delivery"] = -delivery
    cond["fixed_costs"] = -fixed
    cond["governance"] = -governance
    cond["setup"] = -setup
    if is_partner:
        first = partner.first_distress_probability(
            regulation.monthly_hazard(p.partner_distress_hazard_year),
            np.ones((1, months)),
            launch,
        )
        cond["partner_distress"] = -partner.distress_loss(
            first, net - share, p.partner_distress_lost_months, p.partner_migration_cost_usd_m
        )
    taxable = sum(v for k, v in cond.items() if k != "content") - amort
    cond["income_tax"] = -finance.income_tax(taxable, p.finance_tax_rate)
    return _with_exit_policy(
        p,
        mode,
        launch,
        cond,
        exit_h,
        p.regulation_exit_cost_usd_m,
        mkt,
        subs,
        adds,
        amort,
    )


def _with_exit_policy(
    params, mode, launch, cond, exit_h, exit_cost, mkt, subs, adds, amort
) -> ModeResult:
    """Expected lines under the best exit policy (forced exits, and leaving by choice
    from the launch on once staying would lose more; :func:`models.finance.abandonment`),
    and the lines when the mode is run to the horizon whatever happens."""
    months = params.months
    exit_h = _per_path(exit_h, params.paths, months)
    cond = {k: _per_path(v, params.paths, months) for k, v in cond.items()}
    alive = regulation.survival(exit_h)
    committed = {k: v * alive for k, v in cond.items()}
    committed["exit_costs"] = -alive * exit_h * column(exit_cost)
    cash = np.sum([cond[k] for k in LINE_ITEMS], axis=0)
    _, last = finance.abandonment(
        cash, exit_h, exit_cost, params.finance_discount_rate_year, first_exit_month=launch
    )
    t = np.arange(months).reshape(1, -1)
    stays = t <= last.reshape(-1, 1)
    operating = alive * stays
    voluntary = np.where((t == last.reshape(-1, 1)) & (t < months - 1), alive * (1.0 - exit_h), 0.0)
    lines = {k: v * operating for k, v in cond.items()}
    lines["exit_costs"] = -(operating * exit_h + voluntary) * column(exit_cost)
    if np.any(last < months - 1):
        log.info("%s: best to leave by choice after month %d", mode, int(last[0]))
    return ModeResult(
        mode,
        _mean_month(launch),
        _per_path(mkt, params.paths, months),
        _per_path(subs, params.paths, months),
        _per_path(adds, params.paths, months),
        operating,
        lines,
        _per_path(amort, params.paths, months) * operating,
        forced_exit=(operating * exit_h).sum(axis=1),
        last_month=last,
        committed_lines=committed,
        survival=alive,
        committed_amortisation=_per_path(amort, params.paths, months) * alive,
    )


def _licensing(p: _Inputs) -> ModeResult:
    """Titles licensed to a Chinese platform for yearly fees; no own service."""
    months, paths = p.months, p.paths
    launch = p.content_lead_months  # the buyer pays once titles are approved
    exit_h = regulation.hazard_schedule(
        regulation.monthly_hazard(p.regulation_exit_hazard_license_year), launch, months
    )
    titles = p.license_titles_year
    fees = content.yearly_payments(
        titles * p.regulation_approval_pass_rate * p.license_fee_usd_m_per_title,
        launch,
        months,
        p.license_fee_growth_year,
    )
    ex_vat = fees / (1.0 + p.pricing_vat_rate)
    cond = {k: np.zeros((paths, months)) for k in LINE_ITEMS}
    cond["license_fees"] = fees
    cond["vat"] = -(fees - ex_vat)
    cond["withholding_tax"] = -ex_vat * p.license_withholding_tax_rate
    cond["content"] = -content.yearly_payments(
        content.mode_budget(p, "license").total, 0, months, p.content_cost_inflation_year
    )
    zeros = np.zeros((paths, months))
    # a licensor that stops walks away from its contracts at no extra cost
    return _with_exit_policy(p, "license", launch, cond, exit_h, 0.0, zeros, zeros, zeros, zeros)


def _stay_out(params) -> ModeResult:
    """The baseline: nothing spent, nothing earned."""
    z = np.zeros((params.paths, params.months))
    lines = {k: z.copy() for k in LINE_ITEMS}
    return ModeResult(
        "stay_out",
        0,
        z,
        z,
        z,
        np.ones_like(z),
        lines,
        z,
        forced_exit=np.zeros(params.paths),
        last_month=np.full(params.paths, params.months - 1.0),
        committed_lines={k: z.copy() for k in LINE_ITEMS},
        survival=np.ones_like(z),
    )
