"""Staged entry: license now, switch to an own service later.

Netflix's stated plan in October 2016 (ref 3.11): "license content to existing online
service providers in China rather than operate our own service in China in the near
term", and "launch our service in China eventually". As a mode:

1. **License now.** The licensing mode's titles, fees and events, on renewable terms of
   ``license_term_months``; a non-exclusive licence earns
   ``staged_nonexclusive_fee_discount`` less.
2. **Switch at a review.** At the end of a licence term (an exclusive licence) or at any
   yearly review (a non-exclusive one), the streamer may start its own service
   (``staged_target_mode``, with a partner or alone), paying
   ``staged_switch_cost_usd_m``: the service's team, set-up and content start the next
   month, and it launches after its approval delay. The licence runs until then; a
   contract signed after the switch only bridges to the launch, so it is paid month by
   month, with nothing at signing (:func:`_bridge`).
3. **The rules may ease.** An easing event (``regulation_easing_hazard_year``); a
   service started after the rules eased runs at ``regulation_easing_hazard_multiplier``
   times the forced-exit and suspension hazards. (Services entered at once, and a
   staged service started before an easing, keep today's rules: a simplification.)
4. **Then reviews as any own service**: the started service may be left
   (:mod:`models.economics.reviews`).

The switch is an optimal-stopping problem over the switch dates, valued like the exits
(:mod:`models.economics.lsm`): at each date, switch if the fitted value of switching now
(the licence until the service's launch, the switch cost, and the service under its own
review rule) beats waiting, on what has been seen: whether the rules have eased, the
licence's cash over the last year, and whether the licence still runs. Three values,
as for the other modes:

``committed``
    The plan as announced: switch at the first date after the rules ease, then never
    leave (forced exits aside). Without an easing, license to the horizon.
``adaptive``
    The switch rule and the service's review rule, fitted on training paths.
``foresight``
    The best switch date and the best exit, knowing the future.

The own service started at each switch date is simulated in full for every path (one
run per date), for at least :data:`SERVICE_RUN_YEARS` from its launch, past the horizon
where need be (its later months folded into the value beyond the horizon), so a staged
entry costs as many own-service runs as it has switch dates (four with the default
three-year exclusive licence over fifteen years).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from models._arrays import FloatArray, column
from models.economics import events, finance, licence, lsm, market, regulation, reviews
from models.economics.modes import license
from models.economics.modes.base import EntryMode
from models.economics.modes.policy import OUTSIDE, Decision
from models.economics.modes.registry import MODES
from models.economics.results import LINE_ITEMS, ModeResult
from models.economics.terms import Finance, PathValues, Rules, Staged, Terms

log = logging.getLogger(__name__)

#: What the switch decision observes, in the order of its features.
SWITCH_STATE = {
    "eased": "the rules have eased (0 or 1)",
    "license_cash_last_year_usd_m": "the licence's cash over the last 12 months (US$ m)",
    "license_running": "the licence still runs (0 or 1)",
    "paying_market_growth": reviews.STATE["paying_market_growth"],
    "paying_market_trend": reviews.STATE["paying_market_trend"],
}


#: Years the service a switch starts is simulated from its launch, at least, past the
#: horizon where need be, so that the final year its continuing value grows is close to
#: steady; the months after the horizon are folded into the value beyond it
#: (:meth:`models.economics.results.ModeResult.truncated`). Measured at base as issue 20
#: left the model, with ``market_foreign_premium_share`` 0.5 (most-likely case, the
#: service's NPV from month 0, simulated to the horizon of 15 years against 25):
#: launched 10 years before the horizon it was valued 6 % lower (switch at month 41: 530
#: against 563); 7 years, 17 %; 4 years, 73 % (switch at month 113: 75 against 283).
#: Issue 20's review.
SERVICE_RUN_YEARS = 10


def switch_months(
    staged: Staged, first_month: float, term_months: float, target_delay_months: float, months: int
) -> list[int]:
    """Review months at whose end a switch may be decided: the end of each licence
    contract (exclusive; contracts of ``term_months`` from ``first_month``, the first
    signing) or of each year of the licence (non-exclusive), while the service, launched
    after its approval delay at the scenario's value (``target_delay_months``, not a
    path's draw, so that the dates are the same on every path), would still run a year
    before the horizon (it is simulated for :data:`SERVICE_RUN_YEARS` all the same).

    >>> from types import SimpleNamespace
    >>> switch_months(SimpleNamespace(license_exclusivity="non_exclusive"), 6, 36, 18, 72)
    [17, 29]
    """
    every = int(term_months) if staged.license_exclusivity == "exclusive" else 12
    first, delay = int(first_month), float(target_delay_months)
    return [s for s in range(first + every - 1, months, every) if s + 1 + delay < months - 12]


def service_months(months: int, switch: int, target_delay_months: float) -> int:
    """Months over which the service started after switch month ``switch`` is simulated:
    the horizon, or :data:`SERVICE_RUN_YEARS` after its launch (at the scenario's
    delay) if that is later.

    >>> service_months(180, 41, 6), service_months(180, 113, 6)
    (180, 240)
    """
    launch = switch + 1 + int(np.ceil(target_delay_months))
    return max(int(months), launch + 12 * SERVICE_RUN_YEARS)


def easing_month(rules: Rules, u: events.Uniforms, months: int) -> FloatArray:
    """Month in which the rules ease on each path (``months`` if not within the
    horizon), from the ``easing`` uniforms."""
    h = regulation.monthly_hazard(rules.easing_hazard_year)
    return events.first_event(u.easing, np.broadcast_to(column(h), (u.paths, months)), 0)


def eased_by(rules: Rules, month: int) -> FloatArray:
    """Probability that the rules have eased by the end of ``month`` (most-likely case)."""
    h = regulation.monthly_hazard(rules.easing_hazard_year)
    return 1.0 - (1.0 - column(h)[:, 0]) ** (month + 1)


@dataclass(frozen=True)
class SwitchRule:
    """The fitted switch rule of a staged entry and the review rules of the services
    it may start (one per switch month); ``switch`` is None while only the services'
    rules are fitted (the first stage of training)."""

    switch: lsm.StoppingRule | None
    months: tuple[int, ...]
    services: dict[int, reviews.ExitRule]
    #: the simple rule a manager would use: switch at this date (index into ``months``;
    #: ``len(months)``: never), the one that does best on the training paths
    fixed_date: int | None = None


@dataclass(frozen=True)
class SwitchProblem:
    """The switch decision on training paths: the value of switching at each date under
    each way of deciding afterwards (``stop[rule]``, (paths, dates), US$ m), of never
    switching (``final``), and what is observed at each date (``features``,
    :data:`SWITCH_STATE`)."""

    stop: dict[str, FloatArray]
    final: FloatArray
    features: FloatArray

    @staticmethod
    def concat(parts: list[SwitchProblem]) -> SwitchProblem:
        """Problems of successive chunks of paths as one."""
        return SwitchProblem(
            stop={k: np.concatenate([q.stop[k] for q in parts]) for k in parts[0].stop},
            final=np.concatenate([q.final for q in parts]),
            features=np.concatenate([q.features for q in parts]),
        )


def fit_switch(problem: SwitchProblem) -> lsm.StoppingRule:
    """Fit the switch rule (:func:`models.economics.lsm.fit_held_out`)."""
    eligible = np.ones(problem.stop["adaptive"].shape, dtype=bool)
    return lsm.fit_held_out(problem.stop["adaptive"], problem.final, problem.features, eligible)


@dataclass(frozen=True)
class StagedPlan:
    """The ``fixed`` rule's plan, made at the decision date: the most-likely case's switch
    month (None: never switch) and the scenario's own terms, from which the plan of the
    service it starts is made the same way (:meth:`EntryMode.fixed_plan`)."""

    switch: int | None
    scenario: object


class StagedTerms(Terms):
    """A staged entry's terms: its own groups (:class:`~models.economics.terms.Staged`,
    the rules, finance) and its two legs' terms: the licence's (``licence``, the
    licensing mode's) and the target service's (``service``, of the mode ``target``
    that ``staged_target_mode`` names), with the target's launch delay at the
    scenario's value (``target_delay``: the switch dates are the same on every path)."""

    def __init__(self, own: Terms, licence: Terms, service: Terms, target, target_delay):
        super().__init__(own.mode, own.horizon, own._groups, own.exposure, own.extra, memo=own.memo)
        self.licence = licence
        self.service = service
        self.target = target
        self.target_delay = target_delay


@dataclass(frozen=True)
class StagedEntry(EntryMode):
    """License now, switch to an own service later (see the module docstring)."""

    groups: tuple = (Staged, Rules, Finance)
    # the licence's events, the easing, and those of the service it may start
    events: tuple[str, ...] = ("exit", "suspension", "crackdown", "distress", "easing")
    may_run_service: bool = True
    trains_on_previous: bool = True
    twin: str | None = "license"

    @property
    def parameters(self) -> tuple[str, ...]:
        """Its own groups', the licence's and those of every service it may start."""
        names = [*super().parameters, *license.MODE.parameters]
        names += [n for m in MODES if m.runs_service for n in m.parameters]
        return tuple(dict.fromkeys(names))

    def terms(self, values: PathValues) -> StagedTerms:
        own = super().terms(values)
        target = MODES[own.staged.target_mode]
        # the switch dates use the scenario's launch delay, not a path's draw
        scenario = target.terms(values.scenario())
        return StagedTerms(
            own,
            licence=license.MODE.terms(values),
            service=target.terms(values),
            target=target,
            target_delay=scenario.exposure.launch_delay_months,
        )

    def launch_month(self, terms: StagedTerms):
        return license.MODE.launch_month(terms.licence)

    def switch_target(self, terms: StagedTerms) -> str:
        """The own service it may switch to (``staged_target_mode``)."""
        return terms.target.name

    def switch_months(self, terms: StagedTerms) -> list[int]:
        """The review months at whose end it may switch (:func:`switch_months`)."""
        return _dates(terms)

    def fixed_plan(self, terms, scenario) -> StagedPlan:
        """The ``fixed`` rule: the most-likely case's switch month on every path (the same
        clock as the other rules), and then the service's own most-likely-case plan."""
        month = float(build(scenario, switch_only=True)[0])
        return StagedPlan(None if np.isnan(month) else int(month), scenario)

    def build(self, terms: StagedTerms, uniforms=None, how=None, plan_only=False):
        """Its lines (:func:`build`); it plans its switch itself, so there is no
        ``plan_only``."""
        if plan_only:
            raise ValueError("a staged entry plans its switch inside build; no plan_only")
        return build(terms, how, uniforms)

    def planned_cash_flow(self, terms, uniforms, plan):
        return planned_cash_flow(terms, plan, uniforms)

    def training(self, terms: StagedTerms, uniforms, fitted, previous=None):
        """First the review rules of the services it may start (one exit problem per
        switch month), then, with those, its switch: valued from the services' exit
        problems of the first stage on the same paths (``previous``) where given, else
        by building the services again."""
        rule = terms.horizon.decision_rule
        if fitted is None:
            return build(terms, Decision(rule=rule, collect=True), uniforms)
        if fitted.switch is not None:
            return None
        how = Decision(rule=rule, fitted=fitted, collect=True)
        problem = build(terms, how, uniforms, trained=previous)
        return None if problem is None else {"switch": problem}

    def join(self, parts):
        """The switch's problems joined; the services' left in their chunks, each joined
        as it is fitted (one service's copy at a time, not four)."""
        if "switch" in parts[0]:
            return SwitchProblem.concat([part["switch"] for part in parts])
        return list(parts)

    def fit(self, joined, fitted):
        if fitted is None:
            services = {
                month: reviews.fit_rule(reviews.concat([part[month] for part in joined]))
                for month in joined[0]
            }
            return SwitchRule(switch=None, months=tuple(services), services=services)
        problem = joined
        values = np.column_stack([problem.stop["adaptive"], problem.final]).mean(axis=0)
        return SwitchRule(
            switch=fit_switch(problem),
            months=fitted.months,
            services=fitted.services,
            fixed_date=int(np.argmax(values)),
        )


def _dates(terms: StagedTerms) -> list[int]:
    """The switch months of these terms (:func:`switch_months`), on the scenario's
    licence contracts."""
    lic = terms.licence
    return switch_months(
        terms.staged,
        float(np.min(column(license.MODE.launch_month(lic)))),
        float(np.min(column(lic.license.term_months))),
        terms.target_delay,
        terms.months,
    )


def _bridge(lic: Terms) -> Terms:
    """The licence paid month by month, with nothing at signing: what a contract signed
    after the switch and before the service launches pays (a bridge to the launch)."""
    return lic.replaced(license=lic.license.replaced(upfront_share=0.0))


def _signed_after(terms: StagedTerms, s: int) -> np.ndarray:
    """Months, (1, months) bool, whose licence contract was signed after switch month
    ``s``: the bridge's months."""
    lic = terms.licence
    first = float(np.min(column(license.MODE.launch_month(lic))))
    term = float(np.min(column(lic.license.term_months)))
    k, _ = licence.contract_index(first, term, terms.months)
    return k > k[:, s : s + 1]


def _refunds(terms: StagedTerms, uniforms) -> dict[str, FloatArray]:
    """The lines of handing back a payment at signing when the licence ends at the own
    service's launch (:meth:`~models.economics.modes.license.Licensing.refund_lines`):
    none for an exclusive licence, whose switches fall at the end of a contract, so
    that the contract running at the launch is a bridge with nothing paid at signing."""
    if terms.staged.license_exclusivity == "exclusive":
        return {}
    return license.MODE.refund_lines(_licence(terms), uniforms)


def _refund(x, late: np.ndarray, launch, alive: FloatArray) -> FloatArray:
    """A refund line placed in each path's launch month, (paths, months): ``x`` read in
    the month before the launch (the payment at signing for the months after it),
    where the contract then running was signed before the switch (a bridge has nothing
    to hand back) and the licence still runs at the launch; nothing for a launch
    beyond the horizon."""
    paths, months = alive.shape
    at = np.broadcast_to(np.asarray(launch, dtype=float), (paths,)).astype(int)
    out = np.zeros((paths, months))
    rows = np.flatnonzero(at < months)
    if rows.size:
        x = np.broadcast_to(np.where(late, 0.0, x), (paths, months))
        out[rows, at[rows]] = x[rows, at[rows] - 1] * alive[rows, at[rows]]
    return out


def _licence(terms: StagedTerms) -> Terms:
    """The licence leg's terms: a non-exclusive licence earns
    ``staged_nonexclusive_fee_discount`` less."""
    lic = terms.licence
    if terms.staged.license_exclusivity == "non_exclusive":
        fee = column(lic.license.fee_usd_m_per_title) * (
            1.0 - terms.staged.nonexclusive_fee_discount
        )
        lic = lic.replaced(license=lic.license.replaced(fee_usd_m_per_title=fee))
    return lic


def build(
    terms: StagedTerms,
    decision=None,
    uniforms: events.Uniforms | None = None,
    switch_only: bool = False,
    trained: dict | None = None,
) -> ModeResult | np.ndarray:
    """The staged entry's :class:`ModeResult`, events in expectation or drawn.

    With ``switch_only`` (the ``fixed`` rule's plan), only the month it switches at, per
    path (NaN: it licenses to the horizon), the result's ``switch_month``: its lines
    are not composed.

    ``decision`` is a :class:`~models.economics.modes.policy.Decision` (None in the
    most-likely case). In training (``decision.collect``) it returns, instead, the exit
    problems of the services it may start (``{month: ExitProblem}``) or, once their
    rules are fitted (``decision.fitted``), the :class:`SwitchProblem`; with the
    services' exit problems on these paths (``trained``, as it returned them), each
    service is valued on its problem under its rule
    (:func:`models.economics.reviews.decide`, what its build would do) instead of being
    built again: the same values, bit for bit, at a third of the cost (issue 25).
    """
    months, paths = terms.months, terms.paths
    drawn = uniforms is not None
    collect = drawn and decision.collect
    fitted: SwitchRule | None = decision.fitted if drawn else None
    dates = _dates(terms)
    if collect and fitted is None:
        return {
            s: _service(terms, _start(terms, s, uniforms), uniforms, decision, collect=True)
            for s in dates
        }
    never = np.full(paths, months - 1.0)
    how_lic = _fixed(never) if drawn else None
    lic = license.MODE.build(_licence(terms), uniforms, how_lic)
    bridge = license.MODE.build(_bridge(_licence(terms)), uniforms, how_lic)
    lic_cf = np.broadcast_to(lic.committed_cash_flow, (paths, months))
    bridge_cf = np.broadcast_to(bridge.committed_cash_flow, (paths, months))
    rate = terms.finance.discount_rate_year
    d = np.broadcast_to(finance.discount_factors(rate, months), (paths, months))
    lic_pv = np.cumsum(lic_cf * d, axis=1)
    w_never = lic_pv[:, -1]
    refunds = _refunds(terms, uniforms)
    refund_cash = sum(refunds.values()) if refunds else None
    lic_alive = np.broadcast_to(lic.survival, (paths, months))

    _, payers = terms.shared(market.users_and_payers, terms.licence.market, months)
    # what each switch date observes: the published market (drawn paths only; the
    # most-likely case does not learn), the services' at the horizon (Terms.shared)
    payers = terms.shared(market.published_from, payers, uniforms) if drawn else None
    delay = column(terms.service.exposure.launch_delay_months)
    plan: StagedPlan | None = decision.plan if drawn and decision.rule == "fixed" else None
    # what each switch date observes (SWITCH_STATE) and when its service would launch:
    # known before any service is built
    eased_at, launches, feats = [], [], []
    for s in dates:
        eased_at.append(_eased(terms, s, uniforms))
        launches.append(np.broadcast_to(column(s + 1 + delay)[:, 0], (paths,)))
        if not drawn:
            continue
        start = max(s - 11, 0)
        feats.append(
            np.column_stack(
                [
                    np.broadcast_to(eased_at[-1], (paths,)),
                    lic_cf[:, start : s + 1].sum(axis=1),
                    np.broadcast_to(lic.survival, (paths, months))[:, s],
                    *reviews.market_signals(payers, np.array([s]), paths, months),
                ]
            )
        )
    # where the switch dates chosen do not depend on the services' values, the date
    # each path switches at: of each service only those paths' arrays are kept, so
    # that one service's arrays are alive at a time, not four (issue 25)
    at: dict[str, np.ndarray] = {}
    main_at = None
    if drawn and not collect and dates:
        eased_any = np.column_stack([np.broadcast_to(e, (paths,)) for e in eased_at]) > 0.5
        at["committed"] = np.where(eased_any.any(axis=1), np.argmax(eased_any, axis=1), len(dates))
        if fitted is not None and fitted.switch is not None:
            eligible = np.ones((paths, len(dates)), dtype=bool)
            at["adaptive"] = lsm.apply(fitted.switch, np.stack(feats, axis=1), eligible)
        if decision.rule == "fixed":  # the most-likely case's switch month, on every path
            planned = dates.index(plan.switch) if plan and plan.switch in dates else len(dates)
            main_at = np.full(paths, planned)
        else:
            main_at = at.get(decision.rule)  # foresight, or a rule cross-fitted here: None

    own, own_committed, values = [], [], {k: [] for k in reviews.RULES}
    for k, s in enumerate(dates):
        q = _start(terms, s, uniforms, eased_at[k])
        how = None
        if drawn:  # the started service is reviewed like any other
            how = Decision(
                rule=decision.rule,
                plan=_service_plan(q, s, plan, never) if decision.rule == "fixed" else None,
                fitted=None if fitted is None else fitted.services.get(s),
                lines=not collect,  # training the switch reads only the values
            )
        if collect and trained is not None:  # valued on the problem it gave before
            if trained[s].stop_value.shape[0] != paths:
                raise ValueError(
                    f"the service's exit problem at switch month {s} has"
                    f" {trained[s].stop_value.shape[0]} paths, these terms {paths}:"
                    " expected the problem of the same paths"
                )
            r = None
            worth = reviews.decide(trained[s], how.fitted, q.months).npv
        else:
            r = _service(terms, q, uniforms, how, collect=collect)
            worth = r.decision_values
        # training the switch keeps only the values (memory, issue 25)
        if drawn and not collect:
            own.append(r if main_at is None else r.take(np.flatnonzero(main_at == k), paths))
            own_committed.append(r.take(np.flatnonzero(at["committed"] == k), paths))
        elif not drawn:
            own.append(r)
        launch = launches[k]
        # the licence until the launch; a contract signed after the switch bridges
        # to it, paid month by month
        late = _signed_after(terms, s)
        paid = lic_pv if not late.any() else np.cumsum(np.where(late, bridge_cf, lic_cf) * d, 1)
        before = np.take_along_axis(
            paid, np.clip(launch - 1, 0, months - 1).astype(int).reshape(-1, 1), axis=1
        )[:, 0]
        if refund_cash is not None:  # the payment at signing for months after the launch
            before = before + (_refund(refund_cash, late, launch, lic_alive) * d).sum(axis=1)
        switch_pv = column(terms.staged.switch_cost_usd_m)[:, 0] * d[:, min(s + 1, months - 1)]
        common = before - switch_pv
        if drawn:
            for rule in reviews.RULES:
                values[rule].append(common + worth[rule])
        else:
            values["adaptive"].append(common + finance.npv(r.cash_flow, rate))
        del r, q

    if not dates:  # no date leaves time to launch: license to the horizon
        if collect:
            return None
        at = {k: np.full(paths, len(dates)) for k in reviews.RULES}
        decision_values = {k: w_never for k in reviews.RULES} if drawn else None
        chosen = at["adaptive"]
    elif not drawn:
        w = np.column_stack(values["adaptive"])
        best = w.max(axis=1)
        chosen = np.where(best > w_never + 1e-9, w.argmax(axis=1), len(dates))
        decision_values = None
    else:
        stop = {k: np.column_stack(v) for k, v in values.items()}
        features = np.stack(feats, axis=1)
        if collect:
            return SwitchProblem(stop=stop, final=w_never, features=features)
        eligible = np.ones((paths, len(dates)), dtype=bool)
        if "adaptive" not in at:  # no fitted switch rule: cross-fitted on these paths
            at["adaptive"] = lsm.cross_fit(stop["adaptive"], w_never, features, eligible)
        at["foresight"] = lsm.foresight(stop["foresight"], w_never, eligible)
        decision_values = {k: lsm.realised(stop[k], w_never, at[k]) for k in reviews.RULES}
        if fitted is not None and fitted.fixed_date is not None:  # the simple rule
            simple = np.full(paths, fitted.fixed_date)
            decision_values["simple"] = lsm.realised(stop["adaptive"], w_never, simple)
        chosen = main_at if main_at is not None else at[decision.rule]
    switch_month = np.where(
        chosen < len(dates), np.asarray([*dates, months], dtype=float)[chosen], np.nan
    )
    if switch_only:
        return switch_month
    if main_at is None:  # the services' paths that switch to them, now that it is known
        own = [r.take(np.flatnonzero(chosen == k), paths) for k, r in enumerate(own)]
    if not drawn:  # the plan is the choice
        own_committed = own

    legs = (lic, bridge, refunds)
    main = _compose(terms, legs, own, launches, dates, chosen, committed_lines=False)
    plan = at["committed"] if drawn else chosen
    return ModeResult(
        **main,
        decision_values=decision_values,
        # built on first use: a Monte Carlo chunk reads the committed NPV from
        # decision_values and never needs these lines
        committed=_Lazy(
            lambda: ModeResult(
                **_compose(terms, legs, own_committed, launches, dates, plan, committed_lines=True)
            )
        ),
        switch_month=switch_month,
    )


def planned_cash_flow(
    terms: StagedTerms, plan: StagedPlan | None, uniforms: events.Uniforms
) -> FloatArray:
    """The staged entry's cash flow on drawn paths under the ``fixed`` decision rule,
    US$ m, shaped (paths, months): what :func:`build` values under that rule, and
    nothing else.

    Under ``fixed`` the entry switches at the most-likely case's switch month on every path
    (``plan``, :meth:`StagedEntry.fixed_plan`), and the service it starts follows its own
    most-likely-case plan, so no path is valued under the other rules: a sweep point costs
    a licence and one service instead of a licence and one service per switch month
    (:func:`models.economics.simulation.path_npv`). The sum of the lines :func:`build`
    composes, to rounding.
    """
    months, paths = terms.months, terms.paths
    never = np.full(paths, months - 1.0)
    lic = license.MODE.build(_licence(terms), uniforms, _fixed(never))
    cash = np.array(np.broadcast_to(lic.committed_cash_flow, (paths, months)))
    dates = _dates(terms)
    if plan is None or plan.switch not in dates:
        return cash
    s = plan.switch
    late = _signed_after(terms, s)
    if late.any():  # a contract signed after the switch bridges to the launch
        bridge = license.MODE.build(_bridge(_licence(terms)), uniforms, _fixed(never))
        cash = np.where(late, np.broadcast_to(bridge.committed_cash_flow, cash.shape), cash)
    q = _start(terms, s, uniforms)
    r = _service(terms, q, uniforms, _fixed(_service_plan(q, s, plan, never)))
    t = np.arange(months).reshape(1, -1)
    delay = column(terms.service.exposure.launch_delay_months)[:, 0]
    launch = np.broadcast_to(s + 1 + delay, (paths,))
    cash = cash * (t < launch.reshape(-1, 1)) + r.cash_flow
    refunds = _refunds(terms, uniforms)
    if refunds:  # the payment at signing for months after the launch, handed back
        alive = np.broadcast_to(lic.survival, (paths, months))
        cash = cash + _refund(sum(refunds.values()), late, launch, alive)
    cash[:, s + 1] -= np.broadcast_to(column(terms.staged.switch_cost_usd_m)[:, 0], (paths,))
    return cash


def _service_plan(q: Terms, s: int, plan: StagedPlan | None, never: FloatArray) -> FloatArray:
    """The ``fixed`` plan of the service started after switch month ``s``: its own
    most-likely-case plan where the staged plan switches then, else never stopping."""
    if plan is None or plan.switch != s:  # never stopping, over the service's months
        return np.full(np.shape(never), q.months - 1.0)
    return MODES[q.mode].fixed_plan(q, _start(plan.scenario, s, None))


class _Lazy:
    """A ModeResult built on first use (the staged entry's committed plan)."""

    def __init__(self, build: Callable[[], ModeResult]) -> None:
        self._build = build
        self._result: ModeResult | None = None

    def _get(self) -> ModeResult:
        if self._result is None:
            self._result = self._build()
        return self._result

    @property
    def lines(self) -> dict:
        return self._get().lines

    @property
    def cash_flow(self) -> FloatArray:
        return self._get().cash_flow

    @property
    def content_amortisation(self) -> FloatArray:
        return self._get().content_amortisation


def _eased(terms: StagedTerms, s: int, uniforms) -> FloatArray:
    """Whether the rules have eased by the end of switch month ``s`` on each path (1 or
    0, drawn), or the chance that they have (expected)."""
    if uniforms is not None:
        return (easing_month(terms.rules, uniforms, terms.months) <= s).astype(float)
    return eased_by(terms.rules, s)


def _start(terms: StagedTerms, s: int, uniforms, eased: FloatArray | None = None) -> Terms:
    """Terms of the service started after switch month ``s``: its hazards scaled where
    the rules have eased by then (drawn), or by the chance that they have (expected)
    (``eased``: :func:`_eased`, if known)."""
    m = terms.rules.easing_hazard_multiplier
    if eased is None:
        eased = _eased(terms, s, uniforms)
    drawn = uniforms is not None
    factor = np.where(eased > 0, m, 1.0) if drawn else 1.0 - (1.0 - m) * eased
    service = terms.service
    months = service_months(terms.months, s, terms.target_delay)
    # a service over the horizon's months reads the run's market (solo's and the
    # partnership's); those that run past it share one, over the last one's months
    # (the longest). Over the longest's for all, a fixed plan's one service at the
    # horizon computed a market of its own: +14 MB at 1,024 paths (a sceptical review)
    longer = None
    if months > terms.months:
        last = max([s, *_dates(terms)])
        longer = service_months(terms.months, last, terms.target_delay)
    return service.starting(s + 1, months, hazard_factor=factor, market_months=longer)


def _service(terms: StagedTerms, q: Terms, uniforms, how, collect: bool = False):
    """The service of terms ``q`` (:func:`_start`) built over its own months, events
    drawn from the same paths' uniforms extended to them, then shown on the staged
    entry's horizon with the months after folded into the value beyond it
    (:meth:`ModeResult.truncated`); in training, its exit problem, or its result
    untruncated (only its values are read)."""
    u = None if uniforms is None else uniforms.extended(q.months)
    r = terms.target.build(q, u, how)
    return r if collect else r.truncated(terms.months, terms.finance.discount_rate_year)


def _fixed(never):
    """The licence leg never leaves by choice: a fixed plan to the horizon."""
    return Decision(rule="fixed", plan=never, valued=False)


def _compose(terms: Terms, legs, own, launches, dates, chosen, *, committed_lines: bool) -> dict:
    """One ModeResult's fields for the staged entry: the licence until the chosen
    service launches (``legs``: the licence, its bridge, the lines of a contract
    signed after the switch, and the refund lines of a contract ended by the launch,
    :func:`_refunds`), then the service (switch cost in the set-up line).

    ``own[k]`` is the service started at ``dates[k]`` on the paths that switch then
    (``chosen == k``, in order; :meth:`ModeResult.take`). Rows are copied only for the
    paths that switch, and lines that are zero in both legs stay (1, 1) zeros, so a
    staged entry that rarely switches costs little more than its licence.
    """
    months, paths = terms.months, terms.paths
    switch_cost = terms.staged.switch_cost_usd_m
    t = np.arange(months).reshape(1, -1)
    full = (paths, months)

    def rows(x):
        return np.broadcast_to(x, full)

    def part(x, idx):  # a service's array on its own paths
        return np.broadcast_to(x, (idx.size, *np.shape(x)[1:]))

    lic, bridge, refunds = legs
    lic_lines, bridge_lines = lic.committed_lines, bridge.committed_lines
    lic_alive = rows(lic.survival)
    switched = [np.flatnonzero(chosen == k) for k in range(len(own))]
    late = [_signed_after(terms, s) for s in dates]
    keep_lic = np.ones(full)
    for k, idx in enumerate(switched):
        if idx.size:
            keep_lic[idx] = t < launches[k][idx].reshape(-1, 1)
    srcs = [
        (r.committed_lines if committed_lines else r.lines) if idx.size else None
        for r, idx in zip(own, switched, strict=True)
    ]
    lines = {}
    for name in LINE_ITEMS:
        base = lic_lines[name]
        nonzero = bool(np.any(base)) or any(src is not None and np.any(src[name]) for src in srcs)
        if name == "setup" and any(idx.size for idx in switched):
            nonzero = True
        if not nonzero:
            lines[name] = np.broadcast_to(0.0, full)
            continue
        out = rows(base) * keep_lic
        for k, idx in enumerate(switched):
            if idx.size:
                if late[k].any():  # the bridge's months
                    bridged = np.where(late[k], rows(bridge_lines[name])[idx], rows(base)[idx])
                    out[idx] = bridged * keep_lic[idx]
                out[idx] += part(srcs[k][name], idx)
                if name in refunds:
                    refund = _refund(refunds[name], late[k], launches[k], lic_alive)
                    out[idx] += refund[idx]
                if name == "setup":
                    out[idx, dates[k] + 1] -= column(switch_cost)[:, 0][
                        idx if np.size(switch_cost) > 1 else 0
                    ]
        lines[name] = out
    operating = rows(lic.survival) * keep_lic
    subs, adds, mkt, amort = (np.zeros(full) for _ in range(4))
    forced = np.broadcast_to(lic.forced_exit, (paths,)).astype(float).copy()
    last = np.full(paths, months - 1.0)
    for k, idx in enumerate(switched):
        if not idx.size:
            continue
        r = own[k]
        r_op = part(r.survival if committed_lines else r.operating, idx)
        operating[idx] = np.maximum(operating[idx], r_op)
        subs[idx] = part(r.subscribers_m, idx)
        adds[idx] = part(r.gross_adds_m, idx)
        mkt[idx] = part(r.market_m, idx)
        r_amort = r.committed_amortisation if committed_lines else r.content_amortisation
        amort[idx] = part(r_amort, idx)
        forced[idx] = part(r.forced_exit, idx)
        if not committed_lines:
            last[idx] = part(r.last_month, idx)
    ok = operating > 0
    conditional = {
        k: (v if v.strides == (0, 0) else np.divide(v, operating, out=np.zeros(full), where=ok))
        for k, v in lines.items()
        if k not in OUTSIDE
    }
    return {
        "mode": terms.mode,
        "launch_month": lic.launch_month,
        "market_m": mkt,
        "subscribers_m": subs,
        "gross_adds_m": adds,
        "operating": operating,
        "conditional": conditional,
        "exit_costs": lines["exit_costs"],
        "continuing_value": lines["continuing_value"],
        "content_amortisation": amort,
        "forced_exit": forced,
        "last_month": last,
        "survival": operating,
        "committed_exit_costs": lines["exit_costs"],
        "committed_continuing_value": lines["continuing_value"],
        "committed_amortisation": amort,
        "events": lic.events,
    }


MODE = StagedEntry(
    name="staged",
    label="Staged entry",
    colour="#CC79A7",
    description="License now, and switch to an own service at a later review if the "
    "rules ease: Netflix's stated plan of October 2016.",
    commitment=2,
    cost=3,
)
