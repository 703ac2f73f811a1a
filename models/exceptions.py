"""The one error hierarchy of market-entry.

Every error a user can cause (a bad parameter, a bad scenario file, a report that
cannot be written) is a :class:`MarketEntryError`. The command line turns these into
one line on stderr and the error's ``exit_code`` (2 for bad input; 1 a failed report,
124 a run that timed out, 75 a scenario locked by another run); inside a notebook they
print as one line instead of a traceback (IPython honours ``_render_traceback_``).
"""

from __future__ import annotations

import logging
import warnings


class MarketEntryError(Exception):
    """Base class of every error that market-entry raises on purpose."""

    #: exit code the command line uses for this error
    exit_code = 2

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: a user error is one readable line.
        return [f"{type(self).__name__}: {self}"]


class ParameterError(MarketEntryError, ValueError):
    """A parameter is unknown, of the wrong type, or outside its valid range."""


class ScenarioFileError(MarketEntryError, ValueError):
    """A scenario file is missing, unreadable, not YAML, or not a mapping of parameters."""


class DataFileError(MarketEntryError, ValueError):
    """A raw data file is missing, empty, or has a wrong column, type or unit."""


class NotebookError(MarketEntryError, ValueError):
    """A notebook named on the command line does not exist or cannot be read."""


class OutputError(MarketEntryError, OSError):
    """An output location (reports folder, HTML file) cannot be written."""


class SetupError(MarketEntryError, RuntimeError):
    """The environment lacks something the run needs (e.g. the project's Jupyter kernel)."""


class ReportError(MarketEntryError, RuntimeError):
    """A report could not be produced (the notebook failed or the run was interrupted)."""

    exit_code = 1


class RunTimeoutError(ReportError):
    """A run took longer than ``--timeout`` (the whole run) or ``--cell-timeout`` (one
    cell); its folder is kept and marked timed out, as a failed run's is."""

    exit_code = 124  # as coreutils' timeout(1)


class RunLockedError(MarketEntryError, RuntimeError):
    """Another run of the same scenario holds its folder's lock (and ``--wait`` ran out):
    nothing was written; try again later."""

    exit_code = 75  # EX_TEMPFAIL (sysexits.h): a temporary failure, retry


class ModelError(MarketEntryError, RuntimeError):
    """The model was asked for something it cannot compute (a bug or an impossible state)."""

    exit_code = 1


class ModelWarning(UserWarning):
    """A caveat about a fit or a result (a fit that did not converge, an undefined
    score): worth knowing, not an error. Filter it like any warning, e.g.
    ``warnings.filterwarnings("ignore", category=ModelWarning)``; the reports state the
    caveats in their own words and filter it."""


def warn_model(message: str, *args: object) -> None:
    """Issue a caveat as a :class:`ModelWarning` (``message % args``), also logged at
    DEBUG level under ``models``; the warning points at the caller's caller, the code
    that asked for the fit."""
    text = message % args if args else message
    logging.getLogger("models").debug("%s", text)
    warnings.warn(text, ModelWarning, stacklevel=3)
