"""Hostile input on the surfaces that write files or pages (issue 24, deliverables 1-2):
names read from a manifest, links planted where the runner writes, batches started from
another folder, and executed notebooks whose outputs are not the project's.

Every refusal is one line and exit 2, with nothing written (:func:`tests.conftest.tree`).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from models._files import replaced
from models.exceptions import OutputError, RunLockedError
from models.runner import batch, board, lock
from models.runner import html as report_html
from models.runner import pdf as printer
from models.runner import run as runner
from tests.conftest import ROOT, tree

SCENARIO = ROOT / "data" / "scenarios" / "base.yaml"


def refused(ran, *fragments: str) -> None:
    """Exit 2 and one line on stderr naming what was wrong, no traceback."""
    assert ran.returncode == 2, (ran.returncode, ran.stderr)
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("market-entry: error: "), ran.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def _run_dir(root: Path, notebooks: object) -> Path:
    run_dir = root / "reports" / "base" / "20261205T000000Z-abcdef"
    run_dir.mkdir(parents=True)
    manifest = {
        "run_id": run_dir.name,
        "scenario": "base",
        "status": "succeeded",
        "notebooks": notebooks,
        "headline": {"recommended": "licensing"},
    }
    (run_dir / "manifest.json").write_text(json.dumps(manifest))
    (run_dir / "entry_decision.html").write_text('<div class="celltag_board-summary">x</div>')
    return run_dir


@pytest.fixture
def fake_printer(monkeypatch):
    """Chromium replaced by a one-page PDF, so that a pack is made without a browser."""
    from pypdf import PdfWriter

    def write_pdf(report, pdf, label, prepare=None):
        w = PdfWriter()
        w.add_blank_page(width=595, height=842)
        with open(pdf, "wb") as fh:
            w.write(fh)
        return 1

    monkeypatch.setattr(printer, "write_pdf", write_pdf)


# -- 1. writes outside the run folder -------------------------------------------------


@pytest.mark.parametrize(
    "names",
    [
        ["../../../x/victim"],
        ["/tmp/victim"],
        ["a\x00b"],
        ["entry_decision", "sub/dir"],
        ["entry_decision", "..\\..\\victim"],
        [{"name": "x"}],
        [7],
    ],
)
def test_pdf_refuses_names_from_a_manifest_that_leave_the_run_folder(
    tmp_path, cli, fake_printer, names
):
    run_dir = _run_dir(tmp_path, names)
    before = tree(tmp_path)
    ran = cli("pdf", run_dir)
    refused(ran, "manifest.json", "is not a plain notebook name")
    assert "\x00" not in ran.stderr
    assert tree(tmp_path) == before


@pytest.mark.parametrize("name", ["../../x/victim", "/tmp/victim", "a\x1b[2Jb", "."])
def test_pdf_checks_a_name_on_the_command_line_the_same_way(tmp_path, cli, fake_printer, name):
    run_dir = _run_dir(tmp_path, ["entry_decision"])
    before = tree(tmp_path)
    ran = cli("pdf", run_dir, "--notebook", name)
    refused(ran, "--notebook", "is not a plain notebook name")
    assert "\x1b" not in ran.stderr
    assert tree(tmp_path) == before


def test_the_board_pack_replaces_a_planted_link_and_never_writes_through_one(
    tmp_path, cli, fake_printer
):
    run_dir = _run_dir(tmp_path, ["entry_decision.ipynb"])
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (run_dir / board.PACK_NAME).symlink_to(victim)
    # where the temporary file of the pack used to be: beside it, named for the pid
    (run_dir / f".{board.PACK_NAME}.tmp-{os.getpid()}").symlink_to(victim)
    ran = cli("pdf", run_dir)
    assert ran.returncode == 0, ran.stderr
    assert victim.read_text() == "precious"
    pack = run_dir / board.PACK_NAME
    assert not pack.is_symlink() and pack.read_bytes().startswith(b"%PDF")


def test_an_atomic_write_never_follows_a_link_at_its_temporary_name(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    target = tmp_path / "run" / "table.parquet"
    target.parent.mkdir()
    (target.parent / f".{target.name}.tmp-{os.getpid()}").symlink_to(victim)
    with replaced(target) as tmp:
        assert not tmp.is_symlink() and tmp.stat().st_size == 0
        tmp.write_text("new")
    assert victim.read_text() == "precious" and target.read_text() == "new"
    assert not target.is_symlink()


@pytest.mark.parametrize("kind", ["to a file outside", "dangling", "hard link"])
def test_a_lock_file_that_is_a_link_is_refused_and_its_target_untouched(
    tmp_path, cli, monkeypatch, kind
):
    monkeypatch.setattr(runner, "_run_locked", lambda *a, **k: pytest.fail("the run went on"))
    reports = tmp_path / "reports"
    (reports / "base").mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    lock_file = reports / "base" / lock.LOCK_NAME
    if kind == "to a file outside":
        victim.write_text("precious")
        lock_file.symlink_to(victim)
    elif kind == "dangling":
        lock_file.symlink_to(victim)
    else:
        victim.write_text("precious")
        os.link(victim, lock_file)
    before = tree(tmp_path)
    ran = cli("run", SCENARIO, "--reports", reports, "--no-progress")
    refused(ran, f"lock file {lock_file}", "expected a plain file")
    assert tree(tmp_path) == before  # the target neither truncated nor created


def test_a_plain_lock_file_still_locks_and_names_its_holder(tmp_path):
    folder = tmp_path / "base"
    with lock.locked(folder, what="scenario base"):
        assert json.loads((folder / lock.LOCK_NAME).read_text())["pid"] == os.getpid()
        # a second holder (a new descriptor, as another process would have) is refused
        with (
            pytest.raises(RunLockedError, match=f"pid {os.getpid()} on"),
            lock.locked(folder, what="scenario base"),
        ):
            pass


def test_a_lock_file_that_is_a_folder_is_refused(tmp_path):
    (tmp_path / "base" / lock.LOCK_NAME).mkdir(parents=True)
    with (
        pytest.raises(OutputError, match="is a folder; expected a plain file"),
        lock.locked(tmp_path / "base"),
    ):
        pass


# -- a batch started from another folder ----------------------------------------------


def test_a_batch_from_another_folder_runs_the_files_it_validated_and_writes_there(
    tmp_path, cli, monkeypatch
):
    (tmp_path / "mine.yaml").write_text("scenario_name: mine\nn_paths: 1000\n")
    (tmp_path / "-dash.yaml").write_text("scenario_name: dash\nn_paths: 1000\n")
    commands = []

    def fake_run(cmd, **kwargs):
        commands.append(cmd)
        return subprocess.CompletedProcess(cmd, 2, "", "market-entry: error: not run here")

    monkeypatch.setattr(batch.subprocess, "run", fake_run)
    project_reports = tree(ROOT / "reports")
    cli("batch", "mine.yaml", "./-dash.yaml", "--no-compare", cwd=tmp_path)
    assert len(commands) == 2
    ordered = sorted(commands, key=lambda c: c[c.index("run") + 1])
    for cmd, name in zip(ordered, ["-dash.yaml", "mine.yaml"], strict=True):
        i = cmd.index("run")
        assert cmd[i + 1] == str(tmp_path / name)  # absolute: the file validated, not an option
        assert cmd[cmd.index("--reports") + 1] == str(tmp_path / "reports")
    assert tree(ROOT / "reports") == project_reports


def test_two_comparisons_in_one_second_get_two_folders(tmp_path, monkeypatch):
    fixed = datetime(2026, 12, 5, 12, 0, 0, tzinfo=UTC)
    monkeypatch.setattr(batch, "datetime", SimpleNamespace(now=lambda tz=None: fixed))
    first, a = batch._new_folder(tmp_path / "_compare")
    second, b = batch._new_folder(tmp_path / "_compare")
    assert a != b and a.is_dir() and b.is_dir()
    assert (first, second) == ("20261205T120000Z", "20261205T120000Z-2")


# -- 2. script in a report ------------------------------------------------------------


def _chart_html() -> str:
    import plotly.graph_objects as go

    from models.reporting.display import ReportRenderer

    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2], name="<b>x</b> & </script>"))
    return ReportRenderer().to_mimebundle(fig.to_dict())["text/html"]


def _whatif_html(monkeypatch) -> str:
    """The offline what-if block as the project writes it (its numbers stubbed)."""
    from models.reporting import whatif_offline as wo

    monkeypatch.setattr(wo, "payload", lambda *a: {"name": "</script><b>&", "x": [1.5]})
    monkeypatch.setattr(wo, "answers_table", lambda d: "<table class='me-table'></table>")
    monkeypatch.setattr(wo, "_how", lambda d, r: "<p class='me-wi-how'>how</p>")
    control = SimpleNamespace(
        name="partner_revenue_share",
        label="partner's share",
        low=0.0,
        high=1.0,
        step=0.01,
        value=0.3,
        show=lambda v: f"{v:.0%}",
        why="",
    )
    return wo.section(SimpleNamespace(controls=[control]), None)._repr_html_()


@pytest.fixture
def executed(monkeypatch):
    """The project's main notebook (sources as in notebooks/) with outputs the project's
    code writes: a table, a chart and the what-if block."""
    import pandas as pd

    from models.reporting.blocks import table

    nb = nbformat.read(ROOT / "notebooks" / "entry_decision.ipynb", as_version=4)
    cells = [
        c
        for c in nb.cells
        if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    ]
    frame = pd.DataFrame({"mode": ["<script>alert(1)</script>"], "npv": [1.0]})
    outputs = [
        table(frame)._repr_html_(),
        _chart_html(),
        _whatif_html(monkeypatch),
    ]
    for cell, html in zip(cells[:3], outputs, strict=True):
        cell.outputs = [
            nbformat.v4.new_output("display_data", data={"text/html": html, "text/plain": "x"})
        ]
    cells[3].outputs = [nbformat.v4.new_output("stream", text="<script>alert(1)</script>\n")]
    return nb


def test_html_converts_outputs_the_project_writes(tmp_path, cli, executed):
    src = tmp_path / "run.ipynb"
    nbformat.write(executed, src)
    ran = cli("html", src)
    assert ran.returncode == 0, ran.stderr
    page = (tmp_path / "run.html").read_text()
    assert "Plotly.newPlot" in page and "me-whatif" in page
    assert "<script>alert(1)" not in page  # the text was escaped, as text


FORGED = {
    "a script in an HTML output": {"text/html": "<table></table><script>alert(1)</script>"},
    "an uppercase SCRIPT": {"text/html": "<SCRIPT>alert(1)</SCRIPT>"},
    "a JavaScript output": {"application/javascript": "alert(1)", "text/plain": "x"},
    "a markdown output": {"text/markdown": "<script>alert(1)</script>"},
    "an SVG output": {"image/svg+xml": "<svg onload='alert(1)'></svg>"},
    "an onerror attribute": {"text/html": "<div><img src=x onerror=alert(1)></div>"},
    "an event handler on a table": {"text/html": "<table onmouseover='alert(1)'></table>"},
    "a javascript: link": {"text/html": "<a href='javascript:alert(1)'>x</a>"},
    "an entity-encoded link": {"text/html": "<a href='&#106;avascript:alert(1)'>x</a>"},
    "an iframe": {"text/html": "<iframe srcdoc='&lt;script&gt;alert(1)&lt;/script&gt;'></iframe>"},
    "a comment that hides a script": {"text/html": "<!--<script>--><script>alert(1)</script>"},
    "markup the parser cannot read": {"text/html": "<<script>alert(1)</script>"},
    "a style that fetches": {"text/html": "<div style='background:url(https://x/y)'>x</div>"},
    "a chart call with code in it": {
        "text/html": "<script>window.PLOTLYENV=window.PLOTLYENV || {};if (document."
        'getElementById("2fdb3f5a-b2cc-46a5-83d7-820966341409")) {Plotly.newPlot('
        '"2fdb3f5a-b2cc-46a5-83d7-820966341409", [], alert(1), {})};</script>'
    },
    "a data script that ends early": {
        "text/html": '<script type="application/json">{"a": "</script><script>alert(1)//"}</script>'
    },
    "an edited what-if script": None,  # built in the test
}


@pytest.mark.parametrize("case", list(FORGED))
def test_html_refuses_forged_outputs_in_one_line(tmp_path, cli, executed, monkeypatch, case):
    nb = copy.deepcopy(executed)
    cell = next(c for c in nb.cells if c.get("outputs"))
    data = FORGED[case]
    if data is None:
        whatif = _whatif_html(monkeypatch).replace("use strict", 'use strict";alert(1);"')
        data = {"text/html": whatif}
    cell.outputs.append(nbformat.v4.new_output("display_data", data=data))
    src = tmp_path / "forged.ipynb"
    nbformat.write(nb, src)
    before = tree(tmp_path)
    ran = cli("html", src)
    refused(ran, f"notebook file {src}: not a market-entry report (cell ")
    assert tree(tmp_path) == before


def test_html_refuses_a_markdown_cell_tagged_as_parameters(tmp_path, cli, executed):
    nb = copy.deepcopy(executed)
    forged = nbformat.v4.new_markdown_cell("<img src=x onerror=alert(1)><script>alert(2)</script>")
    forged.metadata["tags"] = ["parameters"]
    nb.cells.insert(1, forged)
    src = tmp_path / "forged.ipynb"
    nbformat.write(nb, src)
    before = tree(tmp_path)
    ran = cli("html", src)
    refused(ran, "a markdown cell is tagged as a parameters cell")
    assert tree(tmp_path) == before


def test_every_script_the_project_writes_passes_the_check(monkeypatch):
    assert report_html.html_output_reason(_chart_html()) == ""
    assert report_html.html_output_reason(_whatif_html(monkeypatch)) == ""
