"""Decision metrics against hand-computed answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.analysis import metrics
from models.analysis.metrics import npv_table, probability_best
from models.economics.modes import MODES
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


@pytest.mark.parametrize("zeros", [False, True])
@pytest.mark.parametrize("n", [1, 2, 7, 19, 20, 21, 1000, 1001])
def test_the_table_is_each_columns_own_figures_to_the_bit(n, zeros):
    """``npv_table`` and ``probability_best`` work on all modes at once (a sweep point's
    cost, issue 25); every figure must be what the mode's column alone gives, bit for
    bit, ties included (a reference computed column by column, as it was), and zeros of
    either sign (both quantiles in one call once gave 0.0 for a column's -0.0)."""
    rng = np.random.default_rng(n)
    x = rng.normal(50, 400, size=(n, 5)).round(rng.integers(0, 3))  # rounding: ties
    x[: n // 3, 3] = x[: n // 3, 2]  # licensing and the staged entry tied
    if zeros:
        x = rng.choice([-0.0, 0.0, 0.0, -0.0, 1.0, -1.0], size=(n, 5))
    npv = pd.DataFrame(x, columns=["partner", "stay_out", "license", "staged", "solo"])
    table = npv_table(npv)
    for mode in npv.columns:
        col = npv[mode].to_numpy()
        sd = float(np.std(col, ddof=1)) if n > 1 else float("nan")
        want = {
            "mean": col.mean(),
            "se": sd / np.sqrt(n),
            "median": np.median(col),
            "p5": np.quantile(col, 0.05),
            "p95": np.quantile(col, 0.95),
            "prob_loss": np.mean(col < -1e-9),
            "cvar5": _cvar_one(col),
            "sd": sd,
        }
        for k, v in want.items():
            got = table.loc[mode, k]
            same = float(got).hex() == float(v).hex()
            assert same or (np.isnan(v) and np.isnan(got)), (k, got, v)
    # the best mode per path, ties to the less committing, counted by value_counts
    order = sorted(npv.columns, key=MODES.commitment)
    values = npv[order].to_numpy()
    first = np.argmax(values >= values.max(axis=1, keepdims=True) - 1e-9, axis=1)
    counts = pd.Series(np.asarray(order)[first]).value_counts(normalize=True)
    want = counts.reindex(npv.columns, fill_value=0.0)
    got = probability_best(npv)
    assert list(got.index) == list(npv.columns)
    assert [v.hex() for v in got] == [float(v).hex() for v in want]


def test_a_mode_given_twice_is_refused():
    npv = pd.DataFrame(np.zeros((3, 2)), columns=["solo", "solo"])
    with pytest.raises(ModelError, match="solo appear twice"):
        npv_table(npv)


def _cvar_one(values, tail=0.05):
    """CVaR of one column, as :func:`cvar` computed it before it took rows."""
    x = np.sort(values)
    k = tail * len(x)
    whole = int(np.floor(k))
    return (x[:whole].sum() + (k - whole) * (x[whole] if whole < len(x) else 0.0)) / k
