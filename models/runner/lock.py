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
import errno
import fcntl
import json
import logging
import os
import socket
import stat
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from models.exceptions import OutputError, RunLockedError

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
    fd = _open(path)
    try:
        deadline = time.monotonic() + max(0.0, wait_s)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RunLockedError(
                        f"{what or folder}: another run holds {path} ({_describe(fd)}); "
                        f"nothing was written; try again later or pass --wait SECONDS"
                    ) from None
                time.sleep(POLL_S)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(holder()).encode())
        yield
    finally:
        os.close(fd)  # releases the lock


def _open(path: Path) -> int:
    """The lock file's descriptor, created if needed, never through a link.

    The lock file is truncated and rewritten by its holder, so a ``.lock`` that is a
    symbolic link (to a file elsewhere, or dangling), a hard link shared with another
    file, or anything but a plain file is refused, not followed: its target is never
    created, truncated or written.

    Raises
    ------
    OutputError
        Naming the lock file and what it is instead of a plain file.
    """
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP or path.is_symlink():
            raise _not_plain(path, f"a symbolic link to {_target(path)}") from None
        if exc.errno == errno.EISDIR:
            raise _not_plain(path, "a folder") from None
        raise OutputError(f"lock file {path}: cannot be opened ({exc.strerror})") from None
    st = os.fstat(fd)
    what = None
    if not stat.S_ISREG(st.st_mode):
        what = "not a regular file"
    elif st.st_nlink != 1:
        what = f"a file with {st.st_nlink} hard links"
    if what:
        os.close(fd)
        raise _not_plain(path, what)
    return fd


def _target(path: Path) -> str:
    try:
        return repr(os.readlink(path)[:200])
    except OSError:
        return "an unknown target"


def _not_plain(path: Path, what: str) -> OutputError:
    return OutputError(
        f"lock file {path}: is {what}; expected a plain file that market-entry creates; "
        "nothing was written; remove it and run again"
    )


def _describe(fd: int) -> str:
    """Who holds the lock, from the lock file's own descriptor (never re-opened by name)."""
    try:
        h = json.loads(os.pread(fd, 4096, 0).decode("utf-8"))
        return f"pid {int(h['pid'])} on {str(h['host'])[:64]}, since {str(h['since'])[:32]}"
    except (OSError, ValueError, KeyError, TypeError):
        return "holder unknown"
