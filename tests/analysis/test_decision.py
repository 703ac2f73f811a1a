"""The analysed decision, its sentences and its charts."""

from __future__ import annotations

import numpy as np
import pytest

from models.analysis import decision
from models.economics.modes import MODES
from models.inputs.params import validate
from models.reporting import decision_blocks as dr
from models.reporting import risk_charts
from tests.conftest import OLD_MARKET

#: The review rules trained on 2,000 paths, not the default 8,000: these tests read the
#: decision's parts, not the rule's precision, and training is most of an analysis' time.
FEW = {"decision_training_paths": 2000}

#: A scenario where the answer is close: a partnership wins in some futures (in the
#: market as it was before a catalogue was measured against a leader's).
CLOSE = {
    **OLD_MARKET,
    "content_originals_usd_m_year": 0.0,
    "finance_fixed_usd_m_year": 10.0,
    "content_foreign_titles_year": 30.0,
    "sobol_samples": 32,
}


@pytest.fixture(scope="module")
def base():
    return decision.analyse(validate(n_paths=400, sobol_samples=16, **FEW))


@pytest.fixture(scope="module")
def close():
    return decision.analyse(validate({**CLOSE, **FEW, "n_paths": 2000}))


def test_recommendation_and_how_sure(base, close):
    for d in (base, close):
        assert d.recommended == d.ranking[0]
        assert d.npv_table["mean"].is_monotonic_decreasing
        assert d.npv_table["prob_best"].sum() == pytest.approx(1.0)
        assert 0 <= d.probability_right <= 1
    # licensing, or the staged entry (licensing now, with the option to switch later,
    # which it takes in a few futures here): both start by licensing
    rec = close.recommended
    assert rec in ("license", "staged") and close.twin == {"license": "staged"}.get(rec, "license")
    assert close.runner_up == "partner"  # not the twin: the best mode that starts otherwise
    assert 0.5 < close.probability_right < 1.0  # a partnership wins in some futures
    best = close.npv_table["prob_best"]
    assert close.probability_right == pytest.approx(best["license"] + best["staged"])
    text = dr.headline(close)
    assert text.startswith(f"Recommendation: {dr._name(rec)}. Licensing now is the best start")
    assert f"{dr.pct(close.probability_right)} of 2,000 simulated futures" in text
    if close.mc.switch_month.notna().any():
        assert "the staged entry switches in" in text
    else:
        assert "The staged entry comes to the same" in text and rec == "license"
    lead, se, _ = close.lead
    # how often it beats the runner-up is counted as P(best) is: every mode started and run
    beats = close.beats.loc[close.recommended, close.runner_up]
    assert f"beats {dr._name(close.runner_up)} in {dr.pct(beats)}" in text
    assert lead == pytest.approx(
        close.npv_table.loc[rec, "mean"] - close.npv_table.loc[close.runner_up, "mean"]
    )
    assert 0 < se < abs(lead) / 2 and not close.too_close


def test_a_lead_within_noise_is_called_too_close():
    d = decision.analyse(validate({**CLOSE, "n_paths": 60, "sobol_samples": 0}))
    lead, se, _ = d.lead
    if abs(lead) < 2 * se:
        assert dr.headline(d).startswith("Too close to call at 60 simulated futures")
    else:
        assert dr.headline(d).startswith("Recommendation:")


def test_percentages_are_never_rounded_to_certainty():
    assert dr.pct(0.004) == "under 1 %"
    assert dr.pct(0.996) == "over 99 %"
    assert dr.pct(0.0) == "0 %" and dr.pct(1.0) == "100 %"
    assert dr.pct(0.26) == "26 %"


def test_main_risk_and_what_could_change(close):
    risk = dr.main_risk(close)
    assert "worst 5 %" in risk and "in the expected case" in risk
    flips = dr.what_could_change(close)
    assert any(
        s.startswith("In the expected case, licensing stays best unless")
        and "partner does better" in s
        for s in flips
    )


def test_deal_zone_and_value_of_information(close):
    assert close.deal_zone.exists
    assert 0 <= close.deal_zone.low < close.deal_zone.high <= 1
    assert close.evpi > 1.0
    assert (close.evppi["evppi_usd_m"] <= close.evpi + 1e-9).all()
    sentences = dr.voi_sentences(close)
    assert sentences[0].startswith("Perfect foresight of every input and event is worth up to")


def test_headline_numbers_for_the_index(base):
    nums = dr.headline_numbers(base)
    assert nums["recommended"] == base.recommended
    assert nums["n_paths"] == 400
    assert set(nums["modes"]) == {"solo", "partner", "license", "staged", "stay_out"}
    for mode, row in nums["modes"].items():
        assert set(row) == {
            "mean",
            "median",
            "p5",
            "p95",
            "p_loss",
            "p_best",
            "p_gain_if_run",
            "expected",
            "committed",
            "adaptive",
            "foresight",
        }
        assert row["mean"] == pytest.approx(base.npv_table.loc[mode, "mean"], abs=1e-3)
        # the default rule is the adaptive one, and it lies between the other two
        assert row["mean"] == pytest.approx(row["adaptive"], abs=1e-3)
        assert row["adaptive"] <= row["foresight"] + 1e-3
        # at or above committed, up to two standard errors of the paired difference
        if mode != "stay_out":
            se = base.flexibility.loc[mode, "flexibility_se"]
            assert row["adaptive"] >= row["committed"] - 2 * se - 1e-3
        assert row["expected"] == pytest.approx(
            base.expected.summary.loc[mode, "npv_usd_m"], abs=1e-3
        )
        assert row["p5"] <= row["median"] <= row["p95"]
    assert sum(r["p_best"] for r in nums["modes"].values()) == pytest.approx(1.0, abs=1e-3)
    assert nums["checks_failed"] == []
    assert nums["decision_rule"] == "adaptive"
    # the rule of every mode that enters, in words, the staged entry's switch last
    rules = dr.rule_sentences(base)
    assert [r.split(":")[0] for r in rules] == ["Solo", "Partner", "Licensing", "Staged entry"]


def test_charts_summarise_and_do_not_grow_with_paths(base, close):
    small = risk_charts.npv_distributions(base.mc, base.ranking)
    assert all(len(t.x) == risk_charts.BINS for t in small.data)
    big = decision.analyse(validate(n_paths=4000, sobol_samples=16, **FEW))
    sizes = [
        len(risk_charts.fan_chart(d.mc, "cash", dr.entering(d), "t", "y").to_json())
        for d in (base, big)
    ]
    assert sizes[1] == pytest.approx(sizes[0], rel=0.1)
    centres, shares = risk_charts.histogram(close.mc.npv[["license", "partner"]])
    assert np.allclose(shares.sum(), 1.0)
    assert len(centres) == risk_charts.BINS
    q = risk_charts.fan_quantiles(close.mc.fan_cash["license"])
    assert q.shape == (5, close.params.months)
    assert np.all(np.diff(q, axis=0) >= -1e-9)  # P5 <= P25 <= median <= P75 <= P95


def test_stay_out_is_said_plainly():
    d = decision.analyse(
        validate(license_fee_usd_m_per_title=0.05, n_paths=300, sobol_samples=16, **FEW)
    )
    assert d.recommended == "stay_out"
    assert dr.headline(d).startswith("Recommendation: stay out. Staying out is the best choice")
    risk = dr.main_risk(d)
    # a mode started and run wins in some futures: the risk is then missing out, with
    # what those futures make on the same (committed) values
    others = d.beats.drop(index="stay_out")["stay_out"]
    if others.max() >= 0.005:
        best = MODES.label(str(others.idxmax()))
        assert risk.startswith(f"Main risk: missing out. {best} would have done better")
        assert "making $" in risk and "nan" not in risk
    else:
        assert risk.startswith("Main risk: little.")
    # a licence's price follows the buyer's demand, its paying users: more of them makes
    # licensing worth it (the share open to a foreign service no longer enters it)
    changes = dr.what_could_change(d)
    assert any("users who pay for video rises above" in s for s in changes), changes
