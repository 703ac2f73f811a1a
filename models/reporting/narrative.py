"""The executive summary in words, generated from the numbers.

Pure text: the report layer escapes it and lays it out. A reader gets the recommended
mode, each mode's NPV, the margin over the runner-up, and the two or three cash-flow
lines that decide the comparison (the largest differences in present value).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from models.economics.modes import MODES
from models.economics.results import LINE_ITEMS, Results
from models.economics.results import revenue as results_revenue
from models.format import money


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
    if not parts:
        return "nothing"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _active(results: Results, mode: str) -> bool:
    """Whether a mode does anything at all (a licence of zero titles does not)."""
    return not MODES.is_baseline(mode) and bool(results.pv_lines.loc[mode].abs().sum() > 1e-9)


def executive_summary(results: Results) -> ExecutiveSummary:
    """Build the executive summary of a simulation.

    The reasons compare the recommended mode with the runner-up; when the runner-up is
    staying out (whose cash flows are all zero), they compare it with the next-best way
    in instead, which is the comparison a strategist asks about. Modes are ranked on
    their NPV under the best exit policy, and the reasons compare the present values of
    their lines under that policy, so the drivers add up to the gap.
    """
    summary = results.summary
    npv = summary["npv_usd_m"].to_dict()
    ranking = results.ranking
    best = ranking[0]
    # licensing and the staged entry both license now: the runner-up starts differently
    second = next(m for m in ranking[1:] if m in MODES.rivals(best, ranking))
    margin = npv[best] - npv[second]
    b, s = MODES.label(best), MODES.label(second)
    entries = [m for m in ranking if _active(results, m)]

    if MODES.is_baseline(best) or not _active(results, best):
        best = MODES.baseline()
        if not entries:
            headline = "Recommendation: stay out. No way in does anything under these parameters."
            ds, reasons = [], "Every entry mode has zero cash flows."
        else:
            first_in = entries[0]
            label = MODES.in_words(first_in)
            headline = (
                f"Recommendation: stay out. No way in has a positive NPV; "
                f"the best, {label}, comes to {money(npv[first_in])}."
            )
            row = results.pv_lines.loc[first_in]
            ds = [
                Driver(k, LINE_ITEMS[k], float(row[k]))
                for k in row.sort_values().index[:3]
                if row[k] < 0
            ]
            revenue = results_revenue(row)
            reasons = (
                f"Where {label}'s money goes (present value): {_listed(ds)}, against "
                f"revenue of {money(revenue)}."
            )
    else:
        headline = (
            f"Recommendation: {b.lower()}. NPV {money(npv[best])}, "
            f"{money(margin)} ahead of {s.lower()} ({money(npv[second])})."
        )
        others_in = [m for m in entries if m in MODES.rivals(best, entries)]
        other = second if not MODES.is_baseline(second) or not others_in else others_in[0]
        ds = drivers(results.pv_lines, best, other)
        o = MODES.in_words(other)
        lead = (
            f"What separates {b.lower()} from {o}"
            if other == second
            else f"Against {o}, the next-best way in ({money(npv[other])}), what decides it"
        )
        reasons = (
            f"{lead} (difference in the present value of each line): {_listed(ds)}."
            if ds
            else f"{b} and {MODES.label(other)} have the same cash flows here."
        )

    others = []
    for mode in entries:
        leave = summary.loc[mode, "leaves_after_month"]
        if mode == best and leave != leave:  # NaN: runs to the horizon
            continue
        row = results.pv_lines.loc[mode]
        worst = row.idxmin()
        label = MODES.label(mode)
        cost = (
            f"Its largest cost is {_short(LINE_ITEMS[worst])} ({money(row[worst])})."
            if row[worst] < 0
            else ""
        )
        if leave == leave:
            launch = summary.loc[mode, "launch_month"]
            if leave < launch:
                course = (
                    f"not to launch in month {int(launch)} at all, having paid what comes before it"
                )
            elif leave == launch:
                course = f"to leave right after its launch in month {int(leave)}"
            else:
                course = f"to leave after month {int(leave)}"
            others.append(
                f"{label}: NPV {money(npv[mode])}. Once committed, the best course is "
                f"{course}; run to the horizon it would make "
                f"{money(summary.loc[mode, 'npv_committed_usd_m'])}. {cost}".strip()
            )
        else:
            others.append(f"{label}: NPV {money(npv[mode])}. {cost}".strip())
    return ExecutiveSummary(best, second, margin, npv, ds, headline, reasons, others)
