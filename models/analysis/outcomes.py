"""Each simulated future's outcomes, saved for anyone who wants to reanalyse a run.

``outcomes.parquet`` in a run folder holds one row per path and mode: the NPV under the
decision rule in force and under each rule (committed, adaptive, foresight), peak
funding, the month of a forced exit and of leaving by choice, subscribers at the end,
and the path's drawn inputs (one column per sampled input, repeated on the path's
rows). Read it with ``pandas.read_parquet``; US$ m, months from the start, millions.

The file is written a block of :data:`BLOCK` paths at a time (one row group each), so
that its rows, which repeat each path's inputs on the path's five rows, are never all
in memory: built whole, they and their Arrow copy took about 5.5 kB a path, most of a
report's peak above 100,000 paths (6.75 GB at 1,000,000; 2.90 GB written in blocks;
issue 25).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pandas as pd

from models._files import replaced
from models.exceptions import OutputError

log = logging.getLogger(__name__)

FILE = "outcomes.parquet"

#: Paths whose rows are built and written at a time (one row group of the file): about
#: 110 MB of rows and as much of their Arrow copy with the base scenario's 60 inputs.
BLOCK = 20_000


def outcomes(decision) -> pd.DataFrame:
    """The per-path, per-mode outcomes of a decision's Monte Carlo run (long format)."""
    return _rows(decision, _inputs(decision), None)


def _inputs(decision) -> pd.DataFrame:
    """The drawn inputs and event flags of each path, indexed by ``path``."""
    inputs = decision.mc.inputs.reset_index(drop=True)
    inputs.index.name = "path"
    return inputs


def _rows(decision, inputs: pd.DataFrame, paths: slice | None) -> pd.DataFrame:
    """:func:`outcomes` of the ``paths`` (a slice of positions; None: all)."""
    frame = decision.mc.to_df(paths)
    if len(inputs.columns):
        block = inputs if paths is None else inputs.iloc[paths]
        frame = frame.merge(block, left_on="path", right_index=True, how="left")
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
            _write(decision, tmp)
    except (OSError, ImportError, ValueError) as exc:  # ValueError: a block Arrow refused
        raise OutputError(f"outcomes {path}: cannot be written ({exc})") from None
    log.info("per-path outcomes saved to %s", path)
    return path


def _write(decision, path: Path) -> None:
    """Write :func:`outcomes` to ``path`` a block of :data:`BLOCK` paths at a time: the
    file ``pandas.read_parquet`` reads back as :func:`outcomes`, its ``attrs`` too
    (stored as pandas' ``to_parquet`` stores them)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    inputs = _inputs(decision)
    n = decision.mc.n_paths
    writer = None
    try:
        for a in range(0, max(n, 1), BLOCK):
            frame = _rows(decision, inputs, slice(a, min(a + BLOCK, n)))
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if writer is None:
                attrs = {"PANDAS_ATTRS": json.dumps(frame.attrs)}
                schema = table.schema.with_metadata({**table.schema.metadata, **attrs})
                writer = pq.ParquetWriter(path, schema)
            writer.write_table(table)
            del frame, table
    finally:
        if writer is not None:
            writer.close()
    pa.default_memory_pool().release_unused()
