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

from models.format import esc
from models.inputs.schema import ENTRY_MODES, MODE_LABELS
from models.runner.files import write_atomic

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


_e = esc


def _npv(m: dict[str, Any], mode: str) -> str:
    v = (m.get("headline") or {}).get("npv_usd_m", {}).get(mode)
    return "" if v is None else f"{v:,.0f}"


def render_index(reports_dir: Path) -> str:
    """The index page as HTML text."""
    reports_dir = Path(reports_dir)
    runs = read_manifests(reports_dir)
    latest = {p.parent.name: os.readlink(p) for p in reports_dir.glob("*/latest") if p.is_symlink()}
    rows = []
    for m in runs:
        d: Path = m["_dir"]
        rel = f"{d.parent.name}/{d.name}"
        pages = [r["html"] for r in m.get("results", []) if r.get("html")]
        link = _e(d.name) + "".join(
            f' <a href="{_e(rel + "/" + h)}">{_e(h.removesuffix(".html"))}</a>' for h in pages
        )
        status = m.get("status", "?")
        badge = " <b>latest</b>" if latest.get(d.parent.name) == d.name else ""
        rec = (m.get("headline") or {}).get("recommended")
        sure = (m.get("headline") or {}).get("probability_best")
        rec_text = MODE_LABELS.get(rec, rec) if rec else ""
        if rec and sure is not None:
            rec_text += f" ({sure:.0%} of {m['headline'].get('n_paths', 0):,} futures)"
        cells = "".join(f'<td class="num">{_npv(m, mode)}</td>' for mode in ENTRY_MODES)
        rows.append(
            f'<tr class="{_e(status)}"><td>{_e(d.parent.name)}</td>'
            f"<td>{_e(m.get('scenario_name'))}</td><td>{link}{badge}</td>"
            f"<td>{_e(len(m.get('notebooks', [])))}</td><td>{_e(status)}</td>"
            f"<td>{_e(rec_text)}</td>{cells}"
            f"<td><code>{_e(m.get('parameters_hash'))}</code></td></tr>"
        )
    head = "".join(f"<th>NPV {_e(MODE_LABELS[m])}</th>" for m in ENTRY_MODES)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join(rows) or '<tr><td colspan="11">No runs yet.</td></tr>'
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>market-entry reports</title>
<style>
body{{font-family:Helvetica,Arial,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem}}
table{{border-collapse:collapse;font-size:.9rem;width:100%}}
th,td{{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}}
td.num{{text-align:right;font-variant-numeric:tabular-nums}}
tr.failed td,tr.interrupted td,tr.running td{{color:#a33}}
</style></head><body>
<h1>market-entry reports</h1>
<p>Every run, newest first. NPVs are means over the simulated futures in US$ millions;
the recommendation shows the share of futures in which it is the best mode. Updated {now}.</p>
<table><thead><tr><th>Scenario</th><th>Title</th><th>Run</th><th>Notebooks</th><th>Status</th>
<th>Recommended</th>{head}<th>Parameters</th></tr></thead>
<tbody>
{body}
</tbody></table></body></html>
"""


def write_index(reports_dir: Path) -> Path:
    """Rebuild ``reports_dir/index.html`` atomically and return its path."""
    from models.runner.files import check_writable

    reports_dir = Path(reports_dir)
    check_writable(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / "index.html"
    write_atomic(path, render_index(reports_dir))
    return path
