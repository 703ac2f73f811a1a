""" "Since the last run": what changed from the scenario's previous report, and why.

A scheduled run (``market-entry run``) executes the main report with ``outputs_dir`` set
to its own run folder, while the scenario's ``latest`` still points at the last
official run (never a variant: :mod:`models.runner.run`). :func:`since_last_run` reads
that run's manifest (:func:`previous_run`) and compares: the
parameters given, the data files, the code's commit, and the headline (the
recommendation, how sure, each mode's mean NPV), with the change in each mode's
most-likely-case NPV attributed to each changed parameter
(:func:`models.analysis.rundiff.attribute`). Run by hand (no ``outputs_dir``), or for a
scenario's first run, it says there is nothing to compare with.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from models._fingerprint import data_hashes
from models._paths import PROJECT_ROOT
from models.analysis import rundiff
from models.economics.modes import MODES
from models.exceptions import OutputError, ParameterError
from models.format import esc, money, pct, show
from models.inputs.display import format_value, label
from models.inputs.schema import SPECS
from models.reporting.blocks import HTMLBlock, table
from models.reporting.decision_blocks import headline_numbers
from models.reporting.provenance import git_commit

read_manifest = rundiff.load_manifest  # checked: a damaged manifest is an OutputError

log = logging.getLogger(__name__)


def official(manifest: dict[str, Any]) -> bool:
    """Whether a run is its scenario's answer (not a variant): its manifest does not say
    ``"official": false`` (runs from before variants say nothing, and count as official)."""
    return manifest.get("official", True) is not False


def previous_run(outputs_dir: str | Path) -> Path | None:
    """The scenario's last official run, if this is a run with one.

    That is ``latest``'s target, which only an official successful run (or a variant
    made official with ``--latest``) becomes. Should ``latest`` point at a variant all
    the same (moved by hand), the newest successful official run before this one is
    taken instead, so that a report never compares itself with a variant.
    """
    if not str(outputs_dir):
        return None
    here = Path(outputs_dir).resolve()
    latest = here.parent / "latest"
    if not latest.is_symlink():
        return None
    target = latest.resolve()
    if target == here or not (target / "manifest.json").is_file():
        return None
    try:
        if official(read_manifest(target)):
            return target
    except OutputError as exc:  # damaged: the newest good official run before it instead
        log.warning("Since the last run: skipping %s: %s", target.name, exc)
    for run in sorted(here.parent.iterdir(), reverse=True):
        if run.is_symlink() or run == here or run.name >= here.name or run.name.startswith("."):
            continue
        try:
            m = read_manifest(run)
        except OutputError:
            continue
        if m.get("status") == "succeeded" and official(m):
            return run
    return None


def _value(name: str, v: Any) -> str:
    if v is None:
        return f"the default ({_value(name, SPECS[name].default)})" if name in SPECS else "(none)"
    if name in SPECS and isinstance(v, int | float) and not isinstance(v, bool):
        return format_value(name, v)
    return show(v, 50)


def _note(text: str) -> HTMLBlock:
    return HTMLBlock(f'<div class="me-report"><p>{esc(text)}</p></div>')


def since_last_run(decision, outputs_dir: str | Path) -> HTMLBlock:
    """The section's content (see the module docstring).

    A previous manifest that cannot be compared with (damaged, foreign, of another
    version) gives a note and a warning, never an error: the report, and so the
    scenario's ``latest``, must not depend on an earlier run's file.
    """
    try:
        return _since(decision, outputs_dir)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        log.warning("Since the last run: not compared (%s: %s)", type(exc).__name__, exc)
        return _note(f"The previous run cannot be compared with: {type(exc).__name__}: {exc}.")


def _since(decision, outputs_dir: str | Path) -> HTMLBlock:
    prev_dir = previous_run(outputs_dir)
    if prev_dir is None:
        return _note(
            "No earlier run of this scenario to compare with (a scheduled run compares "
            "itself with the scenario's last official run, the one its latest points at; "
            "variants, runs whose -p changed the scenario's values, are left out)."
        )
    try:
        prev = read_manifest(prev_dir)
    except OutputError as exc:
        log.warning("Since the last run: %s", exc)
        return _note(f"The previous run cannot be compared with: {exc}.")
    now = {
        "parameters_given": decision.params.overrides(),
        "headline": headline_numbers(decision),
        "inputs": {"data": data_hashes()},
        "git_commit": git_commit(PROJECT_ROOT),
    }
    c = rundiff.compare(prev, now)
    when = str(prev.get("started", ""))
    try:
        days = (datetime.now(UTC) - datetime.fromisoformat(when)).days
        ago = f", {days} day{'s' if days != 1 else ''} ago" if days >= 1 else ", earlier today"
    except (TypeError, ValueError):  # load_manifest refuses these; an old one, all the same
        ago = ""
    parts = [
        f"<p>Compared with run <code>{esc(prev_dir.name)}</code> ({esc(when[:16])} UTC{ago}).</p>"
    ]
    changes = [
        f"{label(k)}: {_value(k, a)} to {_value(k, b)}"
        for k, (a, b) in c.parameters.items()
        if k not in ("n_paths", "seed", "sobol_samples")
    ]
    sampling = [k for k in c.parameters if k in ("n_paths", "seed", "sobol_samples")]
    if sampling:
        changes.append(
            "simulation settings (" + ", ".join(label(k) for k in sampling) + "): the means "
            "move with the sample"
        )
    if c.data:
        changes.append("data files: " + ", ".join(Path(k).name for k in c.data))
    if c.commit:
        changes.append("the model's code (commit " + esc(str(c.commit[1])[:10]) + ")")
    parts.append(
        "<p><b>What changed:</b></p><ul>" + "".join(f"<li>{esc(x)}</li>" for x in changes) + "</ul>"
        if changes
        else "<p><b>What changed:</b> nothing recorded about the inputs; differences below "
        "are the run's own.</p>"
    )
    h_prev, h_now = prev.get("headline") or {}, now["headline"]
    rec_prev, rec_now = h_prev.get("recommended"), h_now["recommended"]
    if rec_prev == rec_now:
        answer = f"The recommendation is unchanged: {MODES.label(rec_now)}"
    else:
        answer = (
            f"The recommendation changed from {MODES.label(rec_prev)} to {MODES.label(rec_now)}"
        )
    sure = h_prev.get("probability_best")
    if isinstance(sure, int | float):
        answer += f" (how sure: {pct(sure)} then, {pct(h_now['probability_best'])} now)"
    parts.append(f"<p>{esc(answer)}.</p>")
    html = "".join(parts)
    rows = []
    for mode, row in h_now["modes"].items():
        before = ((h_prev.get("modes") or {}).get(mode) or {}).get("mean")
        if isinstance(before, int | float):
            rows.append(
                {
                    "mode": MODES.label(mode),
                    "then (US$ m)": money(before),
                    "now (US$ m)": money(row["mean"]),
                    "change (US$ m)": money(row["mean"] - before, signed=True),
                }
            )
    blocks = [html]
    if rows:
        blocks.append(str(table(pd.DataFrame(rows), caption="Mean NPV over the futures.")))
    if c.parameters:
        try:
            att = rundiff.attribute(rundiff.given(prev), now["parameters_given"])
        except ParameterError as exc:
            blocks.append(f"<p>{esc(f'The drivers cannot be computed: {exc}')}</p>")
        else:
            parts_ = att.drop(index=["all together", "interactions"])
            keep = parts_.abs().max(axis=1) >= 0.05
            shown = pd.concat([parts_[keep], att.loc[["all together", "interactions"]]])
            shown.index = [label(i) if i in SPECS else i for i in shown.index]
            shown.columns = [MODES.label(m) for m in shown.columns]
            blocks.append(
                str(
                    table(
                        shown.round(1).reset_index(names="driver"),
                        caption="Change in the NPV of each mode's most-likely case (US$ m) when "
                        "each "
                        "changed parameter alone takes its new value, then all together.",
                    )
                )
            )
    return HTMLBlock('<div class="me-report">' + "".join(blocks) + "</div>")
