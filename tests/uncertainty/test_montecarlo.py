"""The Monte Carlo run: reproducible, chunk-independent, consistent with its parts."""

from __future__ import annotations

import numpy as np
import pytest

from models.analysis import metrics
from models.economics.results import LINE_ITEMS
from models.inputs.params import validate
from models.inputs.schema import ENTRY_MODES
from models.uncertainty import montecarlo


@pytest.fixture(scope="module")
def params():
    return validate(n_paths=600)


@pytest.fixture(scope="module")
def mc(params):
    return montecarlo.run(params)


def test_seed_reproduces_exactly(params, mc):
    again = montecarlo.run(params)
    assert again.npv.equals(mc.npv)
    assert again.draws.equals(mc.draws)
    other = montecarlo.run(validate(n_paths=600, seed=1))
    assert not other.npv.equals(mc.npv)


def test_shapes_and_bookkeeping(params, mc):
    assert mc.npv.shape == (600, len(ENTRY_MODES))
    assert list(mc.draws.columns) == list(params.distributions)
    assert mc.fan_subscribers["solo"].shape == (600, params.months)
    assert (mc.npv["stay_out"] == 0).all()
    # the mean PV of the lines adds up to the mean NPV of each mode
    assert np.allclose(mc.pv_lines[list(LINE_ITEMS)].sum(axis=1), mc.npv.mean(), atol=1e-6)
    # the mean cash flow discounts to the mean NPV when the rate is fixed
    t = np.arange(params.months) + 1.0
    df = (1 + params.finance_discount_rate_year) ** (-t / 12)
    assert np.allclose(mc.mean_cash_flow.mul(df, axis=0).sum(), mc.npv.mean(), atol=1e-6)
    assert (mc.peak_funding >= 0).all().all()


def test_path_outcomes_do_not_depend_on_the_number_of_paths():
    """Plain Monte Carlo draws and block-wise event streams: path i is path i (without
    correlations: Iman-Conover reorders the correlated inputs over the whole sample)."""
    small = montecarlo.run(validate(n_paths=10, sampling_method="mc", correlations=[]))
    large = montecarlo.run(validate(n_paths=5000, sampling_method="mc", correlations=[]))
    # equal up to the quantile table used for samples above 256 draws (Distribution.ppf)
    assert np.allclose(small.npv.to_numpy(), large.npv.iloc[:10].to_numpy(), rtol=1e-7)
    assert not np.allclose(small.npv.iloc[0], small.npv.iloc[1])


def test_standard_error_shrinks_with_paths():
    a = metrics.npv_table(montecarlo.run(validate(n_paths=250)).npv)
    b = metrics.npv_table(montecarlo.run(validate(n_paths=4000)).npv)
    ratio = a.loc["license", "se"] / b.loc["license", "se"]
    assert ratio == pytest.approx(4.0, rel=0.25)


def test_a_pinned_input_is_not_drawn_but_events_still_are():
    p = validate(n_paths=300, regulation_exit_hazard_license_year=0.2)
    mc = montecarlo.run(p)
    assert "regulation_exit_hazard_license_year" not in mc.draws  # pinned by the user
    assert mc.npv["license"].std() > 0  # forced exits differ between paths
    assert mc.forced_exit_month["license"].notna().any()
