"""Every fitted default in the schema is what the fit on data/raw gives today."""

from __future__ import annotations

import pytest

from models.calibration import data, growth, hazards, survival
from models.inputs.schema import SPECS


@pytest.fixture(scope="module")
def fitted_hazards():
    raw = data.foreign_services()
    return hazards.default_hazards(survival.prepare(raw), raw=raw)


@pytest.mark.parametrize("mode", ["solo", "partner", "license"])
def test_exit_hazard_defaults_are_the_survival_fit(fitted_hazards, mode):
    row = fitted_hazards.loc[mode]
    spec = SPECS[row["parameter"]]
    assert spec.default == pytest.approx(row["p_year"], abs=5e-4)
    low, high = spec.default_range
    assert low == pytest.approx(row["low"], abs=5e-4)
    assert high == pytest.approx(row["high"], abs=5e-4)
    assert spec.source.startswith("fit: ")


def test_growth_defaults_are_the_analogue_fit():
    series = growth.analogue_series()
    table = growth.default_growth(
        series, SPECS["growth_churn_rate_month"].default, SPECS["calibration_holdout_years"].default
    )
    for name, row in table.iterrows():
        spec = SPECS[name]
        assert spec.default == pytest.approx(row["value"], rel=0.05), name
        low, high = spec.default_range
        assert low == pytest.approx(row["low"], rel=0.05) and high == pytest.approx(
            row["high"], rel=0.05
        )
        assert growth.ANALOGUE.split()[-1] in spec.source


def test_ranges_contain_their_defaults():
    for spec in SPECS.values():
        if spec.default_range is not None:
            low, high = spec.default_range
            assert spec.min <= low <= spec.default <= high <= spec.max, spec.name
