"""The risk section of the main report: generated sentences and HTML tables.

Sentences are pure text built from a :class:`models.analysis.decision.Decision` (and tested as
such); the blocks escape them and lay them out with the report's styles
(:mod:`models.reporting.blocks`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.analysis import drivers, facts, flexibility, metrics, voi
from models.analysis.decision import Decision
from models.economics import reviews
from models.economics.modes import MODES
from models.economics.terms import PathValues
from models.format import esc, money, pct
from models.inputs.display import format_value
from models.reporting.blocks import HTMLBlock, bullets, note, table
from models.reporting.provenance import METADATA_KEY
from models.reporting.style import box_style


def _name(mode: str) -> str:
    """A mode inside a sentence ("licensing", "staying out")."""
    return MODES.in_words(mode)


def _futures(n: int) -> str:
    return "1 simulated future" if n == 1 else f"{n:,} simulated futures"


def entering(d: Decision) -> list[str]:
    """The modes that enter, best first."""
    return [m for m in d.ranking if not MODES.is_baseline(m)]


def own_services(d: Decision) -> list[str]:
    """The modes that run a service of their own (and so have subscribers), best first:
    the staged entry too where it switches in some future."""
    sw = d.mc.switch_months
    return [
        m
        for m in d.ranking
        if m in MODES and (MODES[m].runs_service or (m in sw and bool(sw[m].notna().any())))
    ]


def dominance_sentences(d: Decision) -> list[str]:
    """Which mode is ahead of which at every level (first-order stochastic dominance),
    in plain sentences; say so when none is. Judged, as the table of which mode beats
    which, on each mode started and run to the horizon."""
    found = metrics.dominance_in_words(d.dominance)
    basis = "Started and run to the horizon, as in the table above, "
    if not found:
        return [
            basis + "no mode is ahead of another at every level: for each pair there is an "
            "NPV that one is likelier to reach and another that the other is, so the choice "
            "depends on the appetite for risk as well as on the mean NPV."
        ]
    return [basis + found[0][0].lower() + found[0][1:], *found[1:]]


def dominance_block(d: Decision) -> HTMLBlock:
    """:func:`dominance_sentences` as one paragraph."""
    return note(" ".join(dominance_sentences(d)))


def headline(d: Decision) -> str:
    """The recommendation with how sure it is."""
    t = d.npv_table
    rec, second = d.recommended, d.runner_up
    row = t.loc[rec]
    n = d.mc.n_paths
    if MODES.is_baseline(rec):
        best_in = next((m for m in d.ranking if not MODES.is_baseline(m)), None)
        tail = (
            f" The best way in, {_name(best_in)}, averages {money(t.loc[best_in, 'mean'])} "
            f"and loses money in {pct(t.loc[best_in, 'prob_loss'])} of futures."
            if best_in
            else ""
        )
        return (
            f"Recommendation: stay out. Staying out is the best choice in "
            f"{pct(d.probability_right)} of {_futures(n)} (every mode started and run)."
            f"{tail}"
        )
    lead, se, ahead = d.lead
    # how often it beats the runner-up: on the same basis as P(best), started and run
    beats = float(d.beats.loc[rec, second]) if second in d.beats.columns else ahead
    if d.too_close:
        return (
            f"Too close to call at {_futures(n)}: {_name(rec)} leads "
            f"{_name(second)} by {money(lead)} on average, within twice its Monte Carlo "
            f"error (±{se:,.1f}); {_name(rec)} beats it in {pct(beats)} of futures. Run more "
            "paths (n_paths) before choosing between them."
        )
    if d.twin is not None:
        return (
            f"Recommendation: {_name(rec)}. Licensing now is the best start in "
            f"{pct(d.probability_right)} of {_futures(n)} (every mode started and run); "
            f"{_name(rec)} beats "
            f"{_name(second)} in {pct(beats)}, with a mean NPV over the futures of "
            f"{money(row['mean'])} "
            f"(90 % range {money(row['p5'])} to {money(row['p95'])}), {money(lead)} ahead of "
            f"{_name(second)}." + staged_sentence(d)
        )
    return (
        f"Recommendation: {_name(rec)}. It is the best choice in {pct(d.probability_right)} "
        f"of {_futures(n)} (every mode started and run) and beats {_name(second)} in "
        f"{pct(beats)}, with a "
        f"mean NPV over the futures of {money(row['mean'])} (90 % range {money(row['p5'])} to "
        f"{money(row['p95'])}), {money(lead)} ahead of {_name(second)}." + staged_sentence(d)
    )


def staged_sentence(d: Decision) -> str:
    """How the staged entry compares with licensing alone (both license now); empty
    unless one of them is recommended."""
    if d.twin is None:
        return ""
    staged = next((m for m in (d.recommended, d.twin) if MODES[m].may_run_service), None)
    if staged is None:
        return ""
    alone = MODES.twin(staged)
    diff = float((d.mc.npv[staged] - d.mc.npv[alone]).mean())
    switched = float(d.mc.switch_months[staged].notna().mean())
    name = MODES.label(staged)
    if switched == 0:
        return (
            f" The {name.lower()} comes to the same: {MODES.in_words(alone)} now, it never "
            "finds switching to an own service worth it."
        )
    worth = "adds" if diff >= 0 else "costs"
    amount = money(abs(diff)) if abs(diff) >= 0.05 else "less than $0.1 m"
    return (
        f" {name} and {MODES.in_words(alone)} both start the same way; the option to switch "
        f"to an own service later {worth} {amount} on average: the {name.lower()} switches "
        f"in {pct(switched)} of futures."
    )


def main_risk(d: Decision) -> str:
    """The recommended mode's downside: its chance of a loss, its bad tail, and the input
    that hurts it most."""
    rec = d.recommended
    if MODES.is_baseline(rec):
        beats = d.beats.loc[[m for m in d.ranking if not MODES.is_baseline(m)], rec]
        if beats.empty:
            return "Main risk: none within the model; staying out earns and risks nothing."
        m = str(beats.idxmax())
        if beats.max() < 0.005:
            return (
                f"Main risk: little. No way in beat staying out in more than "
                f"{beats.max():.1%} of the {d.mc.n_paths:,} futures."
            )
        # on the values "beats" counts on: the mode started and run (committed)
        committed = d.mc.npv_committed[m]
        gains = committed[committed > 0]
        return (
            f"Main risk: missing out. {MODES.label(m)} would have done better than staying "
            f"out in {pct(beats.max())} of futures, making {money(gains.median())} in the "
            f"typical one of those and at most {money(gains.max())}."
        )
    row = d.npv_table.loc[rec]
    tail = (
        f"even its worst 5 % of futures average a gain of {money(row['cvar5'])}"
        if row["cvar5"] >= 0
        else f"in its worst 5 % of futures it averages {money(row['cvar5'])}"
    )
    loses = (
        f"never loses money in the {d.mc.n_paths:,} futures"
        if row["prob_loss"] <= 0
        else f"loses money in {pct(row['prob_loss'])} of futures"
    )
    parts = [f"Main risk: {MODES.label(rec)} {loses}; {tail}."]
    tor = d.tornado
    if not tor.empty:
        down = tor[["npv_low", "npv_high"]].min(axis=1) - tor["npv_base"]
        i = int(down.to_numpy().argmin())
        if down.iloc[i] < -1e-6:
            r = tor.iloc[i]
            side = "low" if r["npv_low"] <= r["npv_high"] else "high"
            nth = "5th" if side == "low" else "95th"
            worst = float(r[f"npv_{side}"])
            # below zero it would not be started: the most-likely case then shows what
            # starting and stopping at the first review would lose, not a value to expect
            after = (
                f"it would no longer be worth starting (starting anyway would lose {money(-worst)})"
                if worst < 0 <= float(r["npv_base"])
                else f"its NPV in the most-likely case falls from {money(r['npv_base'])} to "
                f"{money(worst)}"
            )
            parts.append(
                f"The input that hurts it most is the {r['label']}: at its {nth} "
                f"percentile ({format_value(r['input'], r[side])}) {after}."
            )
    exits = d.exit_by_year
    if rec in exits and exits[rec].iloc[-1] > 0.005:
        parts.append(
            f"The regulator forces it out within {len(exits)} years in "
            f"{pct(exits[rec].iloc[-1])} of futures."
        )
    return " ".join(parts)


def what_could_change(d: Decision) -> list[str]:
    """Switching values in words, the flips first."""
    sw = d.switching
    if sw.empty:
        return ["No input is uncertain under this scenario, so nothing can flip the answer."]
    flips = sw[sw["value"].notna()].sort_values("plausible", ascending=False, kind="stable")
    steady = sw[sw["value"].isna()]
    out = []
    if d.expected_best != d.recommended:
        out.append(
            f"The most-likely case (every input at its most likely value, events as expected "
            f"losses) ranks {_name(d.expected_best)} first, while over the simulated futures "
            f"{_name(d.recommended)} has the higher mean: the spread of outcomes, not the "
            "single most-likely case, decides. The values below are where the most-likely case "
            "flips."
        )
    out += ["In the most-likely case, " + s[0].lower() + s[1:] for s in flips["sentence"]]
    if not steady.empty:
        names = ", ".join(steady["label"])
        out.append(
            f"In the most-likely case, no single value of the {names} changes the answer "
            "(each searched over its whole valid range, the other inputs held)."
        )
    return out


#: Crossings stated per own service in the report, nearest first.
FRONTIER_SENTENCES = 3


def frontier_sentences(d: Decision) -> list[str]:
    """The frontier in words: for each own service that is not the recommendation, the
    inputs nearest their present values at which, alone, it would become the best way
    in (:func:`models.analysis.drivers.frontier`, the most-likely case, every input
    scanned), then how many others could not."""
    modes = [m for m in MODES.services() if m != d.expected_best and m in d.mc.npv.columns]
    if not modes or not d.params.distributions:
        return []
    table = drivers.frontier(d.params, modes)
    out = []
    for mode, part in table.groupby("mode", sort=False):
        flips = part[part["value"].notna()]
        shown = flips.head(FRONTIER_SENTENCES)
        out += ["In the most-likely case, " + s[0].lower() + s[1:] for s in shown["sentence"]]
        gap = float(part["margin_base"].iloc[0])
        where = f"it now trails the best other way by {money(-gap)}" if gap < 0 else "it leads now"
        rest = len(part) - len(shown)
        more = len(flips) - len(shown)
        if len(flips):
            could = f"{len(flips)} could alone make it the best way in"
            could += f" ({more} more, further from their present values, are not listed)" * (
                more > 0
            )
        else:
            could = "none could alone make it the best way in"
        out.append(
            f"{MODES.label(mode)}: of the {len(part)} uncertain inputs, {could}; the other "
            f"{rest - more} could not, each searched over its valid range ({where})."
        )
    return out


def voi_sentences(d: Decision) -> list[str]:
    """EVPI and EVPPI in words, largest first."""
    out = [
        voi.in_words("everything (every input and event)", d.evpi).replace(
            "Knowing everything (every input and event) before deciding",
            "Perfect foresight of every input and event",
        )
    ]
    for _, r in d.evppi.iterrows():
        sentence = voi.in_words(r["group"], float(max(r["evppi_usd_m"], 0.0)))
        # partial values are counted on modes started and run, without the reviews
        out.append(sentence[:-1] + " (choosing a mode and running it).")
    return out


def summary_block(d: Decision) -> HTMLBlock:
    """The executive summary under uncertainty: the answer, how sure, the main risk,
    what could change it, the deal zone and what information is worth."""
    rec = d.recommended
    changes = what_could_change(d)
    items = [
        main_risk(d),
        changes[0],
        flexibility.flexibility_in_words(d.flexibility),
        d.deal_zone.in_words(),
        voi_sentences(d)[0],
    ]
    if len(d.evppi):
        top = d.evppi.iloc[0]
        items.append(voi.in_words(top["group"], float(max(top["evppi_usd_m"], 0.0))))
    li = "".join(f"<li>{esc(x)}</li>" for x in items)
    body = (
        f'<div class="me-report"><div class="me-box" style="{box_style(rec)}">'
        f'<p class="me-headline">{esc(headline(d))}</p><ul>{li}</ul></div></div>'
    )
    return HTMLBlock(body, {METADATA_KEY: headline_numbers(d)})


def headline_numbers(d: Decision) -> dict:
    """The run's headline, one set of numbers for the summary, the manifest and the index
    (JSON-safe; US$ m and fractions).

    ``modes[mode]``: ``mean``, ``median``, ``p5``, ``p95`` (NPV over the Monte Carlo
    futures, under the decision rule), ``p_loss``, ``p_best``, ``p_gain_if_run`` (share
    of futures in which the mode makes money if run to the horizon), ``expected`` (the
    most-likely case's NPV: inputs at their mode, events in expectation; it differs from
    the mean by design), and the mean NPV ``committed`` (never leaving by choice),
    ``adaptive`` (the quarterly review rule) and ``foresight`` (the upper bound).
    ``decision_rule``: the rule behind ``mean``. ``checks_failed``: the model checks
    that failed. ``runner_up`` and ``lead`` (the recommendation's mean lead over it and
    that lead's standard error, US$ m); ``deal_zone``: whether one exists, its revenue
    shares ``low`` to ``high``, and the streamer's walk-away alternative.
    """
    t = d.npv_table
    modes = {}
    for m in t.index:
        row = t.loc[m]
        modes[m] = {
            "mean": round(float(row["mean"]), 3),
            "median": round(float(row["median"]), 3),
            "p5": round(float(row["p5"]), 3),
            "p95": round(float(row["p95"]), 3),
            "p_loss": round(float(row["prob_loss"]), 4),
            "p_best": round(float(row["prob_best"]), 4),
            "p_gain_if_run": round(float((d.mc.npv_committed[m] > 0).mean()), 4),
            "expected": round(float(d.expected.summary.loc[m, "npv_usd_m"]), 3),
            "committed": round(float(d.mc.npv_committed[m].mean()), 3),
            "adaptive": round(float(d.mc.npv_adaptive[m].mean()), 3),
            "foresight": round(float(d.mc.npv_foresight[m].mean()), 3),
        }
    lead, lead_se, _ = d.lead
    zone = d.deal_zone

    def share(x: float | None) -> float | None:
        return None if x is None or not np.isfinite(x) else round(float(x), 4)

    return {
        "recommended": d.recommended,
        "runner_up": d.runner_up,
        "lead": {"mean": round(float(lead), 3), "se": round(float(lead_se), 3)},
        "deal_zone": {
            "exists": bool(zone.exists),
            "low": share(zone.low),
            "high": share(zone.high),
            "alternative": zone.alternative,
        },
        "probability_best": round(d.probability_right, 4),
        "n_paths": d.mc.n_paths,
        "decision_rule": d.params.decision_rule,
        "modes": modes,
        "checks_failed": [c.name for c in d.checks if not c.passed],
        "checks_uninformative": [c.name for c in d.checks if not c.informative],
    }


def checks_warning(d: Decision) -> HTMLBlock:
    """A warning at the top of the report when a model check failed (empty otherwise)."""
    failed = [c for c in d.checks if not c.passed]
    if not failed:
        return HTMLBlock("")
    names = "; ".join(f"{c.name} ({c.detail})" for c in failed)
    return HTMLBlock(
        '<div class="me-report"><div class="me-box" style="border-color:#a33;'
        'background:#fbeaea"><p class="me-headline">Warning: the model failed '
        f"{len(failed)} of its {len(d.checks)} checks on this scenario.</p>"
        f"<p>{esc(names)}. Read the answer below with care: the model moves the wrong way "
        "on this input (see the model checks in this run's validation report).</p>"
        "</div></div>"
    )


def _leaving_early(p) -> str:
    """How the futures decide to leave, as the ``decision_rule`` says."""
    every = p.decision_review_months
    text = {
        "adaptive": (
            f"Every {every} months a review leaves (before launch: walks away, paying only to "
            "wind the team down) or presses on, on what has been seen so far: subscribers "
            "and their trend, cash, events and the partner's state. The rule is fitted by "
            f"least-squares Monte Carlo on {p.decision_training_paths:,} other futures and "
            "applied to these, so it cannot foresee them."
        ),
        "fixed": (
            "Each mode follows the plan of the most-likely case, made at the decision date as "
            "months after launch and never revised, whatever a future shows."
        ),
        "foresight": (
            f"Each future leaves at the review (every {every} months) that is best for it, "
            "knowing its whole future: an upper bound no manager can reach, for comparison."
        ),
    }[p.decision_rule]
    return text + " A forced exit ends the mode whatever the rule."


def checks_summary(d: Decision) -> HTMLBlock:
    """How many model checks hold on this scenario, in one sentence; the table is in the
    validation report (:func:`checks_block`)."""
    held = sum(c.passed and c.informative for c in d.checks)
    failed = sum(not c.passed for c in d.checks)
    idle = sum(not c.informative for c in d.checks)
    partly = sum(c.passed and c.informative and bool(c.untested) for c in d.checks)
    parts = [f"{held} of the {len(d.checks)} model checks hold on this scenario"]
    if partly:
        parts[0] += (
            f", {partly} of them on some of the values they compare only (the others did not move)"
        )
    if failed:
        parts.append(f"{failed} fail (see the warning at the top)")
    if idle:
        parts.append(f"{idle} tested nothing here (nothing they compare moved)")
    return bullets(
        [
            "; ".join(parts) + ". The table, with the numbers behind each verdict, is in "
            "the validation report of this run (validation.html), beside the hindcasts "
            "and the replays."
        ]
    )


def checks_block(checks: list) -> HTMLBlock:
    """The model checks run on this scenario, as a table."""
    from models.analysis.checks import checks_table

    held = sum(c.passed and c.informative for c in checks)
    idle = sum(not c.informative for c in checks)
    partly = sum(c.passed and c.informative and bool(c.untested) for c in checks)
    idle_text = (
        f" {idle} tested nothing here: nothing they compare moved (a service not worth "
        "starting is worth 0 before and after), so they are not counted as holding."
        if idle
        else ""
    ) + (
        f" {partly} of those that hold were tested on some of the values they compare "
        "only: the last column names the values that did not move, on which the verdict "
        "does not rest."
        if partly
        else ""
    )
    return table(
        checks_table(checks),
        caption=(
            f"{held} of {len(checks)} checks hold on this scenario.{idle_text} Each moves "
            "one input on every future and runs the Monte Carlo again on the same futures; "
            "the numbers are mean values (US$ m) before and after, with reviews (adaptive), "
            "run to the horizon (committed) or with foresight, and the standard error of the "
            "change. A relation holds within two standard errors."
        ),
    )


#: How much larger (share of futures) the loss of a mode run to the horizon must be
#: than its loss as it decides for the report to say why the two differ.
LOSS_GAP_SAID = 0.05


def loss_and_gain_sentences(d: Decision) -> list[str]:
    """Why a mode's P(loss) (under the run's decision rule) and its P(gain) if run (to
    the horizon, whatever happens) tell different stories, for each mode where the share
    of futures that lose differs by :data:`LOSS_GAP_SAID` or more either way: a go
    decision that does not start it, stops that cut losses short (or make them final),
    or a staged entry that switches less than its plan would."""
    t = d.npv_table
    flex = d.flexibility
    rule = d.params.decision_rule
    stop_by = {"adaptive": "a review", "fixed": "its plan", "foresight": "hindsight"}[rule]
    out, idle = [], []
    for m in t.index:
        if MODES.is_baseline(m) or m not in d.mc.npv_committed:
            continue
        committed = d.mc.npv_committed[m]
        lose_if_run = float((committed < 0).mean())
        p_loss = float(t.loc[m, "prob_loss"])
        if abs(lose_if_run - p_loss) < LOSS_GAP_SAID:
            continue
        r = flex.loc[m] if m in flex.index else None
        started = float(r["started"]) if r is not None else 1.0
        if started == 0.0:
            idle.append((m, lose_if_run))
            continue
        name = MODES.label(m)
        head = (
            f"{name} loses money in {pct(p_loss)} of futures under its decision rule; run "
            f"to the horizon whatever happens, it would make money in "
            f"{pct(float((committed > 0).mean()))} and lose in {pct(lose_if_run)}"
        )
        if p_loss > lose_if_run:
            out.append(
                f"{head}: stopping (by {stop_by}) makes some losses final that running on "
                "would have recovered."
            )
            continue
        sw = d.mc.switch_months[m] if m in getattr(d.mc.switch_months, "columns", ()) else None
        if MODES[m].may_run_service and not MODES[m].runs_service and sw is not None:
            switched = float(sw.notna().mean())
            what = (
                "never switches, and stays the same as licensing"
                if switched == 0
                else f"switches in {pct(switched)} of futures"
            )
            why = (
                "committed, it switches to its own service as soon as the rules ease and "
                f"never leaves, which is where the losses are; under its rule it {what}"
            )
        else:
            parts = []
            if started < 1.0:
                parts.append(f"is not started in {pct(1.0 - started)} of futures")
            stop = float(r["left_by_choice"]) if r is not None else 0.0
            if stop > 0:
                parts.append(f"is stopped by {stop_by} in {pct(stop)}")
            why = (
                "under its rule it " + " and ".join(parts) + ", before the losses grow"
                if parts
                else "its decision rule avoids those losses"
            )
        out.append(f"{head}: {why}.")
    if idle:
        one = len(idle) == 1
        words = [MODES.label(idle[0][0])] + [MODES.in_words(m) for m, _ in idle[1:]]
        who = words[0] if one else ", ".join(words[:-1]) + " and " + words[-1]
        losses = (
            f"it would lose money in {pct(idle[0][1])} of futures"
            if one
            else "; ".join(
                f"{MODES.in_words(m)} would lose money in {pct(x)} of futures" for m, x in idle
            )
        )
        out.append(
            f"{who} {'is' if one else 'are'} never started (the go decision turns "
            f"{'it' if one else 'them'} down), so {'it loses' if one else 'they lose'} nothing; "
            f"run to the horizon whatever happens, {losses}."
        )
    return out


def npv_table(d: Decision) -> HTMLBlock:
    """Per mode: mean NPV with its Monte Carlo standard error, percentiles and risks,
    then why P(loss) and P(gain) if run differ where they do
    (:func:`loss_and_gain_sentences`)."""
    t = d.npv_table
    frame = pd.DataFrame(
        {
            "Mode": [MODES.label(m) for m in t.index],
            "Mean NPV": [
                f"{money(r['mean'])} ± {r['se']:,.1f}" if np.isfinite(r["se"]) else money(r["mean"])
                for _, r in t.iterrows()
            ],
            "Median": [money(x) for x in t["median"]],
            "P5": [money(x) for x in t["p5"]],
            "P95": [money(x) for x in t["p95"]],
            "P(loss)": [pct(x) for x in t["prob_loss"]],
            "Worst 5 % (CVaR)": [money(x) for x in t["cvar5"]],
            "P(best)": [pct(x) for x in t["prob_best"]],
            "P(gain) if run": [pct((d.mc.npv_committed[m] > 0).mean()) for m in t.index],
            "Most-likely case": [money(d.expected.summary.loc[m, "npv_usd_m"]) for m in t.index],
        }
    )
    block = table(
        frame,
        caption=(
            f"US$ millions over {d.mc.n_paths:,} simulated futures. Mean NPV: the average "
            "over the futures, each mode deciding as it goes; ± its Monte Carlo error. P5 "
            "and P95: 5 % of futures are worse, 5 % better. CVaR: the average of the worst "
            "5 %. P(loss): the share of futures that end below zero under the decision rule. "
            "P(best): the share in which the mode, started and run to the horizon, beats "
            "all others run the same way (under the review rule a mode not worth starting "
            "is worth 0 in every future, which tells nothing about where it would have been "
            "best). P(gain) if run: the share in which the mode makes money if it is run to "
            "the horizon whatever happens. Most-likely case: one run with every input at its "
            "most likely value; it is not the mean NPV."
        ),
    )
    why = loss_and_gain_sentences(d)
    if not why:
        return block
    return HTMLBlock(block.body + bullets(why).body)


def beats_table(d: Decision) -> HTMLBlock:
    """Chance that the row mode's NPV beats the column mode's, on the same futures."""
    b = d.beats
    frame = pd.DataFrame(
        {
            MODES.label(c): ["" if np.isnan(b.loc[r, c]) else pct(b.loc[r, c]) for r in b.index]
            for c in b.columns
        }
    )
    frame.insert(0, "Chance that ... beats", [MODES.label(r) for r in b.index])
    return table(
        frame,
        caption=(
            "Every mode is valued on the same simulated futures (common random numbers), so "
            "these compare like with like: each started and run to the horizon (committed), "
            "since under the review rule a mode not worth starting is worth 0 everywhere."
        ),
    )


def exit_table(d: Decision) -> HTMLBlock:
    """Probability of a forced exit by the end of selected years."""
    e = d.exit_by_year
    years = sorted({1, 2, 3, 5, len(e)} & set(e.index))
    frame = pd.DataFrame({f"by year {y}": [f"{e.loc[y, m]:.1%}" for m in e.columns] for y in years})
    frame.insert(0, "Mode", [MODES.label(m) for m in e.columns])
    return table(
        frame,
        caption=(
            "Share of futures in which the regulator has forced the mode out, under its exit "
            "policy (a mode left by choice early is exposed for fewer months)."
        ),
    )


def decision_values_table(d: Decision) -> HTMLBlock:
    """Committed, adaptive and foresight mean NPV per mode, and the value of flexibility."""
    v = d.flexibility
    frame = pd.DataFrame(
        {
            "Mode": [MODES.label(m) for m in v.index],
            "Committed (never leave)": [money(x) for x in v["committed"]],
            "Adaptive (quarterly reviews)": [
                f"{money(x)} ± {money(2 * se)}" if np.isfinite(se) else money(x)
                for x, se in zip(v["adaptive"], v["se_adaptive"], strict=True)
            ],
            "Foresight (upper bound)": [money(x) for x in v["foresight"]],
            "Simple rule": ["n/a" if not np.isfinite(x) else money(x) for x in v["simple"]],
            "Value of flexibility": [money(x) for x in v["flexibility"]],
            "Futures that launch": [
                "n/a" if MODES.is_baseline(m) else pct(x) for m, x in v["launched"].items()
            ],
            "Stopped by choice (median month)": [
                f"{pct(x)} ({m:.0f})" if np.isfinite(m) else pct(x)
                for x, m in zip(v["left_by_choice"], v["median_stop_month"], strict=True)
            ],
        }
    )
    rule = {"adaptive": "adaptive", "fixed": "the fixed plan", "foresight": "foresight"}
    return table(
        frame,
        caption=(
            "Mean NPV over the same futures, US$ m (± two standard errors). Committed: "
            "started now and run to the horizon, forced exits aside. Adaptive: the go "
            "decision (a mode not worth starting is not started: worth 0) and then a "
            f"review every {d.params.decision_review_months} months that stops, or before "
            "launch walks away, on what has been seen so far; the rule was fitted on "
            f"{d.params.decision_training_paths:,} other futures, so it cannot foresee "
            "these. Foresight: the best of those decisions knowing each future in full; no "
            "manager can reach it. Simple rule: what a manager would do without the "
            "regression, fitted on the same training futures (the same go decision, then "
            "leave at the first review after launch with fewer subscribers than a threshold; "
            "a staged entry: switch at the one date that did best); the fitted rule should "
            "never do worse. Value of flexibility: adaptive against the better of "
            "committing and never starting. A review sees only what a manager could: "
            f"{'; '.join(reviews.STATE.values())}. The rest of the report follows "
            f"{rule[d.params.decision_rule]}."
        ),
    )


def rule_sentences(d: Decision) -> list[str]:
    """Each mode's review rule in words."""
    out = []
    switching = [m for m in MODES.reviewed() if MODES[m].may_run_service]
    for m in MODES.reviewed():  # the exit rules first; a staged entry's switch follows
        if m in switching:
            continue
        launch = int(d.expected.modes[m].launch_month)
        out.append(flexibility.rule_in_words(m, d.mc.rules.get(m), launch, d.params.start_year))
    values = PathValues(d.params)
    for m in switching:
        target = MODES[m].switch_target(MODES[m].terms(values))
        out.append(flexibility.switch_in_words(d.mc, m, target, d.params.start_year))
    return out


def funding_table(d: Decision) -> HTMLBlock:
    """Peak funding need per mode: mean, median, P95 and worst path."""
    f = d.peak_funding
    frame = pd.DataFrame(
        {
            "Mode": [MODES.label(m) for m in f.index],
            "Mean": [money(x) for x in f["mean"]],
            "Median": [money(x) for x in f["median"]],
            "P95": [money(x) for x in f["p95"]],
            "Worst path": [money(x) for x in f["max"]],
        }
    )
    return table(
        frame,
        caption="The deepest cumulative cash deficit a mode needs funded, undiscounted, US$ m.",
    )


def voi_table(d: Decision) -> HTMLBlock:
    """EVPPI per group of inputs."""
    if d.evppi.empty:
        return table(pd.DataFrame({"": ["Too few paths or inputs for partial information."]}))
    e = d.evppi
    frame = pd.DataFrame(
        {
            "Knowing ...": list(e["group"]),
            "Worth up to": [money(max(x, 0.0)) for x in e["evppi_usd_m"]],
            "share of perfect information": [
                f"{x:.0%}" if np.isfinite(x) else "n/a" for x in e["share_of_evpi"]
            ],
            "futures where it changes the choice": [f"{x:.0%}" for x in e["switch_share"]],
        }
    )
    return table(
        frame,
        caption=(
            f"Perfect foresight of everything is worth {money(d.evpi)} against deciding as "
            "you go. The partial values compare the modes committed (as if started now), "
            "by regression on each group's inputs (Strong, Oakley & Brennan 2014); the "
            "shares are of perfect information on that same basis, "
            f"{money(float(e['evpi_usd_m'].iloc[0]))}."
        ),
    )


def how_to_read(d: Decision) -> HTMLBlock:
    """What the risk numbers mean and how they were made."""
    p = d.params
    n_inputs = d.mc.draws.shape[1]
    corr = len(p.correlations)
    items = [
        (
            "Simulated futures.",
            f"{d.mc.n_paths:,} paths, each drawing all {n_inputs} uncertain inputs "
            f"({'Latin hypercube' if p.sampling_method == 'lhs' else 'plain Monte Carlo'} "
            f"sampling, seed {p.seed}"
            + (f", {corr} rank correlation(s)" if corr else ", inputs independent")
            + ") and its own forced exit, suspensions, content crackdowns and partner "
            "distress, month by month. Every mode sees the same events where its hazard "
            "allows (common random numbers).",
        ),
        (
            "Leaving early.",
            _leaving_early(p),
        ),
        (
            "The most-likely case",
            "(the charts further down) sets every input at its most likely value and "
            "carries events as expected losses: a quick summary, close to but not equal to "
            "the Monte Carlo mean.",
        ),
        (
            "Drivers.",
            "The tornado and the switching values move one input at a time about the "
            "most-likely case, each mode started; the Sobol indices draw all the inputs "
            "together (as independent), with events carried as expected losses, and "
            "split the spread of the recommendation's lead over the runner-up.",
        ),
    ]
    body = "".join(f"<li><b>{esc(k)}</b> {esc(v)}</li>" for k, v in items)
    return HTMLBlock(f'<div class="me-report"><ul>{body}</ul></div>')


#: Facts stated in sentences above the facts' table, most moving first.
FACT_SENTENCES = 3


def facts_block(d: Decision) -> HTMLBlock:
    """What the scenario's own facts do (:func:`models.analysis.facts.scenario_facts`):
    the facts that move the answer's lead most in sentences, then every fact in a table
    (an own service's value started, with its reviews, only where a fact moves it)."""
    found = d.scenario_facts
    answer = d.expected_best
    lines = facts.in_words(found, answer, top=FACT_SENTENCES)
    if found.empty:
        return bullets(lines)
    columns = {
        "Fact": [
            "All of them at once" if f == "all" else t[:1].upper() + t[1:]
            for f, t in zip(found["fact"], found["label"], strict=True)
        ],
        "In this scenario": found["as_set"],
        "Default": found["default"],
        f"{MODES.label(answer)}'s lead": [facts.moved(x) for x in found["lead_effect"]],
    }
    for m in MODES.services():
        started = found[f"started_{m}"]
        if started.abs().max() >= facts.SHOWN_USD_M:
            columns[f"{MODES.label(m)}, started"] = [facts.moved(x) for x in started]
        columns[f"{MODES.label(m)}, run to the horizon"] = [
            facts.moved(x) for x in found[f"committed_{m}"]
        ]
    columns["Best way in at the default"] = [
        MODES.label(a) if a else "refused" for a in found["answer"]
    ]
    caption = (
        "What each fact this scenario sets apart from the defaults does: the value as set "
        "minus the value with the fact at its default (the last row: all at once), in the "
        "most-likely case, US$ m. The lead is over the best mode that starts differently; an "
        "own service started keeps its reviews (it may walk away), run to the horizon it "
        "never leaves by choice (its committed value). Inputs read against each other "
        "(the paying share, its headroom and rate; the audience and its ceiling) are set "
        "back together."
    )
    return HTMLBlock(bullets(lines).body + table(pd.DataFrame(columns), caption=caption).body)
