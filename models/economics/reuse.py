"""A mode's per-path result reused where nothing it read has changed.

The points of a sweep (:mod:`models.analysis.sweep`) and of the what-if's design
(:mod:`models.analysis.whatif_design`) evaluate every entry mode again on the same
futures (common random numbers: the same seed, paths and uniforms) with a few inputs
changed. A mode that reads none of the changed inputs gives the same result, bit for bit:
a sweep of a partner's terms and the foreign share of the market leaves licensing and
staying out as they were, and a grid leaves each own service as it was along the axis of
the partner's terms.

What a mode read is recorded as it runs (:mod:`models.economics.reads`): each field of
the groups it was handed, each exposure parameter, and the fields read by the shared
functions whose results it was served (:meth:`models.economics.terms.Terms.shared`). A
result is reused when the run's shape (:func:`shape`) is the same and every parameter
it read has the same value, bit for bit, drawn per path and in the scenario (the plan of
the ``fixed`` rule reads the scenario's own values). The evaluation being a pure function
of those, with the same branches taken on the same values, it would read the same fields
and compute the same numbers.

The same holds for a part of a mode that is dear and reads few inputs: an own service's
event-free base (the market, its prices and its content plan, about half of its cost at
a sweep point) and its events, which a sweep of the partner's terms or of the foreign
share leaves as they were (:func:`part`). Those are served as they were kept, their
arrays read-only.

Entries are kept per mode or part and per chunk of paths (:attr:`PathValues.origin`), at
most :data:`ENTRIES` of each and, in all, what fits a budget of bytes, the least
recently used dropped first.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.economics import reads
from models.economics.terms import PathValues, Terms

logger = logging.getLogger(__name__)

#: Entries kept per mode and chunk (a sweep's licence needs one; a grid's own service,
#: one per value along the other axes that its chunk of points visits).
ENTRIES = 8

#: Largest run whose results are kept (a Monte Carlo chunk is 1,024 paths).
MAX_PATHS = 10_000


@dataclass(frozen=True)
class _Entry:
    label: Hashable  # (mode or part, the values' futures)
    key: Hashable  # compared with ==
    args: tuple  # fingerprints (_fingerprint)
    read: tuple[str, ...]  # the parameters read, by name
    fingerprints: list[tuple]  # theirs, on the paths and in the scenario, in that order
    result: Any
    size: int  # bytes


def _fingerprint(x: Any) -> tuple:
    """What makes two values the same bit for bit: an array's shape, type and bytes; a
    number's or text's type and ``repr`` (which tells -0.0 from 0.0 and keeps NaN)."""
    if isinstance(x, np.ndarray):
        return ("array", x.shape, x.dtype.str, x.tobytes())
    return (type(x), repr(x))


def _bytes(fingerprint: tuple) -> int:
    return len(fingerprint[3]) if fingerprint[0] == "array" else 0


class Same:
    """``obj`` in a key, equal only to itself (a mode's ``settings`` are not compared by
    its ``==``); the key keeps it alive, so its identity is never another's."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.obj is self.obj

    def __hash__(self) -> int:
        return id(self.obj)


def futures(uniforms: Any) -> Hashable | None:
    """What identifies the uniforms ``uniforms``: their seed, stream, first path, paths and
    months; None for none; a fresh object (equal to nothing) for uniforms made by hand or
    subset, which have no origin."""
    if uniforms is None:
        return None
    origin = getattr(uniforms, "origin", None)
    if origin is None:
        return object()
    return (origin, uniforms.paths, uniforms.months)


def shape(values: PathValues, uniforms: Any) -> Hashable | None:
    """What a result depends on besides the parameters it reads: the run's shape
    (months, paths, reviews, decision rule, whether the go decision is on the clock)
    and the futures (:func:`futures`; None for a part that draws none). None where the
    uniforms were made by hand (no origin): such a result is not kept."""
    if uniforms is not None and getattr(uniforms, "origin", None) is None:
        return None
    return (
        futures(uniforms),
        values.paths,
        values.months,
        values.review_months,
        values.decision_rule,
        values.go,
    )


def _frozen(x: Any) -> Any:
    """``x`` with its arrays made read-only, in dataclasses and tuples too (a part
    served to later points must not be written into)."""
    if isinstance(x, np.ndarray):
        x.flags.writeable = False
    elif dataclasses.is_dataclass(x) and not isinstance(x, type):
        for f in dataclasses.fields(x):
            _frozen(getattr(x, f.name))
    elif isinstance(x, tuple | list):
        for item in x:
            _frozen(item)
    elif isinstance(x, dict):
        for item in x.values():
            _frozen(item)
    return x


def _footprint(x: Any, seen: set[int]) -> int:
    """Bytes of the arrays in ``x`` (in dataclasses, tuples and lists too), each buffer
    once: a view counts the array it views, a broadcast view no more than its source."""
    if isinstance(x, np.ndarray):
        root = x
        while isinstance(root.base, np.ndarray):
            root = root.base
        if id(root) in seen:
            return 0
        seen.add(id(root))
        return root.nbytes if root.base is None else 0
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return sum(_footprint(getattr(x, f.name), seen) for f in dataclasses.fields(x))
    if isinstance(x, tuple | list):
        return sum(_footprint(item, seen) for item in x)
    if isinstance(x, dict):
        return sum(_footprint(item, seen) for item in x.values())
    return 0


class Results:
    """Results reused while nothing they read changes (see the module docstring), kept
    per label (a mode, or a mode's part) and per futures (a Monte Carlo chunk's
    uniforms), the least recently used dropped first. Thread-safe: entries are looked
    up and kept under a lock, and evaluated outside it.

    Parameters
    ----------
    entries : int
        Entries kept per label and futures.
    budget : int
        Bytes kept in all (results, and the values read and arguments they are keyed on).
    max_paths : int
        Largest run whose results are kept.
    copy : bool
        Whether a result is an array handed out as a fresh copy each time (a mode's
        per-path NPVs); otherwise it is kept and served as it is, its arrays read-only.
    """

    def __init__(
        self,
        entries: int = ENTRIES,
        budget: int = 64 * 2**20,
        max_paths: int = MAX_PATHS,
        copy: bool = True,
    ):
        self.entries = entries
        self.budget = budget
        self.max_paths = max_paths
        self.copy = copy
        self.hits = 0
        self.misses = 0
        self.bytes = 0
        self._kept: OrderedDict[int, _Entry] = OrderedDict()  # least recently used first
        self._serial = itertools.count()
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget every entry and the counts."""
        with self._lock:
            self._kept.clear()
            self.hits = self.misses = self.bytes = 0

    def __len__(self) -> int:
        return len(self._kept)

    def _drop(self, serial: int) -> None:
        self.bytes -= self._kept.pop(serial).size

    def evaluate(
        self,
        label: Hashable,
        values: PathValues,
        uniforms: Any,
        fn: Callable[[], Any],
        key: Hashable = None,
        args: tuple = (),
    ) -> Any:
        """``fn()``, whose result depends on the parameters it reads from ``values``
        (which must record what is read: ``PathValues(..., recording=True)``), on the run's
        :func:`shape` and ``uniforms``, on ``key`` (compared with ``==``) and on
        ``args`` (compared bit for bit); served from a kept entry of ``label`` where all
        of these are the same. The parameters read are noted to an enclosing recording
        either way.
        """
        run = shape(values, uniforms)
        if run is None or values.paths > self.max_paths or not values.recording:
            return fn()
        # a chunk's entries do not push out another chunk's
        label = (label, values.origin)
        full = (run, key)
        scenario = values.scenario()
        now = values.fingerprints  # each parameter's, taken once for these values

        def current(name: str) -> tuple:
            fp = now.get(name)
            if fp is None:
                fp = now[name] = (
                    _fingerprint(values.get(name)),
                    _fingerprint(scenario.get(name)),
                )
            return fp

        def currents(names: tuple[str, ...]) -> list[tuple]:
            # a point compares some 2,000 parameters: looked up in C where all are taken
            try:
                return list(map(now.__getitem__, names))
            except KeyError:
                return list(map(current, names))

        given = tuple(map(_fingerprint, args))
        with self._lock:
            kept = [(n, e) for n, e in reversed(self._kept.items()) if e.label == label]
        for serial, entry in kept:
            if (
                entry.key == full
                and entry.args == given
                and currents(entry.read) == entry.fingerprints
            ):
                with self._lock:
                    self.hits += 1
                    if serial in self._kept:
                        self._kept.move_to_end(serial)
                reads.note(entry.read)
                logger.debug("reuse: %s served (%d parameters read)", label, len(entry.read))
                return entry.result.copy() if self.copy else entry.result
        with reads.recording() as noted:
            result = fn()
        reads.note(noted)
        read = tuple(sorted(noted))
        fingerprints = currents(read)
        kept_result = np.array(result, copy=True) if self.copy else _frozen(result)
        size = (
            sum(map(_bytes, given))
            + sum(_bytes(a) + _bytes(b) for a, b in fingerprints)
            + _footprint(kept_result, set())
        )
        entry = _Entry(label, full, given, read, fingerprints, kept_result, size)
        with self._lock:
            self.misses += 1
            serial = next(self._serial)
            self._kept[serial] = entry
            self.bytes += entry.size
            same = [n for n, e in self._kept.items() if e.label == label]
            for n in same[: max(0, len(same) - self.entries)]:
                self._drop(n)
            while self.bytes > self.budget and self._kept:
                self._drop(next(iter(self._kept)))
        return result


#: Each mode's per-path NPVs kept in this process (a sweep's worker, the what-if's
#: kernel): about 0.3 MB an entry at 1,000 paths, with the values it read.
NPV = Results()

#: Parts of modes kept in this process (:func:`part`): an own service's base at 1,000
#: paths is 14-17 MB, its events 8-11 MB each (drawn, and in expectation), so that the
#: budget holds two own services' parts for three chunks of 1,024 paths.
PARTS = Results(entries=4, budget=256 * 2**20, copy=False)


def forget() -> None:
    """Forget what :data:`NPV` and :data:`PARTS` keep (a full Monte Carlo run does, before
    its paths' peak)."""
    NPV.clear()
    PARTS.clear()


def part(terms: Terms, name: str, fn: Callable[..., Any], *args: Any, uniforms: Any = None) -> Any:
    """``fn(terms, *args)``, a part of a mode that depends on its ``terms`` and on
    ``args`` (numbers, arrays, and ``uniforms`` where given) only, served from
    :data:`PARTS` where it read the same values of the same run before.

    Only terms whose values are their source's, or derived from them as the terms
    record, are served (:attr:`models.economics.terms.Terms.source`): terms read straight
    from recording values, or started later with their hazards scaled (a staged entry's
    service: the horizon is in the key, and the factor compared with the arguments).
    Terms with a group replaced, or subset to some paths, or with per-path state
    attached, are evaluated afresh. The months over which the market was computed
    (:attr:`models.economics.terms.Terms.market_months`) are not in the key: they change
    no number a part holds (:meth:`models.economics.terms.Terms.first_months`), and a
    staged entry's service keeps its parts where only the last switch date moved.
    """
    call = args if uniforms is None else (*args, uniforms)
    values = terms.source
    if values is None or terms.extra:
        return fn(terms, *call)
    derived = terms.derivation
    return PARTS.evaluate(
        # a staged entry's services, one per switch date, do not push out the service's
        (terms.mode, name, terms.horizon.start_month),
        values,
        uniforms,
        lambda: fn(terms, *call),
        # the object whose method it is (a mode's settings), the run's horizon and how
        # the terms were derived from their source
        key=(
            Same(getattr(fn, "__self__", fn)),
            dataclasses.replace(terms.horizon, market_months=0),
            tuple(k for k, _ in derived),
        ),
        args=(*args, *(v for _, v in derived)),
    )
