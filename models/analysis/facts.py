"""What a scenario's own facts do to its answer.

A scenario file lists only the inputs it sets apart from the schema's defaults, each with
its source: ``letv_2015`` sets late 2015's market (its size, paying share and how fast
that share grew), LeTV's reach and LeEco's distress; ``crackdown`` sets harsher rules.
:func:`scenario_facts` sets each of them back to its default alone, the others as the
scenario has them, and reports how the expected case's answer and its lead move
(issue 21: "the letv_2015 report says which of late 2015's facts drive its answer and
what would have flipped it"). Where one fact alone does not flip the answer, the
frontier and the switching values (:mod:`models.analysis.drivers`) say what value would.

The expected case is used throughout (inputs at their most likely values, events in
expectation), as for the switching values: the answer is the expected case's best mode
(:attr:`models.economics.results.SimulationResult.ranking`, its reviews included) and
its lead is its NPV if started over the best mode that starts differently
(:func:`models.analysis.drivers.margin`), US$ m.
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

#: Moves of another mode's value (US$ m) too small to state in :func:`in_words`.
SHOWN_USD_M = 0.5

COLUMNS = [
    "input",
    "label",
    "as_set",
    "default",
    "answer",
    "lead",
    "lead_change",
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


def _committed(params) -> dict[str, float]:
    """Each own service's NPV run to the horizon without leaving by choice (the
    committed value), started now, in the expected case, US$ m: what a fact about the
    market or the partner does to a service that, with its reviews, would walk away."""
    res = simulate(params, started=True)
    return {
        m: float(np.ravel(finance.npv(res.modes[m].committed_cash_flow, res.rate))[0])
        for m in MODES.services()
    }


def _answer(params) -> tuple[str, float]:
    """The expected case's best mode and its lead if started, US$ m."""
    best = simulate(params).ranking[0]
    started = drivers.npv_by_mode(params, pd.DataFrame())
    return best, float(drivers.margin(started, best).iloc[0])


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


def scenario_facts(params) -> pd.DataFrame:
    """Each of the scenario's facts set back to its default alone, and all of them
    together, in the expected case.

    Returns
    -------
    pandas.DataFrame
        One row per fact, the facts that move the answer's lead or a mode's value most
        first, then a row
        ``input`` = ``"all"`` for every fact at its default at once: ``input``,
        ``label``, ``as_set`` and ``default`` (as a reader writes them), ``answer`` (the
        expected case's best mode with the fact at its default; empty where the fact
        cannot be set back alone), ``lead`` (that mode's lead over the best mode that
        starts differently, US$ m), ``lead_change`` (the scenario's answer's lead with
        the fact at its default minus its lead as set, US$ m), ``flips`` (whether the
        answer changes), ``note`` (why a fact cannot be set back alone) and, for each own
        service, ``change_<mode>`` (its committed NPV, run to the horizon without
        leaving by choice, with the fact at its default minus as set, US$ m). Empty when
        the scenario sets no fact apart from the defaults.
    """
    names = facts(params)
    if not names:
        return pd.DataFrame(columns=COLUMNS)
    answer, _ = _answer(params)
    started = drivers.npv_by_mode(params, pd.DataFrame())
    lead_now = float(drivers.margin(started, answer).iloc[0])
    given = params.overrides()
    committed = _committed(params)
    rows = []
    for name in [*names, "all"]:
        kept = {k: v for k, v in given.items() if k != name and not (name == "all" and k in names)}
        row = {
            "input": name,
            "label": "every one of them" if name == "all" else label(name),
            "as_set": "" if name == "all" else _shown(name, given[name]),
            "default": "" if name == "all" else _default_shown(name),
        }
        try:
            back = validate(kept)
        except ParameterError as exc:
            log.info("%s cannot be set back alone: %s", name, exc)
            rows.append(
                {
                    **row,
                    "answer": "",
                    "lead": np.nan,
                    "lead_change": np.nan,
                    "flips": False,
                    "note": str(exc),
                }
            )
            continue
        best, lead = _answer(back)
        values = drivers.npv_by_mode(back, pd.DataFrame())
        change = float(drivers.margin(values, answer).iloc[0]) - lead_now
        moved = {f"change_{m}": v - committed[m] for m, v in _committed(back).items()}
        rows.append(
            {
                **row,
                "answer": best,
                "lead": lead,
                "lead_change": change,
                **moved,
                "flips": best != answer,
                "note": "",
            }
        )
    table = pd.DataFrame(rows, columns=[*COLUMNS, *(f"change_{m}" for m in committed)])
    single = table[table["input"] != "all"]
    moves = [c for c in table.columns if c.startswith("change_") or c == "lead_change"]
    order = single[moves].abs().max(axis=1).fillna(-1.0)
    order = order.sort_values(ascending=False, kind="stable")
    return pd.concat([single.loc[order.index], table[table["input"] == "all"]], ignore_index=True)


def in_words(table: pd.DataFrame, answer: str, top: int | None = None) -> list[str]:
    """The facts in sentences: which ones alone would change ``answer`` (the expected
    case's best mode as the scenario has it) and how far each moves its lead and each
    own service's committed value (the ``top`` that move most, all by default), then
    what all of them at their defaults give."""
    if table.empty:
        return [
            "This scenario sets no input about the market, the rules, the partner or the "
            "streamer apart from the defaults."
        ]
    single = table[table["input"] != "all"]
    best = MODES.label(answer)
    shown = single if top is None else single.head(top)
    most = "" if len(shown) == len(single) else f" (the {len(shown)} that move values most)"
    out = [
        f"This scenario sets {len(single)} inputs apart from the defaults. Each set back to "
        f"its default alone{most}, the others as the scenario has them, in the expected case:"
    ]
    for _, r in shown.iterrows():
        if not r["answer"]:
            out.append(f"The {r['label']} ({r['as_set']}) cannot be set back alone: {r['note']}")
            continue
        moved = (
            f"would move {best}'s lead over the best other way by "
            f"{money(r['lead_change'], signed=True)}"
        )
        others = [
            f"{MODES.in_words(c[len('change_') :])}'s by {money(r[c], signed=True)}"
            for c in r.index
            if c.startswith("change_") and abs(r[c]) >= SHOWN_USD_M
        ]
        if others:
            moved += "; run to the horizon, " + " and ".join(others)
        then = (
            f"and make {MODES.in_words(r['answer'])} the best way in"
            if r["flips"]
            else f"and {best} would stay the best way in"
        )
        out.append(
            f"The {r['label']}, {r['as_set']} here against {r['default']} by default, "
            f"{moved}, {then}."
        )
    every = table[table["input"] == "all"].iloc[0]
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
    return out
