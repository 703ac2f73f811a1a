"""The comparison report of a batch (``notebooks/compare.ipynb``): scenarios side by side.

Built from the runs' manifests only (their headline numbers and the parameters each
was given), so it costs seconds however large the runs: per scenario the
recommendation and how sure, each mode's NPV range, the deal zone, and which inputs
differ between the scenarios and how much each difference moves each mode's
most-likely-case NPV (:func:`models.analysis.rundiff.attribute`, from the first scenario).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from models.analysis import rundiff
from models.economics.modes import MODES
from models.exceptions import ParameterError
from models.format import count, esc, money, number, pct
from models.inputs.display import format_value, label
from models.inputs.schema import SPECS
from models.reporting.blocks import HTMLBlock, table
from models.reporting.provenance import read_manifest
from models.reporting.style import layout


def load_runs(run_dirs: list[str]) -> list[dict[str, Any]]:
    """The manifests of the runs compared, in the order given (each with ``_dir``).

    Raises
    ------
    OutputError
        If a folder has no readable run manifest (the message names it).
    """
    if not run_dirs:
        raise ParameterError("runs=[]: expected the run folders to compare")
    runs = []
    for d in run_dirs:
        m = read_manifest(d)
        m["_dir"] = str(d)
        runs.append(m)
    return runs


def _name(m: dict[str, Any]) -> str:
    return str(m.get("scenario_name") or m.get("scenario") or m.get("run_id"))


#: Words for the values of the parameters that take one of a few codes.
CHOICE_WORDS = {
    "gordon": "growing for ever (Gordon)",
    "revenue_multiple": "a multiple of revenue",
    "none": "none",
    "off": "off",
    "on": "on",
    "share_on_offer": "a share of the titles on offer (2018 draft)",
    "yearly_ratio": "a yearly ratio to domestic titles (2014 rule)",
    "lhs": "Latin hypercube",
    "mc": "plain Monte Carlo",
    "adaptive": "adaptive (review rules)",
    "fixed": "fixed plan",
    "foresight": "perfect foresight",
    "exclusive": "exclusive",
    "non_exclusive": "non-exclusive",
}


def _known(x: Any) -> bool:
    """Whether ``x`` is a number that can be written (not None, not NaN)."""
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _number(name: str, x: Any) -> str:
    """One number of parameter ``name`` with its unit (:func:`format_value`)."""
    if not _known(x):
        return "not a number" if isinstance(x, float) else _words(x)
    if name in SPECS and SPECS[name].unit == "calendar year":
        return f"{x:.0f}"
    text = format_value(name, x) if name in SPECS else f"{x:,.3g}"
    return text.replace("-", "−", 1) if x < 0 else text  # a true minus sign


#: The parameters of a distribution given in the input's own unit (the others, such
#: as a lognormal's sigma or a beta's shapes, are plain numbers).
IN_UNIT = ("low", "mode", "high", "median", "mean", "sd", "min", "max")


def _words(v: Any) -> str:
    """A text or code value in words (a mode by its label, a code by
    :data:`CHOICE_WORDS`, else its underscores as spaces)."""
    if v is None:
        return "not set"
    if isinstance(v, bool):
        return "yes" if v else "no"
    text = str(v)
    if text in MODES.names():
        return MODES.label(text)
    return CHOICE_WORDS.get(text, text.replace("_", " "))


def value_words(name: str, v: Any) -> str:
    """A parameter's value as a reader reads it: a number with its unit, a range
    ``[low, mode, high]`` as "0.2 % to 1.0 % (most likely 0.5 %)", a distribution by its
    name and parameters, correlations as "A with B: 0.6", a code in words; never a
    Python ``repr`` (no brackets, braces, quotes, ``None`` or ``nan``).
    """
    spec = SPECS.get(name)
    if spec is not None and spec.type == "pairs":
        pairs = [p for p in (v or []) if isinstance(p, list | tuple) and len(p) == 3]
        if not pairs:
            return "none"
        return "; ".join(f"{label(a)} with {label(b)}: {number(r, 2)}" for a, b, r in pairs)
    if isinstance(v, Mapping):
        kind = str(v.get("dist", "distribution"))
        parts = [
            f"{k} {_number(name if k in IN_UNIT else '', x)}" for k, x in v.items() if k != "dist"
        ]
        return kind + (" (" + ", ".join(parts) + ")" if parts else "")
    if isinstance(v, list | tuple):
        if len(v) == 3 and all(_known(x) for x in v):
            low, mode, high = (_number(name, x) for x in v)
            return f"{low} to {high} (most likely {mode})"
        return ", ".join(_number(name, x) for x in v) if v else "none"
    if _known(v) or isinstance(v, float):
        return _number(name, v)
    return _words(v)


def title(runs: list[dict[str, Any]]) -> HTMLBlock:
    """The report's title and the runs it compares."""
    items = "".join(
        f"<li><b>{esc(_name(m))}</b>: run <code>{esc(m.get('run_id'))}</code>, "
        f"{esc(str(m.get('started', ''))[:16].replace('T', ' '))} UTC, "
        f"{esc(_futures(m))}</li>"
        for m in runs
    )
    return HTMLBlock(
        '<div class="me-report"><p style="color:#666;margin:0">China entry decision</p>'
        f"<h1>{len(runs)} scenarios compared</h1><ul>{items}</ul></div>"
    )


def _futures(m: dict[str, Any]) -> str:
    n = (m.get("headline") or {}).get("n_paths")
    return count(int(n), "simulated future") if _known(n) else "futures not recorded"


def answers(runs: list[dict[str, Any]]) -> HTMLBlock:
    """Per scenario: the recommendation, how sure, its lead over the runner-up and the
    deal zone, as a table."""
    rows = []
    for m in runs:
        h = m.get("headline") or {}
        rec = h.get("recommended")
        lead = h.get("lead") or {}
        zone = h.get("deal_zone") or {}
        if zone.get("exists") and zone.get("low") is not None:
            deal = f"partner's share {pct(zone['low'])} to {pct(zone['high'])}"
        elif zone:
            deal = "none: no share suits both sides"
        else:
            deal = "not recorded"
        rows.append(
            {
                "scenario": _name(m),
                "recommended": MODES.label(rec) if rec else "not recorded",
                "how sure": (
                    pct(h["probability_best"])
                    if _known(h.get("probability_best"))
                    else "not recorded"
                ),
                "lead": (
                    f"{money(lead['mean'])} ± {money(2 * lead['se'])} over "
                    f"{MODES.in_words(h['runner_up'])}"
                    if _known(lead.get("mean")) and _known(lead.get("se")) and h.get("runner_up")
                    else "not recorded"
                ),
                "deal zone": deal,
            }
        )
    return table(
        pd.DataFrame(rows),
        caption="How sure: the share of futures in which the recommended mode is the best; "
        "lead: its mean NPV lead with two standard errors.",
    )


def npv_ranges(runs: list[dict[str, Any]]) -> go.Figure:
    """Each mode's NPV in each scenario: the mean, with bars from P5 to P95 (US$ m)."""
    fig = go.Figure()
    names = [_name(m) for m in runs]
    for mode in MODES.names():
        means, lo, hi = [], [], []
        for m in runs:
            row = (m["headline"].get("modes") or {}).get(mode) or {}
            means.append(row.get("mean"))
            lo.append(row.get("mean", 0) - row.get("p5", 0) if row else None)
            hi.append(row.get("p95", 0) - row.get("mean", 0) if row else None)
        fig.add_trace(
            go.Scatter(
                x=means,
                y=names,
                mode="markers",
                name=MODES.label(mode),
                marker={"color": MODES.colour(mode), "size": 10},
                error_x={"type": "data", "symmetric": False, "array": hi, "arrayminus": lo},
                text=[money(v) if _known(v) else "" for v in means],
                hovertemplate="%{text}<extra>" + MODES.label(mode) + "</extra>",
            )
        )
    layout(fig, "NPV by mode and scenario (US$ m; mean, P5 to P95)", "", "US$ millions")
    fig.update_layout(hovermode="closest", height=160 + 90 * len(runs), scattermode="group")
    fig.update_yaxes(autorange="reversed")
    return fig


def inputs_that_differ(runs: list[dict[str, Any]]) -> HTMLBlock:
    """The parameters whose values differ between the scenarios, one column each."""
    given = [rundiff.given(m) for m in runs]
    names = [
        n
        for n in dict.fromkeys(k for g in given for k in g)
        if n in SPECS
        and n not in ("scenario_name", "scenario_notes")
        and len(
            {json.dumps(g.get(n, SPECS[n].default), sort_keys=True, default=str) for g in given}
        )
        > 1
    ]
    if not names:
        return HTMLBlock(
            '<div class="me-report"><p>The scenarios are given the same inputs.</p></div>'
        )
    rows = []
    for n in names:
        row = {"input": label(n)}
        for m, g in zip(runs, given, strict=True):
            v = g.get(n, SPECS[n].default)
            row[_name(m)] = value_words(n, v)
        rows.append(row)
    return table(pd.DataFrame(rows), caption="An input a scenario does not set is at its default.")


def what_moves_the_answer(runs: list[dict[str, Any]], top: int = 8) -> HTMLBlock:
    """For each scenario after the first: how much each input that differs from the
    first scenario moves the NPV of each mode's most-likely case, alone (largest first), then all
    together."""
    if len(runs) < 2:
        return HTMLBlock('<div class="me-report"><p>One scenario: nothing to compare.</p></div>')
    first = rundiff.given(runs[0])
    out = []
    for m in runs[1:]:
        try:
            att = rundiff.attribute(first, rundiff.given(m))
        except ParameterError as exc:
            out.append(HTMLBlock(f'<div class="me-report"><p>{esc(exc)}</p></div>'))
            continue
        parts = att.drop(index=["all together", "interactions"])
        size = parts.abs().max(axis=1)
        order = size[size >= 0.05].sort_values(ascending=False).index[:top]
        idle = int((size < 0.05).sum())
        unshown = int((size >= 0.05).sum()) - len(order)
        shown = pd.concat([parts.loc[order], att.loc[["all together", "interactions"]]])
        shown.index = [label(i) if i in SPECS else _words(i) for i in shown.index]
        shown.columns = [MODES.label(c) for c in shown.columns]
        shown = shown.map(lambda x: number(x, 1, signed=True) if _known(x) else "")
        out.append(
            table(
                shown.reset_index(names="from the first scenario"),
                caption=f"{_name(runs[0])} to {_name(m)}: change in each mode's most-likely-case "
                "NPV (US$ m) when each input alone takes its new value, then all together; "
                "interactions are what the parts leave unexplained."
                + (
                    f" {count(unshown, 'other input')} "
                    f"{'moves' if unshown == 1 else 'move'} some mode by less than those shown."
                    if unshown
                    else ""
                )
                + (
                    f" {count(idle, 'other input')} that "
                    f"{'differs moves' if idle == 1 else 'differ move'} no mode by as much as "
                    "$0.05 m."
                    if idle
                    else ""
                ),
            )
        )
    return HTMLBlock("".join(str(b) for b in out))
