"""Model checks on the Monte Carlo values: they hold on every scenario, test something on
the base case, say when they test nothing, and can fail."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from models.analysis import checks
from models.economics import operating
from models.inputs.params import validate
from models.inputs.scenario import load
from tests.conftest import PLAN_YARDSTICK, ROOT

SCENARIOS = sorted((ROOT / "data" / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_check_holds_on_every_scenario(path: Path):
    found = checks.model_checks(load(path))
    assert len(found) == len(checks.RELATIONS) + 8
    failed = [f"{c.name}: {c.detail}" for c in found if not c.passed]
    assert not failed, failed
    if path.stem == "base":  # every check tests something on the base case
        idle = [c.name for c in found if not c.informative]
        assert not idle, idle
        # the own services are never started there: a relation over them says that their
        # values with reviews were not tested (the live market below tests them)
        more = next(c for c in found if c.name == "more market")
        assert more.status == checks.HOLDS and "solo adaptive" in more.untested


@pytest.mark.parametrize(
    ("years", "status", "named"),
    [(8, checks.FAILS, "horizon_years of 13"), (15, checks.HOLDS, None)],
)
def test_a_horizon_that_ends_in_the_ramp_up_fails_the_steady_year_check(years, status, named):
    """At eight years solo's subscribers still grow about 39 % a year against the
    market's 2 %: the check fails and names the horizon (13 years on the base inputs)
    from which the final year is steady; the default of 15 holds."""
    found = checks._steady_horizon(validate(horizon_years=years))
    assert found.status == status, found.detail
    assert "solo: subscribers" in found.detail and "steady from year 13" in found.detail
    if named:
        assert named in found.detail
    assert checks._steady_horizon(validate(finance_terminal_method="none")) is None


def test_a_check_where_nothing_moved_is_uninformative_not_held():
    """A later launch compared on the adaptive values only, where the own services are
    not worth starting before or after: both 0 on every path."""
    p = validate()
    relation = next(r for r in checks.RELATIONS if r.name == "a later launch")
    adaptive_only = checks.Relation(
        relation.name, relation.rule, relation.change, relation.modes, False, ("adaptive",)
    )
    found = adaptive_only.check(p, checks._run(p))
    assert found.status == checks.UNINFORMATIVE and found.passed and not found.informative


def test_a_model_where_market_repels_demand_fails_its_check(monkeypatch):
    """The checks are not vacuous: make a larger market shrink demand and "more market"
    fails on the committed values, which move although nothing is started. (The
    market's equation is compiled into an own service's months, so the share open to a
    foreign service is inverted where the service hands it to them.)"""
    real = operating.operate

    def inverted(*args, **arrays):
        foreign = np.asarray(arrays["foreign_share"], dtype=float)
        arrays["foreign_share"] = 0.2 / np.maximum(foreign, 0.01) * 0.05
        return real(*args, **arrays)

    monkeypatch.setattr(operating, "operate", inverted)
    p = validate()
    more = next(r for r in checks.RELATIONS if r.name == "more market")
    found = more.check(p, checks._run(p))
    assert found.status == checks.FAILS and not found.passed


def test_a_licence_priced_against_its_buyers_paying_users_fails_its_check(monkeypatch):
    """'More paying users' tests licensing on something that moves (the share open to a
    foreign service no longer enters a licence's price, so 'more market' would leave
    it unmoved): price a contract against the buyer's paying users (the demand's
    elasticity negated where the licence hands it to its compiled months) and it fails."""
    from models.economics import licence

    real = licence.schedule

    def inverted(n_months, **inputs):
        inputs["elasticity"] = -np.asarray(inputs["elasticity"], dtype=float)
        return real(n_months, **inputs)

    monkeypatch.setattr(licence, "schedule", inverted)
    p = validate()
    more = next(r for r in checks.RELATIONS if r.name == "more paying users")
    found = more.check(p, checks._run(p))
    assert found.status == checks.FAILS and not found.passed


def test_a_model_where_content_repels_demand_fails_its_check(monkeypatch):
    """More titles draw less: the catalogue's elasticity turned negative where an own
    service hands it to the catalogue's draw (``operating.catalogue_draw``, which its
    compiled months read). Nothing is served from before the change (``reuse``)."""
    from models.economics import reuse

    real = operating.catalogue_draw

    def inverted(*args, **arrays):
        arrays["elasticity"] = -np.asarray(arrays["elasticity"], dtype=float)
        return real(*args, **arrays)

    reuse.forget()
    monkeypatch.setattr(operating, "catalogue_draw", inverted)
    try:
        assert checks._content_draws_demand(validate()).status == checks.FAILS
    finally:
        reuse.forget()


def test_the_table_says_which_hold():
    table = checks.checks_table(checks.model_checks(validate()))
    assert list(table.columns)[:3] == ["check", "rule", "result"]
    assert set(table["result"]) == {"holds"}
    assert table["rule"].str.endswith(".").all()


def test_the_checks_are_saved_for_the_validation_report_and_read_back(tmp_path, monkeypatch):
    p = validate()
    found = [checks.Check(r.name, r.rule, checks.HOLDS, "12.0 -> 13.0") for r in checks.RELATIONS]
    found.append(checks.Check("idle", "Nothing moves", checks.UNINFORMATIVE, "0 -> 0"))
    assert checks.save(found, "", p.digest()) is None  # a notebook run by hand
    path = checks.save(found, tmp_path, p.digest())
    assert path == tmp_path / checks.FILE
    assert checks.load(tmp_path, p.digest()) == found
    ran = []
    monkeypatch.setattr(checks, "model_checks", lambda params: ran.append(params) or list(found))
    assert checks.checks_for(p, tmp_path) == found and not ran  # read, not run again
    # other parameters, a damaged file, a foreign status, no file: run again
    other = validate(n_paths=500)
    assert checks.load(tmp_path, other.digest()) is None
    assert checks.checks_for(other, tmp_path) == found and ran == [other]
    assert checks.load(tmp_path, other.digest()) == found  # run again, and saved
    checks.save(found, tmp_path, p.digest())
    # a file missing some of the checks (emptied, cut short) is not the run's checks
    checks.save(found[:3], tmp_path, p.digest())
    assert checks.load(tmp_path, p.digest()) is None
    checks.save([], tmp_path, p.digest())
    assert checks.load(tmp_path, p.digest()) is None
    for text in ("{", '{"parameters_hash": 1}', "[]"):
        path.write_text(text)
        assert checks.load(tmp_path, p.digest()) is None, text
    bad = {"name": "x", "rule": "y", "status": "<script>", "detail": "z"}
    path.write_text(json.dumps({"parameters_hash": p.digest(), "checks": [bad]}))
    assert checks.load(tmp_path, p.digest()) is None
    assert checks.load(tmp_path / "missing", p.digest()) is None
    with pytest.raises(Exception, match="not a folder"):
        checks.save(found, tmp_path / "missing", p.digest())


def test_where_own_services_are_worth_starting_every_check_tests_them():
    """In base the own services are never started: the relations over them rest on
    their committed values and on licensing, and say which values did not move. Where
    they are worth starting (the plan-sized yardstick, half of payers open to a foreign
    service), every check holds and moves something, and no relation leaves the own
    services' values with reviews untested."""
    found = checks.model_checks(validate(**PLAN_YARDSTICK, market_foreign_premium_share=0.5))
    failed = [f"{c.name}: {c.detail}" for c in found if not c.passed]
    assert not failed, failed
    idle = [c.name for c in found if not c.informative]
    assert not idle, idle
    untested = [(c.name, c.untested) for c in found if "solo adaptive" in c.untested]
    untested += [(c.name, c.untested) for c in found if "partner adaptive" in c.untested]
    assert not untested, untested
