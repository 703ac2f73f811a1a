"""Finance: income tax with loss carry-forward, discounting, NPV, IRR, payback and peak
funding.

Cash flows are US$ millions per month, shaped (paths, months), and fall at the end of
each month: month ``t`` is discounted by ``(1 + r) ** ((t + 1) / 12)`` for a yearly rate
``r``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import brentq

from models._arrays import FloatArray, column, month_index
from models.economics import kernels


def income_tax(taxable_usd_m: FloatArray, rate: ArrayLike) -> FloatArray:
    """Income tax per month with losses carried forward without expiry (positive = paid).

    PRC law lets losses be carried forward five years; over the horizons modelled here
    the launch losses are used well within that, so expiry is not modelled.
    """
    paths, months = np.shape(taxable_usd_m)
    taxable = kernels.grid(taxable_usd_m, paths, months)
    return kernels.income_tax(taxable, kernels.grid(column(rate), paths, 1), paths, months)


def discount_factors(rate_year: ArrayLike, months: int) -> FloatArray:
    """End-of-month discount factors ``(1 + r) ** (-(t + 1) / 12)``, shape (paths, months)."""
    return (1.0 + column(rate_year)) ** (-(month_index(months) + 1.0) / 12.0)


def npv(cash_usd_m: FloatArray, rate_year: ArrayLike) -> FloatArray:
    """Net present value of monthly cash flows at a yearly rate, one value per path."""
    return np.sum(cash_usd_m * discount_factors(rate_year, cash_usd_m.shape[1]), axis=1)


def irr_year(cash_usd_m: FloatArray) -> FloatArray:
    """Yearly internal rate of return per path; NaN where it is not defined or not unique.

    The NPV of the monthly flows is scanned over monthly rates from -50 % to +1,000 %;
    the IRR is reported only when the NPV changes sign exactly once on that grid (else
    the flows have no IRR or several), and then solved with Brent's method.
    """
    out = np.full(cash_usd_m.shape[0], np.nan)
    t = np.arange(cash_usd_m.shape[1]) + 1.0
    grid = np.concatenate([np.linspace(-0.5, 0.0, 26)[:-1], np.geomspace(1e-4, 10.0, 60)])
    for i, cf in enumerate(np.asarray(cash_usd_m, dtype=float)):
        if not (np.any(cf > 1e-12) and np.any(cf < -1e-12)):
            continue

        def f(r: float, cf: np.ndarray = cf) -> float:
            with np.errstate(over="ignore", invalid="ignore"):
                return float(np.sum(cf * np.exp(-t * np.log1p(r))))

        values = np.array([f(r) for r in grid])
        ok = np.isfinite(values)
        signs = np.sign(values[ok])
        changes = np.flatnonzero(signs[:-1] * signs[1:] < 0)
        if len(changes) != 1:
            continue
        lo, hi = grid[ok][changes[0]], grid[ok][changes[0] + 1]
        monthly = brentq(f, lo, hi, xtol=1e-12)
        out[i] = (1.0 + monthly) ** 12 - 1.0
    return out


def cost_index(inflation_year: ArrayLike, months: int) -> FloatArray:
    """The price level of the costs other than content in each month against month 0:
    ``(1 + i) ** (t / 12)``, (paths, months) (``finance_cost_inflation_year``): fixed
    costs, delivery, the partnership's governance, the partner's serving cost and a
    licensor's overhead. Content has its own inflation (``content_cost_inflation_year``).

    >>> round(float(cost_index(0.02, 13)[0, 12]), 4)
    1.02
    """
    return (1.0 + column(inflation_year)) ** (month_index(months) / 12.0)


def payback_month(cash_usd_m: FloatArray) -> FloatArray:
    """First month from which cumulative cash stays at or above zero; NaN if never.

    A project that never spends (cumulative cash never negative) pays back at month 0.
    """
    cum = np.cumsum(cash_usd_m, axis=1)
    months = cum.shape[1]
    out = np.full(cum.shape[0], np.nan)
    for i, row in enumerate(cum):
        negative = np.flatnonzero(row < -1e-9)
        if negative.size == 0:
            out[i] = 0.0 if np.any(np.abs(cash_usd_m[i]) > 1e-12) else np.nan
        elif negative[-1] < months - 1:
            out[i] = float(negative[-1] + 1)
    return out


def peak_funding(cash_usd_m: FloatArray) -> FloatArray:
    """Largest cumulative cash deficit per path, US$ millions (0 if never negative)."""
    return np.maximum(-np.min(np.cumsum(cash_usd_m, axis=1), axis=1), 0.0)


def continuing_value(
    method: str,
    final_year_cash_usd_m: ArrayLike,
    final_year_revenue_usd_m: ArrayLike,
    rate_year: ArrayLike,
    growth_year: ArrayLike,
    revenue_multiple: ArrayLike,
    exit_cost_usd_m: ArrayLike,
    exit_hazard_year: ArrayLike = 0.0,
) -> FloatArray:
    """Value at the horizon of the business still running then, US$ m, one per path.

    ``gordon``: the normalised final year's cash flow ``C`` growing at ``g`` for ever
    while the business survives a forced exit (``h`` a year, at a constant monthly hazard
    ``m``, ``s = 1 - h = (1 - m)^12``; an exit costs ``X``, the exit cost), discounted
    month by month as the explicit months are (:func:`discount_factors`, ``v =
    (1 + r)^(-1/12)``): year ``k`` after the horizon earns ``C (1 + g)^k / 12`` a month
    while operating, so that
    ``C/12 (1 + g) sum_j (1 - m)^j v^(j+1) / (1 - (1 + g) s / (1 + r)) - X m v / (1 - (1 - m) v)``
    (``j`` the months of a year, 0-11). Without the hazard this is Gordon's
    ``C (1 + g) / (r - g)`` (Gordon 1959; Koller, Goedhart & Wessels, *Valuation*, ch. 14)
    with each year's cash spread over its months instead of at its end (about 5 % more
    at 12 %; with year-end cash, each year of horizon added moved a year from the
    year-end convention to the monthly one and raised the value). A forced exit as a
    constant hazard: Damodaran, *The Dark Side of Valuation*, ch. 3 (distress as a
    probability of failure a year). Without the hazard beyond the horizon, the value
    would ignore the risk after it and shrink as the horizon grows (issue 20).
    ``revenue_multiple``: a multiple of the final year's net revenue; ``none``: 0. A
    business worth less than closing closes: never below ``-exit_cost``. ``r - g`` is
    kept at 1 % or more (validation refuses a growth within 1 % of the discount rate).

    >>> round(float(continuing_value("gordon", 10.0, 50.0, 0.12, 0.02, 1.5, 15.0)[0]), 2)
    107.5
    >>> float(continuing_value("gordon", -10.0, 50.0, 0.12, 0.02, 1.5, 15.0)[0])
    -15.0
    >>> round(float(continuing_value("gordon", 10.0, 50.0, 0.12, 0.02, 1.5, 15.0, 0.1)[0]), 2)
    43.59
    """
    cash = column(final_year_cash_usd_m)[:, 0]
    if method == "none":
        return np.zeros_like(cash)
    if method == "gordon":
        g = column(growth_year)[:, 0]
        r = column(rate_year)[:, 0]
        r_g = np.maximum(r - g, 0.01)  # (1 + r) - (1 + g), at 1 % or more
        h = np.clip(column(exit_hazard_year)[:, 0], 0.0, 1.0 - 1e-12)
        m = 1.0 - (1.0 - h) ** (1.0 / 12.0)
        v = (1.0 + r) ** (-1.0 / 12.0)
        months = np.arange(12.0).reshape(1, -1)
        a_year = (((1.0 - m)[:, None] ** months) * v[:, None] ** (months + 1.0)).sum(axis=1)
        # 1 - (1 + g) s / (1 + r), with (1 + r) - (1 + g) at 1 % or more
        beyond = (r_g + (1.0 + g) * h) / (1.0 + r)
        value = cash / 12.0 * (1.0 + g) * a_year / beyond
        value = value - column(exit_cost_usd_m)[:, 0] * m * v / (1.0 - (1.0 - m) * v)
    elif method == "revenue_multiple":
        value = column(revenue_multiple)[:, 0] * column(final_year_revenue_usd_m)[:, 0]
    else:
        raise ValueError(f"unknown continuing-value method {method!r}")
    return np.maximum(value, -column(exit_cost_usd_m)[:, 0])


def abandonment(
    cash_usd_m: FloatArray,
    exit_hazard_month: FloatArray,
    exit_cost_usd_m: ArrayLike,
    rate_year: ArrayLike,
    decision_months: ArrayLike,
    terminal_usd_m: ArrayLike = 0.0,
    launch_month: ArrayLike = 0,
    start_month: int = 0,
    walk_away_usd_m: ArrayLike = 0.0,
) -> tuple[FloatArray, FloatArray]:
    """Value of a venture that may be forced out, and that stops, on its decision clock,
    once going on would lose more.

    Backward induction over months (a real option to abandon; Dixit & Pindyck 1994,
    ch. 6). With ``CF`` the cash flow of month ``t`` while operating, ``D`` the discount
    factor of the end of month ``t``, ``h`` the forced-exit hazard at the end of month
    ``t``, ``X`` the exit cost and ``V`` the continuing value at the horizon
    (:func:`continuing_value`; 0 without)::

        U[t] = D[t] CF[t] + h[t] (-D[t] X) + (1 - h[t]) C[t]
        C[t] = max(-D[t] L[t], U[t+1]) at a decision month, else U[t+1]
        U[T] = D[T-1] V

    where the cost of stopping ``L[t]`` is ``X`` from the launch on, the walk-away cost
    ``W`` between the start and the launch, and 0 before the start. At the go decision
    before month 0 (``decision_months`` holding -1), not starting is worth 0: the value
    is ``max(0, U[0])``.

    With events in expectation nothing is learnt along the way, so this is the plan
    made at the decision date (the engine's most-likely case, and the ``fixed`` decision
    rule), on the same clock as the reviews that learn from the path
    (:mod:`models.economics.reviews`). Because stopping is optional, a higher
    forced-exit hazard can never raise the value.

    Parameters
    ----------
    cash_usd_m : ndarray (paths, months)
        Cash flow of each month, conditional on still operating, US$ millions.
    exit_hazard_month : ndarray (paths, months)
        Probability of a forced exit at the end of each month (0 before launch).
    exit_cost_usd_m : float or (paths,)
        One-off cost of leaving after launch, forced or not, US$ millions.
    rate_year : float or (paths,)
        Yearly discount rate.
    decision_months : array of int
        Months at whose end the venture may stop (:func:`models.economics.reviews.
        decision_months`; -1: the go decision before month 0).
    terminal_usd_m : float or (paths,)
        Value at the horizon of still operating then, US$ m (undiscounted).
    launch_month : int or (paths,)
        The launch: stopping from then on costs ``X``.
    start_month : int
        The month the venture starts spending; stopping before it costs nothing.
    walk_away_usd_m : float or (paths,)
        Cost of stopping after the start and before the launch, US$ m.

    Returns
    -------
    value : ndarray (paths,)
        Net present value under the best policy, US$ millions.
    last_month : ndarray (paths,)
        Last month operated by choice (``months - 1`` if it never stops; -1 if it does
        not start).
    """
    cash = np.asarray(cash_usd_m, dtype=float)
    paths, months = cash.shape
    if months < 1 or start_month != int(start_month):
        raise ValueError(
            f"abandonment: {months} months from start month {start_month!r}; expected at "
            "least one month and a whole start month"
        )
    dates = np.asarray(decision_months, dtype=int)
    allowed = np.zeros(months, dtype=bool)
    allowed[dates[(dates >= 0) & (dates < months - 1)]] = True

    def per_path(x):
        return kernels.grid(np.broadcast_to(column(x)[:, 0], (paths,)), paths, months)

    return kernels.abandonment(
        kernels.grid(cash, paths, months),
        kernels.grid(np.broadcast_to(exit_hazard_month, cash.shape), paths, months),
        kernels.grid(discount_factors(rate_year, months), paths, months),
        per_path(exit_cost_usd_m),
        per_path(walk_away_usd_m),
        per_path(launch_month),
        per_path(terminal_usd_m),
        int(start_month),
        allowed,
        bool((dates == -1).any()),
        paths,
        months,
    )
