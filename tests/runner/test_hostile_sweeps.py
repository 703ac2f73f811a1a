"""Hostile input and faults on ``market-entry sweep`` (issue 24): tampered chunks,
grids too large to allocate, bad bounds, worker counts and scheduler addresses, run ids
started in the same second, a full disk, and a resumed folder copied out of its tree.

Every refusal is one line with the documented exit code and writes nothing; nothing is
silently lost. The kill -9 case is the "chunk written but not recorded" case below: a
chunk is trusted only as ``manifest.json`` records it, and the record follows the write.
"""

from __future__ import annotations

import errno
import itertools
import json
import logging
import math
import shutil
import socket
import threading
from pathlib import Path

import pandas as pd
import pytest

from models.exceptions import ParameterError, ScenarioFileError
from models.inputs import sweep_spec
from models.inputs.sweep_spec import MAX_POINTS, load_sweep
from models.runner import sweep_run
from models.runner.sweep_run import _chunk_path, run_sweep
from tests.conftest import tree
from tests.runner.test_sweep import SMALL


@pytest.fixture
def spec(tmp_path):
    """The small grid sweep of tests/runner/test_sweep.py, as a file."""
    path = tmp_path / "tiny.yaml"
    path.write_text(SMALL)
    return path


@pytest.fixture
def whole(spec, tmp_path):
    """A finished sweep of four one-point chunks, and its table."""
    out = run_sweep(spec, reports_dir=tmp_path / "r", workers=0, report=False)
    return out, pd.read_parquet(out.table)


def _one_error_line(ran, code: int) -> str:
    """The refusal's line: exit ``code``, exactly one ``error`` line, no traceback."""
    assert ran.returncode == code, ran.stderr
    assert "Traceback" not in ran.stderr, ran.stderr
    errors = [line for line in ran.stderr.splitlines() if "error" in line.lower()]
    assert len(errors) == 1, ran.stderr
    return errors[0]


# --- silent data loss: chunks emptied, truncated or swapped by hand -----------------


def _empty(run_dir: Path) -> None:
    _chunk_path(run_dir, 1).write_bytes(b"")


def _truncate(run_dir: Path) -> None:
    path = _chunk_path(run_dir, 1)
    path.write_bytes(path.read_bytes()[:100])


def _swap(run_dir: Path) -> None:  # another chunk of the same sweep: point 2 twice
    shutil.copyfile(_chunk_path(run_dir, 2), _chunk_path(run_dir, 1))


def _no_rows(run_dir: Path) -> None:  # a valid parquet file with no points at all
    path = _chunk_path(run_dir, 1)
    pd.read_parquet(path).iloc[:0].to_parquet(path, index=False)


def _foreign(run_dir: Path) -> None:  # the same point of another sweep (other paths)
    frame = pd.read_parquet(_chunk_path(run_dir, 1))
    frame["mean_npv_usd_m"] += 1.0
    frame.to_parquet(_chunk_path(run_dir, 1), index=False)


@pytest.mark.parametrize("tamper", [_empty, _truncate, _swap, _no_rows, _foreign])
def test_a_tampered_chunk_is_computed_again_on_resume(spec, whole, tamper, caplog):
    out, expected = whole
    out.table.unlink()
    tamper(out.run_dir)
    with caplog.at_level(logging.WARNING, logger="models.runner.sweep_run"):
        again = run_sweep(spec, workers=0, resume=out.run_dir, report=False)
    assert again.chunks_computed == 1  # chunk 1 only, the others are as recorded
    assert "chunk-00001.parquet" in caplog.text and "computing it again" in caplog.text
    pd.testing.assert_frame_equal(pd.read_parquet(again.table), expected)


def test_a_chunk_written_but_not_recorded_is_computed_again(spec, whole):
    """As after a kill -9 between a chunk's write and the manifest's: not trusted."""
    out, expected = whole
    manifest = json.loads((out.run_dir / "manifest.json").read_text())
    assert set(manifest["chunks"]) == {"0", "1", "2", "3"}
    assert len(manifest["chunks"]["2"]["sha256"]) == 64 and manifest["chunks"]["2"]["rows"] > 0
    del manifest["chunks"]["2"]
    manifest["status"] = "running"
    (out.run_dir / "manifest.json").write_text(json.dumps(manifest))
    out.table.unlink()
    again = run_sweep(spec, workers=0, resume=out.run_dir, report=False)
    assert again.chunks_computed == 1
    pd.testing.assert_frame_equal(pd.read_parquet(again.table), expected)


def test_a_chunk_changed_during_the_sweep_fails_it_in_one_line(spec, tmp_path, cli, monkeypatch):
    """Checked again before the table is built: never a table missing points."""
    real = sweep_run.evaluate_chunk

    def and_swap(sweep, indices, rules):
        if indices == [3]:  # the last chunk: swap chunk 0 for chunk 1 meanwhile
            run_dir = next((tmp_path / "r" / "_sweeps" / "tiny").iterdir())
            shutil.copyfile(_chunk_path(run_dir, 1), _chunk_path(run_dir, 0))
        return real(sweep, indices, rules)

    monkeypatch.setattr(sweep_run, "evaluate_chunk", and_swap)
    ran = cli("sweep", spec, "--reports", tmp_path / "r", "--workers", "0", "--no-report")
    line = _one_error_line(ran, 1)
    assert "chunk-00000.parquet: changed since it was written" in line and "--resume" in line
    (run_dir,) = (tmp_path / "r" / "_sweeps" / "tiny").iterdir()
    assert not (run_dir / "sweep.parquet").exists()
    assert json.loads((run_dir / "manifest.json").read_text())["status"] == "failed"


# --- resource exhaustion: sizes checked before anything is allocated ----------------


@pytest.fixture
def no_huge_allocation(monkeypatch):
    """Fail the test (not the machine) if a grid axis or product is made beyond the cap."""
    linspace, product = sweep_spec.np.linspace, itertools.product

    def small_linspace(low, high, num, *args, **kwargs):
        assert num <= MAX_POINTS, f"linspace of {num:,} values"
        return linspace(low, high, num, *args, **kwargs)

    def small_product(*axes):
        assert math.prod(len(a) for a in axes) <= MAX_POINTS, "product beyond the cap"
        return product(*axes)

    monkeypatch.setattr(sweep_spec.np, "linspace", small_linspace)
    monkeypatch.setattr(itertools, "product", small_product)


FOUR_AXES = """vary:
  partner_revenue_share: {low: 0.1, high: 0.4, steps: 65536}
  market_foreign_premium_share: {low: 0.1, high: 0.3, steps: 65536}
  market_price_elasticity: {low: -2, high: -1, steps: 65536}
  market_svod_payer_share: {low: 0.1, high: 0.3, steps: 65536}
"""


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (
            ("steps: 2", "steps: 1000000000"),
            "market_foreign_premium_share: steps=1,000,000,000: the grid would have at least "
            "1,000,000,000 points; expected at most 200,000",
        ),
        (  # numpy's product of these sizes overflows to 0, which passed the cap
            (SMALL[SMALL.index("vary:") : SMALL.index("paths:")], FOUR_AXES),
            "65,536 x 65,536 x 65,536 x 65,536 = 18,446,744,073,709,551,616 points; "
            "expected at most 200,000",
        ),
    ],
)
def test_a_grid_too_large_is_refused_before_it_is_made(
    spec, tmp_path, cli, no_huge_allocation, edit, fragment
):
    spec.write_text(SMALL.replace(*edit))
    with pytest.raises(ScenarioFileError) as caught:
        load_sweep(spec)
    assert fragment in str(caught.value)
    ran = cli("sweep", spec, "--reports", tmp_path / "r", "--workers", "0")
    assert fragment in _one_error_line(ran, 2) and not (tmp_path / "r").exists()


def test_a_grid_within_the_cap_is_accepted(spec, no_huge_allocation):
    spec.write_text(SMALL.replace("[0.1, 0.4]", "{low: 0.1, high: 0.4, steps: 1000}"))
    assert len(load_sweep(spec).points) == 2000


@pytest.mark.parametrize("workers", ["1000000", str(4 * (sweep_run.os.cpu_count() or 1) + 1)])
def test_too_many_workers_are_refused_in_one_line(spec, tmp_path, cli, monkeypatch, workers):
    monkeypatch.setattr(sweep_run, "_client", _never)
    ran = cli("sweep", spec, "--reports", tmp_path / "r", "--workers", workers)
    line = _one_error_line(ran, 2)
    assert f"--workers {workers}: expected a whole number of workers from 0" in line
    assert not (tmp_path / "r").exists()
    with pytest.raises(ParameterError, match="four per core"):
        run_sweep(spec, reports_dir=tmp_path / "r", workers=10**6)


def test_workers_and_a_scheduler_together_are_refused(spec, tmp_path, cli):
    ran = cli(
        "sweep", spec, "--reports", tmp_path / "r", "--workers", "2", "--scheduler", "tcp://h:1"
    )
    assert "expected one of the two options" in _one_error_line(ran, 2)
    assert not (tmp_path / "r").exists()


def test_a_large_sweep_says_how_far_its_validation_is(spec, monkeypatch, caplog):
    spec.write_text(SMALL.replace("[0.1, 0.4]", "{low: 0.1, high: 0.4, steps: 10}"))
    monkeypatch.setattr(sweep_spec, "PROGRESS_FROM", 20)
    with caplog.at_level(logging.INFO, logger="models.inputs.sweep_spec"):
        load_sweep(spec)
    lines = [r.getMessage() for r in caplog.records if r.name == "models.inputs.sweep_spec"]
    assert lines[0].endswith("validating 20 points (about 0 s)")
    assert [line.split(": ")[-1] for line in lines[1:]] == [
        f"{k} of 20 points valid" for k in range(2, 21, 2)
    ]


def test_a_sweep_file_of_aliases_is_refused_in_one_line(tmp_path, cli):
    text = "name: lol\nvary:\n  partner_revenue_share: &a [0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1]\n"
    previous = "a"
    for i in range(1, 9):
        text += f"x{i}: &a{i} [" + ",".join([f"*{previous}"] * 10) + "]\n"
        previous = f"a{i}"
    (tmp_path / "lol.yaml").write_text(text)
    ran = cli("sweep", tmp_path / "lol.yaml", "--reports", tmp_path / "r", "--workers", "0")
    assert "too large; expected at most 100,000 values" in _one_error_line(ran, 2)
    assert not (tmp_path / "r").exists()


# --- tracebacks and wrong codes -----------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (("low: 0.1, high: 0.3", "low: abc, high: 0.3"), "low='abc': expected a finite number"),
        (("high: 0.3", "high: [1]"), "high=[1]: expected a finite number"),
        (("high: 0.3", "high: .inf"), "high=inf: expected a finite number"),
        (("steps: 2", "steps: true"), "steps=True: expected a whole number >= 1"),
        (("[0.1, 0.4]", "[0.1, .nan]"), "partner_revenue_share=[0.1, nan]: expected finite"),
        (("name: tiny", "name: [1]"), "name=[1]: expected a text"),
    ],
)
def test_bad_bounds_are_refused_naming_the_axis_and_value(spec, tmp_path, cli, edit, fragment):
    spec.write_text(SMALL.replace(*edit))
    ran = cli("sweep", spec, "--reports", tmp_path / "r", "--workers", "0")
    assert fragment in _one_error_line(ran, 2) and not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    ("low", "fragment"),
    [("x", "low='x', high=0.5"), ("false", "low=False, high=0.5"), (".nan", "low=nan")],
)
def test_bad_latin_hypercube_bounds_are_refused(tmp_path, cli, low, fragment):
    path = tmp_path / "lhs.yaml"
    path.write_text(
        "name: l\ndesign: lhs\npoints: 10\npaths: 10\ndecision_rule: fixed\n"
        f"vary:\n  partner_revenue_share: {{low: {low}, high: 0.5}}\n"
    )
    ran = cli("sweep", path, "--reports", tmp_path / "r", "--workers", "0")
    line = _one_error_line(ran, 2)
    assert "vary: partner_revenue_share: " + fragment in line and "low < high" in line


class _Forbidden(BaseException):
    """Raised by what a refused sweep must never reach (not caught as an Exception)."""


def _never(*args, **kwargs):
    raise _Forbidden("reached")


@pytest.mark.parametrize(
    ("address", "fragment"),
    [
        ("", "--scheduler '': no address given"),  # was: silently run locally
        ("  ", "no address given"),
        ("nonsense", "scheme '' is not one of tcp, tls"),
        ("udp://127.0.0.1:8786", "scheme 'udp' is not one of tcp, tls"),
        ("tcp://[::1", "not an address"),
        ("tcp://h:99999", "not an address (Port out of range"),
        ("tcp://host", "expected SCHEME://HOST:PORT"),
    ],
)
def test_a_bad_scheduler_address_is_refused_without_connecting(
    spec, tmp_path, cli, monkeypatch, address, fragment
):
    monkeypatch.setattr("dask.distributed.Client", _never)
    monkeypatch.setattr(sweep_run, "_client", _never)
    monkeypatch.setattr(sweep_run, "_probe", _never)
    ran = cli("sweep", spec, "--reports", tmp_path / "r", f"--scheduler={address}")
    line = _one_error_line(ran, 2)
    assert fragment in line and "expected the address of a running scheduler" in line
    assert not (tmp_path / "r").exists()


def test_a_closed_port_is_refused_without_a_dask_client(spec, tmp_path, cli, monkeypatch):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setattr("dask.distributed.Client", _never)
    ran = cli("sweep", spec, "--reports", tmp_path / "r", "--scheduler", f"tcp://127.0.0.1:{port}")
    assert "(Connection refused)" in _one_error_line(ran, 2)
    assert not (tmp_path / "r").exists()


def test_a_port_that_is_not_a_dask_scheduler_is_refused(spec, tmp_path, cli, monkeypatch):
    """A service that accepts and says nothing, or garbage: one line, no Client (whose
    failure printed a traceback when collected)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    held: list = []

    def chatter():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n" * 10)
            held.append(conn)

    threading.Thread(target=chatter, daemon=True).start()
    monkeypatch.setattr(sweep_run, "CONNECT_TIMEOUT_S", 1.0)
    monkeypatch.setattr("dask.distributed.Client", _never)
    try:
        ran = cli(
            "sweep", spec, "--reports", tmp_path / "r", "--scheduler", f"tcp://127.0.0.1:{port}"
        )
    finally:
        server.close()
        for conn in held:
            conn.close()
    assert "no Dask scheduler answers there" in _one_error_line(ran, 2)
    assert not (tmp_path / "r").exists()


def test_two_identical_sweeps_in_the_same_second_get_two_folders(spec, tmp_path, monkeypatch):
    import datetime as dt

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2026, 1, 1, tzinfo=tz)

    monkeypatch.setattr(sweep_run, "datetime", Frozen)
    first = run_sweep(spec, reports_dir=tmp_path / "r", workers=0, report=False)
    second = run_sweep(spec, reports_dir=tmp_path / "r", workers=0, report=False)
    assert second.run_dir == first.run_dir.with_name(first.run_dir.name + "-2")
    pd.testing.assert_frame_equal(pd.read_parquet(first.table), pd.read_parquet(second.table))


# --- faults: a full disk -------------------------------------------------------------


def _full(after: int, real):
    calls = {"n": 0}

    def write(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > after:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    return write


@pytest.mark.parametrize(
    ("target", "after", "code"),
    [("_write_parquet", 2, 1), ("write_atomic", 0, 2), ("write_atomic", 2, 1)],
)
def test_a_full_disk_fails_the_sweep_in_one_line(
    spec, tmp_path, cli, monkeypatch, target, after, code
):
    """Chunks (the third), the first manifest, or the manifest after a chunk: one line,
    and the manifest says failed wherever it could still be written."""
    real = getattr(sweep_run, target)
    monkeypatch.setattr(sweep_run, target, _full(after, real))
    monkeypatch.setattr(sweep_run, "SAVE_EVERY_S", 0.0)  # the manifest after every chunk
    ran = cli("sweep", spec, "--reports", tmp_path / "r", "--workers", "0", "--no-report")
    line = _one_error_line(ran, code)
    assert "No space left on device" in line
    (run_dir,) = (tmp_path / "r" / "_sweeps" / "tiny").iterdir()
    assert not (run_dir / "sweep.parquet").exists()
    if target == "_write_parquet":
        assert json.loads((run_dir / "manifest.json").read_text())["status"] == "failed"


# --- writes outside the reports folder -------------------------------------------------


def test_resuming_a_copied_folder_writes_only_into_it(spec, whole, tmp_path, monkeypatch):
    out, expected = whole
    copy = tmp_path / "elsewhere" / "deep" / "copy"
    shutil.copytree(out.run_dir, copy)
    _chunk_path(copy, 3).unlink()
    (copy / "sweep.parquet").unlink()
    indexed: list[Path] = []
    monkeypatch.setattr(sweep_run, "update_index", indexed.append)
    monkeypatch.setattr(
        "models.runner.aux_report.execute",
        lambda name, params, folder: _stub_report(folder),
    )
    outside = {k: v for k, v in tree(tmp_path).items() if not k.startswith("elsewhere/deep/copy")}
    again = run_sweep(spec, workers=0, resume=copy, report=True)
    assert again.chunks_computed == 1 and indexed == []  # no index.html in a grandparent
    after = {k: v for k, v in tree(tmp_path).items() if not k.startswith("elsewhere/deep/copy")}
    assert after == outside
    pd.testing.assert_frame_equal(pd.read_parquet(again.table), expected)
    # in its own tree the index is updated, as before
    fresh = run_sweep(spec, reports_dir=tmp_path / "r", workers=0, report=True)
    assert indexed == [(tmp_path / "r").resolve()] and fresh.run_dir.parent.name == "tiny"


def _stub_report(folder: Path) -> Path:
    page = Path(folder) / "sweep.html"
    page.write_text("<html></html>")
    return page


def test_a_sweep_folder_that_is_a_link_is_refused(spec, tmp_path, cli):
    victim = tmp_path / "victim"
    victim.mkdir()
    (tmp_path / "r" / "_sweeps").mkdir(parents=True)
    (tmp_path / "r" / "_sweeps" / "tiny").symlink_to(victim)
    ran = cli("sweep", spec, "--reports", tmp_path / "r", "--workers", "0", "--no-report")
    assert "_sweeps/tiny: is a link; expected a folder" in _one_error_line(ran, 2)
    assert tree(victim) == {}


def test_too_many_chunks_are_refused(spec, tmp_path, cli):
    spec.write_text(
        SMALL.replace("[0.1, 0.4]", "{low: 0.1, high: 0.4, steps: 6000}")
    )  # 12,000 points of one point each
    ran = cli("sweep", spec, "--reports", tmp_path / "r", "--workers", "0")
    line = _one_error_line(ran, 2)
    assert "chunk=1: 12,000 points make 12,000 chunks (files); expected at most 10,000" in line
    assert "a chunk of at least 2" in line and not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    ("damage", "fragment"),
    [
        (lambda d: (d / "manifest.json").write_text("[1, 2]"), "manifest.json is not a sweep's"),
        (lambda d: (d / "manifest.json").write_text("{"), "no readable manifest.json"),
        (lambda d: (d / "manifest.json").unlink(), "no readable manifest.json"),
    ],
)
def test_a_damaged_resume_folder_is_refused_in_one_line(spec, whole, cli, damage, fragment):
    out, _ = whole
    damage(out.run_dir)
    before = tree(out.run_dir)
    ran = cli("sweep", spec, "--workers", "0", "--no-report", "--resume", out.run_dir)
    assert fragment in _one_error_line(ran, 2)
    assert tree(out.run_dir) == before


def test_a_chunks_folder_that_is_a_link_is_refused(spec, whole, tmp_path, cli):
    out, _ = whole
    victim = tmp_path / "victim"
    shutil.move(out.run_dir / "chunks", victim)
    (out.run_dir / "chunks").symlink_to(victim)
    before = tree(victim)
    ran = cli("sweep", spec, "--workers", "0", "--no-report", "--resume", out.run_dir)
    assert "chunks is a link or not a folder" in _one_error_line(ran, 2)
    assert tree(victim) == before


KILLED_AT_CHUNK_2 = """
import os, signal, sys
from models.runner import sweep_run

real = sweep_run.evaluate_chunk


def evaluate_or_die(sweep, indices, rules):
    if indices == [2]:  # chunks 0 and 1 are written: kill -9, as the OOM killer would
        os.kill(os.getpid(), signal.SIGKILL)
    return real(sweep, indices, rules)


sweep_run.evaluate_chunk = evaluate_or_die
sweep_run.run_sweep(sys.argv[1], reports_dir=sys.argv[2], workers=0, report=False)
"""


@pytest.mark.slow
def test_a_sweep_killed_mid_way_resumes_to_the_same_table(spec, whole, tmp_path):
    """kill -9 mid-sweep: the folder says running, the chunks written are kept (those
    recorded are trusted, any other is computed again) and the resumed table is whole."""
    import signal
    import subprocess
    import sys

    from tests.conftest import ROOT

    _, expected = whole
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AT_CHUNK_2, str(spec), str(tmp_path / "k")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    (run_dir,) = (tmp_path / "k" / "_sweeps" / "tiny").iterdir()
    assert json.loads((run_dir / "manifest.json").read_text())["status"] == "running"
    assert not (run_dir / "sweep.parquet").exists()
    again = run_sweep(spec, workers=0, resume=run_dir, report=False)
    assert 2 <= again.chunks_computed <= 4
    pd.testing.assert_frame_equal(pd.read_parquet(again.table), expected)
    assert json.loads((run_dir / "manifest.json").read_text())["status"] == "succeeded"
