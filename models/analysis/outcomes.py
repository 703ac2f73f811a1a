"""Each simulated future's outcomes, saved for anyone who wants to reanalyse a run.

``outcomes.parquet`` in a run folder holds one row per path and mode: the NPV under the
decision rule in force and under each rule (committed, adaptive, foresight), peak
funding, the month of a forced exit and of leaving by choice, subscribers at the end,
and the path's drawn inputs (one column per sampled input, repeated on the path's
rows). Read it with ``pandas.read_parquet``; US$ m, months from the start, millions.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pandas as pd

from models._files import replaced
from models.exceptions import OutputError

log = logging.getLogger(__name__)

FILE = "outcomes.parquet"


def outcomes(decision) -> pd.DataFrame:
    """The per-path, per-mode outcomes of a decision's Monte Carlo run (long format)."""
    mc = decision.mc
    frame = mc.to_df()
    inputs = mc.inputs.reset_index(drop=True)
    if len(inputs.columns):
        inputs.index.name = "path"
        frame = frame.merge(inputs, left_on="path", right_index=True, how="left")
    frame.attrs = {
        "decision_rule": str(decision.params.decision_rule),
        "parameters_hash": decision.params.digest(),
        "units": "US$ m; months from the start; subscribers in millions",
    }
    return frame


def save_outcomes(decision, folder: str | os.PathLike) -> Path | None:
    """Write :func:`outcomes` to ``folder/outcomes.parquet`` (atomically); nothing if
    ``folder`` is empty (the notebook run by hand).

    Raises
    ------
    OutputError
        If the folder does not exist or the file cannot be written.
    """
    if not str(folder):
        return None
    folder = Path(folder)
    if not folder.is_dir():
        raise OutputError(f"outputs_dir {folder}: not a folder")
    path = folder / FILE
    try:
        with replaced(path) as tmp:
            outcomes(decision).to_parquet(tmp, index=False)
    except (OSError, ImportError) as exc:
        raise OutputError(f"outcomes {path}: cannot be written ({exc})") from None
    log.info("per-path outcomes saved to %s", path)
    return path
