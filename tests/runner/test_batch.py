"""Batches, the comparison report, reproducible reruns and run-to-run diffs, through
the real command and real kernels (issue 11)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from models import _fingerprint as fingerprint
from models.analysis import rundiff
from models.reporting.chart_check import check_run, notebook_figures
from models.runner import rerun
from models.runner import run as runner
from models.runner.html import external_references
from tests.conftest import ROOT, run_cli, tree

pytestmark = pytest.mark.slow

SCENARIOS = [ROOT / "data" / "scenarios" / f"{n}.yaml" for n in ("base", "letv_2015", "crackdown")]
# the offline what-if at its smallest design for eight sliders (12 + 4 held out, about
# 40 s a report instead of 100): each shipped scenario still renders one
SMALL = ["-p", "n_paths", "300", "-p", "sobol_samples", "16", "-p", "whatif_positions", "12"]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    reports = tmp_path_factory.mktemp("batch")
    # --latest: the small runs are variants of their scenarios; made latest all the same
    proc = run_cli(
        "batch", *map(str, SCENARIOS), "--reports", str(reports), *SMALL, "--latest", timeout=900
    )
    return proc, reports


def test_a_batch_writes_each_report_and_a_comparison(batch):
    proc, reports = batch
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert [ln.split()[1].rstrip(":") for ln in lines[:3]] == ["base", "letv_2015", "crackdown"]
    assert all(ln.startswith("ok ") and "Licensing" in ln for ln in lines[:3])
    assert lines[3].startswith("batch: 3 of 3 scenarios succeeded in ")
    html = Path(lines[4])
    assert html.parent.parent == reports / "_compare" and html.is_file()
    for name in ("base", "letv_2015", "crackdown"):
        assert (reports / name / "latest" / "entry_decision.html").is_file()
    page = html.read_text()
    assert external_references(page) == []
    for title in ("Base case (2026)", "LeTV partnership, as seen in 2015", "Regulatory crackdown"):
        assert title in page
    assert "What each difference does" in page and "share of titles approved" in page
    assert page.count("plotly-graph-div") >= 1
    index = (reports / "index.html").read_text()
    assert f"_compare/{html.parent.name}/compare.html" in index


def test_every_chart_of_every_shipped_scenario_informs(batch):
    """The chart check (no flat, empty, hidden or duplicated chart, no ms time axis, no
    legend over a title) on the main report of each shipped scenario and on the
    comparison report."""
    proc, reports = batch
    assert proc.returncode == 0, proc.stderr
    shipped = sorted(p.stem for p in (ROOT / "data" / "scenarios").glob("*.yaml"))
    assert shipped == ["base", "crackdown", "letv_2015"]  # a new scenario joins SCENARIOS
    for name in shipped:  # the check read charts: a report without any would pass it
        assert len(notebook_figures(reports / name / "latest" / "entry_decision.ipynb")) >= 5
        assert check_run(reports / name / "latest") == {}, name
    compare = Path(proc.stdout.strip().splitlines()[4]).parent
    assert notebook_figures(next(compare.glob("*.ipynb")))
    assert check_run(compare) == {}


def test_one_failure_does_not_stop_the_others(tmp_path):
    from models.runner import lock

    good = tmp_path / "small.yaml"
    good.write_text("n_paths: 300\nsobol_samples: 16\nwhatif_positions: 0\n")
    # valid, so the batch starts (`check` now refuses the n_paths 5 this test used to
    # fail with inside the notebook); its run then finds another run holding its lock
    busy = tmp_path / "busy.yaml"
    busy.write_text("n_paths: 300\n")
    reports = tmp_path / "reports"
    (reports / "busy").mkdir(parents=True)
    with lock.locked(reports / "busy"):
        proc = run_cli("batch", str(good), str(busy), "--reports", str(reports), timeout=600)
    assert proc.returncode == 1
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith("ok small: Licensing")
    assert lines[1].startswith("FAILED busy (exit 75, "), lines[1]
    assert lines[2].startswith("batch: 1 of 2 scenarios succeeded")
    assert (reports / "small" / "latest").is_symlink()
    assert not (reports / "_compare").exists()  # nothing to compare


def test_a_bad_scenario_refuses_the_batch_before_anything_runs(tmp_path):
    reports = tmp_path / "reports"
    proc = run_cli(
        "batch", str(SCENARIOS[0]), str(tmp_path / "nope.yaml"), "--reports", str(reports)
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "nope.yaml: not found" in proc.stderr
    assert not reports.exists()


def test_reproduce_matches_and_names_an_edited_data_file(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    monkeypatch.setattr(fingerprint, "RAW_DATA", raw)
    reports = tmp_path / "reports"
    first = runner.run_report(
        SCENARIOS[0],
        {"n_paths": 300, "sobol_samples": 16, "whatif_positions": 0},
        reports_dir=reports,
        progress=False,
        latest=True,
    )
    before = tree(reports / "base" / first.run_dir.name)
    matched, text = rerun.reproduce(first.run_dir, progress=False)
    assert matched, text
    n = len(rundiff.flatten(first.manifest["headline"]))
    assert f"reproduced: all {n} headline numbers match" in text
    assert "inputs that differ" not in text
    assert (reports / "base" / "latest").resolve() == first.run_dir.resolve()  # left alone
    assert tree(reports / "base" / first.run_dir.name) == before  # the original untouched
    (raw / "china_svod_subscribers.csv").write_text("edited\n")
    matched, text = rerun.reproduce(first.run_dir, progress=False)
    assert "inputs that differ from the original run:" in text
    assert f"data file {raw / 'china_svod_subscribers.csv'}" in text
    runs = [p for p in (reports / "base").iterdir() if p.is_dir() and not p.is_symlink()]
    manifests = [json.loads((p / "manifest.json").read_text()) for p in runs]
    reproductions = [m for m in manifests if m.get("reproduces") == first.run_dir.name]
    assert len(reproductions) == 2 and not any(m["official"] for m in reproductions)
    assert (reports / "base" / "latest").resolve() == first.run_dir.resolve()


def test_reproduce_of_a_folder_that_is_not_a_run(tmp_path):
    proc = run_cli("reproduce", str(tmp_path))
    assert proc.returncode == 2 and "no manifest.json; expected a folder of a run" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_diff_explains_a_parameter_change(tmp_path):
    reports = tmp_path / "reports"
    small = {"n_paths": 300, "sobol_samples": 16, "whatif_positions": 0}
    a = runner.run_report(SCENARIOS[0], small, reports_dir=reports, progress=False)
    b = runner.run_report(
        SCENARIOS[0],
        {**small, "license_fee_usd_m_per_title": 0.8},
        reports_dir=reports,
        progress=False,
    )
    proc = run_cli("diff", str(a.run_dir), str(b.run_dir))
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert (
        "licence fee per title-year: the default (US$0.35 m per title-year) -> "
        "US$0.8 m per title-year" in text
    )
    assert "Licensing, NPV in the most-likely case: $" in text and "drivers of the change" in text
    assert "license_fee_usd_m_per_title" not in text and "modes.license" not in text
    assert proc.stderr == ""  # the model's INFO records only with --log-level INFO
    out = json.loads(run_cli("diff", str(a.run_dir), str(b.run_dir), "--json").stdout)
    drivers = out["drivers_usd_m"]
    change = (
        b.manifest["headline"]["modes"]["license"]["expected"]
        - a.manifest["headline"]["modes"]["license"]["expected"]
    )
    # the attribution's whole is the change the two runs' headlines show
    assert drivers["all together"]["license"] == pytest.approx(change, abs=2e-3)
    assert drivers["license_fee_usd_m_per_title"]["license"] == pytest.approx(change, abs=2e-3)


def test_a_scheduled_report_says_what_changed_since_the_last_run(tmp_path):
    reports = tmp_path / "reports"
    small = {"n_paths": 300, "sobol_samples": 16, "whatif_positions": 0}
    # latest=True: small runs are variants, which "Since the last run" leaves out
    first = runner.run_report(SCENARIOS[0], small, reports_dir=reports, progress=False, latest=True)
    page = first.htmls[0].read_text()
    assert "No earlier run of this scenario to compare with" in page
    second = runner.run_report(
        SCENARIOS[0],
        {**small, "license_fee_usd_m_per_title": 0.8},
        reports_dir=reports,
        progress=False,
        latest=True,
    )
    page = second.htmls[0].read_text()
    assert f"Compared with run <code>{first.run_dir.name}</code>" in page
    assert (
        "licence fee per title-year: the default (US$0.35 m per title-year) to US$0.8 m "
        "per title-year" in page
    )
    assert "The recommendation is unchanged: Licensing" in page
    change = (
        second.manifest["headline"]["modes"]["license"]["expected"]
        - first.manifest["headline"]["modes"]["license"]["expected"]
    )
    # the drivers table gives the licence fee the whole change of the most-likely case
    assert f"<td>{round(change, 1):.2f}</td>" in page
