"""Model checks: they hold on every scenario, bite where values move, and can fail."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.analysis import checks
from models.economics import market
from models.inputs.params import validate
from models.inputs.scenario import load
from tests.conftest import ROOT

SCENARIOS = sorted((ROOT / "data" / "scenarios").glob("*.yaml"))

#: A market where the own services run: values move with every change.
RUNNING = {
    "market_foreign_premium_share": 0.3,
    "market_svod_payer_share": 0.25,
    "growth_churn_rate_month": 0.04,
}


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_check_holds_on_every_scenario(path: Path):
    found = checks.model_checks(load(path))
    assert len(found) == 10
    failed = [f"{c.name}: {c.detail}" for c in found if not c.passed]
    assert not failed, failed


def test_checks_hold_and_bite_where_the_services_run():
    p = validate(RUNNING)
    found = {c.name: c for c in checks.model_checks(p)}
    assert all(c.passed for c in found.values()), [c.detail for c in found.values()]
    base = p.replace()
    from models.economics.simulation import simulate

    s = simulate(base).summary
    assert s.loc["partner", "npv_usd_m"] > 0 and s.loc["solo", "npv_usd_m"] > 0  # they run
    more = simulate(base.replace(market_foreign_premium_share=0.375)).summary
    assert more.loc["solo", "npv_usd_m"] > s.loc["solo", "npv_usd_m"] + 1.0  # strictly


def test_a_model_where_content_repels_demand_fails_its_check(monkeypatch):
    """The checks are not vacuous: break the catalogue's draw and one fails."""
    real = market.catalogue_attractiveness

    def inverted(titles, reference, elasticity):
        return 1.0 / np.maximum(real(titles, reference, elasticity), 1e-3)

    monkeypatch.setattr(market, "catalogue_attractiveness", inverted)
    found = {c.name: c for c in checks.model_checks(validate(RUNNING))}
    assert not found["content draws demand"].passed


def test_the_table_says_which_hold():
    table = checks.checks_table(checks.model_checks(validate()))
    assert list(table.columns) == ["check", "rule", "result", "numbers (expected case)"]
    assert set(table["result"]) == {"holds"}
    assert table["rule"].str.endswith(".").all()
