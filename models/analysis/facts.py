"""What a scenario's own facts do to its answer.

A scenario file lists only the inputs it sets apart from the schema's defaults, each with
its source: ``letv_2015`` sets late 2015's market (its audience, paying share and how
fast that share grew), LeTV's reach and LeEco's distress; ``crackdown`` sets harsher
rules. :func:`scenario_facts` sets each fact back to its default, the others as the
scenario has them, and reports what the fact does: the scenario's value minus the value
at the default, for the most-likely case's answer, its lead and each own service (issue 21:
"the letv_2015 report says which of late 2015's facts drive its answer and what would
have flipped it"). Inputs read against each other are one fact, set back together
(:data:`COUPLED`). Where no fact alone flips the answer, the switching values and the
frontier (:mod:`models.analysis.drivers`) say what value of an input would.

The most-likely case is used throughout (inputs at their most likely values, events in
expectation), as for the switching values: the answer is the most-likely case's best mode
(:attr:`models.economics.results.Results.ranking`, its reviews included); its lead is
its NPV if started over the best mode that starts differently
(:func:`models.analysis.drivers.margin`); an own service is valued both started (with its
reviews: it may walk away) and run to the horizon without leaving by choice (its
committed value). US$ m.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from models.analysis import drivers
from models.economics import finance
from models.economics.modes import MODES
from models.economics.simulation import simulate
from models.exceptions import ParameterError
from models.format import money
from models.inputs.display import format_value, label
from models.inputs.params import validate
from models.inputs.schema import SPECS

log = logging.getLogger(__name__)

#: Groups whose inputs are about the run or the file, not about the world.
NOT_FACTS = frozenset({"scenario", "simulation"})

#: Inputs read against each other, set back together: a headroom is a multiple of the
#: paying share at month 0, a ceiling bounds the users and their growth, so setting one
#: back alone builds a market nobody described (issue 21's eighth review: the paying
#: share at 15 % with letv_2015's headroom of 4 was a ceiling of 60 % of users paying).
COUPLED: dict[str, tuple[str, ...]] = {
    "paying market": (
        "market_svod_payer_share",
        "market_payer_headroom",
        "market_payer_diffusion_rate_year",
    ),
    "online-video audience": (
        "market_online_video_users_m",
        "market_user_growth_year",
        "market_online_video_users_ceiling_m",
    ),
}

#: Moves (US$ m) below this are written "no change".
SHOWN_USD_M = 0.05

COLUMNS = [
    "fact",
    "inputs",
    "label",
    "as_set",
    "default",
    "answer",
    "rival",
    "lead",
    "lead_effect",
    "flips",
    "note",
]


def facts(params) -> list[str]:
    """The inputs ``params`` sets apart from the schema's defaults that describe the
    world (the scenario's and the run's own settings left out), in schema order."""
    return [
        name
        for name in params.overrides()
        if name in SPECS and SPECS[name].group not in NOT_FACTS and SPECS[name].type != "pairs"
    ]


def _grouped(names: list[str]) -> list[tuple[str, list[str]]]:
    """The facts as set back: coupled inputs together (named by their group), the others
    alone (named by themselves), in the order of their first input."""
    out: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    for name in names:
        if name in seen:
            continue
        group = next((g for g, members in COUPLED.items() if name in members), None)
        members = [n for n in names if group and n in COUPLED[group]] or [name]
        seen.update(members)
        out.append((group or name, members))
    return out


def _evaluate(params) -> dict:
    """The most-likely case's answer, each mode's NPV if started and each own service's
    committed NPV (run to the horizon, never leaving by choice), US$ m."""
    best = simulate(params).ranking[0]
    res = simulate(params, started=True)
    started = pd.DataFrame(
        {m: np.ravel(finance.npv(r.cash_flow, res.rate))[:1] for m, r in res.modes.items()}
    )
    committed = {
        m: float(np.ravel(finance.npv(res.modes[m].committed_cash_flow, res.rate))[0])
        for m in MODES.services()
    }
    return {"answer": best, "started": started, "committed": committed}


def _lead(started: pd.DataFrame, mode: str) -> float:
    return float(drivers.margin(started, mode).iloc[0])


def _rival(started: pd.DataFrame, mode: str) -> str:
    rivals = MODES.rivals(mode, started.columns)
    return str(started[rivals].iloc[0].idxmax())


def _shown(name: str, value) -> str:
    """A value as the scenario gives it: a number, or a range by its most likely value and
    its ends."""
    if isinstance(value, list | tuple) and len(value) == 3:
        lo, mode, hi = (float(v) for v in value)
        return f"{format_value(name, mode)} ({_range(name, lo, hi)})"
    if isinstance(value, dict):
        return "a distribution of its own"
    if isinstance(value, str):
        return value
    return format_value(name, float(value))


def _default_shown(name: str) -> str:
    spec = SPECS[name]
    if spec.type == "str":
        return str(spec.default)
    text = format_value(name, float(spec.default))
    if spec.default_range is not None:
        text += f" ({_range(name, *spec.default_range)})"
    return text


def _range(name: str, lo: float, hi: float) -> str:
    """``range 2 to 10 x``: the unit once, at the end, where it trails both ends."""
    low, high = format_value(name, lo), format_value(name, hi)
    unit = SPECS[name].unit
    if unit and low.endswith(" " + unit) and high.endswith(" " + unit):
        low = low[: -len(unit) - 1]
    return f"range {low} to {high}"


def _values(members: list[str], given: dict, default: bool) -> str:
    """One fact's values as a reader writes them: a single input with its range, a group
    by each input's label and most likely value."""
    if len(members) == 1:
        n = members[0]
        return _default_shown(n) if default else _shown(n, given[n])
    parts = []
    for n in members:
        value = SPECS[n].default if default else given[n]
        if isinstance(value, list | tuple) and len(value) == 3:
            value = value[1]
        parts.append(f"{label(n)} {_shown(n, value)}")
    return ", ".join(parts)


def _the(text: str) -> str:
    """``the discount rate``, but ``solo's yearly forced-exit risk``."""
    return text if text.split(" ", 1)[0].endswith("'s") else f"the {text}"


def _effect(x: float, what: str) -> str:
    """``raises licensing's lead by $44 m``, ``lowers ...``, ``leaves ... unchanged``."""
    if pd.isna(x) or abs(x) < SHOWN_USD_M:
        return f"leaves {what} unchanged"
    return f"{'raises' if x > 0 else 'lowers'} {what} by {money(abs(float(x)))}"


def scenario_facts(params) -> pd.DataFrame:
    """What each of the scenario's facts does: set back to its default (coupled inputs
    together, :data:`COUPLED`), the others as the scenario has them, then all at once,
    in the most-likely case.

    Returns
    -------
    pandas.DataFrame
        One row per fact, those that move the answer's lead most first (then those that
        move an own service most), then a row ``fact`` = ``"all"`` for every fact at its
        default at once. Columns: ``fact`` (an input's name or a group of
        :data:`COUPLED`), ``inputs`` (the inputs set back), ``label``, ``as_set`` and
        ``default`` (as a reader writes them), ``answer`` (the most-likely case's best mode
        with the fact at its default; empty where it cannot be set back), ``rival``
        (the answer's best rival as the scenario has it), ``lead`` (the best mode's lead
        at the default), ``lead_effect`` (the scenario's answer's lead as set minus at
        the default: what the fact does to it), ``flips`` (whether the answer at the
        default differs), ``note`` (why a fact cannot be set back), and for each own
        service ``started_<mode>`` and ``committed_<mode>``: what the fact does to its
        NPV if started (with its reviews) and run to the horizon without leaving by
        choice. US$ m. Empty when the scenario sets no fact apart from the defaults.
    """
    names = facts(params)
    own = list(MODES.services())
    effects = [f"{k}_{m}" for m in own for k in ("started", "committed")]
    if not names:
        return pd.DataFrame(columns=[*COLUMNS, *effects])
    now = _evaluate(params)
    answer = now["answer"]
    rival = _rival(now["started"], answer)
    lead_now = _lead(now["started"], answer)
    given = params.overrides()
    rows = []
    for fact, members in [*_grouped(names), ("all", names)]:
        kept = {k: v for k, v in given.items() if k not in members}
        row = {
            "fact": fact,
            "inputs": tuple(members),
            "label": "every one of them"
            if fact == "all"
            else fact
            if fact in COUPLED
            else label(fact),
            "as_set": "" if fact == "all" else _values(members, given, default=False),
            "default": "" if fact == "all" else _values(members, given, default=True),
            "rival": rival,
        }
        try:
            back = validate(kept)
        except ParameterError as exc:
            log.info("%s cannot be set back: %s", fact, exc)
            rows.append(
                {
                    **row,
                    "answer": "",
                    "lead": np.nan,
                    "lead_effect": np.nan,
                    "flips": False,
                    "note": str(exc),
                }
            )
            continue
        then = _evaluate(back)
        moved = {}
        for m in own:
            moved[f"started_{m}"] = float(now["started"][m].iloc[0] - then["started"][m].iloc[0])
            moved[f"committed_{m}"] = now["committed"][m] - then["committed"][m]
        rows.append(
            {
                **row,
                "answer": then["answer"],
                "lead": _lead(then["started"], then["answer"]),
                "lead_effect": lead_now - _lead(then["started"], answer),
                **moved,
                "flips": then["answer"] != answer,
                "note": "",
            }
        )
    table = pd.DataFrame(rows, columns=[*COLUMNS, *effects])
    single = table[table["fact"] != "all"]
    by_lead = single["lead_effect"].abs().fillna(-1.0)
    by_own = single[effects].abs().max(axis=1).fillna(-1.0)
    order = pd.DataFrame({"lead": by_lead, "own": by_own}).sort_values(
        ["lead", "own"], ascending=False, kind="stable"
    )
    return pd.concat([single.loc[order.index], table[table["fact"] == "all"]], ignore_index=True)


def moved(x: float) -> str:
    """A fact's effect in words: ``+$44 m``, ``−$30 m`` or ``no change``."""
    if pd.isna(x):
        return ""
    return "no change" if abs(x) < SHOWN_USD_M else money(float(x), signed=True)


def in_words(table: pd.DataFrame, answer: str, top: int | None = None) -> list[str]:
    """The facts in sentences: what each does to ``answer``'s lead (the most-likely case's
    best mode as the scenario has it) and to each own service run to the horizon (the
    ``top`` that move the lead most, all by default); whether any moves an own service
    with its reviews; what all of them at their defaults give; where to read what would
    flip the answer."""
    if table.empty:
        return [
            "This scenario sets no input about the market, the rules, the partner or the "
            "streamer apart from the defaults."
        ]
    single = table[table["fact"] != "all"]
    best = MODES.label(answer)
    rival = MODES.in_words(str(single["rival"].iloc[0]))
    shown = single if top is None else single.head(top)
    most = "" if len(shown) == len(single) else f"; the {len(shown)} that move the lead most"
    out = [
        f"This scenario sets {len(single)} facts apart from the defaults. What each does, "
        f"against its default, the others as the scenario has them, in the most-likely case "
        f"({best}'s lead is over {rival}{most}):"
    ]
    lead = f"{best}'s lead"
    for _, r in shown.iterrows():
        name = _the(r["label"])
        if r["fact"] in COUPLED:
            name += f" ({r['as_set']} here; {r['default']} by default)"
        else:
            name += f", {r['as_set']} here against {r['default']} by default,"
        name = name[:1].upper() + name[1:]
        if not r["answer"]:
            out.append(f"{name.rstrip(',')} cannot be set back: {r['note']}")
            continue
        own = [
            _effect(r[c], f"{MODES.in_words(c[len('committed_') :])}'s value")
            for c in r.index
            if c.startswith("committed_") and abs(r[c]) >= SHOWN_USD_M
        ]
        then = (
            f"; at the default {MODES.in_words(r['answer'])} would be the best way in"
            if r["flips"]
            else ""
        )
        out.append(
            f"{name} {_effect(r['lead_effect'], lead)}"
            + (f"; run to the horizon, it {' and '.join(own)}" if own else "")
            + f"{then}."
        )
    started = [c for c in single.columns if c.startswith("started_")]
    still = [c[len("started_") :] for c in started if single[c].abs().max() < SHOWN_USD_M]
    if still:
        who = " and ".join(MODES.in_words(m) for m in still)
        out.append(
            f"No fact moves the value of {who} started with its reviews: "
            "in the most-likely case it walks away before it earns, whatever these facts."
        )
    every = table[table["fact"] == "all"].iloc[0]
    if not every["answer"]:
        out.append(f"All of them at their defaults at once are refused: {every['note']}")
    else:
        then = (
            f"{MODES.in_words(every['answer'])} would be the best way in"
            if every["flips"]
            else f"{best} would still be the best way in"
        )
        out.append(
            f"With all of them at their defaults at once, {then} (its lead "
            f"{money(float(every['lead']))})."
        )
    if not single["flips"].any():
        out.append(
            "No fact alone flips the answer; the switching values and the frontier above "
            "give the value of an input that would."
        )
    return out
