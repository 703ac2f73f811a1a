"""Uncertain inputs: ranges, distributions, what the Monte Carlo engine samples, and the
rank correlations between inputs (issue 3, item 1)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from models.exceptions import ParameterError
from models.inputs.params import validate
from models.inputs.scenario import load, parse_overrides, parse_value
from models.inputs.schema import PARAMETERS, SPECS
from models.uncertainty import sampling

SHARE = "market_foreign_premium_share"  # fraction, default 0.43, default range 0.2-0.85
CHURN = "growth_churn_rate_month"  # fraction per month, default 0.06, range 0.05-0.1
PAYERS = "market_svod_payer_share"  # fraction, default 0.15, range 0.08-0.25
DELAY = "regulation_launch_delay_solo_months"  # int, default 18, range 12-36
PRICE = "pricing_price_cny_month"  # uncertain, no default range
VAT = "pricing_vat_rate"  # not uncertain


def refused(values: dict, *fragments: str) -> str:
    """Validate ``values``, expect one ParameterError, check its message and return it."""
    with pytest.raises(ParameterError) as info:
        validate(values)
    msg = str(info.value)
    assert "\n" not in msg
    for f in fragments:
        assert f in msg, msg
    return msg


# -- specs --------------------------------------------------------------------------


def test_a_mapping_is_accepted_and_the_attribute_is_its_mode_value():
    spec = {"dist": "lognormal", "median": 0.12, "sigma": 0.4}
    p = validate({SHARE: spec})
    assert p.market_foreign_premium_share == pytest.approx(0.12)
    assert p.specs == {SHARE: {"dist": "lognormal", "median": 0.12, "sigma": 0.4}}
    assert p.ranges == {}
    assert p.to_dict()[SHARE] == {"dist": "lognormal", "median": 0.12, "sigma": 0.4}
    d = p.distributions[SHARE]
    assert d.kind == "lognormal" and d.mode_value == pytest.approx(0.12)
    assert d.support[1] <= 1.0  # truncated to the parameter's range [0, 1]


@pytest.mark.parametrize(
    ("spec", "mode"),
    [
        ({"dist": "triangular", "low": 0.05, "mode": 0.08, "high": 0.2}, 0.08),
        ({"dist": "PERT", "low": 0.05, "mode": 0.09, "high": 0.2}, 0.09),
        ({"dist": "uniform", "low": 0.05, "high": 0.15}, 0.1),
        ({"dist": "normal", "mean": 0.11, "sd": 0.02}, 0.11),
        ({"dist": "beta", "alpha": 2, "beta": 6}, 0.25),
    ],
)
def test_each_distribution_gives_its_central_value(spec, mode):
    p = validate({SHARE: spec})
    assert p.market_foreign_premium_share == pytest.approx(mode)
    assert p.specs[SHARE]["dist"] == spec["dist"].lower()  # canonical form
    assert p.distributions[SHARE].kind == spec["dist"].lower()


def test_an_integer_parameter_holds_the_rounded_mode():
    p = validate({DELAY: {"dist": "normal", "mean": 20.6, "sd": 4}})
    assert p.regulation_launch_delay_solo_months == 21
    assert isinstance(p.regulation_launch_delay_solo_months, int)
    assert p.distributions[DELAY].mode_value == pytest.approx(20.6)


def test_a_list_range_still_works():
    p = validate({CHURN: [0.04, 0.06, 0.1], SHARE: {"dist": "uniform", "low": 0.0, "high": 0.2}})
    assert p.growth_churn_rate_month == 0.06
    assert p.ranges == {CHURN: (0.04, 0.06, 0.1)}
    assert p.specs == {
        SHARE: {"dist": "uniform", "low": 0.0, "high": 0.2},
        CHURN: [0.04, 0.06, 0.1],
    }
    assert list(p.specs) == [SHARE, CHURN]  # schema order
    d = p.distributions[CHURN]
    assert d.kind == "pert" and dict(d.params) == {
        "low": 0.04,
        "mode": 0.06,
        "high": 0.1,
        "lambda": 4.0,
    }


@pytest.mark.parametrize(
    ("value", "fragments"),
    [
        (
            {"dist": "triangular", "low": 0.2, "mode": 0.1, "high": 0.05},
            [f"parameter {SHARE}=", "low=0.2 > high=0.05"],
        ),
        ([0.2, 0.1, 0.05], [f"parameter {SHARE}=[0.2, 0.1, 0.05]", "low <= mode <= high"]),
        (
            {"dist": "normall", "mean": 0.1, "sd": 0.02},
            [f"parameter {SHARE}=", "unknown distribution 'normall'; did you mean 'normal'?"],
        ),
        (
            {"dist": "beta", "alpha": 2, "beta": 3, "low": 0.5, "high": 1.5},
            [f"parameter {SHARE}=", "outside the parameter's valid range [0, 1]"],
        ),
        (
            {"dist": "triangular", "low": -0.1, "mode": 0.1, "high": 0.3},
            [f"parameter {SHARE}=", "support [-0.1, 0.3] is outside", "[0, 1]"],
        ),
        ({"dist": "normal", "mean": 0.1, "sd": 0}, [f"parameter {SHARE}=", "expected sd > 0"]),
        ({"dist": "normal", "mean": 0.1, "sd": -0.01}, ["sd=-0.01; expected sd > 0"]),
        ({"dist": "normal", "mean": 0.1}, ["missing key 'sd' for normal"]),
        ({"mean": 0.1, "sd": 0.02}, ["missing key 'dist'"]),
        ({"dist": "normal", "mean": "high", "sd": 0.02}, ["mean must be a number"]),
    ],
)
def test_bad_specs_name_the_parameter(value, fragments):
    refused({SHARE: value}, *fragments)


def test_a_parameter_that_is_not_uncertain_refuses_a_distribution():
    msg = refused(
        {VAT: {"dist": "normal", "mean": 0.06, "sd": 0.01}}, "does not accept a distribution"
    )
    assert msg.startswith(f"parameter {VAT}=")
    refused({VAT: [0.05, 0.06, 0.07]}, f"parameter {VAT}=", "does not accept a range")
    refused({"scenario_name": {"dist": "normal"}}, "scenario_name=", "does not accept")


def test_where_is_named_for_a_spec():
    with pytest.raises(ParameterError, match=r"in data/scenarios/x\.yaml: unknown distribution"):
        validate({SHARE: {"dist": "gamma", "a": 1}}, where=" in data/scenarios/x.yaml")


# -- what is sampled ------------------------------------------------------------------


def test_defaults_are_sampled_as_pert_around_the_default():
    dists = validate().distributions
    expected = [
        p.name
        for p in PARAMETERS
        if p.uncertain and p.default_range and p.default_range[0] != p.default_range[1]
    ]
    assert list(dists) == expected and len(expected) > 20
    for name in expected:
        low, high = SPECS[name].default_range
        d = dists[name]
        assert d.kind == "pert", name
        assert dict(d.params) == {
            "low": low,
            "mode": SPECS[name].default,
            "high": high,
            "lambda": 4.0,
        }
        assert d.mode_value == SPECS[name].default
    assert PRICE not in dists and VAT not in dists  # no default range / not uncertain
    assert "regulation_crackdown_hazard_year" in dists


def test_a_plain_number_pins_an_input_even_at_its_default():
    p = validate({SHARE: 0.1, CHURN: 0.07, PAYERS: [0.15, 0.15, 0.15]})
    assert p.pinned == {SHARE, CHURN}
    dists = p.distributions
    assert SHARE not in dists and CHURN not in dists
    assert PAYERS not in dists  # a degenerate range is a constant
    assert p.market_svod_payer_share == 0.15
    assert validate().pinned == frozenset()
    assert validate(horizon_years=5).pinned == frozenset()  # only uncertain inputs pin


def test_user_specs_replace_the_default_and_open_inputs_without_one():
    p = validate({SHARE: {"dist": "normal", "mean": 0.12, "sd": 0.03}, PRICE: [25.0, 30.0, 40.0]})
    dists = p.distributions
    assert dists[SHARE].kind == "normal" and dists[SHARE].mode_value == 0.12
    assert dists[PRICE].kind == "pert" and dists[PRICE].support == (25.0, 40.0)
    names = list(dists)
    assert names.index("market_svod_payer_share") < names.index(SHARE) < names.index(PRICE)
    assert p.distributions is not p.distributions  # a copy: the object stays immutable


def test_digest_changes_with_the_spec_alone():
    same_mode = [
        validate({SHARE: 0.43}),
        validate({SHARE: [0.25, 0.43, 0.7]}),
        validate({SHARE: {"dist": "triangular", "low": 0.25, "mode": 0.43, "high": 0.7}}),
        validate({SHARE: {"dist": "pert", "low": 0.25, "mode": 0.43, "high": 0.7}}),
        validate({SHARE: {"dist": "pert", "low": 0.25, "mode": 0.43, "high": 0.7, "lambda": 2}}),
        validate({SHARE: {"dist": "normal", "mean": 0.43, "sd": 0.05}}),
        validate(),
    ]
    assert all(p.market_foreign_premium_share == pytest.approx(0.43) for p in same_mode)
    assert len({p.digest() for p in same_mode}) == len(same_mode)
    spec = {"dist": "normal", "mean": 0.1, "sd": 0.02}
    assert validate({SHARE: spec}).digest() == validate({SHARE: dict(spec)}).digest()


def test_overrides_rebuild_the_same_parameters():
    p = validate(
        {
            SHARE: 0.43,  # pinned at the default
            CHURN: {"dist": "uniform", "low": 0.04, "high": 0.09},
            "sampling_method": "mc",
            "correlations": [[CHURN, PAYERS, 0.4]],
        }
    )
    over = p.overrides()
    assert over[SHARE] == 0.43 and over["correlations"] == [[CHURN, PAYERS, 0.4]]
    q = validate(over)
    assert q.digest() == p.digest() and q.pinned == p.pinned
    assert list(q.distributions) == list(p.distributions)
    assert validate().overrides() == {}


# -- correlations -----------------------------------------------------------------


def test_correlations_are_accepted_and_stored():
    p = validate(correlations=[[SHARE, CHURN, -0.3], (PAYERS, SHARE, 0.5)])
    assert p.correlations == ((SHARE, CHURN, -0.3), (PAYERS, SHARE, 0.5))
    assert p.correlation_pairs == p.correlations
    assert all(isinstance(rho, float) for _, _, rho in p.correlations)
    assert p.to_dict()["correlations"] == [[SHARE, CHURN, -0.3], [PAYERS, SHARE, 0.5]]
    defaults = [list(t) for t in SPECS["correlations"].default]
    assert validate().to_dict()["correlations"] == defaults
    assert validate(correlations=[]).correlations == ()
    # a default pair whose input a scenario fixes is left out, not refused
    pinned = validate(regulation_approval_pass_rate=0.5)
    assert [list(t) for t in pinned.correlations] == defaults[:2]
    assert p.digest() != validate().digest()


def test_stored_correlations_are_what_the_sample_achieves():
    p = validate(correlations=[[SHARE, CHURN, -0.6]])
    draws = sampling.sample(p.distributions, 4000, seed=1, correlation=p.correlation_pairs)
    rho = stats.spearmanr(draws[SHARE], draws[CHURN]).statistic
    assert rho == pytest.approx(-0.6, abs=0.05)


def test_correlations_that_are_not_positive_semi_definite_are_refused():
    msg = refused(
        {"correlations": [[SHARE, CHURN, 0.9], [CHURN, PAYERS, 0.9], [SHARE, PAYERS, -0.9]]},
        "positive semi-definite",
        "smallest eigenvalue -0.8",
        "expected a consistent set",
    )
    assert msg.startswith("parameter correlations=")


@pytest.mark.parametrize(
    ("values", "fragments"),
    [
        (
            {"correlations": [[SHARE, "growth_churn_rate_mont", 0.3]]},
            ["unknown parameter growth_churn_rate_mont; did you mean growth_churn_rate_month?"],
        ),
        (
            {SHARE: 0.12, "correlations": [[SHARE, CHURN, 0.3]]},
            [f"{SHARE} is fixed to a number", "no distribution to correlate"],
        ),
        (
            {SHARE: [0.1, 0.1, 0.1], "correlations": [[SHARE, CHURN, 0.3]]},
            ["degenerate range", "no distribution to correlate"],
        ),
        (
            {"correlations": [[SHARE, VAT, 0.3]]},
            [f"{VAT} is not an uncertain parameter", "no distribution to correlate"],
        ),
        ({"correlations": [[SHARE, PRICE, 0.3]]}, [f"{PRICE} is not sampled by default"]),
        ({"correlations": [[SHARE, CHURN, 1.5]]}, ["rho=1.5", "expected a number in [-1, 1]"]),
        ({"correlations": [[SHARE, CHURN, -1.01]]}, ["rho=-1.01", "[-1, 1]"]),
        ({"correlations": [[SHARE, CHURN, "high"]]}, ["rho='high'", "[-1, 1]"]),
        ({"correlations": [[SHARE, SHARE, 0.3]]}, ["paired with itself"]),
        (
            {"correlations": [[SHARE, CHURN, 0.3], [CHURN, SHARE, 0.2]]},
            ["given twice"],
        ),
        ({"correlations": [[SHARE, CHURN]]}, ["each item must be [name, name, rank correlation]"]),
        ({"correlations": {SHARE: CHURN}}, ["expected a list of [name, name, rank correlation]"]),
    ],
)
def test_bad_correlations_are_refused(values, fragments):
    msg = refused(values, *fragments)
    assert msg.startswith("parameter correlations=")


def test_a_user_spec_can_be_correlated():
    p = validate({PRICE: [25.0, 30.0, 40.0], "correlations": [[PRICE, SHARE, 0.2]]})
    assert p.correlations == ((PRICE, SHARE, 0.2),)


# -- choices ------------------------------------------------------------------------


def test_sampling_method_choices_are_enforced():
    assert validate().sampling_method == "lhs"
    assert validate(sampling_method="mc").sampling_method == "mc"
    for bad in ("LHS", "sobol", 1):
        refused(
            {"sampling_method": bad}, f"parameter sampling_method={bad!r}", "one of 'lhs', 'mc'"
        )


# -- scenario files, -p and notebooks ------------------------------------------------------


def test_a_yaml_scenario_with_a_distribution_and_correlations_loads(tmp_path):
    path = tmp_path / "uncertain.yaml"
    path.write_text(
        f"{SHARE}: {{dist: triangular, low: 0.03, mode: 0.08, high: 0.2}}\n"
        f"{CHURN}:\n  dist: normal\n  mean: 0.07\n  sd: 0.01\n"
        f"{PAYERS}: [0.1, 0.15, 0.2]\n"
        "sampling_method: mc\n"
        "correlations:\n"
        f"  - [{SHARE}, {CHURN}, -0.3]\n"
        f"  - [{PAYERS}, {SHARE}, 0.25]\n"
    )
    p = load(path)
    assert p.market_foreign_premium_share == 0.08 and p.growth_churn_rate_month == 0.07
    assert p.distributions[SHARE].kind == "triangular"
    assert p.distributions[CHURN].kind == "normal"
    assert p.ranges == {PAYERS: (0.1, 0.15, 0.2)}
    assert p.correlations == ((SHARE, CHURN, -0.3), (PAYERS, SHARE, 0.25))
    assert p.sampling_method == "mc" and p.scenario_name == "uncertain"


def test_a_yaml_scenario_with_bad_correlations_names_the_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(f"{SHARE}: 0.2\ncorrelations: [[{SHARE}, {CHURN}, 0.5]]\n")
    with pytest.raises(ParameterError) as info:
        load(path)
    msg = str(info.value)
    assert msg.startswith("parameter correlations=") and f"in {path}" in msg
    assert "no distribution to correlate" in msg


def test_a_duplicate_key_inside_a_distribution_is_refused(tmp_path):
    from models.exceptions import ScenarioFileError

    path = tmp_path / "dup.yaml"
    path.write_text(f"{SHARE}: {{dist: normal, mean: 0.1, mean: 0.2, sd: 0.01}}\n")
    with pytest.raises(ScenarioFileError, match="duplicate key 'mean'"):
        load(path)


def test_p_accepts_a_flow_mapping_and_a_flow_list():
    assert parse_value("{dist: normal, mean: 0.1, sd: 2e-2}", SHARE) == {
        "dist": "normal",
        "mean": 0.1,
        "sd": 0.02,
    }
    text = f"[[{SHARE}, {CHURN}, -0.3]]"
    assert parse_value(text, "correlations") == [[SHARE, CHURN, -0.3]]
    assert parse_value("[]", "correlations") == []
    over = parse_overrides(
        [(SHARE, "{dist: uniform, low: 0.05, high: 0.15}"), ("correlations", text)]
    )
    p = validate(over)
    assert p.market_foreign_premium_share == pytest.approx(0.1)
    assert p.correlations == ((SHARE, CHURN, -0.3),)
    # a duplicate key is not silently merged: the text reaches validation and is refused
    dup = parse_value("{dist: normal, dist: pert}", SHARE)
    assert dup == "{dist: normal, dist: pert}"
    refused({SHARE: dup}, f"parameter {SHARE}=")


def test_every_default_distribution_is_valid():
    for name, d in validate().distributions.items():
        low, high = d.support
        assert SPECS[name].min <= low < high <= SPECS[name].max, name
        assert np.isfinite(d.mean), name


def test_replace_keeps_what_is_sampled_and_correlated():
    p = validate({CHURN: 0.07, "correlations": [[SHARE, PAYERS, 0.3]]})
    q = p.replace(partner_revenue_share=0.3)
    assert q.partner_revenue_share == 0.3 and q.growth_churn_rate_month == 0.07
    assert q.pinned == {CHURN, "partner_revenue_share"}
    assert q.correlations == p.correlations and SHARE in q.distributions
    # the naive round trip pins every input, so the correlation has nothing to act on
    with pytest.raises(ParameterError, match="no distribution to correlate"):
        validate({**p.to_dict(), "partner_revenue_share": 0.3})


def test_the_report_table_shows_specs_and_correlations():
    from models.inputs.params import table_rows
    from models.reporting.blocks import parameter_table

    p = validate(
        {SHARE: {"dist": "normal", "mean": 0.1, "sd": 0.02}, "correlations": [[SHARE, CHURN, 0.2]]}
    )
    rows = {r["name"]: r for r in table_rows(p)}
    assert rows[SHARE]["changed"] and rows["correlations"]["changed"]
    shown = [list(t) for t in rows["correlations"]["default"]]
    assert shown == [list(t) for t in SPECS["correlations"].default]
    assert not rows[PAYERS]["changed"]
    assert not {r["name"] for r in table_rows(validate()) if r["changed"]}
    html = str(parameter_table(p))
    assert "normal(mean=0.1, sd=0.02)" in html
    assert f"[{SHARE}, {CHURN}, 0.2]" in html


def test_the_schemas_pairs_stay_the_schemas_when_an_input_is_pinned():
    """Pinning an input of a default pair leaves that pair out; the others are still the
    schema's, not the user's, so a copy that pins another input leaves its pair out too
    (validate(p.overrides()) rebuilds p; issue 19)."""
    pairs = SPECS["correlations"].default
    p = validate(regulation_approval_pass_rate=0.9)
    assert p.correlations == pairs[:2] and "correlations" not in p.overrides()
    assert validate(p.overrides()).digest() == p.digest()
    q = p.replace(regulation_exit_hazard_solo_year=0.05)
    assert q.correlations == pairs[1:2]
    # pairs the user gives stay the user's, and replace() pins the way the tornado, the
    # model checks and the what-if do: a pinned input leaves the user's pair it is in
    # (issue 24: a scenario's own correlation made the model checks fail the run)
    mine = validate(correlations=[list(t) for t in pairs[:2]])
    assert "correlations" in mine.overrides()
    pinned = mine.replace(regulation_exit_hazard_solo_year=0.05)
    assert pinned.correlations == pairs[1:2]
    assert "correlations" in pinned.overrides()
    # but the same pair given with the pinned value in one set is still refused
    with pytest.raises(ParameterError, match="no distribution to correlate"):
        mine.replace(
            regulation_exit_hazard_solo_year=0.05, correlations=[list(t) for t in pairs[:2]]
        )
