"""Where a report came from: the git commit of the code, and the key under which a
notebook hands its headline numbers to the runner (output metadata)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from models._paths import PROJECT_ROOT

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
