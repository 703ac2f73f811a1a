"""The scheduling recipes of docs/operations.md work as written, as far as this machine
allows: the cron line runs in cron's bare environment; the systemd units pass
`systemd-analyze verify`; the Airflow DAG compiles and its command parses."""

from __future__ import annotations

import json
import py_compile
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from models.runner.cli import build_parser
from tests.conftest import ROOT

OPS = ROOT / "docs" / "ops"
DOCS = (ROOT / "docs" / "operations.md").read_text()


def cron_line() -> str:
    lines = [ln for ln in (OPS / "crontab.txt").read_text().splitlines() if ln and ln[0] != "#"]
    assert len(lines) == 1
    assert lines[0] in DOCS  # the documented line is the file's
    return lines[0]


def test_cron_schedule_fields_are_valid():
    fields = cron_line().split(None, 5)
    assert fields[:5] == ["17", "6", "*", "*", "1-5"]


@pytest.mark.slow
def test_the_cron_line_runs_in_crons_environment(tmp_path):
    """The command part of the line, with the checkout's path and a reports folder of
    the test's, in an environment as bare as cron's."""
    command = cron_line().split(None, 5)[5]
    command = command.replace("/srv/market-entry", str(ROOT))
    command = command.replace("reports/cron.log", str(tmp_path / "cron.log"))
    command = command.replace(
        "data/scenarios/base.yaml", f"data/scenarios/base.yaml --reports {tmp_path / 'reports'}"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "SHELL": "/bin/sh"}
    proc = subprocess.run(["/bin/sh", "-c", command], env=env, timeout=900)
    assert proc.returncode == 0, (tmp_path / "cron.log").read_text()
    latest = tmp_path / "reports" / "base" / "latest"
    m = json.loads((latest / "manifest.json").read_text())
    assert m["status"] == "succeeded" and m["limits"]["keep"] == 20
    assert "Executing notebook" in (latest / "run.log").read_text()
    assert "report written" in (tmp_path / "cron.log").read_text()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_the_systemd_units_verify(tmp_path):
    for name in ("market-entry-report.service", "market-entry-report.timer"):
        text = (OPS / name).read_text().replace("/srv/market-entry", str(ROOT))
        text = re.sub(r"^User=.*$", "User=root", text, flags=re.M)
        (tmp_path / name).write_text(text)
    proc = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *map(str, sorted(tmp_path.iterdir()))],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    # the service runs the same command as the cron line
    exec_start = re.search(
        r"^ExecStart=(.*)$", (OPS / "market-entry-report.service").read_text(), re.M
    )
    assert exec_start is not None
    assert exec_start.group(1).split("bin/market-entry ", 1)[1] in cron_line()


def test_the_airflow_dag_compiles_and_its_command_parses(tmp_path):
    py_compile.compile(str(OPS / "airflow_dag.py"), cfile=str(tmp_path / "dag.pyc"), doraise=True)
    text = (OPS / "airflow_dag.py").read_text()
    parts = re.findall(
        r'"([^"]*)"', text[text.index("bash_command=(") : text.index("execution_timeout")]
    )
    command = "".join(parts).replace("{HOME}", str(ROOT))
    args = shlex.split(command.split("&&", 1)[1])[1:]  # after .venv/bin/market-entry
    ns = build_parser().parse_args(args)
    assert ns.command == "batch" and len(ns.scenarios) == 3
    assert all((ROOT / s).is_file() for s in ns.scenarios)
    assert ns.timeout == 3600 and ns.keep == 20
