"""The Monte Carlo run: reproducible, chunk-independent, consistent with its parts."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from models.analysis import metrics
from models.economics import events
from models.economics.modes import MODES
from models.economics.results import LINE_ITEMS
from models.inputs.params import validate
from models.uncertainty import montecarlo
from tests.conftest import PLAN_YARDSTICK


@pytest.fixture(scope="module")
def params():
    return validate(n_paths=600)


@pytest.fixture(scope="module")
def mc(params):
    return montecarlo.run(params)


def test_seed_reproduces_exactly(params, mc):
    again = montecarlo.run(params)
    assert again.npv.equals(mc.npv)
    assert again.draws.equals(mc.draws)
    other = montecarlo.run(validate(n_paths=600, seed=1))
    assert not other.npv.equals(mc.npv)


def test_shapes_and_bookkeeping(params, mc):
    assert mc.npv.shape == (600, len(MODES))
    assert list(mc.draws.columns) == list(params.distributions)
    assert mc.fan_subscribers["solo"].shape == (600, params.months)
    assert (mc.npv["stay_out"] == 0).all()
    # the mean PV of the lines adds up to the mean NPV of each mode
    assert np.allclose(mc.pv_lines[list(LINE_ITEMS)].sum(axis=1), mc.npv.mean(), atol=1e-6)
    # the mean cash flow discounts to the mean NPV when the rate is fixed
    t = np.arange(params.months) + 1.0
    df = (1 + params.finance_discount_rate_year) ** (-t / 12)
    assert np.allclose(mc.mean_cash_flow.mul(df, axis=0).sum(), mc.npv.mean(), atol=1e-6)
    assert (mc.peak_funding >= 0).all().all()


def test_path_outcomes_do_not_depend_on_the_number_of_paths():
    """Plain Monte Carlo draws and block-wise event streams: path i is path i (without
    correlations: Iman-Conover reorders the correlated inputs over the whole sample)."""
    small = montecarlo.run(validate(n_paths=10, sampling_method="mc", correlations=[]))
    large = montecarlo.run(validate(n_paths=5000, sampling_method="mc", correlations=[]))
    # equal up to the quantile table used for samples above 256 draws (Distribution.ppf)
    assert np.allclose(small.npv.to_numpy(), large.npv.iloc[:10].to_numpy(), rtol=1e-7)
    assert not np.allclose(small.npv.iloc[0], small.npv.iloc[1])


def test_standard_error_shrinks_with_paths():
    a = metrics.npv_table(montecarlo.run(validate(n_paths=250)).npv)
    b = metrics.npv_table(montecarlo.run(validate(n_paths=4000)).npv)
    ratio = a.loc["license", "se"] / b.loc["license", "se"]
    assert ratio == pytest.approx(4.0, rel=0.25)


def test_a_pinned_input_is_not_drawn_but_events_still_are():
    p = validate(n_paths=300, regulation_exit_hazard_license_year=0.2)
    mc = montecarlo.run(p)
    assert "regulation_exit_hazard_license_year" not in mc.draws  # pinned by the user
    assert mc.npv["license"].std() > 0  # forced exits differ between paths
    assert mc.forced_exit_month["license"].notna().any()


@pytest.mark.parametrize(
    "overrides",
    [
        {},  # the base case under fixed plans
        {"partner_revenue_share": 0.15, "market_foreign_premium_share": 0.3, **PLAN_YARDSTICK},
        {"staged_license_exclusivity": "non_exclusive", "regulation_easing_hazard_year": 0.3},
        {"staged_target_mode": "solo", "sampling_method": "mc", "correlations": []},
        # the most-likely case switches: every path does, at its month, then follows the
        # service's own most-likely-case plan
        {
            "market_foreign_premium_share": 0.4,
            "regulation_easing_hazard_year": 0.3,
            **PLAN_YARDSTICK,
        },
    ],
)
def test_path_npv_is_the_runs_npv_under_the_fixed_rule(overrides, monkeypatch):
    """What a sweep keeps of a point (issue 12): the same NPVs as the whole run, to 1e-9,
    though no path is valued under the other rules and a staged entry builds only the
    service of its planned switch; and it does not depend on the chunking."""
    p = validate(n_paths=300, decision_rule="fixed", **overrides)
    whole = montecarlo.run(p)
    if "market_foreign_premium_share" in overrides and "partner_revenue_share" not in overrides:
        assert whole.switch_month.notna().all()  # the plan: switch on every path
    lean = montecarlo.path_npv(p)
    assert list(lean.columns) == list(whole.npv.columns)
    np.testing.assert_allclose(lean.to_numpy(), whole.npv.to_numpy(), rtol=1e-9, atol=1e-9)
    monkeypatch.setattr(montecarlo, "CHUNK", 128)
    np.testing.assert_allclose(montecarlo.path_npv(p).to_numpy(), lean.to_numpy(), rtol=0, atol=0)


def test_path_npv_under_the_adaptive_rule_uses_the_given_rules():
    p = validate(n_paths=200, decision_rule="adaptive", decision_training_paths=1000)
    rules = montecarlo.fit_rules(p)
    whole = montecarlo.run(p, rules=rules)
    lean = montecarlo.path_npv(p, rules=rules)
    np.testing.assert_allclose(lean.to_numpy(), whole.npv.to_numpy(), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("n", [1, 2, 1023, 100_000, 100_001, 150_000, 1_999_999, 2_000_000])
def test_sample_blocks_cover_the_paths_in_about_equal_blocks(n):
    blocks = montecarlo.sample_blocks(n)
    assert blocks[0][0] == 0 and blocks[-1][1] == n
    assert all(b0 == a1 for (_, b0), (a1, _) in itertools.pairwise(blocks))
    sizes = [b - a for a, b in blocks]
    if n <= montecarlo.SAMPLE_BLOCK:
        assert sizes == [n]  # a run of at most a block draws as it always did
    else:
        whole = montecarlo.SAMPLE_BLOCK // events.BLOCK * events.BLOCK
        assert len(blocks) == -(-n // whole)  # as few as hold whole event blocks
        assert all(size % events.BLOCK == 0 for size in sizes[:-1])  # no chunk straddles
        assert max(sizes) <= montecarlo.SAMPLE_BLOCK
        assert min(sizes) > montecarlo.SAMPLE_BLOCK / 2 - events.BLOCK  # the correlations


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of at most 2,500 paths: a run of 5,000 draws three, of two chunks, two
    chunks and one."""
    monkeypatch.setattr(montecarlo, "SAMPLE_BLOCK", 2500)
    return validate(n_paths=5000)


def test_inputs_are_drawn_block_by_block(small_blocks, monkeypatch):
    p = small_blocks
    assert montecarlo.sample_blocks(5000) == [(0, 2048), (2048, 4096), (4096, 5000)]
    whole = montecarlo.draw_inputs(p, 5000)
    blocks = [montecarlo.draw_block(p, 5000, k) for k in range(3)]
    assert list(blocks[2].index) == list(range(4096, 5000))
    assert whole.equals(pd.concat(blocks))
    # block 0 is what a run of its size draws in one block; the others are hypercubes
    # from their own streams
    monkeypatch.setattr(montecarlo, "SAMPLE_BLOCK", 2048)
    assert blocks[0].equals(montecarlo.draw_inputs(p, 2048))
    monkeypatch.setattr(montecarlo, "SAMPLE_BLOCK", 2500)
    assert not np.allclose(blocks[1].to_numpy()[:100], blocks[0].to_numpy()[:100])
    for block in blocks:  # each block a Latin hypercube of its own
        share = block["market_foreign_premium_share"]
        u = p.distributions["market_foreign_premium_share"].cdf(share)
        strata = np.floor(np.asarray(u) * len(block)).astype(int)
        assert sorted(strata) == list(range(len(block)))
        # and the correlations imposed within it (target 0.6; noise ~ 1 / sqrt(n))
        rho = block["regulation_exit_hazard_solo_year"].corr(
            block["regulation_exit_hazard_partner_year"], method="spearman"
        )
        assert rho == pytest.approx(0.6, abs=0.06)
    # the sampler never sees more than a block at once
    seen = []
    sample = montecarlo.sampling.sample
    monkeypatch.setattr(
        montecarlo.sampling, "sample", lambda d, n, **kw: seen.append(n) or sample(d, n, **kw)
    )
    montecarlo.draw_inputs(p, 5000)
    assert seen == [2048, 2048, 904]


def test_a_run_with_nothing_uncertain_has_a_row_per_path_in_blocks(small_blocks):
    """Every input pinned: no column, but every path's row (found in review: the first
    block's rows only)."""
    p = small_blocks
    pinned = validate(n_paths=5000, correlations=[], **{k: getattr(p, k) for k in p.distributions})
    assert not pinned.distributions
    draws = montecarlo.draw_inputs(pinned, 5000)
    assert draws.shape == (5000, 0)
    assert list(draws.index) == list(range(5000))


@pytest.mark.parametrize("rule", ["adaptive", "fixed"])
def test_path_npv_over_blocks_is_the_runs_npv(small_blocks, rule):
    """The run draws every block into one frame; path_npv draws one block at a time, on
    two threads: the same paths, the same NPVs (to 1e-9), whatever the threads."""
    p = small_blocks.replace(decision_training_paths=1000, decision_rule=rule)
    rules = montecarlo.fit_rules(p) if rule == "adaptive" else None
    whole = montecarlo.run(p, rules=rules)
    lean = montecarlo.path_npv(p, rules=rules, threads=2)
    np.testing.assert_allclose(lean.to_numpy(), whole.npv.to_numpy(), rtol=1e-9, atol=1e-9)
    assert lean["license"].std() > 0
    one = montecarlo.path_npv(p, rules=rules)
    np.testing.assert_array_equal(one.to_numpy(), lean.to_numpy())


@pytest.mark.parametrize(
    ("first", "end", "threads"),
    [
        (0, 1000, 2),
        (0, 1, 2),
        (0, 200, 2),
        (0, 3000, 2),
        (4096, 5000, 2),
        (0, 5000, 1),
        (0, 700, 3),
    ],
)
def test_split_gives_each_thread_a_chunk(first, end, threads):
    chunks = montecarlo.split(first, end, threads)
    assert chunks[0][0] == first and chunks[-1][1] == end
    assert all(b0 == a1 for (_, b0), (a1, _) in itertools.pairwise(chunks))
    sizes = [b - a for a, b in chunks]
    assert max(sizes) <= montecarlo.CHUNK
    assert all(size >= montecarlo.MIN_SPLIT for size in sizes[:-1])
    if end - first >= threads * montecarlo.MIN_SPLIT:
        assert len(chunks) >= threads  # no thread idle
    if end - first < 2 * montecarlo.MIN_SPLIT:
        assert len(chunks) == 1  # too few paths to pay for a second chunk


def test_small_runs_use_both_threads_and_give_the_same_answers(monkeypatch):
    """A what-if position's 1,000 training paths and 500 futures (issue 25): split so that
    each thread has a chunk, with the rules and NPVs of one chunk, bit for bit."""
    import pickle

    p = validate(n_paths=500, decision_rule="adaptive", decision_training_paths=1000)
    monkeypatch.setattr(montecarlo, "WORKERS", 2)  # as on this project's 2-core machine
    seen: list[int] = []

    def count_paths(name: str) -> None:
        """Record the paths of each chunk that ``montecarlo.<name>`` is called on."""
        inner = getattr(montecarlo, name)
        monkeypatch.setattr(
            montecarlo,
            name,
            lambda params, chunk, u, *extra: (
                seen.append(u.crackdown.shape[0]) or inner(params, chunk, u, *extra)
            ),
        )

    count_paths("exit_problems")
    split = montecarlo.fit_rules(p)
    assert seen[:2] == [500, 500]  # two chunks, one a thread
    monkeypatch.setattr(montecarlo, "WORKERS", 1)
    seen.clear()
    whole = montecarlo.fit_rules(p)
    assert seen[:1] == [1000]
    assert pickle.dumps(split) == pickle.dumps(whole)
    one = montecarlo.path_npv(p, rules=whole)
    count_paths("path_values")
    seen.clear()
    two = montecarlo.path_npv(p, rules=whole, threads=2)
    assert sorted(seen) == [250, 250]
    np.testing.assert_array_equal(one.to_numpy(), two.to_numpy())
    assert two["license"].std() > 0


def test_cached_uniforms_are_copies():
    """The uniform blocks are kept between calls (issue 12); what a caller gets is its own."""
    from models.economics import events

    a = events.uniforms(7, 0, 50, 24)
    a.exit[:] = -1.0
    b = events.uniforms(7, 0, 50, 24)
    assert (b.exit >= 0).all()
    assert np.array_equal(b.exit, events.uniforms(7, 0, 50, 24).exit)
    assert np.array_equal(events.uniforms(7, 10, 5, 24).exit, b.exit[10:15])
