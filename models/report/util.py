"""Small helpers shared by the report writers: HTML escaping and atomic file writes."""

from __future__ import annotations

import html
import os
from pathlib import Path


def esc(text: object) -> str:
    """Escape any value for HTML text or attributes (``None`` becomes empty)."""
    return html.escape("" if text is None else str(text), quote=True)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed over it, so that a
    reader never sees half a file and an interrupted write leaves the old one intact."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
