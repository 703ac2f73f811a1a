"""The executive summary in words, generated from the numbers.

Pure text: the report layer escapes it and lays it out. A reader gets the recommended
mode, each mode's NPV, the margin over the runner-up, and the two or three cash-flow
lines that decide the comparison (the largest differences in present value).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .results import LINE_ITEMS, Results
from .schema import MODE_LABELS


def money(x: float, signed: bool = False) -> str:
    """Format US$ millions for prose: ``$1,234 m``, ``−$5.2 m``, ``+$12 m``."""
    sign = "−" if x < 0 else ("+" if signed and x > 0 else "")
    a = abs(x)
    body = f"{a:,.0f}" if a >= 10 else f"{a:,.1f}"
    return f"{sign}${body} m"


@dataclass(frozen=True)
class Driver:
    """One cash-flow line's contribution to the NPV gap between two modes."""

    line: str
    label: str
    delta_usd_m: float


@dataclass(frozen=True)
class ExecutiveSummary:
    """What the first screen of the report says."""

    recommended: str
    runner_up: str
    margin_usd_m: float
    npv_usd_m: dict[str, float]
    drivers: list[Driver]
    headline: str
    reasons: str
    others: list[str]


def drivers(pv_lines: pd.DataFrame, best: str, other: str, n: int = 3) -> list[Driver]:
    """The ``n`` lines whose present values differ most between ``best`` and ``other``.

    Lines below 5 % of the largest difference are dropped, so that a clear answer is not
    padded with noise.
    """
    delta = (pv_lines.loc[best] - pv_lines.loc[other]).astype(float)
    order = delta.abs().sort_values(ascending=False)
    if order.empty or order.iloc[0] <= 1e-9:
        return []
    keep = [k for k in order.index[:n] if abs(delta[k]) >= 0.05 * order.iloc[0]]
    return [Driver(k, LINE_ITEMS[k], float(delta[k])) for k in keep]


def _short(label: str) -> str:
    """A line label for prose: lower-case first letter, no parenthetical."""
    label = label.split(" (")[0]
    return label[0].lower() + label[1:]


def _phrase(d: Driver) -> str:
    label = _short(d.label)
    return f"{label} ({money(d.delta_usd_m, signed=True)})"


def _listed(ds: list[Driver]) -> str:
    parts = [_phrase(d) for d in ds]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def executive_summary(results: Results) -> ExecutiveSummary:
    """Build the executive summary of a simulation.

    The reasons compare the recommended mode with the runner-up; when the runner-up is
    staying out (whose cash flows are all zero), they compare it with the next-best way
    in instead, which is the comparison a strategist asks about. Modes are ranked on
    their value with the option to leave; the reasons compare their cash-flow lines when
    run to the horizon, which is what makes a mode worth running or not.
    """
    npv = results.summary["npv_usd_m"].to_dict()
    ranking = results.ranking
    best, second = ranking[0], ranking[1]
    margin = npv[best] - npv[second]
    b, s = MODE_LABELS[best], MODE_LABELS[second]
    entries = [m for m in ranking if m != "stay_out"]

    if best == "stay_out":
        first_in = entries[0]
        headline = (
            f"Recommendation: stay out. No way in has a positive expected NPV; the "
            f"best, {MODE_LABELS[first_in].lower()}, loses {money(-npv[first_in])}."
        )
        row = results.pv_lines.loc[first_in]
        costs = [
            Driver(k, LINE_ITEMS[k], float(row[k]))
            for k in row.sort_values().index[:3]
            if row[k] < 0
        ]
        ds = costs
        reasons = (
            f"Where {MODE_LABELS[first_in].lower()}'s money goes (present value): "
            f"{_listed(costs)}, against revenue of "
            f"{money(row['subscription_revenue'] + row['license_fees'])}."
        )
    else:
        headline = (
            f"Recommendation: {b.lower()}. Expected NPV {money(npv[best])}, "
            f"{money(margin)} ahead of {s.lower()} ({money(npv[second])})."
        )
        other = second if second != "stay_out" else next((m for m in entries if m != best), second)
        ds = drivers(results.pv_lines, best, other)
        o = MODE_LABELS[other].lower()
        lead = (
            f"What separates {b.lower()} from {o}"
            if other == second
            else f"Against {o}, the next-best way in ({money(npv[other])}), what decides it"
        )
        reasons = (
            f"{lead} (difference in the present value of each line, both run to the "
            f"horizon): {_listed(ds)}."
            if ds
            else f"{b} and {MODE_LABELS[other]} have the same cash flows here."
        )

    summary = results.summary
    others = []
    for mode in entries:
        leave = summary.loc[mode, "leaves_after_month"]
        if mode == best and leave != leave:  # NaN: runs to the horizon
            continue
        row = results.pv_lines.loc[mode]
        worst = row.idxmin()
        label = MODE_LABELS[mode]
        if leave == leave:
            when = f"after month {int(leave)}" if leave > 0 else "at once"
            others.append(
                f"{label}: run to the horizon it would make "
                f"{money(summary.loc[mode, 'npv_committed_usd_m'])}, its largest cost being "
                f"{_short(LINE_ITEMS[worst])} ({money(row[worst])}); once committed, the best "
                f"course is to leave {when}, for {money(npv[mode])}."
            )
        else:
            others.append(
                f"{label}: NPV {money(npv[mode])}; its largest cost is "
                f"{_short(LINE_ITEMS[worst])} ({money(row[worst])})."
            )
    return ExecutiveSummary(best, second, margin, npv, ds, headline, reasons, others)
