"""Decision metrics against hand-computed answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.analysis import metrics
from models.exceptions import ModelError


def test_cvar_hand_cases():
    x = np.arange(1.0, 101.0)  # 1..100
    assert metrics.cvar(x, 0.05) == pytest.approx(3.0)  # mean of 1..5
    # a fractional tail: 2.5 of 10 outcomes -> (1 + 2 + 0.5 * 3) / 2.5
    assert metrics.cvar(np.arange(1.0, 11.0), 0.25) == pytest.approx(4.5 / 2.5)


def test_npv_table_hand_case():
    npv = pd.DataFrame({"solo": [-10.0, 0.0, 10.0, 20.0], "stay_out": [0.0] * 4})
    t = metrics.npv_table(npv)
    assert t.loc["solo", "mean"] == 5.0
    assert t.loc["solo", "median"] == 5.0
    assert t.loc["solo", "prob_loss"] == 0.25
    assert t.loc["solo", "se"] == pytest.approx(np.std([-10, 0, 10, 20], ddof=1) / 2)
    assert t.loc["solo", "cvar5"] == -10.0
    assert t.loc["stay_out", "prob_loss"] == 0.0


def test_standard_error_shrinks_like_one_over_root_n():
    rng = np.random.default_rng(0)
    small = metrics.npv_table(pd.DataFrame({"solo": rng.normal(0, 10, 400)}))
    large = metrics.npv_table(pd.DataFrame({"solo": rng.normal(0, 10, 6400)}))
    assert small.loc["solo", "se"] / large.loc["solo", "se"] == pytest.approx(4.0, rel=0.1)


def test_ranking_best_and_beats():
    npv = pd.DataFrame(
        {
            "solo": [5.0, -1.0, 3.0, 0.0],
            "license": [1.0, 1.0, 1.0, 0.0],
            "stay_out": [0.0, 0.0, 0.0, 0.0],
        }
    )
    assert metrics.ranking(npv) == ["solo", "license", "stay_out"]  # 1.75 > 0.75 > 0
    best = metrics.best_on_path(npv)
    assert best.tolist() == ["solo", "license", "solo", "stay_out"]  # tie -> stay out
    assert metrics.probability_best(npv).to_dict() == {
        "solo": 0.5,
        "license": 0.25,
        "stay_out": 0.25,
    }
    beat = metrics.beat_matrix(npv)
    assert beat.loc["solo", "license"] == 0.5
    assert beat.loc["license", "solo"] == 0.25
    assert np.isnan(beat.loc["solo", "solo"])


def test_forced_exit_by_year():
    months = pd.DataFrame({"solo": [5.0, 11.0, 12.0, np.nan], "license": [np.nan] * 4})
    t = metrics.forced_exit_by_year(months, 2)
    assert t.loc[1, "solo"] == 0.5  # months 5 and 11 are in year 1
    assert t.loc[2, "solo"] == 0.75
    assert t.loc[2, "license"] == 0.0


def test_dominance():
    rng = np.random.default_rng(1)
    base = rng.normal(0, 10, 5000)
    npv = pd.DataFrame(
        {
            "a": base + 10.0,  # shifted up: dominates b
            "b": base,
            "c": rng.normal(5, 40, 5000),  # wider: crosses both
        }
    )
    dom = metrics.dominance(npv)
    assert dom.loc["a", "b"]
    assert not dom.loc["b", "a"]
    assert not dom.loc["a", "c"] and not dom.loc["c", "a"]
    assert not dom.loc["c", "b"] and not dom.loc["b", "c"]
    assert metrics.dominance_in_words(dom) == [
        "a is ahead of b at every level: whatever NPV one aims at, a is at least as likely "
        "to reach it, so it is the better choice whatever the appetite for risk."
    ]
    # the first mode ahead of all the others, then the rest grouped by whom they lead
    many = pd.DataFrame(
        [
            [False, True, True, True],
            [False, False, False, True],
            [False, False, False, True],
            [False, False, False, False],
        ],
        index=["a", "b", "c", "d"],
        columns=["a", "b", "c", "d"],
    )
    assert metrics.dominance_in_words(many) == [
        "a is ahead of every other mode at every level: whatever NPV one aims at, a is at "
        "least as likely to reach it, so it is the better choice whatever the appetite "
        "for risk.",
        "At every level too, b and c are each ahead of d.",
    ]
    # no dominance, no sentence (the report says so in its own words)
    assert (
        metrics.dominance_in_words(pd.DataFrame(False, index=["a", "b"], columns=["a", "b"])) == []
    )


def test_bad_input_is_refused():
    with pytest.raises(ModelError, match="missing values in solo"):
        metrics.npv_table(pd.DataFrame({"solo": [1.0, np.nan]}))
    with pytest.raises(ModelError, match="expected a DataFrame"):
        metrics.npv_table(pd.DataFrame())


def test_rounding_does_not_decide_the_best_mode():
    """A staged entry that does not switch is licensing to rounding: where the two
    differ by 1e-13 the less committing mode (licensing) is best, on every path, and
    neither beats the other."""
    rng = np.random.default_rng(0)
    lic = rng.normal(50.0, 20.0, 1000)
    npv = pd.DataFrame(
        {
            "license": lic,
            "staged": lic + rng.choice([-1e-13, 1e-13], 1000),
            "stay_out": np.zeros(1000),
        }
    )
    best = metrics.probability_best(npv)
    assert best["staged"] == 0.0
    assert best["license"] == pytest.approx(np.mean(lic > 0))
    beat = metrics.beat_matrix(npv)
    assert beat.loc["staged", "license"] == 0.0 and beat.loc["license", "staged"] == 0.0
    # a real difference still counts
    npv["staged"] = lic + 1e-6
    assert metrics.probability_best(npv)["staged"] == pytest.approx(np.mean(lic + 1e-6 > 0))
