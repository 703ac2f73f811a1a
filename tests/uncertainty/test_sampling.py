"""Uncertain inputs: distribution specs, Latin hypercube sampling and Iman-Conover."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from models import _rng
from models._rng import latin_hypercube, stream
from models.exceptions import ParameterError
from models.inputs.correlation import (
    check_correlation,
    correlation_matrix,
    nearest_psd,
    smallest_eigenvalue,
)
from models.inputs.distributions import (
    PPF_EXACT,
    Distribution,
    from_ranges,
    parse_parameter,
    parse_spec,
)
from models.inputs.params import validate
from models.uncertainty.sampling import _reorder_columns, iman_conover, sample

# name -> (spec, min, max): every distribution, bounded and truncated
SPECS = {
    "pert": ([0.0, 0.2, 1.0], 0.0, 1.0),
    "pert_lambda2": ({"dist": "pert", "low": 10, "mode": 40, "high": 50, "lambda": 2}, None, None),
    "triangular": ({"dist": "triangular", "low": 1.0, "mode": 2.0, "high": 5.0}, 0.0, 10.0),
    "uniform": ({"dist": "uniform", "low": -0.2, "high": 0.5}, -0.2, 0.5),
    "normal": ({"dist": "normal", "mean": 7.1, "sd": 0.4}, None, None),
    "normal_truncated": ({"dist": "normal", "mean": 0.05, "sd": 0.05}, 0.0, 0.3),
    "lognormal_median": ({"dist": "lognormal", "median": 30.0, "sigma": 0.5}, None, None),
    "lognormal_mean": ({"dist": "lognormal", "mean": 25.0, "sd": 10.0}, 0.0, None),
    "lognormal_truncated": ({"dist": "lognormal", "median": 0.3, "sigma": 1.0}, 0.0, 1.0),
    "beta_scaled": ({"dist": "beta", "alpha": 2.0, "beta": 5.0, "low": 0.0, "high": 0.3}, 0, 0.3),
}


def dist(name: str) -> Distribution:
    spec, lo, hi = SPECS[name]
    return parse_spec(name, spec, min=lo, max=hi)


# -- moments ----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["mc", "lhs"])
@pytest.mark.parametrize("name", list(SPECS))
def test_sample_moments_match_scipy_within_standard_error(name, method):
    d = dist(name)
    n = 40_000
    x = sample({name: d}, n, seed=11, method=method)[name].to_numpy()
    mean, var = d.mean, d.var
    kurt = float(d.dist.stats(moments="k"))  # excess kurtosis
    se_mean = math.sqrt(var / n)
    se_var = var * math.sqrt((kurt + 2.0) / n)
    assert abs(x.mean() - mean) < 4 * se_mean
    assert abs(x.var(ddof=1) - var) < 4 * se_var
    lo, hi = d.support
    assert lo <= x.min() and x.max() <= hi


def test_lhs_mean_is_far_more_accurate_than_mc():
    d = dist("lognormal_median")
    n = 2_000
    err = {
        m: abs(sample({"x": d}, n, seed=3, method=m)["x"].mean() - d.mean) for m in ("mc", "lhs")
    }
    assert err["lhs"] < 0.5 * d.sd / math.sqrt(n)
    assert err["lhs"] < err["mc"]


def test_pert_closed_form_moments():
    a, c, b, lam = 10.0, 40.0, 50.0, 2.0
    d = dist("pert_lambda2")
    mean = (a + lam * c + b) / (lam + 2)
    assert d.mean == pytest.approx(mean, rel=1e-12)
    assert d.var == pytest.approx((mean - a) * (b - mean) / (lam + 3), rel=1e-12)
    assert d.dist.mean() == pytest.approx(d.mean)
    assert d.mode_value == c and d.support == (a, b)


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(-100, 100),
    width=st.floats(1e-3, 100),
    frac=st.floats(0, 1, allow_subnormal=False),  # scipy's beta pdf overflows at subnormals
    lam=st.floats(0.5, 10),
)
def test_pert_properties(a, width, frac, lam):
    b = a + width
    c = min(max(a + frac * width, a), b)
    d = parse_spec("x", {"dist": "pert", "low": a, "mode": c, "high": b, "lambda": lam})
    assert d.mode_value == c
    assert d.mean == pytest.approx((a + lam * c + b) / (lam + 2), rel=1e-9, abs=1e-9)
    q = d.ppf(np.linspace(0, 1, 11))
    assert np.all(np.diff(q) >= 0) and q[0] >= a and q[-1] <= b
    # the mode is the density's maximum
    grid = np.linspace(a, b, 201)
    assert d.dist.pdf(c) >= d.dist.pdf(grid).max() * (1 - 1e-6) - 1e-12


def test_list_range_is_pert_with_lambda_4():
    d = parse_spec("x", [0, 0.2, 1])
    assert d.kind == "pert" and dict(d.params)["lambda"] == 4.0
    assert d.mean == pytest.approx((0 + 4 * 0.2 + 1) / 6)
    assert parse_spec("x", d.to_spec()) == d


def test_mode_values():
    assert dist("triangular").mode_value == 2.0
    assert dist("uniform").mode_value == pytest.approx(0.15)
    assert dist("normal").mode_value == 7.1
    assert dist("lognormal_median").mode_value == 30.0
    # mean/sd form: median = mean / sqrt(1 + cv^2)
    assert dist("lognormal_mean").mode_value == pytest.approx(25.0 / math.sqrt(1 + 0.16))
    assert dist("lognormal_mean").mean == pytest.approx(25.0)
    assert dist("lognormal_mean").sd == pytest.approx(10.0)
    assert dist("beta_scaled").mode_value == pytest.approx(0.3 * 2 / 7)


def test_truncation_only_for_unbounded_distributions_cut_by_the_range():
    assert dist("normal").truncated == 0.0 and dist("normal").support == (-math.inf, math.inf)
    nt = dist("normal_truncated")
    assert nt.truncated == pytest.approx(0.158655, abs=1e-6)  # P(N(0.05, 0.05) < 0)
    assert nt.support == (0.0, 0.3) and nt.mean > 0.05 and nt.mode_value == 0.05
    lt = dist("lognormal_truncated")
    assert lt.support == (0.0, 1.0) and 0 < lt.truncated < 0.2
    # closed-form moments of the truncated lognormal against numerical integration
    m1 = integrate.quad(lambda x: x * lt.dist.pdf(x), 0, 1, limit=200)[0]
    m2 = integrate.quad(lambda x: x * x * lt.dist.pdf(x), 0, 1, limit=200)[0]
    assert lt.mean == pytest.approx(m1, rel=1e-7)
    assert lt.var == pytest.approx(m2 - m1**2, rel=1e-6)
    assert lt.dist.cdf(lt.ppf(0.37)) == pytest.approx(0.37)


# -- Latin hypercube --------------------------------------------------------------------


def _strata(d: Distribution, x: np.ndarray) -> np.ndarray:
    return np.floor(d.cdf(x) * len(x)).astype(int)


def test_lhs_puts_exactly_one_draw_in_every_stratum():
    dists = {name: dist(name) for name in SPECS}
    n = PPF_EXACT  # exact quantiles
    frame = sample(dists, n, seed=5, method="lhs")
    assert frame.shape == (n, len(dists)) and list(frame.columns) == list(dists)
    for name, d in dists.items():
        assert np.array_equal(np.sort(_strata(d, frame[name].to_numpy())), np.arange(n)), name


@pytest.mark.parametrize(("n", "d", "seed"), [(1, 1, 0), (7, 0, 1), (5, 3, 2), (1_000, 56, 3)])
@pytest.mark.parametrize("at_once", [None, 7])
def test_the_latin_hypercube_is_scipys_bit_for_bit(n, d, seed, at_once, monkeypatch):
    """One array instead of scipy's three (issue 25), the same points from the same
    generator, which is left as scipy's engine leaves it (one child spawned), whether
    the uniforms are drawn at once or a few rows at a time (``at_once``)."""
    from scipy.stats import qmc

    if at_once:
        monkeypatch.setattr(_rng, "VALUES_AT_ONCE", at_once)
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    a = latin_hypercube(n, d, ours)
    b = qmc.LatinHypercube(d=d, rng=theirs).random(n)
    assert a.shape == b.shape == (n, d)
    assert np.array_equal(a, b)
    assert ours.random() == theirs.random()
    mc = _rng.uniforms(np.random.default_rng(seed), n, d)
    assert np.array_equal(mc, np.random.default_rng(seed).random((n, d)))


@pytest.mark.parametrize("method", ["lhs", "mc"])
def test_a_samples_columns_are_each_contiguous(method):
    """As a DataFrame built column by column keeps them: sums over the paths of an
    input run in the same order as before the sample was drawn in place (issue 25)."""
    frame = sample(_four(), 300, seed=3, method=method, correlation=TARGET)
    for name in frame:
        assert frame[name].to_numpy().flags.c_contiguous, name


@settings(max_examples=60, deadline=None)
@given(st.permutations(range(7)))
def test_columns_are_reordered_in_place_as_indexing_would(order):
    x = np.arange(4 * 7, dtype=float).reshape(4, 7)
    want = x[:, list(order)]
    _reorder_columns(x, list(order))
    assert np.array_equal(x, want)


def test_lhs_strata_hold_to_the_quantile_tables_accuracy():
    """Above PPF_EXACT draws the quantiles are interpolated (error below 1e-7 of the
    spread), so a draw may sit a hair across its stratum's edge, never further."""
    dists = {name: dist(name) for name in SPECS}
    n = 1_000
    frame = sample(dists, n, seed=5, method="lhs")
    for name, d in dists.items():
        position = np.sort(d.cdf(frame[name].to_numpy()) * n)
        k = np.arange(n)
        assert np.all((position > k - 1e-3) & (position < k + 1 + 1e-3)), name


def test_lhs_strata_survive_iman_conover_and_mc_is_not_stratified():
    dists = {name: dist(name) for name in ("pert", "triangular", "normal_truncated")}
    n = 500
    corr = {("pert", "triangular"): 0.7, ("triangular", "normal_truncated"): -0.4}
    frame = sample(dists, n, seed=5, method="lhs", correlation=corr)
    for name, d in dists.items():
        assert np.array_equal(np.sort(_strata(d, frame[name].to_numpy())), np.arange(n))
    mc = sample(dists, n, seed=5, method="mc")
    assert len(np.unique(_strata(dists["pert"], mc["pert"].to_numpy()))) < n


# -- Iman-Conover -----------------------------------------------------------------------

NAMES = ["growth_churn_rate_month", "pricing_price_cny_month", "market_svod_payer_share", "x"]
TARGET = {
    ("growth_churn_rate_month", "pricing_price_cny_month"): 0.4,
    ("market_svod_payer_share", "pricing_price_cny_month"): -0.3,
    ("x", "growth_churn_rate_month"): 0.8,
}


def _four() -> dict[str, Distribution]:
    specs = [
        [0.02, 0.06, 0.12],
        {"dist": "lognormal", "median": 30.0, "sigma": 0.4},
        {"dist": "beta", "alpha": 2.0, "beta": 8.0},
        {"dist": "normal", "mean": 0.0, "sd": 1.0},
    ]
    return {
        name: parse_spec(name, spec, min=0.0 if i < 3 else None)
        for i, (name, spec) in enumerate(zip(NAMES, specs, strict=True))
    }


@pytest.mark.parametrize("method", ["lhs", "mc"])
def test_iman_conover_hits_rank_targets_and_keeps_marginals(method):
    dists = _four()
    n = 5_000
    plain = sample(dists, n, seed=2024, method=method)
    corr = sample(dists, n, seed=2024, method=method, correlation=TARGET)
    spearman = corr.corr(method="spearman")
    target = pd.DataFrame(correlation_matrix(NAMES, TARGET), index=NAMES, columns=NAMES)
    assert np.abs(spearman - target).to_numpy().max() < 0.05
    assert np.abs(spearman - target).to_numpy().max() < 0.02  # measured ~0.01
    for name in NAMES:  # only the order changed
        assert np.array_equal(np.sort(plain[name]), np.sort(corr[name]))
    # without a target the columns are independent
    off = plain.corr(method="spearman").to_numpy()[np.triu_indices(4, 1)]
    assert np.abs(off).max() < 0.05


def test_iman_conover_accepts_matrix_list_of_pairs_and_dataframe():
    dists = _four()
    mat = correlation_matrix(NAMES, TARGET)
    pairs = [[a, b, rho] for (a, b), rho in TARGET.items()]
    frame = pd.DataFrame(mat, index=NAMES, columns=NAMES).iloc[::-1, ::-1]
    ref = sample(dists, 300, seed=1, correlation=TARGET)
    for corr in (mat, pairs, frame):
        pd.testing.assert_frame_equal(sample(dists, 300, seed=1, correlation=corr), ref)


def test_perfect_correlation_is_a_comonotone_sample():
    d = {"a": dist("pert"), "b": dist("lognormal_median")}
    frame = sample(d, 200, seed=0, correlation={("a", "b"): 1.0})
    assert frame.corr(method="spearman").loc["a", "b"] == pytest.approx(1.0)


def test_iman_conover_function_keeps_columns_and_needs_more_draws_than_parameters():
    rng = np.random.default_rng(0)
    x = rng.random((50, 3))
    out = iman_conover(x, correlation_matrix(["a", "b", "c"], {("a", "b"): 0.5}), rng)
    assert np.array_equal(np.sort(out, axis=0), np.sort(x, axis=0))
    with pytest.raises(ParameterError, match=r"n=4: too few draws .* expected n > 4"):
        sample(_four(), 4, seed=1, correlation=TARGET)
    assert sample(_four(), 3, seed=1).shape == (3, 4)  # fine without a correlation


# -- reproducibility --------------------------------------------------------------------


@pytest.mark.parametrize("method", ["lhs", "mc"])
def test_seed_reproduces_and_different_seeds_differ(method):
    dists = _four()
    a = sample(dists, 400, seed=7, method=method, correlation=TARGET)
    b = sample(dists, 400, seed=7, method=method, correlation=TARGET)
    c = sample(dists, 400, seed=8, method=method, correlation=TARGET)
    pd.testing.assert_frame_equal(a, b)
    assert not np.any(a.to_numpy() == c.to_numpy())
    # the mapping's order does not change the draws, only the column order
    rev = sample(dict(reversed(dists.items())), 400, seed=7, method=method, correlation=TARGET)
    pd.testing.assert_frame_equal(rev[a.columns], a)


def test_streams_are_reproducible_independent_and_nest():
    draw = lambda s: np.random.default_rng(s).random(5)  # noqa: E731
    assert np.array_equal(draw(stream(42, "inputs")), draw(stream(42, "inputs")))
    assert not np.array_equal(draw(stream(42, "inputs")), draw(stream(42, "events")))
    assert not np.array_equal(draw(stream(42, "inputs")), draw(stream(43, "inputs")))
    assert not np.array_equal(draw(stream(42, "inputs")), draw(42))
    nested = stream(stream(42, "events"), "exit")
    assert np.array_equal(draw(nested), draw(stream(stream(42, "events"), "exit")))
    d = {"a": dist("pert")}
    pd.testing.assert_frame_equal(
        sample(d, 50, seed=stream(1, "inputs")), sample(d, 50, seed=stream(1, "inputs"))
    )
    with pytest.raises(ParameterError, match="non-empty"):
        stream(1, "")
    with pytest.raises(ParameterError, match=r"seed=-1: expected a non-negative integer"):
        stream(-1, "inputs")


def test_standard_error_shrinks_like_one_over_root_n():
    d = {"x": dist("lognormal_median")}
    reps, n = 64, 400

    def spread(size: int) -> float:
        means = [
            sample(d, size, seed=stream(99, f"{size}/{i}"), method="mc")["x"].mean()
            for i in range(reps)
        ]
        return float(np.std(means, ddof=1))

    small, large = spread(n), spread(4 * n)
    # 2 in theory; the ratio of two sds from 64 repetitions has a log-sd of about 0.13,
    # so these bounds are about 3 standard errors wide
    assert 1.4 < small / large < 2.9
    assert 0.7 < small / (d["x"].sd / math.sqrt(n)) < 1.3


# -- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "bounds", "fragments"),
    [
        ([0.5, 0.3, 0.2], {}, ["low=0.5 > high=0.2", "expected low < high"]),
        ([0.2, 0.2, 0.2], {}, ["low = high = 0.2"]),
        (
            {"dist": "triangular", "low": 0, "mode": 2, "high": 1},
            {},
            ["mode=2 is outside [low, high] = [0, 1]", "low <= mode <= high"],
        ),
        ([0.1, 0.05, 0.2], {}, ["mode=0.05 is outside"]),
        (
            {"dist": "trianglar", "low": 0, "mode": 0.5, "high": 1},
            {},
            ["unknown distribution 'trianglar'", "did you mean 'triangular'?"],
        ),
        ({"dist": "weibull", "k": 1}, {}, ["unknown distribution 'weibull'", "expected one of"]),
        ({"low": 0, "high": 1}, {}, ["missing key 'dist'"]),
        (
            {"dist": "pert", "low": -0.1, "mode": 0.5, "high": 1.2},
            {"min": 0.0, "max": 1.0},
            ["support [-0.1, 1.2] is outside the parameter's valid range [0, 1]"],
        ),
        (
            {"dist": "beta", "alpha": 2, "beta": 3, "low": 0, "high": 1.5},
            {"min": 0.0, "max": 1.0},
            ["support [0, 1.5]", "valid range [0, 1]"],
        ),
        ([0.0, 0.5, 1.1], {"min": 0.0, "max": 1.0}, ["support [0, 1.1]", "[0, 1]"]),
        (
            {"dist": "beta", "alpha": 2, "beta": 3},
            {"min": 0.0, "max": 0.3},
            ["support [0, 1]", "valid range [0, 0.3]"],
        ),
        ({"dist": "normal", "mean": 0, "sd": 0}, {}, ["sd=0; expected sd > 0"]),
        ({"dist": "normal", "mean": 0, "sd": -1}, {}, ["sd=-1; expected sd > 0"]),
        ({"dist": "normal", "mean": 1.5, "sd": 0.1}, {"min": 0.0, "max": 1.0}, ["mean=1.5"]),
        ({"dist": "lognormal", "median": 2, "sigma": 0}, {}, ["sigma=0; expected sigma > 0"]),
        ({"dist": "lognormal", "median": -2, "sigma": 1}, {}, ["median=-2"]),
        ({"dist": "lognormal", "median": 2, "sd": 1}, {}, ["either median and sigma or mean"]),
        ({"dist": "lognormal", "median": 2}, {}, ["missing key 'sigma'"]),
        ({"dist": "beta", "alpha": 0, "beta": 1}, {}, ["alpha=0; expected alpha > 0"]),
        ({"dist": "pert", "low": 0, "mode": 1, "high": 2, "lambda": 0}, {}, ["lambda=0"]),
        ({"dist": "uniform", "low": 0}, {}, ["missing key 'high' for uniform"]),
        (
            {"dist": "uniform", "low": 0, "high": 1, "mode": 0.5},
            {},
            ["unexpected key 'mode' for uniform", "expected low, high"],
        ),
        ({"dist": "uniform", "low": "0", "high": 1}, {}, ["low must be a number; got '0'"]),
        ({"dist": "uniform", "low": True, "high": 1}, {}, ["low must be a number; got True"]),
        ([0, math.nan, 1], {}, ["mode must be a finite number; got nan"]),
        ([0, 1, math.inf], {}, ["high must be a finite number; got inf"]),
        ([0, 1], {}, ["[low, mode, high] (3 numbers)"]),
        (0.3, {}, ["expected [low, mode, high] or a mapping"]),
    ],
)
def test_bad_specs_give_one_line(spec, bounds, fragments):
    with pytest.raises(ParameterError) as info:
        parse_spec("growth_churn_rate_month", spec, where=" in x.yaml", **bounds)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith("parameter growth_churn_rate_month=")
    assert " in x.yaml: " in msg
    for f in fragments:
        assert f in msg, msg


def test_schema_bounds_refuse_probability_outside_0_1():
    with pytest.raises(ParameterError, match=r"valid range \[0, 1\]") as info:
        parse_parameter("market_svod_payer_share", {"dist": "uniform", "low": 0.5, "high": 1.2})
    assert "\n" not in str(info.value)
    d = parse_parameter("market_svod_payer_share", {"dist": "beta", "alpha": 3, "beta": 17})
    assert d.support == (0.0, 1.0) and d.mode_value == pytest.approx(0.15)
    with pytest.raises(ParameterError, match="did you mean market_svod_payer_share"):
        parse_parameter("market_svod_payer_shares", [0.1, 0.15, 0.2])
    with pytest.raises(ParameterError, match="does not accept a distribution"):
        parse_parameter("scenario_name", [0, 1, 2])


def test_from_ranges_maps_validated_ranges_to_pert():
    params = validate(
        {"growth_churn_rate_month": [0.03, 0.06, 0.1], "market_svod_payer_share": [0.15] * 3}
    )
    dists = from_ranges(params.ranges)
    assert list(dists) == ["growth_churn_rate_month"]  # a degenerate range stays a constant
    d = dists["growth_churn_rate_month"]
    assert d.kind == "pert" and d.mode_value == params.growth_churn_rate_month
    assert d.bounds == (0.0, 0.3)


@pytest.mark.parametrize(
    ("pairs", "fragments"),
    [
        ({("a", "b"): 1.2}, ["correlation of a and b: rho=1.2; expected a number in [-1, 1]"]),
        ([["a", "b", -1.5]], ["rho=-1.5"]),
        ([["a", "b", "high"]], ["rho='high'"]),
        ({("a", "bb"): 0.5}, ["unknown parameter bb", "did you mean b?"]),
        ({("a", "a"): 0.5}, ["cannot be paired with itself"]),
        ({("a", "b"): 0.5, ("b", "a"): 0.5}, ["the pair is given twice"]),
        ([["a", "b"]], ["expected [name1, name2, rho]"]),
        (
            {("a", "b"): 0.9, ("b", "c"): 0.9, ("a", "c"): -0.9},
            ["not positive semi-definite", "smallest eigenvalue -0.8"],
        ),
    ],
)
def test_bad_correlations_give_one_line(pairs, fragments):
    with pytest.raises(ParameterError) as info:
        correlation_matrix(["a", "b", "c"], pairs)
    msg = str(info.value)
    assert "\n" not in msg
    for f in fragments:
        assert f in msg, msg


def test_correlation_matrix_is_symmetric_and_nearest_psd_is_explicit():
    mat = correlation_matrix(["a", "b", "c"], [["a", "c", -0.25]])
    assert np.array_equal(mat, mat.T) and mat[0, 2] == -0.25 and mat[0, 1] == 0
    bad = np.array([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1.0]])
    assert smallest_eigenvalue(bad) < -0.5
    d = {"a": dist("pert"), "b": dist("uniform"), "c": dist("normal")}
    with pytest.raises(ParameterError, match="not positive semi-definite"):
        sample(d, 100, seed=1, correlation=bad)
    fixed = nearest_psd(bad)
    assert np.array_equal(check_correlation(fixed, 3), fixed)
    assert np.allclose(np.diag(fixed), 1) and smallest_eigenvalue(fixed) > -1e-10
    assert np.sign(fixed[0, 1]) == 1 and np.sign(fixed[0, 2]) == -1
    assert sample(d, 100, seed=1, correlation=fixed).shape == (100, 3)


def test_nearest_psd_reproduces_highams_example():
    # Higham (2002), section 4: the nearest correlation matrix to [[1 1 0] [1 1 1] [0 1 1]]
    a = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0, 1.0]])
    want = np.array([[1.0, 0.7607, 0.1573], [0.7607, 1.0, 0.7607], [0.1573, 0.7607, 1.0]])
    np.testing.assert_allclose(nearest_psd(a), want, atol=1e-4)


def test_sample_refuses_bad_arguments():
    d = {"a": dist("pert")}
    for kwargs, fragment in [
        ({"n": 0, "seed": 1}, "n=0: expected an integer >= 1"),
        ({"n": 10.0, "seed": 1}, "n=10.0"),
        ({"n": 10, "seed": 1.5}, "seed=1.5"),
        ({"n": 10, "seed": 1, "method": "sobol"}, "method='sobol': expected 'lhs' or 'mc'"),
    ]:
        with pytest.raises(ParameterError, match=r"^parameter ") as info:
            sample(d, **kwargs)
        assert fragment in str(info.value)
    with pytest.raises(ParameterError, match="expected a Distribution"):
        sample({"a": [0, 1, 2]}, 10, seed=1)
    assert sample({}, 4, seed=1).shape == (4, 0)


def test_a_mapping_typed_without_spaces_gets_a_hint():
    from models.inputs.scenario import parse_value

    spec = parse_value("{dist:triangular,low:0.1}", "market_foreign_premium_share")
    with pytest.raises(ParameterError, match="space after the colon"):
        parse_parameter("market_foreign_premium_share", spec)


def test_a_repeated_sample_is_served_as_a_copy_and_only_for_the_same_arguments(monkeypatch):
    """A sweep's points draw the same sample: the second call is the first's copy (no
    quantile computed again), a change of any argument draws afresh, and what a caller
    does to its frame does not reach the next caller."""
    from models.inputs import distributions as dist_module
    from models.uncertainty import sampling

    monkeypatch.setattr(sampling, "_RECENT", type(sampling._RECENT)())
    calls = []
    ppf = dist_module.Distribution.ppf
    monkeypatch.setattr(
        dist_module.Distribution, "ppf", lambda self, u: calls.append(self.name) or ppf(self, u)
    )
    dists = {"a": parse_spec("a", {"dist": "uniform", "low": 0, "high": 1})}
    dists["b"] = parse_spec("b", {"dist": "normal", "mean": 0, "sd": 1})
    pairs = [("a", "b", 0.5)]
    first = sample(dists, 200, seed=stream(7, "inputs"), correlation=pairs)
    assert len(calls) == 2
    again = sample(dict(dists), 200, seed=stream(7, "inputs"), correlation=list(pairs))
    assert len(calls) == 2  # served, not drawn again
    pd.testing.assert_frame_equal(again, first)
    again.iloc[0, 0] = -99.0
    assert sample(dists, 200, seed=stream(7, "inputs"), correlation=pairs).iloc[0, 0] != -99.0
    wider = {**dists, "a": parse_spec("a", {"dist": "uniform", "low": 0, "high": 2})}
    for changed in (
        {"distributions": wider},
        {"n": 201},
        {"seed": stream(8, "inputs")},
        {"seed": stream(7, "events")},
        {"method": "mc"},
        {"correlation": [("a", "b", 0.4)]},
        {"correlation": None},
    ):
        args = {"distributions": dists, "n": 200, "seed": stream(7, "inputs")}
        args |= {"method": "lhs", "correlation": pairs} | changed
        before = len(calls)
        other = sample(**args)
        assert len(calls) == before + 2, changed  # drawn afresh
        assert not other.equals(first), changed
    # a sample as large as a real Monte Carlo run is not kept
    monkeypatch.setattr(sampling, "MEMO_VALUES", 100)
    monkeypatch.setattr(sampling, "_RECENT", type(sampling._RECENT)())
    sample(dists, 200, seed=1)
    assert not sampling._RECENT


def test_the_memo_serves_what_drawing_would_give_a_seed_sequence_and_checks_first(monkeypatch):
    """scipy's Latin hypercube spawns a child of the seed sequence on every draw, so a
    sequence used again draws anew: the memo serves a sample only for a sequence in the
    same state, and leaves it as drawing would (issue 25's review). A correlation is
    checked before the memo is read: one refused when drawn is refused when kept."""
    from models.uncertainty import sampling

    monkeypatch.setattr(sampling, "_RECENT", type(sampling._RECENT)())
    dists = {"a": parse_spec("a", {"dist": "uniform", "low": 0, "high": 1})}
    dists["b"] = parse_spec("b", {"dist": "normal", "mean": 0, "sd": 1})

    def draws(memo: bool):
        if not memo:
            monkeypatch.setattr(sampling, "MEMO_VALUES", 0)
        seq = np.random.SeedSequence(20151, spawn_key=(1,))
        out = [sample(dists, 300, seed=seq) for _ in range(3)]
        out.append(sample(dists, 300, seed=np.random.SeedSequence(20151, spawn_key=(1,))))
        monkeypatch.setattr(sampling, "MEMO_VALUES", 1_000_000)
        return out, seq.n_children_spawned

    fresh, spawned = draws(memo=False)
    assert not fresh[1].equals(fresh[0]) and fresh[3].equals(fresh[0])
    served, spawned_served = draws(memo=True)
    served_again, _ = draws(memo=True)  # every one from the memo now
    assert spawned_served == spawned == 3
    for got, want in zip(served + served_again, fresh + fresh, strict=True):
        pd.testing.assert_frame_equal(got, want)
    sample(dists, 300, seed=5, correlation=[("a", "b", 0.0)])
    with pytest.raises(ParameterError):
        sample(dists, 300, seed=5, correlation=[("a", "b", False)])
