"""``reports/index.html``: every scenario and run, newest first, with headline numbers.

Built from the runs' ``manifest.json`` files only, so it can be rebuilt at any time
(``market-entry index``). All text from manifests is escaped.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models.inputs.schema import ENTRY_MODES, MODE_LABELS
from models.runner.files import check_writable, write_atomic

log = logging.getLogger(__name__)


def read_manifests(reports_dir: Path) -> list[dict[str, Any]]:
    """All readable run manifests under ``reports_dir``, newest first."""
    runs = []
    for path in sorted(Path(reports_dir).glob("*/*/manifest.json")):
        if path.parent.is_symlink():
            continue  # `latest` points at a run listed anyway
        try:
            m = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            log.warning("skipping unreadable manifest %s: %s", path, exc)
            continue
        m["_dir"] = path.parent
        runs.append(m)
    runs.sort(key=lambda m: (str(m.get("started", "")), str(m.get("run_id", ""))), reverse=True)
    return runs


#: The Jinja2 template of the index, beside the nbconvert template of the reports.
TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "reports_index.html.j2"


def _npv(m: dict[str, Any], mode: str) -> str:
    """A run's mean NPV of ``mode`` (US$ m), from ``headline.modes`` (or, in manifests
    written before that key, ``headline.npv_usd_m``)."""
    headline = m.get("headline") or {}
    v = (headline.get("modes") or {}).get(mode, {}).get("mean")
    if v is None:
        v = (headline.get("npv_usd_m") or {}).get(mode)
    return "" if v is None else f"{v:,.0f}"


def _row(m: dict[str, Any], latest: dict[str, str]) -> dict[str, Any]:
    """What the index shows of one run (plain text: the template escapes it)."""
    d: Path = m["_dir"]
    rel = f"{d.parent.name}/{d.name}"
    headline = m.get("headline") or {}
    rec, sure = headline.get("recommended"), headline.get("probability_best")
    rec_text = MODE_LABELS.get(rec, rec) if rec else ""
    if rec and sure is not None:
        rec_text += f" ({sure:.0%} of {headline.get('n_paths', 0):,} futures)"
    return {
        "scenario": d.parent.name,
        "title": m.get("scenario_name"),
        "run_id": d.name,
        "pages": [
            {"href": f"{rel}/{r['html']}", "name": r["html"].removesuffix(".html")}
            for r in m.get("results", [])
            if r.get("html")
        ],
        "latest": latest.get(d.parent.name) == d.name,
        "notebooks": len(m.get("notebooks", [])),
        "status": m.get("status", "?"),
        "recommended": rec_text,
        "npvs": [_npv(m, mode) for mode in ENTRY_MODES],
        "parameters_hash": m.get("parameters_hash"),
    }


def render_index(reports_dir: Path) -> str:
    """The index page as HTML text (Jinja2 template ``templates/reports_index.html.j2``,
    every value escaped)."""
    import jinja2

    reports_dir = Path(reports_dir)
    latest = {p.parent.name: os.readlink(p) for p in reports_dir.glob("*/latest") if p.is_symlink()}
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template(TEMPLATE).render(
        runs=[_row(m, latest) for m in read_manifests(reports_dir)],
        mode_labels=[MODE_LABELS[m] for m in ENTRY_MODES],
        now=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def write_index(reports_dir: Path) -> Path:
    """Rebuild ``reports_dir/index.html`` atomically and return its path."""
    reports_dir = Path(reports_dir)
    check_writable(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / "index.html"
    write_atomic(path, render_index(reports_dir))
    return path
