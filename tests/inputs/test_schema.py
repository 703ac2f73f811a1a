"""The schema is the single source of truth: notebook, scenarios and CLI agree with it."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
import yaml

from models.inputs.param_docs import parameters_cell
from models.inputs.params import validate
from models.inputs.schema import GROUPS, PARAMETERS, SPECS, records
from models.reporting.namespace import from_namespace
from tests.conftest import ROOT, run_cli


def test_every_parameter_is_documented_and_its_default_valid():
    assert 30 <= len(PARAMETERS) <= 120
    assert len(SPECS) == len(PARAMETERS), "duplicate names"
    for p in PARAMETERS:
        assert p.group in GROUPS, p.name
        assert p.description.strip(), p.name
        assert p.source.strip(), p.name
        if p.type == "str":
            assert isinstance(p.default, str)
            assert p.choices is None or p.default in p.choices, p.name
            continue
        if p.type == "pairs":
            assert not p.uncertain, p.name
            for a, b, rho in p.default:
                assert SPECS[a].default_range and SPECS[b].default_range, (a, b)
                assert -1 <= rho <= 1
            continue
        if p.default_range is not None:
            low, high = p.default_range
            assert p.uncertain and p.min <= low <= p.default <= high <= p.max, p.name
        assert p.unit or p.name in (
            "seed",
            "market_price_elasticity",
            "license_demand_elasticity",
            "content_market_price_elasticity",
            "content_leader_spend_elasticity",
        ), p.name
        assert p.min is not None and p.max is not None and p.min <= p.default <= p.max, p.name
        assert isinstance(p.default, int if p.type == "int" else float), p.name
    validate()  # the defaults form a valid parameter set


def test_each_spec_carries_its_group_and_label():
    """The group is the table that lists a spec (names carry its prefix, the simulation
    settings aside); the groups come in the order of GROUPS; the label is the spec's own,
    its name when it has none."""
    import itertools

    from models.inputs.display import format_value, label

    assert [g for g, _ in itertools.groupby(p.group for p in PARAMETERS)] == list(GROUPS)
    for p in PARAMETERS:
        if p.group != "simulation":
            assert p.name.startswith(p.group + "_"), p.name
        assert p.label.strip() and label(p.name) == p.label, p.name
    assert label("growth_churn_rate_month") == "monthly churn"
    assert label("scenario_name") == "scenario_name" and label("seed") == "random seed"
    assert label("not_a_parameter") == "not_a_parameter"
    assert format_value("market_payer_headroom", 4.0) == "4 x"  # not "4 multiple of ..."
    assert format_value("growth_churn_rate_month", 0.052) == "5.2%"
    assert format_value("finance_setup_usd_m", 12.0) == "US$12.0 m"
    assert format_value("finance_setup_usd_m", 0.35) == "US$0.35 m"  # not rounded away
    assert format_value("finance_setup_usd_m", 1234.5678) == "US$1,234.6 m"


def test_sources_point_at_evidence():
    """Each source cites a data file, a reference row, a named publication, or says why it
    is an assumption."""
    evidence = re.compile(
        r"data/raw/|ref \d+\.\d+|assumption: |PRC |user input|model "
        r"setting|derived: |fit: "
    )
    for p in PARAMETERS:
        assert evidence.search(p.source), f"{p.name}: {p.source}"
        for path in re.findall(r"data/raw/[\w.]+\.csv", p.source):
            assert (ROOT / path).is_file(), f"{p.name} cites missing {path}"


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: The scenario reports (the comparison of a batch takes run folders, not parameters).
REPORTS = [p for p in NOTEBOOKS if p.stem not in ("compare", "sweep")]


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_notebook_parameters_cell_matches_the_schema(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    cell = tagged[0].source
    assert cell == parameters_cell()
    ns: dict = {}
    exec(cell, ns)
    ns.pop("__builtins__")
    assert ns.pop("scenario") == ""  # no scenario file unless the strategist names one
    assert ns.pop("outputs_dir") == ""  # market-entry run sets it
    assert ns == {
        p.name: [list(t) for t in p.default] if p.type == "pairs" else p.default for p in PARAMETERS
    }
    assert len(ns["correlations"]) == 3 and ns["sampling_method"] == "lhs"
    # the cell, run as it stands, is the defaults: every uncertain input stays sampled
    assert from_namespace(ns).digest() == validate().digest()
    assert from_namespace(ns).distributions.keys() == validate().distributions.keys()
    for p in PARAMETERS:  # every value carries its unit in a comment
        line = next(x for x in cell.splitlines() if x.startswith(p.name + " ="))
        assert "#" in line and (p.unit in line if p.unit else True)
        if p.choices:
            assert all(f'"{c}"' in line.split("#", 1)[1] for c in p.choices), line
        if p.default_range is not None:  # the range beside the unit
            assert "; range " in line, line


def test_notebooks_are_committed_without_outputs():
    assert len(NOTEBOOKS) >= 2
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for c in nb.cells:
            if c.cell_type == "code":
                assert not c.outputs and c.execution_count is None, path.name
        assert nb.metadata.kernelspec.name == "market-entry"


@pytest.mark.parametrize(
    "path", sorted((ROOT / "data" / "scenarios").glob("*.yaml")), ids=lambda p: p.name
)
def test_scenario_files_hold_only_valid_overrides(path):
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict) and data
    validate(data)
    for name, value in data.items():
        if name not in ("scenario_name", "scenario_notes"):
            assert value != SPECS[name].default, f"{path.name}: {name} repeats the default"


def test_required_scenarios_exist():
    names = {p.stem for p in (ROOT / "data" / "scenarios").glob("*.yaml")}
    assert {"base", "letv_2015", "crackdown"} <= names


def test_params_command_formats():
    proc = run_cli("params", "--format", "json")
    assert proc.returncode == 0
    rows = json.loads(proc.stdout)
    assert rows == json.loads(json.dumps(records()))
    for key in ("name", "type", "unit", "default", "min", "max", "description", "source"):
        assert all(key in r for r in rows)
    table = run_cli("params")
    assert table.returncode == 0 and "growth_churn_rate_month" in table.stdout
    md = run_cli("params", "--format", "markdown")
    assert md.stdout.count("\n| `") == len(PARAMETERS)
    by_name = {r["name"]: r for r in rows}
    assert by_name["market_foreign_premium_share"]["default_range"] == [0.2, 0.85]
    assert by_name["sampling_method"]["choices"] == ["lhs", "mc"]
    churn = next(x for x in table.stdout.splitlines() if x.startswith("growth_churn_rate_month"))
    assert "0.05 to 0.1" in churn  # the default's uncertainty range
    assert "range: the 5-10 % modelling range of ref 1.21" in table.stdout  # its source
    method = next(x for x in table.stdout.splitlines() if x.startswith("sampling_method"))
    assert "lhs | mc" in method
    md_line = next(x for x in md.stdout.splitlines() if x.startswith("| `market_svod_payer_share`"))
    assert "0.08 to 0.25 (range: assumption: 8 %" in md_line
    assert "| `sampling_method` | str | 'lhs' | `lhs`, `mc` |" in md.stdout
    assert "| `correlations` | pairs | [['regulation_exit_hazard_solo_year'" in md.stdout
