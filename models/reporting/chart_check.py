"""Checks that every chart of a report informs (docs/report_style.md, "Charts").

A chart is read from its Plotly JSON (what a notebook output carries under
``application/vnd.plotly.v1+json``, or ``go.Figure.to_plotly_json()``), so the checks run
on executed notebooks of real reports as well as on figures built in a test. Each rule
returns :class:`Fault` records; an empty list means the chart passes:

- ``empty``: a trace with no finite point.
- ``flat``: a line of three points or more, or a set of bars, whose values are all equal
  (bars: all zero) where a shape is meant. Reference lines are legitimately flat: draw
  them as shapes (``add_hline``), or mark the trace ``meta="reference"``; a series
  whose flatness is the finding says why (``meta="flat: <reason>"``).
- ``hidden``: a trace with ``visible`` false or ``"legendonly"`` (allowed with
  ``meta="hidden: <reason>"``), or one that another trace with the same data and the
  same line and marker style is drawn exactly over (a legend entry with nothing to see).
- ``time axis``: a date axis that spans less than a day (Plotly then ticks hours or
  milliseconds, "23:59:59.999") where the data are months.
- ``legend over title``: a shown legend placed in the top band of the chart, where the
  title is.
- ``title cut``: a title line longer than :data:`TITLE_CHARS` characters (cut at a
  laptop's width).
- ``duplicate`` (:func:`check_report`): two charts of one report with identical data.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

#: The MIME type of a Plotly figure in a notebook output.
PLOTLY_MIME = "application/vnd.plotly.v1+json"

#: Characters a title line may have before a laptop-wide chart cuts it (16 px type on a
#: chart about 900 px wide); a ``<sup>`` line, in smaller type, may have a third more.
TITLE_CHARS = 95

#: Trace types whose points are x/y arrays.
_XY = ("scatter", "scattergl", "bar")

#: A date as Plotly writes one: ``2026-01-01`` or ``2026-01-01T00:00:00``.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")

_DTYPES = {"f8": "<f8", "f4": "<f4", "i1": "i1", "u1": "u1", "i2": "<i2", "u2": "<u2"}
_DTYPES |= {"i4": "<i4", "u4": "<u4", "i8": "<i8", "u8": "<u8"}


@dataclass(frozen=True)
class Fault:
    """One way a chart fails to inform.

    Attributes
    ----------
    chart : str
        The chart's title (tags removed), or its position when it has none.
    rule : str
        The rule broken: ``empty``, ``flat``, ``hidden``, ``time axis``, ``legend over
        title``, ``title cut`` or ``duplicate``.
    detail : str
        What was found, naming the trace.
    """

    chart: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.chart}: {self.rule}: {self.detail}"


def _plain(fig: Any) -> dict:
    """A figure as a plain dict (a ``go.Figure``, its JSON text or its dict)."""
    if hasattr(fig, "to_plotly_json"):
        return json.loads(fig.to_json())
    if isinstance(fig, str):
        return json.loads(fig)
    return dict(fig)


def values(a: Any) -> list:
    """An array of a Plotly JSON trace as a list: plain lists as they are, typed arrays
    (``{"dtype": "f8", "bdata": ...}``, Plotly 6 and later) decoded."""
    if a is None:
        return []
    if isinstance(a, Mapping) and "bdata" in a:
        arr = np.frombuffer(base64.b64decode(a["bdata"]), dtype=_DTYPES.get(a["dtype"], a["dtype"]))
        return arr.tolist()
    if isinstance(a, str | int | float):
        return [a]
    return list(a)


def _numbers(a: Any) -> np.ndarray:
    """The numeric values of an array (text and None as NaN)."""
    out = []
    for v in values(a):
        try:
            out.append(float(v))
        except (TypeError, ValueError):
            out.append(np.nan)
    return np.asarray(out, dtype=float)


def _is_dates(a: list) -> bool:
    return bool(a) and all(isinstance(v, str) and _DATE.match(v) for v in a)


def _text(s: Any) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", str(s or "")).split())


def title(fig: Mapping) -> str:
    """The chart's title without its tags."""
    t = fig.get("layout", {}).get("title", {})
    return _text(t.get("text") if isinstance(t, Mapping) else t)


def _name(trace: Mapping, i: int) -> str:
    return _text(trace.get("name")) or f"trace {i}"


def _value_axis(trace: Mapping) -> str:
    """The axis a trace's values are on: x for horizontal bars and for points placed
    against categories on y (a dot plot), else y."""
    if trace.get("orientation") == "h":
        return "x"
    y = values(trace.get("y"))
    if y and all(isinstance(v, str) and not _DATE.match(v) for v in y):
        return "x"
    return "y"


def _style(trace: Mapping) -> tuple:
    line = trace.get("line") or {}
    marker = trace.get("marker") or {}
    return (
        trace.get("type", "scatter"),
        trace.get("mode"),
        line.get("dash", "solid"),
        line.get("width"),
        marker.get("symbol"),
        marker.get("size"),
        trace.get("xaxis", "x"),
        trace.get("yaxis", "y"),
    )


def _points(trace: Mapping) -> tuple:
    """The data of a trace, rounded, for comparing traces and charts."""
    out = []
    for key in ("x", "y", "base"):
        v = values(trace.get(key))
        nums = _numbers(v)
        if v and np.isfinite(nums).all():
            out.append(tuple(np.round(nums, 6).tolist()))
        else:
            out.append(tuple(str(x) for x in v))
    return tuple(out)


def _shown(trace: Mapping) -> bool:
    return trace.get("visible", True) is True


def _drawn(trace: Mapping) -> bool:
    """Whether the trace draws something of its own: a line, markers, bars or a fill."""
    if trace.get("type", "scatter") == "bar":
        return True
    line = trace.get("line") or {}
    mode = trace.get("mode") or "lines"
    return line.get("width", 2) != 0 or "markers" in mode or bool(trace.get("fill"))


def _exempt(trace: Mapping, what: str) -> bool:
    return str(trace.get("meta", "")).startswith(what)


def check_figure(fig: Any, name: str = "") -> list[Fault]:
    """The faults of one chart (every rule but ``duplicate``).

    Parameters
    ----------
    fig : plotly.graph_objects.Figure, dict or str
        The figure, its Plotly JSON as a dict, or as text.
    name : str, optional
        What to call the chart in faults when it has no title.

    Returns
    -------
    list of Fault
        Empty when the chart informs.
    """
    fig = _plain(fig)
    chart = title(fig) or name or "untitled chart"
    layout = fig.get("layout", {})
    traces = [t for t in fig.get("data", []) if t.get("type", "scatter") in _XY]
    faults: list[Fault] = []

    def fault(rule: str, detail: str) -> None:
        faults.append(Fault(chart, rule, detail))

    for i, t in enumerate(traces):
        nm = _name(t, i)
        v = _numbers(t.get(_value_axis(t)))
        if not np.isfinite(v).any():
            fault("empty", f"{nm} has no point to draw")
            continue
        if t.get("visible", True) is not True and not _exempt(t, "hidden"):
            fault("hidden", f"{nm} is {t.get('visible')!r} with no reason given")
        # a trace out of the legend (a fan's band edge) is read with the one it belongs to
        if not _shown(t) or _exempt(t, "reference") or _exempt(t, "flat") or not _drawn(t):
            continue
        if t.get("showlegend") is False:
            continue
        finite = v[np.isfinite(v)]
        flat = np.ptp(finite) <= 1e-9 * max(1.0, float(np.abs(finite).max()))
        if t.get("type") == "bar":
            if flat and np.all(np.abs(finite) <= 1e-9):
                fault("flat", f"{nm}: every bar is zero")
        elif flat and len(finite) >= 3 and "lines" in (t.get("mode") or "lines"):
            fault("flat", f"{nm} is flat at {finite[0] + 0.0:g} over {len(finite)} points")

    seen: dict[tuple, str] = {}
    # grouped points are set side by side (``scattermode="group"``), never one on another
    grouped = layout.get("scattermode") == "group"
    for i, t in enumerate(traces):
        if not _shown(t) or not _drawn(t) or t.get("type") == "bar":
            continue
        if grouped and (t.get("mode") or "") == "markers":
            continue
        if t.get("showlegend") is False:  # bands: their fills blend where they meet
            continue
        key = (_style(t), _points(t))
        if key in seen:
            fault("hidden", f"{seen[key]} is drawn exactly under {_name(t, i)} (same data, style)")
        seen[key] = _name(t, i)

    faults += _time_axes(chart, layout, traces)
    faults += _legend_and_title(chart, layout, fig.get("data", []))
    return faults


def _axis_key(ref: str) -> str:
    """``x2`` -> ``xaxis2``."""
    return ref[0] + "axis" + ref[1:]


def _time_axes(chart: str, layout: Mapping, traces: list) -> list[Fault]:
    dates: dict[str, list] = {}
    for t in traces:
        for axis in ("x", "y"):
            v = [x for x in values(t.get(axis)) if x is not None]
            if _is_dates(v):
                dates.setdefault(_axis_key(t.get(f"{axis}axis", axis)), []).extend(v)
    out = []
    for key, v in dates.items():
        axis = layout.get(key, {})
        shown = axis.get("range") or [min(v), max(v)]
        try:
            lo, hi = (np.datetime64(str(s).replace(" ", "T")) for s in shown)
        except ValueError:
            continue
        fmt = str(axis.get("tickformat", ""))
        if hi - lo < np.timedelta64(1, "D") or "%L" in fmt or "%H" in fmt:
            out.append(
                Fault(chart, "time axis", f"{key} spans {shown[0]} to {shown[1]}: ticks in ms")
            )
    return out


def _legend_and_title(chart: str, layout: Mapping, data: list) -> list[Fault]:
    out = []
    t = layout.get("title", {})
    text = str((t.get("text") if isinstance(t, Mapping) else t) or "")
    for line in re.split(r"<br\s*/?>", text):
        small = "<sup>" in line or "<sub>" in line
        n = len(_text(line))
        if n > TITLE_CHARS * (4 / 3 if small else 1):
            out.append(Fault(chart, "title cut", f"a title line of {n} characters"))
    legend = layout.get("legend", {})
    entries = [d for d in data if d.get("showlegend", True) is not False and d.get("visible", True)]
    show = layout.get("showlegend", len(entries) > 1)
    # Plotly's own place (right of the plot, x 1.02) is clear of the title
    y, x = legend.get("y", 1.0), legend.get("x", 1.02)
    top = (
        legend.get("yref", "paper") == "paper"
        and y >= 1.0
        and x <= 1.0
        and legend.get("yanchor") != "top"
    )
    if text and show and entries and top:
        out.append(Fault(chart, "legend over title", f"legend at y={y} in the title's band"))
    return out


def check_report(figures: Iterable[Any]) -> list[Fault]:
    """The faults of every chart of one report, and charts that repeat another's data.

    Parameters
    ----------
    figures : iterable of plotly.graph_objects.Figure, dict or str
        The report's charts in order.

    Returns
    -------
    list of Fault
    """
    faults: list[Fault] = []
    seen: dict[tuple, str] = {}
    for i, fig in enumerate(figures, start=1):
        fig = _plain(fig)
        name = title(fig) or f"chart {i}"
        faults += check_figure(fig, name)
        data = tuple(_points(t) for t in fig.get("data", []) if t.get("type", "scatter") in _XY)
        if data and data in seen:
            faults.append(Fault(name, "duplicate", f"the same data as '{seen[data]}'"))
        seen.setdefault(data, name) if data else None
    return faults


def notebook_figures(path: str | Path) -> list[dict]:
    """Every Plotly figure in an executed notebook's outputs, in order.

    Parameters
    ----------
    path : str or pathlib.Path
        An executed ``.ipynb`` (a report's notebook).

    Returns
    -------
    list of dict
        Each figure's Plotly JSON.
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    out = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            fig = output.get("data", {}).get(PLOTLY_MIME)
            if fig is not None:
                out.append(_plain(fig))
    return out


def check_notebook(path: str | Path) -> list[Fault]:
    """:func:`check_report` over every chart of an executed notebook."""
    return check_report(notebook_figures(path))


def check_run(run_dir: str | Path) -> dict[str, list[str]]:
    """The faults of every chart of every executed notebook of a run folder.

    Parameters
    ----------
    run_dir : str or pathlib.Path
        A run folder (``reports/<scenario>/<run-id>/``) or any folder of executed
        notebooks.

    Returns
    -------
    dict of str to list of str
        Per notebook with a fault (its stem), the faults in words; empty when every
        chart informs.
    """
    found = {}
    for nb in sorted(Path(run_dir).glob("*.ipynb")):
        faults = check_notebook(nb)
        if faults:
            found[nb.stem] = [str(f) for f in faults]
    return found
