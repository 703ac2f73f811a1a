"""Sweeps (issue 12, first part): the table is the same locally and on a two-worker
LocalCluster, a resumed sweep equals an uninterrupted one, bad sweep files are refused
in one line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from models.exceptions import OutputError, ReportError, ScenarioFileError, SetupError
from models.inputs.sweep_spec import load_sweep
from models.runner.html import external_references
from models.runner.sweep_run import _chunk_path, run_sweep
from tests.conftest import ROOT

SMALL = """
name: tiny
base: data/scenarios/base.yaml
design: grid
vary:
  partner_revenue_share: [0.1, 0.4]
  market_foreign_premium_share: {low: 0.1, high: 0.3, steps: 2}
paths: 40
chunk: 1
decision_rule: fixed
correlations: []
decision_training_paths: 1000
"""


@pytest.fixture
def spec(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(SMALL)
    return path


def test_grid_points_and_table(spec, tmp_path):
    sweep = load_sweep(spec)
    assert sweep.points.to_dict(orient="list") == {
        "partner_revenue_share": [0.1, 0.1, 0.4, 0.4],
        "market_foreign_premium_share": [0.1, 0.3, 0.1, 0.3],
    }
    assert sweep.point_params(1).market_foreign_premium_share == 0.3
    out = run_sweep(spec, reports_dir=tmp_path / "r", workers=0, report=False)
    table = pd.read_parquet(out.table)
    assert len(table) == 4 * 5 and set(table["point"]) == {0, 1, 2, 3}
    one = table[table["point"] == 0]
    assert one["p_best"].sum() == pytest.approx(1.0)
    assert (one["p5_usd_m"] <= one["mean_npv_usd_m"] + 1e-9).all()
    m = json.loads((out.run_dir / "manifest.json").read_text())
    assert m["status"] == "succeeded" and m["points"] == 4 and m["chunks_done"] == 4


def test_a_grid_of_whole_and_fractional_inputs_runs_each_point_with_its_own_types(spec, tmp_path):
    """A row of pandas' made a whole number a float where a fraction varied beside it:
    every point then failed in the worker (``content_window_years=2.0: expected an
    integer``) after the file had been validated. Each input now keeps its type, in the
    point's parameters and in the table; the chunk's table is the points' tables."""
    from models.analysis import sweep as sw

    spec.write_text(
        SMALL.replace(
            "market_foreign_premium_share: {low: 0.1, high: 0.3, steps: 2}",
            "content_window_years: [2, 3]",
        )
    )
    sweep = load_sweep(spec)
    assert sweep.point_params(1).content_window_years == 3
    out = run_sweep(spec, reports_dir=tmp_path / "r", workers=0, report=False)
    table = pd.read_parquet(out.table)
    assert table["content_window_years"].dtype == np.int64
    assert table.groupby("point")["content_window_years"].first().tolist() == [2, 3, 2, 3]
    chunk = sw.evaluate_chunk(sweep, [0, 3], None)
    apart = []
    for i in (0, 3):
        rows = sw.evaluate_point(sweep.point_params(i), sweep.paths, None)
        rows.insert(0, "point", i)
        for name, value in sweep.points.to_dict(orient="records")[i].items():
            rows[name] = value
        apart.append(rows)
    pd.testing.assert_frame_equal(chunk, pd.concat(apart, ignore_index=True), check_exact=True)


@pytest.mark.slow
def test_the_same_table_locally_and_on_two_workers(spec, tmp_path):
    local = pd.read_parquet(
        run_sweep(spec, reports_dir=tmp_path / "a", workers=0, report=False).table
    )
    dask = pd.read_parquet(
        run_sweep(spec, reports_dir=tmp_path / "b", workers=2, report=False).table
    )
    pd.testing.assert_frame_equal(local, dask)


def test_a_resumed_sweep_equals_an_uninterrupted_one(spec, tmp_path):
    whole = run_sweep(spec, reports_dir=tmp_path / "r", workers=0, report=False)
    expected = pd.read_parquet(whole.table)
    # as if interrupted after two chunks: the other chunks and the table are missing
    for k in (2, 3):
        _chunk_path(whole.run_dir, k).unlink()
    whole.table.unlink()
    again = run_sweep(
        spec, reports_dir=tmp_path / "r", workers=0, resume=whole.run_dir, report=False
    )
    assert again.chunks_computed == 2
    pd.testing.assert_frame_equal(pd.read_parquet(again.table), expected)


def test_resume_refuses_another_sweeps_folder(spec, tmp_path):
    out = run_sweep(spec, reports_dir=tmp_path / "r", workers=0, report=False)
    other = tmp_path / "other.yaml"
    other.write_text(SMALL.replace("paths: 40", "paths: 50"))
    with pytest.raises(OutputError, match="another sweep file"):
        run_sweep(other, workers=0, resume=out.run_dir, report=False)


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (("partner_revenue_share:", "partner_revenu_share:"), "not a numeric parameter"),
        (("[0.1, 0.4]", "[]"), "the range is empty"),
        (("steps: 2", "steps: 0"), "steps=0: expected a whole number >= 1"),
        (("[0.1, 0.4]", "[0.1, 1.4]"), "point 2"),
        (("design: grid", "design: random"), "design='random'"),
        (("name: tiny", "nmae: tiny"), "key 'nmae' is neither a sweep setting"),
    ],
)
def test_bad_sweep_files_are_refused_in_one_line(spec, tmp_path, cli, edit, fragment):
    spec.write_text(SMALL.replace(*edit))
    with pytest.raises(ScenarioFileError, match=fragment.replace("[", r"\[").replace(".", r"\.")):
        load_sweep(spec)
    ran = cli("sweep", spec, "--reports", tmp_path / "r", "--workers", "0")
    assert ran.returncode == 2 and len(ran.stderr.strip().splitlines()) == 1
    assert fragment in ran.stderr and not (tmp_path / "r").exists()


def test_review_rules_too_large_for_the_memory_stop_a_sweep_before_its_folder(
    spec, tmp_path, cli, monkeypatch
):
    """A sweep under ``adaptive`` fits its rules in the main process, on the base's
    ``decision_training_paths``: 42 kB a path (models/inputs/memory.py), so 1,000,000 of
    them need 43 GB. Refused before the folder, as a report is; under ``fixed`` nothing
    is fitted and nothing refused."""
    from models.runner import resources
    from models.uncertainty import montecarlo

    monkeypatch.setattr(resources, "memory_available", lambda: 20e9)
    spec.write_text(
        SMALL.replace("decision_training_paths: 1000", "decision_training_paths: 1000000")
    )
    assert not load_sweep(spec).needs_rules
    ran = cli("sweep", spec, "--reports", tmp_path / "fixed", "--workers", "0", "--no-report")
    assert ran.returncode == 0, ran.stderr
    spec.write_text(spec.read_text().replace("decision_rule: fixed", "decision_rule: adaptive"))

    def fit(*_):  # what the sweep would otherwise try, and the machine not survive
        raise AssertionError("the rules were fitted on 1,000,000 training paths")

    monkeypatch.setattr(montecarlo, "fit_rules", fit)
    ran = cli("sweep", spec, "--reports", tmp_path / "r", "--workers", "0")
    assert ran.returncode == 2 and len(ran.stderr.strip().splitlines()) == 1, ran.stderr
    assert "decision_training_paths=1,000,000: fitting the review rules" in ran.stderr
    assert "expected at most about 454,000 training paths" in ran.stderr
    assert not (tmp_path / "r").exists()


def test_a_point_too_large_for_a_worker_is_refused(spec, tmp_path, cli, monkeypatch):
    """A point of the most paths allowed fits a worker's 2 GB (1.3 GB estimated,
    1.15 GB measured: models/inputs/memory.py); on a smaller budget it is refused."""
    from models.inputs import sweep_spec

    spec.write_text(SMALL.replace("paths: 40", "paths: 2000000"))
    assert load_sweep(spec).paths == 2_000_000
    monkeypatch.setattr(sweep_spec, "WORKER_BUDGET", 1.0e9)
    fragment = "paths=2,000,000: one point needs about 1.3 GB; a worker has 1 GB; expected at most"
    with pytest.raises(ScenarioFileError, match=fragment.replace(".", r"\.")):
        load_sweep(spec)
    ran = cli("sweep", spec, "--reports", tmp_path / "r", "--workers", "0")
    assert ran.returncode == 2 and len(ran.stderr.strip().splitlines()) == 1
    assert fragment in ran.stderr and not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["nope.yaml"], "sweep file nope.yaml: not found (expected a sweep file, e.g. data/sweeps"),
        (["data/scenarios/base.yaml"], "a sweep file names a base scenario and the inputs"),
        (["data/sweeps/partner_terms.yaml", "--workers", "-1"], "expected a whole number of"),
    ],
)
def test_a_new_users_mistakes_say_what_to_do(tmp_path, cli, args, fragment):
    ran = cli("sweep", *args, "--reports", tmp_path / "r")
    assert ran.returncode == 2 and len(ran.stderr.strip().splitlines()) == 1, ran.stderr
    assert fragment in ran.stderr and not (tmp_path / "r").exists()


def test_the_example_sweep_file_is_valid():
    sweep = load_sweep(ROOT / "data" / "sweeps" / "partner_terms.yaml")
    assert len(sweep.points) == 42 and sweep.base.decision_rule == "fixed"


@pytest.mark.slow
def test_the_sweep_report_maps_the_decision_offline(tmp_path, cli):
    spec = tmp_path / "map.yaml"
    # the plan-sized yardstick (tests/conftest.py's PLAN_YARDSTICK) and a wide share of
    # payers open: a market where more than one mode wins, so that the boxes are tested
    spec.write_text(
        SMALL.replace("[0.1, 0.4]", "{low: 0.1, high: 0.6, steps: 3}")
        .replace("steps: 2", "steps: 3")
        .replace("low: 0.1, high: 0.3", "low: 0.2, high: 0.8")
        .replace("paths: 40", "paths: 200")
        + "market_reference_catalogue_titles: 300.0\n"
    )
    ran = cli("sweep", spec, "--reports", tmp_path / "r", "--workers", "0")
    assert ran.returncode == 0, ran.stderr
    table_path, html_path = (Path(x) for x in ran.stdout.split())
    page = html_path.read_text()
    assert external_references(page) == []
    assert "Recommended mode by partner&#x27;s revenue share and share of payers" in page or (
        "Recommended mode by partner" in page
    )
    assert "Where each mode wins" in page and "Coverage" in page
    index = (tmp_path / "r" / "index.html").read_text()
    assert str(html_path.relative_to(tmp_path / "r")) in index  # the index links it
    table = pd.read_parquet(table_path)
    winners = set(table.drop_duplicates("point")["recommended"])
    assert len(winners) > 1, winners  # else the boxes would not be tested
    assert "is recommended in " in page  # a box per mode that wins somewhere


def test_only_a_sweep_under_the_adaptive_rule_fits_review_rules(spec, tmp_path):
    assert not load_sweep(spec).needs_rules
    adaptive = tmp_path / "adaptive.yaml"
    adaptive.write_text(SMALL.replace("decision_rule: fixed", "decision_rule: adaptive"))
    assert load_sweep(adaptive).needs_rules
    out = run_sweep(spec, reports_dir=tmp_path / "r", workers=0, report=False)
    assert out.timings["rules"] < 0.01 and out.timings["points"] > 0


@pytest.mark.slow
def test_local_workers_keep_blas_to_one_thread_and_large_malloc_thresholds():
    """The workers' environment adds to Dask's own instead of replacing it: a worker's
    BLAS threads fighting the other worker cost the 1-to-2-worker speed-up (issue 12)."""
    from models.runner.sweep_run import WORKER_ENV, _client

    client, cluster = _client(1, None)
    try:
        env = next(iter(client.run(lambda: dict(__import__("os").environ)).values()))
    finally:
        client.close()
        cluster.close()
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        assert env.get(name) == "1", name
    for name, value in WORKER_ENV.items():
        assert env.get(name) == value, name


@pytest.mark.slow
def test_a_running_scheduler_gives_the_same_table(spec, tmp_path):
    """``--scheduler ADDRESS``: the points go to a cluster the sweep did not start."""
    from dask.distributed import Client, LocalCluster, default_client

    local = pd.read_parquet(
        run_sweep(spec, reports_dir=tmp_path / "a", workers=0, report=False).table
    )
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as mine,  # a notebook user's own client
    ):
        out = run_sweep(
            spec, reports_dir=tmp_path / "b", scheduler=cluster.scheduler_address, report=False
        )
        assert cluster.scheduler.workers  # the cluster is still up: the sweep only left it
        assert default_client() is mine and mine.status == "running"  # and left it alone
    pd.testing.assert_frame_equal(pd.read_parquet(out.table), local)


def test_a_sweep_freezes_no_heap_but_its_own_workers(spec, tmp_path):
    """A worker of the sweep's own cluster moves its warm heap out of the garbage
    collector's sight (``freeze_heap``: 2-3 ms a point); a process that lives on, here a
    user's kernel whose cluster runs its workers as threads, must not be frozen: a
    reference cycle in it would never be freed (the review of issue 25 found it)."""
    import gc

    from dask.distributed import Client, LocalCluster

    frozen = gc.get_freeze_count()
    run_sweep(spec, reports_dir=tmp_path / "a", workers=0, report=False)
    assert gc.get_freeze_count() == frozen
    with (
        LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=False,
            protocol="tcp",
            dashboard_address=None,
        ) as cluster,
        Client(cluster),
    ):
        run_sweep(
            spec, reports_dir=tmp_path / "b", scheduler=cluster.scheduler_address, report=False
        )
    assert gc.get_freeze_count() == frozen
    from models.runner.sweep_run import _client

    client, cluster = _client(1, None)
    try:
        client.run(__import__("models.analysis.sweep", fromlist=["x"]).freeze_heap)
        counts = client.run(gc.get_freeze_count)
    finally:
        client.close()
        cluster.close()
    assert all(n > 10_000 for n in counts.values()), counts


def test_a_scheduler_that_does_not_answer_is_refused_before_anything_is_written(
    spec, tmp_path, cli, monkeypatch
):
    import socket

    from models.runner import sweep_run

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setattr(sweep_run, "CONNECT_TIMEOUT_S", 1.0)
    address = f"tcp://127.0.0.1:{port}"
    with pytest.raises(SetupError, match=rf"--scheduler '{address}': no Dask"):
        run_sweep(spec, reports_dir=tmp_path / "r", scheduler=address)
    for bad in ("nonsense", "foo://x", ""):  # distributed's own errors vary: one line each
        with pytest.raises(SetupError, match="expected the address of a running scheduler"):
            sweep_run._connect(bad)
    ran = cli("sweep", spec, "--reports", tmp_path / "r", "--scheduler", address)
    assert ran.returncode == 2 and len(ran.stderr.strip().splitlines()) == 1, ran.stderr
    assert "expected the address of a running scheduler" in ran.stderr
    assert not (tmp_path / "r" / "_sweeps").exists()


def test_the_chunk_bar_shows_on_a_terminal_only(monkeypatch):
    import io
    import sys

    from models.runner.cli import _chunk_bar

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert _chunk_bar(hidden=False) is None  # stderr is not a terminal under pytest
    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert _chunk_bar(hidden=True) is None
    tick = _chunk_bar(hidden=False)
    for done in (1, 2, 3):  # a resumed sweep starts at 1 of 3
        tick(done, 3)
    assert "1/3" in term.getvalue() and "3/3" in term.getvalue()


@pytest.mark.slow
def test_a_failure_on_the_workers_closes_the_local_cluster(spec, tmp_path, monkeypatch):
    """A worker that cannot import the engine fails the sweep in one line and leaves no
    worker process or default client behind (found in review)."""
    import psutil
    from distributed import default_client

    from models.runner import sweep_run

    def missing():
        raise ModuleNotFoundError("No module named 'numba'")

    monkeypatch.setattr(sweep_run, "warm_up", missing)
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with pytest.raises(ReportError, match="No module named 'numba'"):
        run_sweep(spec, reports_dir=tmp_path / "r", workers=1, report=False)
    left = [  # multiprocessing's helpers live as long as this process: not the cluster's
        p
        for p in psutil.Process().children(recursive=True)
        if p.pid not in before and not {"resource_tracker", "forkserver"} & set(_words(p))
    ]
    _, alive = psutil.wait_procs(left, timeout=10)
    assert not alive
    with pytest.raises(ValueError):  # a sweep never makes its clients the default
        default_client()
    (run_dir,) = (tmp_path / "r" / "_sweeps" / "tiny").iterdir()
    assert json.loads((run_dir / "manifest.json").read_text())["status"] == "failed"


def _words(process) -> list[str]:
    """The words of a process's command line (``a.b import main`` gives a, b, ...)."""
    import re

    try:
        return re.findall(r"[a-z_]+", " ".join(process.cmdline()))
    except Exception:  # gone meanwhile
        return []


def test_a_latin_hypercube_sweep_puts_one_point_in_every_stratum(tmp_path):
    spec = tmp_path / "lhs.yaml"
    spec.write_text(
        "name: lhs\nbase: data/scenarios/base.yaml\ndesign: lhs\npoints: 40\npaths: 10\n"
        "vary:\n  partner_revenue_share: {low: 0.1, high: 0.5}\n"
        "  market_foreign_premium_share: {low: 0.05, high: 0.35}\n"
    )
    points = load_sweep(spec).points
    for name, (low, high) in {
        "partner_revenue_share": (0.1, 0.5),
        "market_foreign_premium_share": (0.05, 0.35),
    }.items():
        strata = np.floor((points[name] - low) / (high - low) * 40).astype(int)
        assert sorted(strata) == list(range(40)), name
    pd.testing.assert_frame_equal(load_sweep(spec).points, points)  # the seed's stream
