"""The parameters a notebook gives: the names of its parameter cells, the values
Papermill injected, the defaults its own cell repeats (models.reporting.namespace)."""

from __future__ import annotations

import pytest

from models.exceptions import ParameterError
from models.inputs.params import validate
from models.reporting.namespace import from_namespace, parameter_cell_names

SHARE = "market_foreign_premium_share"  # fraction, default 0.43, default range 0.2-0.85
CHURN = "growth_churn_rate_month"  # fraction per month, default 0.06, range 0.05-0.1
PAYERS = "market_svod_payer_share"  # fraction, default 0.15, range 0.08-0.25


def test_from_namespace_ignores_modules_functions_and_privates():
    import json

    ns = {
        "json": json,
        "f": lambda: 1,
        "_x": 1,
        "In": [],
        "Out": {},
        "horizon_years": 5,
        "get_ipython": print,
    }
    assert from_namespace(ns).horizon_years == 5
    ns["params"] = validate()  # objects a previous "run all" left behind are not inputs
    ns["results"] = object()
    assert from_namespace(ns).horizon_years == 5
    ns["horizon_yeras"] = 6
    with pytest.raises(ParameterError, match="did you mean horizon_years"):
        from_namespace(ns)


def test_in_a_kernel_only_parameter_cells_are_checked():
    """A strategist's own variable does not break the next run-all; a misspelt name in
    Papermill's injected cell does stop the run."""
    ns = {
        "In": [
            "",
            "# Parameters: edit here\nhorizon_years = 5  # years\n",
            "# Parameters\nhorizon_years = 7\n",
            "params = 1",
            "mode = 'solo'",
        ],
        "horizon_years": 7,
        "mode": "solo",
    }
    assert from_namespace(ns).horizon_years == 7
    ns["In"].append("# Parameters\nhorizon_yeras = 8\n")
    ns["horizon_yeras"] = 8
    with pytest.raises(ParameterError, match="did you mean horizon_years"):
        from_namespace(ns)


def test_parameter_cell_names():
    assert parameter_cell_names(None) is None
    assert parameter_cell_names(["x = 1"]) is None
    assert parameter_cell_names(["# Parameters\na = 1\nb: int = 2\nc, d = 3, 4"]) == {"a", "b"}


def test_from_namespace_takes_mappings_and_the_correlations_list():
    ns = {
        SHARE: {"dist": "normal", "mean": 0.1, "sd": 0.02},
        CHURN: 0.06,  # the default, as the notebook's own cell writes it: still sampled
        PAYERS: 0.2,  # changed: fixed
        "correlations": [[SHARE, "market_user_growth_year", 0.4]],
        "sampling_method": "lhs",
        "horizon_years": 10,
    }
    p = from_namespace(ns)
    assert p.distributions[SHARE].kind == "normal"
    assert CHURN in p.distributions and PAYERS not in p.distributions
    assert p.pinned == {PAYERS}
    assert p.correlations == ((SHARE, "market_user_growth_year", 0.4),)


def test_papermill_can_pin_an_input_at_its_default():
    """``market-entry run`` passes ``overrides()``, which includes inputs pinned at their
    default; in Papermill's injected cell they stay pinned."""
    p = validate({SHARE: 0.43})
    injected = "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in p.overrides().items())
    own = "# Parameters: edit here\nmarket_foreign_premium_share = 0.43  # fraction\n"
    ns = {"In": ["", own, injected], SHARE: 0.43}
    q = from_namespace(ns)
    assert q.pinned == {SHARE} and q.digest() == p.digest()
    ns["In"] = ["", own]  # the notebook's own cell only: the default, sampled
    assert from_namespace(ns).pinned == frozenset()
    assert SHARE in from_namespace(ns).distributions
