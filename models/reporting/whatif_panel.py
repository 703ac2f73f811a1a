"""The what-if panel of the main notebook: sliders on the inputs that matter, the answer
back in under a second, and the current values saved as a scenario.

:func:`panel` returns a :class:`Panel`. In JupyterLab it shows as widgets
(ipywidgets):

- a slider per input of :func:`models.analysis.whatif.controls` (the value with its
  unit beside it, why it is offered on hover), a dropdown of the mode to weigh, and a
  button back to the scenario's values;
- a readout: the recommendation, the chosen mode in one sentence, what was moved;
- a chart of each mode's NPV over the panel's futures (mean, P5 to P95) with the
  most-likely case and the starting position;
- a title box and a button that saves the current values as a scenario file in
  ``data/scenarios/``, asking before it replaces one.

A move first updates the most-likely case (about 20 ms); the review rules and the small
Monte Carlo run (about 0.8 s, :class:`models.analysis.whatif.WhatIf`) follow on a
background thread, and a result that a later move has overtaken is dropped, so
dragging never queues up work.

Anywhere widgets cannot run (the offline HTML report, which the runner exports without
the widget mimetype, or a notebook opened without a kernel) the panel shows as the
offline what-if (:mod:`models.reporting.whatif_offline`): the same sliders, answered by
a surrogate of the full model run at a design of positions when the report was made
(:mod:`models.analysis.whatif_design`; ``whatif_positions`` of them). With
``whatif_positions: 0`` it shows a static table instead: the same inputs, their values
and ranges, and how to open the live panel.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from models import format as fmt
from models._paths import SCENARIOS
from models.analysis import whatif, whatif_design
from models.analysis.whatif import Control, Outcome, WhatIf
from models.economics.modes import MODES
from models.exceptions import MarketEntryError, ParameterError
from models.inputs import scenario as scenario_file
from models.reporting import blocks, whatif_offline
from models.reporting.blocks import NO_MATH, HTMLBlock
from models.reporting.display import ReportRenderer
from models.reporting.style import layout

log = logging.getLogger(__name__)

_e = fmt.esc


def chart(outcome: Outcome, start: Outcome | None = None, mode: str | None = None) -> go.Figure:
    """Each mode's NPV over the what-if's futures, US$ m, best first.

    Bars: the mean, whiskers from P5 to P95; diamonds: the most-likely case; grey rings:
    the mean at the scenario's own values (``start``), where a change moved it. The
    mode being weighed (``mode``) is outlined.
    """
    order = list(outcome.table.index)
    t = outcome.table
    labels = [MODES.label(m) for m in order]
    fig = go.Figure(
        go.Bar(
            x=t["mean"],
            y=labels,
            orientation="h",
            name=f"mean over {outcome.n_paths:,} futures",
            marker={
                "color": [MODES.colour(m) for m in order],
                "line": {
                    "color": ["#000" if m == mode else "rgba(0,0,0,0)" for m in order],
                    "width": 2.5,
                },
            },
            error_x={
                "type": "data",
                "symmetric": False,
                "array": t["p95"] - t["mean"],
                "arrayminus": t["mean"] - t["p5"],
                "color": "#444",
                "thickness": 1.2,
            },
            text=[fmt.amount(v) if v >= 0 else "−" + fmt.amount(-v) for v in t["mean"]],
            textposition="inside",
            insidetextanchor="start",
            hovertemplate="mean %{x:,.1f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[outcome.expected[m] for m in order],
            y=labels,
            mode="markers",
            name="most-likely case",
            marker={"symbol": "diamond", "size": 11, "color": "#222"},
            hovertemplate="most-likely case %{x:,.1f}<extra></extra>",
        )
    )
    if start is not None and outcome.changes:
        fig.add_trace(
            go.Scatter(
                x=[start.table.loc[m, "mean"] for m in order],
                y=labels,
                mode="markers",
                name="mean at the scenario's values",
                marker={"symbol": "circle-open", "size": 12, "color": "#888", "line": {"width": 2}},
                hovertemplate="at the scenario's values %{x:,.1f}<extra></extra>",
            )
        )
    layout(fig, "NPV by mode if these values held (US$ m; bars P5 to P95)", "", "US$ millions")
    fig.update_layout(hovermode="closest", height=340, margin={"t": 80})
    fig.update_yaxes(autorange="reversed")
    return fig


def static(controls: list[Control], outcome: Outcome | None = None) -> HTMLBlock:
    """The panel where widgets cannot run: its inputs as a table, and where to move them."""
    rows = "".join(
        f"<tr><td>{_e(blocks.header(c.name))}</td><td>{_e(c.show(c.value))}</td>"
        f"<td>{_e(c.show(c.low))} to {_e(c.show(c.high))}</td><td>{_e(c.why)}</td></tr>"
        for c in controls
    )
    answer = f"<p>At these values: {_e(outcome.headline())}.</p>" if outcome is not None else ""
    return HTMLBlock(
        '<div class="me-report me-whatif-static">'
        "<p><b>What if:</b> in the notebook (<code>make lab</code>, then "
        "<code>entry_decision.ipynb</code>) each input below is a slider, and the answer "
        "follows it in under a second. In this report they stand at the scenario's "
        "values.</p>"
        f"{answer}<table class='me-table'><thead><tr><th>{blocks.header('input')}</th>"
        f"<th>{blocks.header('value')}</th><th>{blocks.header('slider range')}</th>"
        f"<th>{blocks.header('why it is offered')}</th></tr></thead><tbody>{rows}</tbody>"
        "</table></div>"
    )


class Panel:
    """The live what-if panel (see the module docstring); build with :func:`panel`.

    Attributes
    ----------
    controls : list of Control
        The inputs offered.
    start : Outcome
        The decision at the scenario's values.
    outcome : Outcome
        The decision at the current position (after the last completed update).
    widget : ipywidgets.VBox
        The panel's widgets.
    design : Design or None
        The offline what-if's design, shown where widgets cannot run.
    reported : Series or None
        Each mode's mean NPV in the report (its inputs uncertain), US$ m, which the
        offline what-if's start is compared with.
    """

    def __init__(
        self,
        params,
        controls: list[Control],
        *,
        n_paths: int = whatif.N_PATHS,
        training_paths: int = whatif.TRAINING_PATHS,
        folder: Path = SCENARIOS,
        background: bool = True,
        design: whatif_design.Design | None = None,
        reported: pd.Series | None = None,
    ) -> None:
        import ipywidgets as w

        self.controls = controls
        self.design = design
        self.reported = reported
        self.steps = {c.name: c.step for c in controls}
        self.model = WhatIf(params, n_paths=n_paths, training_paths=training_paths)
        self.folder = Path(folder)
        self.background = background
        self._generation = 0
        self._lock = threading.Lock()
        self.start = self.model.evaluate()
        self.outcome = self.start
        self.last_error: str | None = None

        def html(value: str = "") -> w.HTML:
            return w.HTML(value=value)

        self.sliders: dict[str, w.FloatSlider | w.IntSlider] = {}
        self.shown: dict[str, w.HTML] = {}
        rows = []
        for c in controls:
            kind = w.IntSlider if c.integer else w.FloatSlider
            slider = kind(
                value=c.value,
                min=c.low,
                max=c.high,
                step=c.step,
                description=c.label,
                readout=False,
                continuous_update=False,
                tooltip=c.why,
                style={"description_width": "230px"},
                layout=w.Layout(width="520px"),
            )
            slider.observe(self._moved, names="value")
            self.sliders[c.name] = slider
            self.shown[c.name] = html(self._value_html(c, c.value))
            rows.append(w.HBox([slider, self.shown[c.name]]))
        self.mode = w.Dropdown(
            options=[(MODES.label(m), m) for m in MODES.names()],
            value=self.start.runner_up
            if MODES.is_baseline(self.start.recommended)
            else self.start.recommended,
            description="Mode to weigh",
            style={"description_width": "230px"},
            layout=w.Layout(width="400px"),
        )
        self.mode.observe(lambda _change: self._show(self.outcome), names="value")
        self.reset = w.Button(
            description="Back to the scenario", icon="undo", layout=w.Layout(width="200px")
        )
        self.reset.on_click(self._reset)
        self.readout = html()
        self.readout.add_class("me-whatif-readout")
        self.status = html()
        self.status.add_class("me-whatif-status")
        self.figure = w.Output(layout=w.Layout(min_height="340px"))
        self.title = w.Text(
            value=f"{params.scenario_name} (what-if)",
            description="Scenario title",
            style={"description_width": "120px"},
            layout=w.Layout(width="520px"),
        )
        self.save_button = w.Button(
            description="Save as scenario", icon="save", layout=w.Layout(width="170px")
        )
        self.save_button.on_click(lambda _b: self.save())
        self.replace_button = w.Button(
            description="Replace it", button_style="warning", layout=w.Layout(display="none")
        )
        self.replace_button.on_click(lambda _b: self.save(overwrite=True))
        self.saved = html()
        self.widget = w.VBox(
            [
                html(
                    f'<div class="{NO_MATH}"><b>What if:</b> move an input and the answer '
                    "follows: the most-likely case at once, then "
                    f"{n_paths:,} simulated futures with the review rules refitted "
                    "(under a second). A moved input is taken as known at its value; the "
                    "futures still vary in everything else.</div>"
                ),
                *rows,
                w.HBox([self.mode, self.reset]),
                self.readout,
                self.status,
                self.figure,
                w.HBox([self.title, self.save_button, self.replace_button]),
                self.saved,
            ]
        )
        self._show(self.start)

    # -- what the reader sees -----------------------------------------------------------
    @staticmethod
    def _value_html(c: Control, value: float) -> str:
        moved = abs(value - c.value) > 1e-12
        note = f" (scenario: {_e(c.show(c.value))})" if moved else ""
        return f'<span class="{NO_MATH}"><b>{_e(c.show(value))}</b>{note}</span>'

    def changes(self) -> dict[str, float]:
        """The inputs moved away from the scenario's values, and their values."""
        out = {}
        for c in self.controls:
            v = self.sliders[c.name].value
            if abs(v - c.value) > 1e-12:
                out[c.name] = int(v) if c.integer else float(v)
        return out

    def _show(self, outcome: Outcome) -> None:
        mode = self.mode.value
        moved = outcome.changed(self.steps)
        lines = [
            f"<b>Recommendation:</b> {_e(outcome.headline())}.",
            _e(outcome.about(mode)) + ".",
            "Moved: " + _e("; ".join(moved)) + "." if moved else "At the scenario's values.",
        ]
        self.readout.value = f'<div class="{NO_MATH}">' + "<br>".join(lines) + "</div>"
        s = outcome.seconds
        self.status.value = (
            f'<div class="{NO_MATH}" style="color:#666">{outcome.n_paths:,} futures in '
            f"{s.get('total', 0):.2f} s (review rules {s.get('review rules', 0):.2f} s).</div>"
        )
        # set the Output's outputs directly: capturing with `with self.figure:` does not
        # work from the background thread
        data = ReportRenderer().to_mimebundle(chart(outcome, self.start, mode).to_dict())
        self.figure.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)

    # -- moving ---------------------------------------------------------------------------
    def _moved(self, _change: Any = None) -> None:
        for c in self.controls:
            self.shown[c.name].value = self._value_html(c, self.sliders[c.name].value)
        changes = self.changes()
        self._generation += 1
        generation = self._generation
        try:
            expected = self.model.expected_case(changes)
        except MarketEntryError as exc:
            self._error(str(exc))
            return
        best = str(expected.idxmax())
        self.status.value = (
            f'<div class="{NO_MATH}" style="color:#666">Most-likely case: '
            f"{_e(MODES.label(best))} first at {_e(fmt.money(expected[best]))}; "
            f"simulating {self.model.n_paths:,} futures…</div>"
        )
        if self.background:
            threading.Thread(
                target=self._simulate, args=(generation, changes, expected), daemon=True
            ).start()
        else:
            self._simulate(generation, changes, expected)

    def _simulate(self, generation: int, changes: dict[str, float], expected=None) -> None:
        with self._lock:
            if generation != self._generation:
                return  # overtaken by a later move
            try:
                outcome = self.model.evaluate(changes, expected)
            except MarketEntryError as exc:
                self._error(str(exc))
                return
            except Exception:  # a thread's error would otherwise vanish
                log.exception("what-if: evaluation failed")
                self._error("the evaluation failed; see the log")
                return
            if generation != self._generation:
                return
            self.outcome = outcome
            self.last_error = None
            self._show(outcome)

    def _error(self, message: str) -> None:
        self.last_error = message
        self.status.value = f'<div class="{NO_MATH}" style="color:#b00">{_e(message)}</div>'

    def _reset(self, _button: Any = None) -> None:
        for c in self.controls:
            self.sliders[c.name].unobserve(self._moved, names="value")
            self.sliders[c.name].value = c.value
            self.sliders[c.name].observe(self._moved, names="value")
        self._moved()

    def set(self, **values: float) -> Outcome:
        """Move sliders by name and wait for the answer (for scripts and tests).

        Raises
        ------
        MarketEntryError
            If the values are refused (the message names the parameter).
        """
        unknown = set(values) - set(self.sliders)
        if unknown:
            raise ParameterError(
                f"what-if: {sorted(unknown)[0]!r} is not on the panel; expected one of "
                f"{list(self.sliders)}"
            )
        background, self.background = self.background, False
        try:
            for name, value in values.items():
                self.sliders[name].unobserve(self._moved, names="value")
                self.sliders[name].value = value
                self.sliders[name].observe(self._moved, names="value")
            self._moved()
        finally:
            self.background = background
        if self.last_error:
            raise ParameterError(self.last_error)
        return self.outcome

    # -- saving ---------------------------------------------------------------------------
    def save(self, overwrite: bool = False) -> Path | None:
        """Save the current values as ``data/scenarios/<title>.yaml``.

        An existing file is not replaced unless ``overwrite``: the panel then says so
        and shows a "Replace it" button. Returns the file written, or None.
        """
        self.replace_button.layout.display = "none"
        title = self.title.value.strip()
        if not title:
            self.saved.value = (
                f'<span style="color:#b00">{_e("Give the scenario a title first.")}</span>'
            )
            return None
        # data/scenarios names its files in lower case with underscores (letv_2015.yaml)
        stem = scenario_file.slug(title).lower().replace("-", "_")
        path = self.folder / f"{stem}.yaml"
        if path.exists() and not overwrite:
            self.saved.value = (
                f'<span class="{NO_MATH}" style="color:#b00">{_e(path.name)} exists in '
                f"{_e(self.folder)}: press “Replace it” to overwrite it, or change the "
                "title.</span>"
            )
            self.replace_button.layout.display = ""
            return None
        try:
            params = self.model.at(self.changes()).replace(scenario_name=title)
            moved = whatif.in_words(self.changes(), self.steps)
            written = scenario_file.save(
                params, path, overwrite=overwrite, comment=self._comment(moved)
            )
        except MarketEntryError as exc:
            self.saved.value = f'<span class="{NO_MATH}" style="color:#b00">{_e(exc)}</span>'
            return None
        self.saved.value = (
            f'<span class="{NO_MATH}">Saved <code>{_e(written)}</code>: run it with '
            f"<code>market-entry run {_e(written)}</code>, or set "
            f"<code>scenario = &quot;{_e(written.name)}&quot;</code> above.</span>"
        )
        return written

    def _comment(self, moved: list[str]) -> str:
        lines = [
            f"Saved from the what-if panel on {datetime.now():%Y-%m-%d %H:%M}, starting from "
            f"the scenario {self.model.params.scenario_name!r}.",
            "Only values that differ from the schema's defaults are listed.",
        ]
        if moved:
            lines.append("Moved in the panel (taken as known): " + "; ".join(moved) + ".")
        return "\n".join(lines)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        if self.design is not None:
            shown = whatif_offline.section(
                self.design, self.model.params, self.reported
            )._repr_html_()
        else:
            shown = static(self.controls, self.start)._repr_html_()
        bundle["text/html"] = shown
        return bundle


def panel(decision, *, n_paths: int = whatif.N_PATHS, folder: Path = SCENARIOS) -> Panel:
    """The what-if panel of ``decision`` (a :class:`models.analysis.decision.Decision`):
    :func:`models.analysis.whatif.controls` as sliders, evaluated by
    :class:`models.analysis.whatif.WhatIf`; and, unless ``whatif_positions`` is 0, the
    offline what-if's design (:func:`models.analysis.whatif_design.build`, about 0.66 s a
    position), which the exported HTML shows in its place."""
    controls = whatif.controls(decision)
    params = decision.params
    design = whatif_design.build(params, controls) if params.whatif_positions else None
    return Panel(
        params,
        controls,
        n_paths=n_paths,
        folder=folder,
        design=design,
        reported=decision.mc.npv.mean(),
    )
