"""Plotly figures of a simulation, one function per chart; no I/O.

Colours are the Okabe-Ito palette (safe for colour-blind readers); each mode keeps its
colour in every chart. Figures are sized for a laptop screen and carry their units in
titles and axes.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .results import LINE_ITEMS, Results
from .schema import MODE_LABELS

MODE_COLORS = {
    "solo": "#D55E00",
    "partner": "#0072B2",
    "license": "#009E73",
    "stay_out": "#7F7F7F",
}

_COST_COLORS = [
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


def _layout(fig: go.Figure, title: str, ytitle: str, xtitle: str = "") -> go.Figure:
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


def subscribers(results: Results) -> go.Figure:
    """Expected subscribers of the modes that run a service, millions, by month."""
    x = results.dates.to_timestamp()
    fig = go.Figure()
    for mode in ("solo", "partner"):
        y = results.modes[mode].expected_subscribers_m.mean(axis=0)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                name=MODE_LABELS[mode],
                mode="lines",
                line={"color": MODE_COLORS[mode], "width": 3},
                hovertemplate="%{y:.2f} m",
            )
        )
    return _layout(fig, "Subscribers by mode (expected, millions)", "subscribers (millions)")


def cumulative_cash(results: Results) -> go.Figure:
    """Cumulative expected cash flow of every mode, US$ millions, by month."""
    x = results.dates.to_timestamp()
    fig = go.Figure()
    for mode, r in results.modes.items():
        y = np.cumsum(r.cash_flow, axis=1).mean(axis=0)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                name=MODE_LABELS[mode],
                mode="lines",
                line={
                    "color": MODE_COLORS[mode],
                    "width": 3,
                    "dash": "dot" if mode == "stay_out" else "solid",
                },
                hovertemplate="%{y:,.0f}",
            )
        )
    return _layout(fig, "Cumulative cash by mode (US$ m, undiscounted)", "US$ millions")


def cost_stack(results: Results, mode: str | None = None) -> go.Figure:
    """Yearly costs of one mode stacked by line, with its revenue as a line, US$ m.

    ``mode`` defaults to the recommended mode, or the best way in when the
    recommendation is to stay out (which has no costs to show).
    """
    if mode is None:
        mode = next(m for m in results.ranking if m != "stay_out")
    annual = results.annual(mode)
    years = annual.index.astype(str)
    fig = go.Figure()
    costs = [k for k in LINE_ITEMS if (annual[k] < 0).any()]
    for i, k in enumerate(costs):
        fig.add_trace(
            go.Bar(
                x=years,
                y=-annual[k],
                name=LINE_ITEMS[k],
                marker_color=_COST_COLORS[i % len(_COST_COLORS)],
                hovertemplate="%{y:,.1f}",
            )
        )
    revenue = annual["subscription_revenue"] + annual["license_fees"]
    fig.add_trace(
        go.Scatter(
            x=years,
            y=revenue,
            name="Revenue (VAT incl.)",
            mode="lines+markers",
            line={"color": "black", "width": 3},
            hovertemplate="%{y:,.1f}",
        )
    )
    fig.update_layout(barmode="stack")
    _layout(
        fig, f"{MODE_LABELS[mode]}: yearly costs against revenue (US$ m, expected)", "US$ millions"
    )
    fig.update_layout(
        legend={
            "orientation": "v",
            "y": 1,
            "x": 1.02,
            "xanchor": "left",
            "yanchor": "top",
            "font": {"size": 11},
        },
        margin={"r": 200},
    )
    return fig


def npv_by_mode(results: Results) -> go.Figure:
    """NPV of each mode, US$ millions, best first.

    Bars: the value when the streamer may leave by choice (which ranks the modes);
    diamonds: the NPV if the mode is run to the horizon whatever happens.
    """
    order = results.ranking
    s = results.summary
    labels = [MODE_LABELS[m] for m in order]
    fig = go.Figure(
        go.Bar(
            x=[s.loc[m, "npv_usd_m"] for m in order],
            y=labels,
            orientation="h",
            name="free to leave",
            marker_color=[MODE_COLORS[m] for m in order],
            text=[f"{s.loc[m, 'npv_usd_m']:,.0f}" for m in order],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x:,.1f}<extra>free to leave</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[s.loc[m, "npv_committed_usd_m"] for m in order],
            y=labels,
            mode="markers",
            name="run to the horizon",
            marker={"symbol": "diamond-open", "size": 13, "color": "black", "line": {"width": 2}},
            hovertemplate="%{x:,.1f}<extra>run to the horizon</extra>",
        )
    )
    _layout(fig, "Net present value by mode (US$ m, expected)", "", "US$ millions")
    fig.update_layout(hovermode="closest", height=340)
    fig.update_yaxes(autorange="reversed")
    return fig
