"""The what-if's surrogate against functions whose values are known everywhere."""

from __future__ import annotations

import numpy as np
import pytest

from models.analysis import surrogate
from models.exceptions import ParameterError

LOW = np.array([0.0, 1.0, -1.0])
HIGH = np.array([1.0, 3.0, 1.0])
ANCHOR = np.array([0.4, 2.0, 0.0])


def design(n_joint: int, seed: int = 1) -> np.ndarray:
    """The anchor, four positions along each input's line, and ``n_joint`` anywhere."""
    rows = [ANCHOR]
    for j in range(3):
        for v in np.linspace(LOW[j], HIGH[j], 4):
            row = ANCHOR.copy()
            row[j] = v
            rows.append(row)
    rng = np.random.default_rng(seed)
    rows += list(LOW + rng.random((n_joint, 3)) * (HIGH - LOW))
    return np.array(rows)


def fresh(n: int, seed: int = 2) -> np.ndarray:
    return LOW + np.random.default_rng(seed).random((n, 3)) * (HIGH - LOW)


def test_an_additive_piecewise_linear_answer_is_reproduced_everywhere():
    # linear along each line between the design's positions: the first-order part is
    # exact, and the residual part has nothing to add
    def f(x):
        return np.column_stack([2 * x[:, 0] - 3 * x[:, 1] + 0.5 * x[:, 2] + 1, -x[:, 0]])

    x = design(6)
    s = surrogate.fit(x, f(x), LOW, HIGH, ANCHOR)
    new = fresh(50)
    assert np.allclose(s.predict(new), f(new), atol=1e-6)
    assert not s.multiplicative.any()  # the second output is negative


def test_a_product_of_its_inputs_is_combined_multiplicatively_and_far_better_so():
    def f(x):  # a licence: fee x growth x approvals, all positive
        return ((1 + x[:, 0]) * (0.5 + x[:, 1]) * (2 + x[:, 2]))[:, None]

    x = design(8)
    s = surrogate.fit(x, f(x), LOW, HIGH, ANCHOR)
    assert s.multiplicative.all()
    new = fresh(200)
    err = np.abs(s.predict(new) - f(new)).max()
    additive = np.abs(s.first_order(new) - f(new))  # multiplicative first order
    s_add = surrogate.fit(x, -f(x), LOW, HIGH, ANCHOR)  # negative: additive forced
    err_add = np.abs(-s_add.predict(new) - f(new)).max()
    assert err < 0.05 * f(new).std()
    assert err < err_add / 5, (err, err_add)
    assert additive.max() < 1e-6  # separable: the lines alone are the answer, off the lines too


def test_an_interaction_is_learnt_from_the_positions_off_the_lines():
    def f(x):
        return (x[:, 0] * x[:, 2] * 10 + x[:, 1])[:, None]  # zero along every line

    x = design(30)
    s = surrogate.fit(x, f(x), LOW, HIGH, ANCHOR)
    new = fresh(200)
    first = np.abs(s.first_order(new) - f(new)).mean()
    whole = np.abs(s.predict(new) - f(new)).mean()
    assert whole < first / 3, (whole, first)
    # leave-one-out errors exist off the lines only
    off = (np.abs(x - ANCHOR) > 1e-12).sum(axis=1) > 1
    assert np.isnan(s.loo_error_[~off]).all() and np.isfinite(s.loo_error_[off]).all()


def test_it_passes_through_the_positions_on_the_lines_and_measures_distance():
    def f(x):
        return (np.sin(3 * x[:, 0]) + x[:, 1] ** 2)[:, None]

    x = design(5)
    s = surrogate.fit(x, f(x), LOW, HIGH, ANCHOR)
    on_lines = x[:13]
    assert np.allclose(s.predict(on_lines), f(on_lines), atol=1e-6)
    assert np.allclose(s.nearest(x), 0.0, atol=1e-6)
    assert s.nearest(np.array([[5.0, 5.0, 5.0]]))[0] > 1


@pytest.mark.parametrize(
    "x, y, anchor, match",
    [
        (design(2), np.ones(15), np.array([9.0, 9.0, 9.0]), "no position is the anchor"),
        (design(2)[:4], np.ones(4), ANCHOR, "at least 5"),
        (design(2), np.r_[np.ones(14), np.nan], ANCHOR, "not finite"),
        (design(2), np.ones(7), ANCHOR, "expected n positions"),
    ],
)
def test_bad_input_is_refused_in_words(x, y, anchor, match):
    with pytest.raises(ParameterError, match=match):
        surrogate.fit(x, y, LOW, HIGH, anchor)
