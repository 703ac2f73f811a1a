"""A scenario's own facts, each set back to its default alone: which are facts, known
answers (the defaults' own answer and lead), a fact that moves nothing, one that flips
the answer, one that cannot be set back alone, and the letv_2015 sentences."""

from __future__ import annotations

import pandas as pd
import pytest

from models.analysis import drivers, facts
from models.economics.modes import MODES
from models.economics.simulation import simulate
from models.inputs.params import validate
from models.inputs.scenario import load
from tests.conftest import ROOT


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
    every = table[table["input"] == "all"].iloc[0]
    defaults = validate()
    assert every["answer"] == simulate(defaults).ranking[0]
    assert every["lead"] == pytest.approx(_lead(defaults, every["answer"]), abs=1e-9)
    # one fact alone: the scenario's answer's lead with that fact at its default
    answer = simulate(p).ranking[0]
    row = table.set_index("input").loc["market_svod_payer_share"]
    back = validate({"partner_distress_hazard_year": 0.15})
    assert row["lead_change"] == pytest.approx(_lead(back, answer) - _lead(p, answer), abs=1e-9)


def test_a_fact_the_model_does_not_use_moves_nothing_and_one_that_matters_moves():
    # the backtest's holdout is about the calibration, not the economics
    p = validate({"calibration_holdout_years": 3, "market_svod_payer_share": 0.05})
    table = facts.scenario_facts(p).set_index("input")
    moves = [c for c in table.columns if c.startswith("change_")] + ["lead_change"]
    assert (table.loc["calibration_holdout_years", moves] == 0.0).all()
    # a third of the paying share moves the own services run to the horizon, and orders
    # the table before the fact that moves nothing
    assert (table.loc["market_svod_payer_share", moves].abs() > 1.0).any()
    assert list(table.index[:2]) == ["market_svod_payer_share", "calibration_holdout_years"]


def test_a_fact_that_flips_the_answer_says_so():
    # licences almost given away: the scenario's answer is not licensing; at the default
    # fee it is again (the defaults' answer)
    p = validate({"license_fee_usd_m_per_title": 0.01})
    answer = simulate(p).ranking[0]
    assert answer != "license"
    row = facts.scenario_facts(p).set_index("input").loc["license_fee_usd_m_per_title"]
    assert row["flips"] and row["answer"] == simulate(validate()).ranking[0]
    text = " ".join(facts.in_words(facts.scenario_facts(p), answer))
    assert f"make {MODES.in_words(row['answer'])} the best way in" in text


def test_a_fact_that_cannot_be_set_back_alone_is_reported_not_raised():
    # a discount rate of 2.5 % that only this scenario's growth beyond the horizon (1 %)
    # allows: the default growth (2 %) is not 1 % below it
    p = validate({"finance_discount_rate_year": 0.025, "finance_terminal_growth_year": 0.01})
    table = facts.scenario_facts(p).set_index("input")
    row = table.loc["finance_terminal_growth_year"]
    assert row["answer"] == "" and "finance_terminal_growth_year" in row["note"]
    assert table.loc["finance_discount_rate_year", "answer"] != ""
    text = " ".join(facts.in_words(table.reset_index(), simulate(p).ranking[0]))
    assert "cannot be set back alone" in text


def test_late_2015s_facts_are_named_in_words():
    p = load(ROOT / "data/scenarios/letv_2015.yaml")
    table = facts.scenario_facts(p)
    named = set(table["input"])
    for fact in (
        "market_svod_payer_share",
        "market_payer_headroom",
        "partner_reach_multiplier",
        "partner_distress_hazard_year",
    ):
        assert fact in named
    # LeTV's reach and LeEco's distress move the partnership, not solo
    rows = table.set_index("input")
    for fact in ("partner_reach_multiplier", "partner_distress_hazard_year"):
        assert rows.loc[fact, "change_solo"] == 0.0
        assert rows.loc[fact, "change_partner"] != 0.0
    text = " ".join(facts.in_words(table, simulate(p).ranking[0]))
    assert "_" not in text  # labels, not parameter names
