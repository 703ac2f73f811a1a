"""Plotly figures of the decision under uncertainty; no I/O.

Every figure is built from summaries, never from raw paths: NPV distributions are
binned before plotting, fan charts carry five percentiles per month, tornado and Sobol
charts one bar per input. A report at 100,000 paths is therefore as small as one at
1,000. Colours and layout follow :mod:`models.reporting.style`. A chart whose subject did
not happen (a mode started in no future) is a sentence instead, returned with what
does inform as :class:`models.reporting.blocks.Items` (docs/report_style.md, "Charts").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from models.analysis.deal import DealZone, negotiated
from models.economics.modes import MODES
from models.format import money, pct
from models.reporting.blocks import Items, note
from models.reporting.style import alpha, layout
from models.uncertainty.montecarlo import MonteCarlo

#: Percentiles of the fan charts: outer band, inner band, median.
FAN = (0.05, 0.25, 0.5, 0.75, 0.95)

#: Bins of the NPV histograms.
BINS = 60

#: Bars in the tornado and Sobol charts.
TOP = 12


def histogram(values: pd.DataFrame, bins: int = BINS) -> tuple[np.ndarray, pd.DataFrame]:
    """Shares of paths per NPV bin for each column, on one set of bin edges.

    Returns the bin centres and a frame of shares (each column sums to 1).
    """
    x = values.to_numpy(dtype=float)
    lo, hi = np.nanmin(x), np.nanmax(x)
    if hi - lo < 1e-9:
        lo, hi = lo - 1.0, hi + 1.0
    edges = np.linspace(lo, hi, bins + 1)
    shares = {
        c: np.histogram(values[c].to_numpy(dtype=float), edges)[0] / len(values)
        for c in values.columns
    }
    return (edges[:-1] + edges[1:]) / 2, pd.DataFrame(shares)


def _listed(modes: list[str]) -> str:
    """Modes inside a sentence, capitalised: "Solo and partner"."""
    names = " and ".join(MODES.in_words(m) for m in modes)
    return names[:1].upper() + names[1:]


def never_started(mc: MonteCarlo, modes: list[str]) -> list[str]:
    """The modes of ``modes`` not started in any simulated future (NPV exactly zero in
    every one: the go decision turns them down, so they spend and earn nothing)."""
    return [m for m in modes if m in mc.npv and bool((mc.npv[m] == 0).all())]


def _not_started_note(mc: MonteCarlo, modes: list[str], what: str) -> Items:
    if not modes:
        return Items()
    one = len(modes) == 1
    them = "it" if one else "them"
    return Items(
        [
            note(
                f"{_listed(modes)} {'is' if one else 'are'} not started in any of the "
                f"{mc.n_paths:,} simulated futures (the go decision turns {them} down: NPV "
                f"$0 m in each), so {what.format(them=them)}."
            )
        ]
    )


def npv_across_futures(mc: MonteCarlo, order: list[str]) -> go.Figure | Items:
    """:func:`npv_distributions` of the entering modes started in some future; a mode
    started in none is a sentence instead of a spike at zero (the sentence and the
    chart, as :class:`Items`)."""
    entering = [m for m in order if not MODES.is_baseline(m)]
    idle = never_started(mc, entering)
    out = _not_started_note(mc, idle, "the chart leaves {them} out")
    shown = [m for m in entering if m not in idle]
    if not shown:
        return out
    fig = npv_distributions(mc, shown)
    return Items([*out, fig]) if out else fig


def npv_distributions(mc: MonteCarlo, order: list[str]) -> go.Figure:
    """Distribution of each entering mode's NPV across paths (binned), with its mean."""
    modes = [m for m in order if not MODES.is_baseline(m)]
    centres, shares = histogram(mc.npv[modes])
    fig = go.Figure()
    for m in modes:
        fig.add_trace(
            go.Scatter(
                x=np.round(centres, 2),
                y=np.round(shares[m].to_numpy(), 5),
                mode="lines",
                line={"color": MODES.colour(m), "width": 2, "shape": "hvh"},
                fill="tozeroy",
                fillcolor=alpha(MODES.colour(m), 0.15),
                name=MODES.label(m),
                hovertemplate="NPV %{x:,.0f}: %{y:.1%} of paths<extra>"
                + MODES.label(m)
                + "</extra>",
            )
        )
        mean = float(mc.npv[m].mean())
        fig.add_vline(x=mean, line={"color": MODES.colour(m), "dash": "dot", "width": 1.5})
    fig.add_vline(x=0, line={"color": "#444", "width": 1})
    layout(
        fig,
        f"NPV across {mc.n_paths:,} simulated futures (US$ m; dotted: mean)",
        "share of paths",
        "NPV, US$ millions",
    )
    fig.update_yaxes(tickformat=".0%")
    fig.update_layout(hovermode="closest")
    return fig


def fan_quantiles(paths: np.ndarray) -> np.ndarray:
    """The :data:`FAN` percentiles of each month, shape (5, months)."""
    return np.quantile(np.asarray(paths, dtype=float), FAN, axis=0)


def fan_chart(
    mc: MonteCarlo, variable: str, modes: list[str], title: str, ytitle: str
) -> go.Figure:
    """Median and 50 % / 90 % bands per month for each mode.

    ``variable`` is ``"subscribers"`` or ``"cash"`` (cumulative cash).
    """
    arrays = mc.fan_subscribers if variable == "subscribers" else mc.fan_cash
    dates = mc.dates.to_timestamp()
    fig = go.Figure()
    for m in modes:
        q = np.round(fan_quantiles(arrays[m]), 3)
        colour = MODES.colour(m)
        for lo, hi, a, band in ((0, 4, 0.12, "P5-P95"), (1, 3, 0.25, "P25-P75")):
            fig.add_trace(
                go.Scatter(
                    x=dates,
                    y=q[hi],
                    mode="lines",
                    line={"width": 0},
                    showlegend=False,
                    hoverinfo="skip",
                    legendgroup=m,
                )
            )
            fig.add_trace(
                go.Scatter(
                    x=dates,
                    y=q[lo],
                    mode="lines",
                    line={"width": 0},
                    fill="tonexty",
                    fillcolor=alpha(colour, a),
                    name=f"{MODES.label(m)} {band}",
                    legendgroup=m,
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
        fig.add_trace(
            go.Scatter(
                x=dates,
                y=q[2],
                mode="lines",
                line={"color": colour, "width": 2.5},
                name=f"{MODES.label(m)} (median; bands 50 % and 90 %)",
                legendgroup=m,
                hovertemplate="%{y:,.1f}<extra>" + MODES.label(m) + " median</extra>",
            )
        )
    layout(fig, title, ytitle)
    return fig


def subscribers_across_futures(
    mc: MonteCarlo, modes: list[str], title: str = "Subscribers across futures (millions)"
) -> Items:
    """The subscriber fan chart of the own services that launch in some future, and a
    sentence for those that launch in none (their fan would be a flat zero): the
    most-likely case's subscriber chart draws those as if launched.

    Parameters
    ----------
    mc : MonteCarlo
        The simulated futures (``launched``: 1 where a mode reached its launch).
    modes : list of str
        The own-service modes to show, best first.
    title : str
        The chart's title.

    Returns
    -------
    Items
        The sentence (if a mode never launches) and the chart (if one does).
    """
    launched = mc.launched
    never = [m for m in modes if m in launched and not bool((launched[m] > 0).any())]
    # a service that launches only in futures the fan does not keep (the staged entry's
    # switch, say): the fan would be a flat zero too
    unseen = [m for m in modes if m not in never and not np.any(mc.fan_subscribers[m] > 0)]
    shown = [m for m in modes if m not in never + unseen]
    out = Items()
    if never:
        one = len(never) == 1
        out.append(
            note(
                f"{_listed(never)} {'launches' if one else 'launch'} in none "
                f"of the {mc.n_paths:,} simulated futures (turned down at the go decision or "
                f"walked away from before launch), so there are no subscribers to draw for "
                f"{'it' if one else 'them'}; the most-likely case's subscriber chart below "
                "draws each as if launched and run to the horizon."
            )
        )
    for m in unseen:
        out.append(
            note(
                f"{_listed([m])} runs a service of its own in few futures, none of them "
                "among those the fan chart draws, so the chart leaves it out."
            )
        )
    if shown:
        out.append(fan_chart(mc, "subscribers", shown, title, "subscribers, millions"))
    return out


def cash_across_futures(
    mc: MonteCarlo, modes: list[str], title: str = "Cumulative cash across futures (US$ m)"
) -> go.Figure | Items:
    """The cumulative cash fan chart of ``modes`` that are started in some future, and a
    sentence for those started in none (their fan would be a flat zero)."""
    idle = never_started(mc, modes)
    shown = [m for m in modes if m not in idle]
    out = _not_started_note(mc, idle, "there is no cash to draw for {them}")
    if not shown:
        return out
    fig = fan_chart(mc, "cash", shown, title, "US$ millions")
    return Items([*out, fig]) if out else fig


def tornadoes(table: pd.DataFrame, recommended: str, runner_up: str) -> Items:
    """The two tornado charts (the lead over the runner-up, then the recommended mode's
    NPV), or one and a sentence when the runner-up does not move with any input (staying
    out, or a mode left at once): the NPV then moves exactly as the lead does, and the
    second chart would repeat the first.

    Returns
    -------
    Items
        One or two charts, and the sentence when there is one.
    """
    lead = tornado(table, recommended, runner_up)
    if table.empty or not np.allclose(table["swing"], table["npv_swing"], atol=1e-6):
        return Items([lead, tornado(table, recommended, runner_up, value="npv")])
    other = float(table["npv_base"].iloc[0] - table["gap_base"].iloc[0])
    r, s = MODES.in_words(recommended), MODES.in_words(runner_up)
    shift = (
        "the two charts would be identical"
        if abs(other) < 0.05
        else f"its chart would be this one moved by {money(other)}"
    )
    return Items(
        [
            lead,
            note(
                f"The NPV of {r} moves exactly as its lead over {s} does ({s} is worth "
                f"{money(other)} whatever any input does), so {shift}: one chart shows both."
            ),
        ]
    )


def tornado(table: pd.DataFrame, recommended: str, runner_up: str, value: str = "gap") -> go.Figure:
    """The margin of the recommended mode over the runner-up (``value="gap"``) or its
    NPV (``value="npv"``) when each input moves alone from its 5th to its 95th
    percentile (largest swings on top)."""
    if table.empty:
        fig = go.Figure()
        fig.add_annotation(
            text="No uncertain inputs under this scenario: nothing to swing.",
            showarrow=False,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
        )
        return layout(fig, "What moves the answer (no uncertain inputs)", "")
    swing = "swing" if value == "gap" else "npv_swing"
    # inputs that do not move it draw no bar: they are counted in the title instead
    moving = table[table[swing] > 1e-9]
    still = len(table) - len(moving)
    top = moving.sort_values(swing, ascending=False).head(TOP).iloc[::-1]
    base = float(table[f"{value}_base"].iloc[0]) if len(table) else 0.0
    fig = go.Figure()
    for side, colour, name in (
        ("low", "#56B4E9", "input at P5"),
        ("high", "#E69F00", "input at P95"),
    ):
        fig.add_trace(
            go.Bar(
                y=top["label"],
                x=top[f"{value}_{side}"] - base,
                base=base,
                orientation="h",
                name=name,
                marker_color=colour,
                customdata=np.round(top[side].to_numpy(dtype=float), 6),
                hovertemplate="%{y} = %{customdata:.4g}: change %{x:+,.1f}<extra></extra>",
            )
        )
    fig.add_vline(x=base, line={"color": "#444", "width": 1})
    fig.add_vline(x=0, line={"color": "#C00", "dash": "dot", "width": 1.5})
    r, s = MODES.label(recommended), MODES.in_words(runner_up)
    if value == "gap":
        title = f"Most-likely case: what moves {r}'s lead over {s} (US$ m; red: zero lead)"
        xtitle = f"NPV of {r.lower()} minus {s}, US$ millions"
    else:
        title = f"Most-likely case: what moves {r}'s NPV (US$ m; red: zero)"
        xtitle = f"NPV of {r.lower()}, US$ millions"
        if np.allclose(table["swing"], table["npv_swing"]):
            # the runner-up does not move (e.g. left at once): the lead's chart, shifted
            title = (
                f"Most-likely case: what moves {r}'s NPV "
                f"(US$ m; the lead moves alike: {s} does not move)"
            )
    if still:
        title += (
            f"<br><sup>{still} of {len(table)} inputs move it not at all and are left out</sup>"
        )
    if top.empty:
        fig.add_annotation(
            text="No uncertain input moves it.",
            showarrow=False,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
        )
    layout(fig, title, "", xtitle)
    fig.update_layout(barmode="overlay", height=max(340, 28 * len(top) + 140), hovermode="closest")
    return fig


def sobol_indices(table: pd.DataFrame) -> go.Figure:
    """First-order and total Sobol indices with their 95 % intervals."""
    top = table.head(TOP).iloc[::-1]
    fig = go.Figure()
    for col, colour, name in (
        ("S1", "#0072B2", "first order (alone)"),
        ("ST", "#CC79A7", "total (with interactions)"),
    ):
        fig.add_trace(
            go.Bar(
                y=top["label"],
                x=top[col].clip(lower=0).round(4),
                error_x={"type": "data", "array": top[f"{col}_conf"].round(4), "thickness": 1},
                orientation="h",
                name=name,
                marker_color=colour,
                hovertemplate="%{y}: %{x:.2f}<extra>" + name + "</extra>",
            )
        )
    layout(
        fig,
        "Share of the margin's variance due to each input (Sobol indices)",
        "",
        "share of variance",
    )
    fig.update_layout(barmode="group", height=max(340, 34 * len(top) + 140), hovermode="closest")
    fig.update_xaxes(range=[0, 1.05], tickformat=".0%")
    return fig


def deal_zone(zone: DealZone) -> go.Figure | Items:
    """Both sides' NPV against the partner's revenue share, with the zone shaded; a
    sentence instead when the streamer's NPV does not move with the share (the
    partnership is not worth starting at any share: two flat lines would say nothing)."""
    c = zone.curve
    streamer = c["streamer_npv"].to_numpy(dtype=float)
    if len(c) and np.ptp(streamer) < 0.05:
        partner = c["partner_npv"].to_numpy(dtype=float)
        theirs = (
            f"the partner's at {money(float(partner[0]))}"
            if np.ptp(partner) < 0.05
            else f"the partner's between {money(float(partner.min()))} and "
            f"{money(float(partner.max()))}"
        )
        lo, hi = float(c["share"].min()), float(c["share"].max())
        return Items(
            [
                note(
                    f"At every revenue share from {pct(lo)} to {pct(hi)} the streamer's NPV "
                    f"of the partnership stays at {money(float(streamer[0]))} in the "
                    "most-likely case (its walk-away, "
                    f"{MODES.in_words(zone.alternative)}, is worth "
                    f"{money(zone.alternative_npv)}) and {theirs}: the share changes "
                    "nothing, so there is no curve to draw."
                )
            ]
        )
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=c["share"],
            y=c["streamer_npv"].round(3),
            mode="lines",
            name="streamer: partnership",
            line={"color": MODES.colour(negotiated().name), "width": 2.5},
            hovertemplate="share %{x:.0%}: %{y:,.1f}<extra>streamer</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=c["share"],
            y=c["partner_npv"].round(3),
            mode="lines",
            name="the partner's own NPV",
            line={"color": "#E69F00", "width": 2.5},
            hovertemplate="share %{x:.0%}: %{y:,.1f}<extra>the partner</extra>",
        )
    )
    alt = MODES.in_words(zone.alternative)
    fig.add_hline(
        y=zone.alternative_npv,
        line={"color": MODES.colour(zone.alternative), "dash": "dash"},
        annotation_text=f"streamer's walk-away: {alt}",
        annotation_position="top left",
    )
    fig.add_hline(y=0, line={"color": "#444", "width": 1})
    if zone.exists:
        fig.add_vrect(
            x0=zone.low,
            x1=zone.high,
            fillcolor="#009E73",
            opacity=0.15,
            line_width=0,
            annotation_text="deal zone",
            annotation_position="top left",
        )
    layout(
        fig,
        "The deal zone: revenue shares both sides accept (US$ m, most-likely case)",
        "NPV, US$ millions",
        "partner's share of net subscription revenue",
    )
    fig.update_xaxes(tickformat=".0%")
    fig.update_layout(hovermode="x unified")
    return fig


#: How each way of deciding is drawn in :func:`decision_values`.
_RULE_STYLE = {
    "committed": ("Committed (never leave)", 0.45),
    "adaptive": ("Adaptive (quarterly reviews)", 1.0),
    "foresight": ("Foresight (upper bound)", 0.2),
}


def decision_values(values: pd.DataFrame) -> go.Figure:
    """Mean NPV per mode committed, adaptive and with foresight, side by side
    (:func:`models.analysis.flexibility.decision_values`)."""
    fig = go.Figure()
    labels = [MODES.label(m) for m in values.index]
    for rule, (name, opacity) in _RULE_STYLE.items():
        fig.add_trace(
            go.Bar(
                x=labels,
                y=values[rule].round(1),
                name=name,
                marker={
                    "color": [alpha(MODES.colour(m), opacity) for m in values.index],
                    "line": {"color": [MODES.colour(m) for m in values.index], "width": 1.5},
                },
                text=[f"{v:,.0f}" for v in values[rule]],
                textposition="outside",
                hovertemplate="%{x}: %{y:,.1f}<extra>" + name + "</extra>",
            )
        )
    layout(
        fig,
        "What deciding as you go is worth: mean NPV by way of deciding (US$ m)",
        "mean NPV, US$ millions",
    )
    fig.update_layout(barmode="group", hovermode="closest")
    return fig


def exit_boundary(mc: MonteCarlo, modes: tuple[str, ...] | None = None) -> go.Figure | Items:
    """The review rule at work, one panel per own-service mode (``modes``, by default
    those of the registry): training futures at every review they reach, by their
    subscribers then; a cross where the rule leaves
    (:attr:`models.economics.reviews.ExitRule.sample`). The go decision (month -1) is
    drawn at the decision date. A mode the rule turns down at the go decision in every
    sampled future has no reviews to draw: a sentence says so instead of its panel (and
    of the chart, when no mode has reviews).
    """
    modes = MODES.services() if modes is None else modes
    dates = pd.period_range(f"{mc.params.start_year}-01", periods=mc.months, freq="M")
    sampled = [m for m in modes if mc.rules.get(m) is not None and not mc.rules[m].sample.empty]
    idle = [m for m in sampled if bool((mc.rules[m].sample["month"] < 0).all())]
    shown = [m for m in sampled if m not in idle]
    out = Items()
    if idle:
        one = len(idle) == 1
        which = (
            f"does not start {MODES.in_words(idle[0])}"
            if one
            else "starts neither " + " nor ".join(MODES.in_words(m) for m in idle)
        )
        out.append(
            note(
                f"The review rule {which} in any of the training futures it is shown on: "
                "at the go decision, before anything is spent, it turns "
                f"{'it' if one else 'them'} down in every one, so there are no reviews to "
                "draw."
            )
        )
    if not shown:
        return out
    fig = make_subplots(
        rows=1,
        cols=len(shown),
        shared_yaxes=True,
        subplot_titles=[MODES.label(m) for m in shown],
        horizontal_spacing=0.04,
    )
    for col, m in enumerate(shown, start=1):
        smp = mc.rules[m].sample
        for left, name, marker in (
            (False, "presses on", {"color": alpha(MODES.colour(m), 0.3), "size": 5}),
            (True, "leaves here", {"color": MODES.colour(m), "size": 9, "symbol": "x"}),
        ):
            part = smp[smp["left"] == left]
            if part.empty:
                continue
            # the go decision (month -1) at the decision date, not wrapped to the end
            month = np.clip(part["month"].to_numpy(dtype=int), 0, None)
            fig.add_trace(
                go.Scatter(
                    x=dates[month].to_timestamp(),
                    y=part["subscribers_m"].round(3),
                    mode="markers",
                    name=f"{MODES.label(m)}: {name}",
                    marker=marker,
                    hovertemplate="%{y:,.2f} m subscribers<extra>"
                    + f"{MODES.label(m)}: {name}</extra>",
                ),
                row=1,
                col=col,
            )
    layout(
        fig,
        "The review rule at work: subscribers of sample futures at each review "
        "(x: the review leaves)",
        "subscribers, millions",
    )
    fig.update_yaxes(title_text="", col=2)
    # calendar months over the whole horizon, even when every review shown falls in one
    # month (Plotly would otherwise zoom to milliseconds around it)
    whole = [dates[0].to_timestamp(), dates[-1].to_timestamp()]
    fig.update_xaxes(type="date", range=whole, tickformat="%b %Y", nticks=6)
    fig.update_layout(hovermode="closest")
    return Items([*out, fig]) if out else fig
