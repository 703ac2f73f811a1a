"""Plotly figures of a simulation, one function per chart; no I/O.

The house style (colours, layout) is :mod:`models.reporting.style`; the calibration
reports' charts are :mod:`models.reporting.calibration_charts`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from models.economics.modes import MODES
from models.economics.results import LINE_ITEMS, Results
from models.economics.results import revenue as results_revenue
from models.reporting.style import COST_COLORS, layout


def _leaves(results: Results, mode: str) -> int | None:
    last = int(np.mean(results.modes[mode].last_month))
    return last if last < results.months - 1 else None


def _with_subscribers(results: Results) -> list[str]:
    """The modes that run a service of their own, and a staged entry where it switches
    to one in the most-likely case."""
    out = []
    for m in MODES:
        r = results.modes.get(m.name)
        switches = r is not None and r.switch_month is not None
        if m.runs_service or (
            m.may_run_service and switches and bool(np.isfinite(r.switch_month).any())
        ):
            out.append(m.name)
    return out


def subscribers(results: Results) -> go.Figure:
    """Expected subscribers of the modes that run a service, millions, by month.

    Solid: under the best exit policy; dotted: if the mode were run on after the month
    it is best left (its business plan, weighted by the chance of no forced exit).
    """
    x = results.dates.to_timestamp()
    fig = go.Figure()
    for mode in _with_subscribers(results):
        r = results.modes[mode]
        plan = (r.subscribers_m * r.survival).mean(axis=0)
        leave = _leaves(results, mode)
        cut = len(x) if leave is None else leave + 1
        label = MODES.label(mode)
        if not np.any(plan[:cut] > 1e-9):
            # never launched under its exit policy: a solid line would be a flat zero, so
            # the plan alone, as if launched and run to the horizon, labelled so
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=plan,
                    mode="lines",
                    name=f"{label} as if launched (not launched: best left before launch)",
                    line={"color": MODES.colour(mode), "width": 2, "dash": "dot"},
                    hovertemplate="%{y:.2f} m",
                )
            )
            continue
        fig.add_trace(
            go.Scatter(
                x=x[:cut],
                y=plan[:cut],
                name=label,
                mode="lines",
                line={"color": MODES.colour(mode), "width": 3},
                hovertemplate="%{y:.2f} m",
            )
        )
        if leave is not None:
            fig.add_trace(
                go.Scatter(
                    x=x[leave:],
                    y=plan[leave:],
                    mode="lines",
                    name=f"{label} if run on",
                    line={"color": MODES.colour(mode), "width": 2, "dash": "dot"},
                    hovertemplate="%{y:.2f} m",
                )
            )
    return layout(
        fig,
        "Subscribers by mode (most-likely case, millions; dotted: if run on after the "
        "month it is best left, or as if launched)",
        "subscribers (millions)",
    )


def cumulative_cash(results: Results) -> go.Figure:
    """Cumulative expected cash flow of every mode under its best exit policy (solid) and,
    for a mode best left early, if run to the horizon (dotted), US$ millions. A mode not
    started at all draws only the dotted line, as if started (its solid line would be
    a flat zero)."""
    x = results.dates.to_timestamp()
    fig = go.Figure()
    for mode, r in results.modes.items():
        y = np.cumsum(r.cash_flow, axis=1).mean(axis=0)
        leaves = _leaves(results, mode)
        idle = not MODES.is_baseline(mode) and not np.any(np.abs(y) > 1e-9)
        if not idle:
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    name=MODES.label(mode),
                    mode="lines",
                    hovertemplate="%{y:,.0f}",
                    line={
                        "color": MODES.colour(mode),
                        "width": 3,
                        "dash": "dash" if MODES.is_baseline(mode) else "solid",
                    },
                    # staying out is the zero line every mode is read against
                    meta="reference" if MODES.is_baseline(mode) else None,
                )
            )
        if leaves is not None or idle:
            committed = np.sum([r.committed_lines[k] for k in LINE_ITEMS], axis=0)
            # a mode not started at all draws only its plan, labelled so
            what = "as if started (not started)" if idle else "if run to the horizon"
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=np.cumsum(committed, axis=1).mean(axis=0),
                    mode="lines",
                    name=f"{MODES.label(mode)} {what}",
                    hovertemplate="%{y:,.0f}",
                    line={"color": MODES.colour(mode), "width": 2, "dash": "dot"},
                )
            )
    return layout(fig, "Cumulative cash by mode (US$ m, undiscounted)", "US$ millions")


def cost_stack(results: Results, mode: str | None = None) -> go.Figure:
    """Yearly costs of one mode stacked by line, with its revenue as a line, US$ m.

    ``mode`` defaults to the recommended mode, or the best way in when the
    recommendation is to stay out (which has no costs to show).
    """
    if mode is None:
        mode = next(m for m in results.ranking if not MODES.is_baseline(m))
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
                marker_color=COST_COLORS[i % len(COST_COLORS)],
                hovertemplate="%{y:,.1f}",
            )
        )
    revenue = results_revenue(annual)
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
    layout(
        fig,
        f"{MODES.label(mode)}: yearly costs against revenue (US$ m, most-likely case)",
        "US$ millions",
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

    Solid bars: the value when the streamer may leave by choice (which ranks the
    modes); hollow bars beside them: the NPV if the mode is run to the horizon whatever
    happens. Each carries its value, clear of the other.
    """
    order = results.ranking
    s = results.summary
    labels = [MODES.label(m) for m in order]
    fig = go.Figure()
    for column, name, filled in (
        ("npv_usd_m", "free to leave", True),
        ("npv_committed_usd_m", "run to the horizon", False),
    ):
        values = [s.loc[m, column] for m in order]
        fig.add_trace(
            go.Bar(
                x=values,
                y=labels,
                orientation="h",
                name=name,
                marker={
                    "color": [MODES.colour(m) if filled else "white" for m in order],
                    "line": {"color": [MODES.colour(m) for m in order], "width": 1.5},
                },
                text=[f"{v:,.0f}" for v in values],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{x:,.1f}<extra>" + name + "</extra>",
            )
        )
    layout(fig, "Net present value by mode (US$ m, most-likely case)", "", "US$ millions")
    fig.update_layout(hovermode="closest", height=380, barmode="group", margin={"r": 60})
    fig.update_yaxes(autorange="reversed")
    return fig


def content_build_up(build_up: pd.DataFrame) -> go.Figure:
    """Yearly content budget by mode, stacked by component (from
    :func:`models.analysis.content_breakdown.build_up`), US$ m at month-0 prices."""
    fig = go.Figure()
    for i, (_key, part) in enumerate(build_up.groupby("component", sort=False)):
        fig.add_trace(
            go.Bar(
                x=part["mode_label"],
                y=part["usd_m_year"],
                name=part["component_label"].iloc[0],
                marker_color=COST_COLORS[i],
                hovertemplate="%{y:,.1f}",
            )
        )
    fig.update_layout(barmode="stack")
    layout(fig, "Content budget per year by mode (US$ m, month-0 prices)", "US$ m per year")
    fig.update_layout(hovermode="closest")
    return fig


def quota_effect(quota: pd.DataFrame) -> go.Figure:
    """Cost of the domestic titles the quota requires as its share varies (from
    :func:`models.analysis.content_breakdown.quota_effect`)."""
    fig = go.Figure()
    for mode, part in quota.groupby("mode", sort=False):
        fig.add_trace(
            go.Scatter(
                x=part["quota_share"],
                y=part["usd_m_year"],
                mode="lines+markers",
                name=MODES.label(mode),
                line={"color": MODES.colour(mode)},
                customdata=part["domestic_titles"],
                hovertemplate="%{y:,.1f} (%{customdata:,.0f} titles)",
            )
        )
    current = quota.loc[quota["current"], "quota_share"]
    if not current.empty:
        fig.add_vline(
            x=float(current.iloc[0]),
            line_dash="dot",
            line_color="#555",
            annotation_text="current rule",
            annotation_position="bottom right",
        )
    layout(
        fig,
        "Domestic titles the quota requires (US$ m per year, average over the horizon)",
        "US$ m per year",
        "the quota: foreign titles allowed, as a share",
    )
    fig.update_xaxes(tickformat=".0%", rangemode="tozero")
    return fig


def cash_vs_amortised(table: pd.DataFrame, label: str | None = None) -> go.Figure:
    """Content cash paid up front against content expensed, by year (from
    :func:`models.analysis.content_breakdown.cash_vs_amortised`); ``label`` defaults to
    the mode's."""
    label = label or MODES.label(table.attrs.get("mode", ""))
    x = table.index.astype(str)
    fig = go.Figure()
    for column, name, color in (
        ("cash_paid", "cash paid", "#0072B2"),
        ("amortised", "amortised (expense)", "#E69F00"),
    ):
        fig.add_trace(
            go.Bar(x=x, y=table[column], name=name, marker_color=color, hovertemplate="%{y:,.1f}")
        )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=table["cumulative_gap"],
            name="cash ahead of expense",
            mode="lines+markers",
            line={"color": "black"},
            hovertemplate="%{y:,.1f}",
        )
    )
    layout(
        fig,
        f"{label}: content cash against amortised cost (US$ m, most-likely case)",
        "US$ millions",
    )
    return fig
