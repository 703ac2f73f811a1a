"""Executed notebook to a self-contained HTML report that opens offline.

nbconvert's ``lab`` template links require.js, MathJax and Mermaid from a CDN; the
project's ``market_entry`` template removes those blocks, hides code and prompts, and
inlines plotly.js once in the page head; the charts' outputs carry only their data
(:mod:`models.reporting.display`).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from plotly.offline import get_plotlyjs
from traitlets.config import Config

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "market_entry"

_EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(https?:)?//""", re.IGNORECASE
)


#: What the report shows of an output, best first: nbconvert's HTML order without the
#: Jupyter widget view, which needs a widget manager from a CDN and a kernel; a widget
#: that also offers ``text/html`` (the what-if panel) shows that instead.
DISPLAY_PRIORITY = [
    "application/javascript",
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "text/latex",
    "image/png",
    "image/jpeg",
    "text/plain",
]


def exporter() -> HTMLExporter:
    """An HTMLExporter configured for offline reports (no code, no prompts, no CDN, no
    widget views)."""
    exp = HTMLExporter(
        config=Config({"NbConvertBase": {"display_data_priority": DISPLAY_PRIORITY}}),
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
    if "widgets" in nb.metadata:  # widget state only a live widget manager could use
        nb = copy.deepcopy(nb)
        del nb.metadata["widgets"]
    body, _ = exporter().from_notebook_node(nb, resources=resources)
    return body


def external_references(html: str) -> list[str]:
    """Tags in ``html`` that would load something from outside the file (should be none)."""
    return [m.group(0) for m in _EXTERNAL.finditer(html)]


#: Cell tags and first lines that mark the parameter cells, which a run may change.
_PARAMETER_TAGS = {"parameters", "injected-parameters"}


def _comparable(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """A notebook's cells as (type, source), leaving out the parameter cells."""
    return [
        (c.cell_type, str(c.source))
        for c in nb.cells
        if not (_PARAMETER_TAGS & set(c.get("metadata", {}).get("tags", [])))
    ]


def foreign_reason(nb: nbformat.NotebookNode, notebooks: Path | None = None) -> str:
    """Why ``nb`` is not one of the project's report notebooks executed, or ``""``.

    A report page shows the notebook's outputs as they are, scripts included (the
    charts are scripts), so only a notebook whose every cell but the parameter cells is
    the same as in one of ``notebooks/`` (its code is ours, so are its outputs) is
    converted; and its parameter cells must show nothing.
    """
    from models._paths import NOTEBOOKS

    folder = notebooks or NOTEBOOKS
    for c in nb.cells:
        tags = set(c.get("metadata", {}).get("tags", []))
        if _PARAMETER_TAGS & tags and c.get("outputs"):
            return "its parameters cell has outputs"
    mine = _comparable(nb)
    for path in sorted(folder.glob("*.ipynb")):
        try:
            ours = nbformat.read(path, as_version=4)
        except Exception:  # a broken project notebook is reported when it runs
            continue
        if _comparable(ours) == mine:
            return ""
    return "its cells differ from every notebook in notebooks/"
