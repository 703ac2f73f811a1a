"""Time limits of a report run: the whole run's deadline (SIGALRM, ``--timeout``), the
cell that was running when it struck, and where a notebook failed, for the manifest
(:mod:`models.runner.run`). The limit on one cell is nbclient's own
(``--cell-timeout``).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator
from typing import Any

log = logging.getLogger(__name__)

#: The shortest ``--timeout`` and ``--cell-timeout`` (seconds), on ``run``, ``batch``
#: and :func:`models.runner.run.run_report` alike: a kernel takes longer than this to
#: start, so a shorter limit could only strike while the run is being set up.
MIN_LIMIT_S = 1


class Deadline(KeyboardInterrupt):
    """Raised in the main thread when ``--timeout`` runs out. A KeyboardInterrupt,
    because that is what asyncio (running nbclient) and Papermill let through at once,
    as they do for a SIGTERM; any other exception raised by a signal handler inside the
    event loop is held by a task until the cell ends. Always caught before
    KeyboardInterrupt."""


class RunInterrupted(KeyboardInterrupt):
    """A run stopped by Ctrl-C or SIGTERM, after its folder was kept and marked
    *interrupted*; its message names the folder (the command line prints it in one
    line and exits 130)."""


class Limits:
    """The whole run's deadline (SIGALRM), and which cell is running, for the manifest.

    The limit on one cell is nbclient's own (``execution_timeout``). SIGALRM exists only
    in the main thread of a POSIX process; elsewhere ``--timeout`` is logged as not
    enforced.
    """

    def __init__(self, run_s: float | None, cell_s: float | None) -> None:
        self.run_s, self.cell_s = run_s, cell_s
        self.usable = run_s is not None and (
            hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        )
        if run_s is not None and not self.usable:
            log.warning("--timeout is enforced only in the main thread of a POSIX process")
        self.cell: dict[str, Any] | None = None

    def _expire(self, signum: int, frame: Any) -> None:
        raise Deadline()

    def cell_started(self, cell: Any = None, cell_index: int | None = None, **_: Any) -> None:
        """nbclient's ``on_cell_execute`` hook: remember the cell, should it time out."""
        src = str(getattr(cell, "source", "") or "")
        self.cell = {
            "index": cell_index,
            "execution_count": None,
            "source": "\n".join(src.splitlines()[:3])[:300],
        }

    @contextlib.contextmanager
    def active(self) -> Iterator[Limits]:
        if not self.usable:
            yield self
            return
        previous = signal.signal(signal.SIGALRM, self._expire)
        signal.setitimer(signal.ITIMER_REAL, float(self.run_s))  # type: ignore[arg-type]
        try:
            yield self
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def failed_cell(exc: Any) -> dict[str, Any]:
    """Where a notebook failed: the cell's index, execution count and first lines."""
    source = str(getattr(exc, "source", "") or "")
    return {
        "index": getattr(exc, "cell_index", None),
        "execution_count": getattr(exc, "exec_count", None),
        "source": "\n".join(source.splitlines()[:3])[:300],
    }
