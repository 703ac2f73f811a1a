"""A run's status as an operator should read it, from its manifest and its process.

A manifest says ``running`` from the moment a run starts until it ends; a runner
killed with ``kill -9`` (or a machine that lost power) never rewrites it. A run whose
manifest says ``running`` is shown as ``abandoned`` when its process (``pid`` on
``host``, both recorded in the manifest) is gone, or when its folder was already
marked failed. A run on another host cannot be checked and stays ``running``.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

from models.analysis.rundiff import manifest_problem


def alive(pid: Any, host: Any) -> bool | None:
    """Whether process ``pid`` runs on this host (None: another host, cannot tell)."""
    if host != socket.gethostname():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except (TypeError, ValueError, OverflowError):
        return False
    return True


def status_of(manifest: dict[str, Any], folder: Path) -> str:
    """The status to show for a run (``succeeded``, ``failed``, ``timed out``,
    ``interrupted``, ``running`` or ``abandoned``)."""
    status = str(manifest.get("status", "?"))
    if status != "running":
        return status
    if folder.name.endswith("-failed"):
        return "abandoned"
    if alive(manifest.get("pid"), manifest.get("host")) is False:
        return "abandoned"
    return "running"


def run_status(folder: Path) -> str:
    """:func:`status_of` a run folder (``unreadable`` if its manifest cannot be read)."""
    try:
        m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "unreadable"
    if manifest_problem(m):
        return "unreadable"
    return status_of(m, folder)
