"""Comparing two runs' manifests, and attributing a change to the parameters changed."""

from __future__ import annotations

import math

import pytest

from models.analysis import rundiff
from models.analysis.drivers import expected_npv
from models.inputs.params import validate


def manifest(given, headline, data=None, commit="abc", packages=None):
    return {
        "parameters_given": given,
        "headline": headline,
        "inputs": {"data": data or {"data/raw/a.csv": "h1"}, "notebooks": {"x/entry.ipynb": "n1"}},
        "git_commit": commit,
        "packages": packages or {"numpy": "2.0"},
    }


def test_flatten_and_same():
    assert rundiff.flatten({"a": {"b": 1, "c": {"d": 2}}, "e": [1]}) == {
        "a.b": 1,
        "a.c.d": 2,
        "e": [1],
    }
    assert rundiff.same(1.0, 1.0 + 1e-12) and not rundiff.same(1.0, 1.001)
    assert rundiff.same(math.nan, math.nan) and rundiff.same("x", "x")


def test_compare_names_every_kind_of_difference():
    a = manifest({"n_paths": 100}, {"recommended": "license", "modes": {"solo": {"mean": -30.0}}})
    b = manifest(
        {"n_paths": 200, "partner_revenue_share": 0.3},
        {"recommended": "license", "modes": {"solo": {"mean": -28.5}}},
        data={"data/raw/a.csv": "h2"},
        commit="def",
        packages={"numpy": "2.1"},
    )
    c = rundiff.compare(a, b)
    assert c.parameters == {"n_paths": (100, 200), "partner_revenue_share": (None, 0.3)}
    assert c.data == {"data/raw/a.csv": ("h1", "h2")} and c.commit == ("abc", "def")
    assert c.packages == {"numpy": ("2.0", "2.1")} and not c.notebooks
    row = c.headline.set_index("key").loc["modes.solo.mean"]
    assert row["change"] == pytest.approx(1.5) and not row["same"]
    assert not c.headline_same and not c.inputs_same
    words = c.differences()
    assert words[0] == "number of futures: 100 paths -> 200 paths"
    assert any(w.startswith("partner's revenue share: the default (") for w in words), words
    assert not any("_" in w.split(":")[0] for w in words if not w.startswith("data file"))
    assert "data file data/raw/a.csv: h1 -> h2" in words and "package numpy: 2.0 -> 2.1" in words
    same = rundiff.compare(a, a)
    assert same.inputs_same and same.headline_same and same.differences() == []


def test_attribution_parts_and_interactions_add_up_to_the_whole():
    a = {"license_fee_usd_m_per_title": 1.0}
    b = {"license_fee_usd_m_per_title": 0.8, "regulation_approval_pass_rate": 0.5}
    att = rundiff.attribute(a, b)
    assert list(att.index) == [
        "license_fee_usd_m_per_title",
        "regulation_approval_pass_rate",
        "all together",
        "interactions",
    ]
    parts = att.drop(index=["all together", "interactions"]).sum()
    assert (parts + att.loc["interactions"] - att.loc["all together"]).abs().max() < 1e-9
    whole = expected_npv(validate(b)) - expected_npv(validate(a))
    assert (att.loc["all together"] - whole).abs().max() < 1e-9
    assert att.loc["license_fee_usd_m_per_title", "license"] < 0  # lower fees paid to us
    assert att.loc["regulation_approval_pass_rate", "license"] < 0  # fewer approvals hurt
    assert att.loc["license_fee_usd_m_per_title", "stay_out"] == 0


def test_headline_numbers_read_in_words():
    a = {
        "recommended": "license",
        "probability_best": 0.5,
        "modes": {"solo": {"mean": -30.0, "p_best": 0.1}, "license": {"expected": 103.0}},
    }
    b = {
        "recommended": "partner",
        "probability_best": 0.625,
        "modes": {"solo": {"mean": -28.5, "p_best": 0.125}, "license": {"expected": 90.0}},
    }
    table = rundiff.compare(manifest({}, a), manifest({}, b)).headline
    lines, hidden = rundiff.headline_lines(table)
    assert hidden == 0
    assert lines == [
        "recommended: Licensing -> Partner",
        "how sure (share of futures in which the recommendation is best): 50.0 % -> 62.5 % "
        "(+12.5 points)",
        "Solo, mean NPV: −$30 m -> −$28 m (+$1.5 m)",
        "Solo, chance of being the best mode: 10.0 % -> 12.5 % (+2.5 points)",
        "Licensing, NPV in the most-likely case: $103 m -> $90 m (−$13 m)",
    ]
    first, hidden = rundiff.headline_lines(table, limit=2)
    assert len(first) == 2 and hidden == 3
    assert rundiff.headline_value("deal_zone.low", math.nan) == "n/a"


def test_the_attribution_reads_as_money_by_mode_and_label():
    att = rundiff.attribute(
        {"license_fee_usd_m_per_title": 1.0}, {"license_fee_usd_m_per_title": 0.8}
    )
    lines = rundiff.attribution_lines(att)
    assert lines[0].split() == [
        "driver",
        "Solo",
        "Partner",
        "Licensing",
        "Staged",
        "entry",
        "Stay",
        "out",
    ]
    assert lines[1].startswith("licence fee per title-year ") and "−$" in lines[1]
    assert lines[2].startswith("all together ") and lines[3].startswith("interactions ")
    assert "license_fee" not in "\n".join(lines) and "stay_out" not in "\n".join(lines)
