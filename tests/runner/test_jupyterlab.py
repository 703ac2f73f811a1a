"""The main report as strategists see it: in JupyterLab, where MathJax typesets every
output. Money must read as money ("$103 m"), not as mathematics."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import has_chromium
from tests.runner.test_browser import ARGS, CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TOKEN = "market-entry-lab-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(folder: Path):
    """JupyterLab on ``folder`` (a free port, a fixed token); yields its base URL."""
    bin_dir = Path(sys.executable).parent
    port = _free_port()
    cmd = [
        str(bin_dir / "jupyter"),
        "lab",
        "--no-browser",
        f"--port={port}",
        f"--IdentityProvider.token={TOKEN}",
        f"--notebook-dir={folder}",
    ]
    if os.getuid() == 0:
        cmd.append("--allow-root")
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=5)
            break
        except OSError:
            time.sleep(1)
    try:
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def lab(report_run, tmp_path_factory):
    """JupyterLab serving the executed main report (trusted, as a notebook the
    strategist ran would be)."""
    folder = tmp_path_factory.mktemp("lab")
    shutil.copy(report_run["run_dir"] / "entry_decision.ipynb", folder / "report.ipynb")
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "jupyter"), "trust", "report.ipynb"], cwd=folder, check=True)
    with serve(folder) as base:
        yield base


def test_money_is_not_read_as_mathematics_in_jupyterlab(lab):
    if not has_chromium():
        pytest.fail("Chromium is not installed: `apt-get install -y chromium` (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{lab}/lab/tree/report.ipynb?token={TOKEN}")
            headline = page.locator(".jp-OutputArea-output .me-headline").first
            headline.wait_for(state="attached", timeout=90_000)
            # JupyterLab renders cells as they scroll into view, and MathJax typesets
            # them asynchronously once rendered
            headline.scroll_into_view_if_needed(timeout=30_000)
            page.wait_for_timeout(5_000)
            text = headline.inner_text()
            summary = page.locator(".jp-OutputArea-output .me-box").first.inner_text()
            typeset = page.locator(".jp-OutputArea-output .me-report mjx-container").count()
        finally:
            browser.close()
    assert typeset == 0
    assert text.startswith("Recommendation:")
    # the money in the headline reads as written, with its dollar signs and spaces
    # (a 90 % range may start below zero: "−$0.4 m")
    assert "mean NPV over the futures of $" in text and re.search(r" m \(90 % range −?\$", text), (
        text
    )
    # and so does the money further down the summary ("licensing $0.0 m (...)")
    assert re.search(r"[a-z]:? \$[0-9][0-9,.]* m", summary.replace("−", "")), summary


#: A notebook that opens the what-if panel as the main report does, saving to ./saved.
PANEL_NOTEBOOK = [
    "from pathlib import Path\n"
    "from models.analysis.decision import analyse\n"
    "from models.inputs.params import validate\n"
    "from models.reporting import whatif_panel",
    "decision = analyse(validate(n_paths=400, sobol_samples=16, whatif_positions=0))\n"
    'whatif_panel.panel(decision, folder=Path("saved"))',
]


def write_panel_notebook(folder: Path) -> Path:
    """The panel notebook in ``folder``, on the project's kernel."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in PANEL_NOTEBOOK]
    nb.metadata["kernelspec"] = {
        "name": "market-entry",
        "display_name": "Python (market-entry)",
        "language": "python",
    }
    (folder / "saved").mkdir()
    path = folder / "whatif.ipynb"
    nbformat.write(nb, path)
    return path


def open_panel(page, base: str) -> None:
    """Open the panel notebook, run all its cells and wait for the panel."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(f"{base}/lab/tree/whatif.ipynb?token={TOKEN}")
    page.locator(".jp-Notebook").first.wait_for(timeout=90_000)
    # wait for the kernel (the status bar names it, idle), then Run > Run All Cells
    page.get_by_text("Python (market-entry) | Idle").first.wait_for(timeout=90_000)
    # a Run All sent while the kernel is still connecting can be lost: try again
    for attempt in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        try:
            page.locator(".widget-slider").first.wait_for(timeout=90_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    page.get_by_text("At the scenario's values.").first.wait_for(timeout=60_000)


def nudge(page, label: str, key: str = "ArrowLeft") -> None:
    """Move the slider described ``label`` one step with the keyboard, as a reader can."""
    box = page.locator(".widget-slider", has=page.get_by_text(label, exact=True)).first
    handle = box.locator(".noUi-handle").first
    handle.focus()
    page.keyboard.press(key)


@pytest.fixture(scope="module")
def panel_lab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("whatif")
    write_panel_notebook(folder)
    with serve(folder) as base:
        yield base, folder


def test_the_what_if_panel_moves_and_saves_in_jupyterlab(panel_lab):
    if not has_chromium():
        pytest.fail("Chromium is not installed: `apt-get install -y chromium` (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    base, folder = panel_lab
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_panel(page, base)
            readout = page.locator(".me-whatif-readout")
            before = readout.inner_text()
            nudge(page, "partner's revenue share")
            page.get_by_text("Moved: partner's revenue share: 39.0%.").first.wait_for(
                timeout=60_000
            )
            status = page.locator(".me-whatif-status").inner_text()
            chart_traces = page.locator(".widget-output .js-plotly-plot .trace").count()
            typeset = page.locator(".widget-html mjx-container").count()
            page.locator(".widget-text input").first.fill("Partner at 39 %")
            page.get_by_role("button", name="Save as scenario").click()
            page.get_by_text("Saved ").first.wait_for(timeout=30_000)
            page.get_by_role("button", name="Save as scenario").click()
            page.get_by_text("exists in").first.wait_for(timeout=30_000)
            replace_visible = page.get_by_role("button", name="Replace it").is_visible()
        finally:
            browser.close()
    assert before.startswith("Recommendation:") and "At the scenario's values." in before
    assert "300 futures in" in status
    assert chart_traces >= 2
    assert typeset == 0  # the money in the readout is not mathematics
    assert replace_visible
    saved = folder / "saved" / "partner_at_39.yaml"
    from models.inputs.scenario import load

    params = load(saved)
    assert params.partner_revenue_share == pytest.approx(0.39)
    assert params.scenario_name == "Partner at 39 %"
