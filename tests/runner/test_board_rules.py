"""What the board pack and the workbook refuse, without printing: a run that did not
succeed, names from a manifest that would lead outside the run folder; and how a
variant's pages are marked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.exceptions import NotebookError, OutputError
from models.runner import board, export


def _run(tmp_path: Path, **manifest) -> Path:
    run_dir = tmp_path / "base" / "20261205T000000Z-abcdef"
    run_dir.mkdir(parents=True)
    m = {
        "run_id": run_dir.name,
        "scenario": "base",
        "scenario_name": "Base case (2026)",
        "status": "succeeded",
        "notebooks": ["entry_decision.ipynb"],
        "headline": {"recommended": "licensing"},
    }
    m.update(manifest)
    (run_dir / "manifest.json").write_text(json.dumps(m))
    return run_dir


def test_a_failed_run_gets_no_board_pack(tmp_path):
    run_dir = _run(tmp_path, status="failed")
    with pytest.raises(OutputError, match="status 'failed'; expected a finished run"):
        board.write_board_pack(run_dir)
    assert not (run_dir / board.PACK_NAME).exists()


@pytest.mark.parametrize("name", ["../../../x/victim", "/etc/passwd", "a b", ""])
def test_a_manifest_cannot_lead_the_printer_outside_the_run(tmp_path, name):
    run_dir = _run(tmp_path, notebooks=[name])
    with pytest.raises(NotebookError, match="not a plain notebook name"):
        board.write_board_pack(run_dir)
    with pytest.raises(NotebookError, match="not a plain notebook name"):
        board.print_run(run_dir, [name])


def test_a_variant_says_so_on_every_page_and_an_official_run_does_not(tmp_path):
    run_dir = _run(tmp_path)
    official = board.run_label(json.loads((run_dir / "manifest.json").read_text()), run_dir)
    assert official == f"Base case (2026) · run {run_dir.name}"
    variant = board.run_label({"scenario_name": "Base case (2026)", "official": False}, run_dir)
    assert variant.endswith("VARIANT, not the scenario's answer")


@pytest.mark.parametrize("scenario", ["../../x", "/tmp/x", "a/b"])
def test_the_workbook_stays_in_the_run_folder_whatever_the_manifest_says(tmp_path, scenario):
    run_dir = _run(tmp_path)
    path = export.default_path(run_dir, {"scenario": scenario, "run_id": "../../y"})
    assert path.parent == run_dir and path.name.endswith(f"-{run_dir.name}.xlsx")


def test_a_headline_of_the_wrong_shape_is_refused_in_one_line(tmp_path):
    run_dir = _run(tmp_path, headline={"recommended": "licensing", "modes": {"solo": 3}})
    # the one manifest checker refuses it by name before the workbook looks (issue 24)
    with pytest.raises(OutputError, match=r"not a run's manifest \(headline\.modes is not"):
        export.write_workbook(run_dir)
    assert not list(run_dir.glob("*.xlsx"))
