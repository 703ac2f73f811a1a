"""Will a run fit in this machine's memory? Checked before anything is executed.

The main report's peak memory grows with ``n_paths``: 0.9 GB at 100,000 paths
(``benchmarks/bench_reviews.py``) and 3.8 GB at 2,000,000 (issue 11's measurement, 346
s), so about 1.6 kB a path over a base near 0.8 GB. :func:`memory_needed` rounds both
up (2 kB a path over 1 GB), and a run that needs more than the memory available now
(``MemAvailable`` in ``/proc/meminfo``) is refused with the largest size that fits.
Elsewhere than Linux the check is skipped.
"""

from __future__ import annotations

from pathlib import Path

from models.exceptions import ParameterError

#: Peak memory of a report besides its paths, and per path (bytes; see the docstring).
BASE_BYTES = 1.0e9
PER_PATH_BYTES = 2.0e3

_MEMINFO = Path("/proc/meminfo")


def memory_needed(n_paths: int) -> float:
    """Estimated peak memory of a report with ``n_paths`` paths (bytes)."""
    return BASE_BYTES + PER_PATH_BYTES * n_paths


def memory_available() -> float | None:
    """Memory available to a new process now (bytes), or None where unknown."""
    try:
        for line in _MEMINFO.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return float(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_memory(n_paths: int, available: float | None = None) -> None:
    """Refuse a run that would not fit in memory (before anything is written).

    Raises
    ------
    ParameterError
        Naming ``n_paths``, the memory it needs, what is available and the largest
        ``n_paths`` that fits.
    """
    available = memory_available() if available is None else available
    if available is None:
        return
    need = memory_needed(n_paths)
    if need > available:
        fits = max(0, int((available - BASE_BYTES) / PER_PATH_BYTES) // 1000 * 1000)
        raise ParameterError(
            f"parameter n_paths={n_paths:,}: a report this size needs about "
            f"{need / 1e9:,.1f} GB of memory and {available / 1e9:,.1f} GB is available; "
            f"expected at most about {fits:,} paths on this machine"
        )
