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
from html.parser import HTMLParser
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


def _comparable(nb: nbformat.NotebookNode) -> list[tuple[str, str, str]]:
    """A notebook's cells as (type, source, attachments), leaving out the parameter
    cells."""
    return [
        (c.cell_type, str(c.source), json.dumps(c.get("attachments") or {}, sort_keys=True))
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
        if _PARAMETER_TAGS & tags and c.get("cell_type") != "code":
            return f"a {str(c.get('cell_type'))[:20]} cell is tagged as a parameters cell"
        if _PARAMETER_TAGS & tags and c.get("outputs"):
            return "its parameters cell has outputs"
    reason = output_reason(nb)
    if reason:
        return reason
    mine = _comparable(nb)
    for path in sorted(folder.glob("*.ipynb")):
        try:
            ours = nbformat.read(path, as_version=4)
        except Exception:  # a broken project notebook is reported when it runs
            continue
        if _comparable(ours) == mine:
            return ""
    return "its cells differ from every notebook in notebooks/"


# -- the outputs: only what the project's code displays -------------------------------

#: The output types the project's notebooks display (a chart's plotly data and a
#: widget's view are kept in the notebook but not shown by the report). Anything else
#: (``application/javascript``, ``text/markdown``, SVG, LaTeX...) is refused.
OUTPUT_TYPES = frozenset(
    {
        "text/plain",
        "text/html",
        "image/png",
        "image/jpeg",
        "application/vnd.plotly.v1+json",
        "application/vnd.jupyter.widget-view+json",
    }
)

#: Elements the project's HTML outputs are made of (tables, the summary's blocks, the
#: glossary, the what-if panel); ``script`` and ``style`` are checked further.
_TAGS = frozenset(
    [
        "a",
        "b",
        "br",
        "button",
        "caption",
        "code",
        "col",
        "colgroup",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "input",
        "label",
        "li",
        "ol",
        "output",
        "p",
        "pre",
        "script",
        "small",
        "span",
        "strong",
        "style",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    ]
)
#: Their attributes (and any ``aria-*`` and ``data-*``); never an event handler.
_ATTRS = frozenset(
    [
        "class",
        "colspan",
        "for",
        "href",
        "id",
        "max",
        "min",
        "role",
        "rowspan",
        "scope",
        "step",
        "style",
        "title",
        "type",
        "value",
    ]
)
#: What a ``type`` may say, by element.
_TYPES = {"button": {"button"}, "input": {"range"}, "script": {"application/json"}}
#: Words that have no place in a style (a fetch, a script or an escape that hides one).
_BAD_CSS = re.compile(r"url\s*\(|@import|expression|javascript|behavior|\\", re.IGNORECASE)
#: A chart's script as :func:`plotly.io.to_html` writes it (the report renderer of
#: :mod:`models.reporting.display`): ``Plotly.newPlot`` on its own div with three JSON
#: values (data, layout, config) and nothing else.
_PLOTLY = re.compile(
    r"\s*window\.PLOTLYENV=window\.PLOTLYENV \|\| \{\};\s*"
    r'if \(document\.getElementById\("(?P<id>[0-9a-f-]{36})"\)\) \{\s*'
    r'Plotly\.newPlot\(\s*"(?P=id)",\s*(?P<args>.*?)\s*\)\s*\};\s*',
    re.DOTALL,
)
_WHATIF_ID = re.compile(r"me-wi-[0-9a-f]{8}")


@functools.cache
def _whatif_script() -> str:
    """The what-if panel's script (``models/reporting/assets/whatif.js``), with
    ``__ID__`` where the panel's id goes."""
    import models.reporting

    return (Path(models.reporting.__file__).parent / "assets" / "whatif.js").read_text("utf-8")


def _json_values(text: str, n: int) -> bool:
    """Whether ``text`` is exactly ``n`` JSON values separated by commas (data, which a
    browser reads as data, never as code)."""
    decoder = json.JSONDecoder()

    def skip(pos: int) -> int:
        return len(text) - len(text[pos:].lstrip())

    pos = 0
    for i in range(n):
        if i:
            pos = skip(pos)
            if text[pos : pos + 1] != ",":
                return False
            pos += 1
        try:
            _, pos = decoder.raw_decode(text, skip(pos))
        except ValueError:
            return False
    return not text[pos:].strip()


def _script_reason(attrs: dict[str, str | None], body: str) -> str:
    """Why a ``<script>`` of an HTML output is not one the project writes, or ``""``.

    The project writes three: a chart's ``Plotly.newPlot`` call, the what-if panel's
    data (``type="application/json"``, JSON with no ``<``) and the what-if panel's
    script, the project's own file with the panel's id in it, character for character.
    The first two contain no ``<`` (which is what could end a script early or change
    how a browser reads it)."""
    ids = set(_WHATIF_ID.findall(body))
    if len(ids) == 1 and body == _whatif_script().replace("__ID__", next(iter(ids))):
        return ""
    if ids and attrs.get("type") is None:
        return (
            "a what-if script that is not the one this version of market-entry writes "
            "(execute the notebook again)"
        )
    if "<" in body:
        return "a script with '<' in it"
    if attrs.get("type") == "application/json":
        return "" if _json_values(body, 1) else "a data script that is not JSON"
    m = _PLOTLY.fullmatch(body)
    if m:
        return "" if _json_values(m.group("args"), 3) else "a chart script with more than data"
    return "a script that is not one this version of market-entry writes"


class _OutputChecker(HTMLParser):
    """Reads one ``text/html`` output and keeps the first thing in it that the project's
    code never displays (:attr:`reason`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.reason = ""
        self._raw: tuple[str, dict[str, str | None]] | None = None
        self._body: list[str] = []

    def _refuse(self, reason: str) -> None:
        self.reason = self.reason or reason

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            self._refuse(f"a <{tag[:20]}> element")
            return
        named = dict(attrs)
        for name, value in attrs:
            self._refuse(_attr_reason(tag, name, value or ""))
        if tag in ("script", "style"):
            self._raw, self._body = (tag, named), []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._raw = None

    def handle_endtag(self, tag: str) -> None:
        if self._raw is None or tag != self._raw[0]:
            return
        kind, attrs = self._raw
        body = "".join(self._body)
        if kind == "script":
            self._refuse(_script_reason(attrs, body))
        elif "<" in body or _BAD_CSS.search(body):
            self._refuse("a style that loads or runs something")
        self._raw = None

    def handle_data(self, data: str) -> None:
        if self._raw is not None:
            self._body.append(data)
        elif "<" in data:  # markup this parser did not read as markup: a browser might
            self._refuse(f"markup that cannot be read ({data[data.index('<') :][:30]!r})")

    def handle_comment(self, data: str) -> None:
        self._refuse("an HTML comment")

    def handle_decl(self, decl: str) -> None:
        self._refuse("a declaration")

    def handle_pi(self, data: str) -> None:
        self._refuse("a processing instruction")

    def unknown_decl(self, data: str) -> None:
        self._refuse("a CDATA section")


def _attr_reason(tag: str, name: str, value: str) -> str:
    """Why an attribute is not one the project writes, or ``""``."""
    if name not in _ATTRS and not name.startswith(("aria-", "data-")):
        return f"a {name[:30]!r} attribute on <{tag}>"
    if name == "href" and not value.startswith("#"):
        return f"a link to {value[:40]!r}"
    if name == "type" and value not in _TYPES.get(tag, ()):
        return f"<{tag} type={value[:30]!r}>"
    if name == "style" and _BAD_CSS.search(value):
        return "a style that loads or runs something"
    return ""


def html_output_reason(html: str) -> str:
    """Why a ``text/html`` output is not one the project's code displays, or ``""``:
    only the elements and attributes of :data:`_TAGS` and :data:`_ATTRS`, no event
    handler, no link out of the page, no comment, and no script but the three the
    project writes (:func:`_script_reason`)."""
    checker = _OutputChecker()
    checker.feed(html)
    checker.close()
    if checker._raw is not None:
        checker._refuse(f"an unclosed <{checker._raw[0]}>")
    scripts = len(re.findall(r"<\s*script", html, re.IGNORECASE))
    if not checker.reason and scripts != html.lower().count("</script>"):
        checker._refuse("a script that cannot be read")
    return checker.reason


def output_reason(nb: nbformat.NotebookNode) -> str:
    """Why ``nb``'s outputs are not what the project's code displays, or ``""``.

    A report page shows outputs as they are, so a notebook with the project's cells can
    still carry forged outputs (a ``<script>`` in an HTML table, an
    ``application/javascript`` output, an ``onerror=``). Each output must be of
    :data:`OUTPUT_TYPES` and each HTML output pass :func:`html_output_reason`.
    """
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data", {}) if isinstance(output, dict) else {}
            for mime in data:
                if mime not in OUTPUT_TYPES:
                    return f"cell {i}: an output of type {mime[:60]!r}"
            html = data.get("text/html")
            if html is None:
                continue
            reason = html_output_reason(html if isinstance(html, str) else "".join(html))
            if reason:
                return f"cell {i}: an HTML output with {reason}"
    return ""
