"""Which parameters an evaluation read, noted field by field.

A sweep's points, and the what-if's positions, evaluate the same entry modes again with
a few inputs changed; a mode none of whose inputs changed would give the same result
(:mod:`models.economics.reuse`). What a mode reads is known only by running it: it
declares whole groups (:attr:`models.economics.modes.base.EntryMode.groups`), but
licensing declares the market and reads no more of it than the online-video users and
payers, not the share of them open to a foreign service, and an ad tier's fields are
read only with the ad tier on.

So the groups of a recording :class:`models.economics.terms.PathValues` note each of
their fields as it is read (:func:`models.economics.terms.recording_class`), into the
set of the innermost :func:`recording` of this thread or task (a context variable: the
Monte Carlo run's threads do not see each other's). Outside a recording, and for groups
of a plain :class:`~models.economics.terms.PathValues`, nothing is noted and reading a
field costs what it always did.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_CURRENT: ContextVar[set[str] | None] = ContextVar("market_entry_reads", default=None)


@contextmanager
def recording() -> Iterator[set[str]]:
    """Note the parameters read inside the ``with`` block into the set it yields (flat
    parameter names); an outer recording is not told (see :func:`note`)."""
    reads: set[str] = set()
    token = _CURRENT.set(reads)
    try:
        yield reads
    finally:
        _CURRENT.reset(token)


def note(names: Iterable[str]) -> None:
    """Note ``names`` as read by the innermost recording, if any."""
    current = _CURRENT.get()
    if current is not None:
        current.update(names)


def note_one(name: str) -> None:
    """Note ``name`` as read by the innermost recording, if any."""
    current = _CURRENT.get()
    if current is not None:
        current.add(name)


def active() -> bool:
    """Whether a recording is open in this thread or task."""
    return _CURRENT.get() is not None
