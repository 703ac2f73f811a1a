"""The what-if in the shared HTML report: sliders that answer offline, with no Python.

:func:`section` renders a :class:`models.analysis.whatif_design.Design` as one HTML
block: a range input per slider, the answer beside them (the recommendation, its lead
over the runner-up with its Monte Carlo and interpolation errors, each mode's mean and
P5 to P95, in words and in one chart), warnings where the interpolation cannot be
trusted, the position as ``-p`` options and as a scenario file, and a table of the full
model's answers at the sliders' ends, which is what a printed report shows.

The answer is the design's surrogate (:mod:`models.analysis.surrogate`) evaluated by a
small script embedded with its numbers (about 30 kB for 40 positions): no external
request, no library, nothing to install. The script's arithmetic follows
:meth:`models.analysis.surrogate.Surrogate.predict`, and its formats follow
:mod:`models.format` and :func:`models.inputs.display.format_value`; the browser tests
(``tests/runner/test_whatif_offline.py``) hold the page to both.
"""

from __future__ import annotations

import json
import uuid
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from models import format as fmt
from models.analysis.whatif import Control
from models.analysis.whatif_design import Design, outputs
from models.economics.modes import MODES
from models.inputs import scenario as scenario_file
from models.inputs.display import value_format
from models.reporting.blocks import HTMLBlock, header

_e = fmt.esc

#: Significant digits of the numbers embedded in the page (the surrogate's weights are
#: rounded to them in :func:`payload`, and a test predicts from the same numbers).
DIGITS = 10


def _round(a: Any) -> Any:
    """Nested lists of floats rounded to :data:`DIGITS` significant digits."""
    arr = np.asarray(a, dtype=float)
    return (
        [float(f"{v:.{DIGITS}g}") for v in arr.ravel()]
        if arr.ndim == 1
        else [_round(row) for row in arr]
    )


def payload(design: Design, params, reported: pd.Series | None = None) -> dict[str, Any]:
    """The numbers the page's script needs (JSON-ready); ``reported``, each mode's mean
    NPV in the report (US$ m), if given."""
    s = design.surrogate
    modes = list(MODES.names())
    overrides = {k: v for k, v in params.overrides().items() if k not in design.names} | {
        "scenario_name": f"{params.scenario_name} (what-if)"
    }
    return {
        "controls": [
            {
                "name": c.name,
                "label": c.label,
                "value": c.value,
                "low": c.low,
                "high": c.high,
                "step": c.step,
                "integer": c.integer,
                "format": value_format(c.name, c.step),
            }
            for c in design.controls
        ],
        "outputs": outputs(),
        "modes": [
            {
                "name": m,
                "label": MODES.label(m),
                "words": MODES.in_words(m),
                "colour": MODES.colour(m),
                "commitment": MODES.commitment(m),
                "rivals": MODES.rivals(m, modes),
                "baseline": MODES.is_baseline(m),
                "reported": None if reported is None else float(reported[m]),
            }
            for m in modes
        ],
        "pairs": [[a, b] for a, b in combinations(modes, 2)],
        "surrogate": {
            "low": _round(s.low),
            "high": _round(s.high),
            "anchor": _round(s.anchor),
            "anchor_values": _round(s.anchor_values),
            "lines": [[_round(xs), _round(ys)] for xs, ys in s.lines],
            "multiplicative": [bool(v) for v in s.multiplicative],
            "centres": _round(s.centres),
            "weights": _round(s.weights),
            "tail": _round(s.tail),
        },
        "error": {k: (None if v != v else v) for k, v in design.error_.items()},
        "n_paths": design.n_paths,
        "scenario_yaml": scenario_file.dumps(overrides),
    }


def _slider(uid: str, i: int, c: Control) -> str:
    return (
        f'<div class="me-wi-row"><label for="{uid}-{i}">{_e(c.label)}</label>'
        f'<input type="range" id="{uid}-{i}" data-name="{_e(c.name)}" min="{c.low!r}" '
        f'max="{c.high!r}" step="{c.step!r}" value="{c.value!r}" '
        f'aria-describedby="{uid}-{i}-v">'
        f'<output id="{uid}-{i}-v" for="{uid}-{i}">{_e(c.show(c.value))}</output>'
        f'<span class="me-wi-why">{_e(c.why)}</span></div>'
    )


def _position_label(design: Design, row) -> str:
    moved = [c for c in design.controls if abs(row[c.name] - c.value) > 1e-12]
    if not moved:
        return "the scenario's values"
    return "; ".join(f"{c.label} {c.show(row[c.name])}" for c in moved)


def answers_table(design: Design) -> str:
    """The full model's answers at the start and at each slider's ends (the others at
    their starting values): what a printed report shows of the what-if."""
    d = design.design
    names = design.names
    rows = [d.iloc[0]]
    for c in design.controls:
        line = d[(d["kind"] == "axis") & (d[names].ne(d.iloc[0][names]).sum(axis=1) == 1)]
        line = line[line[c.name] != c.value]
        for v in (line[c.name].min(), line[c.name].max()):
            if v == v:
                rows.append(line[line[c.name] == v].iloc[0])
    modes = list(MODES.names())
    head = "".join(f"<th>{_e(MODES.label(m))}</th>" for m in modes)
    body = []
    for r in rows:
        means = {m: r[f"mean:{m}"] for m in modes}
        order = sorted(modes, key=lambda m: (-round(means[m], 6), MODES.commitment(m)))
        rec = order[0]
        second = next(m for m in order[1:] if m in MODES.rivals(rec, order))
        cells = "".join(f"<td>{fmt.number(means[m])}</td>" for m in modes)
        body.append(
            f"<tr><td>{_e(_position_label(design, r))}</td><td>{_e(MODES.label(rec))}</td>"
            f"<td>{fmt.number(means[rec] - means[second])} over {_e(MODES.in_words(second))}"
            f"</td>{cells}</tr>"
        )
    return (
        '<table class="me-table me-wi-table"><caption>The full model at the scenario\'s '
        "values and at each slider's ends, the others at their starting values: mean NPV "
        f"over {design.n_paths:,} futures, US$ m</caption><thead><tr>"
        f"<th>{header('position')}</th><th>{header('recommended')}</th>"
        f"<th>{header('lead')}</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _how(design: Design, reported: pd.Series | None) -> str:
    e = design.error_
    parts = []
    if e.get("one_n"):
        parts.append(
            f"moving one slider, within ± {fmt.money(e['one_mean'])} of the full model for "
            f"a mean NPV and ± {fmt.money(e['one_range'])} for P5 and P95, at "
            f"{fmt.count(int(e['one_n']), 'position')} (held out of the fit, one along each "
            "slider, or left out of a slider's line in turn)"
        )
    if e.get("several_n"):
        parts.append(
            f"moving several, within ± {fmt.money(e['several_mean'])} for a mean and ± "
            f"{fmt.money(e['several_range'])} for P5 and P95, at "
            f"{fmt.count(int(e['several_n']), 'position')} (held out, or left out of the "
            "fit in turn), as far from the positions run as the page lets a position be "
            "before it warns"
        )
    start = design.design.iloc[0]
    if reported is not None:
        best = str(reported.idxmax())
        gap = (
            f" For {MODES.in_words(best)}, {fmt.money(start[f'mean:{best}'])} against "
            f"{fmt.money(reported[best])} in the table above."
        )
    else:
        gap = ""
    noise = design.noise_
    return (
        "<p class='me-wi-how'>How this works: when the report was made, the full model "
        f"ran at {fmt.count(len(design.design), 'position')} of these sliders, each with "
        f"its review rules fitted there and {design.n_paths:,} futures, the same futures "
        "at every position, so that a move shows the inputs' effect rather than sampling "
        f"noise (a mean NPV carries ± {fmt.money(2 * noise['se_mean'])}; the change from "
        f"the start to the nearest position along a slider, ± "
        f"{fmt.money(2 * noise['se_step'])} at most). Between those positions the page "
        f"interpolates; its largest error was measured: {'; '.join(parts)}. The sliders' "
        "inputs are taken as known at their values, at the start too, where they sit at "
        "their most likely values; in the table above they are uncertain, so the start "
        f"differs from it.{gap} Everything else varies as in the report.</p>"
    )


def section(design: Design, params, reported: pd.Series | None = None) -> HTMLBlock:
    """The offline what-if as one report block (see the module docstring); ``reported``,
    each mode's mean NPV in the report (US$ m), is what the start is compared with."""
    uid = "me-wi-" + uuid.uuid4().hex[:8]
    data = json.dumps(payload(design, params, reported), separators=(",", ":"), allow_nan=False)
    # no "<", ">" or "&" inside the script element at all: a scenario's name cannot end
    # it or switch the HTML parser's state ("<!--<script")
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    sliders = "".join(_slider(uid, i, c) for i, c in enumerate(design.controls))
    body = (
        f'<div class="me-report me-whatif" id="{uid}"><style>{_asset("whatif.css")}</style>'
        "<p><b>What if:</b> move an input and the answer follows, here in the report, "
        "without Python. The answer between the positions the full model ran at is "
        "interpolated; the page says where that cannot be trusted.</p>"
        f'<div class="me-wi-live">{sliders}'
        '<p><button type="button" class="me-wi-reset">Back to the scenario</button></p>'
        '<div class="me-wi-answer" aria-live="polite"></div>'
        '<div class="me-wi-warn" role="status"></div>'
        '<div class="me-wi-chart"></div>'
        '<p class="me-wi-run">To run the full model at this position, add to the command '
        'that made this report: <code class="me-wi-p"></code> '
        '<button type="button" class="me-wi-copy">Copy</button></p>'
        "<details><summary>The position as a scenario file</summary>"
        '<pre class="me-wi-yaml"></pre></details></div>'
        f"{answers_table(design)}{_how(design, reported)}"
        f'<script type="application/json" id="{uid}-data">{data}</script>'
        f"<script>{_asset('whatif.js').replace('__ID__', uid)}</script></div>"
    )
    return HTMLBlock(body)


_ASSETS = Path(__file__).with_name("assets")


def _asset(name: str) -> str:
    """A file of the page's what-if (its script or its style), as text."""
    return (_ASSETS / name).read_text(encoding="utf-8")
