"""What a run's result depends on, recorded so that it can be rerun and compared.

The manifest of every run records, besides the parameters and the code's commit:

- the SHA-256 of every file in ``data/raw`` (the data the notebooks can read; all of
  them, a superset of those a given notebook reads), of the scenario file and of each
  notebook executed;
- the version of every installed Python distribution (a lock of the environment);
- the seed.

``market-entry reproduce`` and ``market-entry diff`` compare these.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import distributions
from pathlib import Path

from models._paths import PROJECT_ROOT, RAW_DATA


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _name(path: Path) -> str:
    """A path as the manifest names it: relative to the project when inside it."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def data_hashes(folder: Path | None = None) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (default ``data/raw``), by path relative
    to the project."""
    folder = RAW_DATA if folder is None else folder
    return {_name(p): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def file_hashes(paths: list[Path]) -> dict[str, str]:
    """SHA-256 of each file, by path relative to the project (when inside it)."""
    return {_name(p): sha256(p) for p in paths}


def packages() -> dict[str, str]:
    """Version of every installed distribution, by lower-case name."""
    out = {}
    for dist in distributions():
        name = dist.metadata.get("Name")
        if name:
            out[name.lower()] = dist.version
    return dict(sorted(out.items()))
