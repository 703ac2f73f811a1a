"""``market-entry sweep SWEEP.yaml``: many parameter points, each with its own Monte Carlo
run, in chunks, on this machine or a Dask cluster; resumable.

A sweep writes ``reports/_sweeps/<name>/<run id>/``:

- ``chunks/chunk-NNNNN.parquet``, one per chunk of points as it finishes (atomically);
- ``sweep.parquet``, the tidy table (one row per point and mode:
  :data:`models.analysis.sweep.COLUMNS` and the varied inputs), once every chunk is in;
- ``manifest.json``: the sweep file as read, points, paths, seed, status, timings, the
  data's and packages' fingerprints, like every run, and a record of each chunk written
  (first point, points, rows, sha256): a resume trusts only the chunks recorded and
  unchanged, and the table is built only from those.

The points are distributed with Dask (``distributed``): a ``LocalCluster`` of
``workers`` processes by default, or the cluster at ``scheduler``; ``workers=0`` runs
them in this process. Each point's numbers are a pure function of the point (named
random streams of the seed; under the adaptive rule, the review rules fitted once at the
base), so the table is
the same whatever the workers or the chunking. An interrupted sweep keeps its chunks;
``resume=RUN_DIR`` computes only the missing ones (and any emptied, truncated, swapped
or unrecorded one, with a warning). ``workers`` is bounded (:func:`check_workers`) and a
``scheduler`` address checked (:func:`check_address`) before the sweep file is read.
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
from models.analysis.sweep import evaluate_chunk, freeze_heap, warm_up
from models.economics.modes import MODES
from models.exceptions import OutputError, ParameterError, ReportError, SetupError
from models.format import show
from models.inputs.scenario import slug
from models.inputs.sweep_spec import Sweep, load_sweep
from models.runner.files import check_writable, reports_folder, write_atomic
from models.runner.index import update_index
from models.runner.resources import check_training_memory
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


#: Seconds between two saves of the manifest's chunk records while a sweep runs.
SAVE_EVERY_S = 1.0

#: Seconds to wait for the scheduler named by ``--scheduler`` to answer.
CONNECT_TIMEOUT_S = 10.0


def _quiet_dask() -> None:
    """Dask's own INFO records (scheduler, nannies, connections: 20 lines a sweep) only
    when the log is at DEBUG; distributed sets its level when imported, so after."""
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        logging.getLogger("distributed").setLevel(logging.WARNING)


#: The schemes ``--scheduler`` accepts (a Dask scheduler over TCP, with or without TLS).
SCHEMES = ("tcp", "tls")
_EXPECTED_ADDRESS = "expected the address of a running scheduler, such as tcp://HOST:8786"


def check_address(scheduler: str) -> tuple[str, int]:
    """The host and port of ``--scheduler``, or a one-line SetupError (an empty address
    is refused, never taken for "run locally").

    Raises
    ------
    SetupError
        Naming the address and what was expected.
    """
    from urllib.parse import urlsplit

    def bad(reason: str) -> SetupError:
        return SetupError(f"--scheduler {show(scheduler)}: {reason}; {_EXPECTED_ADDRESS}")

    if not isinstance(scheduler, str) or not scheduler.strip():
        raise bad("no address given")
    try:
        parts = urlsplit(scheduler.strip())
        host, port = parts.hostname, parts.port
    except ValueError as exc:  # a port out of range, an unclosed [
        raise bad(f"not an address ({exc})") from None
    if parts.scheme not in SCHEMES:
        raise bad(f"scheme {show(parts.scheme)} is not one of {', '.join(SCHEMES)}")
    if not host or port is None or parts.path not in ("", "/"):
        raise bad("expected SCHEME://HOST:PORT")
    return host, port


def _reachable(scheduler: str, host: str, port: int, timeout: float) -> None:
    """Refuse at once a port where nothing listens (Dask's own connect retries it for the
    whole timeout)."""
    import socket

    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise SetupError(
            f"--scheduler {show(scheduler)}: no Dask scheduler reached within {timeout:g} s "
            f"({reason}); {_EXPECTED_ADDRESS}"
        ) from None


def _probe(scheduler: str, timeout: float) -> None:
    """Refuse, within ``timeout`` seconds, an address where no Dask scheduler answers (a
    closed port, a host that does not answer, a service that is not Dask): before the
    Client, whose failure takes twice its timeout and prints a traceback when collected."""
    import asyncio
    import threading

    from distributed.comm import connect

    answer: dict[str, Any] = {}

    async def identity() -> Any:
        comm = await connect(scheduler, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            await comm.close()

    def ask() -> None:
        try:
            answer["reply"] = asyncio.run(asyncio.wait_for(identity(), timeout))
        except BaseException as exc:  # any failure: no scheduler there
            answer["error"] = exc

    thread = threading.Thread(target=ask, daemon=True)  # also from a notebook's event loop
    thread.start()
    thread.join(timeout + 1)
    reply = answer.get("reply")
    if isinstance(reply, dict) and reply.get("type") == "Scheduler":
        return
    # the port was open (_reachable): what listens there is not a Dask scheduler
    exc = answer.get("error")
    detail = f"{type(exc).__name__}" if exc is not None else "no answer"
    reason = f"the port is open but no Dask scheduler answers there: {detail}"
    raise SetupError(
        f"--scheduler {show(scheduler)}: no Dask scheduler reached within {timeout:g} s "
        f"({reason}); {_EXPECTED_ADDRESS}"
    )


def _connect(scheduler: str):
    """A client of the running scheduler at ``scheduler``, or a one-line SetupError
    (checked before anything is written)."""
    from dask.distributed import Client

    _quiet_dask()
    host, port = check_address(scheduler)
    _reachable(scheduler, host, port, CONNECT_TIMEOUT_S)
    _probe(scheduler, CONNECT_TIMEOUT_S)
    try:
        # not the default client: a sweep run from a notebook leaves the user's own alone
        return Client(scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except Exception as exc:  # distributed raises OSError, ValueError, even AssertionError
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise SetupError(
            f"--scheduler {show(scheduler)}: no Dask scheduler reached within "
            f"{CONNECT_TIMEOUT_S:g} s ({reason}); {_EXPECTED_ADDRESS}"
        ) from None


def max_workers() -> int:
    """The most local workers a sweep starts: four per core (more only queue)."""
    return 4 * (os.cpu_count() or 1)


def check_workers(workers: Any, scheduler: str | None = None) -> None:
    """Refuse a worker count outside ``0..max_workers()``, or workers with a scheduler,
    in one line before anything is started (``--workers 1000000`` would start a million
    processes).

    Raises
    ------
    ParameterError
        Naming the value and the accepted range.
    """
    if workers is None:
        return
    most = max_workers()
    if isinstance(workers, bool) or not isinstance(workers, int) or not 0 <= workers <= most:
        raise ParameterError(
            f"--workers {show(workers)}: expected a whole number of workers from 0 (in this "
            f"process) to {most} (four per core of this machine)"
        )
    if scheduler is not None:
        raise ParameterError(
            f"--workers {workers} with --scheduler {show(scheduler)}: the scheduler's cluster "
            "has its own workers; expected one of the two options"
        )


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
        Before anything runs (a bad sweep file, review rules whose fit would not fit in
        memory, a resume folder of another sweep).
    ReportError
        If a chunk fails; the chunks done are kept for ``resume``.
    """
    t0 = time.perf_counter()
    check_workers(workers, scheduler)
    if scheduler is not None:
        check_address(scheduler)  # before the sweep file's validation, which takes a while
    sweep = load_sweep(sweep_file, overrides)
    if sweep.needs_rules:  # fitted here, in the main process, before any point runs
        check_training_memory(int(sweep.base.decision_training_paths))
    spec_digest = _digest(sweep)
    if resume is not None:
        run_dir, manifest = _resumed(Path(resume), spec_digest)
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
    remote = _connect(scheduler) if scheduler is not None else None  # before any write
    try:
        if resume is None:
            run_dir = _new_folder(run_dir)
        return _run(sweep, run_dir, manifest, workers, remote, progress, report, t0)
    finally:
        if remote is not None:
            remote.close()


def _resumed(run_dir: Path, spec_digest: str) -> tuple[Path, dict[str, Any]]:
    """The folder and manifest of a sweep to resume, or a one-line OutputError: no
    readable manifest, a manifest that is not a sweep's, another sweep file, a ``chunks``
    that is a link (chunks are written only into the folder itself)."""
    try:
        manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0][:200]
        raise OutputError(f"sweep folder {run_dir}: no readable manifest.json ({reason})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("spec_digest"), str):
        raise OutputError(
            f"sweep folder {run_dir}: manifest.json is not a sweep's; expected the folder "
            "of a sweep, e.g. reports/_sweeps/NAME/RUN"
        )
    if manifest["spec_digest"] != spec_digest:
        raise OutputError(
            f"sweep folder {run_dir}: was run from another sweep file or other overrides; "
            "resume it with the same ones"
        )
    chunks = run_dir / "chunks"
    if chunks.is_symlink() or (chunks.exists() and not chunks.is_dir()):
        raise OutputError(
            f"sweep folder {run_dir}: chunks is a link or not a folder; expected the folder "
            "the sweep wrote its chunks into"
        )
    return run_dir, manifest


def _new_folder(run_dir: Path) -> Path:
    """Make a new run's folder: ``run_dir``, or ``run_dir-2``, ``-3``... when a sweep of
    the same file started in the same second (never another run's folder). ``_sweeps``
    and the sweep's folder are made here: links there (planted, not made by a sweep)
    are refused rather than followed."""
    for folder in (run_dir.parent.parent, run_dir.parent):
        if folder.is_symlink():
            raise OutputError(
                f"sweep folder {folder}: is a link; expected a folder (a sweep writes only "
                "inside its reports folder)"
            )
    run_dir.parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, 100):
        candidate = run_dir if n == 1 else run_dir.with_name(f"{run_dir.name}-{n}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise OutputError(
        f"sweep folder {run_dir}: 99 sweeps of this file started in the same second; "
        "expected fewer at once"
    )


def _sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _record(run_dir: Path, k: int, indices: list[int], frame: pd.DataFrame) -> dict[str, Any]:
    """What the manifest keeps of chunk ``k`` once written: its points, rows and hash."""
    return {
        "first": indices[0],
        "points": len(indices),
        "rows": len(frame),
        "sha256": _sha256(_chunk_path(run_dir, k)),
    }


def _chunk_problem(run_dir: Path, k: int, indices: list[int], record: Any) -> str | None:
    """Why chunk ``k`` cannot be trusted (None if it can): missing, not recorded in the
    manifest, changed since written (its hash), or not the points it should hold."""
    path = _chunk_path(run_dir, k)
    if path.is_symlink() or not path.is_file():
        return "missing"
    if not isinstance(record, dict):
        return "not recorded in manifest.json"
    want = {"first": indices[0], "points": len(indices)}
    if any(record.get(key) != value for key, value in want.items()):
        return "recorded for other points"
    try:
        if _sha256(path) != record.get("sha256"):
            return "changed since it was written (its sha256 differs from manifest.json's)"
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    return None


def _table(run_dir: Path, chunks: list[list[int]], records: dict) -> pd.DataFrame:
    """The sweep's table from its chunks, each verified first (hash, then points and rows)."""
    parts = []
    for k, indices in enumerate(chunks):
        record = records.get(str(k))
        problem = _chunk_problem(run_dir, k, indices, record)
        frame = None if problem else pd.read_parquet(_chunk_path(run_dir, k))
        if frame is not None and (
            len(frame) != record.get("rows") or sorted(set(frame["point"].tolist())) != indices
        ):
            problem = "holds other points than its own"
        if problem:
            raise ReportError(
                f"sweep chunk {_chunk_path(run_dir, k)}: {problem}; resume the sweep with "
                f"--resume {run_dir} to compute it again"
            )
        parts.append(frame)
    return pd.concat(parts, ignore_index=True).sort_values(
        ["point", "mode"], kind="stable", ignore_index=True
    )


def _save(run_dir: Path, manifest: dict[str, Any]) -> None:
    write_atomic(run_dir / "manifest.json", json.dumps(manifest, indent=2, default=str))


def _reports_root(run_dir: Path) -> Path | None:
    """The reports folder of a sweep folder ``REPORTS/_sweeps/NAME/RUN``, or None for a
    folder elsewhere (one copied out of its tree: its index is not this sweep's to write)."""
    real = run_dir.resolve()
    if len(real.parents) > 2 and real.parents[1].name == SWEEPS_DIR:
        return real.parents[2]
    return None


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
    cluster, or a LocalCluster made and closed here), then the table and the report.

    A chunk is trusted only as ``manifest.json`` records it (its first point, points,
    rows and sha256, added as each chunk is written): a chunk emptied, truncated or
    swapped by hand, or one written just before a kill -9, is computed again.
    """
    chunks = _chunks(sweep)
    records = manifest.get("chunks")
    records = records if isinstance(records, dict) else {}
    todo = []
    for k, indices in enumerate(chunks):
        problem = _chunk_problem(run_dir, k, indices, records.get(str(k)))
        if problem:
            if problem != "missing":
                log.warning(
                    "sweep chunk %s: %s; computing it again", _chunk_path(run_dir, k), problem
                )
            records.pop(str(k), None)
            todo.append(k)
    manifest.update(status="running", pid=os.getpid(), chunks=records)
    try:
        (run_dir / "chunks").mkdir(exist_ok=True)
        _save(run_dir, manifest)
    except OSError as exc:
        raise OutputError(
            f"sweep folder {run_dir}: cannot be written ({exc.strerror or exc}); expected a "
            "writable folder with free space"
        ) from None
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

    saved = time.monotonic()

    def keep(k: int, frame: pd.DataFrame) -> None:
        nonlocal done, saved
        _write_parquet(frame, _chunk_path(run_dir, k))
        records[str(k)] = _record(run_dir, k, chunks[k], frame)
        if time.monotonic() - saved >= SAVE_EVERY_S:  # what a resume trusts; a chunk
            _save(run_dir, manifest)  # written since the last save is computed again
            saved = time.monotonic()
        done += 1
        _tick(progress, done, len(chunks))

    status = "running"
    try:
        t = time.perf_counter()
        # under the fixed rule no point needs review rules (models.analysis.sweep)
        rules = montecarlo.fit_rules(sweep.base) if sweep.needs_rules else None
        timings["rules"] = time.perf_counter() - t
        if workers == 0 and remote is None:
            t = time.perf_counter()
            for k in todo:
                keep(k, evaluate_chunk(sweep, chunks[k], rules))
            timings["points"] = time.perf_counter() - t
        elif todo:
            from dask.distributed import as_completed

            t = time.perf_counter()
            client, cluster = (remote, None) if remote is not None else _client(workers, None)
            try:
                client.run(warm_up)  # imports and compiled kernels, before the points' clock
                if cluster is not None:  # our own worker processes, which end with the sweep
                    client.run(freeze_heap)
                timings["cluster"] = time.perf_counter() - t
                t = time.perf_counter()
                sweep_f = client.scatter(sweep, broadcast=True)
                rules_f = client.scatter(rules, broadcast=True)
                futures = {
                    client.submit(
                        evaluate_chunk,
                        sweep_f,
                        chunks[k],
                        rules_f,
                        key=f"chunk-{manifest['spec_digest']}-{k}",
                    ): k
                    for k in todo
                }
                for future in as_completed(futures, loop=client.loop):
                    keep(futures[future], future.result())
                timings["points"] = time.perf_counter() - t
            finally:
                if cluster is not None:  # a running cluster's client is closed by the caller
                    client.close()
                    cluster.close()
        t = time.perf_counter()
        _write_parquet(_table(run_dir, chunks, records), run_dir / TABLE)
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
    except ReportError as exc:  # a chunk that is not what was written: named in one line
        status = "failed"
        manifest["error"] = str(exc)[:500]
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
        _save_last(run_dir, manifest)
    root = _reports_root(run_dir)
    if report and root is not None:
        update_index(root)  # the reports tree: it links the sweep's report
    elif report:
        log.warning(
            "sweep folder %s is not in a reports folder's %s/: no index updated",
            run_dir,
            SWEEPS_DIR,
        )
    seconds = time.perf_counter() - t0
    log.info(
        "sweep %s: %d points in %.1f s: %s", sweep.name, len(sweep.points), seconds, run_dir / TABLE
    )
    return SweepOutcome(run_dir, run_dir / TABLE, len(sweep.points), len(todo), seconds, timings)


def _save_last(run_dir: Path, manifest: dict[str, Any]) -> None:
    """The manifest's final write: a failure (disk full) is logged, not raised, so that
    the error that ended the sweep is the one reported (the manifest then says running,
    with this process's pid, which readers take for a dead run)."""
    try:
        _save(run_dir, manifest)
    except OSError as exc:
        log.warning(
            "sweep folder %s: manifest.json not updated to %s (%s)",
            run_dir,
            manifest.get("status"),
            exc.strerror or exc,
        )


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
