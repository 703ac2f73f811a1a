"""The sweep report (``notebooks/sweep.ipynb``): decision maps, the frontier where the
answer flips, and which input ranges make each mode win.

Built from a sweep's ``sweep.parquet`` (:mod:`models.runner.sweep_run`):

* :func:`decision_map` (and :func:`decision_maps`, one per pair of swept inputs): over
  two swept inputs, the recommended mode at each point
  (colour), its lead over the runner-up (hover), crosses where that lead is within two
  standard errors (too close to call), and the line where ``mode`` (the partnership by
  default) starts to beat the best alternative that starts differently;
* :func:`map_notes`: how to read the maps, saying only what they draw (the crosses, the
  line where the partnership starts to win, or why there is none);
* :func:`discovery`: for each mode recommended somewhere, the PRIM box of the inputs'
  ranges where it is recommended (:mod:`models.analysis.discovery`), with coverage and
  density, in words.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import contourpy
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from models.analysis.deal import negotiated
from models.analysis.discovery import prim
from models.analysis.sweep import COLUMNS
from models.economics.modes import MODES
from models.exceptions import OutputError, ParameterError
from models.format import count, esc, money, pct
from models.inputs.display import format_value, label
from models.inputs.schema import SPECS
from models.reporting.blocks import HTMLBlock, table
from models.reporting.style import layout


def load(sweep_dir: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A sweep's table and manifest (one clear error naming the folder)."""
    folder = Path(sweep_dir)
    try:
        frame = pd.read_parquet(folder / "sweep.parquet")
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputError(
            f"sweep folder {folder}: no readable sweep.parquet and manifest ({exc})"
        ) from None
    return frame, manifest


def inputs(frame: pd.DataFrame) -> list[str]:
    """The swept inputs (the table's columns besides the metrics)."""
    return [c for c in frame.columns if c not in COLUMNS]


def points(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per point: the swept inputs, the recommendation, its lead and SE."""
    keep = ["point", *inputs(frame), "recommended", "runner_up", "lead_usd_m", "lead_se_usd_m"]
    return frame.drop_duplicates("point")[keep].reset_index(drop=True)


#: How a sentence names each design of a sweep (:data:`models.inputs.sweep_spec.DESIGNS`).
DESIGN_WORDS = {
    "grid": "on a grid",
    "lhs": "of a Latin hypercube",
}


def _whole(x: Any) -> int | None:
    """``x`` as a whole number, None if it is not one (a manifest's missing field)."""
    return int(x) if isinstance(x, int | float) and not isinstance(x, bool) and x == x else None


def title(manifest: dict[str, Any]) -> HTMLBlock:
    """The report's title: the sweep, its base, its size (the sweep's and the base's
    file names in code font, the base by its scenario's title)."""
    spec = manifest.get("spec") or {}
    name = str(manifest.get("sweep") or spec.get("name") or "sweep")
    heading = name.replace("_", " ").strip().capitalize() or "Sweep"
    points, paths = _whole(manifest.get("points")), _whole(manifest.get("paths_per_point"))
    design = manifest.get("design") or spec.get("design")
    base_title = (manifest.get("parameters_given") or {}).get("scenario_name")
    base_file = spec.get("base")
    size = esc(count(points, "point") if points is not None else "Points")
    if design == "scenarios":  # each point is a scenario file of its own: no base
        size += ", one per scenario file"
        files = f"Sweep <code>{esc(name)}</code>."
    else:
        size += f" {DESIGN_WORDS[design]}" if design in DESIGN_WORDS else ""
        size += " around " + (f"<b>{esc(base_title)}</b>" if base_title else "the base scenario")
        files = f"Sweep <code>{esc(name)}</code>" + (
            f" on <code>{esc(Path(str(base_file)).name)}</code>." if base_file else "."
        )
    each = f", {count(paths, 'simulated future')} each" if paths is not None else ""
    seed = f", seed {esc(manifest.get('seed'))}" if manifest.get("seed") is not None else ""
    return HTMLBlock(
        '<div class="me-report"><p style="color:#666;margin:0">China entry decision: sweep</p>'
        f"<h1>{esc(heading)}</h1><p>{size}{esc(each)}{seed}. {files}</p></div>"
    )


def _margin(frame: pd.DataFrame, mode: str) -> pd.Series:
    """Per point: the mean NPV of ``mode`` minus the best mode that starts differently."""
    wide = frame.pivot_table(
        index="point", columns="mode", values="mean_npv_usd_m", aggfunc="first", observed=True
    )
    return wide[mode] - wide[MODES.rivals(mode, wide.columns)].max(axis=1)


def decision_map(
    frame: pd.DataFrame, x: str | None = None, y: str | None = None, mode: str | None = None
) -> go.Figure:
    """The recommended mode over two swept inputs (see the module docstring).

    The frontier is where ``mode`` starts to win; by default the mode with terms to
    negotiate (the partnership, :func:`models.analysis.deal.negotiated`).

    On a grid, one square per point (averaged over any other swept input along the
    frontier); with many scattered points (a Latin hypercube), smaller markers, and the
    frontier drawn on the mean margin in :data:`FRONTIER_BINS` equal bins per axis.
    """
    names = inputs(frame)
    if len(names) < 2:
        raise ParameterError("decision_map: the sweep varies fewer than two inputs")
    x, y = x or names[0], y or names[1]
    for name in (x, y):
        if name not in names:
            raise ParameterError(
                f"decision_map: {name!r} is not a swept input; expected one of {names}"
            )
    mode = mode or negotiated().name
    pts = points(frame)
    margin = _margin(frame, mode).reindex(pts["point"]).to_numpy()
    size = _marker_size(len(pts))
    if len(pts) > 2000:  # single precision halves the page; ample for a chart and hover
        pts = pts.astype({x: "float32", y: "float32", "lead_usd_m": "float32"})
        pts = pts.astype({"lead_se_usd_m": "float32"})
    fig = go.Figure()
    for m in MODES.names():
        sel = pts["recommended"] == m
        if not sel.any():
            continue
        fig.add_trace(
            go.Scatter(
                x=pts.loc[sel, x],
                y=pts.loc[sel, y],
                mode="markers",
                name=MODES.label(m),
                marker={"symbol": "square", "size": size, "color": MODES.colour(m), "opacity": 0.8},
                customdata=np.c_[pts.loc[sel, "lead_usd_m"], pts.loc[sel, "lead_se_usd_m"]],
                hovertemplate=f"{MODES.label(m)} leads by $%{{customdata[0]:,.0f}} m "
                "± $%{customdata[1]:,.0f} m (one standard error)<extra></extra>",
            )
        )
    close = (pts["lead_usd_m"].abs() < 2 * pts["lead_se_usd_m"]).to_numpy()
    if close.any():
        fig.add_trace(
            go.Scatter(
                x=pts.loc[close, x],
                y=pts.loc[close, y],
                mode="markers",
                name="too close to call (lead within two standard errors)",
                marker={
                    "symbol": "x-thin",
                    "size": max(4, int(size * 0.7)),
                    "line": {"width": 2 if size > 8 else 1, "color": "#222"},
                },
                hoverinfo="skip",
            )
        )
    grid = _on_grid(pts[x].to_numpy(float), pts[y].to_numpy(float), margin)
    for k, line in enumerate(_frontier(grid)):
        fig.add_trace(  # a line over the markers (a contour trace would lie beneath them)
            go.Scatter(
                x=line[:, 0],
                y=line[:, 1],
                mode="lines",
                line={"width": 3, "dash": "dash", "color": "#222"},
                name=f"where {MODES.in_words(mode)} starts to win",
                legendgroup="frontier",
                showlegend=k == 0,
                hoverinfo="skip",
            )
        )
    (y_title, y_ticks), (x_title, x_ticks) = _axis(y), _axis(x)
    layout(fig, f"Recommended mode by {label(x)} and {label(y)}", y_title, x_title)
    fig.update_layout(hovermode="closest", height=520)
    fig.update_xaxes(tickformat=x_ticks)
    fig.update_yaxes(tickformat=y_ticks)
    return fig


def _axis(name: str) -> tuple[str, str]:
    """An axis' title and tick format for swept input ``name``: shares and probabilities
    in per cent, as the report's sentences and tables write them ("partner's revenue
    share (% of revenue net of VAT and fees)", ticks ``40%``)."""
    if name not in SPECS:
        return name.replace("_", " "), ""
    unit = SPECS[name].unit
    for word in ("fraction", "probability"):
        if unit.startswith(word):
            return f"{label(name)} ({'%' + unit[len(word) :]})", ".0%"
    return (f"{label(name)} ({unit})" if unit else label(name)), ""


def frontier_drawn(fig: go.Figure) -> bool:
    """Whether a :func:`decision_map` draws the line where its mode starts to win."""
    return any(t.legendgroup == "frontier" for t in fig.data)


def _crosses(fig: go.Figure) -> bool:
    return any(str(t.name).startswith("too close to call") for t in fig.data)


def map_notes(frame: pd.DataFrame, figures: list[go.Figure], mode: str | None = None) -> HTMLBlock:
    """How to read the decision maps, saying only what they draw: the crosses where some
    point is too close to call, the dashed line where some map has one (or why none
    has), and the overlap of points where more than two inputs are swept."""
    mode = mode or negotiated().name
    close = any(_crosses(f) for f in figures)
    lines = sum(frontier_drawn(f) for f in figures)
    words = MODES.in_words(mode)
    notes = [
        "Each square is a point of the sweep, coloured by the recommended way in; "
        "hover for the recommendation's lead over the runner-up."
    ]
    if len(inputs(frame)) > 2:
        notes.append(
            "More than two inputs are swept, so points that share a pair of values overlap, "
            "and the dashed line follows their average."
            if lines
            else "More than two inputs are swept, so points that share a pair of values overlap."
        )
    notes.append(
        "A cross marks a point where that lead is within two standard errors: too close to "
        "call on this many futures."
        if close
        else "At every point the lead is more than two standard errors: no point is too close "
        "to call."
    )
    if lines:
        which = "" if lines == len(figures) else f" (on {count(lines, 'map')} of {len(figures)})"
        notes.append(
            f"The dashed line{which} is where {words} starts to beat the best alternative "
            "that starts differently."
        )
    elif len(figures):
        margin = _margin(frame, mode)
        wins, total = int((margin > 0).sum()), int(margin.notna().sum())
        subject = words[:1].upper() + words[1:]
        if wins in (0, total):
            where = "at every point" if wins else "at no point"
            notes.append(
                f"{subject} beats the best alternative that starts differently {where} of "
                "the sweep, so no line shows where it starts to win."
            )
        else:
            notes.append(
                f"{subject} beats the best alternative that starts differently at {wins} of "
                f"{total} points of the sweep, but no single line over these inputs separates "
                "them (the other inputs swept, or too few points, decide)."
            )
    return HTMLBlock(
        '<div class="me-report"><ul>' + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul></div>"
    )


def decision_maps(frame: pd.DataFrame, mode: str | None = None) -> list[go.Figure]:
    """A :func:`decision_map` for each pair of the first :data:`MAP_INPUTS` swept inputs
    (one map for two inputs, three for three, six for four)."""
    names = inputs(frame)[:MAP_INPUTS]
    return [decision_map(frame, a, b, mode) for i, a in enumerate(names) for b in names[i + 1 :]]


def show_decision_maps(frame: pd.DataFrame, mode: str | None = None) -> None:
    """Display how to read the maps (:func:`map_notes`, saying only what is drawn), then
    every :func:`decision_maps` figure (the report's cell: one call, no loop in the
    notebook)."""
    from IPython.display import display

    figures = decision_maps(frame, mode)
    if not figures:
        display(recommended_at_each_point(frame))
        return
    display(map_notes(frame, figures, mode))
    for figure in figures:
        figure.show()


#: Swept inputs paired in the report's decision maps (six maps at most).
MAP_INPUTS = 4

#: Bins per axis of the frontier when the points do not form a grid.
FRONTIER_BINS = 24


def _marker_size(n: int) -> int:
    """Marker size (px) for ``n`` points: 22 up to 50 points, shrinking with the square
    root of the count (so the markers cover about the same area), at least 4."""
    return int(np.clip(22 * np.sqrt(50 / max(n, 1)), 4, 22))


def _frontier(grid: pd.DataFrame) -> list[np.ndarray]:
    """The zero line of the margin on ``grid`` (rows y, columns x), as (n, 2) arrays of
    (x, y) (contourpy, matplotlib's contouring; empty bins are masked). None where the
    margin does not change sign."""
    z = grid.to_numpy(dtype=float)
    if min(z.shape) < 2 or not (np.nanmin(z) < 0 < np.nanmax(z)):
        return []
    generator = contourpy.contour_generator(
        grid.columns.to_numpy(float), grid.index.to_numpy(float), np.ma.masked_invalid(z)
    )
    return [line for line in generator.lines(0.0) if len(line) >= 2]


def _on_grid(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> pd.DataFrame:
    """Mean of ``z`` by (y, x): on the points' own values where they form a grid (as many
    distinct pairs as points at most), else in :data:`FRONTIER_BINS` equal bins per
    axis, at the bins' centres (NaN where a bin is empty)."""
    frame = pd.DataFrame({"x": x, "y": y, "z": z})
    if frame["x"].nunique() * frame["y"].nunique() <= len(frame):
        return frame.pivot_table(index="y", columns="x", values="z", aggfunc="mean")
    for axis in ("x", "y"):
        edges = np.linspace(frame[axis].min(), frame[axis].max(), FRONTIER_BINS + 1)
        k = np.clip(np.searchsorted(edges, frame[axis], side="right") - 1, 0, FRONTIER_BINS - 1)
        frame[axis] = ((edges[:-1] + edges[1:]) / 2)[k]
    return frame.pivot_table(index="y", columns="x", values="z", aggfunc="mean")


def recommended_at_each_point(frame: pd.DataFrame) -> HTMLBlock:
    """The points as a table (the recommendation, its runner-up and lead), for a sweep
    with no pair of numeric inputs to map (one input, or a list of scenario files)."""
    pts = points(frame)
    rows = []
    for _, p in pts.iterrows():
        row = {}
        for name in inputs(frame):
            v = p[name]
            if name == "scenario":
                row["scenario file"] = Path(str(v)).name
            elif name in SPECS and pd.api.types.is_number(v) and not isinstance(v, bool):
                row[label(name)] = format_value(name, float(v))
            else:
                row[name.replace("_", " ")] = str(v)
        row["recommended"] = MODES.label(p["recommended"])
        row["lead"] = (
            f"{money(p['lead_usd_m'])} ± {money(2 * p['lead_se_usd_m'])} over "
            f"{MODES.in_words(p['runner_up'])}"
        )
        rows.append(row)
    return HTMLBlock(
        '<div class="me-report"><p>The sweep has no pair of inputs to map: the '
        "recommendation at each point instead.</p></div>"
        + str(
            table(
                pd.DataFrame(rows),
                caption="Lead: the recommended mode's mean NPV lead over the runner-up, with "
                "two standard errors.",
            )
        )
    )


def _limit(name: str, low: float | None, high: float | None) -> str:
    """One input's side(s) of a box, written as the sentences write it
    (:func:`~models.inputs.display.format_value`: "partner's revenue share ≤ 40.0%")."""
    if name in SPECS:
        what, show = label(name), (lambda v: format_value(name, v))
    else:
        what, show = name.replace("_", " "), (lambda v: f"{v:,.3g}")
    sides = [
        f"≥ {show(low)}" if low is not None else "",
        f"≤ {show(high)}" if high is not None else "",
    ]
    return f"{what} " + " and ".join(x for x in sides if x)


def discovery(frame: pd.DataFrame) -> HTMLBlock:
    """For each mode recommended at some but not all points: its PRIM box in words,
    with coverage and density."""
    pts = points(frame)
    names = [n for n in inputs(frame) if pd.api.types.is_numeric_dtype(pts[n])]
    if not names:
        return HTMLBlock(
            '<div class="me-report"><p>The sweep varies no numeric input: there are no '
            "ranges to discover.</p></div>"
        )
    rows, sentences = [], []
    for m in MODES.names():
        wins = (pts["recommended"] == m).to_numpy()
        if not wins.any() or wins.all():
            continue
        box = prim(pts[names], wins, alpha=0.1, min_support=0.02)
        sentences.append(box.in_words(f"{MODES.label(m)} is recommended"))
        rows.append(
            {
                "mode": MODES.label(m),
                "recommended at": pct(wins.mean()),
                "box": "; ".join(_limit(k, lo, hi) for k, (lo, hi) in box.limits.items())
                or "everywhere",
                "coverage": pct(box.coverage),
                "density": pct(box.density),
            }
        )
    if not rows:
        return HTMLBlock(
            '<div class="me-report"><p>The same mode is recommended at every point: '
            "there is no range to discover.</p></div>"
        )
    bullets = "".join(f"<li>{esc(s[:1].upper() + s[1:])}.</li>" for s in sentences)
    return HTMLBlock(
        f'<div class="me-report"><ul>{bullets}</ul></div>'
        + str(
            table(
                pd.DataFrame(rows),
                caption="PRIM boxes over the swept inputs (Friedman and Fisher 1999). "
                "Coverage: the share of the points where the mode is recommended that lie "
                "in the box; density: the share of the box's points where it is.",
            )
        )
    )
