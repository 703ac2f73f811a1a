"""Least-squares Monte Carlo against problems with known answers.

- an American put (Longstaff & Schwartz 2001, table 1: S0 = 36, K = 40, r = 6 %,
  sigma = 20 %, one year, 50 exercise dates) priced against a binomial tree;
- a two-period exit problem solved by hand;
- the properties every stopping rule has (foresight bounds it; a rule that may never
  stop is the committed value).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from models.economics import lsm


def binomial_bermudan_put(s0, strike, rate, sigma, years, steps, exercise_every):
    """Cox-Ross-Rubinstein tree of a put exercisable every ``exercise_every`` steps."""
    dt = years / steps
    up = np.exp(sigma * np.sqrt(dt))
    q = (np.exp(rate * dt) - 1 / up) / (up - 1 / up)
    disc = np.exp(-rate * dt)
    prices = s0 * up ** (2 * np.arange(steps + 1) - steps)
    value = np.maximum(strike - prices, 0.0)
    for i in range(steps - 1, 0, -1):
        prices = s0 * up ** (2 * np.arange(i + 1) - i)
        value = disc * (q * value[1:] + (1 - q) * value[:-1])
        if i % exercise_every == 0:
            value = np.maximum(value, strike - prices)
    return float(disc * (q * value[1] + (1 - q) * value[0]))


def put_problem(seed, paths, s0=36.0, strike=40.0, rate=0.06, sigma=0.2, dates=50):
    """Exercise values at each date and at expiry, the prices, and in-the-money flags
    (antithetic paths)."""
    rng = np.random.default_rng(seed)
    dt = 1.0 / dates
    z = rng.standard_normal((paths // 2, dates))
    z = np.vstack([z, -z])
    log_s = np.log(s0) + np.cumsum((rate - 0.5 * sigma**2) * dt + sigma * np.sqrt(dt) * z, 1)
    s = np.exp(log_s)
    t = dt * np.arange(1, dates + 1)
    payoff = np.maximum(strike - s, 0.0) * np.exp(-rate * t)
    stop, final = payoff[:, :-1], payoff[:, -1]
    return stop, final, s[:, :-1, None], stop > 0


def test_american_put_within_one_percent_of_the_binomial_tree():
    tree = binomial_bermudan_put(36.0, 40.0, 0.06, 0.2, 1.0, steps=5000, exercise_every=100)
    assert tree == pytest.approx(4.47, abs=0.02)  # Longstaff & Schwartz table 1: 4.478
    stop, final, s, itm = put_problem(1, 100_000)
    rule = lsm.fit(stop, final, s, itm)
    # valued on independent paths: no foresight bias
    stop2, final2, s2, itm2 = put_problem(2, 100_000)
    value = lsm.realised(stop2, final2, lsm.apply(rule, s2, itm2)).mean()
    assert value == pytest.approx(tree, rel=0.01)
    # the European put (never stop early) is worth less, foresight more
    european = final2.mean()
    ahead = lsm.realised(stop2, final2, lsm.foresight(stop2, final2, itm2)).mean()
    assert european < value < ahead


def two_period(seed, paths):
    """Pay 10 now; learn whether the market is good (half the paths); then stay for
    +30 (good) or -20 (bad), give or take 25 unobservable, or leave for -2.

    By hand: committed -10 + (30 - 20) / 2 = -5; the best rule leaves on bad news,
    -10 + 30 / 2 - 2 / 2 = 4; with foresight, a bad path leaves only when it would
    lose 45, -10 + 15 + (5 - 2) / 4 = 5.75.
    """
    rng = np.random.default_rng(seed)
    good = rng.random(paths) < 0.5
    noise = np.where(rng.random(paths) < 0.5, 25.0, -25.0)
    second = np.where(good, 30.0, -20.0) + noise
    stop = np.full((paths, 1), -10.0 - 2.0)
    final = -10.0 + second
    features = np.column_stack([good.astype(float), rng.random(paths)])[:, None, :]
    return stop, final, features, np.ones((paths, 1), dtype=bool)


def test_two_period_exit_solved_by_hand():
    rule = lsm.fit(*two_period(3, 20_000))
    stop, final, features, eligible = two_period(4, 200_000)
    adaptive = lsm.realised(stop, final, lsm.apply(rule, features, eligible)).mean()
    committed = final.mean()
    ahead = lsm.realised(stop, final, lsm.foresight(stop, final, eligible)).mean()
    se = final.std() / np.sqrt(len(final))
    assert committed == pytest.approx(-5.0, abs=4 * se)
    assert adaptive == pytest.approx(4.0, abs=4 * se)
    assert ahead == pytest.approx(5.75, abs=4 * se)
    # the rule leaves exactly on the bad news
    stops = lsm.apply(rule, features, eligible) == 0
    np.testing.assert_array_equal(stops, features[:, 0, 0] == 0.0)


def test_a_rule_never_worse_than_foresight_and_stays_when_stopping_never_pays():
    rng = np.random.default_rng(5)
    paths, dates = 5_000, 6
    stop = rng.normal(-100.0, 1.0, (paths, dates))  # stopping always costs 100
    final = rng.normal(0.0, 10.0, paths)
    features = rng.normal(size=(paths, dates, 2))
    eligible = np.ones((paths, dates), dtype=bool)
    rule = lsm.fit(stop, final, features, eligible)
    at = lsm.apply(rule, features, eligible)
    assert np.all(at == dates)  # never stops: the committed value
    ahead = lsm.foresight(stop, final, eligible)
    assert np.all(lsm.realised(stop, final, ahead) >= lsm.realised(stop, final, at))


def test_too_few_paths_to_fit_means_going_on():
    stop = np.zeros((10, 2))
    rule = lsm.fit(stop, np.ones(10), np.zeros((10, 2, 1)), np.ones((10, 2), dtype=bool))
    assert rule.coef == (None, None)
    assert np.all(lsm.apply(rule, np.zeros((4, 2, 1)), np.ones((4, 2), dtype=bool)) == 2)
    with pytest.raises(ValueError, match="dates"):
        lsm.apply(rule, np.zeros((4, 3, 1)), np.ones((4, 3), dtype=bool))


def test_pruning_keeps_a_rule_that_pays_and_drops_one_fitted_on_noise():
    # the two-period exit: leaving on bad news pays, by far
    rule = lsm.prune(lsm.fit(*two_period(3, 20_000)), *two_period(6, 20_000))
    assert rule.action == ("fit",)
    # pure noise: stopping and going on are worth the same on average, and the
    # regression on an unrelated feature can only lose; held out, it is switched off
    rng = np.random.default_rng(8)

    def noise(paths):
        final = rng.normal(0.0, 10.0, paths)
        stop = rng.normal(0.0, 10.0, (paths, 3))
        return stop, final, rng.normal(size=(paths, 3, 1)), np.ones((paths, 3), dtype=bool)

    fitted = lsm.fit(*noise(4_000))
    pruned = lsm.prune(fitted, *noise(4_000))
    assert pruned.action == ("never",) * 3
    _, _, features, eligible = noise(20_000)
    assert np.all(lsm.apply(pruned, features, eligible) == 3)  # the committed value
    # a stop that always pays (the earlier the better) is taken everywhere, whatever
    # the regression says
    stop = np.column_stack([np.full(2_000, 6.0), np.full(2_000, 5.0)])
    always = lsm.prune(
        replace(fitted, coef=(None, None), action=()),
        stop,
        np.zeros(2_000) + rng.normal(0, 1, 2_000),
        np.zeros((2_000, 2, 1)),
        np.ones((2_000, 2), dtype=bool),
    )
    assert always.action == ("always", "always")
    assert np.all(lsm.apply(always, np.zeros((5, 2, 1)), np.ones((5, 2), dtype=bool)) == 0)


# --- the compiled loops against the numpy ones they replaced (tests/oracle/lsm_numpy.py)


def random_problem(rng, paths, dates, features, scaled):
    """An exit problem of random values with what the reviews' have: dates where stopping
    pays on some paths (by the first feature), on every path, or never; a last date where
    the gain from going on is exactly 0 (a tie, which goes on); features that do not vary
    (a launch month every path shares), that barely vary (kept at a spread of 1e-10 of
    their level) and that repeat another (a rank-deficient design); dates with too few
    eligible paths to fit; and gains scaled or not."""
    final = rng.normal(20.0, 150.0, paths)
    f = rng.normal(0.0, 1.0, (paths, dates, features)) * rng.uniform(0.01, 1e3, features)
    f += rng.normal(0.0, 1e3, features)
    z = (f[:, :, 0] - f[:, :, 0].mean()) / (f[:, :, 0].std() + 1e-300)
    kind = rng.integers(0, 3, dates)  # 0 noise, 1 pays where z is low, 2 pays everywhere
    stop = rng.normal(0.0, 100.0, (paths, dates))
    stop += np.where(kind == 1, 60.0 - 120.0 * z, 0.0) + np.where(kind == 2, 400.0, 0.0)
    stop[:, -1] = final  # a tie at the last date
    if features > 2:
        f[:, :, 2] = 7.0  # constant: not varied
    if features > 3:
        f[:, :, 3] = f[:, :, 0]  # a repeat: the design has less than full rank
    if features > 4:
        f[:, :, 4] = 5.0 + 5e-10 * rng.normal(size=(paths, dates))  # varied, barely
    eligible = rng.uniform(size=(paths, dates)) < rng.uniform(0.002, 1.0, dates)
    eligible[:, -1] = rng.uniform(size=paths) < 0.9  # the last date: enough to fit
    scale = rng.uniform(0.1, 1.0, (paths, dates)) if scaled else None
    return stop, final, f, eligible, scale


#: What the compiled fit may differ from numpy's by: its regression and fitted values
#: run on scipy's LAPACK and BLAS (numba's), numpy's on its own OpenBLAS (0.3.30 and 0.3.31
#: here), which may round the last bits differently; everything else is the same bits.
LAST_BITS = {"rtol": 1e-9, "atol": 1e-12}


def same_rule(a, b):
    """Whether two rules are the same: every field bit for bit (dtypes and shapes too),
    but the coefficients and the R^2 to :data:`LAST_BITS`."""
    for name in a.__dataclass_fields__:
        x, y = getattr(a, name), getattr(b, name)
        assert len(x) == len(y), name
        for k, (u, v) in enumerate(zip(x, y, strict=True)):
            if isinstance(u, np.ndarray):
                assert u.dtype == v.dtype and u.shape == v.shape, (name, k)
                if name == "coef":
                    np.testing.assert_allclose(u, v, **LAST_BITS, err_msg=f"{name} {k}")
                else:
                    assert np.array_equal(u, v, equal_nan=True), (name, k)
            elif isinstance(u, float) and np.isnan(u):
                assert isinstance(v, float) and np.isnan(v), (name, k)
            elif name == "r2":
                assert type(u) is type(v) and u == pytest.approx(v, rel=1e-9, abs=1e-12)
            else:
                assert type(u) is type(v) and u == v, (name, k, u, v)


@pytest.mark.parametrize("seed", range(12))
def test_the_compiled_fit_prune_and_apply_are_the_numpy_loops(seed):
    from tests.oracle import lsm_numpy

    rng = np.random.default_rng(seed)
    paths = int(rng.integers(40, 3000))
    dates = int(rng.integers(1, 14))
    shape = (paths, dates, int(rng.integers(1, 11)), bool(seed % 2))
    train = random_problem(rng, *shape)
    check = random_problem(rng, *shape)
    rule = lsm.fit(*train[:4], scale=train[4])
    same_rule(rule, lsm_numpy.fit(*train[:4], scale=train[4]))
    assert rule.coef[-1] is not None  # something was fitted
    pruned = lsm.prune(rule, *check[:4])
    same_rule(pruned, lsm_numpy.prune(rule, *check[:4]))
    for r in (rule, pruned, lsm.replace_action(pruned, 0, "always")):
        assert np.array_equal(lsm.apply(r, *check[2:4]), lsm_numpy.apply(r, *check[2:4]))
        k = dates - 1
        rows = check[2][:, k, :]
        np.testing.assert_allclose(r.gain(k, rows), lsm_numpy.gain(r, k, rows), **LAST_BITS)


def test_the_basis_and_the_sums_are_numpys():
    from tests.oracle import lsm_numpy

    rng = np.random.default_rng(5)
    for f in range(0, 7):
        x = rng.normal(size=(50, f))
        assert np.array_equal(lsm.basis(x), lsm_numpy.basis(x))
    # pairwise summation: short runs, blocks of 128 and the halving above them
    for n in [*range(1, 300), 1000, 1023, 4097, 65_537]:
        a = rng.normal(size=n) * 10.0 ** rng.uniform(-6, 6, n)
        assert lsm._sum(a, 0, n) == np.sum(a), n
        mean, sd = lsm._mean_sd(a, 1 if n > 1 else 0)
        assert mean == a.mean() and sd == a.std(ddof=1 if n > 1 else 0), n


def test_the_random_problems_exercise_every_choice_of_prune():
    """The oracle test means something only where prune chooses: across its seeds, each
    of the regression, stopping everywhere and never stopping is chosen somewhere."""
    chosen = set()
    for seed in range(12):
        rng = np.random.default_rng(seed)
        shape = (int(rng.integers(40, 3000)), int(rng.integers(1, 14)))
        shape = (*shape, int(rng.integers(1, 11)), bool(seed % 2))
        train, check = random_problem(rng, *shape), random_problem(rng, *shape)
        chosen |= set(lsm.prune(lsm.fit(*train[:4], scale=train[4]), *check[:4]).action)
    assert chosen == {"fit", "always", "never"}


def test_the_cut_off_of_small_singular_values_is_numpys():
    """A feature that all but repeats another (1e-11 apart) leaves a direction of the
    design with a singular value just above lstsq's default cut-off (machine epsilon
    times the larger side): kept, as numpy keeps it, it makes coefficients of about
    1e13, which a cut-off of 1e-10 would drop."""
    from tests.oracle import lsm_numpy

    rng = np.random.default_rng(231)
    stop, final, f, eligible, _ = random_problem(rng, 800, 3, 2, False)
    f[:, :, 1] = f[:, :, 0] + 1e-11 * np.abs(f[:, :, 0]).mean() * rng.normal(size=(800, 3))
    ours, theirs = lsm.fit(stop, final, f, eligible), lsm_numpy.fit(stop, final, f, eligible)
    k = next(k for k, c in enumerate(theirs.coef) if c is not None)
    assert np.max(np.abs(theirs.coef[k])) > 1e6  # the near-null direction was kept
    np.testing.assert_allclose(ours.coef[k], theirs.coef[k], rtol=1e-6)


def test_arrays_that_do_not_fit_are_refused():
    """The compiled loops do not check bounds: shapes are checked before them."""
    rng = np.random.default_rng(0)
    stop, final, f, eligible, _ = random_problem(rng, 200, 4, 3, False)
    rule = lsm.fit(stop, final, f, eligible)
    with pytest.raises(ValueError, match="features of shape"):
        lsm.fit(stop, final, f[:100], eligible)
    with pytest.raises(ValueError, match="final_value of shape"):
        lsm.fit(stop, final[:50], f, eligible)
    with pytest.raises(ValueError, match="stop_value of shape"):
        lsm.prune(rule, stop[:50], final, f, eligible)
    with pytest.raises(ValueError, match="rule reads 2 features, given 1"):
        lsm.apply(rule, f[:, :, :1], eligible)
    with pytest.raises(ValueError, match="fitted for 4 dates"):
        lsm.apply(rule, f[:, :2], eligible[:, :2])
    with pytest.raises(IndexError, match="date 4 of a rule with 4 dates"):
        rule.gain(4, f[:, 3])
    assert np.array_equal(rule.gain(-1, f[:, 3]), rule.gain(3, f[:, 3]))


def _foresight_numpy(stop_value, final_value, eligible):
    """lsm.foresight's numpy passes before issue 25 compiled it (a column per date)."""
    paths, dates = stop_value.shape
    best = np.asarray(final_value, dtype=float).copy()
    at = np.full(paths, dates)
    for k in range(dates - 1, -1, -1):
        better = eligible[:, k] & (stop_value[:, k] > best + lsm._TIE)
        best = np.where(better, stop_value[:, k], best)
        at = np.where(better, k, at)
    return at


def _realised_numpy(stop_value, final_value, stop_at):
    paths, dates = stop_value.shape
    final = np.broadcast_to(np.asarray(final_value, dtype=float), (paths,))
    padded = np.column_stack([stop_value, final])
    return np.take_along_axis(padded, np.minimum(stop_at, dates).reshape(-1, 1), axis=1)[:, 0]


@pytest.mark.parametrize("dates", [0, 1, 7, 31])
@pytest.mark.parametrize("final_kind", ["paths", "number"])
def test_the_compiled_foresight_and_realised_values_are_numpy_s_bit_for_bit(dates, final_kind):
    """Ties within the tolerance, NaN, dates not eligible, a final value per path or one
    number, and a transposed (strided) grid: the same stops and values as the numpy
    passes they replaced."""
    rng = np.random.default_rng(dates)
    paths = 257
    stop = np.round(rng.normal(0.0, 3.0, (dates, paths)), 1).T  # strided, ties
    stop[rng.random(stop.shape) < 0.02] = np.nan
    final = np.round(rng.normal(0.0, 3.0, paths), 1) if final_kind == "paths" else 4.0
    if final_kind == "paths" and dates:  # within the tolerance of a stop: not better
        final[:5] = stop[:5, 0] - lsm._TIE / 2
    eligible = rng.random((paths, dates)) < 0.8
    got = lsm.foresight(stop, final, eligible)
    want = _foresight_numpy(stop, final, eligible)
    assert got.dtype == want.dtype and np.array_equal(got, want)
    assert dates == 0 or 0 < (got < dates).mean() < 1  # some stop, some never
    for at in (got, np.minimum(rng.integers(0, dates + 3, paths), dates + 2)):
        value = lsm.realised(stop, final, at)
        assert value.tobytes() == _realised_numpy(stop, final, at).tobytes()
    with pytest.raises(ValueError, match="realised: stop date index -1"):
        lsm.realised(stop, final, np.full(paths, -1))
    with pytest.raises(ValueError, match="realised: stop date indexes of dtype float64"):
        lsm.realised(stop, final, np.full(paths, 1.7))
