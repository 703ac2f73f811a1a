"""``--keep N``: how many runs of a scenario to keep.

After a successful run, the oldest run folders of its scenario beyond the newest ``N``
are deleted, except ``latest``'s target and any run still in progress (its manifest
says ``running`` and its process is alive). Runs are ordered by their folder names,
which start with their UTC start time.

A run is removed whole or not at all: it is first renamed aside to a hidden
``.trash-<run>`` folder of its scenario (one atomic rename, after which no reader
lists it: the index, "Since the last run" and retention skip hidden folders), then
deleted. A folder that cannot be renamed stays, whole, with a warning; one that
cannot be deleted completely stays hidden, with a warning, and the next ``--keep``
tries again.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from models.runner.status import run_status

log = logging.getLogger(__name__)

#: The prefix of a run folder being removed (hidden from every reader).
TRASH = ".trash-"


def run_folders(scenario_dir: Path) -> list[Path]:
    """The run folders of a scenario (not ``latest``, not hidden files), oldest first."""
    return sorted(
        p
        for p in scenario_dir.iterdir()
        if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
    )


def _delete(trash: Path) -> bool:
    """Delete a folder already renamed aside; False (logged) if part of it remains."""
    try:
        shutil.rmtree(trash)
    except OSError as exc:
        log.warning(
            "--keep: %s could not be deleted completely (%s); it is hidden from the index "
            "and the next --keep tries again (or delete it by hand)",
            trash,
            exc.strerror or exc,
        )
        return False
    return True


def _remove(run: Path) -> bool:
    """Remove one run whole or not at all (see the module docstring)."""
    trash = run.with_name(TRASH + run.name)
    try:
        os.rename(run, trash)
    except OSError as exc:
        log.warning("--keep: %s left in place: cannot be moved aside (%s)", run, exc.strerror)
        return False
    _delete(trash)
    return True


def _empty_trash(scenario_dir: Path) -> None:
    """Retry the deletions an earlier ``--keep`` could not finish."""
    for p in scenario_dir.glob(TRASH + "*"):
        if p.is_dir() and not p.is_symlink():
            _delete(p)


def prune(scenario_dir: Path, keep: int) -> list[Path]:
    """Delete the scenario's runs beyond the newest ``keep``; returns what was removed.

    Never deletes ``latest`` or its target, nor a run in progress. Each run is removed
    whole or not at all; a failure is logged, never raised (the run that asked has
    succeeded and is recorded).
    """
    if keep < 1:
        raise ValueError(f"keep={keep}: expected at least 1")
    _empty_trash(scenario_dir)
    latest = scenario_dir / "latest"
    target = latest.resolve() if latest.is_symlink() else None
    runs = run_folders(scenario_dir)
    removed = []
    for run in runs[: max(0, len(runs) - keep)]:
        if target is not None and run.resolve() == target:
            continue
        if run_status(run) == "running":
            continue
        if _remove(run):
            removed.append(run)
    if removed:
        log.info("--keep %d: removed %s", keep, ", ".join(p.name for p in removed))
    return removed
