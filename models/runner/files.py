"""Files of a run: atomic writes, and a check that a reports folder can be written
before anything is executed."""

from __future__ import annotations

import os
from pathlib import Path

from models._files import replaced
from models.exceptions import OutputError


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed over it, so that a
    reader never sees half a file and an interrupted write leaves the old one intact."""
    with replaced(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def reports_folder(value: str | os.PathLike) -> Path:
    """The reports folder a user named, refusing an empty name (which would write the
    index, scenario folders and ``latest`` links into the current folder)."""
    if not str(value).strip():
        raise OutputError(
            f"reports folder {str(value)!r}: expected the path of a folder, e.g. reports"
        )
    return Path(value)


def check_writable(folder: Path) -> None:
    """Fail before anything is written if ``folder`` cannot hold reports."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"reports folder {folder}: exists and is not a folder")
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(
            f"reports folder {folder}: cannot be created or written "
            f"({existing} is not a writable folder)"
        )
