"""The look shared by every chart: colours, fonts, size and layout.

Colours are the Okabe-Ito palette (safe for colour-blind readers); each mode keeps its
colour in every chart (the mode's own ``colour``, :mod:`models.economics.modes`).
Figures are sized for a laptop screen and carry their units in
titles and axes.
"""

from __future__ import annotations

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


def layout(fig: go.Figure, title: str, ytitle: str, xtitle: str = "") -> go.Figure:
    """Apply the house style to ``fig``: white template, title top left, legend above,
    units on the axes."""
    fig.update_layout(
        template="plotly_white",
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 16}},
        height=420,
        margin={"l": 60, "r": 20, "t": 70, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        hovermode="x unified",
        font={"family": "Helvetica, Arial, sans-serif", "size": 13},
    )
    fig.update_yaxes(title_text=ytitle, zeroline=True, zerolinecolor="#888")
    fig.update_xaxes(title_text=xtitle)
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
