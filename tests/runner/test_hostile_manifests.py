"""Hostile input on the surfaces that read earlier runs (issue 24): damaged or foreign
manifests, retention that meets a file it cannot remove, control characters from a
manifest, the limits' options on ``run`` and ``batch``, and ``check`` against the run.

Fast: no notebook is executed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from models.analysis import rundiff
from models.exceptions import ScenarioFileError
from models.inputs.scenario import load, save
from models.reporting import since_blocks
from models.runner import index, retention
from models.runner import run as runner
from tests.conftest import ROOT, tree

SCENARIO = ROOT / "data" / "scenarios" / "base.yaml"


def _manifest(folder: Path, **fields) -> Path:
    """A small, valid run manifest in ``folder`` (``fields`` replace its keys)."""
    folder.mkdir(parents=True, exist_ok=True)
    m = {
        "run_id": folder.name,
        "scenario": folder.parent.name,
        "scenario_name": "Base",
        "status": "succeeded",
        "started": "2026-01-01T00:00:00+00:00",
        "headline": {"recommended": "license", "modes": {"license": {"mean": 10.0}}},
        "parameters_given": {"n_paths": 1000},
        "inputs": {"data": {}, "notebooks": {}},
        "packages": {},
        "notebooks": ["entry_decision.ipynb"],
    }
    m.update(fields)
    (folder / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    return folder


BIG = "1" + "0" * 400  # 10^400: valid JSON, beyond a float

#: Each damage, as the manifest's text, and the words that name it in the refusal.
DAMAGED = {
    "naive time": ({"started": "2026-01-02T00:00:00"}, "has no time zone"),
    "list for a mapping": ({"headline": {"modes": []}}, "headline.modes"),
    "inputs a list": ({"inputs": []}, "inputs is a list"),
    "packages text": ({"packages": "numpy"}, "packages is a str"),
    "given a list": ({"parameters_given": [1, 2]}, "parameters_given is a list"),
    "official text": ({"official": "no"}, "official"),
    "huge number": ({"headline": {"modes": {"license": {"mean": "BIG"}}}}, "too large"),
}


def _damaged(folder: Path, case: str) -> Path:
    fields, _ = DAMAGED[case]
    _manifest(folder, **fields)
    path = folder / "manifest.json"
    path.write_text(path.read_text().replace('"BIG"', BIG))
    return folder


# -- (a) a damaged earlier manifest: refused when named, skipped everywhere else -------------


@pytest.mark.parametrize("case", list(DAMAGED))
def test_diff_and_reproduce_refuse_a_damaged_manifest_in_one_line(tmp_path, cli, case):
    good = _manifest(tmp_path / "r/base/20260101T000000Z-aaaaaa")
    bad = _damaged(tmp_path / "r/base/20260102T000000Z-bbbbbb", case)
    before = tree(tmp_path)
    for args in (("diff", good, bad), ("diff", "--json", bad, good), ("reproduce", bad)):
        ran = cli(*args)
        assert ran.returncode == 2, (args, ran.stderr)
        assert len(ran.stderr.strip().splitlines()) == 1 and ran.stdout == ""
        assert str(bad) in ran.stderr and DAMAGED[case][1] in ran.stderr
    assert tree(tmp_path) == before


@pytest.mark.parametrize("case", [c for c in DAMAGED if c != "naive time"])  # shown as text
def test_the_index_skips_a_damaged_manifest_with_a_warning(tmp_path, cli, case):
    _manifest(tmp_path / "r/base/20260101T000000Z-aaaaaa")
    _damaged(tmp_path / "r/base/20260102T000000Z-bbbbbb", case)
    ran = cli("index", "--reports", tmp_path / "r")
    assert ran.returncode == 0, ran.stderr
    [warning] = ran.stderr.strip().splitlines()
    assert "skipping manifest" in warning and "20260102T000000Z-bbbbbb" in warning
    page = (tmp_path / "r/index.html").read_text()
    assert "20260101T000000Z-aaaaaa" in page and "20260102T000000Z-bbbbbb" not in page


@pytest.mark.parametrize("case", list(DAMAGED))
def test_since_the_last_run_skips_a_damaged_latest(tmp_path, case):
    scenario = tmp_path / "r/base"
    older = _manifest(scenario / "20260101T000000Z-aaaaaa")
    bad = _damaged(scenario / "20260102T000000Z-bbbbbb", case)
    (scenario / "latest").symlink_to(bad.name)
    here = scenario / "20260103T000000Z-cccccc"
    here.mkdir()
    assert since_blocks.previous_run(here) == older  # the good run before it
    older.joinpath("manifest.json").unlink()
    assert since_blocks.previous_run(here) is None  # nothing to compare: a note, no error
    assert "No earlier run" in str(since_blocks.since_last_run(None, here))


def test_a_damaged_manifest_does_not_stop_retention(tmp_path):
    scenario = tmp_path / "base"
    runs = [_manifest(scenario / f"2026010{i}T000000Z-aaaaaa") for i in range(1, 4)]
    _damaged(runs[0], "list for a mapping")
    removed = retention.prune(scenario, 1)
    assert removed == runs[:2] and retention.run_folders(scenario) == runs[2:]


def test_manifest_problem_accepts_a_real_manifest_shape():
    m = json.loads(_manifest(Path("/tmp") / "hm-ok" / "x").joinpath("manifest.json").read_text())
    assert rundiff.manifest_problem(m) is None
    assert rundiff.manifest_problem({**m, "started": None}) is None
    assert rundiff.manifest_problem([m]) == "a list, expected a mapping"
    shutil.rmtree(Path("/tmp") / "hm-ok")


# -- (b) --keep: a run removed whole or not at all -----------------------------------------


def test_keep_that_cannot_finish_a_deletion_hides_the_run_and_reports_it(
    tmp_path, monkeypatch, caplog
):
    reports = tmp_path / "r"
    runs = [_manifest(reports / "base" / f"2026010{i}T000000Z-aaaaaa") for i in range(1, 4)]
    (runs[0] / "a.html").write_text("x")
    real = shutil.rmtree

    def half(path, *a, **k):  # deletes one file, then fails, as a read-only file would
        next(Path(path).glob("*.html")).unlink()
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(shutil, "rmtree", half)
    removed = retention.prune(reports / "base", 2)  # no exception: the run succeeded
    assert removed == runs[:1]
    assert retention.run_folders(reports / "base") == runs[1:]
    assert "could not be deleted completely" in caplog.text
    index.write_index(reports)
    assert runs[0].name not in (reports / "index.html").read_text()  # not listed half-gone
    monkeypatch.setattr(shutil, "rmtree", real)
    retention.prune(reports / "base", 2)  # the next --keep finishes it
    assert sorted(p.name for p in (reports / "base").iterdir()) == [r.name for r in runs[1:]]


def test_keep_that_cannot_move_a_run_aside_leaves_it_whole(tmp_path, monkeypatch, caplog):
    scenario = tmp_path / "base"
    runs = [_manifest(scenario / f"2026010{i}T000000Z-aaaaaa") for i in range(1, 3)]
    before = tree(tmp_path)

    def refuse(*a):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(retention.os, "rename", refuse)
    assert retention.prune(scenario, 1) == []
    assert tree(tmp_path) == before and "left in place" in caplog.text
    assert retention.run_folders(scenario) == runs


# -- (c) control characters from a manifest, (d) NaN in diff --json ---------------------------


def test_diff_escapes_control_characters_read_from_manifests(tmp_path, cli):
    a = _manifest(tmp_path / "r/base/20260101T000000Z-aaaaaa")
    b = _manifest(
        tmp_path / "r/base/20260102T000000Z-bbbbbb",
        packages={"numpy\x1b[2J": "1\x1b[31m"},
        headline={"recommended": "lic\x1b[2Jense", "modes": {"license": {"mean": 10.0}}},
    )
    ran = cli("diff", a, b)
    assert ran.returncode == 0, ran.stderr
    assert "\x1b" not in ran.stdout and "\\x1b[2J" in ran.stdout
    ran = cli("diff", "--json", a, b)
    assert "\x1b" not in ran.stdout and json.loads(ran.stdout)["packages"]


def test_diff_json_writes_nan_and_infinity_as_null(tmp_path, cli):
    a = _manifest(tmp_path / "r/base/20260101T000000Z-aaaaaa")
    b = _manifest(
        tmp_path / "r/base/20260102T000000Z-bbbbbb",
        headline={"recommended": "license", "modes": {"license": {"mean": float("nan")}}},
        parameters_given={"n_paths": 1000, "market_price_elasticity": float("-inf")},
    )
    ran = cli("diff", "--json", a, b)
    assert ran.returncode == 0, ran.stderr
    assert "NaN" not in ran.stdout and "Infinity" not in ran.stdout
    out = json.loads(ran.stdout)
    [row] = [r for r in out["headline"] if r["key"] == "modes.license.mean"]
    assert row["b"] is None and out["parameters"]["market_price_elasticity"] == [None, None]


# -- (e) the limits: one rule on run and batch, refused before anything is written -----------

BAD_LIMITS = [
    ("--timeout", "1e-9"),
    ("--timeout", "0"),
    ("--timeout", "-1"),
    ("--timeout", "nan"),
    ("--timeout", "inf"),
    ("--cell-timeout", "2.5"),
    ("--cell-timeout", "0"),
    ("--cell-timeout", "nan"),
]


@pytest.mark.parametrize("command", ["run", "batch"])
@pytest.mark.parametrize(("option", "value"), BAD_LIMITS)
def test_bad_limits_are_refused_alike_by_run_and_batch(tmp_path, cli, command, option, value):
    ran = cli(command, SCENARIO, "--reports", tmp_path / "r", option, value)
    assert ran.returncode == 2
    [line] = ran.stderr.strip().splitlines()
    assert option in line and repr(value) in line and "seconds >= 1" in line
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"timeout": 1e-9}, "--timeout=1e-09"),
        ({"timeout": float("nan")}, "--timeout=nan"),
        ({"cell_timeout": 2.5}, "--cell-timeout=2.5"),
        ({"cell_timeout": True}, "--cell-timeout=True"),
    ],
)
def test_run_report_applies_the_same_rule(tmp_path, kwargs, fragment):
    with pytest.raises(runner.ParameterError, match=fragment):
        runner.run_report(SCENARIO, reports_dir=tmp_path / "r", progress=False, **kwargs)
    assert not (tmp_path / "r").exists()


def test_a_good_limit_reaches_each_run_of_a_batch(tmp_path, cli, monkeypatch):
    from models.runner import batch

    seen = {}

    def fake(scenarios, **kw):
        seen.update(kw, scenarios=scenarios)
        return [], None, 0.0

    monkeypatch.setattr(batch, "run_batch", fake)
    ran = cli("batch", SCENARIO, "--timeout", "1.5", "--cell-timeout", "30", "--keep", "3")
    assert ran.returncode == 0, ran.stderr
    args = seen["run_args"]
    assert args[args.index("--timeout") + 1] == "1.5"
    assert args[args.index("--cell-timeout") + 1] == "30"


# -- (f) batch: a scenario named -x.yaml, relative paths from another folder ----------------


def test_batch_passes_absolute_paths_so_a_dash_name_is_a_file(tmp_path, cli, monkeypatch):
    from models.runner import batch

    (tmp_path / "-dash.yaml").write_text(SCENARIO.read_text())
    seen = {}

    def fake(scenarios, **kw):
        seen.update(kw, scenarios=scenarios)
        return [], None, 0.0

    monkeypatch.setattr(batch, "run_batch", fake)
    ran = cli("batch", "./-dash.yaml", "--reports", "out", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert seen["scenarios"] == [tmp_path / "-dash.yaml"]
    assert seen["reports_dir"] == tmp_path / "out"
    cmd = batch._command(seen["scenarios"][0], seen["reports_dir"], [])
    assert cmd[cmd.index("run") + 1] == str(tmp_path / "-dash.yaml")  # not an option


# -- (g) check refuses what the run would -------------------------------------------------


@pytest.mark.parametrize("n", ["2", "5", "6"])
def test_check_refuses_too_few_paths_for_the_correlations(tmp_path, cli, n):
    ran = cli("check", SCENARIO, "-p", "n_paths", n)
    assert ran.returncode == 2
    [line] = ran.stderr.strip().splitlines()
    assert f"n_paths={n}" in line and "correlat" in line


def test_check_accepts_few_paths_without_correlations(cli):
    ran = cli("check", SCENARIO, "-p", "n_paths", "2", "-p", "correlations", "[]")
    assert ran.returncode == 0, ran.stderr


# -- (i) scenario.save --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("a\x00b.yaml", "NUL"), ("x" * 300 + ".yaml", "305 bytes"), ("é" * 120 + ".yaml", "bytes")],
)
def test_save_refuses_impossible_names_as_scenario_file_errors(tmp_path, name, fragment):
    with pytest.raises(ScenarioFileError, match=fragment) as err:
        save(load(SCENARIO), tmp_path / name)
    assert "\n" not in str(err.value) and len(str(err.value)) < 200
    assert list(tmp_path.iterdir()) == []


# -- (e, h) the run's limits and signals: one line, the folder marked, tracebacks in run.log --


def _fake_papermill(monkeypatch, seen: dict, raise_=None):
    """Papermill that records its arguments and writes the notebook unexecuted (or
    raises ``raise_``): the run path without a kernel."""
    import nbformat
    import papermill

    def execute_notebook(src, dest, **kw):
        seen.update(kw)
        if raise_ is not None:
            raise raise_
        nbformat.write(nbformat.read(src, as_version=4), dest)

    monkeypatch.setattr(papermill, "execute_notebook", execute_notebook)


def test_a_whole_second_cell_timeout_reaches_nbclient_as_an_int(tmp_path, cli, monkeypatch):
    seen: dict = {}
    _fake_papermill(monkeypatch, seen)
    monkeypatch.setattr(runner, "notebook_to_html", lambda nb, title: "<html></html>")
    ran = cli(
        "run", SCENARIO, "--reports", tmp_path / "r", "--cell-timeout", "30", "--timeout", "1.5"
    )
    assert ran.returncode == 0, ran.stderr
    assert seen["execution_timeout"] == 30 and type(seen["execution_timeout"]) is int
    # the kernel's own stdout and stderr go to the run's log, not to the terminal
    manager = seen["kernel_manager_class"]
    launched = {}

    async def launch(self, cmd, **kw):
        launched.update(kw)

    from jupyter_client.manager import AsyncKernelManager

    monkeypatch.setattr(AsyncKernelManager, "_async_launch_kernel", launch)
    import asyncio

    asyncio.run(manager(kernel_name="market-entry")._async_launch_kernel(["k"]))
    [run] = retention.run_folders(tmp_path / "r" / "base")
    assert Path(launched["stderr"].name) == run / "run.log"
    assert launched["stdout"].name == launched["stderr"].name


def test_a_deadline_as_the_limit_is_set_marks_the_run_timed_out(tmp_path, cli, monkeypatch):
    import contextlib

    from models.runner.limits import Deadline

    @contextlib.contextmanager
    def strikes_at_once(self):
        raise Deadline()
        yield self

    monkeypatch.setattr(runner.Limits, "active", strikes_at_once)
    ran = cli("run", SCENARIO, "--reports", tmp_path / "r", "--timeout", "1")
    assert ran.returncode == 124, ran.stderr
    assert ran.stderr.strip().splitlines()[-1].startswith("market-entry: error: scenario base")
    [run] = retention.run_folders(tmp_path / "r" / "base")
    assert run.name.endswith("-failed")
    assert json.loads((run / "manifest.json").read_text())["status"] == "timed out"


@pytest.mark.parametrize("where", ["in the notebook", "as the limit is set"])
def test_an_interrupted_run_says_where_it_is_kept_in_one_line(tmp_path, cli, monkeypatch, where):
    import contextlib

    @contextlib.contextmanager
    def stopped(self):
        raise KeyboardInterrupt("signal 15")
        yield self

    if where == "in the notebook":
        _fake_papermill(monkeypatch, {}, raise_=KeyboardInterrupt("signal 15"))
    else:
        monkeypatch.setattr(runner.Limits, "active", stopped)
    ran = cli("run", SCENARIO, "--reports", tmp_path / "r")
    assert ran.returncode == 130
    [run] = retention.run_folders(tmp_path / "r" / "base")
    last = ran.stderr.strip().splitlines()[-1]
    assert last == (
        f"market-entry: interrupted: scenario base: partial notebook kept in {run} "
        "(latest unchanged)"
    )
    assert "Traceback" not in ran.stderr
    assert json.loads((run / "manifest.json").read_text())["status"] == "interrupted"


def test_the_event_loops_leftover_tracebacks_stay_off_the_terminal():
    import logging

    from models.runner.cli import _quiet_event_loop

    record = logging.LogRecord("asyncio", logging.ERROR, "", 0, "Task exception", (), None)
    assert not _quiet_event_loop(record)
    other = logging.LogRecord("models.runner.run", logging.ERROR, "", 0, "x", (), None)
    assert _quiet_event_loop(other)


_TINY_RUN = """
import sys
from pathlib import Path
from tests.runner.test_operations import tiny_notebooks
from models.runner import run as runner
runner.NOTEBOOKS = tiny_notebooks(Path(sys.argv[1]) / "nb", "import time\\ntime.sleep(60)")
from models.runner.cli import main
sys.exit(main(["run", "data/scenarios/base.yaml", "--reports", sys.argv[1] + "/r",
               "--no-progress", *sys.argv[2:]]))
"""


@pytest.mark.slow
@pytest.mark.parametrize("stop", ["--timeout", "SIGTERM", "SIGINT"])
def test_a_stopped_kernel_leaves_its_traceback_in_run_log_only(tmp_path, stop):
    import os
    import signal
    import subprocess
    import sys

    args = ["--timeout", "4"] if stop == "--timeout" else []
    proc = subprocess.Popen(
        [sys.executable, "-c", _TINY_RUN, str(tmp_path), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a group of its own, as a terminal's job: Ctrl-C reaches all
        # and Ctrl-C's default action, as a terminal's foreground job has it: a test run
        # started in the background of a non-interactive shell inherits SIGINT ignored,
        # and Python then never raises KeyboardInterrupt (the run went on to the end)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    if stop != "--timeout":
        log = tmp_path / "r" / "base"
        for _ in range(600):  # until the notebook runs (its kernel has started)
            if any(log.glob("*/entry_decision.ipynb")) or any(log.glob("*/run.log")):
                break
            subprocess.run(["sleep", "0.1"])
        subprocess.run(["sleep", "3"])
        os.killpg(proc.pid, getattr(signal, stop))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == (124 if stop == "--timeout" else 130), err
    assert "Traceback" not in err and out == ""
    lines = [ln for ln in err.splitlines() if not ln.startswith("INFO ")]
    assert len(lines) == 1 and "-failed" in lines[0], err
    [run] = retention.run_folders(tmp_path / "r" / "base")
    status = json.loads((run / "manifest.json").read_text())["status"]
    assert status == ("timed out" if stop == "--timeout" else "interrupted")
