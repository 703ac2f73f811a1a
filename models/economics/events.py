"""Regulatory, content and partner events: drawn per path and month, or in expectation.

Four kinds of event hit a venture in China (docs/design.md, "Model sketch"; issue 3):

forced exit
    The regulator blocks or shuts the service (Apple's iTunes Movies and DisneyLife in
    2016): revenue stops, the exit cost is paid. A monthly hazard from the launch on,
    per mode (``regulation_exit_hazard_*_year``).
suspension
    The service goes dark for ``regulation_suspension_months`` (the last month partly),
    bills nothing while dark and loses ``regulation_suspension_sub_loss`` of its
    subscribers for good when it goes dark. A new suspension can start only once the
    last is over (an alternating renewal process).
content crackdown
    A tightening of the rules for foreign content pulls
    ``regulation_crackdown_catalogue_loss`` of the foreign titles on offer, in every
    mode: an own service's catalogue (and so its market) and a licence's fees lose them
    from the month of the event on. Titles bought or licensed later lose only the part
    of the cut that lasts (``regulation_crackdown_persistence``;
    :func:`models.economics.kernels.log_cut_before`):
    the catalogue recovers that much as windows and contracts renew.
partner distress
    The partner falls into financial distress, as LeEco did in November 2016 (ref 4.7):
    the streamer loses ``partner_distress_lost_months`` of remittances and pays to
    migrate the service (:mod:`models.economics.partner`). Once per path at most.

**Common random numbers.** Every path holds one uniform per kind of event and month
(:class:`Uniforms`); an event happens in month ``t`` when the uniform is below that
month's hazard. All modes read the same uniforms, so in the months where two modes both
operate, the one with the higher forced-exit or crackdown hazard sees every event of the
other and more; suspensions, which cannot start while one runs, share only their
triggers. Comparisons between modes (and between runs that change one input) are not
blurred by independent noise. The
uniforms of path ``i`` depend only on the seed and ``i``: they are drawn in blocks of
:data:`BLOCK` paths, each from its own named stream (:func:`models._rng.stream`), so
chunking the paths does not change any path.

**Events in expectation** (:func:`expected`; drawn: :func:`drawn`) give the
deterministic run: the probability of operating instead of a 0/1 flag, the expected
share of dark months instead of dark spells, extra churn instead of subscriber losses,
and the expected catalogue instead of a pulled one. The Monte Carlo mean of a cash flow
is close to, but not equal to, its expected-event value: the deterministic run is a
quick summary, the Monte Carlo run is what the decision metrics use.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from models._arrays import FloatArray, column, month_index
from models._rng import stream
from models.economics import kernels, partner, regulation

#: Paths per block of uniforms: path ``i``'s uniforms come from block ``i // BLOCK``.
BLOCK = 1024

_ZERO = np.zeros((1, 1))
_ZERO.flags.writeable = False  # shared by every result: never written

#: The kinds of event, each drawn from a stream of its own (``easing``: the rules
#: easing, for a staged entry, :mod:`models.economics.modes.staged`; ``renewal``: a
#: licence's renegotiated price, :mod:`models.economics.licence`; ``market``: the error
#: in the paying market's published figures, :func:`models.economics.market.published`),
#: so that adding a kind changes none of the others' uniforms.
KINDS = ("exit", "suspension", "crackdown", "distress", "easing", "renewal", "market")


@dataclass(frozen=True)
class Uniforms:
    """Common random numbers of a chunk of paths: one (paths, months) array per kind."""

    exit: FloatArray
    suspension: FloatArray
    crackdown: FloatArray
    distress: FloatArray
    easing: FloatArray
    renewal: FloatArray
    #: None in uniforms made by hand: the market's figures are then published exactly
    market: FloatArray | None = None
    #: (seed, stream name, first path) of uniforms drawn by :func:`uniforms`, from
    #: which :meth:`extended` draws the months after; None for uniforms made by hand.
    origin: tuple[int, str, int] | None = field(default=None, compare=False)

    @property
    def paths(self) -> int:
        """Number of paths."""
        return self.exit.shape[0]

    @property
    def months(self) -> int:
        """Number of months."""
        return self.exit.shape[1]

    def rows(self, index: np.ndarray) -> Uniforms:
        """The uniforms of the paths ``index`` (positions in this chunk)."""
        return Uniforms(*(_rows(getattr(self, kind), index) for kind in KINDS))

    def extended(self, months: int) -> Uniforms:
        """The same paths' uniforms over ``months`` (at least :attr:`months`): the first
        months unchanged (each kind is drawn month by month), the months after from
        the same streams, so that a staged entry's service can run past the horizon
        (:mod:`models.economics.modes.staged`). Uniforms made by hand have no streams:
        after their months nothing happens and renewals are at the median price."""
        if months <= self.months:
            return self
        if self.origin is not None:
            seed, name, first = self.origin
            return uniforms(seed, first, self.paths, months, name)
        pad = months - self.months
        quiet = {kind: 1.0 for kind in KINDS} | {"renewal": 0.5, "market": 0.5}
        return Uniforms(
            *(
                None
                if getattr(self, k) is None
                else np.concatenate([getattr(self, k), np.full((self.paths, pad), quiet[k])], 1)
                for k in KINDS
            )
        )


def _rows(a: FloatArray | None, index: np.ndarray) -> FloatArray | None:
    return None if a is None else a[index]


def uniforms(seed: int, first_path: int, paths: int, months: int, name: str = "events") -> Uniforms:
    """The uniforms of paths ``first_path .. first_path + paths - 1``.

    Reproducible from ``seed`` alone and independent of how the paths are chunked: block
    ``b`` (paths ``b * BLOCK`` to ``(b + 1) * BLOCK - 1``) is drawn from the stream
    ``<name>/b`` of ``seed`` (``events/b``; the review rule's training paths use
    ``training/events/b``).
    """
    first_block, last_block = first_path // BLOCK, (first_path + paths - 1) // BLOCK
    blocks = [_block(seed, name, b, months) for b in range(first_block, last_block + 1)]
    allu = np.concatenate(blocks, axis=1)  # a copy: callers may write to it
    start = first_path - first_block * BLOCK
    allu = allu[:, start : start + paths, :]
    return Uniforms(
        *(np.ascontiguousarray(allu[k]) for k in range(len(KINDS))),
        origin=(seed, name, first_path),
    )


@functools.lru_cache(maxsize=8)
def _block(seed: int, name: str, b: int, months: int) -> FloatArray:
    """Block ``b`` of the stream ``name``: (kinds, BLOCK, months), read-only and kept
    (8 blocks at 180 months, 83 MB), since every point of a sweep and every position of
    the what-if draws the same first blocks again (6 ms each).

    Each kind has its stream (``<name>/<b>/<kind>``), drawn month by month (all the
    block's paths for month 0, then month 1, ...): a path's uniforms for the first
    months are the same whatever the horizon, so that runs at two horizons share their
    futures (common random numbers; before issue 20 a longer horizon drew every path
    but the first afresh, and 'Since the last run' blamed the noise on the horizon)."""
    out = np.empty((len(KINDS), BLOCK, months))
    for k, kind in enumerate(KINDS):
        rng = np.random.default_rng(stream(seed, f"{name}/{b}/{kind}"))
        out[k] = rng.random((months, BLOCK)).T
    out.flags.writeable = False
    return out


@dataclass(frozen=True)
class ServiceRisk:
    """What the events do to one mode, month by month, on each path.

    Drawn (:func:`drawn`, 0/1 flags) or in expectation (:func:`expected`,
    probabilities). Arrays are (paths, months) or broadcastable columns.

    Attributes
    ----------
    alive : ndarray
        1 (or the probability) while no forced exit has happened before month ``t``.
    exit_at : ndarray
        1 (or the probability) if the forced exit happens at the end of month ``t``:
        ``alive * hazard`` in expectation.
    exit_hazard : ndarray
        The forced-exit hazard schedule, for the exit policy (always in expectation).
    dark : ndarray
        Share of month ``t`` the service is suspended.
    sub_shock : ndarray
        Share of subscribers lost at the start of month ``t`` (a suspension starting).
    extra_churn : ndarray
        Extra monthly churn (suspension losses in expectation; 0 when drawn).
    catalogue : ndarray
        Share of a catalogue on offer since month 0 still on offer in month ``t``
        (content crackdowns); titles first on offer later lose only to the crackdowns
        after that (:func:`models.economics.kernels.log_cut_before`).
    log_kept : ndarray
        Its logarithm (finite even when a crackdown pulls every title), from which
        :func:`models.economics.kernels.log_cut_before` reads what the crackdowns
        between two months took.
    log_lasting : ndarray
        Log of the share of later titles the crackdowns up to month ``t`` still cut
        (``regulation_crackdown_persistence`` of each cut lasts).
    distress : ndarray
        1 (or the probability) if the partner's first distress falls in month ``t``,
        given the service still operates.
    drawn : dict of str to ndarray (paths,)
        With drawn events only: what happened on each path within the horizon, whatever
        the exit policy (``crackdowns``: number of content crackdowns;
        ``partner_distress``: 1 if the partner fell into distress after its launch).
    """

    alive: FloatArray
    exit_at: FloatArray
    exit_hazard: FloatArray
    dark: FloatArray
    sub_shock: FloatArray | None
    extra_churn: FloatArray
    catalogue: FloatArray
    log_kept: FloatArray
    log_lasting: FloatArray
    distress: FloatArray
    drawn: dict[str, FloatArray] = field(default_factory=dict)


def _monthly(yearly: ArrayLike) -> FloatArray:
    return regulation.monthly_hazard(yearly)


def first_event(u: FloatArray, hazard: ArrayLike, start: ArrayLike) -> FloatArray:
    """Month of the first event at or after ``start`` (``months`` if none), per path.

    An event happens in month ``t`` when ``u[t] < hazard[t]``. Compiled
    (:func:`models.economics.kernels.first_event`): a path's search stops at its first
    event.

    >>> u = np.array([[0.9, 0.01, 0.02], [0.9, 0.9, 0.9]])
    >>> first_event(u, 0.05, 0).tolist(), first_event(u, 0.05, 2).tolist()
    ([1.0, 3.0], [2.0, 3.0])
    """
    paths, months = np.shape(u)
    return kernels.first_event(
        kernels.grid(u, paths, months),
        kernels.grid(hazard, paths, months),
        kernels.grid(column(start), paths, 1),
        paths,
        months,
    )


#: The smallest share a crackdown leaves, in logarithms: a loss of the whole catalogue
#: (``regulation_crackdown_catalogue_loss`` 1) keeps e**-50 of it, so that what two
#: months' crackdowns took apart stays finite.
_LOG_FLOOR = -50.0


def _log_keep(share: ArrayLike) -> FloatArray:
    """``log(share)``, at least :data:`_LOG_FLOOR`."""
    return np.maximum(np.log(np.maximum(column(share), 1e-300)), _LOG_FLOOR)


def expected_log_kept(
    crackdown_hazard_month: ArrayLike, loss: ArrayLike, months: int
) -> FloatArray:
    """Log of the expected share kept of a catalogue on offer since month 0, after
    Bernoulli crackdowns: ``(t + 1) log(1 - h L)``."""
    keep = 1.0 - column(crackdown_hazard_month) * column(loss)
    return (month_index(months) + 1.0) * _log_keep(keep)


def expected_catalogue(
    crackdown_hazard_month: ArrayLike, loss: ArrayLike, months: int
) -> FloatArray:
    """Expected catalogue share after Bernoulli crackdowns: ``(1 - h L) ** (t + 1)``."""
    return np.exp(expected_log_kept(crackdown_hazard_month, loss, months))


def steady_kept(crackdown_hazard_month: ArrayLike, loss: ArrayLike, life_months: ArrayLike):
    """Expected share of titles on offer that crackdowns have not pulled, averaged over
    a title's life on offer of ``life_months`` (a licence's term): the mean of
    ``a ** (j + 1)``, ``j`` = 0 .. life - 1, ``a = 1 - h L``; (rows, 1).

    >>> float(steady_kept(0.5, 0.2, 2)[0, 0])  # (0.9 + 0.81) / 2
    0.855
    """
    a = 1.0 - column(crackdown_hazard_month) * column(loss)
    n = np.maximum(column(life_months), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = a * (1.0 - a**n) / (n * (1.0 - a))
    return np.where(a < 1.0, mean, 1.0)


def suspensions(
    u: FloatArray, hazard_month: ArrayLike, duration_months: ArrayLike, start: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Dark share of each month and 0/1 starts of suspensions, per path.

    From ``start`` on, a suspension starts in month ``t`` when none is running and
    ``u[t] < hazard``; it lasts ``duration_months`` (whole months, then the fraction
    left in the last one). A zero duration darkens nothing but still counts as a start
    (its subscriber loss applies).
    """
    paths, months = u.shape
    return kernels.suspensions(
        kernels.grid(u, paths, months),
        kernels.grid(column(hazard_month), paths, 1),
        kernels.grid(column(duration_months), paths, 1),
        kernels.grid(column(start), paths, 1),
        paths,
        months,
    )


def _expected_exit_and_crackdowns(
    exit_hazard_year: ArrayLike, rules, launch: ArrayLike, months: int
) -> dict:
    """Forced exit and content crackdowns in expectation: what every mode has."""
    exit_h = regulation.hazard_schedule(_monthly(exit_hazard_year), launch, months)
    alive = regulation.survival(exit_h)
    h = _monthly(rules.crackdown_hazard_year)
    log_kept = expected_log_kept(h, rules.crackdown_catalogue_loss, months)
    lasting = column(rules.crackdown_catalogue_loss) * column(rules.crackdown_persistence)
    return {
        "alive": alive,
        "exit_at": alive * exit_h,
        "exit_hazard": exit_h,
        "catalogue": np.exp(log_kept),
        "log_kept": log_kept,
        "log_lasting": expected_log_kept(h, lasting, months),
    }


def _drawn_exit_and_crackdowns(
    exit_hazard_year: ArrayLike, rules, launch: ArrayLike, months: int, u: Uniforms
) -> dict:
    """Forced exit and content crackdowns drawn from the common uniforms."""
    paths = np.shape(u.exit)[0] if np.ndim(u.exit) == 2 else -1
    if paths < 1 or np.shape(u.exit) != (paths, months) or np.shape(u.crackdown) != (paths, months):
        # the kernels would take a row of uniforms for a column of paths (review)
        raise ValueError(
            f"uniforms of shapes {np.shape(u.exit)} (exit) and {np.shape(u.crackdown)} "
            f"(crackdown): expected (paths, {months}) each"
        )
    exit_h = regulation.hazard_schedule(_monthly(exit_hazard_year), launch, months)
    alive, exit_at = kernels.until(first_event(u.exit, exit_h, launch), paths, months)
    loss = column(rules.crackdown_catalogue_loss)
    lasting = loss * column(rules.crackdown_persistence)
    count, log_kept, log_lasting = kernels.crackdowns(
        kernels.grid(u.crackdown, paths, months),
        kernels.grid(column(_monthly(rules.crackdown_hazard_year)), paths, 1),
        kernels.grid(_log_keep(1.0 - loss), paths, 1),
        kernels.grid(_log_keep(1.0 - lasting), paths, 1),
        paths,
        months,
    )
    return {
        "alive": alive,
        "exit_at": exit_at,
        "exit_hazard": exit_h,
        "catalogue": (1.0 - loss) ** count,
        "log_kept": log_kept,
        "log_lasting": log_lasting,
        "drawn": {"crackdowns": count[:, -1].copy()},
    }


def expected(
    exposure,
    rules,
    launch: ArrayLike,
    months: int,
    *,
    can_be_suspended: bool,
    distress_hazard_year: ArrayLike | None = None,
) -> ServiceRisk:
    """The events of one mode in expectation.

    Every mode is exposed to forced exits (its ``exposure.exit_hazard_year``, from
    ``launch`` on) and content crackdowns (``rules``); an own service also to
    suspensions (``can_be_suspended``: its ``exposure.suspension_hazard_year``), and a
    partnership to its partner's distress (``distress_hazard_year``).

    Parameters
    ----------
    exposure : models.economics.terms.Exposure
        The mode's own hazards.
    rules : models.economics.terms.Rules
        Crackdowns, and the length and subscriber loss of a suspension.
    launch : int or (paths, 1)
        Launch month.
    months : int
        Months simulated.
    can_be_suspended : bool
        Whether the mode can be suspended (an own service can; a licensor cannot).
    distress_hazard_year : float or (paths, 1), optional
        The partner's yearly hazard of distress, for a partnership.
    """
    common = _expected_exit_and_crackdowns(exposure.exit_hazard_year, rules, launch, months)
    dark, extra_churn = expected_suspensions(exposure, rules, can_be_suspended=can_be_suspended)
    risk = ServiceRisk(**common, dark=dark, sub_shock=None, extra_churn=extra_churn, distress=_ZERO)
    return with_distress(risk, distress_hazard_year, launch, months)


def expected_suspensions(
    exposure, rules, *, can_be_suspended: bool
) -> tuple[FloatArray, FloatArray]:
    """Suspensions in expectation, as :func:`expected` has them: ``(dark, extra_churn)``,
    the share of each month spent dark and the extra monthly churn
    (:func:`models.economics.regulation.dark_share`,
    :func:`models.economics.regulation.suspension_churn`), (1 or paths, 1) each; zeros
    for a mode that cannot be suspended.

    Apart from the exits and crackdowns, which cost most of :func:`expected`: a drawn
    service's final year is normalised to these alone (issue 25: a drawn build computed
    all of its events in expectation again for them, 3 ms of an own service's 40).
    """
    if not can_be_suspended:
        return _ZERO, _ZERO
    susp_h = _monthly(exposure.suspension_hazard_year)
    return (
        regulation.dark_share(susp_h, rules.suspension_months),
        regulation.suspension_churn(susp_h, rules.suspension_sub_loss),
    )


def expected_distress(
    distress_hazard_year: ArrayLike, launch: ArrayLike, months: int
) -> FloatArray:
    """A partner's distress in expectation, as :func:`with_distress` has it without
    uniforms: the probability of its first distress in each month while operating,
    (paths, months) (:func:`models.economics.partner.first_distress_probability`)."""
    hazard = _monthly(distress_hazard_year)
    return partner.first_distress_probability(hazard, np.ones((1, months)), launch)


def drawn(
    exposure,
    rules,
    launch: ArrayLike,
    months: int,
    u: Uniforms,
    *,
    can_be_suspended: bool,
    distress_hazard_year: ArrayLike | None = None,
) -> ServiceRisk:
    """The events of one mode drawn from the common uniforms ``u`` (see
    :func:`expected` for the arguments)."""
    if can_be_suspended:
        dark, starts = suspensions(
            u.suspension,
            _monthly(exposure.suspension_hazard_year),
            rules.suspension_months,
            launch,
        )
    common = _drawn_exit_and_crackdowns(exposure.exit_hazard_year, rules, launch, months, u)
    if not can_be_suspended:
        risk = ServiceRisk(**common, dark=_ZERO, sub_shock=None, extra_churn=_ZERO, distress=_ZERO)
    else:
        risk = ServiceRisk(
            **common,
            dark=dark,
            sub_shock=starts * column(rules.suspension_sub_loss),
            extra_churn=_ZERO,
            distress=_ZERO,
        )
    return with_distress(risk, distress_hazard_year, launch, months, u)


def with_distress(
    risk: ServiceRisk,
    distress_hazard_year: ArrayLike | None,
    launch: ArrayLike,
    months: int,
    u: Uniforms | None = None,
) -> ServiceRisk:
    """``risk`` with a partner's distress at ``distress_hazard_year`` (None: ``risk``
    as it is), drawn from the uniforms ``u`` or, without them, in expectation (the
    probability of the first distress in each month while operating,
    :func:`models.economics.partner.first_distress_probability`).

    Apart from the other events, so that a sweep moving only the partner's fragility
    serves the rest (:meth:`models.economics.modes.service.OwnService.risk`).
    """
    if distress_hazard_year is None:
        return risk
    if u is None:
        distress = expected_distress(distress_hazard_year, launch, months)
        return dataclasses.replace(risk, distress=distress)
    first = first_event(u.distress, _monthly(distress_hazard_year), launch)
    return dataclasses.replace(
        risk,
        distress=(month_index(months) == column(first)).astype(float),
        drawn={**risk.drawn, "partner_distress": (first < months).astype(float)},
    )
