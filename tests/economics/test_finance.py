"""Finance: discounting, NPV, IRR, payback, peak funding and tax by hand."""

from __future__ import annotations

import numpy as np
import pytest

from models.economics.finance import (
    abandonment,
    discount_factors,
    income_tax,
    irr_year,
    npv,
    payback_month,
    peak_funding,
)
from models.economics.modes.policy import final_year, steady_year, year_at_horizon
from models.economics.regulation import dark_share, hazard_schedule, monthly_hazard, survival


def test_npv_by_hand():
    cf = np.zeros((1, 24))
    cf[0, 11] = 110.0  # end of month 11 = one year
    assert npv(cf, 0.10)[0] == pytest.approx(100.0)
    assert discount_factors(0.0, 5).tolist() == [[1.0] * 5]


def test_irr_recovers_a_known_rate():
    cf = np.zeros((1, 24))
    cf[0, 0] = -100.0
    cf[0, 12] = 115.0  # 12 months after the outlay
    assert irr_year(cf)[0] == pytest.approx(0.15, rel=1e-9)


def test_irr_over_thirty_years():
    cf = np.zeros((1, 360))
    cf[0, 0] = -100.0
    cf[0, 1:] = 1.0  # a perpetuity-like stream over 30 years
    r = irr_year(cf)[0]
    t = np.arange(360) + 1.0
    monthly = (1 + r) ** (1 / 12) - 1
    assert np.isclose(np.sum(cf[0] / (1 + monthly) ** t), 0.0, atol=1e-8)


def test_irr_is_not_reported_when_several_rates_solve():
    cf = np.zeros((1, 25))
    cf[0, 0], cf[0, 12], cf[0, 24] = -100.0, 230.0, -132.0  # roots near 10 % and 20 %
    assert np.isnan(irr_year(cf)[0])


def test_irr_undefined_without_a_sign_change():
    assert np.isnan(irr_year(np.ones((1, 12)))[0])
    assert np.isnan(irr_year(-np.ones((1, 12)))[0])


def test_payback_and_peak_funding():
    cf = np.array([[-10.0, -5.0, 4.0, 6.0, 6.0, -1.0, 3.0]])
    # cumulative: -10, -15, -11, -5, 1, 0, 3 -> last negative is month 3
    assert payback_month(cf)[0] == 4
    assert peak_funding(cf)[0] == 15.0
    assert np.isnan(payback_month(-np.ones((1, 5)))[0])
    assert payback_month(np.ones((1, 5)))[0] == 0


def test_income_tax_carries_losses_forward():
    taxable = np.array([[-100.0, 60.0, 60.0, 10.0]])
    tax = income_tax(taxable, 0.25)
    assert tax.tolist() == [[0.0, 0.0, 5.0, 2.5]]


def test_hazards():
    h = monthly_hazard(0.25)[0, 0]
    assert 1 - (1 - h) ** 12 == pytest.approx(0.25)
    hz = hazard_schedule(h, 3, 27)
    assert np.all(hz[0, :3] == 0.0) and np.allclose(hz[0, 3:], h)
    alive = survival(hz)
    assert np.all(alive[0, :4] == 1.0)  # the first exit can come at the end of month 3
    assert alive[0, 15] == pytest.approx(0.75)
    # every exit removes exactly what the operating probability loses next month
    assert np.allclose((alive * hz)[0, :-1], alive[0, :-1] - alive[0, 1:])
    assert dark_share(0.1, 2.0)[0, 0] == pytest.approx(0.2 / 1.2)


#: The go decision before month 0, then a decision at the end of every month.
EVERY_MONTH = np.arange(-1, 60)


def test_abandonment_by_hand():
    """Two months, no discounting: staying in month 1 loses 10 against an exit cost of 4."""
    cash = np.array([[5.0, -10.0]])
    hz = np.zeros((1, 2))
    value, last = abandonment(cash, hz, 4.0, 0.0, EVERY_MONTH)
    assert last[0] == 0 and value[0] == pytest.approx(5.0 - 4.0)
    value, last = abandonment(np.array([[5.0, -3.0]]), hz, 4.0, 0.0, EVERY_MONTH)
    assert last[0] == 1 and value[0] == pytest.approx(2.0)  # staying costs less than leaving


def test_the_go_decision_declines_a_loser_before_anything_is_spent():
    """A venture worth -1 is not started (value 0, last month -1); without the go
    decision on its clock, the same venture is run and leaves at its first review."""
    cash = np.array([[-3.0, -3.0, 5.0, 0.0]])
    hz = np.zeros((1, 4))
    value, last = abandonment(cash, hz, 0.0, 0.0, [-1, 1, 2], launch_month=2)
    assert value[0] == 0.0 and last[0] == -1
    value, last = abandonment(cash, hz, 0.0, 0.0, [1, 2], launch_month=2)
    assert value[0] == pytest.approx(-1.0) and last[0] == 3
    # walking away between the start and the launch costs the walk-away cost
    value, last = abandonment(
        np.array([[-3.0, -30.0, 5.0, 0.0]]),
        hz,
        0.0,
        0.0,
        [0, 1, 2],
        launch_month=2,
        walk_away_usd_m=2.0,
    )
    assert last[0] == 0 and value[0] == pytest.approx(-3.0 - 2.0)


def test_abandonment_value_with_a_hazard():
    cash = np.array([[-1.0, 10.0, 10.0]])
    hz = np.array([[0.5, 0.5, 0.5]])
    value, last = abandonment(cash, hz, 2.0, 0.0, EVERY_MONTH)
    # month 0: -1; forced out at its end with p 0.5 (pay 2); else month 1: +10, ...
    u2 = 10 + 0.5 * -2 + 0.5 * 0  # last month: no exit cost at the horizon unless forced
    u1 = 10 + 0.5 * -2 + 0.5 * u2
    u0 = -1 + 0.5 * -2 + 0.5 * u1
    assert value[0] == pytest.approx(u0) and last[0] == 2


def test_continuing_value_by_hand():
    from models.economics.finance import continuing_value

    # Gordon: 10 a year growing 2 % at 12 %: 10 x 1.02 / 0.10 = 102 with each year's
    # cash at its end; spread over its months, as the explicit months are discounted:
    # 102 x sum_j v^(j+1) / (12 v^12), v = 1.12^(-1/12) (each month's cash earlier)
    v = 1.12 ** (-1 / 12)
    monthly = 102.0 * sum(v ** (j + 1) for j in range(12)) / (12 * v**12)
    assert continuing_value("gordon", 10.0, 50.0, 0.12, 0.02, 1.5, 15.0)[0] == pytest.approx(
        monthly
    )
    assert monthly == pytest.approx(107.495, abs=1e-3)
    # a business worth less than closing closes: never below the exit cost
    assert continuing_value("gordon", -10.0, 50.0, 0.12, 0.02, 1.5, 15.0)[0] == -15.0
    assert continuing_value("revenue_multiple", 10.0, 50.0, 0.12, 0.02, 1.5, 15.0)[0] == 75.0
    assert continuing_value("none", 10.0, 50.0, 0.12, 0.02, 1.5, 15.0)[0] == 0.0
    # one value per path
    two = continuing_value("gordon", np.array([10.0, 20.0]), 0.0, 0.12, 0.02, 0.0, 15.0)
    assert two.tolist() == pytest.approx([monthly, 2 * monthly])


def test_the_terminal_value_enters_the_exit_decision():
    """A venture that loses money to the horizon but is worth a lot beyond it stays."""
    cash = np.full((1, 24), -1.0)
    h = np.zeros((1, 24))
    dates = np.arange(0, 24)  # no go decision: it has started
    _, last = abandonment(cash, h, 5.0, 0.1, dates)
    assert last[0] == 0  # without a continuing value it leaves at once
    value, last = abandonment(cash, h, 5.0, 0.1, dates, terminal_usd_m=100.0)
    assert last[0] == 23
    d = (1.1) ** (-(np.arange(24) + 1) / 12)
    assert value[0] == pytest.approx(-d.sum() + d[-1] * 100.0)


def test_abandonment_refuses_no_months_and_a_fractional_start():
    """The compiled induction does not check bounds, and compares months as whole
    numbers: an empty horizon or a start month of 3.5 is refused (issue 25's review)."""
    with pytest.raises(ValueError, match="at least one month"):
        abandonment(np.zeros((2, 0)), 0.0, 0.0, 0.0, [])
    with pytest.raises(ValueError, match="whole start month"):
        abandonment(np.zeros((1, 6)), 0.0, 0.0, 0.0, [3], start_month=3.5)


@pytest.mark.parametrize("months", [6, 12, 13, 180])
def test_the_final_year_given_alone_is_summed_as_over_every_month(months):
    """policy.year_at_horizon: an own service hands the continuing value its lines over
    the final year only (issue 25); the sum is steady_year's over every month, bit for
    bit, and a horizon of a year or less is read as it is."""
    x = np.random.default_rng(months).normal(0.0, 100.0, (7, months))
    whole = steady_year(x, months)
    assert year_at_horizon(x, months).tobytes() == whole.tobytes()
    assert year_at_horizon(final_year(x, months), months).tobytes() == whole.tobytes()
    assert year_at_horizon(np.ascontiguousarray(x[:, -12:]), months).tobytes() == whole.tobytes()
