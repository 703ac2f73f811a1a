"""The HTML report in headless Chromium with the network off: every chart renders, and
nothing is requested from outside the file."""

from __future__ import annotations

import pytest

from models.reporting.chart_check import notebook_figures
from tests.conftest import has_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LOCAL = ("file:", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def browser():
    if not has_chromium():
        pytest.fail("Chromium is not installed: `apt-get install -y chromium` (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def open_offline(browser, path, width=1366, height=768):
    context = browser.new_context(
        viewport={"width": width, "height": height}, offline=True, java_script_enabled=True
    )
    page = context.new_page()
    outside, errors = [], []

    def route(r):
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return context, page, outside, errors


def test_every_chart_renders_offline_and_nothing_leaves_the_file(browser, report_run):
    context, page, outside, errors = open_offline(browser, report_run["html"])
    try:
        graphs = page.locator(".plotly-graph-div")
        charts = len(notebook_figures(report_run["html"].with_suffix(".ipynb")))
        assert charts >= 5 and graphs.count() == charts
        page.wait_for_function(
            "() => [...document.querySelectorAll('.plotly-graph-div')]"
            ".every(g => g.querySelector('.main-svg') && g._fullLayout)",
            timeout=15000,
        )
        for i in range(charts):  # each chart drew its traces
            g = graphs.nth(i)
            drawn = ".scatterlayer .trace path.js-line, .barlayer .point, .scatterlayer .point"
            assert g.locator(drawn).count() > 0
            box = g.bounding_box()
            assert box["width"] > 500 and box["height"] > 250
        assert outside == [], outside
        assert errors == [], errors
        assert page.evaluate("typeof window.require") == "undefined"
        assert page.evaluate("typeof window.MathJax") == "undefined"
    finally:
        context.close()


#: The reports of a run and the fewest charts each draws (how many depends on what
#: happened: a chart of what did not happen is a sentence instead); the page must draw
#: every chart its executed notebook holds.
CHARTS = {
    "entry_decision": 5,
    "content_cost": 3,
    "regulatory_risk": 2,
    "subscriber_growth": 2,
    "validation": 1,
}


@pytest.mark.parametrize("name", list(CHARTS))
def test_every_report_of_a_run_renders_offline(browser, report_run, name):
    page_path = next(p for p in report_run["htmls"] if p.stem == name)
    context, page, outside, errors = open_offline(browser, page_path)
    try:
        graphs = page.locator(".plotly-graph-div")
        charts = len(notebook_figures(page_path.with_suffix(".ipynb")))
        assert charts >= CHARTS[name] and graphs.count() == charts
        page.wait_for_function(
            "() => [...document.querySelectorAll('.plotly-graph-div')]"
            ".every(g => g.querySelector('.main-svg') && g._fullLayout)",
            timeout=15000,
        )
        for i in range(charts):
            drawn = graphs.nth(i).locator(
                ".scatterlayer .trace path.js-line, .barlayer .point, .scatterlayer .point"
            )
            assert drawn.count() > 0
        assert outside == [] and errors == []
        assert page.locator(".jp-CodeCell .jp-InputArea").count() == 0
        assert "Traceback" not in page.locator("body").inner_text()
    finally:
        context.close()


def test_report_reads_as_a_report(browser, report_run):
    html_text = report_run["html"].read_text()
    assert html_text.count("plotly.js v") == 1  # plotly.js inlined exactly once
    context, page, outside, _ = open_offline(browser, report_run["html"])
    try:
        assert page.locator(".jp-CodeCell .jp-InputArea").count() == 0  # no code
        assert page.locator(".jp-InputPrompt:visible, .jp-OutputPrompt:visible").count() == 0
        text = page.locator("body").inner_text()
        assert "validate_notebook" not in text and "simulate(" not in text
        first = page.locator("h1").first.inner_text()
        assert "alert" in first  # the (escaped) scenario name is the title
        headline = page.locator(".me-headline").first.inner_text()
        assert headline.startswith("Recommendation:")
        assert "simulated futures" in headline  # the Monte Carlo answer comes first
        # the summary comes before the first chart
        y_summary = page.locator(".me-headline").first.bounding_box()["y"]
        y_chart = page.locator(".plotly-graph-div").first.bounding_box()["y"]
        assert y_summary < y_chart
        # nothing wider than a laptop screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        assert outside == []
    finally:
        context.close()


def test_index_page_opens_offline(browser, report_run):
    context, page, outside, errors = open_offline(browser, report_run["reports"] / "index.html")
    try:
        assert page.locator("tbody tr").count() >= 1
        assert page.locator("a").count() >= 1
        assert outside == [] and errors == []
    finally:
        context.close()
