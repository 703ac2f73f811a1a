"""Writing a file whole or not at all: the one atomic write of the project.

Reports, manifests, sweep chunks and tables, per-path outcomes and PDFs are written
through a temporary file beside the target, renamed over it once complete: a reader
never sees half a file, and an interrupted write (disk full, Ctrl-C) leaves the old file
and no temporary one.

The temporary file has an unpredictable name and is created here, exclusively and
never through a link, before the caller writes to it: a link planted where it would be
(in a shared reports folder) cannot make the write land, or truncate, anywhere else.
The target itself is replaced by a rename, which replaces a link there rather than
writing through it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def new_temporary(path: Path) -> Path:
    """A new, empty file beside ``path`` that nobody else named (mode 0666 less the
    umask, as an ordinary file's), for a write that ends in a rename or a link."""
    while True:
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(6)}")
        try:
            os.close(os.open(tmp, _CREATE, 0o666))
            return tmp
        except FileExistsError:  # astronomically unlikely: draw another name
            continue


@contextlib.contextmanager
def replaced(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; write the file there, and it replaces
    ``path`` when the block ends without an error (removed otherwise)::

        with replaced(folder / "table.parquet") as tmp:
            frame.to_parquet(tmp)
    """
    path = Path(path)
    tmp = new_temporary(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:  # disk full, interrupted: no partial file left behind
        tmp.unlink(missing_ok=True)
        raise
