"""The executive summary: words generated from the numbers."""

from __future__ import annotations

import pandas as pd

from models.economics.modes import MODES
from models.economics.simulation import simulate
from models.format import money
from models.inputs.params import validate
from models.reporting.narrative import drivers, executive_summary


def test_money():
    assert money(1234.4) == "$1,234 m"
    assert money(-5.24) == "−$5.2 m"
    assert money(12, signed=True) == "+$12 m"


def test_drivers_are_the_largest_differences():
    pv = pd.DataFrame(
        {
            "subscription_revenue": [100.0, 40.0],
            "content": [-50.0, -10.0],
            "marketing": [-1.0, -0.5],
        },
        index=["a", "b"],
    )
    pv = pv.reindex(columns=list(pv.columns))
    ds = drivers(pv, "a", "b")
    assert [d.line for d in ds] == ["subscription_revenue", "content"]  # marketing < 5 %
    assert ds[0].delta_usd_m == 60.0 and ds[1].delta_usd_m == -40.0


def test_summary_names_the_recommended_mode_and_its_margin():
    r = simulate(validate())
    es = executive_summary(r)
    npv = r.summary["npv_usd_m"]
    assert es.recommended == npv.idxmax()
    # measured against the best mode that starts differently (not licensing's twin)
    assert es.margin_usd_m == npv.max() - npv[MODES.rivals(es.recommended, npv.index)].max()
    assert money(npv.max()) in es.headline
    assert es.drivers and es.reasons


def test_stay_out_when_nothing_pays():
    r = simulate(validate(license_fee_usd_m_per_title=0.0))
    es = executive_summary(r)
    assert es.recommended == "stay_out"
    assert es.headline.startswith("Recommendation: stay out")


def test_a_mode_that_does_nothing_is_not_a_way_in():
    """Licensing zero titles ties with staying out; the summary must not crash or call it
    the best way in."""
    r = simulate(validate(license_titles_year=0.0))
    es = executive_summary(r)
    assert es.headline.startswith("Recommendation: stay out")
    assert "licensing" not in es.headline.lower()
    assert all(not t.startswith("Licensing") for t in es.others)
