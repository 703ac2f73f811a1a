"""Value of information against known answers: hand-computed EVPI, analytic EVPPI of
normal models (Strong, Oakley & Brennan 2014), exact group means for flags."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import integrate
from scipy.stats import norm

from models.analysis.voi import (
    EVPPI,
    MIN_PATHS,
    evpi,
    evppi,
    evppi_table,
    in_words,
    natural_spline_basis,
)
from models.exceptions import ParameterError

N = 50_000


def normal_max(mu: float, sigma: float) -> float:
    """E[max(0, Y)] for Y ~ N(mu, sigma^2)."""
    return mu * norm.cdf(mu / sigma) + sigma * norm.pdf(mu / sigma)


def two_options(nb: np.ndarray) -> pd.DataFrame:
    """Option 'wait' worth 0 on every path against option 'act' worth ``nb``."""
    return pd.DataFrame({"wait": np.zeros(len(nb)), "act": nb})


# --------------------------------------------------------------------------- EVPI


def test_evpi_by_hand():
    npv = pd.DataFrame({"solo": [10.0, 0.0, 5.0, -3.0], "partner": [2.0, 8.0, 4.0, 6.0]})
    # means 3 and 5; path-wise best 10, 8, 5, 6 -> 7.25; EVPI = 7.25 - 5
    assert evpi(npv) == pytest.approx(2.25, abs=1e-12)


def test_evpi_is_zero_when_one_option_always_wins():
    npv = pd.DataFrame({"solo": [1.0, 2.0, 3.0], "stay_out": [0.0, 0.0, 0.0]})
    assert evpi(npv) == 0.0


@settings(max_examples=60, deadline=None)
@given(
    values=arrays(
        float,
        st.tuples(st.integers(1, 30), st.integers(2, 4)),
        elements=st.floats(-1e3, 1e3, allow_nan=False),
    ),
    shift=st.floats(-1e3, 1e3, allow_nan=False),
)
def test_evpi_is_non_negative_and_shift_invariant(values, shift):
    npv = pd.DataFrame(values)
    base = evpi(npv)
    assert base >= 0
    assert evpi(npv + shift) == pytest.approx(base, abs=1e-9 * (1 + np.abs(values).max()))


# --------------------------------------------------------------------------- EVPPI, analytic


def test_evppi_of_a_linear_effect_matches_the_normal_formula():
    a, b, s = 1.0, 3.0, 2.0
    rng = np.random.default_rng(11)
    x = rng.standard_normal(N)
    npv = two_options(a + b * x + s * rng.standard_normal(N))
    truth = normal_max(a, abs(b)) - max(0.0, a)  # about 0.763
    res = evppi(npv, pd.DataFrame({"x": x}))
    assert isinstance(res, EVPPI)
    assert res.method == "spline"
    assert float(res) == pytest.approx(truth, abs=0.03)
    assert res.evpi == pytest.approx(normal_max(a, math.hypot(b, s)) - a, abs=0.04)
    assert 0 < res.se < 0.03
    # with X known, "act" is chosen when a + b x > 0, i.e. on Phi(a / b) of the paths
    assert res.default_choice == "act"
    assert res.choice_shares["act"] == pytest.approx(norm.cdf(a / b), abs=0.01)


def test_evppi_of_a_nonlinear_effect_matches_numerical_integration():
    a, s = -1.5, 2.0  # g(x) = x^2 - 1.5: E[g] = -0.5 < 0, so "wait" is the default
    rng = np.random.default_rng(12)
    x = rng.standard_normal(N)
    npv = two_options(a + x**2 + s * rng.standard_normal(N))
    root = math.sqrt(-a)
    truth = 2 * integrate.quad(lambda t: (t * t + a) * norm.pdf(t), root, np.inf)[0]
    assert truth == pytest.approx(0.3513, abs=1e-4)
    spline = evppi(npv, pd.DataFrame({"x": x}))
    binned = evppi(npv, pd.DataFrame({"x": x}), method="bins")
    assert spline.value == pytest.approx(truth, rel=0.05)
    assert binned.method == "bins"
    assert binned.value == pytest.approx(truth, rel=0.07)
    assert spline.default_choice == "wait"


def test_two_inputs_additive_against_the_normal_formula():
    a, b1, b2, s = 0.5, 2.0, -1.5, 1.0
    rng = np.random.default_rng(13)
    x = rng.standard_normal((N, 2))
    npv = two_options(a + b1 * x[:, 0] + b2 * x[:, 1] + s * rng.standard_normal(N))
    inputs = pd.DataFrame(x, columns=["x1", "x2"])
    both = evppi(npv, inputs)
    assert both.value == pytest.approx(normal_max(a, math.hypot(b1, b2)) - a, abs=0.03)
    one = evppi(npv, inputs[["x1"]])
    assert one.value == pytest.approx(normal_max(a, abs(b1)) - a, abs=0.03)
    assert one.value < both.value


def test_a_flag_and_a_continuous_input_together():
    a, b, c, p = 1.0, 2.0, -3.0, 0.3
    rng = np.random.default_rng(14)
    x = rng.standard_normal(N)
    flag = (rng.random(N) < p).astype(float)
    npv = two_options(a + b * x + c * flag + rng.standard_normal(N))
    truth = (1 - p) * normal_max(a, b) + p * normal_max(a + c, b) - max(0.0, a + c * p)
    res = evppi(npv, pd.DataFrame({"x": x, "flag": flag}))
    assert res.method == "spline"
    assert res.value == pytest.approx(truth, abs=0.03)


def test_interactions_recover_an_effect_the_additive_fit_misses():
    mu = -0.2  # g(x1, x2) = mu + x1 * x2: no main effects at all
    rng = np.random.default_rng(15)
    x = rng.standard_normal((N, 2))
    npv = two_options(mu + x[:, 0] * x[:, 1] + rng.standard_normal(N))
    inner = lambda t: normal_max(mu, abs(t)) * norm.pdf(t)  # noqa: E731
    truth = 2 * integrate.quad(inner, 0, np.inf)[0]  # about 0.239
    inputs = pd.DataFrame(x, columns=["x1", "x2"])
    assert evppi(npv, inputs).value < 0.1 * truth
    joint = evppi(npv, inputs, interactions=True)
    assert joint.method == "spline+interactions"
    assert joint.value == pytest.approx(truth, rel=0.08)


# --------------------------------------------------------------------------- EVPPI, bounds


def test_an_irrelevant_input_is_worth_about_nothing():
    rng = np.random.default_rng(16)
    x, z = rng.standard_normal((2, N))
    npv = two_options(1.0 + 3.0 * x + 2.0 * rng.standard_normal(N))
    res = evppi(npv, pd.DataFrame({"z": z}))
    assert res.value < 0.02 * res.evpi
    assert evppi(npv, pd.DataFrame({"x": x})).value > 0.7 * res.evpi


def test_inputs_that_determine_every_option_are_worth_the_evpi():
    rng = np.random.default_rng(17)
    x1, x2 = rng.standard_normal((2, 20_000))
    flag = (rng.random(20_000) < 0.25).astype(int)
    npv = pd.DataFrame(
        {
            "solo": 3 * x1 + x2**2 - 1,
            "partner": 2 + x1 - 4 * flag,
            "license": 0.5 + 0.5 * np.sin(x2),
            "stay_out": np.zeros(20_000),
        }
    )
    res = evppi(npv, pd.DataFrame({"x1": x1, "x2": x2, "flag": flag}))
    assert res.value == pytest.approx(evpi(npv), rel=0.02)
    assert res.value <= res.evpi


def test_an_overfitting_estimate_is_clipped_to_the_evpi():
    # 50 paths and a cubic effect: the linear fit extrapolates beyond the data's range
    rng = np.random.default_rng(0)
    x = rng.standard_normal((MIN_PATHS, 2))
    npv = two_options(x[:, 0] ** 3 - 0.5 + 0.1 * rng.standard_normal(MIN_PATHS))
    res = evppi(npv, pd.DataFrame(x, columns=["p", "q"]), df=2)
    assert res.unclipped > res.evpi
    assert res.value == res.evpi


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 4), options=st.integers(2, 4))
def test_evppi_lies_between_zero_and_evpi(seed, k, options):
    rng = np.random.default_rng(seed)
    n = 200
    x = rng.standard_normal((n, k))
    npv = pd.DataFrame(rng.standard_normal((n, options)) + x[:, :1] * rng.normal(size=options))
    res = evppi(npv, pd.DataFrame(x, columns=[f"x{i}" for i in range(k)]), se_draws=0)
    assert 0.0 <= res.value <= res.evpi
    assert res.evpi == pytest.approx(evpi(npv))


# --------------------------------------------------------------------------- discrete inputs


def test_a_flag_matches_the_exact_group_means():
    rng = np.random.default_rng(18)
    n = 5_000
    distress = (rng.random(n) < 0.2).astype(int)  # the partner falls into distress
    npv = pd.DataFrame(
        {
            "solo": 4 + 6 * rng.standard_normal(n),
            "partner": 7 - 25 * distress + 5 * rng.standard_normal(n),
            "license": 3 + rng.standard_normal(n),
            "stay_out": np.zeros(n),
        }
    )
    means = npv.groupby(distress).mean()
    weights = pd.Series(distress).value_counts(normalize=True).sort_index()
    exact = float((means.max(axis=1) * weights).sum() - npv.mean().max())
    res = evppi(npv, pd.DataFrame({"distress": distress}))
    assert res.method == "groups"
    assert res.n_terms == 2
    assert res.value == pytest.approx(exact, rel=1e-10)
    # knowing the flag: partner when healthy, otherwise the best of the rest (solo)
    assert res.choice_shares["partner"] == pytest.approx(1 - distress.mean())
    assert res.choice_shares["solo"] == pytest.approx(distress.mean())
    # the same flag as bool, as a category, and by the general regression agree
    for flag in (distress.astype(bool), np.where(distress, "distress", "healthy")):
        assert evppi(npv, pd.DataFrame({"distress": flag})).value == pytest.approx(res.value)
    spline = evppi(npv, pd.DataFrame({"distress": distress}), method="spline")
    assert spline.value == pytest.approx(res.value, rel=1e-8)


def test_a_constant_input_is_worth_nothing():
    rng = np.random.default_rng(19)
    npv = two_options(rng.standard_normal(100))
    res = evppi(npv, pd.DataFrame({"const": np.ones(100)}))
    assert res.value == 0.0
    assert res.method == "none"


def test_inputs_in_another_row_order_are_aligned_by_index():
    rng = np.random.default_rng(20)
    x = rng.standard_normal(1_000)
    npv = two_options(x + rng.standard_normal(1_000))
    inputs = pd.DataFrame({"x": x})
    shuffled = inputs.sample(frac=1.0, random_state=1)
    assert evppi(npv, shuffled).value == pytest.approx(evppi(npv, inputs).value)


# --------------------------------------------------------------------------- errors


@pytest.fixture
def small():
    rng = np.random.default_rng(21)
    x = rng.standard_normal(200)
    return two_options(x + rng.standard_normal(200)), pd.DataFrame({"x": x})


def test_mismatched_rows_are_refused(small):
    npv, inputs = small
    with pytest.raises(ParameterError, match="199 rows; expected 200"):
        evppi(npv, inputs.iloc[:-1])


def test_nan_inputs_are_refused_by_name(small):
    npv, inputs = small
    inputs = inputs.assign(churn=1.0)
    inputs.loc[5, "churn"] = np.nan
    with pytest.raises(ParameterError, match="'churn' has 1 NaN"):
        evppi(npv, inputs)


def test_nan_net_benefit_is_refused_by_name(small):
    npv, _ = small
    npv.loc[3, "act"] = np.nan
    with pytest.raises(ParameterError, match="npv column 'act'"):
        evpi(npv)


def test_too_few_paths_are_refused(small):
    npv, inputs = small
    with pytest.raises(ParameterError, match="too few paths for EVPPI"):
        evppi(npv.iloc[:30], inputs.iloc[:30])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "gp"}, "method='gp'"),
        ({"df": 0}, "df=0"),
        ({"se_draws": -1}, "se_draws=-1"),
    ],
)
def test_bad_options_are_refused(small, kwargs, message):
    npv, inputs = small
    with pytest.raises(ParameterError, match=message):
        evppi(npv, inputs, **kwargs)


def test_other_malformed_calls_are_refused(small):
    npv, inputs = small
    with pytest.raises(ParameterError, match="at least 2"):
        evpi(npv[["act"]])
    with pytest.raises(ParameterError, match="one numeric input"):
        evppi(npv, inputs.assign(y=inputs["x"] ** 2), method="bins")
    with pytest.raises(ParameterError, match="index does not match"):
        evppi(npv, inputs.set_axis(range(1000, 1200)))
    with pytest.raises(ParameterError, match="shape \\(10,\\); expected \\(200, inputs\\)"):
        evppi(npv, np.zeros(10))
    with pytest.raises(ParameterError, match="each input named once"):
        evppi(npv, pd.concat([inputs, inputs], axis=1))
    assert evppi(npv, inputs["x"].to_numpy()).value == pytest.approx(evppi(npv, inputs).value)


# --------------------------------------------------------------------------- table, words


def test_evppi_table_ranks_the_groups():
    rng = np.random.default_rng(22)
    n = 20_000
    inputs = pd.DataFrame(
        {
            "demand": rng.standard_normal(n),
            "noise": rng.standard_normal(n),
            "distress": (rng.random(n) < 0.3).astype(int),
        }
    )
    npv = pd.DataFrame(
        {
            "solo": 2 + 4 * inputs["demand"] + rng.standard_normal(n),
            "partner": 6 - 10 * inputs["distress"] + rng.standard_normal(n),
            "stay_out": np.zeros(n),
        }
    )
    groups = {
        "the partner's health": "distress",
        "demand": ["demand"],
        "a coin toss": inputs[["noise"]],
        "everything": ["demand", "distress"],
    }
    table = evppi_table(npv, groups, inputs)
    # solo gains 4 per sd of demand; partner loses 10 in distress (30 % of paths)
    assert list(table["group"]) == ["everything", "the partner's health", "demand", "a coin toss"]
    assert table["evppi_usd_m"].is_monotonic_decreasing
    assert list(table.columns) == [
        "group",
        "columns",
        "method",
        "evppi_usd_m",
        "se_usd_m",
        "evpi_usd_m",
        "share_of_evpi",
        "default_choice",
        "informed_choice",
        "informed_choice_share",
        "switch_share",
    ]
    row = table.set_index("group").loc["the partner's health"]
    assert row["method"] == "groups"
    assert row["default_choice"] == "partner"
    assert row["informed_choice"] == "partner"
    assert row["switch_share"] == pytest.approx(inputs["distress"].mean())
    assert table["share_of_evpi"].between(0, 1).all()
    assert table.set_index("group").loc["a coin toss", "share_of_evpi"] < 0.02
    with pytest.raises(ParameterError, match="names \\['churn'\\]"):
        evppi_table(npv, {"churn": ["churn"]}, inputs)


def test_in_words():
    assert (
        in_words("the regulator's stance", 12.34)
        == "Knowing the regulator's stance before deciding is worth up to US$12.3 m."
    )
    assert in_words("demand", 1234.5).endswith("worth up to US$1,234 m.")
    assert in_words("the partner's health", 0.04) == (
        "Knowing the partner's health before deciding would not change the decision "
        "materially: worth less than US$0.1 m."
    )
    with pytest.raises(ParameterError, match="value_usd_m=-1"):
        in_words("demand", -1.0)


# --------------------------------------------------------------------------- the basis


def test_natural_spline_basis_is_linear_beyond_the_boundary_knots():
    knots = np.array([-1.0, 0.0, 0.5, 2.0])
    x = np.linspace(-4, 6, 2001)
    basis = natural_spline_basis(x, knots)
    assert basis.shape == (2001, 3)
    second = np.diff(basis, n=2, axis=0)
    outside = (x[1:-1] < knots[0]) | (x[1:-1] > knots[-1])
    assert np.abs(second[outside]).max() < 1e-9
    assert np.abs(second[~outside]).max() > 1e-6  # and curved between them
