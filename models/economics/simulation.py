"""The simulation: every registered entry mode, month by month, from one parameter set.

The modes are objects (:mod:`models.economics.modes`; docs/design.md, "Entry modes"):
solo, partner, licensing, the staged entry and staying out, in the registry's order.
This module is the engine's door: it turns the validated parameters (and, in the Monte
Carlo run, one row of drawn inputs per path) into per-path values
(:class:`models.economics.terms.PathValues`), hands each mode the typed terms it reads,
and collects what the modes build.

Each mode is valued with the option to leave by choice, from its launch on, once staying
would lose more than leaving (:mod:`models.economics.modes.policy`): its lines, charts
and NPV follow that policy, and modes are ranked on it. The NPV of running the mode to
the horizon whatever happens is kept alongside.

Without events, this is the deterministic engine: inputs at their mode (or at the
values of ``draws``), events in expectation (:mod:`models.economics.events`). With
``uniforms`` (common random numbers), every path gets its own forced exit, suspensions,
content crackdowns and partner distress, and each mode is valued committed, under the
review rule and with foresight (:mod:`models.economics.reviews`). Arrays are shaped
(paths, months). The Monte Carlo driver, which chunks the paths and keeps only what the
report needs, is :mod:`models.uncertainty.montecarlo`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pandas as pd

from models._arrays import FloatArray
from models.economics import events, finance, reuse
from models.economics.modes import MODES
from models.economics.modes.policy import Decision
from models.economics.results import ModeResult, Results, discount_rate
from models.economics.terms import PathValues

log = logging.getLogger(__name__)


def simulate(
    params,
    draws: pd.DataFrame | None = None,
    uniforms: events.Uniforms | None = None,
    rules: dict[str, Any] | None = None,
    threads: int = 1,
    started: bool = False,
) -> Results:
    """Run every entry mode and return their :class:`~models.economics.results.Results`.

    Parameters
    ----------
    params : Parameters
        A validated parameter object (:func:`models.inputs.params.validate`).
    draws : DataFrame, optional
        One row per path, one column per uncertain parameter: values that replace the
        parameter's value on that path (integers are rounded). Without draws, one path
        with every input at its value.
    uniforms : events.Uniforms, optional
        Common random numbers, one row per path (:func:`models.economics.events.uniforms`): events
        are drawn from them, and each mode is valued committed, under the review rule
        and with foresight (:mod:`models.economics.reviews`). Without them, events are
        in expectation and the exit plan is the one made at the decision date.
    rules : dict of str to fitted rules, optional
        Review rules fitted on other paths (:func:`models.uncertainty.montecarlo.fit_rules`),
        per mode. Without them, drawn paths are valued by rules cross-fitted on the
        paths themselves (each half by the rule of the other).
    threads : int
        Build the modes side by side on this many threads (numpy releases the GIL in
        its loops); the Monte Carlo run's chunks are threaded already.
    started : bool
        Take every mode as started now: no go decision on its clock (the value of
        starting, which may be negative; the drivers compare modes on it). By default
        a mode not worth starting is not started (value 0).
    """
    run = _builder(params, draws, uniforms, rules, started)
    modes = list(MODES)
    order = sorted(modes, key=lambda m: -m.cost)  # the longest first
    if threads > 1:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            built = dict(zip([m.name for m in order], pool.map(run, order), strict=True))
    else:
        built = {mode.name: run(mode) for mode in order}
    return Results(
        params=params,
        modes={m.name: built[m.name] for m in modes},
        draws=draws,
        entry_modes={m.name: m for m in modes},
    )


def each_mode(
    params,
    draws: pd.DataFrame | None = None,
    uniforms: events.Uniforms | None = None,
    rules: dict[str, Any] | None = None,
    started: bool = False,
) -> Iterator[tuple[Any, ModeResult]]:
    """The modes of :func:`simulate` built one at a time, in the registry's order, as
    ``(entry mode, result)`` pairs (the same results, bit for bit): a caller that reduces
    each result before the next is built holds one mode's monthly arrays at a time,
    not five (the Monte Carlo chunk, :func:`models.uncertainty.montecarlo.run`; the
    drivers' NPVs, :func:`models.analysis.drivers.npv_by_mode`)."""
    run = _builder(params, draws, uniforms, rules, started)
    for mode in MODES:
        yield mode, run(mode)


def _builder(params, draws, uniforms, rules, started) -> Callable[[Any], ModeResult]:
    """What builds one mode of :func:`simulate` (its arguments), on values shared by
    all the modes of the run (:meth:`models.economics.terms.Terms.shared`)."""
    values = _values(params, draws, uniforms)
    values.go = not started
    log.info(
        "simulating %d modes over %d months and %d paths",
        len(MODES),
        values.months,
        values.paths,
    )

    def run(mode) -> ModeResult:
        terms = mode.terms(values)
        if uniforms is None:
            return mode.build(terms)
        fixed = params.decision_rule == "fixed"
        how = Decision(
            rule=params.decision_rule,
            plan=mode.fixed_plan(terms, mode.terms(values.scenario())) if fixed else None,
            fitted=None if rules is None else rules.get(mode.name),
        )
        return mode.build(terms, uniforms, how)

    return run


def path_npv(
    params,
    draws: pd.DataFrame | None,
    uniforms: events.Uniforms,
    rules: dict[str, Any] | None = None,
) -> dict[str, FloatArray]:
    """NPV of each drawn path under the ``decision_rule``, per mode, US$ m: the ``npv``
    of :func:`models.uncertainty.montecarlo.run`, built with nothing else.

    Under ``fixed`` no path is valued under the other rules (no review problems, no
    rules needed) and a staged entry builds its service only on the paths that switch
    (:meth:`models.economics.modes.base.EntryMode.npv_fixed`), which makes a sweep point
    about three times cheaper; and a mode none of whose inputs changed since an earlier
    call on the same futures is served from it (:mod:`models.economics.reuse`: a sweep
    of a partner's terms values licensing once per worker). Under ``adaptive`` every
    path must be valued anyway, so this is :func:`simulate` with ``rules`` (fitted on
    the training paths, or cross-fitted without them), one mode at a time
    (:func:`each_mode`), reduced to the NPVs.
    """
    if params.decision_rule != "fixed":
        rate = discount_rate(params, draws)
        return {
            mode.name: finance.npv(r.cash_flow, rate)
            for mode, r in each_mode(params, draws, uniforms, rules)
        }
    values = _values(params, draws, uniforms, recording=True)

    def fixed_npv(mode) -> FloatArray:
        terms = mode.terms(values)
        plan = mode.fixed_plan(terms, mode.terms(values.scenario()))
        return mode.npv_fixed(terms, uniforms, plan)

    return {
        mode.name: reuse.NPV.evaluate(
            mode.name, values, uniforms, lambda m=mode: fixed_npv(m), key=reuse.Same(mode)
        )
        for mode in MODES
    }


def exit_problems(
    params,
    draws: pd.DataFrame | None,
    uniforms: events.Uniforms,
    fitted: dict[str, Any] | None = None,
    previous: dict[str, dict | None] | None = None,
) -> dict[str, dict | None]:
    """The exit problems of drawn training paths still to fit, per mode
    (:meth:`models.economics.modes.base.EntryMode.training`): nothing else is built.

    ``fitted`` maps the modes still in training to what each has fitted so far (None:
    nothing yet); without it, every mode, nothing fitted. A mode whose rules are
    complete gives None. The problems of successive chunks of training paths are
    joined by the mode's :meth:`~models.economics.modes.base.EntryMode.join` (a staged
    entry's services' by its ``fit``, one at a time) and fitted
    (:func:`models.uncertainty.montecarlo.fit_rules`). ``previous`` maps a mode to what
    this gave for it on the same paths at the stage before, where the mode reads it
    (:attr:`~models.economics.modes.base.EntryMode.trains_on_previous`: a staged entry
    values its switch on its services' problems instead of building them again); None
    or a missing mode: nothing.
    """
    values = _values(params, draws, uniforms)
    if fitted is None:
        fitted = dict.fromkeys(MODES.names())
    return {
        name: MODES[name].training(
            MODES[name].terms(values), uniforms, so_far, (previous or {}).get(name)
        )
        for name, so_far in fitted.items()
    }


def _values(params, draws, uniforms, recording: bool = False) -> PathValues:
    return PathValues(
        params,
        draws,
        None if uniforms is None else uniforms.paths,
        recording=recording,
        origin=None if uniforms is None else uniforms.origin,
    )
