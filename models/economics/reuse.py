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

Entries are kept per mode, the most recent first (:data:`ENTRIES`), and only for runs of
up to :data:`MAX_PATHS` paths, so that a large run keeps no copies.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.economics import reads
from models.economics.terms import PathValues

logger = logging.getLogger(__name__)

#: Entries kept per mode (a sweep's licence needs one; a grid's own service, one per
#: value along the other axes that its chunk of points visits).
ENTRIES = 8

#: Largest run whose results and read values are kept: 56 drawn columns of 10,000 paths
#: are 4.5 MB an entry.
MAX_PATHS = 10_000


@dataclass(frozen=True)
class _Entry:
    shape: Hashable
    read: tuple[tuple[str, Any, Any], ...]  # (name, value on the paths, scenario value)
    result: np.ndarray


def _identical(a: Any, b: Any) -> bool:
    """Whether two parameter values are the same bit for bit (arrays: shape, type and
    bytes; numbers and text: type and ``repr``, which tells -0.0 from 0.0 and keeps NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.shape == b.shape
            and a.dtype == b.dtype
            and a.tobytes() == b.tobytes()
        )
    return type(a) is type(b) and repr(a) == repr(b)


def _kept(x: Any) -> Any:
    return np.array(x, copy=True) if isinstance(x, np.ndarray) else x


def shape(values: PathValues, uniforms: Any) -> Hashable | None:
    """What a mode's result depends on besides the parameters it reads: the run's shape
    (months, paths, reviews, decision rule, whether the go decision is on the clock)
    and the futures (the uniforms' seed, stream and first path). None where the
    uniforms were made by hand (no origin): such a result is not kept."""
    origin = getattr(uniforms, "origin", None)
    if origin is None:
        return None
    return (
        origin,
        uniforms.paths,
        uniforms.months,
        values.paths,
        values.months,
        values.review_months,
        values.decision_rule,
        values.go,
    )


class Results:
    """Per-path results of each mode, reused while nothing the mode read changes (see the
    module docstring). Thread-safe: entries are looked up and kept under a lock, and
    evaluated outside it."""

    def __init__(self, entries: int = ENTRIES, max_paths: int = MAX_PATHS) -> None:
        self.entries = entries
        self.max_paths = max_paths
        self.hits = 0
        self.misses = 0
        self._kept: dict[str, list[_Entry]] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget every entry and the counts."""
        with self._lock:
            self._kept.clear()
            self.hits = self.misses = 0

    def evaluate(
        self,
        mode: str,
        values: PathValues,
        uniforms: Any,
        fn: Callable[[], np.ndarray],
    ) -> np.ndarray:
        """``fn()``, the per-path result of ``mode`` on ``values`` (which must record
        what is read: ``PathValues(..., recording=True)``) and ``uniforms``; served from
        a kept entry where ``mode`` read the same values in a run of the same shape.

        Returns a fresh array either way (a caller may write to it).
        """
        key = shape(values, uniforms)
        if key is None or values.paths > self.max_paths or not values.recording:
            return fn()
        scenario = values.scenario()
        with self._lock:
            kept = list(self._kept.get(mode, ()))
        for entry in kept:
            if entry.shape == key and all(
                _identical(values.get(name), drawn) and _identical(scenario.get(name), own)
                for name, drawn, own in entry.read
            ):
                with self._lock:
                    self.hits += 1
                logger.debug("reuse: %s served (%d parameters read)", mode, len(entry.read))
                return entry.result.copy()
        with reads.recording() as noted:
            result = fn()
        entry = _Entry(
            key,
            tuple(
                (name, _kept(values.get(name)), _kept(scenario.get(name))) for name in sorted(noted)
            ),
            np.array(result, copy=True),
        )
        with self._lock:
            self.misses += 1
            self._kept[mode] = [entry, *self._kept.get(mode, [])][: self.entries]
        return result


#: The results kept in this process (a sweep's worker, the what-if's kernel).
NPV = Results()
