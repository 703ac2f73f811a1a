"""Charts of the calibration reports: survival of foreign services in China, fitted
hazards, subscriber growth fits and their backtests (:mod:`models.calibration`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from models.calibration.growth import METHOD_LABELS
from models.economics.modes import MODES
from models.reporting.style import SERIES_COLORS, alpha, layout


def survival_curves(km: pd.DataFrame) -> go.Figure:
    """Kaplan-Meier curves of staying in China without a forced exit, by entry mode, with
    pointwise 95 % bands (from :func:`models.calibration.survival.kaplan_meier`)."""
    fig = go.Figure()
    for mode, part in km.groupby("group", sort=False):
        color = MODES.colour(str(mode))
        label = MODES.label(str(mode))
        x = part["time"].to_numpy()
        for edge, fill in (("upper", None), ("lower", "tonexty")):  # the 95 % band
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=part[edge],
                    mode="lines",
                    line={"width": 0},
                    line_shape="hv",
                    fill=fill,
                    fillcolor=alpha(color),
                    showlegend=False,
                    hoverinfo="skip",
                    legendgroup=label,
                )
            )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=part["survival"],
                mode="lines",
                name=label,
                # dashes keep curves that coincide (licensing sits on the top edge,
                # with no exit in the record) visible beside each other
                line={"color": color, "width": 3, "dash": MODES.dash(str(mode))},
                line_shape="hv",
                legendgroup=label,
                # a curve at one level is the finding (no forced exit in the record)
                meta="flat: no forced exit" if np.ptp(part["survival"]) == 0 else None,
                customdata=part["n_at_risk"],
                hovertemplate="%{y:.2f} (at risk: %{customdata})",
            )
        )
    layout(
        fig,
        "Share of services not yet blocked or shut, by entry mode (Kaplan-Meier)",
        "share still operating",
        "months in China",
    )
    fig.update_yaxes(range=[0, 1.06], tickformat=".0%")
    fig.update_layout(hovermode="closest")
    return fig


def hazard_ranges(table: pd.DataFrame) -> go.Figure:
    """Fitted yearly forced-exit probability per mode with its 95 % range, against the
    scenario's value (from :func:`models.calibration.hazards.compare`)."""
    fig = go.Figure()
    labels = [MODES.label(m) for m in table["mode"]]
    fig.add_trace(
        go.Scatter(
            x=table["fitted_p_year"],
            y=labels,
            mode="markers",
            name="fitted (95 % range)",
            marker={"size": 12, "color": [MODES.colour(m) for m in table["mode"]]},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": table["high"] - table["fitted_p_year"],
                "arrayminus": table["fitted_p_year"] - table["low"],
            },
            hovertemplate="%{x:.1%}",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=table["scenario_p_year"],
            y=labels,
            mode="markers",
            name="this scenario",
            hovertemplate="%{x:.1%}",
            marker={"symbol": "x", "size": 13, "color": "black"},
        )
    )
    layout(fig, "Yearly probability of a forced exit: fitted and used", "", "probability per year")
    fig.update_xaxes(tickformat=".0%", rangemode="tozero")
    fig.update_layout(hovermode="closest", height=320)
    return fig


def growth_fits(series: dict, fits: dict) -> go.Figure:
    """Observed subscriber stocks (filled markers: verified; open: not) and the fitted
    Bass-with-churn paths, millions, from :mod:`models.calibration.growth`."""
    fig = go.Figure()
    for i, (name, s) in enumerate(series.items()):
        color = SERIES_COLORS[i % len(SERIES_COLORS)]
        fit = fits[name]
        months = int(fit.months.max()) + 1
        dates = pd.period_range(pd.Timestamp(s.launch), periods=months, freq="M")
        fig.add_trace(
            go.Scatter(
                x=dates.to_timestamp(how="end"),
                y=fit.predict(months),
                mode="lines",
                name=f"{name} fit",
                legendgroup=name,
                line={"color": color, "width": 2},
                hovertemplate="%{y:.1f}",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=s.stock.index,
                y=s.stock.to_numpy(),
                mode="markers",
                name=f"{name} reported",
                legendgroup=name,
                showlegend=False,
                hovertemplate="%{y:.1f}",
                marker={
                    "color": [color if v else "white" for v in s.verified],
                    "line": {"color": color, "width": 2},
                    "size": 8,
                },
            )
        )
    layout(
        fig,
        "Subscribers reported and fitted (millions; open markers: not verified)",
        "subscribers (millions)",
    )
    fig.update_layout(hovermode="closest", height=480)
    return fig


def backtest_scores(table: pd.DataFrame) -> go.Figure:
    """MASE of each forecasting method per series (lower is better; 1 = as good as the
    in-sample naive forecast), from :func:`models.calibration.growth.backtest_table`."""
    fig = go.Figure()
    for i, (method, part) in enumerate(table.groupby("method", sort=False)):
        fig.add_trace(
            go.Bar(
                x=part["series"],
                y=part["mase"],
                name=METHOD_LABELS[method],
                marker_color=SERIES_COLORS[i % len(SERIES_COLORS)],
                hovertemplate="MASE %{y:.2f}",
            )
        )
    fig.add_hline(y=1.0, line_dash="dot", line_color="#555")
    layout(fig, "Backtest: forecast error on held-out periods (MASE, lower is better)", "MASE")
    fig.update_layout(barmode="group", hovermode="closest")
    # a log axis with labelled 1-2-5 ticks: plotly's own minor labels read "4 ... 9"
    values = table["mase"].to_numpy(dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    lo, hi = (values.min(), values.max()) if len(values) else (0.1, 10.0)
    ticks = [
        m * 10.0**e
        for e in range(int(np.floor(np.log10(min(lo, 1.0)))), int(np.ceil(np.log10(hi))) + 1)
        for m in (1, 2, 5)
    ]
    ticks = [t for t in ticks if min(lo, 1.0) / 2 <= t <= hi * 2]
    fig.update_yaxes(type="log", tickvals=ticks, ticktext=[f"{t:g}" for t in ticks])
    return fig


def paying_market_hindcast(table: pd.DataFrame) -> go.Figure:
    """The paying market the 2016 decision foresaw (median and 90 % band) against what
    was reported, per year end (:func:`models.analysis.hindcast.hindcast`), with the
    market frozen at 2015's paying share for comparison."""
    years = [str(y) for y in table.index]
    blue, red, green, grey = SERIES_COLORS[0], SERIES_COLORS[1], SERIES_COLORS[2], "#555"
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=years + years[::-1],
            y=list(table["p95"]) + list(table["p5"])[::-1],
            fill="toself",
            fillcolor=alpha(blue),
            mode="lines",
            line={"width": 0},
            name="model, 90 % band",
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(x=years, y=table["median"], name="model, median", line={"color": blue})
    )
    fig.add_trace(
        go.Scatter(
            x=years,
            y=table["frozen"],
            name="market frozen in 2015",
            line={"color": grey, "dash": "dash"},
        )
    )
    points = [(y, x) for y, r in zip(years, table["reported"], strict=True) for x in r]
    if points:
        fig.add_trace(
            go.Scatter(
                x=[p[0] for p in points],
                y=[p[1] for p in points],
                mode="markers",
                marker={"color": red, "size": 10, "symbol": "diamond"},
                name="paying users reported",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=years,
            y=table["leader"],
            mode="markers",
            marker={"color": green, "size": 9, "symbol": "triangle-up"},
            name="largest platform's members (at least)",
        )
    )
    if table["memberships"].notna().any():
        fig.add_trace(
            go.Scatter(
                x=years,
                y=table["memberships"],
                mode="markers",
                marker={"color": red, "size": 9, "symbol": "triangle-down"},
                name="paid memberships, all platforms (at most)",
            )
        )
    layout(fig, "Hindcast: China's paying video users, 2016 decision vs reports", "million")
    fig.update_layout(hovermode="closest", height=460, legend={"y": -0.25, "yanchor": "top"})
    fig.update_xaxes(type="category")
    return fig
