"""A scenario's own facts, each set back to its default alone: which are facts, known
answers (the defaults' own answer and lead), a fact that moves nothing, one that flips
the answer, one that cannot be set back alone, and the letv_2015 sentences."""

from __future__ import annotations

import pandas as pd
import pytest

from models.analysis import drivers, facts
from models.economics import finance
from models.economics.modes import MODES
from models.economics.simulation import simulate
from models.inputs.params import validate
from models.inputs.scenario import load
from tests.conftest import ROOT


def _committed(params, mode: str) -> float:
    res = simulate(params, started=True)
    return float(finance.npv(res.modes[mode].committed_cash_flow, res.rate).ravel()[0])


def _lead(params, mode: str) -> float:
    return float(drivers.margin(drivers.npv_by_mode(params, pd.DataFrame()), mode).iloc[0])


def test_run_settings_and_the_scenarios_words_are_not_facts():
    p = validate(
        {
            "scenario_name": "x",
            "n_paths": 500,
            "seed": 7,
            "horizon_years": 12,
            "partner_reach_multiplier": 2.5,
        }
    )
    assert facts.facts(p) == ["partner_reach_multiplier"]
    base = load(ROOT / "data/scenarios/base.yaml")
    assert facts.facts(base) == []
    assert facts.scenario_facts(base).empty
    (sentence,) = facts.in_words(facts.scenario_facts(base), "license")
    assert "no input" in sentence


def test_every_fact_at_its_default_is_the_defaults_answer():
    p = validate({"market_svod_payer_share": 0.05, "partner_distress_hazard_year": 0.15})
    table = facts.scenario_facts(p)
    every = table[table["fact"] == "all"].iloc[0]
    defaults = validate()
    assert every["answer"] == simulate(defaults).ranking[0]
    assert every["lead"] == pytest.approx(_lead(defaults, every["answer"]), abs=1e-9)
    # one fact: what it does is the value as set minus the value at its default
    answer = simulate(p).ranking[0]
    row = table.set_index("fact").loc["paying market"]
    assert row["inputs"] == ("market_svod_payer_share",)
    back = validate({"partner_distress_hazard_year": 0.15})
    assert row["lead_effect"] == pytest.approx(_lead(p, answer) - _lead(back, answer), abs=1e-9)
    for mode in ("solo", "partner"):
        done = _committed(p, mode) - _committed(back, mode)
        assert row[f"committed_{mode}"] == pytest.approx(done, abs=1e-9)
    # a third of the default paying share: every own service run to the horizon loses
    assert row["committed_solo"] < -1.0 and row["committed_partner"] < -1.0


def test_a_fact_the_model_does_not_use_moves_nothing_and_one_that_matters_moves():
    # the backtest's holdout is about the calibration, not the economics
    p = validate({"calibration_holdout_years": 3, "market_svod_payer_share": 0.05})
    table = facts.scenario_facts(p).set_index("fact")
    moves = [c for c in table.columns if c.startswith(("started_", "committed_"))]
    moves.append("lead_effect")
    assert (table.loc["calibration_holdout_years", moves] == 0.0).all()
    # a third of the paying share moves the own services run to the horizon and the
    # licence, and orders the table before the fact that moves nothing
    assert abs(table.loc["paying market", "lead_effect"]) > 1.0
    assert list(table.index[:2]) == ["paying market", "calibration_holdout_years"]
    text = " ".join(facts.in_words(table.reset_index(), simulate(p).ranking[0]))
    assert "leaves Licensing's lead unchanged" in text


def test_a_fact_that_flips_the_answer_says_so():
    # licences almost given away: the scenario's answer is not licensing; at the default
    # fee it is again (the defaults' answer)
    p = validate({"license_fee_usd_m_per_title": 0.01})
    answer = simulate(p).ranking[0]
    assert answer != "license"
    row = facts.scenario_facts(p).set_index("fact").loc["license_fee_usd_m_per_title"]
    assert row["flips"] and row["answer"] == simulate(validate()).ranking[0]
    text = " ".join(facts.in_words(facts.scenario_facts(p), answer))
    assert f"at the default {MODES.in_words(row['answer'])} would be the best way in" in text
    assert "No fact alone flips" not in text


def test_a_fact_that_cannot_be_set_back_alone_is_reported_not_raised():
    # a discount rate of 2.5 % that only this scenario's growth beyond the horizon (1 %)
    # allows: the default growth (2 %) is not 1 % below it
    p = validate({"finance_discount_rate_year": 0.025, "finance_terminal_growth_year": 0.01})
    table = facts.scenario_facts(p).set_index("fact")
    row = table.loc["finance_terminal_growth_year"]
    assert row["answer"] == "" and "finance_terminal_growth_year" in row["note"]
    assert table.loc["finance_discount_rate_year", "answer"] != ""
    text = " ".join(facts.in_words(table.reset_index(), simulate(p).ranking[0]))
    assert "cannot be set back:" in text


def test_late_2015s_facts_are_named_in_words_and_coupled_inputs_go_back_together():
    p = load(ROOT / "data/scenarios/letv_2015.yaml")
    table = facts.scenario_facts(p)
    rows = table.set_index("fact")
    # the paying share is read against its headroom: set back together, never alone
    assert set(rows.loc["paying market", "inputs"]) == {
        "market_svod_payer_share",
        "market_payer_headroom",
        "market_payer_diffusion_rate_year",
    }
    assert "market_svod_payer_share" not in rows.index
    assert len(rows.loc["online-video audience", "inputs"]) == 3
    # LeTV's reach and LeEco's distress move the partnership, not solo; more reach
    # raises it, more distress lowers it
    assert rows.loc["partner_reach_multiplier", "committed_solo"] == 0.0
    assert rows.loc["partner_reach_multiplier", "committed_partner"] > 0.0
    assert rows.loc["partner_distress_hazard_year", "committed_solo"] == 0.0
    assert rows.loc["partner_distress_hazard_year", "committed_partner"] < 0.0
    # facts about own services do not move licensing's lead over staying out
    assert rows.loc["partner_reach_multiplier", "lead_effect"] == pytest.approx(0.0, abs=1e-9)
    assert set(table["rival"]) == {"stay_out"}
    text = " ".join(facts.in_words(table, simulate(p).ranking[0]))
    assert "_" not in text  # labels, not parameter names
    assert "lead is over staying out" in text and "No fact alone flips" in text
