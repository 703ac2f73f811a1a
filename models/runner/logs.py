"""How the runner logs: one line per record on the console, and a ``run.log`` in every
run folder with the runner's records and the notebooks' own output."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

#: Levels ``--log-level`` accepts.
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def one_line(text: object) -> str:
    """``text`` with line breaks and other control characters escaped (``\\n``), so
    that one message stays one line on a terminal and in a log: a scenario name or a
    path with a newline cannot forge a second line."""
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in str(text)
    )


class OneLineFormatter(logging.Formatter):
    """Each record on one line (:func:`one_line`)."""

    def format(self, record: logging.LogRecord) -> str:
        return one_line(super().format(record))


@contextlib.contextmanager
def run_log(path: Path, level: str = "INFO") -> Iterator[Path]:
    """Copy the runner's log records and the notebooks' output (Papermill's
    ``log_output``) to ``path`` for the ``with`` block.

    Papermill's records go to the file only (the console keeps its progress bar);
    records are time-stamped in UTC.
    """
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(level)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    fmt.converter = __import__("time").gmtime
    handler.setFormatter(fmt)
    root = logging.getLogger()
    papermill = logging.getLogger("papermill")
    saved = (papermill.level, papermill.propagate)
    root.addHandler(handler)
    papermill.addHandler(handler)
    papermill.setLevel(logging.INFO)
    papermill.propagate = False
    try:
        yield path
    finally:
        root.removeHandler(handler)
        papermill.removeHandler(handler)
        papermill.setLevel(saved[0])
        papermill.propagate = saved[1]
        handler.close()
