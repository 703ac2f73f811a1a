"""Reports that are not a scenario's: the comparison of a batch and the report of a
sweep. Each is a notebook of ``notebooks/`` executed on the project's kernel with its
own parameters into a folder, then rendered to the same offline HTML as every report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models._paths import NOTEBOOKS, PROJECT_ROOT
from models.exceptions import ReportError
from models.runner.files import write_atomic
from models.runner.logs import one_line


def execute(name: str, parameters: dict[str, Any], folder: Path) -> Path:
    """Execute ``notebooks/<name>.ipynb`` into ``folder`` and return its HTML report.

    Raises
    ------
    ReportError
        If the notebook fails; the executed notebook is kept in ``folder``.
    """
    import nbformat
    import papermill as pm

    from models.runner.html import notebook_to_html
    from models.runner.kernel import KERNEL, kernel_manager_class

    out_nb = folder / f"{name}.ipynb"
    try:
        pm.execute_notebook(
            str(NOTEBOOKS / f"{name}.ipynb"),
            str(out_nb),
            parameters=parameters,
            kernel_name=KERNEL,
            progress_bar=False,
            cwd=str(PROJECT_ROOT),
            kernel_manager_class=kernel_manager_class(),
        )
        html = folder / f"{name}.html"
        write_atomic(html, notebook_to_html(nbformat.read(out_nb, as_version=4), name))
    except pm.PapermillExecutionError as exc:
        raise ReportError(
            f"{name} report: {one_line(f'{exc.ename}: {exc.evalue}')[:300]}; see {out_nb}"
        ) from None
    return html
