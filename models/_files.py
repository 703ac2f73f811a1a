"""Writing a file whole or not at all: the one atomic write of the project.

Reports, manifests, sweep chunks and tables, per-path outcomes and PDFs are written
through a temporary file beside the target, renamed over it once complete: a reader
never sees half a file, and an interrupted write (disk full, Ctrl-C) leaves the old file
and no temporary one.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replaced(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; write the file there, and it replaces
    ``path`` when the block ends without an error (removed otherwise)::

        with replaced(folder / "table.parquet") as tmp:
            frame.to_parquet(tmp)
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:  # disk full, interrupted: no partial file left behind
        tmp.unlink(missing_ok=True)
        raise
