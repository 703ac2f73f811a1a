"""Shared fixtures: the project's paths, a CLI runner, and one real report run per session."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CLI = BIN / "market-entry"
PAPERMILL = BIN / "papermill"


def run_cli(*args: str, cwd: Path = ROOT, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the installed ``market-entry`` command and capture its output."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [str(CLI), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )


@dataclass(frozen=True)
class Ran:
    """What a command returned: exit code and captured output (like CompletedProcess)."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys, monkeypatch):
    """Call ``market-entry`` in this process: ``cli("check", "x.yaml") -> Ran``.

    Much faster than :func:`run_cli` (no interpreter start, imports already done), for
    the many cases where a separate process is not the point (bad input, messages).
    """
    from models.runner.cli import main

    def call(*args: str, cwd: Path = ROOT) -> Ran:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        previous = signal.getsignal(signal.SIGTERM)
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse: usage errors and --help
            code = exc.code if isinstance(exc.code, int) else 2
        finally:
            signal.signal(signal.SIGTERM, previous)
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return call


def tree(path: Path) -> dict[str, bytes | str]:
    """Snapshot of every file (content) and symlink (target) under ``path``."""
    out: dict[str, bytes | str] = {}
    if not path.exists():
        return out
    for p in sorted(path.rglob("*")):
        rel = str(p.relative_to(path))
        if p.is_symlink():
            out[rel] = "-> " + os.readlink(p)
        elif p.is_file():
            out[rel] = p.read_bytes()
    return out


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


#: A market in which the plan's own catalogue draws as a leader's would: the yardstick of
#: a catalogue's draw as it was before issue 21 set it to a leader's catalogue (7,500
#: foreign-title equivalents). Tests that need own services worth starting raise the
#: share open to a foreign service against this yardstick; against a leader's, no share
#: in its range makes them worth starting.
PLAN_YARDSTICK = {"market_reference_catalogue_titles": 300.0}

#: The market as the model had it before issue 21's content level: the plan-sized
#: yardstick, a tenth of payers open to a foreign service (3-25 %) and demand's response
#: to the catalogue at 0.3 (0.1-0.6), both sampled. Own services then win in some
#: futures: the tests of a close decision use it.
OLD_MARKET = {
    **PLAN_YARDSTICK,
    "market_foreign_premium_share": [0.03, 0.1, 0.25],
    "content_demand_elasticity": [0.1, 0.3, 0.6],
}

NASTY_NAME = '<script>alert("x")</script> & co'


@pytest.fixture(scope="session")
def report_run(tmp_path_factory) -> dict:
    """One real run of every notebook through the CLI, with a hostile scenario name, a
    negative number and a range on the command line. Returns the paths it produced."""
    reports = tmp_path_factory.mktemp("reports")
    proc = run_cli(
        "run",
        "data/scenarios/letv_2015.yaml",
        "--reports",
        str(reports),
        "--no-progress",
        "--notebook",
        "all",
        "-p",
        "scenario_name",
        NASTY_NAME,
        "-p",
        "market_price_elasticity",
        "-2",
        "-p",
        "growth_churn_rate_month",
        "[0.04, 0.06, 0.1]",
        "-p",
        "scenario_notes",
        "<b>bold</b> notes",
        # five notebooks: about 215 s alone on this machine, more when it is shared
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    htmls = [Path(line) for line in proc.stdout.strip().splitlines()]
    html = htmls[0]
    return {"proc": proc, "reports": reports, "html": html, "htmls": htmls, "run_dir": html.parent}


def has_chromium() -> bool:
    return shutil.which("chromium") is not None or Path("/usr/bin/chromium").exists()
