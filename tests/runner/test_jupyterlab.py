"""The main report as strategists see it: in JupyterLab, where MathJax typesets every
output. Money must read as money ("$103 m"), not as mathematics."""

from __future__ import annotations

import os
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


@pytest.fixture(scope="module")
def lab(report_run, tmp_path_factory):
    """JupyterLab serving the executed main report (trusted, as a notebook the
    strategist ran would be)."""
    folder = tmp_path_factory.mktemp("lab")
    shutil.copy(report_run["run_dir"] / "entry_decision.ipynb", folder / "report.ipynb")
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "jupyter"), "trust", "report.ipynb"], cwd=folder, check=True)
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
    assert "expected NPV of $" in text and " m (90 % range $" in text
    assert "worth: solo $" in summary.replace("−", "")
