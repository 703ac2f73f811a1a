"""Run a notebook for a scenario into a report folder, safely.

``reports/<scenario>/<run-id>/`` receives the executed notebook, its HTML and a
``manifest.json`` (parameters and their hash, timings, versions, status). Everything is
validated before anything is written; a failed or interrupted run keeps its notebook
and HTML in a folder whose name ends in ``-failed`` and leaves ``latest`` alone; only a
successful *official* run moves ``reports/<scenario>/latest`` to itself, atomically. The
index ``reports/index.html`` is rebuilt after every run.

A run is official when its parameters are its scenario file's: a ``-p`` override that
changes a value makes it a *variant* (:func:`variant_overrides`), which is kept and
listed but leaves ``latest`` (the scenario's answer, and what "Since the last run"
compares with) alone. ``latest=True`` (``--latest``) makes a variant official all the
same; ``latest=False`` (``--variant``, ``market-entry reproduce``) keeps any run a
variant. The manifest records ``official``, ``variant_overrides`` (each override that
changed a value: the scenario's value and the run's) and ``latest_choice``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import platform
import secrets
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import nbformat

from models._fingerprint import data_hashes, file_hashes, packages
from models._paths import NOTEBOOKS, PROJECT_ROOT
from models._version import __version__
from models.exceptions import (
    MarketEntryError,
    NotebookError,
    OutputError,
    ParameterError,
    ReportError,
    RunTimeoutError,
)
from models.inputs.scenario import load, slug
from models.reporting.provenance import METADATA_KEY, git_commit
from models.runner.files import check_writable, reports_folder, write_atomic
from models.runner.html import notebook_to_html
from models.runner.index import update_index
from models.runner.kernel import KERNEL, check_kernel, kernel_manager_class
from models.runner.limits import MIN_LIMIT_S, Deadline, Limits, RunInterrupted, failed_cell
from models.runner.lock import holder, locked
from models.runner.logs import LEVELS, run_log
from models.runner.retention import prune
from models.runner.validation import DEFAULT_SCENARIO, notebook_parameters, run_parameters

log = logging.getLogger(__name__)


#: The file of per-path outcomes the main report writes into its run folder.
OUTCOMES = "outcomes.parquet"

#: Notebooks in notebooks/ that are not a scenario's reports: the comparison of a batch
#: and the report of a sweep.
NOT_SCENARIO_REPORTS = ("compare", "sweep")

_VERSIONED = (
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "plotly",
    "papermill",
    "nbconvert",
    "ipykernel",
    "pydantic",
)


@dataclass
class RunOutcome:
    """What a run produced: its folder, the HTML report of each notebook, its manifest."""

    run_dir: Path
    htmls: list[Path]
    status: str
    manifest: dict[str, Any] = field(repr=False)

    @property
    def html(self) -> Path | None:
        """The first notebook's report (the main one when a single notebook ran)."""
        return self.htmls[0] if self.htmls else None


def available_notebooks() -> list[str]:
    """Names of the report notebooks in ``notebooks/`` (without ``.ipynb``)."""
    return sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb") if p.stem not in NOT_SCENARIO_REPORTS)


def notebook_paths(names: str | list[str]) -> list[Path]:
    """Paths of the notebooks named (``"all"``: every notebook, main report first)."""
    if names == "all" or names == ["all"]:
        found = available_notebooks()
        main = [n for n in found if n == "entry_decision"]
        return [notebook_path(n) for n in main + [n for n in found if n not in main]]
    return [notebook_path(n) for n in ([names] if isinstance(names, str) else names)]


def notebook_path(name: str) -> Path:
    """Path of a report notebook by name; raises NotebookError naming the choices.

    Only the names of the project's notebooks are accepted, never a path: a run
    executes code, and only the notebooks in ``notebooks/`` are the project's.
    """
    stem = name[:-6] if name.endswith(".ipynb") else name
    path = NOTEBOOKS / f"{stem}.ipynb"
    if stem not in available_notebooks():
        raise NotebookError(
            f"notebook {name!r}: not found in {NOTEBOOKS}; expected one of "
            f"{', '.join(available_notebooks()) or '(none)'}"
        )
    return path


def _versions() -> dict[str, str]:
    out = {"market-entry": __version__, "python": platform.python_version()}
    for pkg in _VERSIONED:
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _new_run_dir(scenario_dir: Path, digest: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    base = f"{stamp}-{digest[:6]}"
    for i in range(100):
        candidate = scenario_dir / (base if i == 0 else f"{base}-{i}")
        try:
            candidate.mkdir(parents=True)
            return candidate
        except FileExistsError:
            continue
    raise ReportError(f"cannot create a new run folder under {scenario_dir}")


def _point_latest(scenario_dir: Path, run_dir: Path) -> None:
    """Swap ``latest`` to ``run_dir`` atomically (a new symlink renamed over the old)."""
    link = scenario_dir / "latest"
    tmp = scenario_dir / f".latest-{os.getpid()}-{secrets.token_hex(6)}"  # nobody's name
    try:
        os.symlink(run_dir.name, tmp)
        os.replace(tmp, link)
    except OSError as exc:  # the run is complete: say so, and leave latest as it was
        with contextlib.suppress(OSError):
            tmp.unlink()
        log.warning(
            "scenario folder %s: latest cannot point to %s (%s); latest is unchanged",
            scenario_dir,
            run_dir.name,
            exc,
        )


def _headline(nb: nbformat.NotebookNode) -> dict[str, Any]:
    """Collect the numbers the notebook attached to its outputs' metadata."""
    found: dict[str, Any] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {})
            for value in [meta, *meta.values()]:
                if isinstance(value, dict) and METADATA_KEY in value:
                    found.update(value[METADATA_KEY])
    return found


def _execute(
    pm,
    nb_path: Path,
    run_dir: Path,
    params,
    kernel_name: str,
    progress: bool | None,
    title: str,
    limits: Limits | None = None,
) -> dict[str, Any]:
    """Execute one notebook into ``run_dir`` and render its HTML; never raises for a
    notebook error (an interruption or the run's deadline passes through after the
    HTML is written)."""
    from nbclient.exceptions import CellTimeoutError

    limits = limits or Limits(None, None)
    out_nb = run_dir / f"{nb_path.stem}.ipynb"
    out_html = run_dir / f"{nb_path.stem}.html"
    result: dict[str, Any] = {"notebook": nb_path.name, "status": "succeeded", "error": None}
    t0 = time.perf_counter()
    interrupted: BaseException | None = None
    try:
        pm.execute_notebook(
            str(nb_path),
            str(out_nb),
            parameters=notebook_parameters(params, run_dir),
            kernel_name=kernel_name,
            progress_bar=sys.stderr.isatty() if progress is None else progress,
            cwd=str(PROJECT_ROOT),
            log_output=True,
            kernel_manager_class=kernel_manager_class(run_dir / "run.log"),
            execution_timeout=None if limits.cell_s is None else int(limits.cell_s),
            on_cell_execute=limits.cell_started,
        )
    except Deadline as exc:
        result.update(status="timed out", error="the run took longer than --timeout")
        interrupted = exc
    except CellTimeoutError:
        result.update(
            status="timed out",
            error=f"a cell ran longer than --cell-timeout {limits.cell_s:g} s",
            failed_cell=limits.cell,
        )
    except KeyboardInterrupt as exc:
        result.update(status="interrupted", error="the run was interrupted")
        interrupted = exc
    except pm.PapermillExecutionError as exc:
        result.update(
            status="failed", error=f"{exc.ename}: {exc.evalue}", failed_cell=failed_cell(exc)
        )
    except Exception as exc:  # kernel died, ...: keep what exists, then report
        result.update(status="failed", error=f"{type(exc).__name__}: {exc}")
    t1 = time.perf_counter()
    if out_nb.is_file():
        try:
            nb = nbformat.read(out_nb, as_version=4)
            result["headline"] = _headline(nb)
            if (run_dir / OUTCOMES).is_file():
                result["outcomes"] = OUTCOMES
            write_atomic(out_html, notebook_to_html(nb, title=title))
            result.update(html=out_html.name, html_bytes=out_html.stat().st_size)
        except (KeyboardInterrupt, Deadline) as exc:  # the folder must still be marked
            if isinstance(exc, Deadline):
                result.update(status="timed out", error="the run took longer than --timeout")
            else:
                result.update(status="interrupted", error="the run was interrupted")
            interrupted = exc
        except Exception as exc:  # an HTML failure must not hide the run's own status
            log.error("could not render %s: %s", out_nb, exc)
            if result["status"] == "succeeded":
                result.update(status="failed", error=f"HTML export failed: {exc}")
    result["timings_s"] = {"execute": round(t1 - t0, 3), "html": round(time.perf_counter() - t1, 3)}
    if interrupted is not None:
        result["_interrupted"] = interrupted
    return result


def _check_outputs(reports_dir: Path, scenario_dir: Path) -> None:
    """What can be checked before executing: ``latest`` is market-entry's link (or
    absent), and the index can be rewritten."""
    latest = scenario_dir / "latest"
    if (latest.exists() or latest.is_symlink()) and not latest.is_symlink():
        raise OutputError(
            f"{latest}: is not the link market-entry keeps to the newest run (a real "
            f"{'folder' if latest.is_dir() else 'file'}); move it away and run again"
        )
    index = reports_dir / "index.html"
    if index.is_symlink() or (index.exists() and not index.is_file()):
        raise OutputError(f"{index}: exists and is not a file; move it away and run again")
    if index.exists() and not os.access(index, os.W_OK):
        raise OutputError(f"{index}: cannot be rewritten (no write permission)")


def _check_limits(timeout: float | None, cell_timeout: float | None, keep: int | None) -> None:
    """The command line's rules for the limits (``market-entry run``'s options), for
    callers of :func:`run_report`: ``timeout`` a number of seconds, ``cell_timeout``
    whole seconds (nbclient's unit), both from :data:`MIN_LIMIT_S` to 10^9."""
    for name, value, whole in (
        ("--timeout", timeout, False),
        ("--cell-timeout", cell_timeout, True),
    ):
        if value is None:
            continue
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not (number and MIN_LIMIT_S <= value < 1e9) or (whole and value != int(value)):
            what = "a whole number of seconds" if whole else "a number of seconds"
            raise ParameterError(f"{name}={value!r}: expected {what} >= {MIN_LIMIT_S}")
    if keep is not None and not (isinstance(keep, int) and keep >= 1):
        raise ParameterError(f"--keep={keep!r}: expected a whole number of runs >= 1")


def _as_given(p) -> dict[str, Any]:
    """Each parameter's value as a scenario gives it: a number, a ``[low, mode, high]``
    range (PERT) or a distribution's mapping for a sampled input, so that a variant's
    record says "fixed at 3.4 %" against "0.0 % to 6.0 % (most likely 3.4 %)"."""
    out = p.to_dict()
    for name, d in p.distributions.items():
        args = dict(d.params)
        if d.kind == "pert" and args.get("lambda", 4.0) == 4.0:
            out[name] = [args["low"], args["mode"], args["high"]]
        else:
            out[name] = {"dist": d.kind, **args}
    return out


def variant_overrides(
    scenario: Path, overrides: dict[str, Any] | None, params
) -> dict[str, dict[str, Any]]:
    """The ``-p`` overrides that make a run a variant of its scenario file.

    An override that sets a value equal to the file's own (or, where the file does not
    set it, to the default) changes nothing and is left out.

    Parameters
    ----------
    scenario : Path
        The scenario file.
    overrides : dict, optional
        The ``-p`` values.
    params : Parameters
        The run's parameters (the file with the overrides, validated).

    Returns
    -------
    dict
        Parameter name to ``{"scenario": file's value, "run": run's value}`` (the
        file's value None when the file alone does not validate); empty for an official
        run.
    """
    if not overrides:
        return {}
    try:
        own = load(scenario)
    except MarketEntryError:  # the file is valid only with the overrides: all change it
        own = None
    if own is not None and own.digest() == params.digest():
        return {}
    ran = _as_given(params)
    mine = _as_given(own) if own is not None else {}
    out = {
        name: {"scenario": mine.get(name), "run": ran.get(name)}
        for name in overrides
        if own is None or mine.get(name) != ran.get(name)
    }
    if not out:  # the same values as given, but an input pinned that the file samples
        out = {
            name: {"scenario": mine.get(name), "run": ran.get(name)}
            for name in overrides
            if name in params.pinned and name not in own.pinned
        }
    return out


def run_report(
    scenario: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    *,
    notebook: str | list[str] = "entry_decision",
    reports_dir: str | Path = "reports",
    progress: bool | None = None,
    kernel_name: str = KERNEL,
    timeout: float | None = None,
    cell_timeout: float | None = None,
    keep: int | None = None,
    wait: float = 0.0,
    log_level: str = "INFO",
    params=None,
    scenario_dir_name: str | None = None,
    latest: bool | None = None,
    reproduces: str | None = None,
) -> RunOutcome:
    """Execute notebooks for a scenario and write one report folder.

    Parameters
    ----------
    scenario : path, optional
        Scenario YAML file; defaults to ``data/scenarios/base.yaml``.
    overrides : dict, optional
        Parameter values that take precedence over the file (``-p NAME VALUE``).
    notebook : str or list of str
        Name(s) of notebooks in ``notebooks/``, or ``"all"``.
    reports_dir : path
        Root of the reports tree.
    progress : bool, optional
        Show Papermill's progress bar; by default only when stderr is a terminal.
    kernel_name : str
        Jupyter kernel to execute with (the project's own, registered by ``make``).
    timeout, cell_timeout : float, optional
        Limits in seconds on the whole run and on any one cell; a run that exceeds
        either is kept, marked ``timed out``, and raises :class:`RunTimeoutError`.
    keep : int, optional
        After a successful run, keep only the scenario's newest ``keep`` runs
        (:mod:`models.runner.retention`).
    wait : float
        Seconds to wait for another run of the same scenario to finish (0: refuse at
        once with :class:`RunLockedError`).
    log_level : str
        Level of the records copied to the run's ``run.log``.
    params : Parameters, optional
        Run these parameters instead of loading ``scenario`` (``market-entry
        reproduce``); ``scenario`` then only names the run.
    scenario_dir_name : str, optional
        The scenario folder (default: the scenario file's name).
    latest : bool, optional
        Whether a successful run becomes the scenario's ``latest``. None (the default):
        only an official run does, one whose parameters are the scenario file's
        (:func:`variant_overrides`); True (``--latest``): a variant does too, recorded
        as promoted; False (``--variant``): the run stays a variant whatever its
        parameters.
    reproduces : str, optional
        The run id this run reproduces (recorded in the manifest).

    Returns
    -------
    RunOutcome
        On success. A failed, timed-out or interrupted run raises :class:`ReportError`
        (or lets ``KeyboardInterrupt`` through) after its folder, manifest and index are
        written.

    Raises
    ------
    ParameterError, ScenarioFileError, NotebookError, OutputError, SetupError
        Before anything is written (including a run too large for the memory).
    RunLockedError
        If another run of the scenario holds its lock; nothing is written.
    """
    t0 = time.perf_counter()
    scenario_path = Path(scenario) if scenario is not None else DEFAULT_SCENARIO
    nb_paths = notebook_paths(notebook)
    reproducing = params is not None  # parameters given: no scenario file to vary from
    params = run_parameters(scenario_path, overrides, params=params)
    variant = {} if reproducing else variant_overrides(scenario_path, overrides, params)
    if reproducing and latest is None:  # parameters from code, not the file: a variant
        latest = False
    _check_limits(timeout, cell_timeout, keep)
    if log_level not in LEVELS:
        raise ParameterError(f"--log-level={log_level!r}: expected one of {', '.join(LEVELS)}")
    reports_dir = reports_folder(reports_dir)
    check_writable(reports_dir)
    scenario_dir = reports_dir / slug(scenario_dir_name or scenario_path.stem)
    _check_outputs(reports_dir, scenario_dir)
    check_kernel(kernel_name)
    t_validated = time.perf_counter()

    import papermill as pm  # heavy import, only once validation passed

    with locked(scenario_dir, wait, what=f"scenario {scenario_dir.name}"):
        return _run_locked(
            pm,
            params,
            scenario_path,
            nb_paths,
            reports_dir,
            scenario_dir,
            progress=progress,
            kernel_name=kernel_name,
            timeout=timeout,
            cell_timeout=cell_timeout,
            keep=keep,
            log_level=log_level,
            overrides=overrides,
            clock=(t0, t_validated),
            latest=latest,
            reproduces=reproduces,
            variant=variant,
        )


def _run_locked(
    pm,
    params,
    scenario_path: Path,
    nb_paths: list[Path],
    reports_dir: Path,
    scenario_dir: Path,
    *,
    progress: bool | None,
    kernel_name: str,
    timeout: float | None,
    cell_timeout: float | None,
    keep: int | None,
    log_level: str,
    overrides: dict[str, Any] | None,
    clock: tuple[float, float],
    latest: bool | None = None,
    reproduces: str | None = None,
    variant: dict[str, dict[str, Any]] | None = None,
) -> RunOutcome:
    t0, t_validated = clock
    variant = dict(variant or {})
    official = latest is True or (latest is None and not variant and reproduces is None)
    choice = None if reproduces is not None else {True: "--latest", False: "--variant"}.get(latest)
    run_dir = _new_run_dir(scenario_dir, params.digest())
    manifest: dict[str, Any] = {
        "run_id": run_dir.name,
        "scenario": scenario_dir.name,
        "scenario_file": str(scenario_path),
        "scenario_name": params.scenario_name,
        "notebooks": [p.name for p in nb_paths],
        "status": "running",
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        **{k: v for k, v in holder().items() if k != "since"},
        "parameters": params.to_dict(),
        "parameters_hash": params.digest(),
        "parameters_given": params.overrides(),
        "seed": params.seed,
        "reproduces": reproduces,
        "overrides": dict(overrides or {}),
        "official": official,
        "variant_overrides": variant,
        "latest_choice": choice,
        "limits": {"timeout_s": timeout, "cell_timeout_s": cell_timeout, "keep": keep},
        "versions": _versions(),
        "git_commit": git_commit(PROJECT_ROOT),
        "command": sys.argv,
        "inputs": {
            "scenario": file_hashes([scenario_path]),
            "notebooks": file_hashes(nb_paths),
            "data": data_hashes(),
        },
        "packages": packages(),
    }
    write_atomic(run_dir / "manifest.json", json.dumps(manifest, indent=2, default=str))
    log.info(
        "running %s for scenario %s into %s",
        ", ".join(p.name for p in nb_paths),
        scenario_dir.name,
        run_dir,
    )

    results, interrupted = [], None
    limits = Limits(timeout, cell_timeout)
    with run_log(run_dir / "run.log", log_level):
        try:  # outside limits.active(), so that a deadline is caught wherever it strikes
            with limits.active():
                for nb_path in nb_paths:
                    res = _execute(
                        pm,
                        nb_path,
                        run_dir,
                        params,
                        kernel_name,
                        progress,
                        title=f"{params.scenario_name} - {nb_path.stem} - market-entry",
                        limits=limits,
                    )
                    interrupted = res.pop("_interrupted", None)
                    results.append(res)
                    if interrupted is not None:
                        break
        except Deadline as exc:  # between two notebooks, or as the limit was set
            results.append(
                {
                    "notebook": "",
                    "status": "timed out",
                    "error": "the run took longer than --timeout",
                }
            )
            interrupted = exc
        except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM outside a notebook's execution
            results.append(
                {"notebook": "", "status": "interrupted", "error": "the run was interrupted"}
            )
            interrupted = exc
    statuses = {r["status"] for r in results}
    status = next((s for s in ("interrupted", "timed out", "failed") if s in statuses), "succeeded")
    errors = [f"{r['notebook'] or 'run'}: {r['error']}" for r in results if r["error"]]
    t_end = time.perf_counter()
    failed_cell = next((r["failed_cell"] for r in results if r.get("failed_cell")), None)
    manifest.update(
        status=status,
        error="; ".join(errors) or None,
        failed_cell=failed_cell,
        finished=datetime.now(UTC).isoformat(timespec="seconds"),
        results=results,
        headline=next((r["headline"] for r in results if r.get("headline")), {}),
        html=next((r["html"] for r in results if r.get("html")), None),
        html_bytes=next((r["html_bytes"] for r in results if r.get("html")), None),
        timings_s={
            "validate": round(t_validated - t0, 3),
            "notebooks": round(t_end - t_validated, 3),
            "total": round(t_end - t0, 3),
        },
    )
    written = True
    try:
        if status != "succeeded":
            failed_dir = run_dir.with_name(run_dir.name + "-failed")
            os.replace(run_dir, failed_dir)
            run_dir = failed_dir
            manifest["run_id"] = run_dir.name
        write_atomic(run_dir / "manifest.json", json.dumps(manifest, indent=2, default=str))
    except OSError as exc:  # e.g. the disk is full: the run cannot be recorded
        written = False
        log.error("cannot record the run in %s: %s", run_dir, exc.strerror or exc)
        if status == "succeeded":
            status = "failed"
            errors.append(f"the manifest cannot be written ({exc.strerror or exc})")
            try:
                failed_dir = run_dir.with_name(run_dir.name + "-failed")
                os.replace(run_dir, failed_dir)
                run_dir = failed_dir
            except OSError:
                pass
    if status == "succeeded" and written:
        if official:
            _point_latest(scenario_dir, run_dir)
        else:
            log.info(
                "%s is a variant (%s): latest left alone",
                run_dir.name,
                ", ".join(variant) or (f"reproduces {reproduces}" if reproduces else choice),
            )
        if keep:  # never latest's target (prune), whichever run that is
            prune(scenario_dir, keep)
    update_index(reports_dir)
    htmls = [run_dir / r["html"] for r in results if r.get("html")]

    if isinstance(interrupted, KeyboardInterrupt) and not isinstance(interrupted, Deadline):
        raise RunInterrupted(
            f"scenario {scenario_dir.name}: partial notebook kept in {run_dir} (latest unchanged)"
        ) from interrupted
    if status == "timed out":
        raise RunTimeoutError(
            f"scenario {scenario_dir.name}: {'; '.join(errors)}; see {run_dir} (latest unchanged)"
        )
    if status != "succeeded":
        where = htmls[-1] if htmls else run_dir
        raise ReportError(
            f"scenario {scenario_dir.name}: {'; '.join(errors)}; see {where} (latest unchanged)"
        )
    log.info("report written in %.1f s: %s", t_end - t0, ", ".join(map(str, htmls)))
    return RunOutcome(run_dir, htmls, status, manifest)
