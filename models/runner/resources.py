"""Will a run fit in this machine's memory? Checked before anything is executed.

A run whose estimated peak (:data:`models.inputs.memory.REPORT`, whose module states
the measurements behind it) exceeds the memory available now (``MemAvailable`` in
``/proc/meminfo``) is refused with the largest size that fits. Elsewhere than Linux the
check is skipped.
"""

from __future__ import annotations

from pathlib import Path

from models.exceptions import ParameterError
from models.inputs.memory import REPORT

_MEMINFO = Path("/proc/meminfo")


def memory_needed(n_paths: int) -> float:
    """Estimated peak memory of a report with ``n_paths`` paths (bytes)."""
    return REPORT.need(n_paths)


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
        fits = REPORT.most_paths(available) // 1000 * 1000
        expected = (
            f"expected at most about {fits:,} paths on this machine"
            if fits > 0
            else f"expected a machine with at least {REPORT.need(1000) / 1e9:,.1f} GB free, "
            "whatever the paths"
        )
        raise ParameterError(
            f"parameter n_paths={n_paths:,}: a report this size needs about "
            f"{need / 1e9:,.1f} GB of memory and {available / 1e9:,.1f} GB is available; "
            f"{expected}"
        )
