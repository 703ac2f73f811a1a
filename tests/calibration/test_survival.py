"""Survival calibration: Kaplan-Meier, exact hazard intervals and Cox by hand and on the data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2, norm

from models.calibration.survival import (
    caveats,
    cox_model,
    exponential_check,
    firm,
    kaplan_meier,
    km_medians,
    monthly_hazards,
    poisson_rate_interval,
    prepare,
    record_modes,
    survival_at,
    yearly_probability,
)
from models.exceptions import ModelError

CSV = Path(__file__).parents[2] / "data/raw/foreign_digital_services_china.csv"


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_csv(CSV)


@pytest.fixture(scope="module")
def prepared(raw) -> pd.DataFrame:
    return prepare(raw)


def hand_table() -> pd.DataFrame:
    """Seven spells: durations in months and events (1) or censoring (0)."""
    return pd.DataFrame(
        {
            "mode": "solo",
            "duration_months": [2.0, 3, 3, 5, 8, 8, 10],
            "event": [1, 1, 0, 1, 0, 1, 0],
        }
    )


def raw_row(**overrides) -> dict:
    row = {
        "service": "S",
        "company": "C",
        "category": "video",
        "entry_date": "2015-01",
        "entry_mode": "solo",
        "end_date": "",
        "end_type": "operating",
        "months_in_market": 12,
        "status": "verified",
        "source_url": "",
        "note": "",
    }
    return row | overrides


# --------------------------------------------------------------------------- Kaplan-Meier


def test_kaplan_meier_equals_hand_product_limit():
    curve = kaplan_meier(hand_table(), by=None)
    # event times 2, 3, 5, 8 with (at risk, events) = (7,1), (6,1), (4,1), (3,1);
    # the spell censored at 3 is still at risk at 3, the one censored at 8 at 8
    s = np.cumprod([1 - 1 / 7, 1 - 1 / 6, 1 - 1 / 4, 1 - 1 / 3])
    assert curve["time"].tolist() == [0.0, 2.0, 3.0, 5.0, 8.0]
    assert curve["n_at_risk"].tolist() == [7, 7, 6, 4, 3]
    assert curve["n_events"].tolist() == [0, 1, 1, 1, 1]
    assert curve["survival"].tolist() == pytest.approx([1.0, *s])
    assert s[-1] == pytest.approx(5 / 14)
    assert (curve["group"] == "all").all()


def test_greenwood_variance_and_loglog_interval_by_hand():
    curve = kaplan_meier(hand_table(), by=None)
    at5 = curve.loc[curve["time"] == 5.0].iloc[0]
    s5 = 15 / 28
    var = s5**2 * (1 / (7 * 6) + 1 / (6 * 5) + 1 / (4 * 3))  # Greenwood
    assert at5["std_err"] == pytest.approx(np.sqrt(var))
    w = norm.ppf(0.975) * np.sqrt(var) / (s5 * abs(np.log(s5)))
    assert at5["lower"] == pytest.approx(s5 ** np.exp(w))
    assert at5["upper"] == pytest.approx(s5 ** np.exp(-w))
    assert at5["lower"] < s5 < at5["upper"]


def test_km_median_and_step_lookup():
    med = km_medians(hand_table(), by=None)
    assert med.loc["all", "median"] == 8.0  # S(5) = 0.54, S(8) = 0.36
    assert med.loc["all", "events"] == 4
    curve = kaplan_meier(hand_table(), by=None)
    assert survival_at(curve, "all", 4.9)["survival"] == pytest.approx(5 / 7)
    assert survival_at(curve, "all", 1.0)["survival"] == 1.0


def test_kaplan_meier_groups_follow_the_mode_order():
    table = pd.concat([hand_table(), hand_table().assign(mode="license")], ignore_index=True)
    curve = kaplan_meier(table)
    assert list(pd.unique(curve["group"])) == ["solo", "license"]
    assert km_medians(table).index.tolist() == ["solo", "license"]


# --------------------------------------------------------------------------- hazards


def test_monthly_hazards_by_hand():
    table = pd.DataFrame(
        {
            "mode": ["solo"] * 3 + ["partner"] * 2,
            "duration_months": [30.0, 40, 50, 60, 40],
            "event": [1, 1, 1, 0, 0],
        }
    )
    hz = monthly_hazards(table)
    assert hz.index.tolist() == list(record_modes())
    solo = hz.loc["solo"]
    assert (solo["events"], solo["exposure_months"]) == (3, 120.0)
    assert solo["hazard_month"] == pytest.approx(0.025)
    assert solo["lower"] == pytest.approx(chi2.ppf(0.025, 6) / 240)
    assert solo["upper"] == pytest.approx(chi2.ppf(0.975, 8) / 240)
    assert solo["p_year"] == pytest.approx(1 - 0.975**12)
    assert solo["p_year_upper"] == pytest.approx(1 - (1 - solo["upper"]) ** 12)
    partner = hz.loc["partner"]
    assert partner["hazard_month"] == 0.0
    assert partner["lower"] == 0.0
    assert partner["upper"] == pytest.approx(-np.log(0.025) / 100)  # chi2(2) is exponential
    assert np.isfinite(partner["upper"])
    assert hz.loc["license", "n"] == 0
    assert np.isnan(hz.loc["license", "hazard_month"])


def test_poisson_interval_and_yearly_probability():
    lo, hi = poisson_rate_interval(3, 120.0, alpha=0.10)
    assert lo == pytest.approx(chi2.ppf(0.05, 6) / 240)
    assert hi == pytest.approx(chi2.ppf(0.95, 8) / 240)
    # the inverse of models.economics.regulation.monthly_hazard
    assert yearly_probability(1 - (1 - 0.25) ** (1 / 12)) == pytest.approx(0.25)


# --------------------------------------------------------------------------- real data


def test_prepare_on_the_real_csv(raw, prepared):
    assert len(raw) == 40
    assert len(prepared) == 38
    assert "HBO.com website" not in set(prepared["service"])
    assert not prepared["service"].str.contains("company level").any()
    assert prepared["service"].str.startswith("Yahoo! China").sum() == 2
    assert set(prepared["mode"]) == set(record_modes())
    assert prepared["duration_months"].dtype == float
    assert len(prepared.attrs["dropped"]) == 2

    itunes = prepared.set_index("service").loc["Apple iTunes Movies + iBooks Store (China)"]
    assert (itunes["mode"], itunes["end_type"], itunes["duration_months"]) == (
        "solo",
        "regulator_shutdown",
        7.0,
    )
    assert itunes["event"] == 1
    disney = prepared.set_index("service").loc["DisneyLife China (with Alibaba)"]
    assert (disney["mode"], disney["duration_months"], disney["event"]) == ("partner", 3.0, 1)

    counts = prepared.groupby("mode")["event"].agg(["size", "sum"])
    assert counts.loc[list(record_modes()), "size"].tolist() == [19, 15, 4]
    assert counts.loc[list(record_modes()), "sum"].tolist() == [9, 2, 0]
    # the same counts straight from the CSV, without the two dropped rows
    kept = raw.loc[raw["months_in_market"].notna() & ~raw["service"].str.contains("company level")]
    forced = kept["end_type"].isin(["blocked", "regulator_shutdown"])
    from_csv = forced.groupby(kept["entry_mode"]).sum()
    assert from_csv.to_dict() == {"jv_or_partner": 2, "licensing": 0, "solo": 9}
    exposure = prepared.groupby("mode")["duration_months"].sum()
    assert exposure.to_dict() == {"solo": 1179.0, "partner": 1277.0, "license": 484.0}
    assert prepared["cross_border"].sum() == 8
    assert prepared.loc[prepared["cross_border"], "mode"].eq("solo").all()


def test_prepare_options(raw):
    both = prepare(raw, drop_overlaps=False)
    assert len(both) == 39
    anyexit = prepare(raw, events="any")
    assert anyexit.groupby("mode")["event"].sum().to_dict() == {
        "license": 1,
        "partner": 12,
        "solo": 18,
    }
    stale = prepare(raw, censor_at_last_confirmed=True).set_index("service")
    netflix = "Netflix originals via iQiyi (content licence)"
    assert stale.loc[netflix, "duration_months"] == 4.0  # 2017-04 to last_confirmed 2017-08
    assert stale.loc["Facebook", "duration_months"] == 13.0  # only operating rows change


def test_prepare_accepts_the_project_loader(raw):
    from models.calibration.data import foreign_services

    loaded = prepare(foreign_services(), censor_at_last_confirmed=True)
    read = prepare(raw, censor_at_last_confirmed=True)
    assert loaded["duration_months"].tolist() == read["duration_months"].tolist()
    assert loaded["event"].tolist() == read["event"].tolist()


def test_zero_month_spell_becomes_half_a_month():
    df = pd.DataFrame(
        [raw_row(months_in_market=0, end_type="blocked"), raw_row(service="T", months_in_market=5)]
    )
    out = prepare(df)
    assert out["duration_months"].tolist() == [0.5, 5.0]
    assert out["event"].tolist() == [1, 0]


def test_firm_groups_companies_by_owner(prepared):
    assert firm("LinkedIn (Microsoft)") == "Microsoft"
    assert firm("Skype (eBay, then Microsoft)") == "Microsoft"
    assert firm("WhatsApp (Facebook/Meta)") == "Meta"
    assert firm("Blizzard (Activision Blizzard)") == firm("Blizzard (Microsoft) / NetEase")
    assert firm("Walt Disney / Alibaba") == "Walt Disney"
    sizes = prepared["firm"].value_counts()
    assert (sizes["Microsoft"], sizes["Google"], sizes["Meta"]) == (9, 4, 3)


def test_real_hazards_and_exponential_check(prepared):
    hz = monthly_hazards(prepared)
    assert hz["events"].tolist() == [9, 2, 0]
    assert hz.loc["solo", "hazard_month"] == pytest.approx(9 / 1179)
    assert hz.loc["partner", "hazard_month"] == pytest.approx(2 / 1277)
    assert hz.loc["license", "upper"] == pytest.approx(chi2.ppf(0.975, 2) / (2 * 484))
    assert (hz["lower"] <= hz["hazard_month"]).all()
    assert (hz["hazard_month"] <= hz["upper"]).all()
    check = exponential_check(prepared)
    assert check.set_index(["mode", "time"]).loc[("solo", 12.0), "inside"]
    assert check.set_index(["mode", "time"]).loc[("solo", 36.0), "inside"]
    assert check.loc[check["mode"] == "license", "inside"].isna().all()


def test_cox_on_real_data(prepared):
    table, result = cox_model(prepared)  # reference partner, clustered by firm
    assert table.index.tolist() == ["partner", "solo", "license"]
    solo = table.loc["solo"]
    assert np.isfinite([solo["hazard_ratio"], solo["lower"], solo["upper"]]).all()
    assert solo["lower"] < solo["hazard_ratio"] < solo["upper"]
    assert solo["hazard_ratio"] == pytest.approx(np.exp(result.params[0]))
    assert solo["hazard_ratio"] > 1
    assert table.loc["partner", "hazard_ratio"] == 1.0
    assert np.isnan(table.loc["license", "hazard_ratio"])  # no events: not estimable
    assert result.groups is not None  # cluster-robust covariance was used
    naive, naive_result = cox_model(prepared, cluster=None)
    assert naive.loc["solo", "coef"] == pytest.approx(solo["coef"])
    assert naive.loc["solo", "std_err"] != pytest.approx(solo["std_err"])
    assert naive_result.groups is None


def test_cox_refuses_a_reference_without_events(prepared, raw):
    with pytest.raises(ModelError, match="no event"):
        cox_model(prepared, reference="license")
    # with any exit, license's only event (Blizzard, 211 months) is the longest spell
    table, _ = cox_model(prepare(raw, events="any"))
    assert table.loc["license", "events"] == 1
    assert table.loc["license", "informative_events"] == 0
    assert np.isnan(table.loc["license", "hazard_ratio"])
    assert np.isfinite(table.loc["solo", "hazard_ratio"])


def test_caveats_are_written_from_the_numbers(prepared):
    text = caveats(prepared)
    assert all(isinstance(t, str) and "\n" not in t for t in text)
    joined = " ".join(text)
    for needle in (
        "38 services",
        "HBO.com",
        "solo 9 of 19, partner 2 of 15, licensing 0 of 4",
        "13 left by choice, 7 sold, 7 still operating",
        "Events (blocked or shut by the regulator)",
        "8 rows are cross-border",
        "selected",
        "confounded with category",
        "Microsoft 9",
        "2 rows are re-entries",
        "last confirmed earlier than",
    ):
        assert needle in joined, needle


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda df: df.drop(columns="entry_mode"), "lacks column"),
        (lambda df: df.assign(entry_mode="franchise"), "unknown entry_mode"),
        (lambda df: df.assign(end_type="vanished"), "unknown end_type"),
        (lambda df: df.assign(months_in_market=-3), "negative months_in_market"),
        (lambda df: df.assign(months_in_market="soon"), "not a number"),
        (lambda df: df.iloc[:0], "no rows"),
        (lambda df: df.to_dict(), "expected a pandas DataFrame"),
    ],
)
def test_bad_input_raises_one_line(make, message):
    df = pd.DataFrame([raw_row()])
    with pytest.raises(ModelError, match=message) as err:
        prepare(make(df))
    assert "\n" not in str(err.value)


def test_bad_arguments_raise_one_line(prepared):
    with pytest.raises(ModelError, match="events must be"):
        prepare(pd.DataFrame([raw_row()]), events=("operating",))
    with pytest.raises(ModelError, match="reference must be"):
        cox_model(prepared, reference="stay_out")
    with pytest.raises(ModelError, match="lacks column"):
        monthly_hazards(prepared.drop(columns="event"))
    with pytest.raises(ModelError, match="unknown mode"):
        kaplan_meier(prepared.assign(mode="jv_or_partner"))
    with pytest.raises(ModelError, match="alpha"):
        monthly_hazards(prepared, alpha=1.5)
