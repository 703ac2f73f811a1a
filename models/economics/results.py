"""Result objects of a simulation: arrays per entry mode, tidy frames and summaries.

Arrays are shaped (paths, months). Cash-flow lines are expected values in US$ millions,
signed (money in is positive), and add up to the mode's cash flow. Summaries average
over paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from models._arrays import FloatArray
from models.economics import finance

#: Cash-flow lines in display order, with their labels. An entry mode may add lines of
#: its own when it is registered (:attr:`models.economics.modes.base.EntryMode.lines`).
LINE_ITEMS: dict[str, str] = {
    "subscription_revenue": "Subscription revenue (VAT incl.)",
    "license_fees": "Licence fees (VAT incl.)",
    "suspension_loss": "Revenue lost to suspensions",
    "vat": "VAT",
    "payment_fees": "Payment fees",
    "partner_share": "Partner's revenue share",
    "withholding_tax": "Withholding tax",
    "content": "Content (cash)",
    "marketing": "Marketing",
    "delivery": "Delivery",
    "fixed_costs": "Tech and overhead",
    "governance": "Partnership governance",
    "setup": "Set-up",
    "exit_costs": "Exit costs",
    "partner_distress": "Partner distress",
    "income_tax": "Income tax",
    "continuing_value": "Value beyond the horizon",
}

#: The lines that are revenue (a registered mode may add its own: ``revenue_lines``).
REVENUE_LINES: list[str] = ["subscription_revenue", "license_fees"]

#: The lines that are not cash of an operating month, last in every table.
_OUTSIDE_LINES = ("exit_costs", "partner_distress", "income_tax", "continuing_value")


def add_lines(lines: dict[str, str], revenue: tuple[str, ...] = ()) -> None:
    """Add a mode's own cash-flow lines to :data:`LINE_ITEMS` (before the exit costs, so
    that the value beyond the horizon stays last) and its revenue lines to
    :data:`REVENUE_LINES`; :func:`remove_lines` undoes it."""
    clash = [k for k in lines if k in LINE_ITEMS]
    if clash:
        raise ValueError(f"cash-flow line {clash[0]!r} exists already")
    items = list(LINE_ITEMS.items())
    at = next(i for i, (k, _) in enumerate(items) if k in _OUTSIDE_LINES)
    items[at:at] = list(lines.items())
    LINE_ITEMS.clear()
    LINE_ITEMS.update(items)
    REVENUE_LINES.extend(k for k in revenue if k not in REVENUE_LINES)


def remove_lines(lines: dict[str, str], revenue: tuple[str, ...] = ()) -> None:
    """Remove lines added by :func:`add_lines`."""
    for k in lines:
        LINE_ITEMS.pop(k, None)
    for k in revenue:
        if k in REVENUE_LINES:
            REVENUE_LINES.remove(k)


def revenue(lines) -> FloatArray:
    """The sum of the revenue lines (:data:`REVENUE_LINES`) of a mapping or a row of
    lines."""
    return sum(lines[k] for k in REVENUE_LINES)


@dataclass(frozen=True)
class ModeResult:
    """Monthly arrays of one entry mode.

    Attributes
    ----------
    mode : str
        The entry mode's name (:mod:`models.economics.modes`).
    launch_month : int
        First month the service can sign subscribers or earn fees.
    market_m, subscribers_m, gross_adds_m : ndarray (paths, months)
        Market potential, subscribers and gross adds (millions), while operating.
    operating : ndarray (paths, months)
        Probability (with drawn events: 1 or 0) that the business still operates in
        each month under the best exit policy.
    conditional : dict of str to ndarray
        Cash-flow lines (:data:`LINE_ITEMS`) while operating, before the exit policy and
        forced exits weigh them, US$ millions, signed (money in is positive); arrays of
        shape (paths, months) or broadcastable to it (zero lines are (1, 1)). Exit
        costs are not among them.
    exit_costs : ndarray (paths, months)
        Exit costs under the best exit policy (negative), US$ millions.
    continuing_value : ndarray (paths, months)
        The value beyond the horizon, in the last month, of a business still running
        then under the exit policy (:func:`models.economics.finance.continuing_value`),
        US$ millions.
    content_amortisation : ndarray (paths, months)
        Content expense in the profit-and-loss account, US$ millions (positive).
    forced_exit : ndarray (paths,)
        Probability of a forced exit while the mode operates under its exit policy
        (drawn events: 1 or 0).
    last_month : ndarray (paths,)
        Last month operated under the best exit policy (``months - 1``: never leaves).
    survival : ndarray (paths, months)
        Probability of no forced exit by each month (the mode run to the horizon).
    committed_exit_costs : ndarray (paths, months)
        Forced-exit costs when the mode is run to the horizon (negative), US$ millions.
    committed_continuing_value : ndarray (paths, months)
        The value beyond the horizon when the mode is run to the horizon, US$ millions.
    committed_amortisation : ndarray (paths, months)
        Content expense when the mode is run to the horizon, US$ millions (positive).
    conditional_total : ndarray (paths, months), optional
        The sum of the conditional lines, when the engine computed it already.
    first_adds_m : ndarray (paths, months), optional
        Of the gross adds, people subscribing for the first time (millions).
    events : dict of str to ndarray (paths,)
        With drawn events: what happened to this mode on each path within the horizon,
        whatever its exit policy (:attr:`models.economics.events.ServiceRisk.drawn`).
    decision_values : dict of str to ndarray (paths,), optional
        With drawn events: the NPV (US$ m) of each path ``committed`` (never leaving by
        choice), ``adaptive`` (the review rule) and with ``foresight``
        (:func:`models.economics.reviews.decide`).
    committed : ModeResult, optional
        A staged entry's result under its committed plan, whose lines are
        :attr:`committed_lines` (the staged entry switches, so "run to the horizon" is
        a plan of its own; :mod:`models.economics.modes.staged`).
    switch_month : ndarray (paths,), optional
        A staged entry's month of switching to its own service (NaN: never).

    The lines themselves (:attr:`lines`, :attr:`committed_lines`) are built on first use
    from these, so a Monte Carlo chunk that needs only totals never allocates them.
    """

    mode: str
    launch_month: int
    market_m: FloatArray
    subscribers_m: FloatArray
    gross_adds_m: FloatArray
    operating: FloatArray
    conditional: dict[str, FloatArray] = field(repr=False)
    exit_costs: FloatArray = field(repr=False)
    continuing_value: FloatArray = field(repr=False)
    content_amortisation: FloatArray = field(repr=False)
    forced_exit: FloatArray = field(repr=False)
    last_month: FloatArray = field(repr=False)
    survival: FloatArray = field(repr=False)
    committed_exit_costs: FloatArray = field(repr=False)
    committed_continuing_value: FloatArray = field(repr=False)
    committed_amortisation: FloatArray | None = field(repr=False, default=None)
    conditional_total: FloatArray | None = field(repr=False, default=None)
    first_adds_m: FloatArray | None = field(repr=False, default=None)
    events: dict[str, FloatArray] = field(repr=False, default_factory=dict)
    decision_values: dict[str, FloatArray] | None = field(repr=False, default=None)
    committed: Any = field(repr=False, default=None)
    switch_month: FloatArray | None = field(repr=False, default=None)

    def _weighted(
        self, weight: FloatArray, exit_costs: FloatArray, continuing: FloatArray
    ) -> dict[str, FloatArray]:
        shape = weight.shape
        out = {
            k: np.broadcast_to(0.0, shape) if v.size == 1 and not v.any() else v * weight
            for k, v in self.conditional.items()
        }
        out["exit_costs"] = np.broadcast_to(exit_costs, shape)
        out["continuing_value"] = np.broadcast_to(continuing, shape)
        return {k: out[k] for k in LINE_ITEMS}

    @cached_property
    def lines(self) -> dict[str, FloatArray]:
        """Cash-flow lines under the best exit policy, US$ millions, signed (money in is
        positive): expected values, or one path's outcome with drawn events."""
        return self._weighted(self.operating, self.exit_costs, self.continuing_value)

    @cached_property
    def committed_lines(self) -> dict[str, FloatArray]:
        """Lines when the mode is run to the horizon whatever happens (forced exits
        only), US$ millions."""
        if self.committed is not None:
            return self.committed.lines
        return self._weighted(
            self.survival, self.committed_exit_costs, self.committed_continuing_value
        )

    @cached_property
    def conditional_cash_flow(self) -> FloatArray:
        """Sum of the conditional lines (while operating), US$ millions: the engine's own
        total where it passed one (``conditional_total``), else the sum of the lines."""
        total = self.conditional_total
        if total is None:
            total = sum(self.conditional.values())
        return np.broadcast_to(total, self.operating.shape)

    @cached_property
    def cash_flow(self) -> FloatArray:
        """Net cash flow per month under the best exit policy, US$ millions."""
        return self.conditional_cash_flow * self.operating + self.exit_costs + self.continuing_value

    @cached_property
    def committed_cash_flow(self) -> FloatArray:
        """Net cash flow per month when run to the horizon, US$ millions."""
        if self.committed is not None:
            return self.committed.cash_flow
        return (
            self.conditional_cash_flow * self.survival
            + self.committed_exit_costs
            + self.committed_continuing_value
        )

    @property
    def expected_subscribers_m(self) -> FloatArray:
        """Subscribers weighted by the probability of still operating, millions."""
        return self.subscribers_m * self.operating

    def truncated(self, months: int, rate_year) -> ModeResult:
        """This result over its first ``months``, the cash of every month after folded,
        discounted at ``rate_year``, into the value beyond the horizon in month
        ``months - 1``: the NPV, under the exit policy and committed, is unchanged.

        A staged entry simulates the service it switches to for long enough that its
        final year is steady (:data:`models.economics.modes.staged.SERVICE_RUN_YEARS`),
        then shows it on the horizon of the other modes. Forced exits are counted
        within the months kept; the last month operated stays the result's own (at or
        after ``months - 1``: it does not leave by choice within the months kept)."""
        total = self.operating.shape[1]
        if months >= total:
            return self
        paths = self.operating.shape[0]
        d = np.broadcast_to(finance.discount_factors(rate_year, total), (paths, total))

        def cut(x):
            x = np.asarray(x)
            return x[:, :months] if x.ndim == 2 and x.shape[1] == total else x

        def folded(continuing, cash):
            out = np.array(np.broadcast_to(cut(continuing), (paths, months)))
            out[:, -1] += (cash[:, months:] * d[:, months:]).sum(axis=1) / d[:, months - 1]
            return out

        survival = np.broadcast_to(self.survival, (paths, total))
        operating = np.broadcast_to(self.operating, (paths, total))
        stays = np.divide(operating, survival, out=np.zeros((paths, total)), where=survival > 0)
        forced_at = (survival[:, :months] - survival[:, 1 : months + 1]) * stays[:, :months]
        return ModeResult(
            self.mode,
            self.launch_month,
            cut(self.market_m),
            cut(self.subscribers_m),
            cut(self.gross_adds_m),
            cut(self.operating),
            {k: cut(v) for k, v in self.conditional.items()},
            exit_costs=cut(self.exit_costs),
            continuing_value=folded(self.continuing_value, self.cash_flow),
            content_amortisation=cut(self.content_amortisation),
            forced_exit=forced_at.sum(axis=1),
            last_month=self.last_month,
            survival=cut(self.survival),
            committed_exit_costs=cut(self.committed_exit_costs),
            committed_continuing_value=folded(
                self.committed_continuing_value, self.committed_cash_flow
            ),
            committed_amortisation=None
            if self.committed_amortisation is None
            else cut(self.committed_amortisation),
            conditional_total=None
            if self.conditional_total is None
            else cut(self.conditional_total),
            first_adds_m=None if self.first_adds_m is None else cut(self.first_adds_m),
            events=self.events,
            decision_values=self.decision_values,
        )

    def take(self, rows: np.ndarray, paths: int) -> ModeResult:
        """This result on the paths at positions ``rows`` only, of its ``paths``: every
        per-path array ((paths, months) or (paths,)) indexed, what all paths share ((1, 1)
        zeros, a (1, months) line, a number) kept as it is. A staged entry keeps, of each
        service it may start, only the paths that switch to it (issue 25)."""

        def pick(x):
            if x is None or np.ndim(x) not in (1, 2) or np.shape(x)[0] != paths:
                return x
            return np.asarray(x)[rows]

        def picked(d):
            return None if d is None else {k: pick(v) for k, v in d.items()}

        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(
            {k: pick(v) for k, v in values.items() if k not in ("mode", "committed")},
            conditional=picked(self.conditional),
            events=picked(self.events),
            decision_values=picked(self.decision_values),
            committed=None if self.committed is None else self.committed.take(rows, paths),
        )
        return ModeResult(**values)


def add_flags(flags: dict[str, Any], entry, result: ModeResult) -> None:
    """Add to ``flags`` what one mode's drawn events did on each path
    (:attr:`Results.event_flags`): the crackdowns, the same on every mode's paths
    (common uniforms, one crackdown hazard), from the first mode that has them, then
    the flags the mode adds itself (``entry``: its :class:`EntryMode`)."""
    if "crackdowns" in result.events and "crackdowns" not in flags:
        paths = np.shape(result.operating)[0]
        flags["crackdowns"] = np.broadcast_to(result.events["crackdowns"], paths)
    own = entry.flags(result)
    clash = sorted(set(own) & set(flags))
    if clash:
        raise ValueError(f"entry mode {entry.name!r}: event flag {clash[0]!r} exists already")
    flags.update(own)


def discount_rate(params, draws: pd.DataFrame | None) -> Any:
    """Yearly discount rate of a run: the parameter, or one value per path where drawn."""
    name = "finance_discount_rate_year"
    if draws is not None and name in draws:
        return draws[name].to_numpy(dtype=float)
    return getattr(params, name)


@dataclass(frozen=True)
class Results:
    """Everything a simulation produced, for every entry mode.

    Build with :func:`models.economics.simulation.simulate`.

    Attributes
    ----------
    params : Parameters
    modes : dict of str to ModeResult
        Per entry mode, in the registry's order.
    draws : DataFrame, optional
        The drawn inputs, one row per path.
    entry_modes : dict of str to EntryMode
        The mode objects that built ``modes`` (:mod:`models.economics.modes`): labels,
        the baseline, how committing each is.
    """

    params: Any
    modes: dict[str, ModeResult]
    draws: pd.DataFrame | None = field(default=None, repr=False)
    entry_modes: dict[str, Any] = field(default=None, repr=False)

    def __post_init__(self) -> None:
        missing = [m for m in self.modes if m not in (self.entry_modes or {})]
        if missing:
            raise ValueError(
                f"Results: no entry mode object for {missing}; build results with "
                "models.economics.simulation.simulate"
            )

    @property
    def rate(self) -> Any:
        """Yearly discount rate: the parameter, or one value per path where drawn."""
        return discount_rate(self.params, self.draws)

    @property
    def months(self) -> int:
        """Number of months simulated."""
        return next(iter(self.modes.values())).operating.shape[1]

    @cached_property
    def dates(self) -> pd.PeriodIndex:
        """Calendar month of each step, starting January of ``start_year``."""
        return pd.period_range(f"{self.params.start_year}-01", periods=self.months, freq="M")

    @cached_property
    def summary(self) -> pd.DataFrame:
        """One row per mode: NPV, IRR, payback, peak funding and headline volumes.

        Every column follows the best exit policy, on which modes are ranked, except
        ``npv_committed_usd_m``: the NPV if the mode is run to the horizon whatever happens.
        """
        rate = self.rate
        df = finance.discount_factors(rate, self.months)
        rows = []
        for mode, r in self.modes.items():
            cf = r.cash_flow
            committed = r.committed_cash_flow
            irr = finance.irr_year(cf)
            payback = finance.payback_month(cf)
            income = revenue(r.lines)
            rows.append(
                {
                    "mode": mode,
                    "label": self.entry_modes[mode].label,
                    "npv_usd_m": float(np.mean(finance.npv(cf, rate))),
                    "npv_committed_usd_m": float(np.mean(finance.npv(committed, rate))),
                    "irr_year": float(np.nanmean(irr)) if np.isfinite(irr).any() else np.nan,
                    "payback_month": float(np.nanmean(payback))
                    if np.isfinite(payback).any()
                    else np.nan,
                    "peak_funding_usd_m": float(np.mean(finance.peak_funding(cf))),
                    "launch_month": np.nan if self.entry_modes[mode].baseline else r.launch_month,
                    "subscribers_end_m": float(np.mean(r.expected_subscribers_m[:, -1])),
                    "revenue_pv_usd_m": float(np.mean(np.sum(income * df, axis=1))),
                    "exit_probability": float(np.mean(r.forced_exit)),
                    "leaves_after_month": float(np.mean(r.last_month))
                    if np.all(r.last_month < self.months - 1)
                    else np.nan,
                }
            )
        return pd.DataFrame(rows).set_index("mode")

    @cached_property
    def event_flags(self) -> pd.DataFrame:
        """What the drawn events did on each path (empty without drawn events): the
        flags each mode adds (:meth:`models.economics.modes.base.EntryMode.flags`), such
        as ``partner_distress`` (the partner fell into distress after its launch,
        within the horizon), ``crackdowns`` (content crackdowns within the horizon,
        whatever any mode's exit policy) and ``solo_dark_months`` (months with any dark
        time while the solo service ran under its exit policy)."""
        flags: dict[str, Any] = {}
        for mode, r in self.modes.items():
            add_flags(flags, self.entry_modes[mode], r)
        return pd.DataFrame(flags) if flags else pd.DataFrame()

    @property
    def ranking(self) -> list[str]:
        """Modes from best to worst NPV; ties go to the less committing mode."""
        npv = self.summary["npv_usd_m"].round(6)
        return sorted(self.modes, key=lambda m: (-npv[m], self.entry_modes[m].commitment))

    @property
    def recommended(self) -> str:
        """The mode with the highest NPV (in the most-likely case that these results hold)."""
        return self.ranking[0]

    @cached_property
    def pv_lines(self) -> pd.DataFrame:
        """Present value of each cash-flow line (columns) for each mode (rows), US$ m,
        under the best exit policy. Each row sums to the mode's ``npv_usd_m``.
        """
        rate = self.rate
        df = finance.discount_factors(rate, self.months)
        data = {
            mode: {k: float(np.mean(np.sum(v * df, axis=1))) for k, v in r.lines.items()}
            for mode, r in self.modes.items()
        }
        return pd.DataFrame.from_dict(data, orient="index")[list(LINE_ITEMS)]

    def to_df(self) -> pd.DataFrame:
        """Tidy monthly frame: one row per (mode, path, month), one column per variable."""
        frames = []
        paths = next(iter(self.modes.values())).operating.shape[0]
        for mode, r in self.modes.items():
            cols: dict[str, Any] = {
                "mode": mode,
                "path": np.repeat(np.arange(paths), self.months),
                "month": np.tile(np.arange(self.months), paths),
                "date": np.tile(self.dates.to_timestamp(), paths),
                "market_m": r.market_m.ravel(),
                "subscribers_m": r.subscribers_m.ravel(),
                "expected_subscribers_m": r.expected_subscribers_m.ravel(),
                "gross_adds_m": r.gross_adds_m.ravel(),
                "operating_probability": r.operating.ravel(),
            }
            for k in LINE_ITEMS:
                cols[k] = r.lines[k].ravel()
            cols["cash_flow"] = r.cash_flow.ravel()
            cols["cumulative_cash"] = np.cumsum(r.cash_flow, axis=1).ravel()
            cols["content_amortisation"] = r.content_amortisation.ravel()
            frames.append(pd.DataFrame(cols))
        out = pd.concat(frames, ignore_index=True)
        out["mode"] = pd.Categorical(out["mode"], categories=list(self.modes))
        return out

    def annual(self, mode: str) -> pd.DataFrame:
        """Yearly sums of one mode's cash-flow lines (mean over paths), US$ millions."""
        r = self.modes[mode]
        years = self.params.start_year + np.arange(self.months) // 12
        data = {k: np.mean(v, axis=0) for k, v in r.lines.items()}
        data["cash_flow"] = np.mean(r.cash_flow, axis=0)
        frame = pd.DataFrame(data)
        frame["year"] = years
        return frame.groupby("year").sum()
