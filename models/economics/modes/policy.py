"""The exit policy: a mode's lines under forced exits and leaving by choice.

Every entry mode ends the same way (docs/design.md, "Entry modes"): its monthly cash
flows while operating, its events, and a way of deciding when to leave are composed
here into a :class:`~models.economics.results.ModeResult`:

- with events in expectation, the plan made at the decision date
  (:func:`models.economics.finance.abandonment`): leave, or do not launch, once staying
  would lose more;
- with drawn events, every path is valued committed, adaptive and with foresight
  (:func:`models.economics.reviews.decide`), and its lines follow the ``decision_rule``
  (``fixed``: the plan of the most-likely case).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

import numpy as np

from models._arrays import FloatArray, column
from models.economics import finance, kernels, reviews
from models.economics.events import ServiceRisk
from models.economics.results import LINE_ITEMS, ModeResult
from models.economics.terms import Horizon, Value

log = logging.getLogger(__name__)

#: A zero line: (1, 1), broadcast to (paths, months) where needed.
ZERO = np.zeros((1, 1))
ZERO.flags.writeable = False  # shared by every result: never written

#: Lines that are not conditional cash flows of an operating month.
OUTSIDE = ("exit_costs", "continuing_value")


@dataclass(frozen=True)
class Decision:
    """How a drawn path decides to leave: the ``decision_rule``, the fixed plan (rule
    ``fixed``: the last month operated, per path), a rule fitted on other paths,
    whether only to collect the exit problem (training), and what to write."""

    rule: str
    plan: np.ndarray | None = None
    fitted: object | None = None
    collect: bool = False
    #: value every path three ways (False: only the lines, e.g. a staged licence leg)
    valued: bool = True
    #: build the conditional lines (False: only their total, the cash flow: a sweep
    #: point's NPV, a staged entry's training; outputs on request, issue 25)
    lines: bool = True


def per_path(x, paths: int, months: int) -> FloatArray:
    """A scalar, a column or a (1 or paths, months) array as a (paths, months) array.

    A read-only view where ``x`` has fewer rows or columns: nothing is copied, so lines
    that are zero or the same on every path cost no memory.
    """
    return np.broadcast_to(np.asarray(x, dtype=float), (paths, months))


def empty_lines() -> dict[str, FloatArray]:
    """Every conditional line at zero."""
    return dict.fromkeys(LINE_ITEMS, ZERO)


def steady_year(x, months: int, years=1) -> FloatArray:
    """A yearly amount at the horizon, per path: the sum of ``x`` over the last
    ``years`` years divided by ``years`` (one year: the final year's sum; more: the
    average year of a cycle, for amounts paid in lumps, such as content bought for
    windows of several years). ``years`` is whole years, one for every row or one per
    path (paths,), each within 1 and the horizon's years.

    >>> x = np.arange(48.0).reshape(1, 48)
    >>> steady_year(x, 48, 2).tolist(), steady_year(x, 48, np.array([1, 2, 1])).tolist()
    ([426.0], [498.0, 426.0, 498.0])
    """
    top = months // 12 or 1
    rows = np.shape(x)[0] if np.ndim(x) == 2 else 1
    if np.size(years) == 1:
        years = max(1, min(int(np.ravel(years)[0]), top))
        full = np.broadcast_to(x, (rows, months))
        return full[:, max(months - 12 * years, 0) :].sum(axis=1) / years
    # a cycle per path: each path's own (issue 25's review: the longest of a chunk of
    # paths made a path's value depend on the paths beside it)
    per_path = np.clip(np.asarray(years, dtype=np.int64).ravel(), 1, top)
    full = np.broadcast_to(x, (per_path.size, months))
    out = np.empty(per_path.size)
    for y in np.unique(per_path):
        these = per_path == y
        out[these] = full[these, max(months - 12 * int(y), 0) :].sum(axis=1) / y
    return out


def year_at_horizon(x, months: int) -> FloatArray:
    """The final year's sum of ``x``, per path: :func:`steady_year` of one year, or of
    ``x`` given as that year only, (rows, 12) of a longer horizon (:func:`final_year`:
    an own service adds its lines over the final year alone, not over every month)."""
    width = min(12, months)
    if np.ndim(x) == 2 and np.shape(x)[1] == width != months:
        return np.asarray(x, dtype=float).sum(axis=1)
    return steady_year(x, months)


def final_year(x, months: int) -> FloatArray:
    """The last 12 months of ``x``, (rows, 12): a read-only view, ``x`` broadcast to
    ``months`` columns first (a (1, 1) zero stays one row)."""
    x = np.asarray(x, dtype=float)
    rows = np.shape(x)[0] if x.ndim == 2 else 1
    return np.broadcast_to(x, (rows, months))[:, max(months - 12, 0) :]


def terminal_value(
    months: int,
    pre_tax_cash: FloatArray,
    taxable: FloatArray,
    revenue: FloatArray,
    exit_cost: Value,
    finance_terms,
    cycle: tuple[FloatArray, FloatArray, int | np.ndarray] | None = None,
    exit_hazard: FloatArray | None = None,
    events_normal: tuple[FloatArray, FloatArray] | None = None,
) -> FloatArray:
    """Continuing value at the horizon from a normalised final year (conditional on
    operating), US$ m per path: the final 12 months' cash and profit, with lumpy
    amounts at their average over a whole cycle, paying tax at the full rate on the
    profit (losses carried forward do not last for ever) (:func:`finance.continuing_value`).
    ``pre_tax_cash``, ``taxable`` and ``revenue`` are (rows, months), or their final
    year only, (rows, 12) (:func:`year_at_horizon`).

    ``cycle`` = (cash, expense, years): a lumpy amount (content paid for each content
    year, negative) and its expense (amortisation, positive), already inside
    ``pre_tax_cash`` and ``taxable``, replaced by their average over the last ``years``
    years (whole years, or one per path: :func:`steady_year`), so that the value does
    not depend on where the horizon falls in the cycle of purchases (issue 20).
    ``finance_terms`` is the mode's :class:`models.economics.terms.Finance`.
    ``exit_hazard`` is the monthly hazard of a forced exit (paths or 1, months), whose
    final month goes on beyond the horizon.
    ``events_normal`` = (cash, revenue), per path, US$ m a year: what replacing the
    final year's drawn one-off events (a suspension, a partner's distress) by their
    expectation adds to its pre-tax cash (and profit) and to its revenue, so that a
    one-off in the final year is not capitalised for ever.
    """
    f = finance_terms
    rows = max(np.shape(pre_tax_cash)[0], np.shape(taxable)[0])
    cash = year_at_horizon(pre_tax_cash, months)
    profit = year_at_horizon(taxable, months)
    if cycle is not None:
        lumpy, expense, years = cycle
        cash = cash - steady_year(lumpy, months) + steady_year(lumpy, months, years)
        profit = profit + steady_year(expense, months) - steady_year(expense, months, years)
        rows = max(rows, np.size(cash), np.size(profit))
    cash, profit = np.broadcast_to(cash, (rows,)), np.broadcast_to(profit, (rows,))
    if events_normal is not None:
        cash, profit = cash + events_normal[0], profit + events_normal[0]
    normalised = cash - column(f.tax_rate)[:, 0] * np.maximum(profit, 0.0)

    def year(x):
        return np.broadcast_to(year_at_horizon(x, months), (rows,))

    hazard_year = 0.0
    if exit_hazard is not None:
        final = np.broadcast_to(np.asarray(exit_hazard, dtype=float)[:, -1], (rows,))
        hazard_year = 1.0 - (1.0 - final) ** 12

    revenue_year = year(revenue)
    if events_normal is not None:
        revenue_year = revenue_year + events_normal[1]
    return finance.continuing_value(
        f.terminal_method,
        normalised,
        revenue_year,
        f.discount_rate_year,
        f.terminal_growth_year,
        f.terminal_revenue_multiple,
        exit_cost,
        hazard_year,
    )


def with_exit_policy(
    mode: str,
    horizon: Horizon,
    rate_year: Value,
    launch,
    cond: dict[str, FloatArray],
    risk: ServiceRisk,
    exit_cost: Value,
    *,
    market: FloatArray = ZERO,
    payers: FloatArray | float = 1.0,
    subscribers: FloatArray = ZERO,
    adds: FloatArray = ZERO,
    amortisation: FloatArray = ZERO,
    how: Decision | None = None,
    plan_only: bool = False,
    cash: FloatArray | None = None,
    terminal: FloatArray | None = None,
    first_adds: FloatArray | None = None,
    walk_away_cost: Value = 0.0,
    bound: bool = False,
) -> ModeResult:
    """Lines under the exit policy (forced exits, and leaving by choice), and the lines
    when the mode is run to the horizon whatever happens.

    With events in expectation (``how`` is None), the policy is the plan made at the
    decision date (:func:`models.economics.finance.abandonment`): leave, or do not
    launch, once staying would lose more; with ``plan_only``, only that plan (the last
    month operated, per path) is returned. With drawn events, every path is valued
    committed, adaptive and with foresight (:func:`models.economics.reviews.decide`),
    and its lines follow the ``decision_rule`` (``fixed``: the plan ``how.plan``); with
    ``how.collect``, the exit problem is returned instead (training). ``terminal`` is
    the continuing value at the horizon (per path) of a business still running then.
    Every rule decides on one clock (:func:`models.economics.reviews.decision_months`):
    the go decision before anything is spent (not starting: -1), then the reviews.
    Stopping between the start and the launch costs ``walk_away_cost``; after the launch,
    ``exit_cost``. A mode ``bound`` by its contracts once started (licensing) takes the
    go decision only: no review may stop it.

    ``cond`` holds the lines while operating (:data:`~models.economics.results.LINE_ITEMS`;
    ``cash`` their sum, if computed already); a mode without subscribers leaves
    ``market``, ``subscribers``, ``adds`` and ``amortisation`` at zero. ``payers``
    is China's paying video users (millions), which the reviews watch.
    """
    mkt, subs, amort = market, subscribers, amortisation
    months = horizon.months
    paths = horizon.paths
    alive = per_path(risk.alive, paths, months)
    exit_at = per_path(risk.exit_at, paths, months)
    if cash is None:
        cash = sum(v for k, v in cond.items() if k not in OUTSIDE)
    cash = per_path(cash, paths, months)
    terminal = np.zeros(paths) if terminal is None else np.broadcast_to(terminal, (paths,))
    launch_path = np.broadcast_to(column(launch)[:, 0], (paths,))
    values = None
    start = horizon.start_month
    dates = reviews.decision_months(months, horizon.review_months, start, horizon.go)
    if bound:  # the go decision only
        dates = dates[:1] if horizon.go else []
    if how is None:
        _, last = finance.abandonment(
            cash,
            per_path(risk.exit_hazard, paths, months),
            exit_cost,
            rate_year,
            dates,
            terminal_usd_m=terminal,
            launch_month=launch,
            start_month=start,
            walk_away_usd_m=walk_away_cost,
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
            rate_year=rate_year,
            launch=launch_path,
            first_review=start,
            subscribers=per_path(subs, paths, months),
            catalogue=risk.catalogue,
            dark=risk.dark,
            distress=risk.distress,
            every=horizon.review_months,
            payers=payers,
            walk_away_cost=walk_away_cost,
            go=horizon.go,
        )
        if bound:  # no review after the go decision may stop it
            eligible = problem.eligible.copy()
            eligible[:, 1 if horizon.go else 0 :] = False
            problem = dataclasses.replace(problem, eligible=eligible)
        if how.collect:
            return problem
        values = reviews.decide(problem, how.fitted, months)
        last = how.plan if how.rule == "fixed" else values.last_month[how.rule]
    # the lines under the policy and run to the horizon, one compiled pass
    (
        operating,
        exit_costs,
        continuing,
        amortised,
        committed_exit,
        committed_continuing,
        committed_amortised,
        forced,
    ) = kernels.policy_lines(
        kernels.grid(alive, paths, months),
        kernels.grid(exit_at, paths, months),
        kernels.frozen(np.broadcast_to(last, (paths,))),
        kernels.grid(launch_path, paths, 1),
        start,
        kernels.grid(column(exit_cost), paths, 1),
        kernels.grid(column(walk_away_cost), paths, 1),
        kernels.grid(terminal, paths, 1),
        kernels.grid(amort, paths, months),
        paths,
        months,
    )
    if paths == 1 and last[0] < 0:
        log.info("%s: best not to start", mode)
    elif paths == 1 and last[0] < months - 1:
        log.info("%s: best to leave by choice after month %d", mode, int(last[0]))
    return ModeResult(
        mode,
        int(np.rint(np.mean(launch))),
        per_path(mkt, paths, months),
        per_path(subs, paths, months),
        per_path(adds, paths, months),
        operating,
        {k: v for k, v in cond.items() if k not in OUTSIDE},
        conditional_total=cash,
        exit_costs=exit_costs,
        continuing_value=continuing,
        content_amortisation=amortised,
        forced_exit=forced,
        last_month=last,
        survival=alive,
        committed_exit_costs=committed_exit,
        committed_continuing_value=committed_continuing,
        committed_amortisation=committed_amortised,
        events=risk.drawn,
        first_adds_m=None if first_adds is None else per_path(first_adds, paths, months),
        decision_values=None if values is None else values.npv,
    )
