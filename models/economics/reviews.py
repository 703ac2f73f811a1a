"""The decision clock of an entry mode: go or not, then quarterly reviews.

Every way of deciding shares one clock (:func:`decision_months`; issue 20):

- **the go decision**, at the decision date, before anything is spent: not starting
  costs nothing and is worth nothing (a staged entry's service: at the end of its
  switch month);
- **a review every** ``decision_review_months`` (a quarter by default) from the start,
  before launch as well as after, at whose end the venture may stop: **before launch**
  walk away, having paid the set-up, the team and the content bought so far, and
  paying ``finance_walkaway_usd_m`` to wind the team and the entity down; **after
  launch** close the service, paying the exit cost (``regulation_exit_cost_usd_m``).

Commitments are paid when they are made, after the go decision: the set-up and the
team from the start, each content year when it is bought.

The decision may use only what is observable at the review (:data:`STATE`): the
subscribers and their trend over the last quarter, the cash of the last quarter and so
far, the months since launch, the share of the catalogue still on offer (content
crackdowns so far), the months spent dark (suspensions so far), whether the partner
has fallen into distress, and the market: how China's paying video users have grown
since the decision date and over the last year, as published (quarterly, two months
late, each figure off by a drawn error: :func:`models.economics.market.published`;
growth, not the level, whose definition the data leave uncertain). It never sees the
drawn inputs themselves (the market's size, the growth rates, the paying share's
ceiling), only what they have produced so far, as it would be seen.

Three ways to take the decision, valued on the same paths (:class:`ExitValues`):

``committed``
    Never leave by choice: the mode run to the horizon (forced exits only).
``adaptive``
    The review rule fitted by least-squares Monte Carlo (:mod:`models.economics.lsm`) on
    an independent set of training paths: leave at the first review where the fitted
    value of pressing on is below the value of leaving.
``foresight``
    The best review to leave at, chosen knowing the path's whole future (inputs and
    events): an upper bound no manager can reach.

Adaptive lies between the other two, up to the regression's error: it is one of the
policies foresight chooses among, and it may always choose to stay.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models._arrays import FloatArray, column
from models.economics import finance, kernels, lsm

log = logging.getLogger(__name__)

#: What a review observes, in the order of the regression's features.
STATE: dict[str, str] = {
    "subscribers_m": "subscribers (m)",
    "subscriber_trend_m": "change in subscribers over the last quarter (m)",
    "quarter_cash_usd_m": "cash flow of the last quarter (US$ m)",
    "cash_so_far_usd_m": "cash flow so far (US$ m)",
    "months_since_launch": "months since launch (0 before: the licence's timing is not known)",
    "catalogue_share": "share of the catalogue still on offer",
    "dark_months": "months dark so far",
    "partner_distressed": "partner in distress (0 or 1)",
    "paying_market_growth": "growth of China's paying video users since month 0 (fraction)",
    "paying_market_trend": "growth of China's paying video users over the last year (fraction)",
}

RULES = ("committed", "adaptive", "foresight")


def review_months(months: int, every: int) -> np.ndarray:
    """Months at whose end a review is held: every ``every`` months, up to the month
    before the horizon's last (leaving in the last month would save nothing).

    >>> review_months(12, 3).tolist()
    [2, 5, 8]
    """
    if every < 1:
        raise ValueError(f"review interval {every}: expected at least 1 month")
    return np.arange(every - 1, months - 1, every)


def decision_months(months: int, every: int, start: int = 0, go: bool = True) -> np.ndarray:
    """The decision clock: the go decision at the end of month ``start - 1`` (month -1:
    the decision date, before anything is spent), then the reviews from ``start`` on.
    Without ``go``, the venture is taken as started: the reviews only.

    >>> decision_months(12, 3).tolist()
    [-1, 2, 5, 8]
    >>> decision_months(24, 3, start=7).tolist()
    [6, 8, 11, 14, 17, 20]
    """
    reviews = review_months(months, every)
    first = [start - 1] if go else []
    return np.concatenate([first, reviews[reviews >= start]]).astype(int)


@dataclass(frozen=True)
class ExitProblem:
    """One mode's exit decision on a set of paths, as an optimal-stopping problem.

    Attributes
    ----------
    reviews : ndarray (dates,)
        Decision months (0-based; leaving happens at the end of the month; the first,
        the go decision, may be -1: before month 0) (:func:`decision_months`).
    stop_value : ndarray (paths, dates)
        NPV (US$ m) of the path if the mode leaves at each review.
    final_value : ndarray (paths,)
        NPV of the path if it never leaves by choice (the committed value).
    features : ndarray (paths, dates, len(STATE))
        The state observed at each review (:data:`STATE`).
    eligible : bool ndarray (paths, dates)
        The mode still runs after the review month (not forced out by then).
    scale : ndarray (paths, dates)
        Discount factor of each review month.
    """

    reviews: np.ndarray
    stop_value: FloatArray = field(repr=False)
    final_value: FloatArray = field(repr=False)
    features: FloatArray = field(repr=False)
    eligible: np.ndarray = field(repr=False)
    scale: FloatArray = field(repr=False)
    #: whether the first date is the go decision (before anything is spent)
    go: bool = False

    def last_month(self, stop_at: np.ndarray, months: int) -> FloatArray:
        """Last month operated by choice for review indices ``stop_at`` (``dates``:
        never leaves, ``months - 1``)."""
        padded = np.append(self.reviews, months - 1).astype(float)
        return padded[np.minimum(stop_at, len(self.reviews))]


def exit_problem(
    *,
    cash: FloatArray,
    alive: FloatArray,
    exit_at: FloatArray,
    exit_cost: FloatArray,
    terminal: FloatArray,
    rate_year,
    launch,
    subscribers: FloatArray,
    catalogue: FloatArray,
    dark: FloatArray,
    distress: FloatArray,
    every: int,
    payers: FloatArray | float = 1.0,
    first_review: int = 0,
    walk_away_cost: FloatArray | float = 0.0,
    go: bool = True,
) -> ExitProblem:
    """Build the exit problem of one mode from its drawn paths, on the decision clock
    (:func:`decision_months`).

    Parameters
    ----------
    cash : ndarray (paths, months)
        Cash flow while operating, US$ m.
    alive, exit_at : ndarray (paths, months)
        0/1: not yet forced out; forced out at the end of the month.
    exit_cost : ndarray (paths,)
        Cost of leaving after launch, US$ m.
    terminal : ndarray (paths,)
        Continuing value at the horizon of a business still running, US$ m.
    rate_year : float or ndarray (paths,)
        Yearly discount rate.
    launch : float or ndarray (paths,)
        Launch month.
    subscribers, catalogue, dark, distress : ndarray (paths, months)
        Subscribers (m), share of the catalogue on offer, dark share of each month, and
        1 in the month the partner falls into distress.
    every : int
        Months between reviews.
    payers : ndarray (paths, months) or float
        China's paying video users as published, millions (a constant: a market that
        does not move; :func:`models.economics.market.published`).
    first_review : int
        The month the venture starts spending (a staged entry's own service: after its
        switch); the go decision is at the end of the month before.
    walk_away_cost : float or ndarray (paths,)
        Cost of stopping after the start and before launch, US$ m.
    go : bool
        Whether the go decision is on the clock (without it: the venture has started).
    """
    paths, months = cash.shape
    if months < 1:
        raise ValueError(f"cash flow of shape {cash.shape}: expected at least one month")
    dates = decision_months(months, every, first_review, go)
    _series(paths, months, alive=alive, exit_at=exit_at)
    grid = kernels.grid
    stop_value, final, still, scale = kernels.review_values(
        grid(cash, paths, months),
        grid(alive, paths, months),
        grid(exit_at, paths, months),
        grid(finance.discount_factors(rate_year, months), paths, months),
        grid(column(exit_cost), paths, 1),
        grid(column(walk_away_cost), paths, 1),
        grid(column(launch), paths, 1),
        grid(column(terminal), paths, 1),
        dates.astype(np.int64),
        float(first_review),
        paths,
        months,
    )
    launch_col = np.broadcast_to(column(launch)[:, 0], (paths,))
    features = observe(cash, subscribers, catalogue, dark, distress, launch_col, dates, payers)
    return ExitProblem(
        reviews=dates,
        stop_value=stop_value,
        final_value=final,
        features=features,
        eligible=still,
        scale=scale,
        go=go,
    )


def observe(
    cash, subscribers, catalogue, dark, distress, launch, reviews, payers=1.0
) -> FloatArray:
    """The state (:data:`STATE`) at each decision month (-1: before month 0, when
    nothing has happened yet), (paths, dates, features): the path's own state and the
    market's signals (:func:`market_signals`), written by one compiled pass over its
    months (:func:`models.economics.kernels.review_state`)."""
    paths, months = np.shape(cash)
    at = np.asarray(reviews, dtype=np.int64)
    if at.size and (at[0] < -1 or at[-1] > months - 1 or np.any(np.diff(at) <= 0)):
        raise ValueError(f"decision months {at.tolist()}: expected ascending, -1 to {months - 1}")
    _series(paths, months, subscribers=subscribers, catalogue=catalogue, dark=dark)
    _series(paths, months, distress=distress)
    grid = kernels.grid
    own = kernels.review_state(
        grid(cash, paths, months),
        grid(subscribers, paths, months),
        grid(catalogue, paths, months),
        grid(dark, paths, months),
        grid(distress, paths, months),
        grid(column(launch), paths, 1),
        at,
        kernels.frozen(np.stack(market_signals(payers, at, paths, months))),
        paths,
        months,
    )
    return kernels.own_dtype(own)


def _series(paths: int, months: int, **series) -> None:
    """Refuse a monthly series given as a 1-D array: the compiled passes read 1-D as one
    value per path, numpy broadcast it as one per month, and where paths == months the
    two would silently differ (found in review, issue 25). A number, (1 or paths, 1 or
    months) arrays are the shapes the engine passes."""
    for name, x in series.items():
        if np.ndim(x) == 1:
            raise ValueError(
                f"{name} of shape {np.shape(x)}: expected a number or a 2-D array"
                f" broadcastable to ({paths}, {months})"
            )


def market_signals(payers, reviews, paths: int, months: int) -> list[FloatArray]:
    """The paying market's growth since month 0 and over the last year, fractions, at
    each decision month, (paths, dates) each (0 at the go decision: nothing seen yet).

    >>> g, y = market_signals(np.array([[10.0, 11.0, 12.5]]), np.array([-1, 2]), 1, 3)
    >>> g.round(3).tolist(), y.round(3).tolist()
    ([[0.0, 0.25]], [[0.0, 0.25]])
    """
    p = np.broadcast_to(np.asarray(payers, dtype=float), (paths, months))
    at = np.asarray(reviews)
    # at the end of month ``at`` (-1: before month 0, month 0's market), and a year
    # before; only the columns read are gathered (a padded copy of the whole grid cost
    # a drawn build about 1 ms; issue 25)
    now = p[:, np.maximum(at, 0)]
    year_ago = p[:, np.maximum(at - 12, 0)]
    base = np.where(p[:, :1] > 0, p[:, :1], 1.0)
    return [now / base - 1.0, now / np.where(year_ago > 0, year_ago, 1.0) - 1.0]


@dataclass(frozen=True)
class ExitRule:
    """A fitted review rule for one mode (:func:`fit_rule`), with what it did on its
    training paths.

    Attributes
    ----------
    stopping : lsm.StoppingRule
        The regression per review, and the held-out choice per review.
    every : int
        Months between reviews.
    training_paths : int
        Paths it was fitted on.
    table : pandas.DataFrame
        Per review month (``month``): the training paths still running
        (``paths_running``), the share of them the rule leaves (``share_leaving``), and
        the subscribers (m) below which 9 in 10 of those it leaves lie
        (``leavers_p90_m``) and above which 9 in 10 of those it keeps lie
        (``stayers_p10_m``); NaN where there are none.
    sample : pandas.DataFrame
        The first :data:`SAMPLE` training paths at every review they reach:
        ``month``, ``subscribers_m``, ``left`` (whether the rule leaves there).
    """

    stopping: lsm.StoppingRule = field(repr=False)
    every: int
    training_paths: int
    table: pd.DataFrame = field(repr=False)
    sample: pd.DataFrame = field(repr=False)
    #: the simple rule a manager would use, fitted on the same paths
    #: (:func:`simple_threshold`): leave below this many million subscribers
    threshold_m: float | None = None


#: Training paths kept, per mode, to draw the rule at work.
SAMPLE = 300


def concat(parts: list[ExitProblem]) -> ExitProblem:
    """Exit problems of successive chunks of paths (the same reviews) as one."""
    return ExitProblem(
        reviews=parts[0].reviews,
        stop_value=np.concatenate([q.stop_value for q in parts]),
        final_value=np.concatenate([q.final_value for q in parts]),
        features=np.concatenate([q.features for q in parts]),
        eligible=np.concatenate([q.eligible for q in parts]),
        scale=np.concatenate([q.scale for q in parts]),
        go=parts[0].go,
    )


def fit_rule(problem: ExitProblem) -> ExitRule:
    """Fit the review rule on training paths (least-squares Monte Carlo): the regression
    on the first half of the paths, and on the second, which it has not seen, the
    choice per review between it, never leaving and always leaving
    (:func:`models.economics.lsm.fit_held_out`)."""
    stopping = lsm.fit_held_out(
        problem.stop_value,
        problem.final_value,
        problem.features,
        problem.eligible,
        scale=problem.scale,
    )
    if problem.go:
        stopping = _go_decision(stopping, problem)
    # the interval between the last two reviews (the first date is the go decision)
    every = int(problem.reviews[-1] - problem.reviews[-2]) if len(problem.reviews) > 1 else 1
    return ExitRule(
        stopping=stopping,
        every=every,
        training_paths=problem.stop_value.shape[0],
        **_at_work(stopping, problem),
        threshold_m=simple_threshold(problem, stopping),
    )


def _go_decision(stopping: lsm.StoppingRule, problem: ExitProblem) -> lsm.StoppingRule:
    """The go decision, taken symmetrically: start if the value of starting (and then
    following the reviews) is above not starting, estimated out of sample.

    At the go date every path looks the same, so the decision is one number for all:
    the mean value of starting. The reviews' rule keeps a stop only where it beats going
    on by two standard errors (:func:`models.economics.lsm.prune`), which at the go date
    would start every venture not shown to lose money, and its validation half also
    chose the later actions, which flatters going on. So each half of the training
    paths is valued under the rule fitted and pruned on the other half, and the venture
    starts where the mean is above 0 (the value of not starting).
    """
    n = problem.stop_value.shape[0]
    if n < 4 * lsm.MIN_PATHS:
        return stopping
    a, b = np.arange(n) < n // 2, np.arange(n) >= n // 2
    later = []
    for train, test in ((a, b), (b, a)):
        rule = lsm.fit_held_out(
            problem.stop_value[train],
            problem.final_value[train],
            problem.features[train],
            problem.eligible[train],
            scale=problem.scale[train],
        )
        going = lsm.replace_action(rule, 0, "never")  # the go: start on every path
        stop_at = lsm.apply(going, problem.features[test], problem.eligible[test])
        later.append(lsm.realised(problem.stop_value[test], problem.final_value[test], stop_at))
    started = float(np.mean(np.concatenate(later)))
    declined = float(np.mean(problem.stop_value[:, 0]))  # 0: nothing spent
    return lsm.replace_action(stopping, 0, "always" if started < declined else "never")


#: Quantiles of the subscribers at the reviews after launch tried as thresholds.
THRESHOLD_QUANTILES = np.linspace(0.0, 0.9, 19)


def simple_stop(problem: ExitProblem, go: np.ndarray, threshold_m: float) -> np.ndarray:
    """Where the simple rule stops, per path: not at all where the go decision declines
    (``go`` False: stop at the go date), else at the first review after launch with
    fewer than ``threshold_m`` million subscribers (``dates``: never)."""
    # subscribers (feature 0) and months since launch (4), in one compiled pass per
    # path (numpy took passes over the strided features; issue 25)
    go = np.broadcast_to(np.asarray(go, dtype=bool), (problem.features.shape[0],))
    f = kernels.frozen
    first = kernels.first_below(
        f(problem.features), f(problem.eligible, bool), f(go, bool), float(threshold_m),
        len(problem.reviews),
    )  # fmt: skip
    return kernels.own_dtype(first)


def simple_threshold(problem: ExitProblem, stopping: lsm.StoppingRule) -> float:
    """The simple rule a manager would use, fitted on training paths: take the go
    decision as the fitted rule takes it, then leave at the first review after launch
    with fewer subscribers than a threshold, the threshold that does best on these
    paths (among quantiles of the subscribers seen after launch, and 0: never leave)."""
    go = lsm.apply(stopping, problem.features, problem.eligible) > 0
    subs = problem.features[:, :, 0][problem.features[:, :, 4] > 0]
    candidates = [0.0, *np.unique(np.quantile(subs, THRESHOLD_QUANTILES))] if subs.size else [0.0]
    best, best_value = 0.0, -np.inf
    for x in candidates:
        value = lsm.realised(problem.stop_value, problem.final_value, simple_stop(problem, go, x))
        if value.mean() > best_value + 1e-12:
            best, best_value = float(x), float(value.mean())
    return best


def _at_work(stopping: lsm.StoppingRule, problem: ExitProblem) -> dict:
    """What the rule does on its training paths: per review, how many run, the share
    it leaves and the subscribers of those it leaves and keeps; and a sample."""
    stop_at = lsm.apply(stopping, problem.features, problem.eligible)
    subs = problem.features[:, :, 0]
    rows, sample = [], []
    for k, month in enumerate(problem.reviews):
        reached = problem.eligible[:, k] & (stop_at >= k)
        left = reached & (stop_at == k)
        kept = reached & (stop_at > k)
        rows.append(
            {
                "month": int(month),
                "paths_running": int(reached.sum()),
                "share_leaving": float(left.sum() / reached.sum()) if reached.any() else 0.0,
                "leavers_p90_m": float(np.quantile(subs[left, k], 0.9)) if left.any() else np.nan,
                "stayers_p10_m": float(np.quantile(subs[kept, k], 0.1)) if kept.any() else np.nan,
            }
        )
        head = reached[:SAMPLE]
        if head.any():
            sample.append(
                pd.DataFrame(
                    {
                        "month": int(month),
                        "subscribers_m": subs[:SAMPLE][head, k],
                        "left": left[:SAMPLE][head],
                    }
                )
            )
    columns = ["month", "subscribers_m", "left"]
    return {
        "table": pd.DataFrame(rows),
        "sample": pd.concat(sample, ignore_index=True) if sample else pd.DataFrame(columns=columns),
    }


@dataclass(frozen=True)
class ExitValues:
    """NPV per path under each way of deciding (US$ m) and the months each leaves."""

    npv: dict[str, FloatArray]
    last_month: dict[str, FloatArray]


def decide(problem: ExitProblem, rule: ExitRule | None, months: int) -> ExitValues:
    """Committed, adaptive and foresight values on the problem's paths.

    Without a fitted ``rule``, the rule is cross-fitted (:func:`models.economics.lsm.
    cross_fit`): no path is valued by a regression that saw it.
    """
    if rule is not None:
        adaptive = lsm.apply(rule.stopping, problem.features, problem.eligible)
    else:
        adaptive = lsm.cross_fit(
            problem.stop_value,
            problem.final_value,
            problem.features,
            problem.eligible,
            scale=problem.scale,
        )
    ahead = lsm.foresight(problem.stop_value, problem.final_value, problem.eligible)
    never = np.full(problem.stop_value.shape[0], len(problem.reviews))
    stops = {"committed": never, "adaptive": adaptive, "foresight": ahead}
    if rule is not None and rule.threshold_m is not None:  # the simple rule, for comparison
        stops["simple"] = simple_stop(problem, adaptive > 0, rule.threshold_m)
    return ExitValues(
        npv={k: lsm.realised(problem.stop_value, problem.final_value, v) for k, v in stops.items()},
        last_month={k: problem.last_month(v, months) for k, v in stops.items()},
    )
