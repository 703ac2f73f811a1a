"""The report's weight: plotly.js is inlined once, gzip-compressed, and the page still
opens offline and draws its charts (models.runner.html.plotly_script).

The bounds: plotly.js as plotly.py ships it is 4.8 MB (already minified), which made
every report at least 5.1 MB; compressed and base64-encoded it is 1.96 MB, and
nbconvert's page (JupyterLab's stylesheet, the report's CSS) adds about 0.3 MB. A report
with one chart therefore weighs about 2.3 MB, and :data:`ONE_CHART_BOUND` (2.5 MB) leaves
room for a newer plotly.js while failing if the bundle were inlined uncompressed again
(or twice). The main report of the base case weighed 2.74 MB (0.44 MB of its own
charts and tables): :data:`REPORT_BOUND` (3.5 MB) holds each report of a run.
"""

from __future__ import annotations

import base64
import gzip
import re

import nbformat
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from models.reporting.display import ReportRenderer
from models.runner.html import (
    NO_DECOMPRESSION,
    external_references,
    notebook_to_html,
    plotly_script,
)
from tests.conftest import has_chromium

MB = 1_000_000
ONE_CHART_BOUND = 2.5 * MB
REPORT_BOUND = 3.5 * MB

CHART = ".plotly-graph-div"
DRAWN = "() => [...document.querySelectorAll('.plotly-graph-div')].every(g => g._fullLayout)"


def one_chart_notebook() -> nbformat.NotebookNode:
    """A notebook whose one output is a chart as the reports emit it."""
    fig = go.Figure(go.Bar(x=["solo", "partner", "license"], y=[-12.5, 30.25, 48.0]))
    fig.add_trace(go.Scatter(x=["solo", "partner", "license"], y=[1, 2, 3]))
    bundle = ReportRenderer().to_mimebundle(fig.to_dict())
    out = nbformat.v4.new_output("display_data", data={"text/html": bundle["text/html"]})
    cell = nbformat.v4.new_code_cell("chart", outputs=[out])
    return nbformat.v4.new_notebook(cells=[cell])


@pytest.fixture(scope="module")
def page() -> str:
    return notebook_to_html(one_chart_notebook(), title="one chart")


def test_the_inlined_bundle_unpacks_to_plotly_js_exactly():
    script = plotly_script()
    data = re.search(r'var DATA = "([A-Za-z0-9+/=]+)";', script).group(1)
    assert gzip.decompress(base64.b64decode(data)).decode("utf-8") == get_plotlyjs()
    assert plotly_script(compress=False) == get_plotlyjs()


def test_a_one_chart_report_is_small_and_self_contained(page):
    size = len(page.encode("utf-8"))
    assert size < ONE_CHART_BOUND, size
    uncompressed = notebook_to_html(one_chart_notebook(), compress_plotly=False)
    assert size < 0.5 * len(uncompressed.encode("utf-8"))
    assert external_references(page) == []
    assert page.count("plotly.js v") == 1  # the licence banner, once
    assert page.count("var DATA =") == 1  # the bundle, once
    # the stand-in Plotly is defined before the chart's script calls it
    assert page.index("window.Plotly = stub") < page.index("Plotly.newPlot(")


@pytest.mark.slow
def test_every_report_of_a_run_is_below_the_bound(report_run):
    for path in report_run["htmls"]:
        html = path.read_text(encoding="utf-8")
        assert len(html.encode("utf-8")) < REPORT_BOUND, path.name
        assert external_references(html) == []


@pytest.fixture(scope="module")
def chromium():
    if not has_chromium():
        pytest.fail("Chromium is not installed: `apt-get install -y chromium` (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


def _open(chromium, path, init_script: str | None = None):
    context = chromium.new_context(offline=True, viewport={"width": 1200, "height": 800})
    if init_script:
        context.add_init_script(init_script)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.goto(path.as_uri())
    return context, tab, errors


@pytest.mark.browser
def test_the_chart_draws_offline_from_the_compressed_bundle(chromium, page, tmp_path):
    path = tmp_path / "one.html"
    path.write_text(page, encoding="utf-8")
    context, tab, errors = _open(chromium, path)
    try:
        tab.wait_for_function(DRAWN, timeout=30_000)
        chart = tab.locator(CHART)
        assert chart.locator(".barlayer .point").count() == 3
        assert chart.locator(".scatterlayer .trace path.js-line").count() == 1
        # the real plotly.js replaced the stand-in, and its calls work afterwards
        assert tab.evaluate("typeof window.Plotly.Plots") == "object"
        tab.evaluate(f"() => Plotly.relayout(document.querySelector('{CHART}'), {{height: 300}})")
        assert errors == []
    finally:
        context.close()


@pytest.mark.browser
def test_a_browser_that_cannot_unpack_says_so(chromium, page, tmp_path):
    path = tmp_path / "one.html"
    path.write_text(page, encoding="utf-8")
    context, tab, _ = _open(chromium, path, "delete window.DecompressionStream;")
    try:
        tab.wait_for_load_state("load")
        assert tab.locator(CHART).inner_text() == NO_DECOMPRESSION
    finally:
        context.close()
