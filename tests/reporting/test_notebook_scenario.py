"""A scenario file loaded from the notebook's parameters cell agrees with `market-entry
run` on the same file, and the cell's own changes override it."""

from __future__ import annotations

import pytest

from models._paths import SCENARIOS
from models.exceptions import MarketEntryError, ParameterError
from models.inputs.scenario import load
from models.inputs.schema import defaults
from models.reporting.notebook import validate_notebook


def cell(**changes):
    """A parameters cell as the notebook defines it: every default, some changed."""
    return {**defaults(), "scenario": "", **changes}


def test_a_scenario_file_gives_what_the_command_line_gives():
    from_cell = validate_notebook(cell(scenario="letv_2015.yaml"))
    from_cli = load(SCENARIOS / "letv_2015.yaml")
    assert from_cell.digest() == from_cli.digest()
    assert from_cell.scenario_name == "LeTV partnership, as seen in 2015"  # not "base"
    assert validate_notebook(cell(scenario="letv_2015")).digest() == from_cli.digest()


def test_the_cells_changes_override_the_file():
    p = validate_notebook(cell(scenario="letv_2015.yaml", n_paths=300, partner_revenue_share=0.35))
    expected = load(SCENARIOS / "letv_2015.yaml", {"n_paths": 300, "partner_revenue_share": 0.35})
    assert p.digest() == expected.digest()
    # without a file, the cell alone
    assert validate_notebook(cell(n_paths=300)).n_paths == 300


def test_a_bad_scenario_is_refused_in_one_line():
    with pytest.raises(MarketEntryError, match=r"scenario file nope\.yaml: not found"):
        validate_notebook(cell(scenario="nope.yaml"))
    with pytest.raises(ParameterError, match="expected the name of a file"):
        validate_notebook(cell(scenario=3))
