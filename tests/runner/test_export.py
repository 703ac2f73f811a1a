"""The Excel export of a run (models.runner.export): the workbook read back with
openpyxl holds the manifest's and outcomes.parquet's numbers, with their formats, and
only a finished run is exported."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

openpyxl = pytest.importorskip("openpyxl")

from models.economics.modes import MODES  # noqa: E402
from models.exceptions import OutputError  # noqa: E402
from models.inputs.display import label  # noqa: E402
from models.inputs.params import validate  # noqa: E402
from models.inputs.schema import SPECS  # noqa: E402
from models.runner import export  # noqa: E402
from models.runner.export import SHEETS, default_path, expected_case, write_workbook  # noqa: E402

DRAWN = ["growth_churn_rate_month", "market_svod_payer_share"]


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    """A minimal finished run folder, made deliberately: the manifest of a run of the
    defaults (its headline's ``expected`` the most-likely case's NPV, the other numbers
    made up) and outcomes of 50 futures with two drawn inputs and some forced exits."""
    folder = tmp_path_factory.mktemp("run") / "20260101T000000Z-abcdef"
    folder.mkdir()
    params = validate({"n_paths": 50}).to_dict()
    npv = expected_case(params).loc["NPV"]
    modes = list(npv.index)
    rng = np.random.default_rng(7)
    headline_modes = {}
    for i, m in enumerate(modes):
        headline_modes[m] = {
            "mean": round(10.0 * i - 3.25, 3),
            "median": round(9.5 * i, 3),
            "p5": -40.125,
            "p95": 80.5 + i,
            "p_loss": round(0.05 * i, 4),
            "p_best": round(0.2 + 0.01 * i, 4),
            "p_gain_if_run": 0.6125,
            "expected": round(float(npv[m]), 3),
            "committed": 1.0 + i,
            "adaptive": 2.0 + i,
            "foresight": 3.0 + i,
        }
    manifest = {
        "run_id": folder.name,
        "scenario": "base",
        "scenario_file": "data/scenarios/base.yaml",
        "scenario_name": "Base <case> & co",
        "status": "succeeded",
        "started": "2026-01-01T00:00:00+00:00",
        "parameters": params,
        "headline": {
            "recommended": modes[2],
            "runner_up": modes[3],
            "lead": {"mean": 12.345, "se": 1.5},
            "deal_zone": {"exists": True, "low": 0.125, "high": 0.4, "alternative": "license"},
            "probability_best": 0.6789,
            "n_paths": 50,
            "decision_rule": "adaptive",
            "modes": headline_modes,
            "checks_failed": [],
        },
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    n = 50
    frame = pd.DataFrame(
        {
            "path": np.repeat(np.arange(n), len(modes)),
            "mode": pd.Categorical(np.tile(modes, n), categories=modes),
            "npv_usd_m": rng.normal(10, 50, n * len(modes)),
            "npv_committed_usd_m": rng.normal(5, 50, n * len(modes)),
            "peak_funding_usd_m": rng.uniform(0, 300, n * len(modes)),
            "forced_exit_month": np.where(rng.uniform(size=n * len(modes)) < 0.2, 37.0, np.nan),
            "subscribers_end_m": rng.uniform(0, 20, n * len(modes)),
        }
    )
    for name in DRAWN:
        frame[name] = np.repeat(rng.uniform(0.01, 0.3, n), len(modes))
    frame.to_parquet(folder / "outcomes.parquet", index=False)
    return folder


@pytest.fixture(scope="module")
def book(finished, tmp_path_factory):
    out = write_workbook(finished, tmp_path_factory.mktemp("out") / "run.xlsx")
    return openpyxl.load_workbook(out)


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_sheets_in_order_with_frozen_headers(book):
    assert book.sheetnames == list(SHEETS)
    assert book["Headline"].freeze_panes == "A2"
    assert book["Modes"].freeze_panes == "C2"
    assert book["Outcomes"].freeze_panes == "C2"
    for ws in book.worksheets:
        assert ws["A1"].font.bold
        assert ws.column_dimensions["A"].width >= 8


def test_headline_sheet(book, finished):
    h = manifest_of(finished)["headline"]
    ws = book["Headline"]
    values = {r[0].value: r[1] for r in ws.iter_rows(min_row=2)}
    assert values["Recommendation"].value == MODES.label(h["recommended"])
    assert values["Runner-up"].value == MODES.label(h["runner_up"])
    assert values["Lead over the runner-up (US$ m)"].value == h["lead"]["mean"]
    assert values["Lead over the runner-up (US$ m)"].number_format == export.USD_M
    sure = values["How sure: futures in which it is the best (%)"]
    assert sure.value == h["probability_best"] and sure.number_format == "0.0%"
    assert values["Deal zone: partner's revenue share from (%)"].value == 0.125
    assert values["Scenario"].value == "Base <case> & co"
    assert values["Run"].value == finished.name


def test_modes_sheet_equals_the_manifest(book, finished):
    modes = manifest_of(finished)["headline"]["modes"]
    table = rows(book["Modes"])
    header = table[0]
    assert header[:2] == ["Mode", "Mode name"]
    assert "Mean NPV (US$ m)" in header and "P(loss) (%)" in header
    assert [r[0] for r in table[1:]] == list(modes)
    for r in table[1:]:
        for (key, _, _), v in zip(export.MODE_COLUMNS, r[2:], strict=True):
            assert v == modes[r[0]][key], (r[0], key)
    ws = book["Modes"]
    col = {c.value: c.column for c in ws[1]}
    assert ws.cell(2, col["P(loss) (%)"]).number_format == "0.0%"
    assert ws.cell(2, col["P(best) (%)"]).number_format == "0.0%"
    assert ws.cell(2, col["Mean NPV (US$ m)"]).number_format == "#,##0.0"


def test_expected_case_sums_to_the_manifest_npv(book, finished):
    modes = manifest_of(finished)["headline"]["modes"]
    table = rows(book["Most-likely case"])
    assert "US$ m" in table[0][0]
    assert table[0][1:] == [MODES.label(m) for m in modes]
    npv = next(r for r in table if r[0] == "NPV")
    lines = [r for r in table[1:] if r[0] not in ("NPV",) and r[1] is not None]
    for j, m in enumerate(modes, start=1):
        assert npv[j] == pytest.approx(modes[m]["expected"], abs=1e-3)
        assert sum(r[j] for r in lines) == pytest.approx(npv[j], abs=1e-6)
    assert "match the manifest" in table[-1][0]
    assert book["Most-likely case"]["B2"].number_format == "#,##0.0"


def test_parameters_sheet(book, finished):
    params = manifest_of(finished)["parameters"]
    ws = book["Parameters"]
    table = rows(ws)
    assert table[0] == ["Name", "Label", "Value", "Unit", "Source"]
    assert [r[0] for r in table[1:]] == list(params)
    for i, r in enumerate(table[1:], start=2):
        name = r[0]
        spec = SPECS[name]
        assert r[1] == label(name)
        assert r[3] == (spec.unit or None)
        assert r[4] == (spec.source or None)
        value = params[name]
        if isinstance(value, bool | str):
            assert r[2] == (value or None)
        elif isinstance(value, int | float):
            assert r[2] == value
            if spec.unit.startswith(("fraction", "probability")):
                assert ws.cell(i, 3).number_format == "0.0%", name


def test_outcomes_equal_the_parquet(book, finished):
    frame = pd.read_parquet(finished / "outcomes.parquet")
    ws = book["Outcomes"]
    table = rows(ws)
    header = table[0]
    assert header[:3] == ["Path", "Mode", "NPV under the decision rule (US$ m)"]
    assert header[-2] == f"{label(DRAWN[0])} (%)"
    assert len(table) - 1 == len(frame)
    for r, (_, want) in zip(table[1:], frame.iterrows(), strict=True):
        assert r[0] == want["path"] and r[1] == want["mode"]
        for got, col in zip(r[2:], frame.columns[2:], strict=True):
            if isinstance(want[col], float) and math.isnan(want[col]):
                assert got is None, col
            else:  # openpyxl writes 15 significant digits, as Excel keeps them
                assert got == pytest.approx(want[col], rel=1e-14, abs=1e-300), col
    col = {c.value: c.column for c in ws[1]}
    assert ws.cell(2, col["NPV under the decision rule (US$ m)"]).number_format == "#,##0.0"
    assert ws.cell(2, col[f"{label(DRAWN[0])} (%)"]).number_format == "0.0%"


def test_default_path_and_no_silent_overwrite(finished):
    m = manifest_of(finished)
    out = default_path(finished, m)
    assert out == finished / f"base-{finished.name}.xlsx"
    try:
        assert write_workbook(finished) == out
        before = out.read_bytes()
        with pytest.raises(OutputError, match="exists"):
            write_workbook(finished)
        assert out.read_bytes() == before
        assert write_workbook(finished, overwrite=True) == out
        assert openpyxl.load_workbook(out).sheetnames == list(SHEETS)
    finally:
        out.unlink(missing_ok=True)
    assert not [p for p in finished.iterdir() if ".tmp" in p.name]


def copy_run(src: Path, dst: Path) -> Path:
    dst.mkdir()
    for p in src.iterdir():
        if p.suffix in (".json", ".parquet"):
            (dst / p.name).write_bytes(p.read_bytes())
    return dst


@pytest.mark.parametrize(
    ("spoil", "named", "expected"),
    [
        (lambda d: (d / "manifest.json").unlink(), "manifest.json", "expected a folder of a run"),
        (lambda d: (d / "outcomes.parquet").unlink(), "outcomes.parquet", "expected each"),
        (lambda d: _set(d, status="failed"), "manifest.json", "expected a finished run"),
        (lambda d: _set(d, status="running"), "manifest.json", "status 'running'"),
        (lambda d: _set(d, headline={}), "manifest.json", "expected a run of the main report"),
        (
            lambda d: (d / "outcomes.parquet").write_bytes(b"not parquet"),
            "outcomes.parquet",
            "cannot be read",
        ),
    ],
)
def test_refuses_a_folder_that_is_not_a_finished_run(finished, tmp_path, spoil, named, expected):
    folder = copy_run(finished, tmp_path / "run")
    spoil(folder)
    with pytest.raises(OutputError) as err:
        write_workbook(folder, tmp_path / "out.xlsx")
    message = str(err.value)
    assert named in message and expected in message, message
    assert "\n" not in message
    assert not (tmp_path / "out.xlsx").exists()


def _set(folder: Path, **changes) -> None:
    m = manifest_of(folder)
    m.update(changes)
    (folder / "manifest.json").write_text(json.dumps(m), encoding="utf-8")


def test_an_interrupted_write_leaves_no_workbook(finished, tmp_path, monkeypatch):
    out = tmp_path / "out.xlsx"

    save = openpyxl.Workbook.save

    def broken_save(self, filename):
        save(self, filename)  # the temporary file is there, then the disk fills
        assert Path(filename).is_file() and Path(filename).parent == tmp_path
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(OutputError, match="No space left"):
        write_workbook(finished, out)
    assert os.listdir(tmp_path) == []


def test_refuses_an_output_folder_that_does_not_exist(finished, tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        write_workbook(finished, tmp_path / "nowhere" / "out.xlsx")
