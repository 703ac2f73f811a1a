"""``market-entry sweep SWEEP.yaml``: many parameter points, each with its own Monte Carlo
run, in chunks, on this machine or a Dask cluster; resumable.

A sweep writes ``reports/_sweeps/<name>/<run id>/``:

- ``chunks/chunk-NNNNN.parquet``, one per chunk of points as it finishes (atomically);
- ``sweep.parquet``, the tidy table (one row per point and mode:
  :data:`models.analysis.sweep.COLUMNS` and the varied inputs), once every chunk is in;
- ``manifest.json``: the sweep file as read, points, paths, seed, status, timings, the
  data's and packages' fingerprints, like every run.

The points are distributed with Dask (``distributed``): a ``LocalCluster`` of
``workers`` processes by default, or the cluster at ``scheduler``; ``workers=0`` runs
them in this process. Each point's numbers are a pure function of the point (named
random streams of the seed; under the adaptive rule, the review rules fitted once at the
base), so the table is
the same whatever the workers or the chunking. An interrupted sweep keeps its chunks;
``resume=RUN_DIR`` computes only the missing ones.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from models._files import replaced
from models._fingerprint import data_hashes, file_hashes, packages
from models.analysis.sweep import evaluate_chunk, warm_up
from models.economics.modes import MODES
from models.exceptions import OutputError, ParameterError, ReportError, SetupError
from models.format import show
from models.inputs.scenario import slug
from models.inputs.sweep_spec import Sweep, load_sweep
from models.runner.files import check_writable, reports_folder, write_atomic
from models.runner.index import update_index
from models.uncertainty import montecarlo

log = logging.getLogger(__name__)

SWEEPS_DIR = "_sweeps"

#: The environment of local Dask workers, on top of Dask's own (which keeps numpy's BLAS
#: to one thread per worker: without it a worker's BLAS threads fought the other
#: worker for the cores, and two workers were only 1.13x faster than one). Dask's
#: default MALLOC_TRIM_THRESHOLD_ of 64 kB freezes glibc's mmap threshold, so that every
#: array of the engine (a megabyte each) is mapped and zeroed anew: a point took 0.54 s
#: on a worker against 0.20 s in a plain process (measured). Large thresholds give
#: 0.23 s. Start the workers of a real cluster with the same variables (README).
WORKER_ENV = {
    "MALLOC_TRIM_THRESHOLD_": str(2**30),
    "MALLOC_MMAP_THRESHOLD_": str(2**26),
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
}
TABLE = "sweep.parquet"


@dataclass
class SweepOutcome:
    """What a sweep produced."""

    run_dir: Path
    table: Path
    points: int
    chunks_computed: int
    seconds: float
    #: seconds per phase: setup, rules, cluster (start and warm-up), points, table, report
    timings: dict[str, float] = field(default_factory=dict)


def _chunks(sweep: Sweep) -> list[list[int]]:
    n = len(sweep.points)
    return [list(range(a, min(a + sweep.chunk, n))) for a in range(0, n, sweep.chunk)]


def _chunk_path(run_dir: Path, k: int) -> Path:
    return run_dir / "chunks" / f"chunk-{k:05d}.parquet"


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    with replaced(path) as tmp:
        frame.to_parquet(tmp, index=False)


#: Seconds to wait for the scheduler named by ``--scheduler`` to answer.
CONNECT_TIMEOUT_S = 10.0


def _quiet_dask() -> None:
    """Dask's own INFO records (scheduler, nannies, connections: 20 lines a sweep) only
    when the log is at DEBUG; distributed sets its level when imported, so after."""
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        logging.getLogger("distributed").setLevel(logging.WARNING)


def _connect(scheduler: str):
    """A client of the running scheduler at ``scheduler``, or a one-line SetupError
    (checked before anything is written)."""
    from dask.distributed import Client

    _quiet_dask()

    try:
        # not the default client: a sweep run from a notebook leaves the user's own alone
        return Client(scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except Exception as exc:  # distributed raises OSError, ValueError, even AssertionError
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise SetupError(
            f"--scheduler {show(scheduler)}: no Dask scheduler reached within "
            f"{CONNECT_TIMEOUT_S:g} s ({reason}); expected the address of a running "
            "scheduler, such as tcp://HOST:8786"
        ) from None


def _client(workers: int | None, scheduler: str | None):
    """A Dask client: the cluster at ``scheduler``, or a LocalCluster of ``workers``
    single-threaded processes (default: the cores)."""
    import dask
    from dask.distributed import Client, LocalCluster

    _quiet_dask()
    if scheduler:
        return _connect(scheduler), None
    n = workers or os.cpu_count() or 1
    environ = {**dask.config.get("distributed.nanny.pre-spawn-environ", {}), **WORKER_ENV}
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
        cluster = LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
        )
    return Client(cluster, set_as_default=False), cluster


def run_sweep(
    sweep_file: str | Path,
    *,
    reports_dir: str | Path = "reports",
    workers: int | None = None,
    scheduler: str | None = None,
    resume: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    progress=None,
    report: bool = True,
) -> SweepOutcome:
    """Run (or resume) a sweep; see the module docstring.

    Parameters
    ----------
    sweep_file : path
        The sweep file (:mod:`models.inputs.sweep_spec`).
    reports_dir : path
        Root of the reports tree.
    workers : int, optional
        Local Dask workers (processes); 0 runs in this process; default: the cores.
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``).
    resume : path, optional
        A sweep folder to complete (its sweep file must be the same).
    overrides : dict, optional
        Parameters set at every point (``-p``).
    progress : callable, optional
        Called as ``progress(done, total)`` after each chunk.
    report : bool
        Whether to write the sweep report (``notebooks/sweep.ipynb``) beside the table.

    Raises
    ------
    ScenarioFileError, ParameterError, OutputError
        Before anything runs (a bad sweep file, a resume folder of another sweep).
    ReportError
        If a chunk fails; the chunks done are kept for ``resume``.
    """
    t0 = time.perf_counter()
    if workers is not None and (isinstance(workers, bool) or not 0 <= workers == int(workers)):
        raise ParameterError(f"workers={show(workers)}: expected a whole number >= 0")
    sweep = load_sweep(sweep_file, overrides)
    spec_digest = _digest(sweep)
    if resume is not None:
        run_dir = Path(resume)
        try:
            manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise OutputError(
                f"sweep folder {run_dir}: no readable manifest.json ({exc})"
            ) from None
        if manifest.get("spec_digest") != spec_digest:
            raise OutputError(
                f"sweep folder {run_dir}: was run from another sweep file or other overrides; "
                "resume it with the same ones"
            )
    else:
        reports = reports_folder(reports_dir)
        check_writable(reports)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        run_dir = reports / SWEEPS_DIR / slug(sweep.name) / f"{stamp}-{spec_digest[:6]}"
        manifest = {
            "sweep": sweep.name,
            "sweep_file": str(sweep_file),
            "spec": sweep.spec,
            "spec_digest": spec_digest,
            "overrides": dict(overrides or {}),
            "design": sweep.design,
            "points": len(sweep.points),
            "paths_per_point": sweep.paths,
            "seed": int(sweep.base.seed),
            "parameters_given": sweep.base.overrides(),
            "inputs": {"scenario": file_hashes([sweep.base_file]), "data": data_hashes()},
            "packages": packages(),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    remote = _connect(scheduler) if scheduler else None  # before anything is written
    try:
        if resume is None:
            run_dir.mkdir(parents=True, exist_ok=False)
        return _run(sweep, run_dir, manifest, workers, remote, progress, report, t0)
    finally:
        if remote is not None:
            remote.close()


def _run(
    sweep: Sweep,
    run_dir: Path,
    manifest: dict[str, Any],
    workers: int | None,
    remote,
    progress,
    report: bool,
    t0: float,
) -> SweepOutcome:
    """Compute the missing chunks of ``run_dir`` (on ``remote``, a client of a running
    cluster, or a LocalCluster made and closed here), then the table and the report."""
    spec_digest = manifest["spec_digest"]
    (run_dir / "chunks").mkdir(exist_ok=True)
    manifest.update(status="running", pid=os.getpid())
    write_atomic(run_dir / "manifest.json", json.dumps(manifest, indent=2, default=str))

    chunks = _chunks(sweep)
    todo = [k for k in range(len(chunks)) if not _chunk_path(run_dir, k).is_file()]
    log.info(
        "sweep %s: %d points x %d paths, %d chunks (%d to compute) into %s",
        sweep.name,
        len(sweep.points),
        sweep.paths,
        len(chunks),
        len(todo),
        run_dir,
    )
    # seconds per phase, in the manifest (benchmarks/bench_sweep.py reads "points")
    timings = {"setup": time.perf_counter() - t0}
    done = len(chunks) - len(todo)
    if progress is not None:
        progress(done, len(chunks))  # a bar from the start (resumed chunks counted)
    status = "running"
    try:
        t = time.perf_counter()
        # under the fixed rule no point needs review rules (models.analysis.sweep)
        rules = montecarlo.fit_rules(sweep.base) if sweep.needs_rules else None
        timings["rules"] = time.perf_counter() - t
        if workers == 0 and remote is None:
            t = time.perf_counter()
            for k in todo:
                _write_parquet(evaluate_chunk(sweep, chunks[k], rules), _chunk_path(run_dir, k))
                done += 1
                _tick(progress, done, len(chunks))
            timings["points"] = time.perf_counter() - t
        elif todo:
            from dask.distributed import as_completed

            t = time.perf_counter()
            client, cluster = (remote, None) if remote is not None else _client(workers, None)
            try:
                client.run(warm_up)  # imports and compiled kernels, before the points' clock
                timings["cluster"] = time.perf_counter() - t
                t = time.perf_counter()
                sweep_f = client.scatter(sweep, broadcast=True)
                rules_f = client.scatter(rules, broadcast=True)
                futures = {
                    client.submit(
                        evaluate_chunk, sweep_f, chunks[k], rules_f, key=f"chunk-{spec_digest}-{k}"
                    ): k
                    for k in todo
                }
                for future in as_completed(futures, loop=client.loop):
                    k = futures[future]
                    _write_parquet(future.result(), _chunk_path(run_dir, k))
                    done += 1
                    _tick(progress, done, len(chunks))
                timings["points"] = time.perf_counter() - t
            finally:
                if cluster is not None:  # a running cluster's client is closed by the caller
                    client.close()
                    cluster.close()
        t = time.perf_counter()
        table = pd.concat(
            [pd.read_parquet(_chunk_path(run_dir, k)) for k in range(len(chunks))],
            ignore_index=True,
        ).sort_values(["point", "mode"], kind="stable", ignore_index=True)
        _write_parquet(table, run_dir / TABLE)
        timings["table"] = time.perf_counter() - t
        if report:
            t = time.perf_counter()
            from models.runner.aux_report import execute

            manifest["report"] = execute(
                "sweep", {"sweep_dir": str(run_dir.resolve())}, run_dir
            ).name
            timings["report"] = time.perf_counter() - t
        status = "succeeded"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    except Exception as exc:
        status = "failed"
        manifest["error"] = f"{type(exc).__name__}: {exc}"[:500]
        raise ReportError(
            f"sweep {sweep.name}: {manifest['error']}; {done} of {len(chunks)} chunks kept in "
            f"{run_dir}; resume with --resume {run_dir}"
        ) from None
    finally:
        manifest.update(
            status=status,
            finished=datetime.now(UTC).isoformat(timespec="seconds"),
            chunks_done=done,
            timings_s={
                **{k: round(v, 3) for k, v in timings.items()},
                "total": round(time.perf_counter() - t0, 3),
            },
        )
        write_atomic(run_dir / "manifest.json", json.dumps(manifest, indent=2, default=str))
    if report:
        update_index(run_dir.parents[2])  # the reports tree: it links the sweep's report
    seconds = time.perf_counter() - t0
    log.info(
        "sweep %s: %d points in %.1f s: %s", sweep.name, len(sweep.points), seconds, run_dir / TABLE
    )
    return SweepOutcome(run_dir, run_dir / TABLE, len(sweep.points), len(todo), seconds, timings)


def _tick(progress, done: int, total: int) -> None:
    # about ten lines in a log, whatever the number of chunks (each one at DEBUG)
    step = max(1, total // 10)
    level = logging.INFO if done == total or done % step == 0 else logging.DEBUG
    log.log(level, "sweep: %d of %d chunks", done, total)
    if progress is not None:
        progress(done, total)


def _digest(sweep: Sweep) -> str:
    """A hash of what determines the table: the points, paths, chunking, base and the
    registered entry modes (a resumed sweep never mixes chunks of other modes)."""
    import hashlib

    text = json.dumps(
        {
            "modes": list(MODES.names()),
            "points": sweep.points.to_dict(orient="list"),
            "paths": sweep.paths,
            "chunk": sweep.chunk,
            "design": sweep.design,
            "base": sweep.base.digest(),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]
