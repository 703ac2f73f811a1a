"""``--keep N``: how many runs of a scenario to keep.

After a successful run, the oldest run folders of its scenario beyond the newest ``N``
are deleted, except ``latest``'s target and any run still in progress (its manifest
says ``running`` and its process is alive). Runs are ordered by their folder names,
which start with their UTC start time.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from models.runner.status import run_status

log = logging.getLogger(__name__)


def run_folders(scenario_dir: Path) -> list[Path]:
    """The run folders of a scenario (not ``latest``, not hidden files), oldest first."""
    return sorted(
        p
        for p in scenario_dir.iterdir()
        if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
    )


def prune(scenario_dir: Path, keep: int) -> list[Path]:
    """Delete the scenario's runs beyond the newest ``keep``; returns what was deleted.

    Never deletes ``latest`` or its target, nor a run in progress.
    """
    if keep < 1:
        raise ValueError(f"keep={keep}: expected at least 1")
    latest = scenario_dir / "latest"
    target = latest.resolve() if latest.is_symlink() else None
    runs = run_folders(scenario_dir)
    removed = []
    for run in runs[: max(0, len(runs) - keep)]:
        if target is not None and run.resolve() == target:
            continue
        if run_status(run) == "running":
            continue
        shutil.rmtree(run)
        removed.append(run)
    if removed:
        log.info("--keep %d: removed %s", keep, ", ".join(p.name for p in removed))
    return removed
