"""Board-pack PDFs of a run's HTML reports, printed by headless Chromium.

The HTML report carries a print stylesheet (``templates/market_entry``): charts are
resized to the page and never split, tables keep all their columns, the parameters
table is opened. :func:`write_pdf` prints one report on A4 with the scenario, the run
id and page numbers in the footer; the browser's own print (Ctrl-P) uses the same
stylesheet. Chromium is Debian's (``apt-get install -y chromium``), driven by
Playwright; :data:`CHROMIUM_ENV` points elsewhere.
"""

from __future__ import annotations

import html
import logging
import os
import re
from pathlib import Path

from models._files import replaced
from models.exceptions import NotebookError, OutputError, SetupError

log = logging.getLogger(__name__)

#: Environment variable naming the Chromium binary (default :data:`CHROMIUM`).
CHROMIUM_ENV = "MARKET_ENTRY_CHROMIUM"
CHROMIUM = "/usr/bin/chromium"

#: A4 portrait less 12 mm margins each side, in CSS pixels (96 per inch): the width
#: the report is laid out at before printing, so that charts are drawn to the page.
PRINT_WIDTH_PX = 703
#: A4 less 14 mm top and 18 mm bottom margins, in CSS pixels: the tallest a chart
#: may be to fit whole on a page.
PRINT_HEIGHT_PX = 1002

_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def chromium() -> str:
    """Path of the Chromium binary, or a :class:`SetupError` saying how to get one."""
    path = os.environ.get(CHROMIUM_ENV, CHROMIUM)
    if not Path(path).is_file():
        raise SetupError(
            f"Chromium {path}: not found; expected Debian's chromium (apt-get install -y "
            f"chromium) or {CHROMIUM_ENV} naming a Chromium binary"
        )
    return path


def _footer(label: str) -> str:
    return (
        '<div style="font-family:Helvetica,Arial,sans-serif;font-size:8px;color:#555;'
        'width:100%;margin:0 12mm;display:flex;justify-content:space-between">'
        f"<span>{html.escape(label)}</span>"
        '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span>'
        "</span></div>"
    )


def write_pdf(report: Path, pdf: Path, label: str, prepare: str | None = None) -> int:
    """Print the HTML ``report`` to ``pdf`` (A4, footer ``label`` and page numbers);
    return the number of pages. The PDF is written whole or not at all.

    ``prepare``, a JavaScript function's text, runs on the page once it is laid out for
    print and before it is printed (the board pack hides cells with it)."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SetupError(
            "playwright: not installed; expected `pip install 'market-entry[pdf]'` (make "
            "install does it) and Debian's chromium (apt-get install -y chromium) to print PDFs"
        ) from None
    binary = chromium()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=binary, args=_ARGS)
            try:
                page = browser.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
                page.goto(report.resolve().as_uri())
                page.wait_for_function(
                    "() => [...document.querySelectorAll('.plotly-graph-div')]"
                    ".every(g => g.querySelector('.main-svg'))",
                    timeout=60_000,
                )
                page.emulate_media(media="print")
                # what the stylesheet's beforeprint handler does in a browser's own print
                page.evaluate("() => window.meForPrint && window.meForPrint()")
                if prepare:
                    page.evaluate(prepare)
                page.wait_for_timeout(300)
                data = page.pdf(
                    format="A4",
                    print_background=True,
                    display_header_footer=True,
                    header_template="<div></div>",
                    footer_template=_footer(label),
                    margin={"top": "14mm", "bottom": "18mm", "left": "12mm", "right": "12mm"},
                )
            finally:
                browser.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SetupError(f"Chromium {binary}: could not print {report.name} ({first})") from None
    try:
        with replaced(pdf) as tmp:
            tmp.write_bytes(data)
    except OSError as exc:
        raise OutputError(f"output {pdf}: cannot be written ({exc.strerror})") from None
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    log.info("%s: %d pages", pdf, pages)
    return pages


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def report_name(name: str, where: str) -> str:
    """``name`` if it is a plain report name (letters, digits, ``_`` and ``-``, as the
    notebooks in notebooks/ are named), else a :class:`NotebookError`: a name read from a
    manifest or the command line never leads outside the run folder."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise NotebookError(
            f"{where}: report name {str(name)[:80]!r} is not a plain notebook name "
            "(letters, digits, _ and -)"
        )
    return name
