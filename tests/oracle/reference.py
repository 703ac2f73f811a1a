"""A straightforward per-path Python loop of the same model: the oracle and the baseline.

This module exists for two reasons only:

* as the **test oracle** of the vectorised engine (:mod:`models.economics.simulation`): written
  separately from it, equation by equation, with plain Python floats, :mod:`math` and
  loops over paths and months, so that an error in the array code (a broadcast over the
  wrong axis, a month off by one, a line left out) shows up as a disagreement between
  the two (``tests/test_reference.py``);
* as the **baseline** of the benchmark (``benchmarks/bench_model.py``), which reports the
  speed-up of the vectorised engine over it on the same draws.

It is deliberately slow and simple: no numpy in the model equations (numpy is used only
to read inputs and uniforms out of arrays and to stack the results), no caching, no
sharing of intermediate results between modes, every month a plain loop iteration. Do
not use it for real runs: one path takes milliseconds here, microseconds in the engine.

The model, per path (docs/design.md, "Model sketch"; the docstrings of the engine's modules
give the reasoning behind each equation):

* content: a library of foreign titles bought each content year for a window, the
  domestic titles the quota requires (bought for the titles submitted, windows of their
  own), originals owned for good; paid up front and amortised straight-line, rights and
  domestic titles at prices that follow the paying market ``(payers[t] / payers[0]) ** e``;
  each content year buys the plan times ``L[t] ** keep``, the leaders' catalogue
  ``L[t] = (payers[t] / payers[0]) ** (e_spend - e)`` read in the month it buys;
* market: users on a logistic curve to their ceiling ``C`` growing at ``ln(1 + g)`` at
  first, the paying share ``payer[t]`` on a logistic curve from ``s0`` to ``h s0`` at
  rate ``r``, potential ``m[t] = min(users[t] * payer[t]
  * foreign * (price / reference[t]) ** elasticity * (catalogue[t] / (C_ref L[t])) ** e,
  users[t])``, the reference price cut from the launch on, the catalogue counting
  foreign titles left after crackdowns and domestic titles and originals at weights;
* subscribers: Bass with churn, from the launch month on, first-time sign-ups counted
  apart from returning ones (:mod:`models.economics.growth`), with the suspension shock
  when events are drawn and extra churn when they are in expectation;
* revenue collected (list price times the realisation rate) net of the dark share, VAT,
  payment fees and the partner's share; marketing in months of revenue per first-time
  and returning subscriber; delivery when solo; fixed costs from month 0, governance and
  set-up; the partner's distress loss; income tax with losses carried forward;
* the continuing value at the horizon from the normalised final year, never below the
  cost of closing;
* the exit policy by backward induction over the expected-event cash flows (the plan at
  launch), then the run under that policy, with forced and voluntary exit costs;
* licensing (contracts of approved titles priced on the buyer's demand when signed,
  renegotiated at renewal, paid at signing and in instalments, the buyer's distress, VAT,
  withholding tax, compliance, localisation) and staying out.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from models.exceptions import ParameterError
from models.inputs.schema import SPECS

#: The entry modes, in the engine's order.
MODES = ("solo", "partner", "license", "staged", "stay_out")

#: The kinds of event whose uniforms a path holds.
KINDS = ("exit", "suspension", "crackdown", "distress", "easing", "renewal")

#: What :attr:`PathResult.risk` keeps of the events.
_RISK_KEYS = ("alive", "exit_at", "dark", "sub_shock", "catalogue", "distress")

#: Tie tolerance of the exit rule: stay while the value of staying is at least that of
#: leaving, up to rounding (the engine's :func:`models.economics.finance.abandonment` uses it).
_TIE = 1e-12


@dataclass(frozen=True)
class PathResult:
    """One entry mode on one path.

    Attributes
    ----------
    mode : str
        ``solo``, ``partner``, ``license`` or ``stay_out``.
    launch_month : int
        First month the mode can sign subscribers or earn fees.
    cash_flow : list of float
        Net cash flow of each month under the exit policy, US$ millions.
    committed_cash_flow : list of float
        Net cash flow of each month when the mode is run to the horizon whatever happens.
    conditional_cash_flow : list of float
        Cash flow of each month while operating (before exits weigh it).
    subscribers_m : list of float
        Subscribers at the end of each month while operating, millions.
    operating : list of float
        Probability (drawn events: 1 or 0) of operating in each month under the policy.
    npv : float
        NPV of ``cash_flow``.
    npv_committed : float
        NPV of ``committed_cash_flow``.
    last_month : int
        Last month operated by choice (``months - 1``: never leaves by choice).
    forced_exit : float
        Probability (drawn events: 1 or 0) of a forced exit while the policy operates.
    lines : dict of str to list of float
        The cash-flow lines while operating (money in positive), as the engine names them.
    risk : dict of str to list of float
        What the events do, month by month: ``alive``, ``exit_at``, ``dark``,
        ``sub_shock``, ``catalogue``, ``distress`` (as
        :class:`models.economics.events.ServiceRisk`).
    switch_month : float
        A staged entry's switch month (NaN: never; other modes: NaN).
    """

    mode: str
    launch_month: int
    cash_flow: list[float]
    committed_cash_flow: list[float]
    conditional_cash_flow: list[float]
    subscribers_m: list[float]
    operating: list[float]
    npv: float
    npv_committed: float
    last_month: int
    forced_exit: float
    lines: dict[str, list[float]] = field(repr=False)
    risk: dict[str, list[float]] = field(repr=False)
    switch_month: float = float("nan")


@dataclass(frozen=True)
class ModePaths:
    """One entry mode over many paths: :class:`PathResult` fields stacked by path.

    Arrays are (paths, months) or (paths,).
    """

    cash_flow: np.ndarray
    committed_cash_flow: np.ndarray
    subscribers_m: np.ndarray
    operating: np.ndarray
    npv: np.ndarray
    npv_committed: np.ndarray
    last_month: np.ndarray
    forced_exit: np.ndarray
    paths: list[PathResult] = field(repr=False)
    switch_month: np.ndarray | None = None


class _Values:
    """The inputs of one path: a parameter's value, or the path's drawn value."""

    def __init__(self, params: Any, values: Mapping[str, float]) -> None:
        self.params = params
        self.values: dict[str, float] = {}
        for name, value in values.items():
            spec = SPECS.get(str(name))
            if spec is None or not spec.uncertain:
                raise ParameterError(
                    f"values: {name!r} is not an uncertain parameter; expected names "
                    "marked uncertain in `market-entry params`"
                )
            x = float(value)
            # integers are rounded half to even, as the engine does (numpy.rint)
            self.values[str(name)] = float(round(x)) if spec.type == "int" else x
        self.months = int(params.months)
        self.start = 0  # month the venture starts (a staged entry's own service: later)

    def __call__(self, name: str) -> float:
        if name in self.values:
            return self.values[name]
        return float(getattr(self.params, name))

    def shifted(self, start: int, months: int | None = None, **values: float) -> _Values:
        """The same path for a venture starting in ``start``, some values replaced,
        simulated over ``months`` where given."""
        out = _Values(self.params, {})
        out.values = {**self.values, **values}
        out.start = start
        out.months = self.months if months is None else int(months)
        return out


# --- small helpers ------------------------------------------------------------------


def _monthly(probability_per_year: float) -> float:
    """Constant monthly hazard with the same yearly probability."""
    return 1.0 - (1.0 - probability_per_year) ** (1.0 / 12.0)


def _discount(rate_year: float, t: int) -> float:
    """Discount factor of the end of month ``t``."""
    return (1.0 + rate_year) ** (-(t + 1.0) / 12.0)


def _npv(cash: Sequence[float], rate_year: float) -> float:
    total = 0.0
    for t, c in enumerate(cash):
        total += c * _discount(rate_year, t)
    return total


def _yearly(amount: float, first_month: float, months: int, growth_year: float) -> list[float]:
    """``amount`` (at month-0 prices) paid every 12 months from ``first_month``."""
    first = max(first_month, 0.0)
    out = []
    for t in range(months):
        due = t >= first and (t - first) % 12 == 0
        out.append(amount * (1.0 + growth_year) ** (t / 12.0) if due else 0.0)
    return out


def _amortise(cash: Sequence[float], n: int) -> list[float]:
    """Straight-line: the payment of month ``s`` is expensed in months ``s .. s + n - 1``."""
    out = []
    for t in range(len(cash)):
        total = 0.0
        for s in range(max(0, t - n + 1), t + 1):
            total += cash[s]
        out.append(total / n)
    return out


def _localisation(v: _Values) -> float:
    """Localisation cost of one foreign title, US$ millions."""
    per_hour = (
        v("content_subtitle_usd_per_hour")
        + v("content_dub_share") * v("content_dub_usd_per_hour")
        + v("content_reedit_share") * v("content_reedit_usd_per_source_hour")
    )
    return v("content_hours_per_title") * per_hour / 1e6


def _leaders(v: _Values, t: int) -> float:
    """The leaders' catalogue in month ``t`` against month 0's: their spend follows the
    paying market with one elasticity, each title's price with another."""
    first = _payers(v, 0)
    if not first:
        return 1.0
    e = v("content_leader_spend_elasticity") - v("content_market_price_elasticity")
    return (_payers(v, t) / first) ** e


def _content(v: _Values, mode: str, launch: int) -> dict[str, list[float]]:
    """An own service's content: cash paid per month, and titles on offer per month."""
    months = v.months
    years = months // 12 + 2
    wf = int(v("content_window_years"))
    wd = int(v("content_domestic_window_years"))
    s = v("regulation_quota_foreign_share")
    start = max(launch - v("content_lead_months"), v.start)
    # each content year buys the plan times the leaders' growth (to the policy's power),
    # read in the month it buys
    pace = [
        _leaders(v, int(min(start + 12 * k, months - 1))) ** v("content_keep_pace_share")
        for k in range(years)
    ]
    f = [v("content_foreign_titles_year") * pace[k] for k in range(years)]
    # domestic titles bought each content year for the quota
    bought: list[float] = []
    for k in range(years):
        if v.params.regulation_quota_rule == "yearly_ratio":
            bought.append(f[k] / s)
        else:
            need = sum(f[max(0, k - wf + 1) : k + 1]) * (1.0 - s) / s
            held = sum(bought[max(0, k - wd + 1) : k])
            bought.append(max(need - held, 0.0))
    covered = v("partner_quota_cover_share") if mode == "partner" else 0.0
    originals = [
        v("content_originals_usd_m_year") * pace[k] / v("content_original_usd_m_per_title")
        for k in range(years)
    ]
    # rights and domestic titles are priced on the paying market; the rest is not
    bid = [
        f[k] * v("content_rights_usd_m_per_title")
        + bought[k] * (1.0 - covered) * v("content_domestic_title_usd_m")
        for k in range(years)
    ]
    own = [
        f[k] * _localisation(v) + v("content_originals_usd_m_year") * pace[k] for k in range(years)
    ]
    out: dict[str, list] = {
        "cash": [],
        "foreign": [],
        "domestic": [],
        "originals": [],
        "vintages": [],  # per month: (month first on offer, approved foreign titles)
    }
    approved = [f[k] * v("regulation_approval_pass_rate") for k in range(years)]
    for t in range(months):
        due = t >= start and (t - start) % 12 == 0
        k = int((t - start) // 12)
        growth = (1.0 + v("content_cost_inflation_year")) ** (t / 12.0)
        first = _payers(v, 0)
        bidding = (_payers(v, t) / first) ** v("content_market_price_elasticity") if first else 1.0
        out["cash"].append((bid[k] * bidding + own[k]) * growth if due else 0.0)
        if t < launch:
            for key in ("foreign", "domestic", "originals"):
                out[key].append(0.0)
            out["vintages"].append([])
            continue
        y = int((t - launch) // 12)  # vintages on offer: 0 .. y
        vintages = range(max(0, y - int(wf) + 1), y + 1)
        out["foreign"].append(sum(approved[j] for j in vintages))
        out["vintages"].append([(launch + 12 * j, approved[j]) for j in vintages])
        out["domestic"].append(sum(bought[max(0, y - wd + 1) : y + 1]))
        out["originals"].append(sum(originals[: y + 1]))
    return out


def _terminal(
    v: _Values,
    pre_tax_cash: Sequence[float],
    taxable: Sequence[float],
    revenue,
    exit_cost,
    content: Sequence[float] | None = None,
    amort: Sequence[float] | None = None,
    hazard_month: float = 0.0,
) -> float:
    """Continuing value at the horizon from the final 12 months (while operating), with
    content paid and amortised at its average year over the last cycle of windows
    (``content`` paid, positive; ``amort`` expensed) instead of the final year's; a
    forced exit goes on beyond the horizon at the final month's hazard: each year the
    business survives with probability ``s``, and a year's exit costs ``exit_cost``."""
    months = v.months
    last = range(max(months - 12, 0), months)
    method = v.params.finance_terminal_method
    if method == "none":
        return 0.0
    cash = sum(pre_tax_cash[t] for t in last)
    profit = sum(taxable[t] for t in last)
    if content is not None and amort is not None:
        years = int(max(v("content_window_years"), v("content_domestic_window_years")))
        years = max(1, min(years, months // 12 or 1))
        cycle = range(max(months - 12 * years, 0), months)
        cash += sum(content[t] for t in last) - sum(content[t] for t in cycle) / years
        profit += sum(amort[t] for t in last) - sum(amort[t] for t in cycle) / years
    normalised = cash - v("finance_tax_rate") * max(profit, 0.0)
    if method == "gordon":
        g = v("finance_terminal_growth_year")
        r = v("finance_discount_rate_year")
        mh = hazard_month
        s = (1.0 - mh) ** 12  # survives a year
        v = (1.0 + r) ** (-1.0 / 12.0)  # a month's discount, as the explicit months
        # a year after the horizon, month j (0-11) of it: operating with probability
        # (1 - mh)^j (times s per earlier year), discounted v^(j + 1) (times (1+r)^-1
        # per earlier year); cash normalised (1 + g)^k / 12 in year k >= 1; an exit in
        # any month costs exit_cost
        first_year = sum(
            normalised / 12.0 * (1.0 + g) * (1.0 - mh) ** j * v ** (j + 1) for j in range(12)
        )
        q = (1.0 + g) * s / (1.0 + max(r - g, 0.01) + g)
        exits = sum(exit_cost * (1.0 - mh) ** j * mh * v ** (j + 1) for j in range(12))
        value = first_year / (1.0 - q) - exits / (1.0 - s / (1.0 + r))
    else:
        value = v("finance_terminal_revenue_multiple") * sum(revenue[t] for t in last)
    return max(value, -exit_cost)


def _exit_hazard_year(v: _Values, mode: str) -> float:
    return v(f"regulation_exit_hazard_{mode}_year")


# --- events ---------------------------------------------------------------------------


def _expected_risk(v: _Values, mode: str, launch: int) -> dict[str, Any]:
    """Events in expectation: probabilities, expected dark share, extra churn."""
    months = v.months
    h = _monthly(_exit_hazard_year(v, mode))
    # a licence may be blocked from the decision on; a service from its launch
    exposed = 0 if mode == "license" else launch
    hazard = [h if t >= exposed else 0.0 for t in range(months)]
    alive, exit_at = [], []
    survive = 1.0
    for t in range(months):
        alive.append(survive)
        exit_at.append(survive * hazard[t])
        survive *= 1.0 - hazard[t]
    hc = _monthly(v("regulation_crackdown_hazard_year"))
    loss = v("regulation_crackdown_catalogue_loss")
    lasts = v("regulation_crackdown_persistence")
    catalogue = [(1.0 - hc * loss) ** (t + 1.0) for t in range(months)]
    risk = {
        "alive": alive,
        "exit_at": exit_at,
        "exit_hazard": hazard,
        "dark": [0.0] * months,
        "sub_shock": [0.0] * months,
        "extra_churn": 0.0,
        "catalogue": catalogue,
        # titles first on offer in month s, still on offer in month t: the crackdowns
        # since s, and the lasting part of those before
        "kept": lambda t, s: (1.0 - hc * loss) ** (t - s + 1.0) * (1.0 - hc * loss * lasts) ** s,
        # what the crackdowns up to month t cut from later titles
        "lasting": lambda t: (1.0 - hc * loss * lasts) ** (t + 1.0),
        "distress": [0.0] * months,
    }
    if mode == "license":  # no shocks at renewal; the buyer's distress in expectation
        return {**risk, "renewal": None, "buyer_distress": None}
    hs = _monthly(v(f"regulation_suspension_hazard_{mode}_year"))
    hd = hs * v("regulation_suspension_months")
    risk["dark"] = [hd / (1.0 + hd)] * months  # alternating renewal: share of time down
    risk["extra_churn"] = hs * v("regulation_suspension_sub_loss")
    if mode == "partner":
        dh = _monthly(v("partner_distress_hazard_year"))
        risk["distress"] = [
            (1.0 - dh) ** (t - launch) * dh if t >= launch else 0.0 for t in range(months)
        ]
    return risk


def _first(u: Sequence[float], hazard: float, start: int, months: int) -> int:
    """First month at or after ``start`` with ``u[t] < hazard`` (``months`` if none)."""
    for t in range(months):
        if t >= start and u[t] < hazard:
            return t
    return months


def _drawn_risk(v: _Values, mode: str, launch: int, u: Mapping[str, Sequence[float]]):
    """Events drawn from the path's uniforms: 0/1 flags, dark spells, pulled titles."""
    months = v.months
    h = _monthly(_exit_hazard_year(v, mode))
    exposed = 0 if mode == "license" else launch  # as in _expected_risk
    hazard = [h if t >= exposed else 0.0 for t in range(months)]
    exit_month = _first(u["exit"], h, exposed, months)
    hc = _monthly(v("regulation_crackdown_hazard_year"))
    keep = 1.0 - v("regulation_crackdown_catalogue_loss")
    lasting = 1.0 - v("regulation_crackdown_catalogue_loss") * v("regulation_crackdown_persistence")
    catalogue, crackdowns, count = [], 0, []
    for t in range(months):
        if u["crackdown"][t] < hc:
            crackdowns += 1
        count.append(crackdowns)
        catalogue.append(keep**crackdowns)
    risk = {
        "alive": [1.0 if t <= exit_month else 0.0 for t in range(months)],
        "exit_at": [1.0 if t == exit_month else 0.0 for t in range(months)],
        "exit_hazard": hazard,
        "dark": [0.0] * months,
        "sub_shock": [0.0] * months,
        "extra_churn": 0.0,
        "catalogue": catalogue,
        # titles first on offer in month s lose to the crackdowns of months s .. t, and
        # to the lasting part of those before
        "kept": lambda t, s: (
            keep ** (count[t] - (count[s - 1] if s >= 1 else 0))
            * lasting ** (count[s - 1] if s >= 1 else 0)
        ),
        "lasting": lambda t: lasting ** count[t],
        "distress": [0.0] * months,
    }
    if mode == "license":
        hb = _monthly(v("license_buyer_distress_hazard_year"))
        return {
            **risk,
            "renewal": list(u["renewal"]),
            "buyer_distress": _first(u["distress"], hb, launch, months),
        }
    hs = _monthly(v(f"regulation_suspension_hazard_{mode}_year"))
    duration = v("regulation_suspension_months")
    loss = v("regulation_suspension_sub_loss")
    remaining = 0.0  # dark months left of the running suspension
    for t in range(months):
        if remaining <= 0.0 and u["suspension"][t] < hs and t >= launch:
            remaining = duration
            risk["sub_shock"][t] = loss
        share = min(remaining, 1.0)
        risk["dark"][t] = share
        remaining -= share
    if mode == "partner":
        first = _first(u["distress"], _monthly(v("partner_distress_hazard_year")), launch, months)
        risk["distress"] = [1.0 if t == first else 0.0 for t in range(months)]
    return risk


# --- the modes ------------------------------------------------------------------------


def _service_lines(v: _Values, mode: str, launch: int, risk: dict[str, Any]):
    """Cash-flow lines of an own service while operating, its subscribers, and its
    continuing value at the horizon."""
    months = v.months
    is_partner = mode == "partner"
    plan = _content(v, mode, launch)
    # price: list against the incumbents' (cut from the launch on); revenue collected
    price = v("pricing_price_cny_month")
    collected = v("pricing_realisation_rate") * price
    if v.params.pricing_ad_tier == "on":
        share = v("pricing_ad_tier_share")
        price = (1.0 - share) * price + share * v("pricing_ad_tier_price_cny_month")
        collected = v("pricing_realisation_rate") * price + share * v(
            "pricing_ad_revenue_cny_per_sub_month"
        )

    # the leaders' prices grow once the paying market has levelled off; the service
    # passes on its share of it
    mature = _maturity(v)

    def level(t: int) -> float:
        return (1.0 + v("pricing_reference_price_growth_year")) ** (max(t - mature, 0) / 12.0)

    def followed(t: int) -> float:
        return level(t) ** v("pricing_follow_share")

    market = []
    for t in range(months):
        users = _users(v, t)
        reference = (
            v("pricing_reference_price_cny_month")
            * level(t)
            * (1.0 - v("market_price_war_cut") if t >= launch else 1.0)
        )
        # each vintage loses to the crackdowns since it went on offer
        foreign = sum(n * risk["kept"](t, first) for first, n in plan["vintages"][t])
        catalogue = (
            foreign
            + v("content_domestic_title_weight") * plan["domestic"][t]
            + v("content_original_title_weight") * plan["originals"][t]
        )
        m = (
            users
            * _payer_share(v, t)
            * v("market_foreign_premium_share")
            * (price * followed(t) / reference) ** v("market_price_elasticity")
            * (max(catalogue, 0.0) / (v("market_reference_catalogue_titles") * _leaders(v, t)))
            ** v("content_demand_elasticity")
        )
        market.append(min(m, users))

    # Bass diffusion with churn; a suspension sheds subscribers before churn; first-time
    # sign-ups come from those who never subscribed
    p = v("growth_p_innovation_month") * (v("partner_reach_multiplier") if is_partner else 1.0)
    q = v("growth_q_imitation_month")

    def bass(churn: float, shock: Sequence[float]):
        subs, adds, firsts = [], [], []
        prev = ever = 0.0
        for t in range(months):
            m = market[t]
            share = prev / m if m > 0 else 0.0
            kept = prev * (1.0 - churn) * (1.0 - shock[t])
            kept = min(kept, m)
            rate = -math.expm1(-(p + q * share)) if t >= launch else 0.0
            new = rate * max(m - kept, 0.0)
            first = min(rate * max(m - ever, 0.0), new)
            ever += first
            prev = kept + new
            subs.append(prev)
            adds.append(new)
            firsts.append(first)
        return subs, adds, firsts

    subs, adds, firsts = bass(v("growth_churn_rate_month") + risk["extra_churn"], risk["sub_shock"])
    # the value beyond the horizon: the final year with the events in expectation (a
    # suspension or a partner's distress is a one-off): suspensions as extra churn
    expected = _expected_risk(v, mode, launch)
    e_subs, e_adds, e_firsts = bass(
        v("growth_churn_rate_month") + expected["extra_churn"], [0.0] * months
    )

    content = plan["cash"]
    amort = _amortise(content, int(v("content_amortisation_months")))

    def costs(t: int) -> float:  # the price level of costs other than content
        return (1.0 + v("finance_cost_inflation_year")) ** (t / 12.0)

    fixed0 = (
        v("finance_fixed_usd_m_year") / 12.0 * (v("partner_tech_cost_share") if is_partner else 1.0)
    )
    governance0 = v("partner_governance_usd_m_year") / 12.0 if is_partner else 0.0
    to_net = (1.0 - v("pricing_payment_fee_rate")) / (1.0 + v("pricing_vat_rate"))

    names = (
        "subscription_revenue",
        "suspension_loss",
        "vat",
        "payment_fees",
        "partner_share",
        "content",
        "marketing",
        "delivery",
        "fixed_costs",
        "governance",
        "setup",
        "partner_distress",
        "income_tax",
    )
    lines: dict[str, list[float]] = {k: [] for k in names}
    taxable, pre_tax_cash, kept_revenue = [], [], []
    normal_taxable, normal_cash, normal_kept = [], [], []
    for t in range(months):
        fixed, governance = fixed0 * costs(t), governance0 * costs(t)
        per_sub = collected * followed(t) / v("pricing_fx_cny_per_usd")
        net_per_sub = per_sub * to_net
        gross = subs[t] * per_sub
        billed = gross * (1.0 - risk["dark"][t])
        ex_vat = billed / (1.0 + v("pricing_vat_rate"))
        fees = ex_vat * v("pricing_payment_fee_rate")
        net = ex_vat - fees
        share = net * v("partner_revenue_share") if is_partner else 0.0
        marketing = net_per_sub * (
            firsts[t] * v("growth_cac_months") + (adds[t] - firsts[t]) * v("growth_winback_months")
        )
        delivery = (
            0.0 if is_partner else subs[t] * v("finance_delivery_usd_per_sub_month") * costs(t)
        )
        setup = v("finance_setup_usd_m") if t == v.start else 0.0
        running = 1.0 if t >= v.start else 0.0  # the team is hired at the start
        distress = 0.0
        if is_partner:
            distress = risk["distress"][t] * (
                v("partner_distress_lost_months") * (net - share)
                + v("partner_migration_cost_usd_m")
            )
        lines["subscription_revenue"].append(gross)
        lines["suspension_loss"].append(billed - gross)
        lines["vat"].append(ex_vat - billed)
        lines["payment_fees"].append(-fees)
        lines["partner_share"].append(-share)
        lines["content"].append(-content[t])
        lines["marketing"].append(-marketing)
        lines["delivery"].append(-delivery)
        lines["fixed_costs"].append(-fixed * running)
        lines["governance"].append(-governance * running)
        lines["setup"].append(-setup)
        lines["partner_distress"].append(-distress)
        pre_tax = (
            net - share - marketing - delivery - (fixed + governance) * running - setup - distress
        )
        taxable.append(pre_tax - amort[t])
        pre_tax_cash.append(pre_tax - content[t])
        kept_revenue.append(net - share)
        if t >= months - 12:
            net_n = (
                e_subs[t]
                * per_sub
                * (1.0 - expected["dark"][t])
                / (1.0 + v("pricing_vat_rate"))
                * (1.0 - v("pricing_payment_fee_rate"))
            )
            share_n = net_n * v("partner_revenue_share") if is_partner else 0.0
            marketing_n = net_per_sub * (
                e_firsts[t] * v("growth_cac_months")
                + (e_adds[t] - e_firsts[t]) * v("growth_winback_months")
            )
            delivery_n = (
                0.0
                if is_partner
                else e_subs[t] * v("finance_delivery_usd_per_sub_month") * costs(t)
            )
            distress_n = 0.0
            if is_partner:
                distress_n = expected["distress"][t] * (
                    v("partner_distress_lost_months") * (net_n - share_n)
                    + v("partner_migration_cost_usd_m")
                )
            pre_tax += (net_n - share_n - marketing_n - delivery_n - distress_n) - (
                net - share - marketing - delivery - distress
            )
            net, share = net_n, share_n
        normal_taxable.append(pre_tax - amort[t])
        normal_cash.append(pre_tax - content[t])
        normal_kept.append(net - share)

    # income tax, losses carried forward without expiry
    rate = v("finance_tax_rate")
    losses = 0.0
    for t in range(months):
        income = taxable[t]
        used = min(losses, max(income, 0.0))
        lines["income_tax"].append(-rate * (max(income, 0.0) - used))
        losses = losses - used + max(-income, 0.0)
    terminal = _terminal(
        v,
        normal_cash,
        normal_taxable,
        normal_kept,
        v("regulation_exit_cost_usd_m"),
        content,
        amort,
        risk["exit_hazard"][-1],
    )
    return lines, subs, terminal


def _users(v: _Values, t: int) -> float:
    """Online-video users in month ``t``: logistic towards the ceiling, growing at
    ``ln(1 + g)`` a year at first (exponential without a ceiling or when shrinking)."""
    u0, g, c = (
        v("market_online_video_users_m"),
        v("market_user_growth_year"),
        v("market_online_video_users_ceiling_m"),
    )
    if math.isinf(c) or g < 0.0:
        return u0 * (1.0 + g) ** (t / 12.0)
    if u0 >= c:
        return u0
    k = math.log(1.0 + g) / (1.0 - u0 / c)
    return c / (1.0 + (c / u0 - 1.0) * math.exp(-k * t / 12.0))


def _payer_share(v: _Values, t: int) -> float:
    """Paying share of the users in month ``t``: logistic from the share at month 0
    to ``headroom`` times it."""
    s0, h, r = (
        v("market_svod_payer_share"),
        v("market_payer_headroom"),
        v("market_payer_diffusion_rate_year"),
    )
    return min(h * s0 / (1.0 + (h - 1.0) * math.exp(-r * t / 12.0)), 1.0)


def _payers(v: _Values, t: int) -> float:
    """Paying video users in month ``t``, millions."""
    return _users(v, t) * _payer_share(v, t)


def _maturity(v: _Values) -> int:
    """The first month in which the paying share is at least
    ``pricing_reference_price_maturity`` of its ceiling (``months`` if none)."""
    shares = [_payer_share(v, t) for t in range(v.months)]
    h, s0 = v("market_payer_headroom"), v("market_svod_payer_share")
    ceiling = max(min(h * s0, 1.0), max(shares))
    for t, share in enumerate(shares):
        if share >= v("pricing_reference_price_maturity") * ceiling:
            return t
    return v.months


def _licence_price(v: _Values, t: int) -> float:
    """Fee per title-year of a contract signed in month ``t``, before renegotiation."""
    pool = _users(v, t) * _payer_share(v, t)
    demand = (pool / v("license_reference_payers_m")) ** v("license_demand_elasticity")
    return (
        v("license_fee_usd_m_per_title")
        * (1.0 + v("license_fee_growth_year")) ** (t / 12.0)
        * demand
    )


def _license_lines(v: _Values, launch: int, risk: dict[str, Any]):
    """Cash-flow lines of licensing titles to a Chinese platform on renewed contracts."""
    months = v.months
    term = int(v("license_term_months"))
    sd = v("license_renewal_sd_log") * math.sqrt(term / 12.0)  # per renewal
    upfront = v("license_upfront_share")
    lgd = v("license_loss_given_distress")
    vat = v("pricing_vat_rate")
    wht = v("license_withholding_tax_rate")
    compliance = v("license_compliance_share")
    overhead0 = v("license_overhead_usd_m_year") / 12.0
    hb = _monthly(v("license_buyer_distress_hazard_year"))
    titles = v("license_titles_year") * v("regulation_approval_pass_rate")
    localisation = _yearly(
        v("license_titles_year") * _localisation(v), 0, months, v("content_cost_inflation_year")
    )
    lines: dict[str, list[float]] = {
        "license_fees": [],
        "licensee_default": [],
        "vat": [],
        "withholding_tax": [],
        "compliance": [],
        "content": [],
        "fixed_costs": [],
    }

    def net(received: float) -> float:  # after VAT, withholding tax and compliance
        return received / (1.0 + vat) * (1.0 - wht - compliance)

    cash, steady_cash, steady_kept = [], [], []
    # a normalised month loses on average what the buyer's distress takes mid-contract
    steady_loss = lgd * (1.0 - upfront) * (1.0 - (1.0 - hb) ** ((term - 1.0) / 2.0))
    a = 1.0 - _monthly(v("regulation_crackdown_hazard_year")) * v(
        "regulation_crackdown_catalogue_loss"
    )
    steady_cat = sum(a ** (j + 1.0) for j in range(term)) / term
    shock, value, signed = 1.0, 0.0, -1
    prepaid = 0.0
    unearned = []  # paid at signing for the months after each month, net
    for t in range(months):
        overhead = overhead0 * (1.0 + v("finance_cost_inflation_year")) ** (t / 12.0)
        due = lost = earned = 0.0
        if t >= launch:
            if (t - launch) % term == 0:  # a contract is signed
                if t > launch and risk["renewal"] is not None:
                    z = NormalDist().inv_cdf(risk["renewal"][t])
                    shock *= math.exp(sd * z - 0.5 * sd * sd)
                signed = t
                value = titles * _licence_price(v, t) * shock * term / 12.0
            instalment = (1.0 - upfront) * value / term
            due = instalment + (upfront * value if t == signed else 0.0)
            if risk["buyer_distress"] is None:  # in expectation: fell in this contract
                hit = (1.0 - hb) ** (signed - launch) - (1.0 - hb) ** (t - launch)
            else:
                hit = 1.0 if signed <= risk["buyer_distress"] < t else 0.0
            # titles of the running contract lose to the crackdowns since its signing
            cat = risk["kept"](t, signed)
            # what a year earns at today's price, with the renegotiations so far, on
            # the titles crackdowns leave on average over a contract
            earned = (
                titles
                * _licence_price(v, t)
                * shock
                / 12.0
                * steady_cat
                * risk["lasting"](months - 1)
            )
            due, lost = due * cat, instalment * hit * lgd * cat
            # paid at signing, on the titles on offer then, for the months after t
            paid = upfront * value * (term - 1 - (t - signed)) / term * risk["kept"](signed, signed)
            if t == months - 1:  # for the months after the horizon
                prepaid = net(paid)
        unearned.append(net(paid) if t >= launch else 0.0)
        received = due - lost
        ex_vat = received / (1.0 + vat)
        lines["license_fees"].append(due)
        lines["licensee_default"].append(-lost)
        lines["vat"].append(ex_vat - received)
        lines["withholding_tax"].append(-ex_vat * wht)
        lines["compliance"].append(-ex_vat * compliance)
        lines["content"].append(-localisation[t])
        lines["fixed_costs"].append(-overhead)
        costs = localisation[t] + overhead
        cash.append(net(received) - costs)
        steady = earned * (1.0 - steady_loss)
        steady_kept.append(steady / (1.0 + vat) * (1.0 - wht))
        steady_cash.append(net(steady) - costs)
    risk["unearned"] = unearned
    # withholding tax is the final tax: no further tax; the value beyond the horizon is
    # that of a year earned at today's price, less what was paid for months after it
    terminal = (
        _terminal(
            v,
            steady_cash,
            [0.0] * months,
            steady_kept,
            0.0,
            hazard_month=risk["exit_hazard"][-1],
        )
        - prepaid
    )
    return lines, [0.0] * months, terminal


def _lines(v: _Values, mode: str, launch: int, risk: dict[str, Any]):
    if mode == "license":
        return _license_lines(v, launch, risk)
    return _service_lines(v, mode, launch, risk)


def _sum_lines(lines: Mapping[str, Sequence[float]], months: int) -> list[float]:
    return [sum(line[t] for line in lines.values()) for t in range(months)]


def decision_months(months: int, every: int, start: int = 0) -> list[int]:
    """The clock every rule decides on: the go decision at the end of month
    ``start - 1`` (-1: before month 0), then a review at the end of every ``every``-th
    month from ``start`` on, short of the horizon's last month."""
    return [start - 1] + [m for m in range(every - 1, months - 1, every) if m >= start]


def exit_policy(
    cash: Sequence[float],
    hazard: Sequence[float],
    exit_cost: float,
    rate_year: float,
    dates: Sequence[int],
    terminal: float = 0.0,
    launch: int = 0,
    start: int = 0,
    walk_away: float = 0.0,
) -> tuple[float, int]:
    """Value and last month operated of the best policy on the decision clock, by
    backward induction.

    ``U[t] = D[t] CF[t] + h[t] (-D[t] X) + (1 - h[t]) C[t]`` with ``C[t] = max(-D[t]
    L[t], U[t + 1])`` at a decision month and ``U[t + 1]`` otherwise, ``U[T] = D[T - 1]
    V``; stopping costs ``L = X`` from ``launch`` on, ``walk_away`` from ``start`` to the
    launch, nothing before ``start``. The go decision before month 0 (``dates`` holding
    -1) declines a venture worth less than nothing (value 0, last month -1). Ties: go on.

    Returns
    -------
    value : float
        NPV under the best policy.
    last_month : int
        Last month operated by choice (``len(cash) - 1`` if it never stops; -1 if it
        does not start).
    """
    months = len(cash)
    stay = [True] * months
    value = _discount(rate_year, months - 1) * terminal  # U[t + 1]
    for t in range(months - 1, -1, -1):
        d = _discount(rate_year, t)
        forced = -d * exit_cost
        if t >= launch:
            leave = forced
        elif t >= start:
            leave = -d * walk_away
        else:
            leave = 0.0
        if t < months - 1 and t in dates:
            stay[t] = value >= leave - _TIE
        after = value if stay[t] else leave
        value = d * cash[t] + hazard[t] * forced + (1.0 - hazard[t]) * after
    last = next((t for t in range(months) if not stay[t]), months - 1)
    if -1 in dates and value < -_TIE:
        return 0.0, -1
    return value, last


def _run_mode(
    v: _Values,
    mode: str,
    u: Mapping[str, Sequence[float]] | None,
    last: int | None = None,
    rule: str | None = None,
    expected: _Values | None = None,
) -> PathResult:
    """Plan the exit policy with events in expectation, then run the mode under it.

    With drawn events, the policy follows ``decision_rule``: ``fixed``, the expected
    case's plan; ``foresight``, the best review month to leave at (or never), found by
    trying each; ``adaptive``, the last month given in ``last`` (the engine's fitted
    rule is a regression the oracle does not repeat: it checks the accounting).
    """
    months = v.months
    if mode == "license":
        launch, exit_cost, walk_away = int(v("content_lead_months")), 0.0, 0.0
    else:
        launch = int(v(f"regulation_launch_delay_{mode}_months")) + v.start
        exit_cost = v("regulation_exit_cost_usd_m")
        walk_away = v("finance_walkaway_usd_m")
    rate = v("finance_discount_rate_year")
    dates = decision_months(months, int(v.params.decision_review_months), v.start)
    if mode == "license":  # bound by its contracts once started: the go decision only
        dates = dates[:1]

    risk = _expected_risk(v, mode, launch)
    lines, subs, terminal = _lines(v, mode, launch, risk)
    cond = _sum_lines(lines, months)
    # the plan made at the decision date, on the clock every rule shares
    _, plan = exit_policy(
        cond, risk["exit_hazard"], exit_cost, rate, dates, terminal, launch, v.start, walk_away
    )
    rule = rule or v.params.decision_rule
    if u is not None and rule == "never":
        plan = months - 1
    if u is not None and rule == "fixed":
        # the most-likely case's plan, as months after launch (nothing about the path known);
        # a staged entry's service: the scenario's values started at its switch
        e = expected if expected is not None else _Values(v.params, {})
        e_launch = (
            int(e("content_lead_months"))
            if mode == "license"
            else int(e(f"regulation_launch_delay_{mode}_months")) + e.start
        )
        e_risk = _expected_risk(e, mode, e_launch)
        e_lines, _, e_terminal = _lines(e, mode, e_launch, e_risk)
        e_exit_cost = 0.0 if mode == "license" else e("regulation_exit_cost_usd_m")
        e_walk = 0.0 if mode == "license" else e("finance_walkaway_usd_m")
        _, e_last = exit_policy(
            _sum_lines(e_lines, months),
            e_risk["exit_hazard"],
            e_exit_cost,
            e("finance_discount_rate_year"),
            dates,
            e_terminal,
            e_launch,
            e.start,
            e_walk,
        )
        if e_last >= months - 1 or e_last < e_launch:  # the same month on every path
            plan = min(e_last, months - 1)
        else:  # as long after the path's own launch
            plan = min(launch + e_last - e_launch, months - 1)
    if u is not None:  # the events are drawn
        risk = _drawn_risk(v, mode, launch, u)
        lines, subs, terminal = _lines(v, mode, launch, risk)
        cond = _sum_lines(lines, months)

    def account(last: int) -> tuple[list[float], list[float], list[float], float]:
        cash, committed, operating = [], [], []
        forced = 0.0
        for t in range(months):
            alive, exit_at = risk["alive"][t], risk["exit_at"][t]
            stays = 1.0 if t <= last else 0.0
            # stopping by choice at the end of `last`, unless forced out that very month:
            # the exit cost once launched, the walk-away cost before
            stopping = t == last and t < months - 1 and t >= v.start
            cost = (exit_cost if t >= launch else walk_away) if stopping else 0.0
            voluntary = (alive - exit_at) * cost
            operating.append(alive * stays)
            forced += exit_at * stays
            # still running at the horizon: the continuing value
            beyond = (alive - exit_at) * terminal if t == months - 1 else 0.0
            cash.append(
                cond[t] * alive * stays - exit_at * stays * exit_cost - voluntary + beyond * stays
            )
            committed.append(cond[t] * alive - exit_at * exit_cost + beyond)
        return cash, committed, operating, forced

    if u is not None and rule == "foresight":
        candidates = [*dates, months - 1]
        plan = max(reversed(candidates), key=lambda m: _npv(account(m)[0], rate) + 1e-9 * m)
    elif u is not None and rule == "adaptive":
        if last is None:
            raise ParameterError("the oracle needs the adaptive rule's last month per path")
        plan = int(last)
    cash, committed, operating, forced = account(plan)
    return PathResult(
        mode=mode,
        launch_month=launch,
        cash_flow=cash,
        committed_cash_flow=committed,
        conditional_cash_flow=cond,
        subscribers_m=subs,
        operating=operating,
        npv=_npv(cash, rate),
        npv_committed=_npv(committed, rate),
        last_month=plan,
        forced_exit=forced,
        lines=lines,
        risk={k: risk[k] for k in (*_RISK_KEYS, "unearned") if k in risk},
    )


def _fold(r: PathResult, months: int, rate: float) -> PathResult:
    """A service simulated past the horizon, on the horizon: every month after it
    discounted into the last month kept (the NPV unchanged), forced exits counted
    within the months kept."""
    if len(r.cash_flow) <= months:
        return r

    def fold(cash: Sequence[float]) -> list[float]:
        tail = sum(cash[t] * _discount(rate, t) for t in range(months, len(cash)))
        kept = list(cash[:months])
        kept[-1] += tail / _discount(rate, months - 1)
        return kept

    alive, exit_at = r.risk["alive"], r.risk["exit_at"]
    forced = sum(
        exit_at[t] * (r.operating[t] / alive[t] if alive[t] > 0 else 0.0) for t in range(months)
    )
    cash, committed = fold(r.cash_flow), fold(r.committed_cash_flow)
    return dataclasses.replace(
        r,
        cash_flow=cash,
        committed_cash_flow=committed,
        conditional_cash_flow=list(r.conditional_cash_flow[:months]),
        subscribers_m=list(r.subscribers_m[:months]),
        operating=list(r.operating[:months]),
        npv=_npv(cash, rate),
        npv_committed=_npv(committed, rate),
        forced_exit=forced,
    )


def _staged(
    v: _Values,
    u: Mapping[str, Sequence[float]] | None,
    switch: float | None = None,
    own_last: float | None = None,
) -> PathResult:
    """License now; switch to an own service at the end of a review month.

    Events in expectation: the best switch month (or none) by NPV, the service under
    its most-likely-case plan, its hazards scaled by the chance that the rules have eased.
    Drawn: ``fixed``, switch at the most-likely case's month on every path, the service
    following its own most-likely-case plan;
    ``foresight``, the best switch date and exit, trying each; ``adaptive``, the
    engine's switch month and last month (``switch``, ``own_last``; NaN: never).
    """
    months = v.months
    p = v.params
    target = p.staged_target_mode
    rate = v("finance_discount_rate_year")
    lic_v = v
    if p.staged_license_exclusivity == "non_exclusive":
        lic_v = v.shifted(
            0,
            license_fee_usd_m_per_title=v("license_fee_usd_m_per_title")
            * (1.0 - p.staged_nonexclusive_fee_discount),
        )
    lic = _run_mode(lic_v, "license", u, rule="never")
    # after a switch, a contract signed before the service launches bridges to it, paid
    # month by month (no payment at signing)
    bridge = _run_mode(lic_v.shifted(0, license_upfront_share=0.0), "license", u, rule="never")
    term = int(p.license_term_months)
    every = term if p.staged_license_exclusivity == "exclusive" else 12
    delay_param = float(getattr(p, f"regulation_launch_delay_{target}_months"))
    first = int(p.content_lead_months)  # the first contract is signed at the licence's launch
    dates = [
        s for s in range(first + every - 1, months, every) if s + 1 + delay_param < months - 12
    ]
    h_ease = _monthly(v("regulation_easing_hazard_year"))
    m = v("regulation_easing_hazard_multiplier")
    eased_at = months if u is None else _first(u["easing"], h_ease, 0, months)

    def started(values: _Values, s: int, factor: float) -> _Values:
        # simulated ten years from its launch at least, past the horizon if need be
        launch = s + 1 + math.ceil(delay_param)
        return values.shifted(
            s + 1,
            max(months, launch + 120),
            **{
                f"regulation_exit_hazard_{target}_year": values(
                    f"regulation_exit_hazard_{target}_year"
                )
                * factor,
                f"regulation_suspension_hazard_{target}_year": values(
                    f"regulation_suspension_hazard_{target}_year"
                )
                * factor,
            },
        )

    def own(s: int, rule: str | None, last: int | None = None) -> PathResult:
        expected_factor = 1.0 - (1.0 - m) * (1.0 - (1.0 - h_ease) ** (s + 1))
        factor = expected_factor if u is None else (m if eased_at <= s else 1.0)
        ov = started(v, s, factor)
        # the fixed plan is made on the scenario's values, the easing in expectation
        scenario = _Values(p, {})
        h_scenario = _monthly(scenario("regulation_easing_hazard_year"))
        e_factor = 1.0 - (1.0 - m) * (1.0 - (1.0 - h_scenario) ** (s + 1))
        r = _run_mode(ov, target, u, last, rule, expected=started(scenario, s, e_factor))
        return _fold(r, months, rate)

    def compose(s: int | None, r: PathResult | None, committed: bool = False) -> list[float]:
        if s is None or r is None:
            return list(lic.committed_cash_flow)
        launch = s + 1 + int(v(f"regulation_launch_delay_{target}_months"))
        cost = v("staged_switch_cost_usd_m")
        flows = r.committed_cash_flow if committed else r.cash_flow

        lead = int(p.content_lead_months)  # the first signing

        def signed_after(t: int) -> bool:
            return t >= lead and (t - lead) // term > (s - lead) // term

        def licence_cash(t: int) -> float:
            if t < launch:
                return (bridge if signed_after(t) else lic).committed_cash_flow[t]
            if t == launch and not signed_after(t - 1):
                # the contract ends at the launch: the payment at signing for the months
                # after it is handed back
                return -lic.risk["unearned"][t - 1] * lic.risk["alive"][t]
            return 0.0

        return [licence_cash(t) + flows[t] - (cost if t == s + 1 else 0.0) for t in range(months)]

    rule = p.decision_rule
    choice, service = None, None
    if u is None:
        best = _npv(compose(None, None), rate)
        for s in dates:
            r = own(s, None)
            value = _npv(compose(s, r), rate)
            if value > best + 1e-9:
                best, choice, service = value, s, r
    elif rule == "fixed":
        # the most-likely case's switch month on every path, then the service's own plan
        choice = _staged(_Values(p, {}), None).switch_month
        choice = None if math.isnan(choice) else int(choice)
        service = None if choice is None else own(choice, "fixed")
    elif rule == "foresight":
        best = _npv(compose(None, None), rate)
        for s in dates:
            r = own(s, "foresight")
            value = _npv(compose(s, r), rate)
            if value > best + 1e-9:
                best, choice, service = value, s, r
    else:
        if switch is not None and not math.isnan(switch):
            choice = int(switch)
            service = own(choice, "adaptive", int(own_last))
    cash = compose(choice, service)
    # the committed plan: switch at the first date after the rules ease, never leave
    if u is None:
        committed = compose(choice, service, committed=True)
    else:
        first = next((s for s in dates if eased_at <= s), None)
        committed = compose(first, None if first is None else own(first, "never"))
    # in business while either leg runs: the licence until the service launches
    operating = list(lic.operating)
    if choice is not None and service is not None:
        launch = choice + 1 + int(v(f"regulation_launch_delay_{target}_months"))
        operating = [
            max(lic.operating[t] if t < launch else 0.0, service.operating[t])
            for t in range(months)
        ]
    return PathResult(
        mode="staged",
        launch_month=lic.launch_month,
        cash_flow=cash,
        committed_cash_flow=committed,
        conditional_cash_flow=cash,
        subscribers_m=[0.0] * months if service is None else service.subscribers_m,
        operating=operating,
        npv=_npv(cash, rate),
        npv_committed=_npv(committed, rate),
        last_month=months - 1 if service is None else service.last_month,
        forced_exit=lic.forced_exit if service is None else service.forced_exit,
        lines={},
        risk={},
        switch_month=float("nan") if choice is None else float(choice),
    )


def _stay_out(months: int) -> PathResult:
    zeros = [0.0] * months
    return PathResult(
        mode="stay_out",
        launch_month=0,
        cash_flow=zeros,
        committed_cash_flow=zeros,
        conditional_cash_flow=zeros,
        subscribers_m=zeros,
        operating=[1.0] * months,
        npv=0.0,
        npv_committed=0.0,
        last_month=months - 1,
        forced_exit=0.0,
        lines={},
        risk={},
    )


# --- public API -----------------------------------------------------------------------


def simulate_path(
    params: Any,
    values: Mapping[str, float] | None = None,
    u: Mapping[str, Sequence[float]] | None = None,
    last: Mapping[str, int] | None = None,
) -> dict[str, PathResult]:
    """Every entry mode on one path.

    Parameters
    ----------
    params : Parameters
        Validated parameters (:func:`models.inputs.params.validate`).
    values : mapping of str to float, optional
        Values of uncertain parameters on this path (a row of the engine's ``draws``);
        integers are rounded half to even, as the engine does.
    u : mapping of str to sequence of float, optional
        The path's uniforms per kind of event (``exit``, ``suspension``, ``crackdown``,
        ``distress``), one per month. Without them, events are in expectation.
    last : mapping of str to int, optional
        Under ``decision_rule: adaptive``, the last month each mode operates by choice.

    Returns
    -------
    dict of str to PathResult
        One result per mode (:data:`MODES`).
    """
    v = _Values(params, values or {})
    if u is not None:
        for kind in KINDS:
            if len(u[kind]) < v.months:
                raise ParameterError(
                    f"uniforms: {len(u[kind])} months of {kind!r} for {v.months} months"
                )
    out = {
        mode: _run_mode(v, mode, u, None if last is None else last[mode])
        for mode in ("solo", "partner", "license")
    }
    out["staged"] = _staged(
        v,
        u,
        None if last is None else last.get("staged_switch"),
        None if last is None else last.get("staged"),
    )
    out["stay_out"] = _stay_out(v.months)
    return out


def simulate_paths(
    params: Any,
    draws: pd.DataFrame | None = None,
    uniforms: Any = None,
    last: Mapping[str, Sequence[float]] | None = None,
) -> dict[str, ModePaths]:
    """Every entry mode on every path, one path after the other.

    Parameters
    ----------
    params : Parameters
        Validated parameters.
    draws : DataFrame, optional
        One row per path, one column per uncertain parameter (as for
        :func:`models.economics.simulation.simulate`).
    uniforms : models.economics.events.Uniforms, optional
        One row of uniforms per path (a single row of draws is then shared by all).
        Without them, events are in expectation.
    last : mapping of str to sequence, optional
        Under ``decision_rule: adaptive``, each mode's last month per path.

    Returns
    -------
    dict of str to ModePaths
        Per mode, the path results stacked into arrays.
    """
    rows: list[dict[str, float]] = [{}]
    if draws is not None:
        if len(draws) == 0:
            raise ParameterError("draws: expected at least one path, got none")
        rows = [
            {str(k): float(x) for k, x in zip(draws.columns, row, strict=True)}
            for row in draws.itertuples(index=False, name=None)
        ]
    n = len(rows)
    if uniforms is not None and uniforms.paths != n:
        if n != 1:
            raise ParameterError(
                f"uniforms: {uniforms.paths} paths for {n} rows of draws; "
                "expected one row of uniforms per path"
            )
        n = uniforms.paths
        rows = rows * n
    # a staged entry's service runs up to ten years past the horizon: the same paths'
    # uniforms for those months (the first months unchanged)
    longer = None if uniforms is None else uniforms.extended(int(params.months) + 120)
    results = []
    for i in range(n):
        u = None
        if uniforms is not None:
            u = {kind: getattr(longer, kind)[i].tolist() for kind in KINDS}
        path_last = None if last is None else {m: float(x[i]) for m, x in last.items()}
        results.append(simulate_path(params, rows[i], u, path_last))
    return {mode: _stack([r[mode] for r in results]) for mode in MODES}


def _stack(paths: list[PathResult]) -> ModePaths:
    return ModePaths(
        cash_flow=np.array([p.cash_flow for p in paths]),
        committed_cash_flow=np.array([p.committed_cash_flow for p in paths]),
        subscribers_m=np.array([p.subscribers_m for p in paths]),
        operating=np.array([p.operating for p in paths]),
        npv=np.array([p.npv for p in paths]),
        npv_committed=np.array([p.npv_committed for p in paths]),
        last_month=np.array([float(p.last_month) for p in paths]),
        forced_exit=np.array([p.forced_exit for p in paths]),
        paths=paths,
        switch_month=np.array([p.switch_month for p in paths]),
    )
