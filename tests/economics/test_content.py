"""Content cost: the re-edit example, the quota, payments and amortisation."""

from __future__ import annotations

import numpy as np
import pytest

from models.economics.content import (
    amortise,
    domestic_titles_required,
    localisation_usd_m_per_title,
    reedit_cost_usd,
    yearly_budget,
    yearly_payments,
)


def test_empresses_in_the_palace_reedit():
    # 76 x 45-minute episodes are 57 source hours, whatever the 6 x 90-minute output
    assert reedit_cost_usd(76, 45, 1000.0) == pytest.approx(57_000.0)


def test_localisation_by_hand():
    # 10 h: subtitles 10 x 800, dubbing 20 % x 10 x 12,000, re-edit 25 % x 10 x 5,000
    usd_m = localisation_usd_m_per_title(10, 800, 0.2, 12000, 0.25, 5000)
    assert usd_m[0, 0] == pytest.approx((8000 + 24000 + 12500) / 1e6)


def test_quota_requires_domestic_titles():
    # 30 approved foreign titles under a 30 % quota need 100 domestic titles
    assert domestic_titles_required(30, 0.3)[0, 0] == pytest.approx(100)
    assert domestic_titles_required(30, 0.3, covered_share=0.8)[0, 0] == pytest.approx(20)


def test_yearly_budget_components():
    b = yearly_budget(
        foreign_titles=100,
        rights_usd_m_per_title=0.5,
        localisation_usd_m=0.05,
        pass_rate=0.6,
        quota_ratio=0.3,
        domestic_usd_m_per_title=0.2,
        quota_covered_share=0.5,
        originals_usd_m=10,
    )
    assert b.rights[0, 0] == pytest.approx(50)
    assert b.localisation[0, 0] == pytest.approx(5)
    assert b.domestic[0, 0] == pytest.approx(60 / 0.3 * 0.5 * 0.2)
    assert b.total[0, 0] == pytest.approx(50 + 5 + 20 + 10)


def test_yearly_payments_fall_every_twelve_months_and_grow():
    pay = yearly_payments(12.0, first_month=3, months=30, growth_year=0.1)
    assert list(np.flatnonzero(pay[0])) == [3, 15, 27]
    assert pay[0, 15] == pytest.approx(12.0 * 1.1 ** (15 / 12))


def test_amortisation_spreads_each_payment():
    cash = np.zeros((1, 30))
    cash[0, 2] = 24.0
    a = amortise(cash, 12)
    assert np.allclose(a[0, 2:14], 2.0) and a[0, :2].sum() == 0 and a[0, 14:].sum() == 0
    # what falls within the horizon is all expensed
    assert a.sum() == pytest.approx(24.0)
    tail = np.zeros((1, 10))
    tail[0, 5] = 10.0
    assert amortise(tail, 10).sum() == pytest.approx(5.0)  # half beyond the horizon
