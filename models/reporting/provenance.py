"""Where a report came from: the git commit of the code, the key under which a
notebook hands its headline numbers to the runner (output metadata), and the reader of
a run folder's ``manifest.json``."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from models._paths import PROJECT_ROOT
from models.analysis.rundiff import load_manifest

#: Key of the output metadata that carries a run's headline numbers to the runner.
METADATA_KEY = "market_entry"


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=5, check=True
    ).stdout.strip()


def git_commit(path: str | Path | None = None) -> str | None:
    """The current git commit of the project (``+changes`` if the tree is modified), or
    None outside a git checkout."""
    cwd = Path(path) if path else PROJECT_ROOT
    try:
        commit = _git("rev-parse", "--short=12", "HEAD", cwd=cwd)
        dirty = _git("status", "--porcelain", "--untracked-files=no", cwd=cwd)
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("+changes" if dirty else "")


def read_manifest(run_dir: str | Path) -> dict[str, Any]:
    """A run folder's manifest (a mapping with a ``headline``), or one clear error:
    :func:`models.analysis.rundiff.load_manifest`, without asking for a time zone.

    Raises
    ------
    OutputError
        Naming the folder: missing, without a manifest, unreadable, or not a run's.
    """
    return load_manifest(run_dir, times=False)
