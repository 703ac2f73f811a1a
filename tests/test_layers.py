"""The package's shape: layers that import only downward, no loops, a small public face
that imports fast."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

import models
from models.economics.modes import MODES
from tests.conftest import ROOT

BIN = Path(sys.executable).parent


def test_imports_follow_the_layers_and_have_no_loops():
    """`lint-imports` checks the contracts in pyproject.toml: each subpackage imports only
    from the layers below it, and no module of a layer imports its way back to itself."""
    proc = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 kept, 0 broken" in proc.stdout


def test_the_top_of_models_holds_only_the_face_helpers_and_layers():
    top = {p.name for p in (ROOT / "models").iterdir() if not p.name.startswith("__pycache__")}
    layers = {"inputs", "economics", "calibration", "uncertainty", "analysis", "reporting"}
    helpers = {"_arrays.py", "_paths.py", "_rng.py", "_version.py", "exceptions.py", "format.py"}
    helpers |= {"_fingerprint.py", "_files.py", "_heap.py"}
    assert top == layers | helpers | {"runner", "__init__.py"}
    for layer in layers | {"runner"}:
        doc = (ROOT / "models" / layer / "__init__.py").read_text()
        assert "Imports" in doc or "import" in doc, f"{layer}/__init__.py says what it may import"


def test_import_models_is_light():
    """The face is imported lazily: `import models` pulls in neither scipy nor pandas."""
    code = "import sys, models; print(sorted({'scipy', 'pandas', 'plotly'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_public_face_runs_a_small_analysis():
    from models import ModelWarning, analyse, load_scenario, run_report, simulate, validate

    assert issubclass(ModelWarning, UserWarning) and callable(run_report)
    params = load_scenario(ROOT / "data/scenarios/base.yaml", {"n_paths": 200, "sobol_samples": 0})
    assert validate(params.overrides()).digest() == params.digest()
    expected = simulate(params)
    decision = analyse(params)
    table = decision.to_df()
    assert list(table.index) == decision.ranking
    assert {"mean", "p5", "p95", "prob_best", "expected_npv_usd_m"} <= set(table.columns)
    assert table.loc["solo", "expected_npv_usd_m"] == expected.summary.loc["solo", "npv_usd_m"]
    per_path = decision.mc.to_df()
    assert len(per_path) == 200 * len(MODES) and set(per_path["mode"]) == set(table.index)
    assert isinstance(decision.deal_zone.to_df(), pd.DataFrame)
    assert len(expected.to_df()) == len(MODES) * params.months
    assert sorted(dir(models)) == sorted(models.__all__)
