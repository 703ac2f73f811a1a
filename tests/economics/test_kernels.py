"""The compiled recursions (``models/economics/kernels.py``) against the numpy loops they
replaced, kept here as the oracle: within 1e-9 on random inputs of every broadcast
shape the engine passes (scalars, per-path columns, full arrays, broadcast views)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models._arrays import column, month_index
from models.economics import kernels
from models.economics.content import ContentPlan, by_month, foreign_on_offer, payments
from models.economics.events import suspensions
from models.economics.finance import income_tax
from models.economics.growth import bass_subscribers

PATHS, MONTHS = 37, 50
TOL = {"rtol": 1e-9, "atol": 1e-9}


def bass_numpy(market_m, p, q, churn, launch_month, shock=None):
    """The numpy loop of growth.bass_subscribers before issue 12."""
    market_m = np.asarray(market_m, dtype=float)
    paths, months = market_m.shape
    p_, q_, c_ = (np.broadcast_to(column(x)[:, 0], (paths,)) for x in (p, q, churn))
    launch = np.broadcast_to(column(launch_month)[:, 0], (paths,))
    subs, adds, first = (np.zeros((paths, months)) for _ in range(3))
    prev, ever = np.zeros(paths), np.zeros(paths)
    for t in range(months):
        m = market_m[:, t]
        share = np.divide(prev, m, out=np.zeros(paths), where=m > 0)
        kept = prev * (1.0 - c_)
        if shock is not None:
            kept = kept * (1.0 - shock[:, t])
        kept = np.minimum(kept, m)
        rate = np.where(t >= launch, -np.expm1(-(p_ + q_ * share)), 0.0)
        a = rate * np.maximum(m - kept, 0.0)
        f = np.minimum(rate * np.maximum(m - ever, 0.0), a)
        ever = ever + f
        now = kept + a
        subs[:, t], adds[:, t], first[:, t] = now, a, f
        prev = now
    return subs, adds, first


def income_tax_numpy(taxable_usd_m, rate):
    """The numpy loop of finance.income_tax before issue 12."""
    taxable = np.asarray(taxable_usd_m, dtype=float)
    paths, months = taxable.shape
    r = np.broadcast_to(column(rate)[:, 0], (paths,))
    tax = np.zeros_like(taxable)
    pool = np.zeros(paths)
    for t in range(months):
        income = taxable[:, t]
        used = np.minimum(pool, np.maximum(income, 0.0))
        tax[:, t] = r * (np.maximum(income, 0.0) - used)
        pool = pool - used + np.maximum(-income, 0.0)
    return tax


def suspensions_numpy(u, hazard_month, duration_months, start):
    """The numpy loop of events.suspensions before issue 12."""
    paths, months = u.shape
    h = np.broadcast_to(column(hazard_month)[:, 0], (paths,))
    d = np.broadcast_to(column(duration_months)[:, 0], (paths,))
    s0 = np.broadcast_to(column(start)[:, 0], (paths,))
    dark, starts = np.zeros((paths, months)), np.zeros((paths, months))
    remaining = np.zeros(paths)
    for t in range(months):
        begin = (remaining <= 0.0) & (u[:, t] < h) & (t >= s0)
        remaining = np.where(begin, d, remaining)
        starts[:, t] = begin
        share = np.minimum(remaining, 1.0)
        dark[:, t] = share
        remaining = remaining - share
    return dark, starts


def exit_and_crackdowns_numpy(
    exit_hazard_month, launch, loss, persistence, crackdown_h, u_exit, u_crack
):
    """Forced exit and crackdowns drawn, and survival in expectation: the numpy passes of
    events._drawn_exit_and_crackdowns and regulation.survival before issue 25 compiled
    them (a cumulative product and a cumulative sum along the months)."""
    months = u_exit.shape[1]
    t = month_index(months)
    exit_h = np.where(t >= column(launch), column(exit_hazard_month), 0.0)
    hit = (u_exit < exit_h) & (t >= column(launch))
    exit_month = column(np.where(hit.any(axis=1), np.argmax(hit, axis=1), months).astype(float))
    count = np.cumsum(u_crack < column(crackdown_h), axis=1)

    def log_keep(share):
        return np.maximum(np.log(np.maximum(column(share), 1e-300)), -50.0)

    shifted = np.concatenate([np.zeros((exit_h.shape[0], 1)), exit_h[:, :-1]], axis=1)
    return {
        "alive": (t <= exit_month).astype(float),
        "exit_at": (t == exit_month).astype(float),
        "catalogue": (1.0 - column(loss)) ** count,
        "log_kept": count * log_keep(1.0 - column(loss)),
        "log_lasting": count * log_keep(1.0 - column(loss) * column(persistence)),
        "crackdowns": count[:, -1].astype(float),
        "survival": np.cumprod(1.0 - shifted, axis=1),
    }


def kept_since_numpy(log_kept, start, log_lasting=None):
    """Share of titles first on offer in month ``start`` that crackdowns leave on offer
    in month ``t``, (rows, months): events.kept_since's numpy passes before issue 25
    (now :func:`models.economics.kernels.log_cut_before`, composed by the loops)."""
    lk = np.asarray(log_kept, dtype=float)
    start = np.asarray(start)
    months = lk.shape[1]
    rows = max(lk.shape[0], np.shape(start)[0] if start.ndim == 2 else 1)
    if log_lasting is not None:
        rows = max(rows, np.shape(log_lasting)[0])
    lk = np.broadcast_to(lk, (rows, months))
    at = np.broadcast_to(np.clip(start - 1, 0, months - 1), (rows, months)).astype(int)
    since = np.broadcast_to(start, (rows, months)) >= 1
    before = np.where(since, np.take_along_axis(lk, at, axis=1), 0.0)
    if log_lasting is not None:
        ll = np.broadcast_to(np.asarray(log_lasting, dtype=float), (rows, months))
        before = before - np.where(since, np.take_along_axis(ll, at, axis=1), 0.0)
    return np.exp(lk - before)


def test_what_the_crackdowns_before_a_start_took_by_hand():
    """Crackdowns in months 1 and 3 (10 % each): titles on offer since month 2 lose
    only the second, and of the first only the half that lasts."""
    lk = np.log(np.array([[1.0, 0.9, 0.9, 0.81]]))
    ll = np.log(np.array([[1.0, 0.95, 0.95, 0.9025]]))
    starts = [0.0, 0.0, 2.0, 2.0]

    def kept(lasting):
        return [
            round(math.exp(lk[0, t] - kernels.log_cut_before(lk, lasting, 0, s, 4)), 3)
            for t, s in enumerate(starts)
        ]

    assert kept(np.zeros((1, 4))) == [1.0, 0.9, 1.0, 0.9]  # nothing lasts
    assert kept(ll) == [1.0, 0.9, 0.95, 0.855]
    assert kept_since_numpy(lk, np.array([starts]), ll).round(3).tolist() == [kept(ll)]


def foreign_on_offer_numpy(plan, log_kept, log_lasting=None):
    """The numpy passes of content.foreign_on_offer before issue 25: one per year of
    the window, each gathering the titles and what crackdowns kept since their start."""
    months = np.shape(log_kept)[1]
    t = month_index(months)
    k = np.floor((t - plan.launch) / 12.0)  # content year of month t
    years = plan.approved.shape[1]
    rows = max(plan.approved.shape[0], np.shape(log_kept)[0], plan.launch.shape[0])
    out = np.zeros((rows, months))
    for j in range(int(np.max(plan.window))):
        v = k - j
        titles = np.take_along_axis(
            np.broadcast_to(plan.approved, (rows, years)),
            np.broadcast_to(np.clip(v, 0, years - 1), (rows, months)).astype(int),
            axis=1,
        )
        on = (v >= 0) & (j < plan.window)
        start = np.maximum(plan.launch + 12.0 * v, 0.0)
        out += np.where(on, titles * kept_since_numpy(log_kept, start, log_lasting), 0.0)
    return out


def by_month_numpy(per_year, first_month, months):
    """The numpy gather of content.by_month before issue 25."""
    t = month_index(months)
    first = column(first_month)
    k = np.floor((t - first) / 12.0)
    idx = np.clip(k, 0, per_year.shape[1] - 1).astype(int)
    rows = max(per_year.shape[0], idx.shape[0])
    values = np.take_along_axis(
        np.broadcast_to(per_year, (rows, per_year.shape[1])),
        np.broadcast_to(idx, (rows, months)),
        axis=1,
    )
    return np.where(k >= 0, values, 0.0)


def payments_numpy(per_year_usd_m, first_month, months, growth_year):
    """The numpy passes of content.payments before issue 25 (a power in every month)."""
    t = month_index(months)
    first = np.maximum(column(first_month), 0.0)
    k = (t - first) / 12.0
    due = (k >= 0) & (np.mod(t - first, 12.0) == 0)
    idx = np.clip(k, 0, per_year_usd_m.shape[1] - 1).astype(int)
    rows = max(per_year_usd_m.shape[0], idx.shape[0])
    amount = np.take_along_axis(
        np.broadcast_to(per_year_usd_m, (rows, per_year_usd_m.shape[1])),
        np.broadcast_to(idx, (rows, months)),
        axis=1,
    )
    return np.where(due, amount * (1.0 + column(growth_year)) ** (t / 12.0), 0.0)


rng = np.random.default_rng(12)


def per_path(low, high):
    return rng.uniform(low, high, size=(PATHS, 1))


def _market(kind):
    full = rng.uniform(0.0, 20.0, size=(PATHS, MONTHS))
    full[3, :5] = 0.0  # an empty market: no share, no adds
    return {
        "full": full,
        "row": rng.uniform(1.0, 20.0, size=(1, MONTHS)),
        "broadcast": np.broadcast_to(rng.uniform(1.0, 20.0, size=(1, MONTHS)), (PATHS, MONTHS)),
    }[kind]


@pytest.mark.parametrize("market", ["full", "row", "broadcast"])
@pytest.mark.parametrize("per_path_inputs", [False, True])
@pytest.mark.parametrize("shocked", [False, True])
def test_bass_kernel_matches_the_numpy_loop(market, per_path_inputs, shocked):
    m = _market(market)
    if m.shape[0] == 1:
        m = np.broadcast_to(m, (PATHS, MONTHS))
    if per_path_inputs:
        args = (per_path(0, 0.05), per_path(0, 0.4), per_path(0, 0.1), np.rint(per_path(0, 12)))
    else:
        args = (0.01, 0.2, 0.03, 4)
    shock = rng.uniform(0, 1, (PATHS, MONTHS)) * (rng.random((PATHS, MONTHS)) < 0.05)
    shock = shock if shocked else None
    got = bass_subscribers(m, *args, shock=shock)
    want = bass_numpy(m, *args, shock=shock)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, **TOL)
    assert got[0].max() > 0  # the case is not trivially zero


@pytest.mark.parametrize("rate", [0.25, "per_path"])
@pytest.mark.parametrize("shape", ["full", "broadcast"])
def test_income_tax_kernel_matches_the_numpy_loop(rate, shape):
    # launch losses, then profits that use them up: both branches of the pool
    taxable = np.linspace(-10.0, 25.0, MONTHS) + rng.normal(0.0, 3.0, size=(PATHS, MONTHS))
    if shape == "broadcast":
        taxable = np.broadcast_to(taxable[:1], (PATHS, MONTHS))
    r = per_path(0.1, 0.3) if rate == "per_path" else rate
    got, want = income_tax(taxable, r), income_tax_numpy(taxable, r)
    np.testing.assert_allclose(got, want, **TOL)
    assert got.max() > 0 and (got >= 0).all()


@pytest.mark.parametrize("per_path_inputs", [False, True])
def test_suspensions_kernel_matches_the_numpy_loop(per_path_inputs):
    u = rng.random((PATHS, MONTHS))
    if per_path_inputs:
        args = (per_path(0, 0.2), per_path(0, 4.5), np.rint(per_path(0, 20)))
    else:
        args = (0.08, 2.5, 6)
    got, want = suspensions(u, *args), suspensions_numpy(u, *args)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, **TOL)
    assert got[1].sum() > 0  # some suspensions started


def _plan(per_path_inputs: bool, years: int = 8) -> ContentPlan:
    rows = PATHS if per_path_inputs else 1
    approved = rng.uniform(0.0, 40.0, size=(rows, years))
    if per_path_inputs:
        window, launch = np.rint(per_path(1, 4)), np.rint(per_path(-3, 30))
        launch[0] = 0.0  # a service on offer from month 0: nothing before it to read
        launch[1] = 7.5  # a launch drawn between months
    else:
        window, launch = np.array([[3.0]]), np.array([[5.0]])
    zeros = np.zeros((1, MONTHS))
    return ContentPlan({}, zeros, zeros, zeros, approved, window, launch)


@pytest.mark.parametrize("per_path_inputs", [False, True])
@pytest.mark.parametrize("risk", ["none", "drawn", "lasting", "broadcast"])
def test_on_offer_kernel_matches_the_numpy_passes(per_path_inputs, risk):
    plan = _plan(per_path_inputs)
    cuts = np.where(rng.random((PATHS, MONTHS)) < 0.08, np.log(rng.uniform(0.3, 0.9)), 0.0)
    log_kept, log_lasting = np.cumsum(cuts, axis=1), None
    if risk == "none":
        log_kept = np.zeros((1, MONTHS))
    if risk == "lasting":
        log_lasting = np.cumsum(cuts * rng.uniform(0.0, 1.0, size=(PATHS, 1)), axis=1)
    if risk == "broadcast":
        log_kept = np.broadcast_to(log_kept[:1], (PATHS, MONTHS))
    got = foreign_on_offer(plan, log_kept, log_lasting)
    want = foreign_on_offer_numpy(plan, log_kept, log_lasting)
    np.testing.assert_allclose(got, want, **TOL)
    assert got.max() > 0 and (got[:, 0] == 0).any()  # titles on offer, and months before
    if risk != "none":
        assert (got < foreign_on_offer(plan, np.zeros((1, MONTHS))) - 1e-9).any()


@pytest.mark.parametrize("per_path_years", [False, True])
@pytest.mark.parametrize("first", ["number", "per_path", "drawn_between_months"])
def test_yearly_kernels_match_the_numpy_gathers(per_path_years, first):
    per_year = rng.uniform(0.0, 30.0, size=(PATHS if per_path_years else 1, 6))
    start = {
        "number": 4,
        "per_path": np.rint(per_path(-14, 30)),  # before month 0 too (a lead before launch)
        "drawn_between_months": per_path(0, 30),  # never due: nothing is paid
    }[first]
    growth = per_path(-0.05, 0.2) if per_path_years else 0.07
    np.testing.assert_allclose(
        by_month(per_year, start, MONTHS), by_month_numpy(per_year, start, MONTHS), **TOL
    )
    got = payments(per_year, start, MONTHS, growth)
    np.testing.assert_allclose(got, payments_numpy(per_year, start, MONTHS, growth), **TOL)
    assert (got.max() > 0) == (first != "drawn_between_months")


def test_on_offer_refuses_approved_titles_of_another_shape():
    plan = _plan(True)
    with pytest.raises(ValueError, match="yearly amounts of shape"):
        foreign_on_offer(plan, np.zeros((PATHS + 1, MONTHS)))


@pytest.mark.parametrize("per_path_inputs", [False, True])
def test_exit_and_crackdown_kernels_give_the_numpy_passes_bits(per_path_inputs):
    """Same bits, not 1e-9: the loops multiply and add in the order of numpy's cumprod
    and cumsum, and the catalogue's power stays numpy's (a compiled pow differs in the
    last bit), so a review deciding on the catalogue decides as before."""
    from types import SimpleNamespace

    from models.economics import events, regulation

    own = np.random.default_rng(25)  # not the module's: the tests after it draw as before
    u_exit, u_crack = own.random((PATHS, MONTHS)), own.random((PATHS, MONTHS))

    def per_path(low, high):
        return own.uniform(low, high, size=(PATHS, 1))

    if per_path_inputs:
        h, launch = per_path(0.0, 0.3), np.rint(per_path(-2, 30))
        launch[1] = 7.5  # a launch between months
        h[2] = np.nan  # propagates as numpy's comparisons do: never an exit
        loss, persistence, crack = per_path(0, 1), per_path(0, 1), per_path(0, 0.5)
        loss[3] = 1.0  # the whole catalogue: the log floor
    else:
        h, launch, loss, persistence, crack = 0.05, 4, 0.3, 0.5, 0.1
    yearly = lambda m: 1.0 - (1.0 - column(m)) ** 12.0  # noqa: E731 (months back to years)
    rules = SimpleNamespace(
        crackdown_hazard_year=yearly(crack),
        crackdown_catalogue_loss=loss,
        crackdown_persistence=persistence,
    )
    got = events._drawn_exit_and_crackdowns(
        yearly(h), rules, launch, MONTHS, SimpleNamespace(exit=u_exit, crackdown=u_crack)
    )
    # the hazards went through years and back: the numpy passes are given the same ones
    want = exit_and_crackdowns_numpy(
        events._monthly(yearly(h)), launch, loss, persistence, events._monthly(yearly(crack)),
        u_exit, u_crack,
    )  # fmt: skip
    for name in ("alive", "exit_at", "catalogue", "log_kept", "log_lasting"):
        np.testing.assert_array_equal(got[name], want[name], err_msg=name)
    np.testing.assert_array_equal(got["drawn"]["crackdowns"], want["crackdowns"])
    np.testing.assert_array_equal(regulation.survival(got["exit_hazard"]), want["survival"])
    assert 0 < got["exit_at"].sum() < PATHS and got["drawn"]["crackdowns"].max() > 1


@pytest.mark.parametrize("shapes", [((6,), (6,)), ((3, 5), (3, 4)), ((3, 4), (1, 4))])
def test_uniforms_of_another_shape_are_refused_not_read_as_paths(shapes):
    """Found in review: a row of uniforms (6,) became six paths of one uniform each."""
    from types import SimpleNamespace

    from models.economics import events

    rules = SimpleNamespace(
        crackdown_hazard_year=0.5, crackdown_catalogue_loss=0.3, crackdown_persistence=0.5
    )
    u = SimpleNamespace(exit=np.zeros(shapes[0]), crackdown=np.zeros(shapes[1]))
    with pytest.raises(ValueError, match=r"uniforms of shapes .*: expected \(paths, 4\) each"):
        events._drawn_exit_and_crackdowns(0.5, rules, 0, 4, u)


def test_a_zero_length_suspension_counts_but_darkens_nothing():
    u = np.zeros((2, 6))
    dark, starts = suspensions(u, 0.5, 0.0, 0)
    np.testing.assert_array_equal(dark, 0.0)
    np.testing.assert_array_equal(starts, 1.0)


def test_grid_keeps_broadcast_views_small():
    full = np.broadcast_to(np.arange(5.0).reshape(1, 5), (1000, 5))
    assert kernels.grid(full, 1000, 5).shape == (1, 5)
    assert kernels.grid(np.broadcast_to(np.ones((4, 1)), (4, 9)), 4, 9).shape == (4, 1)
    assert kernels.grid(3, 4, 9).shape == (1, 1)
    assert kernels.grid(np.arange(3.0), 3, 1).shape == (3, 1)
    assert kernels.grid(np.ones((2, 3)), 2, 3).flags.c_contiguous


@pytest.mark.parametrize(
    "call",
    [
        lambda: bass_subscribers(np.ones((6, 12)), np.ones((4, 1)), 0.2, 0.05, 0),
        lambda: bass_subscribers(np.ones((6, 12)), 0.01, 0.2, 0.05, 0, shock=np.ones((6, 3))),
        lambda: income_tax(np.ones((6, 12)), np.array([0.25, 0.25])),
        lambda: suspensions(np.ones((6, 12)), 0.1, np.ones((7, 1)), 0),
        lambda: payments(np.ones((1, 3)), np.ones((6, 1)), 12, np.ones((4, 1))),
    ],
)
def test_shapes_that_do_not_broadcast_are_refused(call):
    """The kernels do not check bounds: a mismatch must fail, not read past an array
    (found in review: numpy's loops raised here)."""
    with pytest.raises(ValueError, match="expected one broadcastable to"):
        call()


def test_nan_propagates_as_in_the_numpy_loops():
    m = np.full((3, 10), 5.0)
    churn = np.array([[0.05], [np.nan], [0.05]])
    shock = np.zeros((3, 10))
    shock[2, 4] = np.nan
    got = bass_subscribers(m, 0.01, 0.2, churn, 0, shock=shock)
    want = bass_numpy(m, 0.01, 0.2, churn, 0, shock=shock)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, **TOL)  # NaN where numpy has NaN
    assert np.isnan(got[2][1]).all() and np.isnan(got[2][2, 4:]).all()
    taxable = np.array([[1.0, np.nan, 2.0, -1.0]])
    np.testing.assert_allclose(income_tax(taxable, 0.25), income_tax_numpy(taxable, 0.25), **TOL)


@pytest.mark.parametrize(
    "call, match",
    [
        # growth per path, amounts for two paths: refused, not read past the array
        (lambda: payments(np.ones((2, 3)), 0, 24, np.zeros(3)), "expected 3 rows"),
        (lambda: by_month(np.zeros((1, 0)), 0, 30), "years >= 1"),
        (lambda: payments(np.zeros((1, 0)), 0, 30, 0.0), "years >= 1"),
        (lambda: by_month(np.ones((1, 3)), np.nan, 30), "expected finite months"),
        (lambda: payments(np.ones((1, 3)), -np.inf, 30, 0.0), "expected finite months"),
    ],
)
def test_the_yearly_kernels_refuse_what_they_would_read_out_of_bounds(call, match):
    """Found in review (issue 25): numba does not check bounds, so these returned
    garbage (7.5e252, 1.6e-322) or wrong months where numpy raised."""
    with pytest.raises(ValueError, match=match):
        call()


def test_a_launch_that_is_not_finite_is_refused_not_wrapped():
    """math.floor of NaN in numba is INT64_MIN, which wrapped to titles on offer in every
    month (found in review); the launch is refused, and the kernel floors as a float."""
    plan = _plan(False)
    plan = ContentPlan(
        {}, *(np.zeros((1, 1)),) * 3, plan.approved, plan.window, np.array([[np.nan]])
    )
    with pytest.raises(ValueError, match="expected finite months"):
        foreign_on_offer(plan, np.zeros((1, MONTHS)))


def test_a_window_drawn_alone_sets_the_rows():
    """Everything pinned but the window, events in expectation: approved titles, launch
    and crackdowns are one row, the window one per path (found in review: it crashed
    before and after the kernel, through analysis.leaders.range_ends)."""
    plan = _plan(False)
    window = np.array([[1.0], [2.0], [3.0]])
    plan = ContentPlan({}, *(np.zeros((1, 1)),) * 3, plan.approved, window, plan.launch)
    got = foreign_on_offer(plan, np.zeros((1, MONTHS)))
    assert got.shape == (3, MONTHS)
    assert got[0, 5 + 12] == plan.approved[0, 1]  # one year on offer: the second year's only
    assert got[2, 5 + 24] == plan.approved[0, :3].sum()  # three years: all three vintages


def policy_lines_numpy(alive, exit_at, last, launch, start, exit_cost, walk_away, terminal, amort):
    """The numpy passes of policy.with_exit_policy's lines before issue 25."""
    paths, months = alive.shape
    t = np.arange(months).reshape(1, -1)
    stays = t <= last.reshape(-1, 1)
    operating = alive * stays
    last_col = last.reshape(-1, 1)
    stops = (t == last_col) & (t < months - 1) & (t >= start)
    launched = t >= launch.reshape(-1, 1)
    voluntary = np.where(stops & launched, alive - exit_at, 0.0)
    walked = np.where(stops & ~launched, alive - exit_at, 0.0) * column(walk_away)
    at_horizon = np.where(t == months - 1, alive - exit_at, 0.0) * terminal.reshape(-1, 1)
    return (
        operating,
        -(exit_at * stays + voluntary) * column(exit_cost) - walked,
        at_horizon * stays,
        amort * operating,
        np.broadcast_to(-exit_at * column(exit_cost), (paths, months)),
        at_horizon,
        amort * alive,
        (exit_at * stays).sum(axis=1),
    )


@pytest.mark.parametrize("drawn", [True, False])
@pytest.mark.parametrize("start", [0, 7])
def test_policy_lines_kernel_matches_the_numpy_passes(drawn, start):
    """Forced exits, leaving by choice before and after the launch, never starting
    (-1), running to the horizon; 0/1 (drawn) or probabilities (expected)."""
    gen = np.random.default_rng(start + drawn)
    t = np.arange(MONTHS)
    exit_month = gen.integers(0, 2 * MONTHS, PATHS).reshape(-1, 1)
    if drawn:
        alive = (t <= exit_month).astype(float)
        exit_at = (t == exit_month).astype(float)
    else:
        alive = np.cumprod(np.full((PATHS, MONTHS), 0.99), axis=1)
        exit_at = alive * 0.01
    last = gen.choice([-1.0, 3.0, 12.0, 30.0, MONTHS - 1.0], PATHS)
    launch = gen.integers(0, 20, PATHS).astype(float)
    cost, walk, terminal = per_path(5, 50), per_path(1, 5), rng.uniform(-100, 900, PATHS)
    amort = rng.uniform(0, 3, (PATHS, MONTHS))
    got = kernels.policy_lines(
        alive, exit_at, last, launch.reshape(-1, 1), start, cost, walk, terminal.reshape(-1, 1),
        amort, PATHS, MONTHS,
    )  # fmt: skip
    want = policy_lines_numpy(alive, exit_at, last, launch, start, cost, walk, terminal, amort)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, **TOL)
    # what moved: a forced exit, a walk-away, a voluntary exit and a horizon value
    assert (got[1] < 0).any() and (got[2] > 0).any() and got[7].max() > 0


def abandonment_numpy(cash, h, d, x, w, launch, terminal, start, dates):
    """finance.abandonment's backward induction as numpy passes, before issue 25."""
    paths, months = cash.shape
    h = np.broadcast_to(h, cash.shape)
    d = np.broadcast_to(d, cash.shape)
    x, w, launch, terminal = (
        np.broadcast_to(column(v)[:, 0], (paths,)) for v in (x, w, launch, terminal)
    )
    allowed = np.zeros(months, dtype=bool)
    allowed[dates[(dates >= 0) & (dates < months - 1)]] = True
    u_next = d[:, -1] * terminal
    stay = np.ones((paths, months), dtype=bool)
    for t in range(months - 1, -1, -1):
        forced_value = -d[:, t] * x
        stop_cost = np.where(t >= launch, x, np.where(t >= start, w, 0.0))
        leave_value = -d[:, t] * stop_cost
        if allowed[t]:
            stay[:, t] = u_next >= leave_value - 1e-12
        cont = np.where(stay[:, t], u_next, leave_value)
        u_next = d[:, t] * cash[:, t] + h[:, t] * forced_value + (1.0 - h[:, t]) * cont
    first_leave = np.where(~stay.all(axis=1), np.argmin(stay, axis=1), months - 1).astype(float)
    if (dates == -1).any():
        declined = u_next < -1e-12
        u_next = np.where(declined, 0.0, u_next)
        first_leave = np.where(declined, -1.0, first_leave)
    return u_next, first_leave


@pytest.mark.parametrize("go", [True, False])
@pytest.mark.parametrize("shapes", ["scalars", "per_path"])
def test_abandonment_kernel_matches_the_numpy_loop(go, shapes):
    """Stopping at reviews before and after the launch, never starting, a forced-exit
    hazard in a row or per path, a value at the horizon: bitwise the numpy passes."""
    from models.economics.finance import abandonment, discount_factors

    gen = np.random.default_rng(7 + go)
    cash = gen.normal(0.0, 10.0, (PATHS, MONTHS))
    cash[:5] -= 15.0  # paths that lose: they stop or never start
    dates = np.array(([-1] if go else []) + list(range(5, MONTHS, 6)))
    if shapes == "scalars":
        h, x, w, launch, terminal, rate = gen.uniform(0, 0.02, (1, MONTHS)), 5.0, 1.0, 9, 40.0, 0.1
    else:
        h = gen.uniform(0, 0.02, (PATHS, MONTHS))
        x, w, terminal = per_path(0, 20), per_path(0, 5), rng.uniform(-50, 300, PATHS)
        launch, rate = np.rint(per_path(0, 20)), per_path(0.05, 0.2)
    start = 3
    got = abandonment(cash, h, x, rate, dates, terminal, launch, start, w)
    want = abandonment_numpy(
        cash, h, discount_factors(rate, MONTHS), x, w, launch, terminal, start, dates
    )
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    # what moved: paths that stop early, run to the horizon, and (with a go) do not start
    assert ((got[1] >= 0) & (got[1] < MONTHS - 1)).any() and (got[1] == MONTHS - 1).any()
    assert (got[1] == -1).any() == go
