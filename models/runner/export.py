"""A finished run as an Excel workbook, for readers who want the numbers in a sheet.

:func:`write_workbook` reads a run folder (``manifest.json`` and ``outcomes.parquet``,
which a successful run of the main report writes) and writes one ``.xlsx`` with five
sheets, each with a frozen header row, units in the headers and Excel number formats
(US$ m to one decimal, fractions as percentages, months and millions):

``Headline``
    The recommendation, its runner-up, its lead (and the lead's standard error), how
    sure (the share of the simulated futures in which it is the best way in), the deal
    zone, the decision rule, the scenario and the run.
``Modes``
    One row per entry mode: the NPV over the simulated futures (mean, median, P5, P95),
    P(loss), P(best), P(gain) if run, the most-likely case's NPV and the mean NPV
    committed, adaptive and with foresight: ``manifest.json``'s ``headline["modes"]``.
``Most-likely case``
    The present value of each cash-flow line (rows) of each mode (columns) in the
    most-likely case, and their sum, the NPV: recomputed from the manifest's parameters
    with :func:`models.economics.simulation.simulate`, as the main report computes it;
    a last row says whether the NPVs match the manifest's ``expected``.
``Parameters``
    Every parameter of the run: name, label, value, unit and source.
``Outcomes``
    Each simulated future's outcomes, one row per path and mode, every column of
    ``outcomes.parquet`` (the path's drawn inputs included).

The workbook goes to ``<run folder>/<scenario>-<run id>.xlsx`` unless told otherwise.
An existing file is never replaced unless ``overwrite=True``; the workbook is written
to a temporary file beside the target and renamed into place, so an interrupted export
leaves no partial workbook.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from models._files import replaced
from models._version import __version__
from models.exceptions import MarketEntryError, OutputError
from models.reporting.provenance import read_manifest

log = logging.getLogger(__name__)

#: The workbook's sheets, in order.
SHEETS = ("Headline", "Modes", "Most-likely case", "Parameters", "Outcomes")

#: Excel number formats.
USD_M = "#,##0.0"
PERCENT = "0.0%"
MONTHS = "0"
MILLIONS = "#,##0.00"
GENERAL = "General"

#: The per-mode table: manifest key, header, number format.
MODE_COLUMNS = (
    ("mean", "Mean NPV (US$ m)", USD_M),
    ("median", "Median NPV (US$ m)", USD_M),
    ("p5", "P5 NPV (US$ m)", USD_M),
    ("p95", "P95 NPV (US$ m)", USD_M),
    ("p_loss", "P(loss) (%)", PERCENT),
    ("p_best", "P(best) (%)", PERCENT),
    ("p_gain_if_run", "P(gain) if run (%)", PERCENT),
    ("expected", "Most-likely case NPV (US$ m)", USD_M),
    ("committed", "Mean NPV, committed (US$ m)", USD_M),
    ("adaptive", "Mean NPV, adaptive (US$ m)", USD_M),
    ("foresight", "Mean NPV, foresight (US$ m)", USD_M),
)

#: The columns of ``outcomes.parquet`` that are not drawn inputs: header, format.
OUTCOME_COLUMNS = {
    "path": ("Path", GENERAL),
    "mode": ("Mode", GENERAL),
    "npv_usd_m": ("NPV under the decision rule (US$ m)", USD_M),
    "npv_committed_usd_m": ("NPV committed (US$ m)", USD_M),
    "npv_adaptive_usd_m": ("NPV adaptive (US$ m)", USD_M),
    "npv_foresight_usd_m": ("NPV foresight (US$ m)", USD_M),
    "peak_funding_usd_m": ("Peak funding (US$ m)", USD_M),
    "forced_exit_month": ("Forced exit (month)", MONTHS),
    "leave_month": ("Left by choice (month)", MONTHS),
    "subscribers_end_m": ("Subscribers at the end (m)", MILLIONS),
}

#: Rows of an Excel sheet (Excel 2007 and later); the header takes one.
EXCEL_ROWS = 1_048_576

#: How far the recomputed most-likely case may be from the manifest's (it is rounded to
#: US$ 0.001 m there).
EXPECTED_TOLERANCE_USD_M = 0.002


def default_path(run_dir: Path, manifest: dict[str, Any]) -> Path:
    """Where :func:`write_workbook` writes by default: ``<run_dir>/<scenario>-<run id>.xlsx``."""
    scenario = re.sub(r"[^A-Za-z0-9_-]+", "_", str(manifest.get("scenario") or "run"))[:64]
    # the folder's own name, not the manifest's: a name read from a file never leads
    # outside the run folder
    return Path(run_dir) / f"{scenario.strip('_') or 'run'}-{Path(run_dir).name}.xlsx"


def _finished_run(run_dir: Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """The manifest and outcomes of a finished run, or an :class:`OutputError` naming
    the file and what was expected."""
    if not run_dir.is_dir():
        raise OutputError(f"run folder {run_dir}: not a folder; expected a run's folder")
    m = read_manifest(run_dir)
    manifest = run_dir / "manifest.json"
    status = m.get("status")
    if status != "succeeded":
        raise OutputError(
            f"{manifest}: status {status!r}; expected a finished run (status 'succeeded')"
        )
    modes = m["headline"].get("modes")
    if (
        not isinstance(modes, dict)
        or not modes
        or not all(isinstance(v, dict) for v in modes.values())
        or not m["headline"].get("recommended")
    ):
        raise OutputError(
            f"{manifest}: no headline with modes; expected a run of the main report "
            "(entry_decision)"
        )
    if not isinstance(m.get("parameters"), dict):
        raise OutputError(f"{manifest}: no parameters; expected a run's manifest")
    path = run_dir / "outcomes.parquet"
    if not path.is_file():
        raise OutputError(
            f"{path}: not found; expected each simulated future's outcomes, which a "
            "finished run of the main report writes"
        )
    try:
        outcomes = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several kinds for a broken file
        raise OutputError(f"{path}: cannot be read ({exc})") from None
    missing = [c for c in ("path", "mode", "npv_usd_m") if c not in outcomes.columns]
    if missing:
        raise OutputError(f"{path}: no column {missing[0]!r}; expected a run's outcomes")
    return m, outcomes


def expected_case(parameters: dict[str, Any]) -> pd.DataFrame:
    """The most-likely case's present value by cash-flow line (rows, labelled) and mode
    (columns), US$ m, with the NPV as the last row, recomputed from a run's parameters.

    Parameters
    ----------
    parameters : dict
        A manifest's ``parameters``.

    Returns
    -------
    pandas.DataFrame
        Index: line labels then ``"NPV"``; columns: mode names.
    """
    from models.economics.results import LINE_ITEMS
    from models.economics.simulation import simulate
    from models.inputs.params import validate

    try:
        params = validate(parameters, where=" in manifest.json")
    except MarketEntryError as exc:
        raise OutputError(f"manifest.json: its parameters do not validate now ({exc})") from None
    results = simulate(params)
    pv = results.pv_lines.T  # lines x modes
    pv.index = [LINE_ITEMS.get(k, k) for k in pv.index]
    pv.loc["NPV"] = results.summary["npv_usd_m"]
    return pv


def _width(values: Iterable[Any], least: int = 8, most: int = 60) -> float:
    longest = max((len(_shown(v)) for v in values), default=0)
    return float(min(most, max(least, longest + 2)))


def _shown(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.2f}"
    return "" if v is None else str(v)


def _cell_value(v: Any) -> Any:
    """A value Excel can hold: NaN and None as empty cells, numpy scalars as Python's."""
    if v is None:
        return None
    if hasattr(v, "item") and not isinstance(v, str):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _sheet(
    wb,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: Sequence[str],
    freeze: str = "A2",
    widths: Sequence[float] | None = None,
    row_formats: Sequence[Sequence[str]] | None = None,
) -> None:
    """One sheet in a write-only workbook: a bold header row, frozen, then ``rows``
    with a number format per column (``formats``) or per cell (``row_formats``)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.freeze_panes = freeze

    for j, name in enumerate(header):
        column = [name, *(r[j] for r in rows[:500])]
        ws.column_dimensions[get_column_letter(j + 1)].width = (
            widths[j] if widths else _width(column)
        )
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    head = []
    for name in header:
        c = WriteOnlyCell(ws, value=name)
        c.font = bold
        c.alignment = wrap
        head.append(c)
    ws.append(head)
    for i, row in enumerate(rows):
        out = []
        for v, fmt in zip(row, row_formats[i] if row_formats else formats, strict=True):
            v = _cell_value(v)
            if fmt != GENERAL and isinstance(v, int | float) and not isinstance(v, bool):
                c = WriteOnlyCell(ws, value=v)
                c.number_format = fmt
                out.append(c)
            else:
                out.append(v)
        ws.append(out)


def _param_format(unit: str, kind: str) -> str:
    if unit.startswith(("fraction", "probability")):
        return PERCENT
    if unit.startswith("US$ m"):
        return USD_M
    if kind == "int":
        return "#,##0"
    return GENERAL


def _unit_header(label: str, unit: str) -> str:
    if unit.startswith(("fraction", "probability")):
        return f"{label} (%)"
    return f"{label} ({unit})" if unit else label


def write_workbook(run_dir: Path, out: Path | None = None, *, overwrite: bool = False) -> Path:
    """Write a finished run's numbers to an Excel workbook.

    Parameters
    ----------
    run_dir : Path
        A run folder (``reports/<scenario>/<run id>``, or ``.../latest``) of a successful
        run of the main report: ``manifest.json`` with status ``succeeded`` and a
        headline, and ``outcomes.parquet``.
    out : Path, optional
        The workbook to write; by default ``<run_dir>/<scenario>-<run id>.xlsx``
        (:func:`default_path`).
    overwrite : bool
        Replace ``out`` if it exists (by default an existing file is an error).

    Returns
    -------
    Path
        The workbook written.

    Raises
    ------
    OutputError
        If ``run_dir`` is not a finished run (no manifest, a failed or unfinished run,
        no headline, no outcomes; the message names the file and what was expected),
        if ``out`` exists and ``overwrite`` is false, or if it cannot be written.
    """
    from openpyxl import Workbook

    from models.economics.modes import MODES
    from models.inputs.display import label
    from models.inputs.schema import SPECS

    run_dir = Path(run_dir)
    m, outcomes = _finished_run(run_dir)
    out = Path(out) if out is not None else default_path(run_dir, m)
    if out.is_dir():
        raise OutputError(f"output {out}: is a folder; expected a .xlsx file to write")
    if out.exists() and not overwrite:
        raise OutputError(
            f"output {out}: exists; expected a new file (remove it, or name another one)"
        )
    if not out.parent.is_dir():
        raise OutputError(f"output {out}: folder {out.parent} does not exist")
    head = m["headline"]
    modes = head["modes"]

    def mode_label(name: str) -> str:
        try:
            return MODES.label(name)
        except (KeyError, ValueError):
            return str(name)

    wb = Workbook(write_only=True)

    # Headline
    best = head.get("recommended")
    lead = head.get("lead") or {}
    zone = head.get("deal_zone") or {}
    rows: list[tuple[str, Any, str]] = [
        ("Recommendation", mode_label(best), GENERAL),
        ("Runner-up", mode_label(head.get("runner_up", "")), GENERAL),
        ("Lead over the runner-up (US$ m)", lead.get("mean"), USD_M),
        ("Lead's standard error (US$ m)", lead.get("se"), USD_M),
        ("How sure: futures in which it is the best (%)", head.get("probability_best"), PERCENT),
        ("Mean NPV of the recommendation (US$ m)", modes.get(best, {}).get("mean"), USD_M),
        ("Deal zone exists", "yes" if zone.get("exists") else "no", GENERAL),
        ("Deal zone: partner's revenue share from (%)", zone.get("low"), PERCENT),
        ("Deal zone: partner's revenue share to (%)", zone.get("high"), PERCENT),
        ("Decision rule", head.get("decision_rule"), GENERAL),
        ("Simulated futures", head.get("n_paths"), "#,##0"),
        ("Model checks failed", ", ".join(head.get("checks_failed") or []) or "none", GENERAL),
        ("Scenario", m.get("scenario_name") or m.get("scenario"), GENERAL),
        ("Scenario file", m.get("scenario_file"), GENERAL),
        ("Run", m.get("run_id"), GENERAL),
        ("Started", m.get("started"), GENERAL),
        ("Workbook written by", f"market-entry {__version__}", GENERAL),
    ]
    _sheet(
        wb,
        SHEETS[0],
        ["Item", "Value"],
        [(k, v) for k, v, _ in rows],
        [GENERAL, GENERAL],
        widths=[48, 40],
        row_formats=[(GENERAL, f) for _, _, f in rows],
    )

    # Modes
    header = ["Mode", "Mode name", *(h for _, h, _ in MODE_COLUMNS)]
    mode_rows = [
        [name, mode_label(name), *(modes[name].get(k) for k, _, _ in MODE_COLUMNS)]
        for name in modes
    ]
    _sheet(
        wb,
        SHEETS[1],
        header,
        mode_rows,
        [GENERAL, GENERAL, *(f for _, _, f in MODE_COLUMNS)],
        freeze="C2",
    )

    # Most-likely case
    pv = expected_case(m["parameters"])
    pv = pv[[c for c in modes if c in pv.columns]]
    lines = [[line, *(float(pv.loc[line, c]) for c in pv.columns)] for line in pv.index]
    gap = max(
        (
            abs(float(pv.loc["NPV", c]) - float(modes[c]["expected"]))
            for c in pv.columns
            if isinstance(modes[c].get("expected"), int | float)
        ),
        default=0.0,
    )
    note = f"Recomputed by market-entry {__version__} from manifest.json's parameters; " + (
        "the NPVs match the manifest's most-likely case."
        if gap <= EXPECTED_TOLERANCE_USD_M
        else f"they differ from the manifest's most-likely case by up to US${gap:,.3f} m "
        "(the model changed since the run)."
    )
    if gap > EXPECTED_TOLERANCE_USD_M:
        log.warning("most-likely case of %s differs from its manifest by %.3f", run_dir, gap)
    lines.append([note, *([None] * len(pv.columns))])
    _sheet(
        wb,
        SHEETS[2],
        ["Present value in the most-likely case (US$ m)", *(mode_label(c) for c in pv.columns)],
        lines,
        [GENERAL, *([USD_M] * len(pv.columns))],
        freeze="B2",
        widths=[48, *([16] * len(pv.columns))],
    )

    # Parameters
    prows, pformats = [], []
    for name, value in m["parameters"].items():
        spec = SPECS.get(name)
        unit = spec.unit if spec else ""
        source = spec.source if spec else ""
        if isinstance(value, list | dict):
            value = str(value)
        prows.append([name, label(name), value, unit, source])
        pformats.append(_param_format(unit, spec.type if spec else ""))
    _sheet(
        wb,
        SHEETS[3],
        ["Name", "Label", "Value", "Unit", "Source"],
        prows,
        [GENERAL] * 5,
        freeze="B2",
        widths=[40, 36, 14, 26, 80],
        row_formats=[(GENERAL, GENERAL, f, GENERAL, GENERAL) for f in pformats],
    )

    # Outcomes
    oheader, oformats = [], []
    for col in outcomes.columns:
        if col in OUTCOME_COLUMNS:
            h, f = OUTCOME_COLUMNS[col]
        else:
            spec = SPECS.get(col)
            unit = spec.unit if spec else ""
            h = _unit_header(label(col), unit) if spec else col
            f = _param_format(unit, spec.type if spec else "")
        oheader.append(h)
        oformats.append(f)
    frame = outcomes
    if len(frame) > EXCEL_ROWS - 1:  # whole futures up to Excel's limit; all in parquet
        paths = frame["path"].drop_duplicates()
        keep = paths.iloc[: (EXCEL_ROWS - 1) // max(1, len(frame) // len(paths))]
        frame = frame[frame["path"].isin(set(keep))]
        log.warning(
            "%s: the Outcomes sheet holds the first %d of %d futures (Excel's limit of "
            "%d rows); outcomes.parquet holds them all",
            out,
            len(keep),
            len(paths),
            EXCEL_ROWS,
        )
    frame = frame.assign(mode=frame["mode"].astype(str))
    _sheet(
        wb,
        SHEETS[4],
        oheader,
        list(frame.itertuples(index=False, name=None)),
        oformats,
        freeze="C2",
        widths=[max(10.0, min(30.0, len(h) * 0.8)) for h in oheader],
    )

    try:
        with replaced(out) as tmp:
            wb.save(tmp)
    except OSError as exc:
        raise OutputError(f"output {out}: cannot be written ({exc.strerror})") from None
    log.info("%s: %d futures x %d modes", out, outcomes["path"].nunique(), len(modes))
    return out
