"""Logistic fits of the leaders' members: a known curve is recovered, the real fits
give the figures the parameters cite, and too few rows are refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.calibration import paying_market as pm
from models.exceptions import MarketEntryError
from models.inputs.schema import SPECS


def _frame(dates, values, verified=True) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "platform": "X",
            "as_of": pd.to_datetime(dates),
            "subscribers_m": values,
            "verified": verified,
        }
    )


def test_a_known_curve_is_recovered():
    dates = pd.date_range("2014-12-31", periods=9, freq="YE")
    truth = pm.logistic(pm.decimal_year(dates), 120.0, 1.4, 2018.0)
    fit = pm.fit("X", frame=_frame(dates, truth))
    assert fit.ceiling_m_ == pytest.approx(120.0, rel=1e-4)
    assert fit.rate_year_ == pytest.approx(1.4, rel=1e-4)
    assert fit.midpoint_year_ == pytest.approx(2018.0, abs=1e-3)
    assert fit.rmse_m_ < 1e-3
    np.testing.assert_allclose(fit.predict(dates), truth, rtol=1e-4)


def test_noise_widens_the_standard_errors():
    dates = pd.date_range("2014-12-31", periods=9, freq="YE")
    truth = pm.logistic(pm.decimal_year(dates), 120.0, 1.4, 2018.0)
    noisy = truth * np.exp(np.random.default_rng(1).normal(0.0, 0.08, len(truth)))
    fit = pm.fit("X", frame=_frame(dates, noisy))
    assert 0.0 < fit.se_rate_year_ < 1.0
    assert abs(fit.rate_year_ - 1.4) < 3.0 * fit.se_rate_year_


def test_the_real_fits_are_the_ones_the_parameters_cite():
    table = pm.fits_table().set_index(["platform", "rows"])
    iq = table.loc[("iQIYI", "verified")]
    tencent = table.loc[("Tencent Video", "all")]
    assert iq["rate_year"] == pytest.approx(1.78, abs=0.01)
    assert tencent["rate_year"] == pytest.approx(1.21, abs=0.01)
    assert (iq["ceiling_m"], tencent["ceiling_m"]) == (
        pytest.approx(107, abs=1),
        pytest.approx(121, abs=1),
    )
    assert 2018.0 <= iq["midpoint_year"] <= 2018.5 and 2018.0 <= tencent["midpoint_year"] <= 2018.5
    rate = SPECS["market_payer_diffusion_rate_year"]
    assert rate.default_range == (round(tencent["rate_year"], 1), round(iq["rate_year"], 1))
    assert "1.78" in rate.source and "1.21" in rate.source
    # Tencent Video has three verified rows: no fit on them alone
    assert ("Tencent Video", "verified") not in table.index


def test_too_few_rows_are_refused_by_name():
    frame = _frame(["2016-12-31", "2017-12-31", "2018-12-31"], [1.0, 2.0, 3.0])
    with pytest.raises(MarketEntryError, match=r"X: 3 verified rows of members; .* at least 4"):
        pm.fit("X", frame=frame)
