"""The official answer is protected: a run whose ``-p`` changed its scenario's values is
a variant, kept and listed but never the scenario's ``latest`` (issue 22).

The runs execute a tiny notebook on the project's kernel (a few seconds each), put in
place of notebooks/ as in tests/runner/test_operations.py; it prints the run that "Since
the last run" compares with (:func:`models.reporting.since_blocks.previous_run`), which
the real report calls the same way."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pytest

from models.reporting.since_blocks import previous_run
from models.runner import run as runner
from models.runner import validation
from models.runner.cli import _run_args, build_parser
from tests.conftest import ROOT
from tests.runner.test_operations import runs_of, tiny_notebooks

SCENARIO = ROOT / "data" / "scenarios" / "base.yaml"

PRINT_PREVIOUS = (
    "from models.reporting.since_blocks import previous_run\n"
    "print('PREVIOUS', getattr(previous_run(outputs_dir), 'name', None))"
)


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """Run the tiny notebook (printing the run it would compare with); returns the
    reports folder."""
    books = tiny_notebooks(tmp_path / "notebooks", PRINT_PREVIOUS)
    monkeypatch.setattr(runner, "NOTEBOOKS", books)
    # the tiny notebook needs no memory to speak of: not the report's 2 GB and more, which a
    # shared machine may not have free
    monkeypatch.setattr(validation, "check_memory", lambda n_paths, **_: None)
    return tmp_path / "reports"


def run(cli, reports: Path, *args: str) -> dict:
    """One run through the command; returns its manifest."""
    ran = cli("run", SCENARIO, "--reports", reports, "--json", "--no-progress", *args)
    assert ran.returncode == 0, ran.stderr
    out = json.loads(ran.stdout)
    m = json.loads((Path(out["run_dir"]) / "manifest.json").read_text())
    assert out["official"] is m["official"]
    return m


def latest(reports: Path) -> str | None:
    link = reports / "base" / "latest"
    return os.readlink(link) if link.is_symlink() else None


def index_row(reports: Path, run_id: str) -> str:
    """The text of a run's row in reports/index.html."""
    page = (reports / "index.html").read_text()
    [row] = [r for r in page.split("<tr")[1:] if run_id in r]
    return html.unescape(re.sub(r"<[^>]+>", " ", row))


def compared_with(reports: Path, run_id: str) -> str:
    """The run that "Since the last run" of ``run_id`` compared with, from its log."""
    log = (reports / "base" / run_id / "run.log").read_text()
    return re.search(r"PREVIOUS (\S+)", log).group(1)


@pytest.mark.slow
def test_a_variant_leaves_latest_alone_and_is_listed_as_a_variant(tiny, cli):
    official = run(cli, tiny)
    assert official["official"] is True and official["variant_overrides"] == {}
    assert latest(tiny) == official["run_id"]
    variant = run(cli, tiny, "-p", "n_paths", "200")
    assert variant["official"] is False and variant["latest_choice"] is None
    assert variant["variant_overrides"] == {"n_paths": {"scenario": 5000, "run": 200}}
    assert latest(tiny) == official["run_id"]  # the answer is still the official run
    row = index_row(tiny, variant["run_id"])
    assert "VARIANT, not the scenario's answer: number of futures 200 paths" in row
    assert "(the scenario's: 5000 paths)" in row
    assert "VARIANT" not in index_row(tiny, official["run_id"])
    assert "latest" in index_row(tiny, official["run_id"])


@pytest.mark.slow
def test_an_override_equal_to_the_scenarios_value_is_official(tiny, cli):
    first = run(cli, tiny)
    same = run(cli, tiny, "-p", "n_paths", "5000", "-p", "scenario_name", "Base case (2026)")
    assert same["official"] is True and same["variant_overrides"] == {}
    assert latest(tiny) == same["run_id"] != first["run_id"]


@pytest.mark.slow
def test_latest_promotes_a_variant_and_variant_keeps_one_out(tiny, cli):
    first = run(cli, tiny)
    promoted = run(cli, tiny, "-p", "n_paths", "200", "--latest")
    assert promoted["official"] is True and promoted["latest_choice"] == "--latest"
    assert promoted["variant_overrides"] == {"n_paths": {"scenario": 5000, "run": 200}}
    assert latest(tiny) == promoted["run_id"]
    assert "VARIANT made latest with --latest: number of futures 200 paths" in index_row(
        tiny, promoted["run_id"]
    )
    test_run = run(cli, tiny, "--variant")  # the scenario's own values, kept out
    assert test_run["official"] is False and test_run["latest_choice"] == "--variant"
    assert latest(tiny) == promoted["run_id"]
    assert "VARIANT" in index_row(tiny, test_run["run_id"]) and first["official"]


@pytest.mark.slow
def test_since_the_last_run_skips_an_intervening_variant(tiny, cli):
    first = run(cli, tiny)
    variant = run(cli, tiny, "-p", "n_paths", "200")
    second = run(cli, tiny)
    assert compared_with(tiny, first["run_id"]) == "None"
    assert compared_with(tiny, variant["run_id"]) == first["run_id"]  # the official answer
    assert compared_with(tiny, second["run_id"]) == first["run_id"]  # not the variant
    assert latest(tiny) == second["run_id"]


@pytest.mark.slow
def test_keep_never_deletes_latest_after_variants(tiny, cli):
    official = run(cli, tiny)
    for _ in range(2):
        run(cli, tiny, "-p", "n_paths", "200", "--keep", "1")
    kept = [p.name for p in runs_of(tiny)]
    assert official["run_id"] in kept and len(kept) == 2
    assert latest(tiny) == official["run_id"]


def fake_run(scenario_dir: Path, name: str, **keys) -> Path:
    d = scenario_dir / name
    d.mkdir(parents=True)
    m = {"run_id": name, "status": "succeeded", "headline": {}, **keys}
    (d / "manifest.json").write_text(json.dumps(m))
    return d


def test_previous_run_never_takes_a_variant_even_if_latest_points_at_one(tmp_path):
    sd = tmp_path / "base"
    old = fake_run(sd, "20260101T000000Z-a")  # from before variants: no "official" key
    fake_run(sd, "20260102T000000Z-b", status="failed", official=True)
    moved = fake_run(sd, "20260103T000000Z-c", official=False)
    here = fake_run(sd, "20260104T000000Z-d", official=True)
    os.symlink(old.name, sd / "latest")
    assert previous_run(here) == old.resolve()  # a manifest without the key is official
    os.replace(sd / "latest", sd / "latest.x")
    os.symlink(moved.name, sd / "latest")  # latest moved by hand to a variant
    assert previous_run(here) == old.resolve()
    assert previous_run("") is None


def test_latest_and_variant_are_exclusive_and_reach_each_batch_run(cli):
    ran = cli("run", SCENARIO, "--latest", "--variant")
    assert ran.returncode == 2 and "not allowed with argument" in ran.stderr
    assert len(ran.stderr.strip().splitlines()) == 1
    args = build_parser().parse_args(["batch", "a.yaml", "-p", "n_paths", "200", "--latest"])
    assert "--latest" in _run_args(args) and "--variant" not in _run_args(args)
    args = build_parser().parse_args(["batch", "a.yaml", "--variant"])
    assert "--variant" in _run_args(args)
