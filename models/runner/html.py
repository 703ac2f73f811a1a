"""Executed notebook to a self-contained HTML report that opens offline.

nbconvert's ``lab`` template links require.js, MathJax and Mermaid from a CDN; the
project's ``market_entry`` template removes those blocks, hides code and prompts, and
inlines plotly.js once in the page head; the charts' outputs carry only their data
(:mod:`models.reporting.display`).

plotly.js is most of a report's weight (4.8 MB minified, the same in every report), so
it is inlined gzip-compressed and base64-encoded (about 2.0 MB) by
:func:`plotly_script`: the page unpacks it with the browser's ``DecompressionStream``
(Chrome and Edge 80+, Firefox 113+, Safari 16.4+) and runs it. The charts' own scripts
call ``Plotly.newPlot`` while the page is read, before plotly.js is unpacked, so until
then ``window.Plotly`` is a stand-in that queues those calls and replays them, in
order, on the real one. A browser without ``DecompressionStream`` shows a line saying
so in place of each chart. Nothing is fetched: the file stays one offline page.
"""

from __future__ import annotations

import base64
import copy
import functools
import gzip
import json
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


#: What a chart shows in a browser that cannot unpack plotly.js.
NO_DECOMPRESSION = (
    "This chart needs a browser from 2023 or later (Chrome, Edge, Firefox or Safari "
    "16.4+) to unpack its drawing code."
)

_BANNER = re.compile(r"\A\s*/\*.*?\*/", re.DOTALL)

#: The page's side of :func:`plotly_script`: ``window.Plotly`` queues the charts' calls
#: until the compressed plotly.js (``DATA``) is unpacked and run, then replays them.
_LOADER = """(function () {
  "use strict";
  var DATA = %(data)s;
  var queue = [];
  var stub = {};
  ["newPlot", "react", "relayout", "restyle", "update", "purge"].forEach(function (name) {
    stub[name] = function () {
      var args = arguments;
      return new Promise(function (resolve, reject) {
        queue.push([name, args, resolve, reject]);
      });
    };
  });
  window.Plotly = stub;
  function fail(message) {
    function show() {
      document.querySelectorAll(".plotly-graph-div").forEach(function (g) {
        g.textContent = message;
        g.style.height = "auto";
      });
    }
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", show);
    } else {
      show();
    }
  }
  if (typeof DecompressionStream === "undefined") {
    fail(%(no_decompression)s);
    return;
  }
  var text = atob(DATA);
  var bytes = new Uint8Array(text.length);
  for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  new Response(stream).text().then(function (source) {
    var script = document.createElement("script");
    script.text = source;
    document.head.appendChild(script);
    var plotly = window.Plotly;
    if (plotly === stub) throw new Error("plotly.js did not start");
    queue.forEach(function (call) {  /* one chart's error stays that chart's */
      try {
        Promise.resolve(plotly[call[0]].apply(plotly, call[1])).then(call[2], call[3]);
      } catch (err) {
        console.error("market-entry: a chart could not be drawn: " + err);
        call[3](err);
      }
    });
    queue = [];
  }).catch(function (err) {
    console.error("market-entry: plotly.js could not be unpacked: " + err);
    fail("This chart could not be drawn: " + err);
  });
})();"""


@functools.cache
def plotly_script(compress: bool = True) -> str:
    """The script that brings plotly.js into a report page.

    Parameters
    ----------
    compress : bool
        ``True`` (the default): plotly.js gzip-compressed and base64-encoded in a
        loader that unpacks it in the browser, under plotly.js's own licence banner;
        ``False``: plotly.js as plotly.py ships it (already minified), about 2.4 times
        larger.

    Returns
    -------
    str
        JavaScript for one inline ``<script>`` in the page head, before the charts.
    """
    source = get_plotlyjs()
    if not compress:
        return source
    banner = _BANNER.match(source)
    packed = gzip.compress(source.encode("utf-8"), compresslevel=9, mtime=0)
    data = base64.b64encode(packed).decode("ascii")
    head = banner.group(0).strip() + "\n" if banner else ""
    note = (
        f"/* market-entry: the minified plotly.js ({len(source):,} characters), "
        f"gzip-compressed and base64-encoded; unpacked below in the browser. */\n"
    )
    return (
        head
        + note
        + _LOADER
        % {
            "data": json.dumps(data),
            "no_decompression": json.dumps(NO_DECOMPRESSION),
        }
    )


def notebook_to_html(
    nb: nbformat.NotebookNode, title: str | None = None, *, compress_plotly: bool = True
) -> str:
    """Render an executed notebook as one self-contained HTML page.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.
    title : str, optional
        The page's title (default "market-entry report").
    compress_plotly : bool
        Inline plotly.js compressed (the default) or as it is (:func:`plotly_script`).

    Returns
    -------
    str
        The page's HTML.
    """
    resources = {
        "metadata": {"name": title or "market-entry report"},
        "plotly_js": plotly_script(compress=compress_plotly),
    }
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
