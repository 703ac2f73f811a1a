"""Where a report came from: the git commit of the code, the key under which a
notebook hands its headline numbers to the runner (output metadata), and the reader of
a run folder's ``manifest.json``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from models._paths import PROJECT_ROOT
from models.analysis.rundiff import manifest_problem
from models.exceptions import OutputError

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
    """A run folder's manifest (a mapping with a ``headline``), or one clear error.

    Raises
    ------
    OutputError
        Naming the folder: missing, without a manifest, unreadable, or not a run's.
    """
    run_dir = Path(run_dir)
    path = run_dir / "manifest.json"
    if not path.is_file():
        raise OutputError(
            f"run folder {run_dir}: no manifest.json; expected a folder of a run, "
            "e.g. reports/base/latest"
        )
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputError(f"run folder {run_dir}: manifest.json cannot be read ({exc})") from None
    problem = manifest_problem(m)
    if problem or not isinstance(m.get("headline"), dict):
        raise OutputError(
            f"run folder {run_dir}: manifest.json is not a run's manifest"
            + (f" ({problem})" if problem else "")
        )
    return m
