"""The command line: the success path, every bad input, failures and interruptions."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import markupsafe
import nbformat
import pandas as pd
import pytest

from models.economics.modes import MODES
from models.exceptions import ReportError
from models.runner import run as runner
from tests.conftest import CLI, NASTY_NAME, ROOT, run_cli, tree

pytestmark = pytest.mark.slow


def test_run_writes_a_complete_report_folder(report_run):
    proc, run_dir, reports = report_run["proc"], report_run["run_dir"], report_run["reports"]
    names = ["entry_decision", "content_cost", "regulatory_risk", "subscriber_growth", "validation"]
    assert [p.stem for p in report_run["htmls"]] == names  # main report first
    assert proc.stdout.split() == [str(p) for p in report_run["htmls"]]
    assert "Traceback" not in proc.stderr
    # the kernel talks over IPC: no warning about unencrypted TCP, no stray kernel
    assert "without encryption" not in proc.stderr
    assert "Parent appears to have exited" not in proc.stderr
    assert run_dir.parent == reports / "letv_2015"
    assert sorted(p.name for p in run_dir.iterdir()) == sorted(
        [f"{n}.html" for n in names]
        + [f"{n}.ipynb" for n in names]
        + ["manifest.json", "run.log", "outcomes.parquet", "checks.json"]
    )
    outcomes = pd.read_parquet(run_dir / "outcomes.parquet")
    m = json.loads((run_dir / "manifest.json").read_text())
    n = m["headline"]["n_paths"]
    assert len(outcomes) == n * len(MODES)  # one row per path and mode
    assert outcomes.groupby("mode", observed=True)["npv_usd_m"].mean().round(3).to_dict() == {
        mode: v["mean"] for mode, v in m["headline"]["modes"].items()
    }
    assert m["results"][0]["outcomes"] == "outcomes.parquet"
    assert m["parameters_given"]["market_price_elasticity"] == -2
    m = json.loads((run_dir / "manifest.json").read_text())
    assert m["status"] == "succeeded" and m["error"] is None
    assert m["parameters"]["market_price_elasticity"] == -2.0  # a negative -p value
    assert m["parameters"]["growth_churn_rate_month"] == [0.04, 0.06, 0.1]  # a range
    assert m["parameters"]["partner_distress_hazard_year"] == 0.12  # from the file
    assert len(m["parameters_hash"]) == 12
    assert set(m["timings_s"]) == {"validate", "notebooks", "total"}
    assert m["notebooks"] == [f"{n}.ipynb" for n in names]
    assert [r["status"] for r in m["results"]] == ["succeeded"] * len(names)
    assert set(m["results"][0]["timings_s"]) == {"execute", "html"}
    assert {"papermill", "plotly", "pandas", "market-entry"} <= set(m["versions"])
    assert m["headline"]["recommended"] in MODES.names()
    assert m["html_bytes"] == report_run["html"].stat().st_size
    # its -p changed the scenario's values: a variant, kept and listed, not latest
    assert m["official"] is False and m["latest_choice"] is None
    assert set(m["variant_overrides"]) == {
        "scenario_name",
        "market_price_elasticity",
        "growth_churn_rate_month",
        "scenario_notes",
    }
    assert m["variant_overrides"]["market_price_elasticity"]["run"] == -2
    latest = reports / "letv_2015" / "latest"
    assert not latest.exists() and not latest.is_symlink()
    nb = nbformat.read(run_dir / "entry_decision.ipynb", as_version=4)
    assert nb.metadata.papermill.parameters["market_price_elasticity"] == -2


def test_user_text_is_escaped_in_report_and_index(report_run):
    page = report_run["html"].read_text()
    assert "<script>alert" not in page and "<b>bold</b> notes" not in page
    assert "&lt;script&gt;alert(" in page and "&lt;b&gt;bold&lt;/b&gt; notes" in page
    index = (report_run["reports"] / "index.html").read_text()
    assert NASTY_NAME not in index and str(markupsafe.escape(NASTY_NAME)) in index
    assert report_run["run_dir"].name in index
    for page in report_run["htmls"]:  # the index links every report of the run
        assert f'{report_run["run_dir"].name}/{page.name}"' in index


def bad_scenario(tmp_path: Path, text: str) -> str:
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    return str(p)


BAD_INPUTS = {
    "unknown parameter": (
        ["-p", "churn_rate_month", "0.1"],
        "did you mean growth_churn_rate_month",
    ),
    "wrong type": (["-p", "horizon_years", "ten"], "horizon_years='ten'"),
    "out of range": (["-p", "growth_churn_rate_month", "0.9"], "[0, 0.3]"),
    "bad range": (["-p", "growth_churn_rate_month", "[0.1, 0.05, 0.2]"], "low <= mode"),
    "malformed yaml": ("horizon_years: [1, 2\n", "invalid YAML"),
    "not a mapping": ("- 1\n- 2\n", "expected a mapping"),
    "yaml tag": ("x: !!python/object/apply:os.system ['echo hi']\n", "tags such as"),
    "bad value in file": ("growth_churn_rate_month: high\n", "growth_churn_rate_month='high' in"),
    "missing file": (None, "not found"),
    "unknown notebook": (["--notebook", "nope"], "notebook 'nope': not found"),
    "scenario is a folder": ("DIR", "is a folder"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_exits_2_with_one_line_and_writes_nothing(report_run, tmp_path, case, cli):
    reports = report_run["reports"]
    before = tree(reports)
    args, fragment = BAD_INPUTS[case]
    if args == "DIR":
        cmd = ["run", str(tmp_path)]
    elif isinstance(args, str):
        cmd = ["run", bad_scenario(tmp_path, args)]
    elif args is None:
        cmd = ["run", str(tmp_path / "missing.yaml")]
    else:
        cmd = ["run", "data/scenarios/letv_2015.yaml", *args]
    proc = cli(*cmd, "--reports", str(reports))
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("market-entry: error: "), proc.stderr
    assert fragment in lines[0]
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert tree(reports) == before


def test_the_installed_command_reports_bad_input_in_one_line(tmp_path):
    """The same contract through the console script, in its own process."""
    proc = run_cli("run", str(tmp_path / "missing.yaml"), "--reports", str(tmp_path / "r"))
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("market-entry: error: scenario file ")
    assert "missing.yaml: not found" in lines[0]
    assert not (tmp_path / "r").exists()


def test_reports_folder_that_cannot_be_written(tmp_path, cli):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    for cmd in (["run", "--reports", str(blocker)], ["index", "--reports", str(blocker)]):
        proc = cli(*cmd)
        assert proc.returncode == 2, proc.stderr
        assert "exists and is not a folder" in proc.stderr and "Traceback" not in proc.stderr
    assert blocker.read_text() == "not a folder"


def test_check_validates_without_running(tmp_path, cli):
    ok = cli("check", "data/scenarios/crackdown.yaml", "-p", "horizon_years", "12")
    assert ok.returncode == 0 and ok.stdout.startswith("ok:")
    bad = cli("check", "-p", "horizon_years", "0")
    assert bad.returncode == 2 and "horizon_years=0" in bad.stderr
    missing = cli("check", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and "not found" in missing.stderr


def test_version_and_help_need_no_scenario(cli):
    from models import __version__

    version = cli("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"market-entry {__version__}"
    assert cli("--help").returncode == 0


def seeded_reports(report_run, tmp_path) -> Path:
    """A copy of the session's reports, its run made the scenario's latest (it is a
    variant, which a run does not make latest)."""
    reports = tmp_path / "reports"
    shutil.copytree(report_run["reports"], reports, symlinks=True)
    latest = reports / "letv_2015" / "latest"
    if not latest.is_symlink():
        os.symlink(report_run["run_dir"].name, latest)
    return reports


def test_a_failing_notebook_is_kept_and_marked_failed(report_run, tmp_path, monkeypatch):
    reports = seeded_reports(report_run, tmp_path)
    latest = reports / "letv_2015" / "latest"
    before = os.readlink(latest)
    earlier = tree(reports / "letv_2015" / before)
    nb = nbformat.read(ROOT / "notebooks" / "entry_decision.ipynb", as_version=4)
    nb.cells.insert(5, nbformat.v4.new_code_cell("raise RuntimeError('content feed broken')"))
    books = tmp_path / "notebooks"
    books.mkdir()
    nbformat.write(nb, books / "entry_decision.ipynb")
    monkeypatch.setattr(runner, "NOTEBOOKS", books)

    with pytest.raises(ReportError, match="content feed broken"):
        runner.run_report(
            ROOT / "data/scenarios/letv_2015.yaml", reports_dir=reports, progress=False
        )
    failed = [p for p in (reports / "letv_2015").iterdir() if p.name.endswith("-failed")]
    assert len(failed) == 1
    m = json.loads((failed[0] / "manifest.json").read_text())
    assert m["status"] == "failed" and "content feed broken" in m["error"]
    assert (failed[0] / "entry_decision.html").is_file()
    assert (failed[0] / "entry_decision.ipynb").is_file()
    assert os.readlink(latest) == before
    assert tree(reports / "letv_2015" / before) == earlier
    assert failed[0].name in (reports / "index.html").read_text()


def test_an_interrupted_run_is_marked_and_latest_kept(report_run, tmp_path):
    reports = seeded_reports(report_run, tmp_path)
    latest = reports / "letv_2015" / "latest"
    before = os.readlink(latest)
    proc = subprocess.Popen(
        [
            str(CLI),
            "run",
            "data/scenarios/letv_2015.yaml",
            "--reports",
            str(reports),
            "--no-progress",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:  # wait until the run has started executing
        runs = [
            p
            for p in (reports / "letv_2015").iterdir()
            if p.is_dir() and not p.is_symlink() and p.name != before
        ]
        if runs and any(runs[0].glob("*.ipynb")):
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "zmq" not in err.lower(), err  # one clean line
    failed = [p for p in (reports / "letv_2015").iterdir() if p.name.endswith("-failed")]
    assert len(failed) == 1
    m = json.loads((failed[0] / "manifest.json").read_text())
    assert m["status"] == "interrupted"
    assert os.readlink(latest) == before


def test_html_command_converts_a_papermill_output(report_run, tmp_path):
    src = tmp_path / "copy.ipynb"
    shutil.copy(report_run["run_dir"] / "entry_decision.ipynb", src)
    proc = run_cli("html", str(src))
    assert proc.returncode == 0
    assert Path(proc.stdout.strip()).read_text().count("plotly-graph-div") >= 4
    cases = {
        "missing": (tmp_path / "missing.ipynb", "not found"),
        "json": (tmp_path / "x.json", "not a readable notebook"),
        "unexecuted": (ROOT / "notebooks" / "entry_decision.ipynb", "has no outputs"),
    }
    (tmp_path / "x.json").write_text('{"a": 1}')
    for path, fragment in cases.values():
        bad = run_cli("html", str(path))
        assert bad.returncode == 2 and fragment in bad.stderr, bad.stderr
        assert "Traceback" not in bad.stderr
    bad = run_cli("html", str(src), "-o", str(tmp_path / "nodir" / "x.html"))
    assert bad.returncode == 2 and "does not exist" in bad.stderr


def test_export_writes_a_workbook_of_a_run(report_run, tmp_path):
    out = tmp_path / "run.xlsx"
    proc = run_cli("export", str(report_run["run_dir"]), "--xlsx", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out) and out.is_file() and out.stat().st_size > 0


def test_export_refuses_in_one_line(cli, tmp_path):
    ran = cli("export", tmp_path)  # no format
    assert ran.returncode == 2 and ran.stdout == ""
    assert ran.stderr.strip().splitlines() == [
        f"market-entry: error: export {tmp_path}: no format given; expected --xlsx (the "
        "only format for now)"
    ]
    ran = cli("export", tmp_path, "--xlsx")  # not a run's folder: export.py's own error
    assert ran.returncode == 2 and ran.stdout == "" and "Traceback" not in ran.stderr
    assert len(ran.stderr.strip().splitlines()) == 1 and str(tmp_path) in ran.stderr
