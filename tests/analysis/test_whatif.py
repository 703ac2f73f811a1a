"""The what-if engine behind the panel: which inputs it offers, and that each position is
valued as the report would value it, on the same futures, with rules fitted there."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.analysis import decision as decision_mod
from models.analysis import whatif
from models.economics import finance
from models.economics.modes import MODES
from models.economics.simulation import simulate
from models.exceptions import ParameterError
from models.inputs.params import validate
from models.inputs.schema import SPECS
from models.uncertainty import montecarlo
from tests.conftest import PLAN_YARDSTICK

#: Small enough for tests, the panel's own size elsewhere.
N = 200
TRAINING = 1_000


@pytest.fixture(scope="module")
def base():
    return decision_mod.analyse(validate(n_paths=400, sobol_samples=16))


@pytest.fixture(scope="module")
def engine(base):
    return whatif.WhatIf(base.params, n_paths=N, training_paths=TRAINING)


def test_controls_follow_the_tornado_then_the_own_service_then_the_terms(base):
    cs = whatif.controls(base)
    names = [c.name for c in cs]
    assert len(names) == len(set(names)) == whatif.FROM_ANSWER + whatif.FROM_SERVICE + 2
    assert names[-2:] == list(whatif.decisions())
    moving = base.tornado[base.tornado["swing"] > 1e-6]["input"].tolist()
    assert names[: whatif.FROM_ANSWER] == [n for n in moving if n not in whatif.decisions()][:4]
    for c in cs:
        spec = SPECS[c.name]
        assert c.low <= c.value <= c.high
        assert spec.min is None or c.low >= spec.min
        assert spec.max is None or c.high <= spec.max
        assert 20 <= (c.high - c.low) / c.step <= 1000
        assert c.why
    share = cs[-1]
    assert (share.low, share.high) == (0.0, 1.0)  # a share: the whole range
    price = cs[-2]
    assert (price.low, price.high) == (15.0, 60.0)  # a price: half to twice


def test_control_of_an_integer_and_of_a_bad_name():
    params = validate()
    c = whatif.control(params, "horizon_years")
    assert c.integer and c.step == 1 and float(c.low).is_integer()
    with pytest.raises(ParameterError, match="'scenario_name'"):
        whatif.control(params, "scenario_name")


def test_at_the_scenario_values_it_is_the_report_run_with_the_panels_rules(base, engine):
    out = engine.evaluate()
    rules = montecarlo.fit_rules(base.params.replace(decision_training_paths=TRAINING))
    mc = montecarlo.run(base.params, N, rules=rules)
    pd.testing.assert_series_equal(
        out.table["mean"].sort_index(), mc.npv.mean().sort_index(), check_names=False
    )
    res = simulate(base.params, started=True)  # each mode's value if started now
    for mode, r in res.modes.items():
        assert out.expected[mode] == pytest.approx(np.mean(finance.npv(r.cash_flow, res.rate)))
    assert out.recommended == out.table.index[0]
    assert out.runner_up != out.recommended
    assert out.changes == {} and out.changed() == []


def test_every_position_sees_the_same_futures(engine):
    """Common random numbers: the partner's revenue share does not touch licensing, so
    licensing's futures are the same number for number; moving back gives the start."""
    start = engine.evaluate()
    moved = engine.evaluate({"partner_revenue_share": 0.1})
    assert moved.table.loc["license", "mean"] == start.table.loc["license", "mean"]
    assert moved.table.loc["license", "p5"] == start.table.loc["license", "p5"]
    assert moved.expected["partner"] >= start.expected["partner"] - 1e-9
    again = engine.evaluate({})
    pd.testing.assert_frame_equal(again.table, start.table)
    assert moved.changed() == ["partner's revenue share: 10.0%"]


def test_rules_are_refitted_where_reusing_them_would_hide_the_change(base, engine):
    """In the base case the rule walks away from the partnership at the first review
    whatever it sees; on generous terms, the rule fitted there stays in some futures,
    and is worth more than the starting rule applied to the same futures."""
    generous = {
        **PLAN_YARDSTICK,
        "partner_revenue_share": 0.1,
        "content_domestic_title_usd_m": 0.12,
        "content_rights_usd_m_per_title": 0.16,
    }
    out = engine.evaluate(generous)
    stale = montecarlo.run(out.params, N, rules=engine.rules(base.params))
    assert out.table.loc["partner", "mean"] > stale.npv["partner"].mean() + 10
    assert out.seconds["review rules"] > 0


def test_words(engine):
    out = engine.evaluate()
    head = out.headline()
    assert head.startswith(MODES.label(out.recommended) + ", mean NPV $")
    assert f"of {N:,} futures" in head and "ahead of" in head
    about = out.about("partner")
    assert about.startswith("Partner: mean NPV") and "most-likely case" in about
    with pytest.raises(ParameterError, match="what-if mode 'nope'"):
        out.about("nope")


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"partner_revenue_share": 1.5}, "partner_revenue_share=1.5"),
        ({"no_such_input": 1}, "no_such_input"),
    ],
)
def test_bad_changes_name_the_parameter(engine, changes, fragment):
    with pytest.raises(ParameterError, match=fragment):
        engine.evaluate(changes)


@pytest.mark.parametrize(
    ("kw", "name"), [({"n_paths": 1}, "n_paths"), ({"training_paths": 5.5}, "training_paths")]
)
def test_bad_sizes(kw, name):
    with pytest.raises(ParameterError, match=f"what-if {name}="):
        whatif.WhatIf(validate(), **kw)
