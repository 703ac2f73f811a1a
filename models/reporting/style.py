"""The look shared by every chart: colours, fonts, size and layout.

Colours are the Okabe-Ito palette (safe for colour-blind readers); each mode keeps its
colour in every chart (the mode's own ``colour``, :mod:`models.economics.modes`).
Figures are sized for a laptop screen and carry their units in
titles and axes.
"""

from __future__ import annotations

import re

import numpy as np
import plotly.graph_objects as go

from models.economics.modes import MODES

COST_COLORS = [
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#999999",
    "#882255",
    "#44AA99",
    "#117733",
    "#332288",
    "#AA4499",
    "#DDCC77",
]


#: Colours of data series that are not modes (fits, methods), in order.
SERIES_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]


#: Characters of a title line wrapped by :func:`wrap_title`: a 16 px title on a chart
#: about 900 px wide (a laptop) holds about 95 before it is cut.
TITLE_WRAP = 80


def wrap_title(text: str, width: int = TITLE_WRAP) -> str:
    """``text`` with each line (``<br>``-separated) broken at spaces into lines of at
    most ``width`` characters, so that no title runs off the chart. Tags such as
    ``<sup>`` count as nothing and are never split.

    >>> wrap_title("one two three", 8)
    'one two<br>three'
    """
    out = []
    for line in re.split(r"<br\s*/?>", text):
        words, current, n = line.split(" "), [], 0
        for w in words:
            size = len(re.sub(r"<[^>]+>", "", w))
            if current and n + 1 + size > width:
                out.append(" ".join(current))
                current, n = [], 0
            current.append(w)
            n += size + (1 if n else 0)
        out.append(" ".join(current))
    # a tag opened on one line and closed on a later one must open again there
    for i in range(1, len(out)):
        for tag in ("sup", "sub", "i", "b"):
            if out[i - 1].count(f"<{tag}>") > out[i - 1].count(f"</{tag}>"):
                out[i - 1] += f"</{tag}>"
                out[i] = f"<{tag}>" + out[i]
    return "<br>".join(out)


def legend_below(fig: go.Figure, xtitle: bool = True) -> go.Figure:
    """Put ``fig``'s legend in rows under the plot, clear of the title and of the x
    axis's ticks and title (``xtitle``: whether the x axis has a title)."""
    fig.update_layout(
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -0.24 if xtitle else -0.12,
            "xanchor": "left",
            "x": 0,
        }
    )
    return fig


def layout(fig: go.Figure, title: str, ytitle: str, xtitle: str = "") -> go.Figure:
    """Apply the house style to ``fig``: white template, title top left (wrapped so that
    it is never cut), the legend under the plot (never over the title), units on the
    axes; traces that coincide are told apart (:func:`tell_apart`)."""
    title = wrap_title(title)
    lines = title.count("<br>") + 1
    fig.update_layout(
        template="plotly_white",
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 16}},
        height=420 + 20 * (lines - 1),
        margin={"l": 60, "r": 20, "t": 50 + 22 * lines, "b": 50},
        hovermode="x unified",
        font={"family": "Helvetica, Arial, sans-serif", "size": 13},
    )
    legend_below(fig, bool(xtitle))
    fig.update_yaxes(title_text=ytitle, zeroline=True, zerolinecolor="#888")
    fig.update_xaxes(title_text=xtitle)
    tell_apart(fig)
    return fig


#: Dash patterns given, in turn, to a line that coincides with one drawn before it.
_DASHES = ("dash", "dot", "dashdot", "longdash")


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    try:
        x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return list(a) == list(b)
    if x.shape != y.shape:
        return False
    scale = max(1.0, float(np.nanmax(np.abs(x))) if x.size else 1.0)
    return bool(np.allclose(x, y, rtol=0, atol=1e-6 * scale, equal_nan=True))


def tell_apart(fig: go.Figure) -> go.Figure:
    """Draw each line trace that coincides with one drawn before it (same x and y) so
    that both can be seen: dashed over the solid one (markers: open and larger,
    ringing the one below), and named so in the legend
    ("Staged entry: same as licensing"). Traces out of the legend (fan bands) are left
    as they are: their fills blend."""
    drawn: list = []
    for t in fig.data:
        if t.type not in ("scatter", "scattergl") or t.showlegend is False:
            continue
        if t.line is not None and t.line.width == 0:
            continue
        same = [
            d
            for d in drawn
            if _same(d.x, t.x)
            and _same(d.y, t.y)
            and (d.xaxis, d.yaxis) == (t.xaxis, t.yaxis)  # the same panel of subplots
        ]
        if same and "same as " not in (t.name or ""):
            first = (same[0].name or "the line before").split(" (")[0]
            t.line.dash = _DASHES[(len(same) - 1) % len(_DASHES)]
            t.line.width = max(t.line.width or 2, 2.5)
            if "markers" in (t.mode or ""):  # an open, larger marker rings the one below
                symbol = t.marker.symbol if isinstance(t.marker.symbol, str) else "circle"
                t.marker.symbol = symbol if symbol.endswith("-open") else f"{symbol}-open"
                t.marker.size = (t.marker.size if isinstance(t.marker.size, int | float) else 6) + 4
            modes = {m.label for m in MODES}
            first = first[:1].lower() + first[1:] if first in modes else first
            t.name = f"{t.name}: same as {first}"
        drawn.append(t)
    return fig


def tint(hex_color: str, share: float = 0.06) -> str:
    """``hex_color`` mixed into white (``share`` of the colour): a light background that
    keeps the hue (a recommendation box in its mode's colour).

    >>> tint("#D55E00")
    '#fcf5f0'
    """
    h = hex_color.lstrip("#")
    rgb = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return "#" + "".join(f"{round(255 - share * (255 - c)):02x}" for c in rgb)


def box_style(mode: str) -> str:
    """The inline style of a box in ``mode``'s colour (the mode's own ``colour``)."""
    colour = MODES.colour(mode)
    return f"border-color:{colour};background:{tint(colour)}"


def alpha(hex_color: str, a: float = 0.18) -> str:
    """``hex_color`` as an ``rgba()`` string with opacity ``a`` (for bands)."""
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{a})"
