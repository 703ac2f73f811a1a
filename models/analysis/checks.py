"""Model checks: relations the model must keep, tried on the values the report shows.

Internal consistency is not validity (docs/design.md, "Conventions"): each check moves
one thing a strategist has firm intuitions about, runs the Monte Carlo again on the
same futures (common random numbers: the same seed, the same draws of every other
input, the moved input shifted on every path), and compares each mode's mean value
**adaptive** (with its reviews, refitted on the moved futures), **committed** (run to
the horizon whatever happens) or **with foresight** (the best stop knowing the future),
per path, so that the comparison's standard error is
that of the paired differences. A relation holds when it holds within
:data:`SE_TOLERANCE` standard errors (issue 20).

A check in which nothing moved (the own services are not worth starting, before and
after: both values 0 on every path, and their committed values too) has tested
nothing: it is reported **uninformative**, not as holding. A check that holds on some
of the values it compares while others did not move (say licensing moved, and the own
services, never started, are worth 0 before and after) says which were not tested
(:attr:`Check.untested`), and on how many futures each tested value moved when not on
all: it has been tested on those values only.

Some relations hold for one kind of value only, and say so: a harsher regulator or a
later launch can raise the *committed* value of a service that loses money (forced out
sooner, it loses less), but never the value of a service free to stop (adaptive). The
identities between modes (a partner on neutral terms is solo; a staged entry that
cannot switch is licensing; staying out is worth nothing) are checked path by path.

The checks run :data:`CHECK_PATHS` futures each, with rules fitted on the report's
training paths up to :data:`CHECK_TRAINING` (about 2 s a check on two cores, one
check at a time: :func:`model_checks`).

Three invariants of the decisions come first, on the scenario's own futures: foresight
is never beaten on any path; deciding as one goes is worth at least the better of
committing and never starting, within two standard errors; and a mode that does not
start pays nothing.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from models._files import replaced
from models.economics.modes import MODES
from models.exceptions import OutputError
from models.format import money
from models.uncertainty import montecarlo

log = logging.getLogger(__name__)

#: Futures per Monte Carlo run of a check. Its review rules are refitted on the moved
#: futures with the report's own training paths (``decision_training_paths``) up to
#: :data:`CHECK_TRAINING`, so that the checks test the rule the report uses; the go
#: decision is estimated out of sample (:mod:`models.economics.reviews`), which keeps a
#: rule fitted on fewer paths from starting ventures that lose money.
CHECK_PATHS = 1000
CHECK_TRAINING = 4096

#: Futures of the demand check (a full simulation of each, lines and all).
DEMAND_PATHS = 300

#: Standard errors of the paired difference within which a relation still holds.
SE_TOLERANCE = 2.0

#: A difference below this (US$ m) on every path: the value did not move.
_STILL = 1e-9

#: Relative tolerance of an identity between modes (round-off in sums).
_SAME = 1e-6

#: Subscriber growth in the final year, above the market's, beyond which the final
#: year is not yet a steady state (percentage points a year; issue 20). Gordon's value
#: takes the final year as the first of a steady growth at ``finance_terminal_growth_year``:
#: a service still ramping up at the horizon is undervalued if it wins (its cash has
#: not caught up with its subscribers) and overvalued if it loses. Measured on the
#: most-likely case with a foreign-premium share of 0.4 against a yardstick of 300 titles
#: (services worth starting, as the model stood before issue 21 measured a catalogue
#: against a leader's), at the first horizon within 5 points the value is still 7-13 %
#: below its value at a horizon five years longer (solo 326 against 374, partner 498
#: against 533, the staged entry 379 against 415): the check catches a ramp-up, not the
#: slower drift of users that grow faster than ``finance_terminal_growth_year`` (issue
#: 21's saturating market).
STEADY_GAP = 0.05

#: Status words.
HOLDS, FAILS, UNINFORMATIVE = "holds", "FAILS", "uninformative"


@dataclass(frozen=True)
class Check:
    """One relation, checked on one scenario.

    Attributes
    ----------
    name : str
        Short name.
    rule : str
        The relation, as a strategist would state it.
    status : {"holds", "FAILS", "uninformative"}
        Whether the model keeps it, or whether nothing moved to test it.
    detail : str
        The numbers behind the verdict: mean values before and after, US$ m, with the
        standard error of the change (and the futures on which it moved, when not all).
    untested : str
        The values the relation compares that did not move, so that the verdict does not
        rest on them ("solo adaptive, partner adaptive"); empty when every one moved, or
        when none did (then the status is uninformative).
    """

    name: str
    rule: str
    status: str
    detail: str
    untested: str = ""

    @property
    def passed(self) -> bool:
        """Not failed (an uninformative check has not failed, nor passed: see
        :attr:`informative`)."""
        return self.status != FAILS

    @property
    def informative(self) -> bool:
        """Whether something moved, so that the check tested something."""
        return self.status != UNINFORMATIVE


@dataclass(frozen=True)
class Move:
    """What a check changes: inputs drawn on every path, moved by a function of their
    draws (``drawn``), and the others set to new values (``fixed``)."""

    drawn: dict[str, Callable[[np.ndarray], np.ndarray]] = field(default_factory=dict)
    fixed: dict[str, object] = field(default_factory=dict)


def _move(params, changes: dict[str, Callable[[float], float]]) -> Move:
    """Split ``changes`` (input -> function of its value) into inputs the run draws,
    moved path by path, and fixed inputs, set at the function of their value."""
    drawn = params.distributions
    out = Move()
    for name, fn in changes.items():
        if name in drawn:
            out.drawn[name] = np.vectorize(fn, otypes=[float])
        else:
            out.fixed[name] = fn(getattr(params, name))
    return out


def _size(params) -> tuple[int, int]:
    """Futures and training paths of a check's runs: :data:`CHECK_PATHS` and the
    report's training paths up to :data:`CHECK_TRAINING`, fewer for a quick run (a
    report of a few hundred futures has checks of as many, on four times as many
    training paths)."""
    n = int(params.n_paths)
    paths = min(CHECK_PATHS, max(n, 50))
    training = min(int(params.decision_training_paths), CHECK_TRAINING, max(1024, 4 * n))
    return paths, training


def _run(params, move: Move | None = None):
    paths, training = _size(params)
    p = params.replace(**move.fixed) if move and move.fixed else params
    p = p.replace(n_paths=paths, decision_training_paths=training)
    return montecarlo.run(p, moved=move.drawn if move else None)


def _compare(before, after, modes, rises: bool, kinds: tuple[str, ...]) -> tuple[str, str, str]:
    """Status, detail and untested values (:attr:`Check.untested`) of a monotone
    relation over ``modes`` and value ``kinds``."""
    failed, moved, parts, still = False, False, [], []
    for m in modes:
        bits = []
        for kind in kinds:
            frame = f"npv_{kind}"
            b = getattr(before, frame)[m].to_numpy()
            a = getattr(after, frame)[m].to_numpy()
            d = a - b
            se = float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else 0.0
            mean = float(d.mean())
            changed = int(np.count_nonzero(np.abs(d) > _STILL))
            if changed:
                moved = True
                bad = mean < -SE_TOLERANCE * se if rises else mean > SE_TOLERANCE * se
                failed |= bool(bad) and abs(mean) > _STILL
                on = "" if changed == len(d) else f"; moved on {changed:,} of {len(d):,} futures"
                bits.append(f"{kind} {money(b.mean())} to {money(a.mean())} (±{se:,.1f}{on})")
            else:  # this comparison tested nothing (say a service not started either way)
                bits.append(f"{kind} {money(b.mean())}, unmoved")
                still.append(f"{MODES.in_words(m)} {kind}")
        parts.append(f"{MODES.in_words(m)}: " + ", ".join(bits))
    status = FAILS if failed else (HOLDS if moved else UNINFORMATIVE)
    return status, "; ".join(parts), ", ".join(still) if moved else ""


@dataclass(frozen=True)
class Relation:
    """A monotone relation: after ``change``, the values of ``modes`` never fall
    (``rises``) or never rise, on the value ``kinds`` it holds for."""

    name: str
    rule: str
    change: Callable[[object], dict[str, Callable[[float], float]]]
    modes: Callable[[], tuple[str, ...]]
    rises: bool
    kinds: tuple[str, ...] = ("adaptive", "committed")

    def check(self, params, before) -> Check:
        after = _run(params, _move(params, self.change(params)))
        status, detail, untested = _compare(before, after, self.modes(), self.rises, self.kinds)
        return Check(self.name, self.rule, status, detail, untested)


def _services() -> tuple[str, ...]:
    return MODES.services()


def _exposed() -> tuple[str, ...]:
    """The modes with a forced-exit hazard of their own (services and licensing)."""
    return MODES.exposed("exit_hazard")


def _with_partner() -> tuple[str, ...]:
    return tuple(m.name for m in MODES if "distress" in m.events and m.runs_service)


def _negotiated() -> tuple[str, ...]:
    return tuple(m.name for m in MODES if m.deal_term)


def _licensing() -> tuple[str, ...]:
    light = MODES.lightest()
    return () if light is None else (light,)


def _times(factor: float, cap: float | None = None) -> Callable[[float], float]:
    return lambda x: min(x * factor, cap) if cap is not None else x * factor


def _plus(step: float, cap: float | None = None) -> Callable[[float], float]:
    return lambda x: min(x + step, cap) if cap is not None else x + step


#: The monotone relations, in the order the report lists them.
RELATIONS: tuple[Relation, ...] = (
    Relation(
        "more market",
        "A larger market (a quarter more payers open to a foreign service) never lowers "
        "an own service's value.",
        lambda p: {"market_foreign_premium_share": _times(1.25, 1.0)},
        _services,
        rises=True,
    ),
    Relation(
        "more paying users",
        "A quarter more online-video users paying for video never lowers licensing's "
        "value (a licence's price follows the buyer's paying users). Own services are not "
        "checked: rights are priced on the whole paying market, so a bigger one can cost "
        "an entrant with a fixed catalogue more than it brings (README, Content).",
        lambda p: {"market_svod_payer_share": _times(1.25, 1.0)},
        _licensing,
        rises=True,
    ),
    Relation(
        "lower churn",
        "Lower churn (a fifth less) never lowers an own service's value.",
        lambda p: {"growth_churn_rate_month": _times(0.8)},
        _services,
        rises=True,
    ),
    Relation(
        "cheaper acquisition",
        "A lower acquisition cost (a fifth less) never lowers an own service's value.",
        lambda p: {"growth_cac_months": _times(0.8)},
        _services,
        rises=True,
    ),
    Relation(
        "dearer content",
        "Dearer China rights of foreign titles (a quarter more) never raise an own "
        "service's value.",
        lambda p: {"content_rights_usd_m_per_title": _times(1.25)},
        _services,
        rises=False,
    ),
    Relation(
        "a price war",
        "A deeper price cut by the incumbents (10 points more) never raises an own "
        "service's value.",
        lambda p: {"market_price_war_cut": _plus(0.1, 0.9)},
        _services,
        rises=False,
    ),
    Relation(
        "titles pulled",
        "Titles pulled after they are paid for (10 points more of the catalogue per "
        "crackdown) never raise a mode's value.",
        lambda p: {"regulation_crackdown_catalogue_loss": _plus(0.1, 1.0)},
        _exposed,
        rises=False,
    ),
    Relation(
        "a harsher regulator",
        "Fewer approvals, higher forced-exit hazards and more crackdowns never raise the "
        "value of a mode free to stop, with reviews or with foresight (a committed "
        "loss-maker forced out sooner may lose less).",
        lambda p: {
            "regulation_approval_pass_rate": _times(0.8),
            "regulation_crackdown_hazard_year": _times(1.5, 1.0),
            **{name: _times(1.5, 1.0) for name in MODES.with_exposure("exit_hazard")},
        },
        _exposed,
        rises=False,
        kinds=("adaptive", "foresight"),
    ),
    Relation(
        "a later launch",
        "A six months' longer wait for the licence never raises the value of an own "
        "service free to stop, with reviews or with foresight.",
        lambda p: {name: _plus(6) for name in MODES.with_exposure("launch_delay")},
        _services,
        rises=False,
        kinds=("adaptive", "foresight"),
    ),
    Relation(
        "partner distress",
        "A partner twice as likely to fall into distress never raises the partnership's value.",
        lambda p: {"partner_distress_hazard_year": _times(2.0, 1.0)},
        _with_partner,
        rises=False,
    ),
    Relation(
        "a larger revenue share",
        "Giving the partner 10 points more of the revenue never raises the streamer's "
        "value of the partnership.",
        lambda p: {m.deal_term: _plus(0.1, 1.0) for m in MODES if m.deal_term},
        _negotiated,
        rises=False,
    ),
    Relation(
        "a dearer licence",
        "A licence fee a quarter higher never lowers licensing's value.",
        lambda p: {"license_fee_usd_m_per_title": _times(1.25)},
        _licensing,
        rises=True,
    ),
    Relation(
        "a licensee in distress",
        "A licensee twice as likely to fall into distress (and stop paying) never raises "
        "licensing's value.",
        lambda p: {"license_buyer_distress_hazard_year": _times(2.0, 1.0)},
        _licensing,
        rises=False,
    ),
    Relation(
        "a higher discount rate",
        "A discount rate two points higher never raises licensing's value (its cash "
        "comes later than its outlays).",
        lambda p: {"finance_discount_rate_year": _plus(0.02)},
        _licensing,
        rises=False,
    ),
)


def _identity(name: str, rule: str, a, b, modes: tuple[str, str]) -> Check:
    """Two modes' values, path by path, in one run (adaptive and committed)."""
    x, y = modes
    worst, scale = 0.0, 0.0
    for frame in ("npv_adaptive", "npv_committed"):
        u, v = getattr(a, frame)[x].to_numpy(), getattr(b, frame)[y].to_numpy()
        worst = max(worst, float(np.max(np.abs(u - v))))
        scale = max(scale, float(np.max(np.abs(u))), float(np.max(np.abs(v))))
    if scale <= _STILL:
        return Check(name, rule, UNINFORMATIVE, f"{x} and {y} are worth 0 on every path")
    status = HOLDS if worst <= _SAME * max(1.0, scale) else FAILS
    detail = (
        f"{MODES.in_words(x)} against {MODES.in_words(y)}: largest difference on a path "
        f"{worst:.2g} US$ m (values up to {scale:,.0f})"
    )
    return Check(name, rule, status, detail)


def _neutral_partner(params) -> Check | None:
    """A partner on neutral terms (no share, no reach, no governance, no distress, no
    library; solo's delays and hazards) and no delivery cost is solo, path by path."""
    partner = next((m for m in MODES if m.deal_term and m.runs_service), None)
    solo = next((m for m in MODES if m.runs_service and m is not partner), None)
    if partner is None or solo is None:
        return None
    neutral = {
        "partner_revenue_share": 0.0,
        "partner_reach_multiplier": 1.0,
        "partner_tech_cost_share": 1.0,
        "partner_quota_cover_share": 0.0,
        "partner_governance_usd_m_year": 0.0,
        "partner_distress_hazard_year": 0.0,
        "finance_delivery_usd_per_sub_month": 0.0,
    }
    for attr in ("launch_delay", "exit_hazard", "suspension_hazard"):
        theirs, ours = getattr(partner.exposure, attr), getattr(solo.exposure, attr)
        if theirs and ours:
            neutral[theirs] = getattr(params, ours)
            neutral[ours] = getattr(params, ours)
    run = _run(params, Move(fixed=neutral))
    return _identity(
        "a neutral partner",
        "A partner that takes no share and brings nothing (and no delivery cost to "
        "separate them) is worth what going alone is, in every future.",
        run,
        run,
        (partner.name, solo.name),
    )


def _staged_without_switch(params) -> Check | None:
    """A staged entry for which switching never pays (a prohibitive switch cost, rules
    that never ease) never switches: it is licensing, path by path."""
    staged = next((m for m in MODES if m.may_run_service and m.twin), None)
    if staged is None:
        return None
    run = _run(
        params,
        # the switch dates stay (the switching code runs) but switching never pays: a
        # prohibitive cost, and no easing for the committed plan to switch on
        Move(
            fixed={
                "staged_switch_cost_usd_m": 1000.0,
                "regulation_easing_hazard_year": 0.0,
                "staged_license_exclusivity": "exclusive",
            }
        ),
    )
    return _identity(
        "a staged entry that cannot switch",
        "A staged entry for which switching never pays never switches: it is worth what "
        "licensing is, in every future.",
        run,
        run,
        (staged.name, staged.twin),
    )


def _content_draws_demand(params) -> Check:
    """Without titles and originals, the own services sign up no one more, on the same
    futures (subscribers if run, the first :data:`DEMAND_PATHS` futures)."""
    from models.economics import events
    from models.economics.simulation import simulate

    none = {"content_foreign_titles_year": 0.0, "content_originals_usd_m_year": 0.0}
    n, worst, moved, parts = DEMAND_PATHS, 0.0, False, []
    p = params.replace(n_paths=max(n, 2))
    draws = montecarlo.draw_inputs(p, n)
    u = events.uniforms(p.seed, 0, n, p.months)
    chunk = draws if draws.shape[1] else None
    before = simulate(p, chunk, u, started=True)
    after = simulate(p.replace(**none), _without(chunk, none), u, started=True)
    for m in _services():
        b = (before.modes[m].subscribers_m * before.modes[m].survival).sum(axis=1) / 12.0
        a = (after.modes[m].subscribers_m * after.modes[m].survival).sum(axis=1) / 12.0
        moved |= bool(np.any(np.abs(a - b) > _STILL))
        worst = max(worst, float(np.max(a - b)))
        parts.append(
            f"{MODES.in_words(m)}: {b.mean():,.1f} to {a.mean():,.1f} M subscriber-years if run"
        )
    status = FAILS if worst > _SAME * 10 else (HOLDS if moved else UNINFORMATIVE)
    return Check(
        "content draws demand",
        "Removing every title and original never adds a subscriber, in any future.",
        status,
        "; ".join(parts),
    )


def _growth(x: np.ndarray, year: int) -> float:
    """Growth of the yearly mean of ``x`` (1, months) in ``year`` (1-based) over the
    year before (inf from nothing, nan for nothing)."""
    y = np.asarray(x, dtype=float).reshape(-1)[: 12 * year].reshape(year, 12).mean(axis=1)
    if year < 2 or y[-1] <= 0.0:
        return np.nan
    return np.inf if y[-2] <= 0.0 else float(y[-1] / y[-2] - 1.0)


def _steady_horizon(params) -> Check | None:
    """The final year is a steady state for every own service (and a staged entry's,
    if it switches), in the most-likely case with the mode started: its subscribers grow
    no more than :data:`STEADY_GAP` faster than its market; else the horizon at which
    they would (up to 30 years)."""
    from models.economics.simulation import simulate

    services = tuple(m.name for m in MODES if m.runs_service or m.may_run_service)
    years = int(params.horizon_years)
    if not services or params.finance_terminal_method == "none":
        return None
    longest = 30
    run = simulate(params.replace(horizon_years=longest), started=True)

    def gap(m: str, year: int) -> float:
        r = run.modes[m]
        subs = _growth(r.subscribers_m, year)
        if np.isnan(subs):  # not launched a year before: far from steady
            return np.inf
        market = _growth(r.market_m, year)
        return subs - (0.0 if np.isnan(market) or np.isinf(market) else market)

    parts, late = [], []
    for m in services:
        if not np.any(run.modes[m].subscribers_m > 0.0):  # a staged entry that never switches
            parts.append(f"{MODES.in_words(m)}: runs no service in the most-likely case")
            continue
        now = gap(m, years)
        steady = next((y for y in range(2, longest + 1) if gap(m, y) <= STEADY_GAP), None)
        r = run.modes[m]
        subs, market = _growth(r.subscribers_m, years), _growth(r.market_m, years)
        said = (
            "not launched a year before the horizon"
            if np.isnan(subs) or np.isinf(subs)
            else f"subscribers {subs:+.0%} in the final year (market {market:+.0%})"
        )
        when = f"steady from year {steady}" if steady else "not steady within 30 years"
        parts.append(f"{MODES.in_words(m)}: {said}, {when}")
        if now > STEADY_GAP:
            late.append(steady or longest)
    detail = "; ".join(parts)
    if late:
        detail += (
            f". The value beyond the horizon takes a year still growing as steady: a "
            f"horizon_years of {max(late)} or more gives it"
        )
    return Check(
        "a steady final year",
        "The horizon is long enough that the year the value beyond it rests on is a "
        "steady state: no own service's subscribers grow more than "
        f"{STEADY_GAP:.0%} a year faster than its market in the final year (most-likely case, "
        "the service started).",
        FAILS if late else HOLDS,
        detail,
    )


def _without(draws, names) -> pd.DataFrame | None:
    """Draws less the columns of inputs set for every path."""
    if draws is None:
        return None
    kept = draws.drop(columns=[c for c in names if c in draws.columns])
    return kept if kept.shape[1] else None


def _stay_out(before) -> Check | None:
    out = MODES.baseline()
    if out is None:
        return None
    values = np.concatenate(
        [getattr(before, f)[out].to_numpy() for f in ("npv", "npv_committed", "npv_adaptive")]
    )
    worst = float(np.max(np.abs(values)))
    return Check(
        "staying out",
        "Staying out earns and costs nothing, in every future.",
        HOLDS if worst == 0.0 else FAILS,
        f"largest value on a path {worst:.2g} US$ m",
    )


def _bounds(before) -> list[Check]:
    """The decisions within their bounds, path by path and on average."""
    worst_foresight, short, unpaid = 0.0, [], 0.0
    n = before.n_paths
    for m in MODES.entering():
        a, f, c = (
            getattr(before, k)[m].to_numpy()
            for k in ("npv_adaptive", "npv_foresight", "npv_committed")
        )
        worst_foresight = max(worst_foresight, float(np.max(a - f)))
        floor = max(float(c.mean()), 0.0)
        twin = MODES.twin(m)
        if MODES[m].may_run_service and twin in before.npv_committed:
            floor = max(floor, float(before.npv_committed[twin].mean()))
        se = float(a.std(ddof=1) / np.sqrt(n)) if n > 1 else 0.0
        if a.mean() < floor - SE_TOLERANCE * se - _STILL:
            short.append(f"{MODES.in_words(m)} {money(a.mean())} against {money(floor)}")
        idle = before.leave_month[m].to_numpy() == -1
        if idle.any():
            unpaid = max(unpaid, float(np.max(np.abs(before.npv[m].to_numpy()[idle]))))
    return [
        Check(
            "foresight bounds every rule",
            "No way of deciding does better than foresight on any future.",
            HOLDS if worst_foresight <= _STILL else FAILS,
            f"largest excess of the reviews over foresight on a path {worst_foresight:.2g} US$ m",
        ),
        Check(
            "reviews pay their way",
            "Deciding as one goes is worth at least the better of committing and never "
            "starting (for a staged entry, never switching too), within two standard errors.",
            FAILS if short else HOLDS,
            "; ".join(short) if short else "every mode at or above its floor",
        ),
        Check(
            "nothing paid before the go",
            "A mode the go decision declines pays nothing, in every future.",
            HOLDS if unpaid <= _STILL else FAILS,
            f"largest value of a future that did not start {unpaid:.2g} US$ m",
        ),
    ]


def model_checks(params) -> list[Check]:
    """Run every check on ``params``' futures; see the module docstring.

    One check at a time, each on the engine's threads (its review rules' training
    chunks side by side). Two checks side by side held two fits of the rules at once,
    the report's highest fixed peak: at the base case's 22 checks (5,000-path
    parameters, numpy's BLAS on one thread as in a report's kernel), 39 s and 1.70 GB
    side by side, 49 s and 1.34 GB side by side with each fit on one thread, and 45-46 s
    and 1.07 GB one at a time (issue 25, measured; the same checks each way). With
    BLAS on two threads, side by side took 62-66 s: its threads and the fits' fought
    for the two cores."""
    before = _run(params)
    relations = [r.check(params, before) for r in RELATIONS]
    demand = _content_draws_demand(params)
    neutral, staged = _neutral_partner(params), _staged_without_switch(params)
    steady = _steady_horizon(params)
    found = _bounds(before) + relations
    found.insert(8, demand)
    found += [c for c in (neutral, staged, _stay_out(before), steady) if c]
    log.info(
        "model checks: %d hold, %d fail, %d uninformative",
        sum(c.status == HOLDS for c in found),
        sum(c.status == FAILS for c in found),
        sum(c.status == UNINFORMATIVE for c in found),
    )
    return found


def checks_table(checks: list[Check]) -> pd.DataFrame:
    """The checks as a table: check, rule, result, numbers."""
    return pd.DataFrame(
        [
            {
                "check": c.name,
                "rule": c.rule,
                "result": c.status,
                "numbers (mean over the futures, US$ m; ± its standard error)": c.detail,
                "not tested on (did not move)": c.untested,
            }
            for c in checks
        ]
    )


#: The file in a run folder that holds the main report's checks, for the validation
#: report of the same run (the checks take minutes; they are run once per run).
FILE = "checks.json"


def save(checks: list[Check], folder: str | os.PathLike, digest: str) -> Path | None:
    """Write the checks to ``folder/checks.json`` (atomically), with the digest of the
    parameters they were run on; nothing if ``folder`` is empty (a notebook run by hand).

    Raises
    ------
    OutputError
        If the folder does not exist or the file cannot be written.
    """
    if not str(folder):
        return None
    folder = Path(folder)
    if not folder.is_dir():
        raise OutputError(f"outputs_dir {folder}: not a folder")
    path = folder / FILE
    payload = {"parameters_hash": digest, "checks": [asdict(c) for c in checks]}
    try:
        with replaced(path) as tmp:
            tmp.write_text(json.dumps(payload, indent=1))
    except OSError as exc:
        raise OutputError(f"checks {path}: cannot be written ({exc})") from None
    return path


def load(folder: str | os.PathLike, digest: str) -> list[Check] | None:
    """The checks saved in ``folder`` by :func:`save` for parameters of this ``digest``;
    None if there are none, or they were run on other parameters, or the file is not
    one :func:`save` wrote (logged)."""
    if not str(folder):
        return None
    path = Path(folder) / FILE
    if not path.is_file():
        return None
    try:
        payload = json.loads(path.read_text())
        if payload["parameters_hash"] != digest:
            log.warning("%s: run on other parameters; the checks are run again", path)
            return None
        found = [
            Check(
                **{k: str(c[k]) for k in ("name", "rule", "status", "detail")},
                untested=str(c.get("untested", "")),
            )
            for c in payload["checks"]
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s: unreadable (%s); the checks are run again", path, exc)
        return None
    if any(c.status not in (HOLDS, FAILS, UNINFORMATIVE) for c in found):
        log.warning("%s: unknown status; the checks are run again", path)
        return None
    missing = {r.name for r in RELATIONS} - {c.name for c in found}
    if missing:  # a partial or emptied file is not the run's checks
        log.warning("%s: lacks %d checks; the checks are run again", path, len(missing))
        return None
    return found


def checks_for(params, folder: str | os.PathLike = "") -> list[Check]:
    """The checks of ``params``: those the main report of the same run saved in
    ``folder`` (:func:`load`), or run now (:func:`model_checks`) and saved there."""
    found = load(folder, params.digest())
    if found is not None:
        log.info("model checks read from %s", Path(folder) / FILE)
        return found
    found = model_checks(params)
    save(found, folder, params.digest())
    return found
