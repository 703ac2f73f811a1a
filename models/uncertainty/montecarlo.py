"""The Monte Carlo run: every uncertain input drawn, events drawn, in bounded memory.

:func:`run` draws ``n_paths`` joint values of the uncertain inputs
(:attr:`models.inputs.params.Parameters.distributions`, Latin hypercube or plain Monte Carlo,
rank-correlated by Iman-Conover; :mod:`models.uncertainty.sampling`; above
:data:`SAMPLE_BLOCK` paths, in blocks of about equal size, each a hypercube of its own, so
that :func:`path_npv` holds one block's draws at a time), then simulates the paths in
chunks of :data:`CHUNK` with events drawn from common random numbers
(:mod:`models.economics.events`) and keeps, per path, only what the decision needs: the NPV of each
mode under its exit policy and run to the horizon, the peak funding, the months of a
forced exit or of leaving by choice, and a few event flags. Monthly arrays are kept for
the first :data:`FAN_PATHS` paths only (fan charts), as ``float32``; means over all
paths are accumulated exactly. Monthly arrays therefore stay bounded whatever
``n_paths`` is (one chunk's per thread); what grows is about 1 KB per path of drawn
inputs and per-path outcomes.

Reproducibility: inputs come from the stream ``inputs`` of ``seed`` (``inputs/<k>`` for
input block ``k`` after the first) and events from the streams ``events/<block>``, so the
same parameters give the same result bit for bit, and path ``i``'s events do not depend
on how many paths are run.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from models._heap import give_back
from models._rng import stream
from models.economics import events, finance, reuse
from models.economics.modes import MODES
from models.economics.results import LINE_ITEMS, add_flags, discount_rate
from models.economics.simulation import each_mode, exit_problems
from models.economics.simulation import path_npv as path_values
from models.exceptions import ParameterError
from models.inputs.path_count import check_paths
from models.uncertainty import sampling

log = logging.getLogger(__name__)

#: Paths simulated at once: one block of uniforms. At the 15-year horizon a chunk's
#: monthly arrays (five modes, the staged entry's four services among them) hold about
#: 0.45 GB per thread at this size. Measured on 100,000 paths (issue 25, two runs
#: each, fresh processes): 1,024 paths peaked at 1.53-1.60 GB in 29.8-30.7 s, 2,048 at
#: 2.44-2.61 GB in 29.3-30.2 s, 512 at 1.13 GB in 35.3 s. The paths do not depend on
#: the chunking (named streams per block), so neither does any per-path result; sums
#: over the paths (mean cash flow, lines' present values) are added chunk by chunk, so
#: they move in the last bits with it (at most 1.8e-12 US$ m between 2,048 and 1,024).
CHUNK = events.BLOCK

#: Threads that simulate chunks side by side (numpy releases the GIL in its loops).
WORKERS = min(2, os.cpu_count() or 1)

#: Paths whose monthly subscribers and cumulative cash are kept for the fan charts.
FAN_PATHS = 10_000

#: Fewest paths in a chunk split so that each thread has one (:func:`split`). Measured
#: under ``adaptive`` on this 2-core machine (issue 25, medians): ``path_npv`` of 256,
#: 500 and 1,000 paths took 113, 195 and 427 ms in one chunk against 103, 139 and 235 ms
#: split in two; the fit of 1,000 training paths 871 against 741 ms. At 128 paths a
#: chunk the second thread barely pays for a chunk's fixed cost (its terms and bases,
#: each mode's Python between the compiled passes); under ``fixed``, at a few hundred
#: paths, splitting gained nothing measurable.
MIN_SPLIT = 128


def split(first: int, end: int, threads: int) -> list[tuple[int, int]]:
    """Paths ``first .. end - 1`` in chunks of at most :data:`CHUNK`, and so that each of
    ``threads`` threads has one where there are fewer paths than ``threads`` chunks
    (every chunk but the last of at least :data:`MIN_SPLIT` paths), as ``(first, end)``
    pairs.

    A what-if position's 1,000 training paths and 500 futures were one chunk each, on
    one thread (issue 25). The paths do not depend on the chunking (named streams per
    block of :data:`models.economics.events.BLOCK`), and a path is valued on its own
    inputs (``tests/economics/test_simulation.py``), so neither does any per-path result.

    >>> split(0, 1000, 2), split(0, 3000, 2)[-1], split(0, 200, 2)
    ([(0, 500), (500, 1000)], (2048, 3000), [(0, 200)])
    """
    n = end - first
    pieces = max(1, min(threads, n // MIN_SPLIT))
    size = min(CHUNK, -(-n // pieces))
    return [(a, min(a + size, end)) for a in range(first, end, size)]


@dataclass(frozen=True)
class MonteCarlo:
    """What a Monte Carlo run keeps: per-path outcomes of every mode, and fan arrays.

    Attributes
    ----------
    params : Parameters
        The validated parameters (the deterministic values and the distributions).
    draws : pandas.DataFrame
        The drawn inputs, one row per path, one column per uncertain input (their units).
    npv : pandas.DataFrame
        NPV of each mode (columns) on each path (rows) under its exit policy, US$ m.
    npv_committed : pandas.DataFrame
        NPV if the mode is run to the horizon whatever happens (forced exits only), US$ m.
    npv_adaptive, npv_foresight : pandas.DataFrame
        NPV under the review rule (fitted on separate training paths) and with
        foresight (the best review to leave at, knowing the path's future), US$ m
        (:mod:`models.economics.reviews`). ``npv`` is one of the three (or the fixed
        plan), as ``decision_rule`` says.
    npv_simple : pandas.DataFrame
        NPV under the simple rule a manager would use, fitted on the same training
        paths: the same go decision, then leave at the first review after launch below
        a subscriber threshold (an own service) or switch at a fixed date (a staged
        entry); NaN for a mode without one.
    rules : dict of str to models.economics.reviews.ExitRule
        The review rule of each mode, fitted on the training paths (the staged entry's
        is a :class:`models.economics.modes.staged.SwitchRule`).
    switch_months : pandas.DataFrame
        Per mode that may switch to an own service (the staged entry; one column
        each): the month at whose end it switches (NaN: never). :attr:`switch_month`
        is the first such mode's.
    peak_funding : pandas.DataFrame
        Largest cumulative cash deficit under the exit policy, US$ m (0 if never negative).
    forced_exit_month : pandas.DataFrame
        Month (0-based) at whose end the regulator forced the mode out; NaN if never.
    leave_month : pandas.DataFrame
        Last month operated before leaving by choice; NaN if the mode stays (or is
        forced out first).
    flags : pandas.DataFrame
        Per-path event summaries, drawn whatever any mode's exit policy:
        ``partner_distress`` (1 if the partner's distress event falls within the horizon
        after the partner's launch), ``crackdowns`` (content crackdowns within the
        horizon), ``solo_dark_months`` (months with any dark time while solo runs).
    subscribers_end : pandas.DataFrame
        Subscribers in the last month (0 once out), millions.
    launched : pandas.DataFrame
        1 where the mode reached its launch under the decision rule on the path (a
        service signed subscribers; another mode started), else 0.
    fan_subscribers, fan_cash : dict of str to ndarray (kept paths, months), float32
        Subscribers (millions) and cumulative cash (US$ m) of the first
        :data:`FAN_PATHS` paths, per mode.
    mean_cash_flow : pandas.DataFrame
        Mean monthly cash flow over all paths (rows: months; columns: modes), US$ m.
    pv_lines : pandas.DataFrame
        Mean present value of each cash-flow line (columns) per mode (rows), US$ m.
    seconds : float
        Wall time of the run.
    """

    params: Any
    draws: pd.DataFrame = field(repr=False)
    npv: pd.DataFrame = field(repr=False)
    npv_committed: pd.DataFrame = field(repr=False)
    npv_adaptive: pd.DataFrame = field(repr=False)
    npv_foresight: pd.DataFrame = field(repr=False)
    npv_simple: pd.DataFrame = field(repr=False)
    rules: dict[str, Any] = field(repr=False)
    switch_months: pd.DataFrame = field(repr=False)
    peak_funding: pd.DataFrame = field(repr=False)
    forced_exit_month: pd.DataFrame = field(repr=False)
    leave_month: pd.DataFrame = field(repr=False)
    flags: pd.DataFrame = field(repr=False)
    subscribers_end: pd.DataFrame = field(repr=False)
    launched: pd.DataFrame = field(repr=False)
    fan_subscribers: dict[str, np.ndarray] = field(repr=False)
    fan_cash: dict[str, np.ndarray] = field(repr=False)
    mean_cash_flow: pd.DataFrame = field(repr=False)
    pv_lines: pd.DataFrame = field(repr=False)
    seconds: float = 0.0

    @property
    def switch_month(self) -> pd.Series:
        """The first mode that may switch: its month of switching per path (NaN: never;
        all NaN without such a mode)."""
        if self.switch_months.shape[1]:
            return self.switch_months.iloc[:, 0].rename("switch_month")
        return pd.Series(np.nan, index=self.npv.index, name="switch_month")

    @property
    def n_paths(self) -> int:
        """Number of paths."""
        return len(self.npv)

    @property
    def months(self) -> int:
        """Number of months simulated."""
        return len(self.mean_cash_flow)

    @cached_property
    def dates(self) -> pd.PeriodIndex:
        """Calendar month of each step."""
        return pd.period_range(f"{self.params.start_year}-01", periods=self.months, freq="M")

    @property
    def inputs(self) -> pd.DataFrame:
        """Drawn inputs and event flags side by side, one row per path (for EVPPI)."""
        return pd.concat([self.draws.reset_index(drop=True), self.flags], axis=1)

    def to_df(self, paths: slice | None = None) -> pd.DataFrame:
        """Per-path outcomes, tidy: one row per path and mode (US$ m, months, millions).

        Columns: ``path``, ``mode``, ``npv_usd_m`` (under the decision rule),
        ``npv_committed_usd_m`` (run to the horizon), ``npv_adaptive_usd_m``,
        ``npv_foresight_usd_m``, ``peak_funding_usd_m``,
        ``forced_exit_month`` and ``leave_month`` (NaN if none), ``subscribers_end_m``.
        ``paths``: the rows of those paths only (a slice of positions), so that a
        writer can go a block of paths at a time.
        """
        rows = slice(None) if paths is None else paths
        frames = {
            "npv_usd_m": self.npv.iloc[rows],
            "npv_committed_usd_m": self.npv_committed.iloc[rows],
            "npv_adaptive_usd_m": self.npv_adaptive.iloc[rows],
            "npv_foresight_usd_m": self.npv_foresight.iloc[rows],
            "peak_funding_usd_m": self.peak_funding.iloc[rows],
            "forced_exit_month": self.forced_exit_month.iloc[rows],
            "leave_month": self.leave_month.iloc[rows],
            "subscribers_end_m": self.subscribers_end.iloc[rows],
        }
        long = {k: v.stack() for k, v in frames.items()}  # noqa: PD013 (keeps NaN)
        out = pd.DataFrame(long).rename_axis(["path", "mode"]).reset_index()
        out["mode"] = pd.Categorical(out["mode"], categories=list(self.npv.columns))
        return out


def run(
    params,
    n_paths: int | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    rules: dict[str, Any] | None = None,
    moved: Mapping[str, Callable[[np.ndarray], np.ndarray]] | None = None,
) -> MonteCarlo:
    """Simulate ``n_paths`` paths (default ``params.n_paths``) with drawn inputs and events.

    Parameters
    ----------
    params : Parameters
        Validated parameters; their ``distributions`` are sampled, ``seed``,
        ``sampling_method`` and ``correlations`` control the sample.
    n_paths : int, optional
        Number of paths; defaults to the ``n_paths`` parameter.
    progress : callable, optional
        Called as ``progress(done, total)`` after each chunk (e.g. to drive a bar);
        progress is also logged at INFO level.
    rules : dict, optional
        Review rules fitted earlier by :func:`fit_rules` (``MonteCarlo.rules`` of
        another run) to apply instead of fitting them here (about 1.3 s). A rule is a
        function of what a review observes, so one fitted under other parameters is
        still a policy without foresight, only perhaps not the best one for these: the
        what-if panel (:mod:`models.analysis.whatif`) reuses the report's rules this way.
        They must come from parameters with the same horizon, reviews and staged-entry
        switch dates.
    moved : mapping of str to callable, optional
        Uncertain inputs moved on every path, the same futures otherwise: each drawn
        column (reported and training paths) is replaced by the function of it (the
        model checks: "a quarter more payers", on common random numbers).

    Returns
    -------
    MonteCarlo
    """
    n = check_paths(params.n_paths if n_paths is None else n_paths)
    started = time.perf_counter()
    rules = fit_rules(params, moved) if rules is None else rules
    # what earlier sweep points or what-if positions kept serves nothing here: hand it
    # back before the paths' peak (up to 320 MB; models.economics.reuse)
    reuse.forget()
    give_back()  # what the training freed, before the paths' peak stacks on it
    draws = move(draw_inputs(params, n), moved)
    give_back()  # the sampler's working copies
    months = params.months
    modes = list(MODES.names())
    keep = min(n, FAN_PATHS)
    per_path = {key: np.full((n, len(modes)), np.nan) for key in _PER_PATH}
    flags: dict[str, np.ndarray] = {}
    switching = [m.name for m in MODES if m.may_run_service]
    switch = {m: np.full(n, np.nan) for m in switching}
    fan_s = {m: np.zeros((keep, months), dtype=np.float32) for m in modes}
    fan_c = {m: np.zeros((keep, months), dtype=np.float32) for m in modes}
    cash_sum = np.zeros((months, len(modes)))
    pv_sum = pd.DataFrame(0.0, index=modes, columns=list(LINE_ITEMS))
    workers = max(1, min(WORKERS, (n + CHUNK - 1) // CHUNK))
    log.info(
        "Monte Carlo: %d paths x %d months x %d modes on %d threads",
        n,
        months,
        len(modes),
        workers,
    )
    starts = range(0, n, CHUNK)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = pool.map(lambda a: _chunk(params, draws, a, min(a + CHUNK, n), keep, rules), starts)
        for a, part in zip(starts, parts, strict=True):
            b = min(a + CHUNK, n)
            for key in _PER_PATH:
                per_path[key][a:b] = part[key]
            for key, values in part["flags"].items():
                flags.setdefault(key, np.zeros(n))[a:b] = values
            for mode in switching:
                switch[mode][a:b] = part["switch"][mode]
            cash_sum += part["cash_sum"]
            pv_sum += part["pv_sum"]
            if a < keep:
                stop = min(b, keep)
                for mode in modes:
                    fan_s[mode][a:stop] = part["fan_s"][mode]
                    fan_c[mode][a:stop] = part["fan_c"][mode]
            log.info("Monte Carlo: %d of %d paths", b, n)
            if progress is not None:
                progress(b, n)

    def frame(key: str) -> pd.DataFrame:
        return pd.DataFrame(per_path[key], columns=modes, index=pd.RangeIndex(n, name="path"))

    give_back()  # the chunks' monthly arrays
    seconds = time.perf_counter() - started
    log.info("Monte Carlo: %d paths in %.1f s", n, seconds)
    return MonteCarlo(
        params=params,
        draws=draws,
        npv=frame("npv"),
        npv_committed=frame("committed"),
        npv_adaptive=frame("adaptive"),
        npv_foresight=frame("foresight"),
        npv_simple=frame("simple"),
        rules=rules,
        switch_months=pd.DataFrame(switch, index=pd.RangeIndex(n, name="path")),
        peak_funding=frame("peak"),
        forced_exit_month=frame("exit"),
        leave_month=frame("leave"),
        flags=pd.DataFrame(flags, index=pd.RangeIndex(n, name="path")),
        subscribers_end=frame("subs"),
        launched=frame("launched"),
        fan_subscribers=fan_s,
        fan_cash=fan_c,
        mean_cash_flow=pd.DataFrame(cash_sum / n, columns=modes),
        pv_lines=pv_sum / n,
        seconds=seconds,
    )


def path_npv(
    params, n_paths: int | None = None, rules: dict[str, Any] | None = None, threads: int = 1
) -> pd.DataFrame:
    """The NPV of each path and mode under the ``decision_rule``, US$ m: :attr:`MonteCarlo.npv`
    of :func:`run` with the same arguments (to rounding; a test holds it to 1e-9),
    without the rest of the run.

    What a sweep keeps of each point (:mod:`models.analysis.sweep`): under ``fixed`` it
    needs no review rules and costs about a third of :func:`run`
    (:func:`models.economics.simulation.path_npv`); under ``adaptive`` the rules are
    fitted here unless given. Memory is bounded whatever the paths: the inputs are
    drawn one block at a time (:func:`draw_block`), each chunk's modes are built one at a
    time and reduced to their NPVs, and what grows is the NPVs (40 bytes a path).

    Parameters
    ----------
    params : Parameters
        Validated parameters.
    n_paths : int, optional
        Number of paths; defaults to the ``n_paths`` parameter.
    rules : dict, optional
        Review rules from :func:`fit_rules` (used under ``adaptive`` only).
    threads : int
        Chunks simulated side by side (numpy and the compiled loops release the GIL);
        a sweep's worker, one of a core's, keeps the default 1.

    Returns
    -------
    DataFrame
        One row per path (index ``path``), one column per entry mode.
    """
    n = check_paths(params.n_paths if n_paths is None else n_paths)
    if params.decision_rule != "fixed" and rules is None:
        rules = fit_rules(params)
    modes = list(MODES.names())
    out = np.empty((n, len(modes)))

    def one(draws: pd.DataFrame, a: int, b: int, first: int) -> None:
        u = events.uniforms(params.seed, a, b - a, params.months)
        chunk = draws.iloc[a - first : b - first] if draws.shape[1] else None
        values = path_values(params, chunk, u, rules)
        for j, mode in enumerate(modes):
            out[a:b, j] = values[mode]

    for k, (first, end) in enumerate(sample_blocks(n)):
        draws = draw_block(params, n, k)
        chunks = [(draws, a, b, first) for a, b in split(first, end, threads)]
        if threads > 1 and len(chunks) > 1:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                list(pool.map(lambda c: one(*c), chunks))  # raises what a chunk raised
        else:  # a sweep point: no thread to start
            for chunk in chunks:
                one(*chunk)
        del draws, chunks
    return pd.DataFrame(out, columns=modes, index=pd.RangeIndex(n, name="path"))


_PER_PATH = (
    "npv",
    "committed",
    "adaptive",
    "foresight",
    "simple",
    "peak",
    "exit",
    "leave",
    "subs",
    "launched",
)


def fit_rules(
    params, moved: Mapping[str, Callable[[np.ndarray], np.ndarray]] | None = None
) -> dict[str, Any]:
    """Fit each mode's review rule on ``decision_training_paths`` training paths.

    The training paths are drawn like the reported ones but from their own streams
    (``training/inputs`` and ``training/events/<block>`` of ``seed``), so the rules are
    applied to paths they have never seen and the values carry no foresight
    (:mod:`models.economics.reviews`). Their number does not grow with ``n_paths``.
    They are simulated in chunks, keeping only each mode's exit problem (a few numbers
    per path and review), so memory stays bounded; each mode's are joined and its rules
    fitted, one mode after another, and the chunks' copies let go but for a mode whose
    next stage reads them (:attr:`~models.economics.modes.base.EntryMode.trains_on_previous`;
    they go with the stage after). A mode fits in as many
    passes as it needs (:meth:`models.economics.modes.base.EntryMode.training`): one
    for an own service or a licence; two for the staged entry, whose switch is valued
    with the rules of the services it would start (:mod:`models.economics.modes.staged`),
    on those services' exit problems of the first pass, kept for it, instead of building
    the services again: the same switch problem, bit for bit, and most of the time saved
    (issue 25: 2.28 to 1.61 s at 4,096 training paths and 4.40 to 2.94 s at 8,000, with
    the fits' loops compiled, :mod:`models.economics.lsm`).
    """
    n = int(params.decision_training_paths)
    started = time.perf_counter()
    draws = move(draw_inputs(params, n, name="training/inputs"), moved)
    # each thread a chunk: the rules are fitted on the chunks' exit problems joined in
    # order, the same whatever the chunking
    chunks = split(0, n, WORKERS)

    def problems(a: int, b: int, fitted: dict[str, Any], previous: dict | None) -> dict:
        u = events.uniforms(params.seed, a, b - a, params.months, name="training/events")
        chunk = draws.iloc[a:b] if draws.shape[1] else None
        return exit_problems(params, chunk, u, fitted, previous)

    rules: dict[str, Any] = {}
    pending: dict[str, Any] = dict.fromkeys(MODES.names())
    # each chunk's problems of the stage before, for a mode whose next stage reads them
    # (a staged entry values its switch on its services' problems)
    parts: list[dict] = [{} for _ in chunks]
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(chunks))) as pool:
        while pending:
            stage = dict(pending)
            parts = list(pool.map(lambda c, p, f=stage: problems(*c, f, p), chunks, parts))
            for name in list(pending):
                mode = MODES[name]
                if parts[0][name] is None:  # complete
                    if pending[name] is not None:
                        rules[name] = pending[name]
                    del pending[name]
                    continue
                joined = mode.join([part[name] for part in parts])
                if not mode.trains_on_previous:  # its chunks' copies go once joined
                    for part in parts:
                        part[name] = None
                # one mode at a time: two side by side held two modes' problems at once,
                # 2.34 GB at 32,000 training paths against 2.19 GB
                pending[name] = mode.fit(joined, pending[name])
                del joined
    log.info("review rules fitted on %d training paths in %.1f s", n, time.perf_counter() - started)
    return rules


def _chunk(
    params, draws: pd.DataFrame, a: int, b: int, keep: int, rules: dict[str, Any]
) -> dict[str, Any]:
    """Simulate paths ``a .. b - 1`` and reduce them to what :class:`MonteCarlo` keeps."""
    months = params.months
    modes = list(MODES.names())
    paths = b - a
    u = events.uniforms(params.seed, a, paths, months)
    chunk = draws.iloc[a:b] if draws.shape[1] else None
    rate = discount_rate(params, chunk)
    df = np.broadcast_to(finance.discount_factors(rate, months), (paths, months))
    out: dict[str, Any] = {key: np.full((paths, len(modes)), np.nan) for key in _PER_PATH}
    out["cash_sum"] = np.zeros((months, len(modes)))
    out["pv_sum"] = pd.DataFrame(0.0, index=modes, columns=list(LINE_ITEMS))
    out["fan_s"], out["fan_c"] = {}, {}
    stop = max(0, min(b, keep) - a)
    out["flags"], out["switch"] = {}, {}
    # one mode at a time, each reduced before the next is built (issue 25)
    for j, (entry, r) in enumerate(each_mode(params, chunk, u, rules=rules)):
        mode = entry.name
        cf = r.cash_flow
        out["npv"][:, j] = finance.npv(cf, rate)
        values = r.decision_values or {}
        if "committed" in values:  # the same number, without building the lines
            out["committed"][:, j] = values["committed"]
        else:
            out["committed"][:, j] = finance.npv(r.committed_cash_flow, rate)
        for rule in ("adaptive", "foresight"):
            out[rule][:, j] = values.get(rule, out["committed"][:, j])
        # the simple rule a manager would use, where the mode has one (NaN elsewhere)
        out["simple"][:, j] = values.get("simple", np.nan)
        cum = np.cumsum(cf, axis=1)
        out["peak"][:, j] = np.maximum(-np.min(cum, axis=1), 0.0)
        ops = np.broadcast_to(r.operating, cf.shape)
        forced = np.broadcast_to(r.forced_exit, (paths,)) > 0.5
        # the last month it ran (a staged entry's legs overlap, so not the count)
        last_running = months - 1.0 - np.argmax(ops[:, ::-1] > 0, axis=1)
        out["exit"][:, j] = np.where(forced, last_running, np.nan)
        last = np.broadcast_to(r.last_month, (paths,))
        out["leave"][:, j] = np.where(~forced & (last < months - 1), last, np.nan)
        subs = r.subscribers_m * ops
        out["subs"][:, j] = subs[:, -1]
        if entry.runs_service or entry.may_run_service:
            out["launched"][:, j] = (subs > 0).any(axis=1)
        else:  # a licence or the baseline: launched unless it did not start
            out["launched"][:, j] = last >= 0
        out["cash_sum"][:, j] = cf.sum(axis=0)
        weight = ops * df
        for k, v in r.conditional.items():
            if v.size > 1:
                out["pv_sum"].loc[mode, k] = np.einsum(
                    "pt,pt->", np.broadcast_to(v, cf.shape), weight
                )
            elif v.any():  # a constant line (a pinned input): the same every month
                out["pv_sum"].loc[mode, k] = float(v.ravel()[0]) * float(weight.sum())
        for k in ("exit_costs", "continuing_value"):
            out["pv_sum"].loc[mode, k] = np.einsum(
                "pt,pt->", np.broadcast_to(getattr(r, k), cf.shape), df
            )
        if stop:
            out["fan_s"][mode] = subs[:stop].astype(np.float32)
            out["fan_c"][mode] = cum[:stop].astype(np.float32)
        add_flags(out["flags"], entry, r)  # as Results.event_flags
        if entry.may_run_service:  # it may switch to a service of its own
            out["switch"][mode] = (
                np.full(paths, np.nan)
                if r.switch_month is None
                else np.broadcast_to(r.switch_month, (paths,))
            )
        del r, cf, cum, ops, subs
    return out


def move(
    draws: pd.DataFrame, moved: Mapping[str, Callable[[np.ndarray], np.ndarray]] | None
) -> pd.DataFrame:
    """``draws`` with some drawn columns replaced by a function of themselves.

    Raises
    ------
    ParameterError
        If a moved input is not drawn (a fixed input is moved with ``params.replace``).
    """
    if not moved:
        return draws
    missing = [name for name in moved if name not in draws.columns]
    if missing:
        raise ParameterError(
            f"moved input {missing[0]}: it is not drawn in this run; expected one of "
            f"{', '.join(draws.columns)}"
        )
    out = draws.copy()
    for name, fn in moved.items():
        out[name] = fn(out[name].to_numpy(dtype=float))
    return out


#: Most paths drawn in one Latin hypercube. A run of more paths draws its inputs in
#: blocks of about equal size and at most this many paths, each a Latin hypercube of
#: its own (with the correlations imposed within it) from the stream ``<name>/<block>``
#: (block 0: ``<name>``), so that a run that keeps only a few numbers per path holds
#: one block's draws at a time, not all of them (:func:`path_npv`; at 2,000,000 paths
#: of 56 inputs all the draws are 0.9 GB, and the sampler's working copies took the
#: peak to 1.5 GB; issue 25). A run of at most this many paths is one block: its draws
#: are what they were before blocks existed, bit for bit. 100,000 is 20 times the
#: default ``n_paths``; a block of 56 inputs is 45 MB.
SAMPLE_BLOCK = 100_000


def sample_blocks(n: int) -> list[tuple[int, int]]:
    """The blocks of a run of ``n`` paths whose inputs are drawn together, as
    ``(first path, end)`` pairs: one block up to :data:`SAMPLE_BLOCK` paths, else as
    few blocks of about equal size as hold at most :data:`SAMPLE_BLOCK` paths each
    and, all but the last, a whole number of event blocks
    (:data:`models.economics.events.BLOCK`), so that no chunk of paths straddles two."""
    if n <= SAMPLE_BLOCK:
        return [(0, n)]
    whole = max(events.BLOCK, SAMPLE_BLOCK // events.BLOCK * events.BLOCK)
    count = -(-n // whole)
    even = -(-n // count)  # at most whole
    size = -(-even // events.BLOCK) * events.BLOCK  # whole event blocks, at most whole
    return [(a, min(a + size, n)) for a in range(0, n, size)]


def draw_block(params, n: int, block: int, name: str = "inputs") -> pd.DataFrame:
    """The uncertain inputs of block ``block`` of a run of ``n`` paths
    (:func:`sample_blocks`), indexed by path (one column each; none if nothing is
    uncertain), from the stream ``name`` of the seed (block 0) or ``name/block``."""
    dists = params.distributions
    pairs = list(params.correlations) or None
    linked = {x for p, q, _ in pairs or () for x in (p, q)}
    a, b = sample_blocks(n)[block]
    if pairs and b - a <= len(linked):
        where = "" if b - a == n else f" ({b - a} of them in input block {block})"
        raise ParameterError(
            f"parameter n_paths={n}{where}: too few paths to impose the correlations on "
            f"{len(linked)} correlated inputs (Iman-Conover reorders them); expected more "
            f"than {len(linked)} paths, or correlations: [] to sample them independently"
        )
    frame = sampling.sample(
        dists,
        b - a,
        seed=stream(params.seed, name if block == 0 else f"{name}/{block}"),
        method=params.sampling_method,
        correlation=pairs if dists else None,
    )
    if a:
        frame.index = pd.RangeIndex(a, b, name="path")
    return frame


def draw_inputs(params, n: int, name: str = "inputs") -> pd.DataFrame:
    """The uncertain inputs of ``n`` paths (one column each; none if nothing is uncertain),
    from the stream ``name`` of the seed, drawn block by block (:func:`draw_block`)."""
    blocks = sample_blocks(n)
    if len(blocks) == 1:
        return draw_block(params, n, 0, name)
    if not params.distributions:  # nothing uncertain: no column, a row per path
        return pd.DataFrame(index=pd.RangeIndex(n, name="path"))
    x = None
    for k, (a, b) in enumerate(blocks):
        frame = draw_block(params, n, k, name)
        if x is None:
            columns = frame.columns
            x = np.empty((n, len(columns)))
        x[a:b] = frame.to_numpy()
        del frame
    return pd.DataFrame(x, columns=columns, index=pd.RangeIndex(n, name="path"), copy=False)
