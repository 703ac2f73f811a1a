"""Will a run fit in this machine's memory? Checked before anything is executed.

A run whose estimated peak (:data:`models.inputs.memory.REPORT`, whose module states
the measurements behind it) exceeds the memory available now (``MemAvailable`` in
``/proc/meminfo``) is refused with the largest size that fits; so is a fit of the
review rules (:data:`models.inputs.memory.RULES`) that would not fit, in a report and in
a sweep's main process. The fit comes before the paths and frees its problems, so each
estimate is checked on its own, not their sum. Elsewhere than Linux the check is
skipped.
"""

from __future__ import annotations

from pathlib import Path

from models.exceptions import ParameterError
from models.inputs.memory import REPORT, RULES

_MEMINFO = Path("/proc/meminfo")


def memory_available() -> float | None:
    """Memory available to a new process now (bytes), or None where unknown."""
    try:
        for line in _MEMINFO.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return float(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_training_memory(training_paths: int, available: float | None = None) -> None:
    """Refuse a fit of the review rules on ``training_paths`` paths that would not fit
    in memory (:data:`models.inputs.memory.RULES`): a report's and a sweep's, whose main
    process fits the rules before any point runs.

    Raises
    ------
    ParameterError
        Naming ``decision_training_paths``, the memory the fit needs, what is available
        and the most training paths that fit.
    """
    available = memory_available() if available is None else available
    if available is None or RULES.need(training_paths) <= available:
        return
    fits = RULES.most_paths(available) // 1000 * 1000
    raise ParameterError(
        f"parameter decision_training_paths={training_paths:,}: fitting the review "
        f"rules on this many paths needs about {RULES.need(training_paths) / 1e9:,.1f} GB "
        f"of memory and {available / 1e9:,.1f} GB is available; expected at most about "
        f"{fits:,} training paths on this machine"
    )


def check_memory(n_paths: int, available: float | None = None, training_paths: int = 0) -> None:
    """Refuse a run that would not fit in memory (before anything is written).

    Raises
    ------
    ParameterError
        Naming ``n_paths`` (or ``decision_training_paths``, where fitting the review
        rules is what does not fit: :func:`check_training_memory`), the memory it
        needs, what is available and the largest value that fits.
    """
    available = memory_available() if available is None else available
    if available is None:
        return
    if training_paths:
        check_training_memory(training_paths, available)
    need = REPORT.need(n_paths)
    if need <= available:
        return
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
