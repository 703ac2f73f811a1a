"""``market-entry reproduce RUN_DIR`` and ``market-entry diff RUN_A RUN_B``.

*reproduce* reruns a run with exactly the parameters its manifest recorded, into a new
run folder of the same scenario (``latest`` is left alone), and says number by number
whether the headline matches; when it does not, it names what differs among the
recorded inputs: parameters, data files, notebooks, code commit, package versions.

*diff* says what changed between two runs (parameters, data, code, packages) and how
each headline number moved, with the part of each mode's change in the most-likely case's NPV that
each changed parameter explains (:func:`models.analysis.rundiff.attribute`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd

from models.analysis import rundiff
from models.exceptions import OutputError, ParameterError
from models.inputs.params import validate

log = logging.getLogger(__name__)


#: How many differing headline numbers ``diff`` and ``reproduce`` list without ``--all``.
HEADLINE_LIMIT = 25

#: How many changed inputs ``diff`` and ``reproduce`` list without ``--all``.
INPUTS_LIMIT = 40


def _cut(lines: list[str], hidden: int, what: str, command: str) -> list[str]:
    """``lines`` indented, then a line saying how many more there are and how to see
    them all."""
    out = [f"  {line}" for line in lines]
    if hidden > 0:
        out.append(f"  ... and {hidden} more {what} ({command} --all lists them all)")
    return out


def _inputs(differences: list[str], show_all: bool, command: str) -> list[str]:
    shown = differences if show_all else differences[:INPUTS_LIMIT]
    return _cut(shown, len(differences) - len(shown), "changes", command)


def _headline(table: pd.DataFrame, show_all: bool, command: str) -> list[str]:
    lines, hidden = rundiff.headline_lines(table, None if show_all else HEADLINE_LIMIT)
    return _cut(lines, hidden, "numbers", command)


def reproduce(
    run_dir: Path,
    reports_dir: Path | None = None,
    *,
    show_all: bool = False,
    **run_kwargs: Any,
) -> tuple[bool, str]:
    """Rerun ``run_dir`` with its recorded parameters; returns (matched, report text).

    The new run goes to ``reports_dir`` (by default the tree ``run_dir`` is in), as a
    new folder of the same scenario, without moving ``latest``. The text names
    parameters and headline numbers in words, with their units; ``show_all`` lists
    every difference, not only the first :data:`HEADLINE_LIMIT`.
    """
    from models.runner.run import run_report

    run_dir = Path(run_dir)
    old = rundiff.load_manifest(run_dir)
    given = rundiff.given(old)
    try:
        params = validate(given)
    except ParameterError as exc:
        raise ParameterError(f"run {run_dir}: its parameters no longer validate: {exc}") from None
    notes = []
    if "parameters_given" not in old:
        notes.append(
            "this run predates the record of the parameters given: the rerun takes every "
            "value as recorded, which fixes inputs the original run sampled"
        )
    elif params.digest() != old.get("parameters_hash"):
        notes.append(
            "the recorded parameters now validate to another hash "
            f"({old.get('parameters_hash')} -> {params.digest()}): the schema's defaults changed"
        )
    notebooks = [n for n in old.get("notebooks", []) if isinstance(n, str)]
    if not notebooks:
        raise OutputError(f"run {run_dir}: its manifest names no notebook")
    reports = Path(reports_dir) if reports_dir is not None else run_dir.resolve().parent.parent
    outcome = run_report(
        old.get("scenario_file") or old.get("scenario") or "reproduced",
        params=params,
        scenario_dir_name=str(old.get("scenario") or "reproduced"),
        notebook=[Path(n).stem for n in notebooks],
        reports_dir=reports,
        latest=False,
        reproduces=str(old.get("run_id") or run_dir.name),
        **run_kwargs,
    )
    comparison = rundiff.compare(old, outcome.manifest)
    n = len(comparison.headline)
    agree = int(comparison.headline["same"].sum())
    lines = [f"rerun of {run_dir} in {outcome.run_dir}"]
    matched = comparison.headline_same
    if matched:
        lines.append(f"reproduced: all {n} headline numbers match")
    else:
        lines.append(f"not reproduced: {n - agree} of {n} headline numbers differ")
        lines += _headline(comparison.headline, show_all, f"market-entry reproduce {run_dir}")
    differences = comparison.differences()
    if differences:
        lines.append("inputs that differ from the original run:")
        lines += _inputs(differences, show_all, f"market-entry reproduce {run_dir}")
    elif not matched:
        lines.append("no recorded input differs: the difference is in the run itself")
    lines += notes
    return matched, "\n".join(lines)


def diff(
    run_a: Path, run_b: Path, *, show_all: bool = False
) -> tuple[rundiff.Comparison, pd.DataFrame | None, str]:
    """Compare two runs; returns the comparison, the attribution of each mode's
    change in the most-likely case's NPV to the changed parameters (None if none changed or they
    no longer validate), and the report text.

    The text names parameters, modes and headline numbers in words, money in US$ m
    (``−$30 m``); it lists the first :data:`INPUTS_LIMIT` changed inputs and
    :data:`HEADLINE_LIMIT` headline numbers, and says how many more there are, unless
    ``show_all``.
    """
    a, b = rundiff.load_manifest(Path(run_a)), rundiff.load_manifest(Path(run_b))
    comparison = rundiff.compare(a, b)
    command = f"market-entry diff {run_a} {run_b}"
    lines = [
        f"from {Path(run_a)} ({a.get('started', '?')})",
        f"  to {Path(run_b)} ({b.get('started', '?')})",
    ]
    differences = comparison.differences()
    lines.append("what changed:" if differences else "no recorded input changed")
    lines += _inputs(differences, show_all, command)
    n = len(comparison.headline)
    moved = int((~comparison.headline["same"].astype(bool)).sum())
    lines.append(f"headline: {moved} of {n} numbers changed" if moved else "headline: unchanged")
    lines += _headline(comparison.headline, show_all, command)
    attribution = None
    if comparison.parameters:
        try:
            attribution = rundiff.attribute(rundiff.given(a), rundiff.given(b))
        except ParameterError as exc:
            lines.append(f"drivers: not computed ({exc})")
    if attribution is not None:
        lines.append(
            "drivers of the change in the NPV of each mode's most-likely case (US$ m; each changed "
            "parameter alone, then all together):"
        )
        lines += ["  " + line for line in rundiff.attribution_lines(attribution)]
    if comparison.data or comparison.notebooks or comparison.commit or comparison.packages:
        lines.append(
            "changes of data, notebooks, code or packages are not attributed: rerun the old "
            "parameters with `market-entry reproduce` to separate them"
        )
    return comparison, attribution, "\n".join(lines)
