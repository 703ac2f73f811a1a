"""Executed notebook to a self-contained HTML report that opens offline.

nbconvert's ``lab`` template links require.js, MathJax and Mermaid from a CDN; the
project's ``market_entry`` template removes those blocks, hides code and prompts, and
inlines plotly.js once in the page head; the charts' outputs carry only their data
(:mod:`models.reporting.display`).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from plotly.offline import get_plotlyjs

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "market_entry"

_EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(https?:)?//""", re.IGNORECASE
)


def exporter() -> HTMLExporter:
    """An HTMLExporter configured for offline reports (no code, no prompts, no CDN)."""
    exp = HTMLExporter(
        template_name=TEMPLATE,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    return exp


def notebook_to_html(nb: nbformat.NotebookNode, title: str | None = None) -> str:
    """Render an executed notebook as one self-contained HTML page."""
    resources = {"metadata": {"name": title or "market-entry report"}, "plotly_js": get_plotlyjs()}
    body, _ = exporter().from_notebook_node(nb, resources=resources)
    return body


def external_references(html: str) -> list[str]:
    """Tags in ``html`` that would load something from outside the file (should be none)."""
    return [m.group(0) for m in _EXTERNAL.finditer(html)]
