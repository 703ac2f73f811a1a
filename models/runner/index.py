"""``reports/index.html``: every scenario and run, newest first, with headline numbers.

Built from the runs' ``manifest.json`` files only, so it can be rebuilt at any time
(``market-entry index``). All text from manifests is escaped. A variant run (one whose
``-p`` overrides changed its scenario's values, which leaves ``latest`` alone) is marked
``VARIANT`` in its parameters column, with the overrides that made it one in words.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models.analysis.rundiff import manifest_problem, value_in_words
from models.economics.modes import MODES
from models.exceptions import MarketEntryError
from models.format import show
from models.inputs.display import label
from models.runner.files import check_writable, write_atomic
from models.runner.lock import locked
from models.runner.status import status_of

log = logging.getLogger(__name__)


def read_manifests(reports_dir: Path) -> list[dict[str, Any]]:
    """All readable run manifests under ``reports_dir``, newest first.

    A manifest that cannot be read, is not UTF-8 JSON or is not a run's
    (:func:`~models.analysis.rundiff.manifest_problem`) is skipped with a warning: one
    damaged run must not stop the index (or a run that has just succeeded) from being
    written. Hidden folders (a run ``--keep`` is removing) are left out.
    """
    runs = []
    for path in sorted(Path(reports_dir).glob("*/*/manifest.json")):
        if path.parent.is_symlink():
            continue  # `latest` points at a run listed anyway
        if path.parent.parent.name.startswith("_"):
            continue  # _compare/: comparisons of batches, listed apart
        if path.parent.name.startswith(".") or path.parent.parent.name.startswith("."):
            continue  # a run --keep is removing (.trash-*), or hidden by hand
        try:
            m = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:  # JSONDecodeError, UnicodeDecodeError
            log.warning("skipping unreadable manifest %s: %s", path, exc)
            continue
        problem = manifest_problem(m)
        if problem:
            log.warning("skipping manifest %s: %s", path, problem)
            continue
        m["_dir"] = path.parent
        runs.append(m)
    runs.sort(key=lambda m: (str(m.get("started", "")), str(m.get("run_id", ""))), reverse=True)
    return runs


#: The Jinja2 template of the index, beside the nbconvert template of the reports.
TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "reports_index.html.j2"


def _number(value: Any) -> float | None:
    """A manifest's number, or None if it holds something else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _npv(m: dict[str, Any], mode: str) -> str:
    """A run's mean NPV of ``mode`` (US$ m), from ``headline.modes`` (or, in manifests
    written before that key, ``headline.npv_usd_m``)."""
    headline = m.get("headline") or {}
    v = _number((headline.get("modes") or {}).get(mode, {}).get("mean"))
    if v is None:
        v = _number((headline.get("npv_usd_m") or {}).get(mode))
    return "" if v is None else f"{v:,.0f}"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes, sec = divmod(round(seconds), 60)
    return f"{minutes} min {sec:02d} s" if minutes else f"{sec} s"


def _overrides(m: dict[str, Any]) -> list[str]:
    """The parameters given on the command line, as ``name = value`` (cut short)."""
    given = m.get("overrides") or {}
    if not isinstance(given, dict):
        return []
    return [f"{k} = {show(v, 40)}" for k, v in list(given.items())[:12]]


def _variant(m: dict[str, Any]) -> str:
    """What makes a run a variant, in words (empty for an official run).

    A run is official unless its manifest says ``"official": false`` (manifests from
    before variants have no such key: their runs count as official). A variant made
    ``latest`` with ``--latest`` says so too.
    """
    variant = m.get("variant_overrides")
    changes = []
    if isinstance(variant, dict):
        for name, values in list(variant.items())[:12]:
            values = values if isinstance(values, dict) else {}
            run, own = values.get("run"), values.get("scenario")
            text = f"{label(str(name))} {value_in_words(str(name), run)}"
            if own is not None:
                text += f" (the scenario's: {value_in_words(str(name), own)})"
            changes.append(text)
    what = "; ".join(changes)
    if m.get("official", True) is not False:
        if not what:
            return ""
        if m.get("status") == "succeeded":
            return f"VARIANT made latest with --latest: {what}"
        return f"VARIANT (--latest; failed, so latest unchanged): {what}"
    if m.get("reproduces"):
        return f"VARIANT: a rerun of {m['reproduces']} (market-entry reproduce)"
    if what:
        return f"VARIANT, not the scenario's answer: {what}"
    return "VARIANT, not the scenario's answer (run with --variant)"


def _row(m: dict[str, Any], latest: dict[str, str]) -> dict[str, Any]:
    """What the index shows of one run (plain text: the template escapes it)."""
    d: Path = m["_dir"]
    rel = f"{d.parent.name}/{d.name}"
    headline = m.get("headline") or {}
    rec, sure = headline.get("recommended"), _number(headline.get("probability_best"))
    rec_text = MODES.label(rec) if rec else ""
    if rec and sure is not None:
        n = _number(headline.get("n_paths")) or 0
        rec_text += f" ({sure:.0%} of {n:,.0f} futures)"
    results = [r for r in (m.get("results") or []) if isinstance(r, dict)]
    files = [
        {"href": f"{rel}/{name}", "name": label}
        for name, label in (
            *(
                (str(r["html"]), str(r["html"]).removesuffix(".html"))
                for r in results
                if r.get("html")
            ),
            *(
                (f"{Path(str(r['notebook'])).stem}.ipynb", "notebook")
                for r in results[:1]
                if r.get("notebook")
            ),
            ("manifest.json", "manifest"),
            ("run.log", "log"),
        )
        if (d / name).is_file()
    ]
    cell = m.get("failed_cell") or {}
    where = ""
    if isinstance(cell, dict) and cell.get("index") is not None:
        where = f" (cell {cell.get('index')}: {str(cell.get('source', ''))[:80]})"
    timings = m.get("timings_s") or {}
    variant = _variant(m)
    return {
        "scenario": d.parent.name,
        "title": str(m.get("scenario_name") or ""),
        "run_id": d.name,
        "started": str(m.get("started") or ""),
        "duration": _duration(_number(timings.get("total")) if isinstance(timings, dict) else None),
        "files": files,
        "latest": latest.get(d.parent.name) == d.name,
        "status": status_of(m, d),
        "error": (str(m.get("error") or "") + where)[:400],
        "recommended": rec_text,
        "npvs": [_npv(m, mode) for mode in MODES.names()],
        "variant": variant,
        # the template shows this column's lines: the variant's marker first
        "overrides": ([variant] if variant else []) + _overrides(m),
        "parameters_hash": str(m.get("parameters_hash") or ""),
    }


def render_index(reports_dir: Path) -> str:
    """The index page as HTML text (Jinja2 template ``templates/reports_index.html.j2``,
    every value escaped): one section per scenario, runs newest first."""
    import jinja2

    reports_dir = Path(reports_dir)
    latest = {p.parent.name: os.readlink(p) for p in reports_dir.glob("*/latest") if p.is_symlink()}
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    groups: dict[str, list[dict[str, Any]]] = {}
    for m in read_manifests(reports_dir):
        try:
            row = _row(m, latest)
        except Exception as exc:  # a manifest with text where numbers belong, ...
            log.warning("skipping manifest %s: %s", m["_dir"] / "manifest.json", exc)
            continue
        groups.setdefault(row["scenario"], []).append(row)
    scenarios = [
        {"name": name, "title": rows[0]["title"], "runs": rows}
        for name, rows in sorted(groups.items(), key=lambda kv: kv[1][0]["started"], reverse=True)
    ]
    comparisons = [
        {"href": f"{p.parent.parent.name}/{p.parent.name}/{p.name}", "name": p.parent.name}
        for p in sorted(reports_dir.glob("_compare/*/compare.html"), reverse=True)
    ]
    sweeps = [
        {"href": str(p.relative_to(reports_dir)), "name": f"{p.parent.parent.name} {p.parent.name}"}
        for p in sorted(
            reports_dir.glob("_sweeps/*/*/sweep.html"), key=lambda q: q.parent.name, reverse=True
        )
    ]
    return env.get_template(TEMPLATE).render(
        comparisons=comparisons,
        sweeps=sweeps,
        scenarios=scenarios,
        mode_labels=[MODES.label(m) for m in MODES.names()],
        now=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def write_index(reports_dir: Path) -> Path:
    """Rebuild ``reports_dir/index.html`` atomically and return its path."""
    reports_dir = Path(reports_dir)
    check_writable(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / "index.html"
    write_atomic(path, render_index(reports_dir))
    return path


def update_index(reports_dir: Path) -> None:
    """Rewrite the index under its own lock; a failure is logged, not raised: the run
    itself is recorded, and ``market-entry index`` rebuilds the index later."""
    try:
        with locked(reports_dir, wait_s=60, what="reports index"):
            write_index(reports_dir)
    except (OSError, MarketEntryError) as exc:
        log.warning(
            "reports index not updated (%s); rebuild it with `market-entry index`",
            getattr(exc, "strerror", None) or exc,
        )
