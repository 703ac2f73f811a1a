"""Every chart informs (docs/report_style.md, "Charts"): the chart check on synthetic
figures (each fault caught, a good figure passes), the house layout and the helpers
that keep charts readable, and the check over every chart of real reports (slow)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from models.reporting import risk_charts
from models.reporting.blocks import HTMLBlock, Items
from models.reporting.chart_check import (
    PLOTLY_MIME,
    check_figure,
    check_notebook,
    check_report,
    check_run,
    notebook_figures,
    values,
)
from models.reporting.style import layout, tell_apart, wrap_title

MONTHS = pd.period_range("2026-01", periods=24, freq="M").to_timestamp()


def good(title: str = "Subscribers by mode (millions)") -> go.Figure:
    """Two distinct curves on a date axis, a reference line drawn as a shape."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=MONTHS, y=np.linspace(0, 5, 24), name="Solo", mode="lines"))
    fig.add_trace(go.Scatter(x=MONTHS, y=np.linspace(0, 3, 24) ** 1.5, name="Partner"))
    fig.add_hline(y=1.0)
    return layout(fig, title, "millions")


def rules(fig) -> list[str]:
    return [f.rule for f in check_figure(fig)]


def test_a_good_figure_passes():
    assert check_figure(good()) == []
    assert check_report([good(), good("Another chart").update_traces(y=np.arange(24.0))]) == []


def test_a_flat_series_is_caught_but_a_reference_is_not():
    fig = good()
    fig.add_trace(go.Scatter(x=MONTHS, y=np.zeros(24), name="Flat", mode="lines"))
    assert rules(fig) == ["flat"]
    ref = good()
    ref.add_trace(go.Scatter(x=MONTHS, y=np.full(24, 2.0), name="target", meta="reference"))
    assert rules(ref) == []
    # two points make a reference segment, not a shape
    seg = good()
    seg.add_trace(go.Scatter(x=MONTHS[:2], y=[1.0, 1.0], name="segment", mode="lines"))
    assert rules(seg) == []


def test_bars_all_zero_are_flat_and_empty_traces_are_caught():
    fig = go.Figure(go.Bar(x=["a", "b", "c"], y=[0.0, 0.0, 0.0], name="nothing"))
    assert rules(layout(fig, "Bars", "US$ m")) == ["flat"]
    fig = good()
    fig.add_trace(go.Scatter(x=[], y=[], name="Empty"))
    assert rules(fig) == ["empty"]
    fig = good()
    fig.add_trace(go.Scatter(x=MONTHS, y=[None] * 24, name="All missing"))
    assert rules(fig) == ["empty"]


def test_hidden_traces_are_caught_unless_a_reason_is_given():
    fig = good()
    fig.data[1].visible = "legendonly"
    assert rules(fig) == ["hidden"]
    fig.data[1].meta = "hidden: the plan, shown on click"
    assert rules(fig) == []
    fig = good()
    fig.data[0].visible = False
    assert rules(fig) == ["hidden"]


def test_a_trace_drawn_exactly_over_another_is_caught_and_tell_apart_fixes_it():
    fig = go.Figure()
    y = np.linspace(0, 5, 24)
    fig.add_trace(go.Scatter(x=MONTHS, y=y, name="Licensing", line={"color": "#009E73"}))
    fig.add_trace(go.Scatter(x=MONTHS, y=y, name="Staged entry", line={"color": "#CC79A7"}))
    # drawn without the house layout: the second hides the first
    assert "hidden" in rules(fig.update_layout(title="Cash"))
    fixed = layout(fig, "Cash (US$ m)", "US$ millions")  # layout tells them apart
    assert rules(fixed) == []
    assert fixed.data[1].line.dash == "dash"
    assert fixed.data[1].name == "Staged entry: same as licensing"
    assert fixed.data[0].line.dash is None  # the first keeps its line


def test_coinciding_markers_are_ringed():
    fig = go.Figure()
    for name in ("Licensing", "Staged entry"):
        fig.add_trace(go.Scatter(x=[1.0, 2.0], y=["base", "crackdown"], mode="markers", name=name))
    assert "hidden" in rules(fig.update_layout(title="NPV"))
    fixed = layout(fig, "NPV by mode and scenario (US$ m)", "", "US$ millions")
    assert fixed.data[1].marker.symbol == "circle-open" and fixed.data[1].marker.size == 10
    assert rules(fixed) == []


def test_duplicated_charts_are_caught():
    faults = check_report([good("One"), good("Two")])
    assert [(f.chart, f.rule) for f in faults] == [("Two", "duplicate")]


def test_a_time_axis_in_milliseconds_is_caught_and_exit_boundary_style_fixes_it():
    one_month = [MONTHS[3]] * 5
    fig = go.Figure(go.Scatter(x=one_month, y=[1, 2, 3, 4, 5], mode="markers", name="reviews"))
    fig = layout(fig, "Reviews", "subscribers")
    assert rules(fig) == ["time axis"]
    fig.update_xaxes(range=[MONTHS[0], MONTHS[-1]], tickformat="%b %Y")
    assert rules(fig) == []
    fig.update_xaxes(range=None, tickformat="%H:%M:%S.%L")
    assert "time axis" in rules(fig)


def test_legend_over_title_and_cut_titles_are_caught():
    fig = good()
    fig.update_layout(legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1})
    assert rules(fig) == ["legend over title"]
    fig = good()
    fig.update_layout(title={"text": "word " * 30})
    assert rules(fig) == ["title cut"]
    # the house layout wraps it
    assert rules(good("word " * 30)) == []


def test_wrap_title_keeps_tags_whole():
    text = "Most-likely case: what moves it<br><sup>" + "small " * 30 + "</sup>"
    wrapped = wrap_title(text, 40)
    lines = wrapped.split("<br>")
    assert len(lines) > 3
    assert all(line.count("<sup>") == line.count("</sup>") for line in lines[1:])
    assert wrap_title("short title") == "short title"


def test_typed_arrays_of_plotly_json_are_read():
    fig = json.loads(go.Figure(go.Scatter(x=[1, 2, 3], y=np.array([0.5, 1.5, 2.5]))).to_json())
    assert values(fig["data"][0]["y"]) == [0.5, 1.5, 2.5]


def test_charts_are_read_from_an_executed_notebook(tmp_path):
    import nbformat

    cells = []
    for fig in (good("One"), good("One again"), go.Figure(go.Bar(x=["a"], y=[1.0]))):
        out = nbformat.v4.new_output("display_data", data={PLOTLY_MIME: json.loads(fig.to_json())})
        cells.append(nbformat.v4.new_code_cell("chart", outputs=[out]))
    path = tmp_path / "report.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    assert len(notebook_figures(path)) == 3
    assert [f.rule for f in check_notebook(path)] == ["duplicate"]
    assert list(check_run(tmp_path)) == ["report"]


def _table(gap_base: float, npv_base: float) -> pd.DataFrame:
    """A tornado table of three inputs in which the runner-up does not move."""
    swings = np.array([3.0, 2.0, 1.0])
    return pd.DataFrame(
        {
            "label": ["monthly churn", "price", "market"],
            "low": [0.1, 1.0, 2.0],
            "high": [0.2, 2.0, 3.0],
            "gap_low": gap_base - swings / 2,
            "gap_high": gap_base + swings / 2,
            "gap_base": gap_base,
            "npv_low": npv_base - swings / 2,
            "npv_high": npv_base + swings / 2,
            "npv_base": npv_base,
            "swing": swings,
            "npv_swing": swings,
            "margin_swing": swings,
        }
    )


def test_one_tornado_when_two_would_be_identical():
    same = risk_charts.tornadoes(_table(10.0, 10.0), "licensing", "stay_out")
    assert [type(x) for x in same] == [go.Figure, HTMLBlock]
    assert "identical" in str(same[1])
    # the runner-up moves: two charts, different data
    moving = _table(10.0, 30.0)
    moving["npv_swing"] = [4.0, 1.0, 0.5]
    two = risk_charts.tornadoes(moving, "licensing", "solo")
    assert [type(x) for x in two] == [go.Figure, go.Figure]
    assert check_report(two) == []


def test_a_flat_deal_zone_is_a_sentence_and_a_moving_one_a_chart():
    from models.analysis.deal import DealZone

    share = np.linspace(0, 1, 11)
    flat = pd.DataFrame({"share": share, "streamer_npv": 0.0, "partner_npv": -3.0})
    out = risk_charts.deal_zone(DealZone(None, None, False, "licensing", 50.0, flat))
    assert [type(x) for x in out] == [HTMLBlock]
    assert "0 % to 100 %" in str(out[0]) and "licensing" in str(out[0])
    moving = flat.assign(streamer_npv=80 - 60 * share, partner_npv=-5 + 40 * share)
    fig = risk_charts.deal_zone(DealZone(0.2, 0.5, True, "licensing", 50.0, moving))
    assert isinstance(fig, go.Figure) and check_figure(fig) == []


def test_services_that_never_launch_get_a_sentence_not_a_flat_fan():
    from types import SimpleNamespace

    mc = SimpleNamespace(
        n_paths=500,
        launched=pd.DataFrame({"solo": np.zeros(500), "partner": np.zeros(500)}),
        fan_subscribers={"solo": np.zeros((50, 24)), "partner": np.zeros((50, 24))},
    )
    out = risk_charts.subscribers_across_futures(mc, ["solo", "partner"])
    assert [type(x) for x in out] == [HTMLBlock]
    assert "Solo and partner launch in none of the 500" in str(out[0])
    assert "as if launched" in str(out[0])


def _rules_mc(samples: dict) -> object:
    from types import SimpleNamespace

    return SimpleNamespace(
        params=SimpleNamespace(start_year=2026),
        months=180,
        rules={m: SimpleNamespace(sample=pd.DataFrame(smp)) for m, smp in samples.items()},
    )


def test_the_review_rule_shows_months_and_a_sentence_for_a_mode_never_started():
    turned_down = {"month": [-1] * 4, "subscribers_m": [0.0] * 4, "left": [True] * 4}
    out = risk_charts.exit_boundary(_rules_mc({"solo": turned_down, "partner": turned_down}))
    assert [type(x) for x in out] == [HTMLBlock]
    assert "starts neither solo nor partner in any" in str(out[0])
    reviews = {"month": [2, 5, 5, 8], "subscribers_m": [0.1, 0.4, 0.2, 0.9], "left": [0, 0, 1, 0]}
    reviews["left"] = [bool(x) for x in reviews["left"]]
    out = risk_charts.exit_boundary(_rules_mc({"solo": reviews, "partner": turned_down}))
    assert [type(x) for x in out] == [HTMLBlock, go.Figure]
    assert "does not start partner in any" in str(out[0])
    fig = out[1]
    assert check_figure(fig) == []
    assert fig.layout.xaxis.tickformat == "%b %Y"
    # one review month only, and the go decision: still calendar months, not ms
    one = {"month": [-1, 3, 3], "subscribers_m": [0.0, 0.3, 0.5], "left": [False, True, False]}
    fig = risk_charts.exit_boundary(_rules_mc({"solo": one}))
    assert check_figure(fig) == []
    assert str(pd.Timestamp(min(fig.data[0].x)).date()) == "2026-01-01"  # not 2040-12


def test_items_display_each_output(capsys):
    Items([HTMLBlock("<p>a</p>"), HTMLBlock("<p>b</p>")])._ipython_display_()
    out = capsys.readouterr().out
    assert out.index("a") < out.index("b")


# -- real reports ---------------------------------------------------------------------


# The shipped scenarios (base, crackdown, letv_2015) are each run at 300 paths by
# tests/runner/test_batch.py's ``batch`` fixture, the place to check their charts with
# ``check_run`` (using that fixture here would run them all again).


@pytest.mark.slow
def test_every_chart_of_the_session_report_informs(report_run):
    """The session's real run (letv_2015, every notebook): each chart passes."""
    charts = sum(len(notebook_figures(nb)) for nb in report_run["run_dir"].glob("*.ipynb"))
    assert charts >= 10
    assert check_run(report_run["run_dir"]) == {}


def test_equal_lines_in_different_panels_are_not_told_apart():
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2)
    fig.add_scatter(x=[0, 1, 2], y=[1, 2, 3], name="Licensing", row=1, col=1)
    fig.add_scatter(x=[0, 1, 2], y=[1, 2, 3], name="Staged entry", row=1, col=2)
    tell_apart(fig)
    assert [t.name for t in fig.data] == ["Licensing", "Staged entry"]
    assert fig.data[1].line.dash is None
