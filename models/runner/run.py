"""Run a notebook for a scenario into a report folder, safely.

``reports/<scenario>/<run-id>/`` receives the executed notebook, its HTML and a
``manifest.json`` (parameters and their hash, timings, versions, status). Everything is
validated before anything is written; a failed or interrupted run keeps its notebook
and HTML in a folder whose name ends in ``-failed`` and leaves ``latest`` alone; only a
successful run moves ``reports/<scenario>/latest`` to itself, atomically. The index
``reports/index.html`` is rebuilt after every run.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import nbformat

from models._paths import NOTEBOOKS, PROJECT_ROOT, SCENARIOS
from models._version import __version__
from models.exceptions import NotebookError, ReportError, SetupError
from models.inputs.scenario import load, slug
from models.reporting.provenance import METADATA_KEY, git_commit
from models.runner.files import check_writable, write_atomic
from models.runner.html import notebook_to_html
from models.runner.index import write_index

log = logging.getLogger(__name__)


DEFAULT_SCENARIO = SCENARIOS / "base.yaml"
KERNEL = "market-entry"

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
    return sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))


def notebook_paths(names: str | list[str]) -> list[Path]:
    """Paths of the notebooks named (``"all"``: every notebook, main report first)."""
    if names == "all" or names == ["all"]:
        found = available_notebooks()
        main = [n for n in found if n == "entry_decision"]
        return [notebook_path(n) for n in main + [n for n in found if n not in main]]
    return [notebook_path(n) for n in ([names] if isinstance(names, str) else names)]


def notebook_path(name: str) -> Path:
    """Path of a report notebook by name; raises NotebookError naming the choices."""
    stem = name[:-6] if name.endswith(".ipynb") else name
    path = NOTEBOOKS / f"{stem}.ipynb"
    if not path.is_file():
        raise NotebookError(
            f"notebook {name!r}: not found in {NOTEBOOKS}; expected one of "
            f"{', '.join(available_notebooks()) or '(none)'}"
        )
    return path


def check_kernel(name: str = KERNEL) -> None:
    """Fail early, before writing anything, if the project's kernel is not installed."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        raise SetupError(
            f"Jupyter kernel {name!r} is not installed; run `make install` (it registers the "
            "project's kernel in .venv)"
        ) from None


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
    tmp = scenario_dir / f".latest-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(run_dir.name, tmp)
    os.replace(tmp, link)


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


def _kernel_manager_class() -> type:
    """The kernel manager nbclient starts, owns and shuts down: one that talks to the
    kernel over IPC (Unix sockets in the Jupyter runtime folder, this user's only)
    rather than TCP on localhost, so nothing is exposed to other users of the machine
    and the kernel no longer warns that its traffic is unencrypted. On Windows, where
    there is no IPC transport, the default (TCP). Imported on first use: the CLI's
    start-up does not pay for jupyter_client."""
    from jupyter_client.manager import KernelManager

    if os.name == "nt":
        return KernelManager

    class IPCKernelManager(KernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("transport", "ipc")
            super().__init__(**kwargs)

    return IPCKernelManager


def _execute(
    pm, nb_path: Path, run_dir: Path, params, kernel_name: str, progress: bool | None, title: str
) -> dict[str, Any]:
    """Execute one notebook into ``run_dir`` and render its HTML; never raises for a
    notebook error (KeyboardInterrupt passes through after the HTML is written)."""
    out_nb = run_dir / f"{nb_path.stem}.ipynb"
    out_html = run_dir / f"{nb_path.stem}.html"
    result: dict[str, Any] = {"notebook": nb_path.name, "status": "succeeded", "error": None}
    t0 = time.perf_counter()
    interrupted: BaseException | None = None
    try:
        pm.execute_notebook(
            str(nb_path),
            str(out_nb),
            parameters=params.overrides() | {"scenario_name": params.scenario_name},
            kernel_name=kernel_name,
            progress_bar=sys.stderr.isatty() if progress is None else progress,
            cwd=str(PROJECT_ROOT),
            log_output=False,
            kernel_manager_class=_kernel_manager_class(),
        )
    except KeyboardInterrupt as exc:
        result.update(status="interrupted", error="the run was interrupted")
        interrupted = exc
    except pm.PapermillExecutionError as exc:
        result.update(status="failed", error=f"{exc.ename}: {exc.evalue}")
    except Exception as exc:  # kernel died, timeout, ...: keep what exists, then report
        result.update(status="failed", error=f"{type(exc).__name__}: {exc}")
    t1 = time.perf_counter()
    if out_nb.is_file():
        try:
            nb = nbformat.read(out_nb, as_version=4)
            result["headline"] = _headline(nb)
            write_atomic(out_html, notebook_to_html(nb, title=title))
            result.update(html=out_html.name, html_bytes=out_html.stat().st_size)
        except KeyboardInterrupt as exc:  # keep going: the folder must still be marked
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


def run_report(
    scenario: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    *,
    notebook: str | list[str] = "entry_decision",
    reports_dir: str | Path = "reports",
    progress: bool | None = None,
    kernel_name: str = KERNEL,
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

    Returns
    -------
    RunOutcome
        On success. A failed or interrupted run raises :class:`ReportError` (or lets
        ``KeyboardInterrupt`` through) after its folder, manifest and index are written.

    Raises
    ------
    ParameterError, ScenarioFileError, NotebookError
        Before anything is written.
    """
    t0 = time.perf_counter()
    scenario_path = Path(scenario) if scenario is not None else DEFAULT_SCENARIO
    nb_paths = notebook_paths(notebook)
    params = load(scenario_path, overrides)
    reports_dir = Path(reports_dir)
    check_writable(reports_dir)
    check_kernel(kernel_name)
    t_validated = time.perf_counter()

    import papermill as pm  # heavy import, only once validation passed

    scenario_dir = reports_dir / slug(scenario_path.stem)
    run_dir = _new_run_dir(scenario_dir, params.digest())
    manifest: dict[str, Any] = {
        "run_id": run_dir.name,
        "scenario": scenario_dir.name,
        "scenario_file": str(scenario_path),
        "scenario_name": params.scenario_name,
        "notebooks": [p.name for p in nb_paths],
        "status": "running",
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "parameters": params.to_dict(),
        "parameters_hash": params.digest(),
        "overrides": dict(overrides or {}),
        "versions": _versions(),
        "git_commit": git_commit(PROJECT_ROOT),
        "command": sys.argv,
    }
    write_atomic(run_dir / "manifest.json", json.dumps(manifest, indent=2, default=str))
    log.info(
        "running %s for scenario %s into %s",
        ", ".join(p.name for p in nb_paths),
        scenario_dir.name,
        run_dir,
    )

    results, interrupted = [], None
    for nb_path in nb_paths:
        res = _execute(
            pm,
            nb_path,
            run_dir,
            params,
            kernel_name,
            progress,
            title=f"{params.scenario_name} - {nb_path.stem} - market-entry",
        )
        interrupted = res.pop("_interrupted", None)
        results.append(res)
        if interrupted is not None:
            break
    statuses = {r["status"] for r in results}
    status = (
        "interrupted"
        if "interrupted" in statuses
        else "failed"
        if statuses != {"succeeded"}
        else "succeeded"
    )
    errors = [f"{r['notebook']}: {r['error']}" for r in results if r["error"]]
    t_end = time.perf_counter()
    manifest.update(
        status=status,
        error="; ".join(errors) or None,
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
    if status != "succeeded":
        failed_dir = run_dir.with_name(run_dir.name + "-failed")
        os.replace(run_dir, failed_dir)
        run_dir = failed_dir
        manifest["run_id"] = run_dir.name
    write_atomic(run_dir / "manifest.json", json.dumps(manifest, indent=2, default=str))
    if status == "succeeded":
        _point_latest(scenario_dir, run_dir)
    write_index(reports_dir)
    htmls = [run_dir / r["html"] for r in results if r.get("html")]

    if interrupted is not None:
        log.error("interrupted; partial notebook kept in %s (latest unchanged)", run_dir)
        raise interrupted
    if status != "succeeded":
        where = htmls[-1] if htmls else run_dir
        raise ReportError(
            f"scenario {scenario_dir.name}: {'; '.join(errors)}; see {where} (latest unchanged)"
        )
    log.info("report written in %.1f s: %s", t_end - t0, ", ".join(map(str, htmls)))
    return RunOutcome(run_dir, htmls, status, manifest)
