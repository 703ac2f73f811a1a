"""``market-entry batch``: several scenarios at once, then a report comparing them.

Each scenario runs as its own ``market-entry run`` process (up to ``jobs`` at a time),
into its own run folder, with its own lock, log and exit code: one failure does not
stop the others. A ``-p`` that changes a scenario's value makes its run a variant,
which leaves the scenario's ``latest`` alone (``--latest`` promotes it; see
:mod:`models.runner.run`). Every scenario file is validated before anything runs, so a typo
refuses the batch at once with one line. When at least two runs succeeded, the
comparison notebook (``notebooks/compare.ipynb``) is executed on their run folders
into ``reports/_compare/<batch id>/compare.html`` (offline, like every report).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models._paths import PROJECT_ROOT
from models.economics.modes import MODES
from models.exceptions import OutputError, ParameterError, ReportError
from models.inputs.scenario import load
from models.runner.files import check_writable, reports_folder, write_atomic
from models.runner.index import update_index
from models.runner.logs import one_line

log = logging.getLogger(__name__)

#: The folder of comparison reports, beside the scenarios' folders.
COMPARE_DIR = "_compare"
COMPARE_NOTEBOOK = "compare"


@dataclass
class ScenarioRun:
    """One scenario of a batch: what ran and how it ended."""

    scenario: Path
    code: int | None = None
    seconds: float = 0.0
    result: dict[str, Any] | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.code == 0

    def summary(self) -> str:
        """One line: the outcome, the answer or the error, the time and the report."""
        name = self.scenario.stem
        if not self.ok:
            return f"FAILED {name} (exit {self.code}, {self.seconds:.0f} s): {self.error}"
        h = (self.result or {}).get("headline", {})
        rec = h.get("recommended", "?")
        sure = h.get("probability_best")
        how = f" ({sure:.0%} of {h.get('n_paths', 0):,} futures)" if sure is not None else ""
        rec = MODES.label(rec)
        official = (self.result or {}).get("official") is not False
        variant = "" if official else ", a variant (latest left alone),"
        report = self.result["reports"][0]
        return f"ok {name}: {rec}{how}{variant} in {self.seconds:.0f} s, {report}"


def _command(scenario: Path, reports: Path, args: list[str]) -> list[str]:
    exe = Path(sys.executable).parent / "market-entry"
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "models.runner.cli"]
    run = ["run", str(scenario), "--reports", str(reports), "--json", "--no-progress"]
    return [*base, *run, *args]


def _run_one(job: ScenarioRun, reports: Path, args: list[str]) -> ScenarioRun:
    t0 = time.perf_counter()
    proc = subprocess.run(
        _command(job.scenario, reports, args), capture_output=True, text=True, cwd=PROJECT_ROOT
    )
    job.seconds = time.perf_counter() - t0
    job.code = proc.returncode
    if proc.returncode == 0:
        try:
            job.result = json.loads(proc.stdout)
        except ValueError:
            job.code, job.error = 1, "the run printed no JSON result"
    else:
        errors = [ln for ln in proc.stderr.splitlines() if "error" in ln.lower()]
        job.error = one_line((errors or proc.stderr.splitlines() or ["no message"])[-1])[:300]
    log.info("%s", job.summary())
    return job


def run_batch(
    scenarios: list[str | Path],
    *,
    reports_dir: str | Path = "reports",
    jobs: int | None = None,
    run_args: list[str] | None = None,
    compare: bool = True,
) -> tuple[list[ScenarioRun], Path | None, float]:
    """Run ``scenarios`` in parallel processes, then the comparison report.

    Parameters
    ----------
    scenarios : list of paths
        Scenario files; each must validate (with the ``-p`` overrides in
        ``run_args``) before anything runs.
    reports_dir : path
        Root of the reports tree.
    jobs : int, optional
        Runs at a time; default: the number of cores, at most the number of scenarios.
    run_args : list of str
        Further ``market-entry run`` arguments for every scenario (``-p``, ``--timeout``...).
    compare : bool
        Whether to write the comparison report.

    Returns
    -------
    (runs, compare_html, seconds)
        Each scenario's outcome, the comparison report (None if not written) and the
        batch's wall time.
    """
    # resolved once, against the folder the batch was started in: each run (started in
    # the project's folder) reads the file validated here and writes where --reports says
    paths = [Path(s).absolute() for s in scenarios]
    if not paths:
        raise ParameterError("batch: expected at least one scenario file")
    stems = [p.stem for p in paths]
    dupes = sorted({s for s in stems if stems.count(s) > 1})
    if dupes:
        raise ParameterError(
            f"batch: scenario {dupes[0]!r} is named twice; each scenario runs into its own "
            "folder, named after its file"
        )
    for p in paths:
        load(p)  # a bad file refuses the batch before anything runs
    reports = reports_folder(reports_dir).absolute()
    check_writable(reports)
    n_jobs = jobs or min(len(paths), os.cpu_count() or 1)
    if n_jobs < 1:
        raise ParameterError(f"--jobs={jobs}: expected a whole number >= 1")
    started = time.perf_counter()
    jobs_list = [ScenarioRun(p) for p in paths]
    with ThreadPoolExecutor(max_workers=n_jobs) as pool:
        list(pool.map(lambda j: _run_one(j, reports, list(run_args or [])), jobs_list))
    html = None
    ok = [j for j in jobs_list if j.ok]
    if compare and len(ok) >= 2:
        html = compare_report([Path(j.result["run_dir"]) for j in ok], reports)
        update_index(reports)  # it lists the comparisons
    return jobs_list, html, time.perf_counter() - started


def _new_folder(parent: Path) -> tuple[str, Path]:
    """A new folder of ``parent`` named for the UTC time (``-2``, ``-3``... after a
    batch that finished in the same second), created here and by nobody else."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        name = stamp if n == 1 else f"{stamp}-{n}"
        try:
            (parent / name).mkdir()
            return name, parent / name
        except FileExistsError:
            continue
    raise OutputError(f"comparison folder {parent / stamp}: 999 already exist this second")


def compare_report(run_dirs: list[Path], reports: Path) -> Path:
    """Execute the comparison notebook on ``run_dirs`` into a new folder of
    ``reports/_compare`` and return its HTML report.

    Raises
    ------
    ReportError
        If the notebook fails (its folder is kept, with the notebook and a manifest).
    """
    from models.runner.aux_report import execute

    stamp, folder = _new_folder(reports / COMPARE_DIR)
    manifest = {
        "batch_id": stamp,
        "runs": [str(d) for d in run_dirs],
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "status": "running",
    }
    write_atomic(folder / "manifest.json", json.dumps(manifest, indent=2))
    try:
        html = execute(COMPARE_NOTEBOOK, {"runs": [str(d.resolve()) for d in run_dirs]}, folder)
        manifest["status"] = "succeeded"
    except Exception as exc:
        manifest.update(status="failed", error=one_line(f"{type(exc).__name__}: {exc}")[:500])
        raise ReportError(f"comparison report: {manifest['error']}; see {folder}") from None
    finally:
        manifest["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        write_atomic(folder / "manifest.json", json.dumps(manifest, indent=2))
    return html
