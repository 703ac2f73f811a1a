"""One run at a time per scenario: an advisory lock on ``reports/<scenario>/.lock``.

Two runs of one scenario would race for ``latest``; scheduled runs overlap when one
runs long. The lock is :func:`fcntl.flock` on a file in the scenario's folder: the
kernel releases it when the holder exits, even on ``kill -9``, so a crashed run never
leaves a stale lock. The file records who holds it (pid, host, start), for the message
a second run prints. The reports index has its own lock, held only while it is
rewritten, so that runs of different scenarios finishing together both appear.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from models.exceptions import RunLockedError

log = logging.getLogger(__name__)

LOCK_NAME = ".lock"

#: Seconds between attempts while waiting for a lock.
POLL_S = 0.2


def holder() -> dict[str, object]:
    """Who this process is, as a lock file and a manifest record it."""
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
    }


@contextlib.contextmanager
def locked(folder: Path, wait_s: float = 0.0, what: str = "") -> Iterator[None]:
    """Hold the lock of ``folder`` (created if needed) for the ``with`` block.

    Parameters
    ----------
    folder : Path
        The scenario's report folder (or the reports root, for the index).
    wait_s : float
        How long to wait for another holder to finish, in seconds (0: do not wait).
    what : str
        What is locked, for the error message (e.g. ``scenario base``).

    Raises
    ------
    RunLockedError
        If the lock is still held after ``wait_s`` seconds; the message names the
        holder (pid, host, since when).
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(0.0, wait_s)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RunLockedError(
                        f"{what or folder}: another run holds {path} ({_describe(path)}); "
                        f"nothing was written; try again later or pass --wait SECONDS"
                    ) from None
                time.sleep(POLL_S)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(holder()).encode())
        yield
    finally:
        os.close(fd)  # releases the lock


def _describe(path: Path) -> str:
    try:
        h = json.loads(path.read_text(encoding="utf-8"))
        return f"pid {int(h['pid'])} on {str(h['host'])[:64]}, since {str(h['since'])[:32]}"
    except (OSError, ValueError, KeyError, TypeError):
        return "holder unknown"
