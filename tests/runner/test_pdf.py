"""Board-pack PDFs: `market-entry pdf RUN_DIR` prints the reports with headless Chromium;
every chart fits a page whole, the text is searchable, the footer names the run."""

from __future__ import annotations

import contextlib
import json
import os
import shutil

import pytest

from models.reporting.chart_check import notebook_figures
from models.runner.pdf import PRINT_HEIGHT_PX, PRINT_WIDTH_PX
from tests.conftest import has_chromium, run_cli
from tests.runner.test_browser import ARGS, CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def printed(report_run, tmp_path_factory):
    if not has_chromium():
        pytest.fail("Chromium is not installed: `apt-get install -y chromium` (.ci/run does it)")
    # a copy: the session's run folder stays as the run left it, for the other tests
    run_dir = tmp_path_factory.mktemp("printed") / report_run["run_dir"].name
    shutil.copytree(report_run["run_dir"], run_dir)
    proc = run_cli("pdf", str(run_dir), "--notebook", "entry_decision")
    return proc, run_dir


def test_pdf_has_searchable_text_page_numbers_and_the_run_in_the_footer(printed):
    from pypdf import PdfReader

    proc, run_dir = printed
    assert proc.returncode == 0, proc.stderr
    pdf = run_dir / "entry_decision.pdf"
    assert proc.stdout.split() == [str(pdf)]
    reader = PdfReader(pdf)
    pages = len(reader.pages)
    assert 10 <= pages <= 60
    first = reader.pages[0].extract_text()
    assert "Executive summary" in first and "Recommendation:" in first
    last = reader.pages[-1].extract_text()
    assert f"page {pages} of {pages}" in last
    # the footer: the scenario's name, as text even when it looks like HTML, and the run
    name = json.loads((run_dir / "manifest.json").read_text())["scenario_name"]
    assert f"{name} · run {run_dir.name}" in first
    assert all(page.mediabox.width == pytest.approx(595, abs=1) for page in reader.pages)  # A4


@contextlib.contextmanager
def print_layout(report):
    """A Chromium page holding the HTML ``report`` laid out as `market-entry pdf` prints
    it: the page's width, print media, the stylesheet's print helper run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
            page.goto(report.as_uri())
            page.wait_for_function(
                "() => [...document.querySelectorAll('.plotly-graph-div')]"
                ".every(g => g.querySelector('.main-svg'))"
            )
            page.emulate_media(media="print")
            page.evaluate("() => window.meForPrint()")
            page.wait_for_timeout(300)
            yield page
        finally:
            browser.close()


def test_every_chart_fits_the_printed_page_whole(printed):
    _, run_dir = printed
    with print_layout(run_dir / "entry_decision.html") as page:
        boxes = [g.bounding_box() for g in page.locator(".plotly-graph-div").all()]
        wide = page.evaluate(
            "() => [...document.querySelectorAll('table.me-table')]"
            ".filter(t => t.getBoundingClientRect().right > window.innerWidth + 1).length"
        )
        opened = page.evaluate("() => [...document.querySelectorAll('details')].every(d => d.open)")
    charts = notebook_figures(run_dir / "entry_decision.ipynb")
    assert len(charts) >= 5 and len(boxes) == len(charts)
    for box in boxes:  # inside the page's printable box: it can be printed whole
        assert box["x"] >= 0 and box["x"] + box["width"] <= PRINT_WIDTH_PX + 1
        assert box["height"] <= PRINT_HEIGHT_PX
    assert wide == 0  # no table runs off the page
    assert opened  # the parameters table is printed, not folded


def test_bad_run_folder_and_missing_chromium_are_refused_cleanly(tmp_path, report_run):
    proc = run_cli("pdf", str(tmp_path / "nope"))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"market-entry: error: run folder {tmp_path / 'nope'}: no manifest.json; expected a "
        "folder of a run, e.g. reports/base/latest"
    ]
    env_before = os.environ.get("MARKET_ENTRY_CHROMIUM")
    os.environ["MARKET_ENTRY_CHROMIUM"] = str(tmp_path / "no-chromium")
    try:
        proc = run_cli("pdf", str(report_run["run_dir"]), "--notebook", "content_cost")
    finally:
        if env_before is None:
            del os.environ["MARKET_ENTRY_CHROMIUM"]
        else:
            os.environ["MARKET_ENTRY_CHROMIUM"] = env_before
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "no-chromium: not found" in proc.stderr
    assert not (report_run["run_dir"] / "content_cost.pdf").exists()  # nothing half-written
