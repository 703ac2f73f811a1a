"""Validation of user input: one clear error naming the parameter, value and expectation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError

from models.exceptions import ParameterError
from models.inputs.params import suggest, validate


def test_defaults_and_attribute_access():
    p = validate()
    assert p.horizon_years == 15 and p.months == 180
    assert isinstance(p.growth_churn_rate_month, float)
    with pytest.raises(ValidationError):
        p.horizon_years = 3  # frozen


@pytest.mark.parametrize(
    ("values", "fragments"),
    [
        (
            {"churn_rate_month": 0.1},
            ["unknown parameter churn_rate_month=0.1", "did you mean growth_churn_rate_month"],
        ),
        (
            {"growth_churn_rate_month": "high"},
            ["growth_churn_rate_month='high'", "a number in [0, 0.3]"],
        ),
        (
            {"growth_churn_rate_month": 0.5},
            ["growth_churn_rate_month=0.5", "[0, 0.3]", "fraction per month"],
        ),
        ({"horizon_years": 2.5}, ["horizon_years=2.5", "an integer in [1, 30]"]),
        ({"horizon_years": True}, ["horizon_years=True", "an integer"]),
        ({"growth_churn_rate_month": math.nan}, ["growth_churn_rate_month=nan"]),
        ({"growth_churn_rate_month": [0.1, 0.05, 0.2]}, ["low <= mode <= high"]),
        ({"growth_churn_rate_month": [0.1, 0.2]}, ["[low, mode, high]"]),
        ({"growth_churn_rate_month": [0.0, 0.1, 0.9]}, ["0.9 is outside"]),
        ({"pricing_vat_rate": [0.0, 0.06, 0.1]}, ["does not accept a range"]),
        ({"scenario_name": "x" * 500}, ["scenario_name=", "at most 120 characters"]),
        ({"n_paths": 0}, ["n_paths=0", "an integer in [2, 2000000]"]),
        ({"n_paths": 1}, ["n_paths=1", "an integer in [2, 2000000] (paths)"]),
        ({"sampling_method": "sobol"}, ["sampling_method='sobol'", "one of 'lhs', 'mc'"]),
    ],
)
def test_bad_values_give_one_line(values, fragments):
    with pytest.raises(ParameterError) as info:
        validate(values)
    msg = str(info.value)
    assert "\n" not in msg
    for f in fragments:
        assert f in msg


def test_where_is_named():
    with pytest.raises(ParameterError, match=r"in data/scenarios/x\.yaml"):
        validate({"horizon_years": 0}, where=" in data/scenarios/x.yaml")


def test_ranges_keep_the_mode_and_the_triple():
    p = validate(
        growth_churn_rate_month=[0.04, 0.06, 0.1], regulation_launch_delay_solo_months=(6, 12, 24)
    )
    assert p.growth_churn_rate_month == 0.06
    assert p.regulation_launch_delay_solo_months == 12
    assert p.ranges == {
        "growth_churn_rate_month": (0.04, 0.06, 0.1),
        "regulation_launch_delay_solo_months": (6, 12, 24),
    }
    assert p.to_dict()["growth_churn_rate_month"] == [0.04, 0.06, 0.1]


def test_ints_become_floats_and_numpy_scalars_are_accepted():
    p = validate(
        growth_churn_rate_month=0,
        horizon_years=np.int64(5),
        pricing_price_cny_month=np.float32(25.0),
    )
    assert p.growth_churn_rate_month == 0.0 and p.horizon_years == 5
    assert p.pricing_price_cny_month == 25.0


def test_digest_is_stable_and_sensitive():
    assert validate().digest() == validate().digest()
    assert validate().digest() != validate(growth_churn_rate_month=0.07).digest()
    assert (
        validate(growth_churn_rate_month=0.06).digest()
        != validate(growth_churn_rate_month=[0.05, 0.06, 0.07]).digest()
    )


def test_overrides_lists_only_changes():
    assert validate().overrides() == {}
    assert validate(horizon_years=5).overrides() == {"horizon_years": 5}


def test_suggest():
    assert suggest("discount_rate_year") == "finance_discount_rate_year"
    assert suggest("zzzz") is None


def test_error_renders_as_one_line_in_ipython():
    err = ParameterError("parameter x=1: expected y")
    assert err._render_traceback_() == ["ParameterError: parameter x=1: expected y"]


def test_a_long_run_growth_at_the_discount_rate_is_refused():
    with pytest.raises(ParameterError, match=r"finance_terminal_growth_year=0\.1: expected at"):
        validate(finance_terminal_growth_year=0.1, finance_discount_rate_year=0.08)
    # without a Gordon value the growth does not matter
    validate(
        finance_terminal_growth_year=0.1,
        finance_discount_rate_year=0.08,
        finance_terminal_method="none",
    )


def test_pinning_an_input_a_scenario_correlates_drops_its_pair_not_the_run():
    """A scenario's own correlation of two inputs must not make the tornado, the model
    checks or the what-if (which pin inputs with replace) fail inside the notebook,
    after `check` said ok: the pinned input's pair is left out, as a default pair is."""
    from models.analysis import drivers
    from models.inputs.scenario import load

    pair = ["regulation_exit_hazard_solo_year", "regulation_exit_hazard_partner_year", 1.0]
    params = load("data/scenarios/base.yaml", {"correlations": [pair]})
    assert params.correlations == (tuple(pair),)
    pinned = params.replace(regulation_exit_hazard_solo_year=0.05)
    assert pinned.correlations == () and "regulation_exit_hazard_solo_year" in pinned.pinned
    assert params.replace(n_paths=100).correlations == params.correlations  # kept otherwise
    tornado = drivers.tornado(params, "license", "stay_out")
    assert "regulation_exit_hazard_solo_year" in set(tornado["input"])
