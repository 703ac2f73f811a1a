"""The value of deciding as one goes: committed, adaptive and foresight values per mode,
and the review rule in words.

From a Monte Carlo run (:class:`models.uncertainty.montecarlo.MonteCarlo`), which values
every path three ways (:mod:`models.economics.reviews`): never leaving by choice, the
review rule fitted on separate training paths, and perfect foresight. The value of
flexibility is adaptive minus committed: what the quarterly reviews are worth; the
value of foresight left on the table is foresight minus adaptive (Trigeorgis 1996,
*Real Options*, ch. 1, for the vocabulary).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.economics.modes import MODES
from models.format import money, pct


def decision_values(mc) -> pd.DataFrame:
    """Per mode that enters: mean NPV committed, adaptive and with foresight (US$ m),
    their standard errors, the value of flexibility, and how the futures decide.

    The value of flexibility is what deciding as one goes adds to the better of the
    decisions a manager could take without it, at the decision date: commit (start and
    never stop by choice), never start (0), and for a staged entry never switch (its
    first step alone): adaptive minus the best of their means (issue 20). Its standard
    error is that of the paired difference with the better decision's values.

    ``simple`` is the mean under the simple rule a manager would use (the same go
    decision, then leave below a subscriber threshold, or switch at a fixed date;
    :attr:`models.uncertainty.montecarlo.MonteCarlo.npv_simple`), ``simple_gap_se`` the
    standard error of the fitted rule's lead over it.

    Columns: ``committed``, ``adaptive``, ``foresight``, ``simple``, ``simple_gap_se``,
    ``se_adaptive``,
    ``flexibility``, ``flexibility_se``, ``started`` (share of futures in which the mode
    starts), ``launched`` (in which it reaches its launch), ``left_by_choice`` (in which
    it stops by choice after starting), ``median_stop_month`` (of those; NaN if none).
    """
    rows = {}
    n = mc.n_paths
    for m in [m for m in MODES.entering() if m in mc.npv.columns]:
        c, a, f = mc.npv_committed[m], mc.npv_adaptive[m], mc.npv_foresight[m]
        leave = mc.leave_month[m]
        stopped = leave[leave >= 0]
        simple = mc.npv_simple[m]
        gap = (a - simple).dropna()
        # the better of the decisions a manager could take without reviews: commit, never
        # start (0), and for a staged entry never switch (its first step run alone)
        options = {"commit": c, "never start": pd.Series(0.0, index=c.index)}
        twin = MODES.twin(m)
        if MODES[m].may_run_service and twin in mc.npv_committed:
            options["never switch"] = mc.npv_committed[twin]
        best = max(options, key=lambda k: float(options[k].mean()))
        floor, diff = float(options[best].mean()), a - options[best]
        rows[m] = {
            "committed": float(c.mean()),
            "adaptive": float(a.mean()),
            "foresight": float(f.mean()),
            "simple": float(simple.mean()) if simple.notna().all() else np.nan,
            "simple_gap_se": float(gap.std(ddof=1) / np.sqrt(len(gap))) if len(gap) > 1 else np.nan,
            "se_adaptive": float(a.std(ddof=1) / np.sqrt(n)) if n > 1 else np.nan,
            "flexibility": float(a.mean() - floor),
            "flexibility_se": float(diff.std(ddof=1) / np.sqrt(n)) if n > 1 else np.nan,
            "started": float((leave != -1).mean()),
            "launched": float(mc.launched[m].mean()),
            "left_by_choice": float(len(stopped) / n),
            "median_stop_month": float(stopped.median()) if len(stopped) else np.nan,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def rule_in_words(mode: str, rule, launch_month: int, start_year: int) -> str:
    """The fitted review rule of ``mode`` in one sentence, from what it did on its
    training paths (:attr:`models.economics.reviews.ExitRule.table`)."""
    label = MODES.label(mode)
    if rule is None:
        return f"{label}: no review rule could be fitted (too few training paths)."
    t = rule.table
    go = t[t["month"] < 0]
    if not go.empty and float(go["share_leaving"].iloc[0]) >= 0.999:
        return (
            f"{label}: not started. At the decision date nothing is yet known that tells "
            "good futures from bad, and starting is worth less than not starting; the go "
            "decision declines it (its committed value shows what starting would cost)."
        )
    t = t[t["month"] >= 0]
    acting = t[(t["share_leaving"] > 0) & (t["paths_running"] > 0)]
    if acting.empty:
        return (
            f"{label}: the reviews never find it worth leaving; it runs to the horizon "
            "(forced exits aside)."
        )
    first = acting.iloc[0]
    when = _when(int(first["month"]), start_year)
    if int(first["month"]) < launch_month and first["share_leaving"] >= 0.999:
        return (
            f"{label}: walk away at the first review ({when}), before launch: nothing "
            "observable by then makes pressing on worth its cost."
        )
    parts = []
    pre = acting[acting["month"] < launch_month]
    if not pre.empty:
        share = 1.0 - float(np.prod(1.0 - pre["share_leaving"]))
        parts.append(
            f"walk away before launch in {pct(share)} of futures (on the costs and events "
            "seen by then)"
        )
    post = acting[acting["month"] >= launch_month]
    if not post.empty:
        running = float(t.loc[t["month"] >= launch_month, "paths_running"].max())
        left = float((post["share_leaving"] * post["paths_running"]).sum())
        span = (
            f"at the review of {_when(int(post['month'].min()), start_year)}"
            if len(post) == 1
            else f"at reviews from {_when(int(post['month'].min()), start_year)} to "
            f"{_when(int(post['month'].max()), start_year)}"
        )
        text = f"after launch, leave {pct(left / running)} of the futures still running, {span}"
        leavers = float(np.nanmax(post["leavers_p90_m"]))
        stayers = (
            float(np.nanmin(post["stayers_p10_m"]))
            if post["stayers_p10_m"].notna().any()
            else np.nan
        )
        if np.isfinite(leavers) and np.isfinite(stayers) and leavers <= stayers:
            text += (
                f": those it leaves have fewer than {leavers:,.1f} m subscribers (9 in 10), "
                f"those it keeps more than {stayers:,.1f} m"
            )
        elif np.isfinite(leavers):
            text += (
                f", on cash and events as much as on subscribers (9 in 10 of those it leaves "
                f"have fewer than {leavers:,.1f} m)"
            )
        parts.append(text)
    return f"{label}: " + "; ".join(parts) + "."


def switch_in_words(mc, mode: str, target: str, start_year: int) -> str:
    """The switches of ``mode`` (a staged entry) to its own service ``target``, in one
    sentence (:attr:`MonteCarlo.switch_months`)."""
    sw = mc.switch_months[mode]
    name, label = MODES.label(mode), MODES.in_words(target)
    first_step = MODES.in_words(MODES.twin(mode) or mode)
    if sw.notna().sum() == 0:
        return (
            f"{name}: the switch rule never starts an own service in these futures; "
            f"it keeps to {first_step} to the horizon."
        )
    first = int(sw.min())
    return (
        f"{name}: switches to an own service ({label}) in {pct(sw.notna().mean())} of "
        f"futures, at the earliest at the end of {_when(first, start_year)}; otherwise it "
        f"keeps to {first_step} to the horizon."
    )


def flexibility_in_words(values: pd.DataFrame) -> str:
    """The value of flexibility per mode, in one sentence for the executive summary: what
    deciding as one goes adds to the better of committing and never starting, and, for
    a mode the go decision declines, what starting it would cost."""
    parts, idle = [], []
    for m, r in values.iterrows():
        if r.get("started", 1.0) == 0.0:
            idle.append(f"{MODES.in_words(m)} (started and run: {money(r['committed'])})")
            continue
        parts.append(
            f"{MODES.in_words(m)} {money(r['flexibility'])} "
            f"({money(r['committed'])} committed, {money(r['adaptive'])} with reviews)"
        )
    text = ""
    if parts:
        text = (
            "Deciding as you go (the go decision, then quarterly reviews that stop, or before "
            "launch walk away, on what has been seen) adds to the best of committing, never "
            "starting and, for a staged entry, never switching: " + "; ".join(parts) + "."
        )
    if idle:
        not_started = "Not worth starting in any future: " + "; ".join(idle) + "."
        text = f"{text} {not_started}".strip()
    return text


def _when(month: int, start_year: int) -> str:
    """End of month ``month`` (0-based) as a calendar month, e.g. 'March 2016'."""
    return pd.Period(f"{start_year}-01", freq="M").__add__(month).strftime("%B %Y")
