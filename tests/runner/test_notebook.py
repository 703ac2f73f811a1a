"""The report notebook through its real clients: Papermill, the project's kernel, nbconvert."""

from __future__ import annotations

import subprocess

import nbformat
import pytest

from models.reporting.chart_check import check_notebook
from models.runner.html import external_references, notebook_to_html
from tests.conftest import PAPERMILL, ROOT

pytestmark = pytest.mark.slow


def papermill(*args: str, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PAPERMILL), "--no-progress-bar", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_plain_papermill_runs_a_scenario_file(tmp_path):
    out = tmp_path / "out.ipynb"
    proc = papermill(
        str(ROOT / "notebooks/entry_decision.ipynb"),
        str(out),
        "-f",
        str(ROOT / "data/scenarios/letv_2015.yaml"),
        # the whole report at fewer futures: its model checks run as many (at the
        # scenario's 5,000, a 15-year report takes about five minutes on two cores)
        "-p",
        "n_paths",
        "1000",
        "-p",
        "whatif_positions",
        "12",
        tmp_path=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Executing notebook with kernel: market-entry" in proc.stderr
    nb = nbformat.read(out, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "partner_distress_hazard_year = 0.12" in injected[0].source
    mimes = [set(o.get("data", {})) for c in nb.cells for o in c.get("outputs", [])]
    charts = [m for m in mimes if "application/vnd.plotly.v1+json" in m]
    # how many charts depends on what happened (a chart of what did not happen is a
    # sentence: tests/reporting/test_charts_inform.py); each carries its HTML twin
    assert len(charts) >= 5 and all("text/html" in m for m in charts)
    assert check_notebook(out) == []  # and every one of them informs
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    html = notebook_to_html(nb)
    assert external_references(html) == []
    assert "LeTV partnership, as seen in 2015" in html
    assert "Recommendation:" in html
    assert html.count('<div class="me-report me-whatif"') == 1  # the sliders, offline


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-p", "churn_rate_month", "0.1"],
            "unknown parameter churn_rate_month=0.1; did you mean growth_churn_rate_month?",
        ),
        (
            ["-p", "growth_churn_rate_month", "0.9"],
            "parameter growth_churn_rate_month=0.9: expected a number in [0, 0.3]",
        ),
    ],
)
def test_plain_papermill_stops_on_bad_parameters(tmp_path, args, message):
    """Papermill only warns about unknown names; the validation cell stops the run, and
    the error reads as one line near the top of the failed notebook."""
    out = tmp_path / "out.ipynb"
    proc = papermill(
        str(ROOT / "notebooks/entry_decision.ipynb"), str(out), *args, tmp_path=tmp_path
    )
    assert proc.returncode != 0
    assert message in proc.stderr
    nb = nbformat.read(out, as_version=4)
    errors = [
        (i, o)
        for i, c in enumerate(nb.cells)
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]
    assert len(errors) == 1
    index, err = errors[0]
    assert index <= 4  # parameters, injected parameters, validation (+ papermill's banner)
    assert err.ename == "ParameterError" and message in err.evalue
    assert err.traceback == [f"ParameterError: {err.evalue}"]  # no stack trace
    assert "papermill-error-cell-tag" in nb.cells[0].metadata.get("tags", [])


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_are_thin(path):
    """No function, class or loop in a notebook; one validation call after the parameters."""
    import ast

    nb = nbformat.read(path, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    logic = (
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.ClassDef,
        ast.Lambda,
        ast.For,
        ast.While,
        ast.ListComp,
        ast.DictComp,
        ast.GeneratorExp,
        ast.If,
    )
    for source in code:
        found = [type(n).__name__ for n in ast.walk(ast.parse(source)) if isinstance(n, logic)]
        assert not found, f"{path.name}: {found} in {source[:60]!r}"
    if path.stem == "compare":  # takes run folders, validated by load_runs
        assert "compare_blocks.load_runs(runs)" in code[1]
    elif path.stem == "sweep":  # takes a sweep folder, read by load
        assert "sweep_blocks.load(sweep_dir)" in code[1]
    else:
        assert "validate_notebook(globals())" in code[1]


def test_a_strategist_edits_the_parameters_cell_and_runs_all_twice():
    """JupyterLab's way: edit the parameters cell, run all, run all again in the same
    kernel (so the notebook's own objects are already defined)."""
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "notebooks/entry_decision.ipynb", as_version=4)
    params_cell = nb.cells[0]
    params_cell.source = params_cell.source.replace("horizon_years = 15", "horizon_years = 5")
    # no offline what-if (its design would take most of the time): the table instead
    params_cell.source = params_cell.source.replace("whatif_positions = 40", "whatif_positions = 0")
    params_cell.source = params_cell.source.replace(
        'scenario_name = "base"', 'scenario_name = "edited in Lab"'
    )
    # a variable of the strategist's own, then run all twice in the same kernel
    nb.cells.append(nbformat.v4.new_code_cell("mode = 'solo'\ncharts.cost_stack(results, mode)"))
    nb.cells = nb.cells + [nbformat.from_dict(c) for c in nb.cells]
    NotebookClient(
        nb, kernel_name="market-entry", timeout=300, resources={"metadata": {"path": str(ROOT)}}
    ).execute()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert html.count("edited in Lab") >= 2
    assert "me-whatif-static" in html and "me-wi-" not in html  # whatif_positions = 0
    assert "over 5 years" in html
