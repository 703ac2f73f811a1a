"""The what-if panel outside a browser: moving, the background thread, saving and the
static form. JupyterLab itself drives it in tests/runner/test_jupyterlab.py."""

from __future__ import annotations

import time

import pytest

from models.analysis import decision as decision_mod
from models.analysis import whatif
from models.exceptions import ParameterError
from models.inputs.params import validate
from models.inputs.scenario import load
from models.reporting import whatif_panel
from models.runner.html import exporter


@pytest.fixture(scope="module")
def decision():
    return decision_mod.analyse(validate(n_paths=400, sobol_samples=16))


def small_panel(decision, folder, background: bool) -> whatif_panel.Panel:
    """A panel on fewer futures and training paths than the notebook's, saving to folder."""
    return whatif_panel.Panel(
        decision.params,
        whatif.controls(decision),
        n_paths=150,
        training_paths=1_000,
        folder=folder,
        background=background,
    )


@pytest.fixture
def panel(decision, tmp_path):
    return small_panel(decision, tmp_path, background=False)


def test_opens_at_the_scenario(panel):
    assert panel.outcome is panel.start and panel.changes() == {}
    assert "At the scenario's values." in panel.readout.value
    assert "Recommendation:</b> " in panel.readout.value
    # money is kept away from MathJax
    assert panel.readout.value.startswith('<div class="mathjax_ignore tex2jax_ignore">')
    assert len(panel.figure.outputs) == 1
    data = panel.figure.outputs[0]["data"]
    assert "application/vnd.plotly.v1+json" in data and "text/html" in data


def test_moving_updates_the_answer_and_back(panel):
    out = panel.set(partner_revenue_share=0.1)
    assert out.changes == {"partner_revenue_share": 0.1}
    assert panel.outcome is out
    assert "Moved: partner&#x27;s revenue share: 10.0%." in panel.readout.value
    assert "(scenario: 40.0%)" in panel.shown["partner_revenue_share"].value
    assert "futures in" in panel.status.value
    fig = whatif_panel.chart(out, panel.start, "partner")
    assert [t.name for t in fig.data][-1] == "mean at the scenario's values"
    panel._reset()
    assert panel.changes() == {} and panel.outcome.changes == {}
    assert panel.outcome.table.equals(panel.start.table)


def test_the_mode_dropdown_changes_the_sentence(panel):
    panel.mode.value = "solo"
    assert "<br>Solo: mean NPV" in panel.readout.value
    panel.mode.value = "partner"
    assert "<br>Partner: mean NPV" in panel.readout.value


def test_not_a_slider(panel):
    with pytest.raises(ParameterError, match="'horizon_years' is not on the panel"):
        panel.set(horizon_years=5)


def test_background_moves_keep_only_the_last(decision, tmp_path):
    """Moves made faster than they are evaluated: the first may be dropped, the panel
    ends at the last position, and nothing runs twice at once."""
    p = small_panel(decision, tmp_path, background=True)
    slider = p.sliders["partner_revenue_share"]
    for value in (0.3, 0.2, 0.1):
        slider.value = value  # as the browser does: the observer runs, the work is threaded
    assert "simulating 150 futures" in p.status.value  # the most-likely case came first
    deadline = time.monotonic() + 60
    while p.outcome.changes != {"partner_revenue_share": 0.1} and time.monotonic() < deadline:
        time.sleep(0.05)
    assert p.outcome.changes == {"partner_revenue_share": 0.1}
    assert p.last_error is None


def test_save_writes_a_scenario_that_runs_and_asks_before_replacing(panel, tmp_path, cli):
    panel.set(partner_revenue_share=0.2)
    panel.title.value = "Cheaper partner: 20 %"
    path = panel.save()
    assert path == tmp_path / "cheaper_partner_20.yaml"
    text = path.read_text()
    assert "# Saved from the what-if panel on " in text
    assert "# Moved in the panel (taken as known): partner's revenue share: 20.0%." in text
    saved = load(path)
    assert saved.partner_revenue_share == 0.2
    assert saved.scenario_name == "Cheaper partner: 20 %"
    assert (
        saved.digest()
        == panel.model.at(panel.changes()).replace(scenario_name="Cheaper partner: 20 %").digest()
    )
    assert cli("check", str(path)).returncode == 0
    # a second save asks first, and only the button replaces
    panel.set(partner_revenue_share=0.3)
    before = path.read_bytes()
    assert panel.save() is None
    assert "exists" in panel.saved.value and panel.replace_button.layout.display == ""
    assert path.read_bytes() == before
    panel.replace_button.click()
    assert load(path).partner_revenue_share == 0.3
    assert panel.replace_button.layout.display == "none"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cheaper_partner_20.yaml"]


def test_save_without_a_title(panel, tmp_path):
    panel.title.value = "  "
    assert panel.save() is None
    assert "title" in panel.saved.value and list(tmp_path.iterdir()) == []


def test_static_form_in_the_html_report(panel):
    bundle = panel._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    html = bundle["text/html"]
    for c in panel.controls:
        assert c.label.lower() in html.replace("&#x27;", "'").lower()
    assert "make lab" in html
    # the report's exporter prefers that static form to the widget view
    priority = exporter().config.NbConvertBase.display_data_priority
    assert "application/vnd.jupyter.widget-view+json" not in priority
    assert priority.index("text/html") < priority.index("text/plain")
