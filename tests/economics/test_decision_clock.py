"""One decision clock for every rule (issue 20): the go decision before anything is
spent, then the reviews; commitments paid only after the go; and a value that does not
depend on where the horizon falls in the cycle of content purchases."""

from __future__ import annotations

import numpy as np
import pytest

from models.economics.modes import MODES
from models.economics.simulation import simulate
from models.inputs.params import validate
from models.inputs.schema import PARAMETERS
from models.uncertainty import montecarlo
from tests.conftest import PLAN_YARDSTICK

#: Nothing uncertain: no event can happen, every uncertain input pinned at its value.
CERTAIN = {
    **{name: 0.0 for name in MODES.with_exposure("exit_hazard")},
    **{name: 0.0 for name in MODES.with_exposure("suspension_hazard")},
    "regulation_crackdown_hazard_year": 0.0,
    "partner_distress_hazard_year": 0.0,
    "license_buyer_distress_hazard_year": 0.0,
    "license_renewal_sd_log": 0.0,
    "regulation_easing_hazard_year": 0.0,
    "correlations": [],
    "n_paths": 200,
    "decision_training_paths": 512,
}


def _certain(**changes):
    pinned = {p.name: p.default for p in PARAMETERS if p.uncertain and p.type != "str"}
    p = validate({**pinned, **CERTAIN, **changes})
    assert p.distributions == {}  # nothing drawn
    return p


@pytest.mark.parametrize(
    "changes",
    [{}, {"market_foreign_premium_share": 0.4, **PLAN_YARDSTICK}],
    ids=["own services not worth starting", "own services worth starting"],
)
def test_with_nothing_uncertain_every_rule_agrees(changes):
    """The most-likely case, the fixed plan, the adaptive rule and the foresight bound
    take the same decisions on the same clock, so they agree to rounding."""
    p = _certain(**changes)
    expected = simulate(p).summary["npv_usd_m"]
    fixed = montecarlo.run(p.replace(decision_rule="fixed"))
    mc = montecarlo.run(p)
    for m in MODES.names():
        values = {
            "expected": float(expected[m]),
            "fixed": float(fixed.npv[m].mean()),
            "adaptive": float(mc.npv_adaptive[m].mean()),
            "foresight": float(mc.npv_foresight[m].mean()),
        }
        assert max(values.values()) - min(values.values()) < 1e-6 * max(
            1.0, abs(values["expected"])
        ), (m, values)
    started = {m: float(expected[m]) for m in MODES.services()}
    if changes:  # the services start (their lines move), else they are worth nothing
        assert all(v > 0 for v in started.values()), started
    else:
        assert all(v == 0.0 for v in started.values()), started


def test_nothing_is_paid_before_the_go_decision():
    """A service not worth starting pays nothing at all: no set-up, no team, no content
    (before issue 20 it paid the set-up at month 0 and the team until its first review,
    or until launch in the most-likely case)."""
    res = simulate(validate())
    for m in MODES.services():
        r = res.modes[m]
        assert r.last_month[0] == -1
        assert all(np.all(v == 0.0) for v in r.lines.values()), m
        started = simulate(validate(), started=True).modes[m]
        assert started.lines["setup"][0, 0] < 0  # taken as started, it pays at month 0


def test_walking_away_before_launch_costs_the_walk_away_cost():
    """Started on purpose (a market worth entering) and then a licence that never comes:
    the service walks away before its launch and pays the walk-away cost, not the exit
    cost."""
    p = validate(
        market_foreign_premium_share=0.4,
        regulation_launch_delay_solo_months=110,
        finance_walkaway_usd_m=3.0,
    )
    r = simulate(p, started=True).modes["solo"]
    last = int(r.last_month[0])
    assert 0 <= last < r.launch_month
    assert r.lines["exit_costs"][0, last] == pytest.approx(-3.0)


def test_the_value_is_smooth_in_the_horizon():
    """Content is bought for windows of several years: the continuing value takes it at
    its average over the cycle, so one more year of horizon moves no mode's value by a
    jump (second differences within 5 % of its size over horizons of 9 to 15 years; with
    the final year's purchases they reached 8 %)."""
    values = {
        h: simulate(validate(horizon_years=h), started=True).summary["npv_committed_usd_m"]
        for h in range(9, 16)
    }
    for m in MODES.names():
        v = np.array([values[h][m] for h in sorted(values)])
        jumps = np.abs(np.diff(v, 2))
        assert jumps.max() <= 0.05 * max(np.abs(v).max(), 1.0), (m, v.round(1))
