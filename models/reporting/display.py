"""How plotly figures are displayed in report notebooks.

Each figure is emitted with two representations:

- ``application/vnd.plotly.v1+json``, which JupyterLab draws interactively;
- ``text/html``, a ``<div>`` and a call to ``Plotly.newPlot``, which nbconvert's HTML
  keeps. It includes neither plotly.js nor MathJax: the report template
  (:mod:`models.runner.html`) inlines plotly.js once in the page head.

Two traps this avoids, measured: since plotly 6.1 the default renderer in a kernel emits
only the plotly mimetype, so nbconvert's HTML shows blank charts; and plotly's own
``notebook`` renderer loads MathJax from a CDN in every figure.
"""

from __future__ import annotations

import plotly.io as pio
from plotly.io.base_renderers import MimetypeRenderer, PlotlyRenderer

NAME = "market_entry"

#: plotly.js options for every chart: no plotly logo, resize with the window.
CONFIG = {"displaylogo": False, "responsive": True}


class ReportRenderer(MimetypeRenderer):
    """Plotly mimetype for JupyterLab plus offline ``text/html`` for nbconvert."""

    def to_mimebundle(self, fig_dict: dict) -> dict:
        html = pio.to_html(
            fig_dict,
            include_plotlyjs=False,
            include_mathjax=False,
            full_html=False,
            config=CONFIG,
            default_width="100%",
            validate=False,
        )
        bundle = PlotlyRenderer(config=CONFIG).to_mimebundle(fig_dict)
        bundle["text/html"] = html
        return bundle


def use_report_renderer() -> None:
    """Register :class:`ReportRenderer` and make it plotly's default."""
    pio.renderers[NAME] = ReportRenderer()
    pio.renderers.default = NAME
