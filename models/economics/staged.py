"""Staged entry: license now, switch to an own service later.

Netflix's stated plan in October 2016 (ref 3.11): "license content to existing online
service providers in China rather than operate our own service in China in the near
term", and "launch our service in China eventually". As a mode:

1. **License now.** The licensing mode's titles, fees and events, on renewable terms of
   ``staged_license_term_months``; a non-exclusive licence earns
   ``staged_nonexclusive_fee_discount`` less.
2. **Switch at a review.** At the end of a licence term (an exclusive licence) or at any
   yearly review (a non-exclusive one), the streamer may start its own service
   (``staged_target_mode``, with a partner or alone), paying
   ``staged_switch_cost_usd_m``: the service's team, set-up and content start the next
   month, and it launches after its approval delay. The licence runs until then.
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
run per date), so a staged entry costs as many own-service runs as it has switch dates
(two with the default three-year exclusive licence over ten years).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from models._arrays import FloatArray, column
from models.economics import events, finance, lsm, regulation, reviews
from models.economics.results import LINE_ITEMS, ModeResult

log = logging.getLogger(__name__)

#: What the switch decision observes, in the order of its features.
SWITCH_STATE = {
    "eased": "the rules have eased (0 or 1)",
    "license_cash_last_year_usd_m": "the licence's cash over the last 12 months (US$ m)",
    "license_running": "the licence still runs (0 or 1)",
}


def switch_months(p, months: int) -> list[int]:
    """Review months at whose end a switch may be decided: the end of each licence term
    (exclusive) or of each year (non-exclusive), while the service, launched after its
    approval delay at the scenario's value (not a path's draw, so that the dates are
    the same on every path), would still run a year before the horizon."""
    every = int(p.staged_license_term_months) if p.staged_license_exclusivity == "exclusive" else 12
    base = getattr(p, "_params", p)  # the scenario's values, not the draws
    delay = float(getattr(base, f"regulation_launch_delay_{base.staged_target_mode}_months"))
    return [s for s in range(every - 1, months, every) if s + 1 + delay < months - 12]


def easing_month(p, u: events.Uniforms | None, months: int) -> FloatArray:
    """Month in which the rules ease on each path (``months`` if not within the
    horizon), from the ``easing`` uniforms."""
    h = regulation.monthly_hazard(p.regulation_easing_hazard_year)
    return events.first_event(u.easing, np.broadcast_to(column(h), (u.paths, months)), 0)


def eased_by(p, month: int) -> FloatArray:
    """Probability that the rules have eased by the end of ``month`` (expected case)."""
    h = regulation.monthly_hazard(p.regulation_easing_hazard_year)
    return 1.0 - (1.0 - column(h)[:, 0]) ** (month + 1)


@dataclass(frozen=True)
class SwitchRule:
    """The fitted switch rule of a staged entry and the review rules of the services
    it may start (one per switch month)."""

    switch: lsm.StoppingRule
    months: tuple[int, ...]
    services: dict[int, reviews.ExitRule]


def build(
    p,
    service: Callable,
    licensing: Callable,
    decision=None,
    uniforms: events.Uniforms | None = None,
) -> ModeResult:
    """The staged entry's :class:`ModeResult`, events in expectation or drawn.

    ``service`` and ``licensing`` are the simulation's mode builders
    (:func:`models.economics.simulation._service`, ``_licensing``); ``decision`` is its
    ``_Decision`` (None in the expected case).
    """
    months, paths = p.months, p.paths
    target = p.staged_target_mode
    drawn = uniforms is not None
    lp = p
    if p.staged_license_exclusivity == "non_exclusive":
        fee = column(p.license_fee_usd_m_per_title) * (1.0 - p.staged_nonexclusive_fee_discount)
        lp = p.shifted(0, license_fee_usd_m_per_title=fee)
    never = np.full(paths, months - 1.0)
    lic = licensing(lp, "license", uniforms, _fixed(decision, never) if drawn else None)
    lic_cf = np.broadcast_to(lic.committed_cash_flow, (paths, months))
    rate = p.finance_discount_rate_year
    d = np.broadcast_to(finance.discount_factors(rate, months), (paths, months))
    lic_pv = np.cumsum(lic_cf * d, axis=1)
    w_never = lic_pv[:, -1]

    dates = switch_months(p, months)
    if drawn:
        eased_at = easing_month(p, uniforms, months)
    m = p.regulation_easing_hazard_multiplier
    exit_name = f"regulation_exit_hazard_{target}_year"
    susp_name = f"regulation_suspension_hazard_{target}_year"
    fitted: SwitchRule | None = getattr(decision, "fitted", None) if drawn else None
    own, launches, values = [], [], {k: [] for k in reviews.RULES}
    feats, eased_flags = [], []
    service_rules: dict[int, reviews.ExitRule] = {}
    for s in dates:
        if drawn:
            eased = (eased_at <= s).astype(float)
            factor = np.where(eased > 0, m, 1.0)
        else:
            eased = eased_by(p, s)
            factor = 1.0 - (1.0 - m) * eased
        q = p.shifted(
            s + 1,
            **{
                exit_name: column(getattr(p, exit_name)) * column(factor),
                susp_name: column(getattr(p, susp_name)) * column(factor),
            },
        )
        how = None
        if drawn:
            how = type(decision)(
                rule="fixed" if decision.rule == "fixed" else decision.rule,
                plan=never if decision.rule == "fixed" else None,
                fitted=None if fitted is None else fitted.services.get(s),
                fit=decision.fit,
            )
        r = service(q, target, uniforms, how)
        if drawn and r.rule is not None:
            service_rules[s] = r.rule
        own.append(r)
        launch = np.broadcast_to(
            column(s + 1 + column(getattr(p, f"regulation_launch_delay_{target}_months")))[:, 0],
            (paths,),
        )
        launches.append(launch)
        before = np.take_along_axis(
            lic_pv, np.clip(launch - 1, 0, months - 1).astype(int).reshape(-1, 1), axis=1
        )[:, 0]
        switch_pv = column(p.staged_switch_cost_usd_m)[:, 0] * d[:, min(s + 1, months - 1)]
        common = before - switch_pv
        if drawn:
            for k in reviews.RULES:
                values[k].append(common + r.decision_values[k])
        else:
            values["adaptive"].append(common + finance.npv(r.cash_flow, rate))
        start = max(s - 11, 0)
        feats.append(
            np.column_stack(
                [
                    np.broadcast_to(eased, (paths,)),
                    lic_cf[:, start : s + 1].sum(axis=1),
                    np.broadcast_to(lic.survival, (paths, months))[:, s],
                ]
            )
        )
        eased_flags.append(np.broadcast_to(eased, (paths,)))

    if not dates:
        at = {k: np.zeros(paths, dtype=int) for k in reviews.RULES}
        decision_values = {k: w_never for k in reviews.RULES} if drawn else None
        chosen = at["adaptive"]
        rule_out = None
    elif not drawn:
        w = np.column_stack(values["adaptive"])
        best = w.max(axis=1)
        chosen = np.where(best > w_never + 1e-9, w.argmax(axis=1), len(dates))
        decision_values, rule_out = None, None
    else:
        stop = {k: np.column_stack(v) for k, v in values.items()}
        features = np.stack(feats, axis=1)
        eligible = np.ones((paths, len(dates)), dtype=bool)
        rule_out = None
        if decision.fit:
            half = slice(0, paths // 2), slice(paths // 2, paths)
            switch = lsm.fit(
                stop["adaptive"][half[0]], w_never[half[0]], features[half[0]], eligible[half[0]]
            )
            switch = lsm.prune(
                switch,
                stop["adaptive"][half[1]],
                w_never[half[1]],
                features[half[1]],
                eligible[half[1]],
            )
            rule_out = SwitchRule(switch=switch, months=tuple(dates), services=service_rules)
            adaptive = lsm.apply(switch, features, eligible)
        elif fitted is not None:
            adaptive = lsm.apply(fitted.switch, features, eligible)
        else:
            adaptive = _cross_fitted(stop["adaptive"], w_never, features, eligible)
        eased_any = np.column_stack(eased_flags) > 0.5
        committed = np.where(eased_any.any(axis=1), np.argmax(eased_any, axis=1), len(dates))
        at = {
            "committed": committed,
            "adaptive": adaptive,
            "foresight": lsm.foresight(stop["foresight"], w_never, eligible),
        }
        decision_values = {k: lsm.realised(stop[k], w_never, at[k]) for k in reviews.RULES}
        chosen = at["committed" if decision.rule == "fixed" else decision.rule]

    main = _compose(p, lic, own, launches, dates, chosen, committed_lines=False)
    if drawn:
        committed = _compose(p, lic, own, launches, dates, at["committed"], committed_lines=True)
    else:
        committed = _compose(p, lic, own, launches, dates, chosen, committed_lines=True)
    return ModeResult(
        **main,
        decision_values=decision_values,
        rule=rule_out,
        committed=ModeResult(**committed),
        switch_month=np.where(
            chosen < len(dates), np.asarray([*dates, months], dtype=float)[chosen], np.nan
        ),
    )


def _fixed(decision, never):
    """The licence leg never leaves by choice: a fixed plan to the horizon."""
    return type(decision)(rule="fixed", plan=never, valued=False)


def _cross_fitted(stop, final, features, eligible) -> np.ndarray:
    paths, dates = stop.shape
    out = np.full(paths, dates)
    halves = (np.arange(paths) % 2 == 0, np.arange(paths) % 2 == 1)
    for train, test in (halves, halves[::-1]):
        if train.sum() < lsm.MIN_PATHS:
            continue
        rule = lsm.fit(stop[train], final[train], features[train], eligible[train])
        out[test] = lsm.apply(rule, features[test], eligible[test])
    return out


def _compose(p, lic, own, launches, dates, chosen, *, committed_lines: bool) -> dict:
    """One ModeResult's fields for the staged entry: the licence until the chosen
    service launches, then the service (switch cost in the set-up line).

    Rows are copied only for the paths that switch, and lines that are zero in both
    legs stay (1, 1) zeros, so a staged entry that rarely switches costs little more
    than its licence.
    """
    months, paths = p.months, p.paths
    t = np.arange(months).reshape(1, -1)
    full = (paths, months)

    def rows(x):
        return np.broadcast_to(x, full)

    lic_lines = lic.committed_lines
    switched = [np.flatnonzero(chosen == k) for k in range(len(own))]
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
        nonzero = bool(np.any(base)) or any(
            src is not None and np.any(rows(src[name])[idx])
            for src, idx in zip(srcs, switched, strict=True)
        )
        if name == "setup" and any(idx.size for idx in switched):
            nonzero = True
        if not nonzero:
            lines[name] = np.broadcast_to(0.0, full)
            continue
        out = rows(base) * keep_lic
        for k, idx in enumerate(switched):
            if idx.size:
                out[idx] += rows(srcs[k][name])[idx]
                if name == "setup":
                    out[idx, dates[k] + 1] -= column(p.staged_switch_cost_usd_m)[:, 0][
                        idx if np.size(p.staged_switch_cost_usd_m) > 1 else 0
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
        r_op = rows(r.survival if committed_lines else r.operating)[idx]
        operating[idx] = np.maximum(operating[idx], r_op)
        subs[idx] = rows(r.subscribers_m)[idx]
        adds[idx] = rows(r.gross_adds_m)[idx]
        mkt[idx] = rows(r.market_m)[idx]
        r_amort = r.committed_amortisation if committed_lines else r.content_amortisation
        amort[idx] = rows(r_amort)[idx]
        forced[idx] = np.broadcast_to(r.forced_exit, (paths,))[idx]
        if not committed_lines:
            last[idx] = np.broadcast_to(r.last_month, (paths,))[idx]
    ok = operating > 0
    conditional = {
        k: (v if v.strides == (0, 0) else np.divide(v, operating, out=np.zeros(full), where=ok))
        for k, v in lines.items()
        if k not in ("exit_costs", "continuing_value")
    }
    return {
        "mode": "staged",
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
