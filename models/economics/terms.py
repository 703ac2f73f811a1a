"""Typed inputs of the equations: the parameters in small groups, one value or one per path.

The validated parameter object (:class:`models.inputs.params.Parameters`) has about a
hundred flat fields, which Papermill, scenario files and ``-p`` need. The equations do
not take it: each receives the group it reads (:class:`Market`, :class:`Growth`, ...)
or plain arguments, so a signature says what an equation depends on (docs/design.md,
"Typed inputs").

A group's fields are its parameters' flat names without the group's prefix
(``market_price_elasticity`` is ``Market.price_elasticity``), in the same units. A value
is a number, or a (paths, 1) column where the Monte Carlo run draws one value per path
(:class:`PathValues`); text settings stay text.

Two groups are not read by prefix:

- :class:`Exposure` is one entry mode's own regulatory exposure (its launch delay,
  forced-exit and suspension hazards), read from the parameter names the mode declares
  (:class:`ExposureNames`), so that no code builds a parameter name from a mode's name;
- :class:`Horizon` holds the run's shape: months, paths, the month the venture starts
  and the reviews.

An entry mode declares the groups it reads (:attr:`models.economics.modes.base.EntryMode.
groups`); it is handed a :class:`Terms` bundle with those groups and no others.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from models._arrays import column
from models.economics import reads
from models.exceptions import ParameterError
from models.inputs.schema import SPECS

#: A parameter's value in the equations: a number, a (paths, 1) column, or text.
Value = Any


class PathValues:
    """Every parameter's value on each path: the scenario's value, or the drawn one.

    Parameters
    ----------
    params : Parameters
        A validated parameter object.
    draws : DataFrame, optional
        One row per path, one column per uncertain parameter: values that replace the
        parameter's value on that path (integers are rounded).
    paths : int, optional
        Number of paths when there are no draws (common random numbers of events only).
    recording : bool, optional
        Whether the groups read from these values note each field read
        (:mod:`models.economics.reads`; :func:`recording_class`).
    origin : hashable, optional
        The futures these values are for (their uniforms' seed, stream and first path),
        by which results kept across runs are grouped (:mod:`models.economics.reuse`).
    """

    def __init__(
        self,
        params,
        draws: pd.DataFrame | None = None,
        paths: int | None = None,
        recording: bool = False,
        origin: Any = None,
    ):
        self._params = params
        self.recording = recording
        self.origin = origin
        self._columns: dict[str, np.ndarray] = {}
        self.paths = 1
        if draws is not None:
            if len(draws) == 0:
                raise ParameterError("draws: expected at least one path, got none")
            for name in draws.columns:
                spec = SPECS.get(str(name))
                if spec is None or not spec.uncertain:
                    raise ParameterError(
                        f"draws: column {name!r} is not an uncertain parameter; expected "
                        "names marked uncertain in `market-entry params`"
                    )
                values = draws[name].to_numpy(dtype=float)
                if spec.type == "int":
                    values = np.rint(values)
                # read-only: results kept across runs are keyed on these values
                # (:attr:`fingerprints`), which a write in place would leave stale
                column = values.reshape(-1, 1)
                column.flags.writeable = False
                self._columns[str(name)] = column
            self.paths = len(draws)
        if paths is not None and paths != self.paths:
            if self.paths != 1:
                raise ParameterError(
                    f"uniforms: {paths} paths for {self.paths} rows of draws; "
                    "expected one row of uniforms per path"
                )
            self.paths = paths
        self.months = params.months
        self.decision_rule = params.decision_rule
        self.review_months = int(params.decision_review_months)
        #: whether each mode's go decision is on its clock (False: taken as started)
        self.go = True
        #: results of pure functions of these values, shared by every mode's terms read
        #: from them (:meth:`Terms.shared`): the market each mode reads is computed once
        self.memo: dict[Any, list] = {}
        #: each parameter's fingerprints (on the paths, and in the scenario), taken once
        #: for every lookup of results kept across runs (:mod:`models.economics.reuse`)
        self.fingerprints: dict[str, tuple] = {}

    def get(self, name: str) -> Value:
        """The value of parameter ``name``: a (paths, 1) column where drawn."""
        if name in self._columns:
            return self._columns[name]
        return getattr(self._params, name)

    def scenario(self) -> PathValues:
        """The scenario's own values (no draws), one path: what a plan made at the
        decision date knows."""
        out = PathValues(self._params, recording=self.recording)
        out.go = self.go
        return out


#: Each group class's flat parameter names (:meth:`Group.names`).
_NAMES: dict[type, tuple[str, ...]] = {}


@dataclass(frozen=True)
class Group:
    """A typed group of parameters: fields named as the parameters less :attr:`PREFIX`."""

    PREFIX: ClassVar[str] = ""
    #: its attribute on :class:`Terms` (the prefix, unless that would mislead)
    ATTRIBUTE: ClassVar[str] = ""

    @classmethod
    def attribute(cls) -> str:
        """Its attribute on :class:`Terms`."""
        return cls.ATTRIBUTE or cls.PREFIX

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The flat parameter names of this group's fields (taken once per class: a
        sweep point reads some 70 groups)."""
        names = _NAMES.get(cls)
        if names is None:
            names = _NAMES[cls] = tuple(f"{cls.PREFIX}_{f.name}" for f in fields(cls))
        return names

    @classmethod
    def read(cls, values: PathValues) -> Self:
        """This group's values on the paths of ``values`` (of :func:`recording_class`
        if ``values`` record what is read)."""
        kind = recording_class(cls) if values.recording else cls
        return kind(*(values.get(name) for name in cls.names()))

    def rows(self, index: np.ndarray, paths: int) -> Self:
        """These values on the paths ``index`` only (columns with one row per path are
        subset; numbers and shared values are kept)."""
        return dataclasses.replace(self, **_subset(self, index, paths))

    def replaced(self, **changes: Value) -> Self:
        """A copy with some values replaced (a number or one value per path)."""
        return dataclasses.replace(self, **{k: column(v) for k, v in changes.items()})


def _subset(group, index: np.ndarray, paths: int) -> dict[str, Value]:
    out = {}
    for f in fields(group):
        value = getattr(group, f.name)
        if isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == paths > 1:
            out[f.name] = value[index]
    return out


@dataclass(frozen=True)
class Market(Group):
    """The addressable market (:mod:`models.economics.market`)."""

    PREFIX: ClassVar[str] = "market"
    online_video_users_m: Value
    user_growth_year: Value
    online_video_users_ceiling_m: Value
    svod_payer_share: Value
    payer_headroom: Value
    payer_diffusion_rate_year: Value
    foreign_premium_share: Value
    reference_catalogue_titles: Value
    price_elasticity: Value
    price_war_cut: Value


@dataclass(frozen=True)
class Pricing(Group):
    """The service's price, what it collects, and the taxes and fees on it."""

    PREFIX: ClassVar[str] = "pricing"
    price_cny_month: Value
    reference_price_cny_month: Value
    reference_price_growth_year: Value
    reference_price_maturity: Value
    follow_share: Value
    fx_cny_per_usd: Value
    vat_rate: Value
    payment_fee_rate: Value
    realisation_rate: Value
    ad_tier: str
    ad_tier_price_cny_month: Value
    ad_tier_share: Value
    ad_revenue_cny_per_sub_month: Value


@dataclass(frozen=True)
class Growth(Group):
    """Subscriber growth and its cost (:mod:`models.economics.growth`)."""

    PREFIX: ClassVar[str] = "growth"
    p_innovation_month: Value
    q_imitation_month: Value
    churn_rate_month: Value
    cac_months: Value
    winback_months: Value


@dataclass(frozen=True)
class Content(Group):
    """The catalogue and what it costs (:mod:`models.economics.content`)."""

    PREFIX: ClassVar[str] = "content"
    foreign_titles_year: Value
    hours_per_title: Value
    rights_usd_m_per_title: Value
    domestic_title_usd_m: Value
    subtitle_usd_per_hour: Value
    dub_share: Value
    dub_usd_per_hour: Value
    reedit_share: Value
    reedit_usd_per_source_hour: Value
    originals_usd_m_year: Value
    original_usd_m_per_title: Value
    window_years: Value
    domestic_window_years: Value
    demand_elasticity: Value
    domestic_title_weight: Value
    original_title_weight: Value
    cost_inflation_year: Value
    market_price_elasticity: Value
    leader_spend_elasticity: Value
    keep_pace_share: Value
    amortisation_months: Value
    lead_months: Value


@dataclass(frozen=True)
class Rules(Group):
    """The rules every mode lives under: the quota, approvals, suspensions' length and
    cost, content crackdowns, the rules easing, and the cost of leaving. Each mode's own
    hazards are its :class:`Exposure`."""

    PREFIX: ClassVar[str] = "regulation"
    ATTRIBUTE: ClassVar[str] = "rules"
    quota_rule: str
    quota_foreign_share: Value
    approval_pass_rate: Value
    suspension_months: Value
    suspension_sub_loss: Value
    crackdown_hazard_year: Value
    crackdown_catalogue_loss: Value
    crackdown_persistence: Value
    easing_hazard_year: Value
    easing_hazard_multiplier: Value
    exit_cost_usd_m: Value


@dataclass(frozen=True)
class Partner(Group):
    """The local partner's terms, reach and health (:mod:`models.economics.partner`)."""

    PREFIX: ClassVar[str] = "partner"
    revenue_share: Value
    reach_multiplier: Value
    tech_cost_share: Value
    quota_cover_share: Value
    governance_usd_m_year: Value
    distress_hazard_year: Value
    distress_lost_months: Value
    migration_cost_usd_m: Value
    reach_gain_usd_m_year: Value
    serving_usd_per_sub_month: Value
    library_usd_m_per_title: Value


@dataclass(frozen=True)
class License(Group):
    """Titles licensed to a Chinese platform (:mod:`models.economics.licence`)."""

    PREFIX: ClassVar[str] = "license"
    titles_year: Value
    fee_usd_m_per_title: Value
    fee_growth_year: Value
    reference_payers_m: Value
    demand_elasticity: Value
    term_months: Value
    renewal_sd_log: Value
    upfront_share: Value
    buyer_distress_hazard_year: Value
    loss_given_distress: Value
    compliance_share: Value
    overhead_usd_m_year: Value
    withholding_tax_rate: Value


@dataclass(frozen=True)
class Staged(Group):
    """A staged entry's licence terms and switch (:mod:`models.economics.modes.staged`)."""

    PREFIX: ClassVar[str] = "staged"
    target_mode: str
    license_exclusivity: str
    nonexclusive_fee_discount: Value
    switch_cost_usd_m: Value


@dataclass(frozen=True)
class Finance(Group):
    """Costs of an own platform, tax, discounting and the value beyond the horizon
    (:mod:`models.economics.finance`)."""

    PREFIX: ClassVar[str] = "finance"
    discount_rate_year: Value
    tax_rate: Value
    fixed_usd_m_year: Value
    cost_inflation_year: Value
    setup_usd_m: Value
    walkaway_usd_m: Value
    delivery_usd_per_sub_month: Value
    terminal_method: str
    terminal_growth_year: Value
    terminal_revenue_multiple: Value


@dataclass(frozen=True)
class ExposureNames:
    """The parameters that hold one entry mode's own regulatory exposure; None where the
    mode has no such exposure (licensing has no suspension of its own, and launches when
    its buyer's titles are approved)."""

    launch_delay: str | None = None
    exit_hazard: str | None = None
    suspension_hazard: str | None = None

    def names(self) -> tuple[str, ...]:
        """The parameter names, those that are set."""
        return tuple(n for n in (self.launch_delay, self.exit_hazard, self.suspension_hazard) if n)


@dataclass(frozen=True)
class Exposure:
    """One mode's regulatory exposure: its launch delay (months), and its yearly
    forced-exit and suspension hazards (probabilities per year; 0 where it has none)."""

    launch_delay_months: Value
    exit_hazard_year: Value
    suspension_hazard_year: Value
    #: the parameters they were read from (None where made by hand)
    names: ExposureNames | None = dataclasses.field(default=None, compare=False, repr=False)

    @classmethod
    def read(cls, values: PathValues, names: ExposureNames) -> Exposure:
        """The exposure named by ``names`` on the paths of ``values`` (of a subclass that
        notes each field read by its parameter's name, if ``values`` record what is
        read: :func:`recording_class`)."""

        def get(name: str | None) -> Value:
            return 0.0 if name is None else values.get(name)

        kind = _RecordingExposure if values.recording else cls
        return kind(
            get(names.launch_delay), get(names.exit_hazard), get(names.suspension_hazard), names
        )

    def rows(self, index: np.ndarray, paths: int) -> Exposure:
        """These values on the paths ``index`` only."""
        return dataclasses.replace(self, **_subset(self, index, paths))

    def scaled(self, factor: Value) -> Exposure:
        """The forced-exit and suspension hazards times ``factor`` (the rules easing)."""
        return dataclasses.replace(
            self,
            exit_hazard_year=column(self.exit_hazard_year) * column(factor),
            suspension_hazard_year=column(self.suspension_hazard_year) * column(factor),
        )


@dataclass(frozen=True)
class Horizon:
    """The run's shape: ``months`` simulated, ``paths``, the month the venture starts
    spending (``start_month``: 0, or a staged entry's switch), the months between reviews,
    the ``decision_rule``, whether the go decision is on the clock (``go``; False:
    every mode taken as started, for the drivers' margins), and the months over which
    the market is computed where they are more than ``months`` (``market_months``; 0:
    ``months``; :attr:`Terms.market_months`)."""

    months: int
    paths: int
    review_months: int
    decision_rule: str
    start_month: int = 0
    go: bool = True
    market_months: int = 0

    @classmethod
    def read(cls, values: PathValues) -> Horizon:
        """The shape of ``values``' run."""
        return cls(
            values.months, values.paths, values.review_months, values.decision_rule, go=values.go
        )


#: The groups read by prefix, in the order of the parameter groups.
GROUPS: tuple[type[Group], ...] = (
    Market,
    Pricing,
    Growth,
    Content,
    Rules,
    Partner,
    License,
    Staged,
    Finance,
)


class Terms:
    """What one entry mode reads: the run's :attr:`horizon`, its :attr:`exposure` and
    the groups it declares (:attr:`market`, :attr:`pricing`, ...), nothing else.

    Reading a group the mode did not declare raises AttributeError naming the mode and
    the group: a mode's declared groups are the parameters it reads.

    ``cache`` holds the parts of a mode that no event changes, shared by its planning
    and drawn passes; ``extra`` holds per-path state a mode attaches (a staged entry's
    ``eased`` flag), subset with the paths by :meth:`rows`; ``memo`` the results of
    :meth:`shared`, common to the terms of every mode read from the same
    :class:`PathValues`.
    """

    def __init__(
        self,
        mode: str,
        horizon: Horizon,
        groups: dict[str, Group],
        exposure: Exposure | None = None,
        extra: dict[str, Any] | None = None,
        memo: dict[Any, list] | None = None,
        source: PathValues | None = None,
        derivation: tuple = (),
    ) -> None:
        self.mode = mode
        #: the values these terms were read from (None once a group or the paths are
        #: changed): what a part served across runs compares
        #: (:func:`models.economics.reuse.part`), with :attr:`horizon` and
        #: :attr:`derivation`
        self.source = source
        #: how these terms differ from their ``source``'s, besides the horizon: the
        #: factor of their exposure's hazards (:meth:`starting`), () if none
        self.derivation = derivation
        self.horizon = horizon
        self.exposure = exposure
        self._groups = groups
        self.extra = dict(extra or {})
        self.cache: dict[str, Any] = {}
        self.memo: dict[Any, list] = {} if memo is None else memo

    @classmethod
    def read(
        cls,
        mode: str,
        values: PathValues,
        groups: tuple[type[Group], ...],
        exposure: ExposureNames | None = None,
    ) -> Terms:
        """The terms of ``mode``: its ``groups`` and ``exposure`` read from ``values``."""
        return cls(
            mode,
            Horizon.read(values),
            {g.attribute(): g.read(values) for g in groups},
            None if exposure is None else Exposure.read(values, exposure),
            memo=values.memo,
            source=values,
        )

    def shared(self, fn: Any, *args: Any) -> Any:
        """``fn(*args)``, computed once for the same arguments by the terms of every mode
        read from the same :class:`PathValues` (a Monte Carlo chunk's five modes, a
        staged entry's legs and services): ``fn`` must be a pure function of its
        arguments. Arguments are the same when they are the same objects (arrays: a
        drawn column is one array for every mode), equal numbers or text, or groups
        whose fields are the same. The arrays it returns, and those it was given, are
        made read-only: other modes read the first, and the second are the key, so a
        write into either raises instead of serving a stale result.
        """
        entries = self.memo.setdefault(fn, [])
        for seen, result, noted in entries:
            if len(seen) == len(args) and all(map(_same, seen, args)):
                # what ``fn`` read of its groups when it ran is read again here
                reads.note(noted)
                return result
        with reads.recording() as noted:
            result = fn(*args)
        reads.note(noted)
        # an array written in place after this would leave a stale result: arguments
        # and results are frozen, so that such a write fails loudly instead
        for a in (*_arrays(args), *_arrays(result if isinstance(result, tuple) else (result,))):
            a.flags.writeable = False
        entries.append((args, result, frozenset(noted)))
        return result

    def __getattr__(self, name: str) -> Group:
        groups = self.__dict__.get("_groups", {})
        if name in groups:
            return groups[name]
        if name in _ATTRIBUTES:
            raise AttributeError(
                f"entry mode {self.__dict__.get('mode')!r} reads the {name!r} group of "
                "parameters but does not declare it in its `groups`"
            )
        raise AttributeError(name)

    @property
    def months(self) -> int:
        """Months simulated."""
        return self.horizon.months

    @property
    def paths(self) -> int:
        """Paths simulated."""
        return self.horizon.paths

    @property
    def market_months(self) -> int:
        """Months over which the market is computed (:meth:`first_months`): :attr:`months`,
        or more for a staged entry's services past the horizon (:meth:`starting`)."""
        return max(self.horizon.market_months, self.months)

    def first_months(self, x: Any) -> Any:
        """``x``, an array over :attr:`market_months` or a tuple of them, over
        :attr:`months` only: the same read-only view of its first months each time
        (:meth:`shared`), so that what is computed from it is shared in turn. Arrays of
        one column, or over :attr:`months` already, are returned as they are.

        A staged entry's services run over months of their own (180 to 276 in the
        shipped settings), and each computed its market, leaders' catalogue, price and
        cost indices over them (issue 25). Computed once over the longest and cut, the
        first months are the same numbers: each is a function of the month, not of how
        many months follow (tests/economics/test_market.py).
        """
        if isinstance(x, tuple):
            return tuple(self.first_months(a) for a in x)
        if np.ndim(x) < 2 or np.shape(x)[1] in (1, self.months):
            return x
        if np.shape(x)[1] != self.market_months:
            raise ValueError(
                f"first_months: an array of shape {np.shape(x)}: expected (rows, 1),"
                f" (rows, {self.months}) or (rows, {self.market_months})"
            )
        return self.shared(_first_months, x, self.months)

    def _copy(self, **changes: Any) -> Terms:
        """A copy with some of its parts replaced, and an empty cache."""
        return Terms(
            self.mode,
            changes.get("horizon", self.horizon),
            changes.get("groups", self._groups),
            changes.get("exposure", self.exposure),
            changes.get("extra", self.extra),
            memo=self.memo,
        )

    def replaced(self, **groups: Group) -> Terms:
        """These terms with some groups replaced (by attribute name: ``license=...``)."""
        return self._copy(groups={**self._groups, **groups})

    def starting(
        self,
        start_month: int,
        months: int | None = None,
        hazard_factor: Value | None = None,
        market_months: int | None = None,
    ) -> Terms:
        """These terms for a venture that starts spending in ``start_month`` (a staged
        entry's own service), simulated over ``months`` where given (a staged entry's
        service runs past the horizon), with its exposure's forced-exit and suspension
        hazards times ``hazard_factor`` where given (:meth:`Exposure.scaled`: the rules
        easing), and its market computed over ``market_months`` where given (a staged
        entry's services past the horizon share the longest's: :meth:`first_months`).

        They keep their :attr:`source`: the horizon and the factor (:attr:`derivation`)
        are all that differs from it, so that parts of them are served across runs
        where those are the same too (:func:`models.economics.reuse.part`).
        """
        horizon = dataclasses.replace(self.horizon, start_month=int(start_month))
        if months is not None:
            horizon = dataclasses.replace(horizon, months=int(months))
        if market_months is not None:
            horizon = dataclasses.replace(horizon, market_months=int(market_months))
        exposure, derivation = self.exposure, self.derivation
        if hazard_factor is not None:
            exposure = exposure.scaled(hazard_factor)
            derivation = (*derivation, ("hazard_factor", hazard_factor))
        return Terms(
            self.mode,
            horizon,
            self._groups,
            exposure,
            self.extra,
            memo=self.memo,
            source=self.source,
            derivation=derivation,
        )

    def rows(self, index: np.ndarray) -> Terms:
        """These terms on the paths ``index`` only (a staged entry builds the service it
        switches to only where it switches)."""
        paths = self.paths
        extra = {
            k: v[index]
            if isinstance(v, np.ndarray) and v.shape[:1] == (paths,) and paths > 1
            else v
            for k, v in self.extra.items()
        }
        return Terms(
            self.mode,
            dataclasses.replace(self.horizon, paths=len(index)),
            {k: g.rows(index, paths) for k, g in self._groups.items()},
            None if self.exposure is None else self.exposure.rows(index, paths),
            extra,
        )


#: A field read without noting it (:func:`recording_class`).
_field = object.__getattribute__

#: The recording subclass of each group class (:func:`recording_class`).
_RECORDING: dict[type, type] = {}


def recording_class(cls: type[Group]) -> type[Group]:
    """The subclass of the group ``cls`` whose instances note each field read, by its
    flat parameter name, into the innermost :func:`models.economics.reads.recording`
    (reading the instance's ``__dict__`` notes every field: a copy or a pickle reads
    them all). Otherwise the same class: its equality, ``fields``, ``replace`` and
    :meth:`Group.rows` keep the subclass, so the groups derived from a recorded group
    record too."""
    sub = _RECORDING.get(cls)
    if sub is None:
        flat = {f.name: f"{cls.PREFIX}_{f.name}" for f in fields(cls)}
        every = tuple(flat.values())

        def __getattribute__(self, name: str) -> Any:
            key = flat.get(name)
            if key is not None:
                reads.note_one(key)
            elif name == "__dict__":
                reads.note(every)
            return _field(self, name)

        def __reduce__(self):
            # pickled as the plain group (nothing to record where it is unpickled),
            # having read every field
            reads.note(every)
            return (cls, tuple(_field(self, f) for f in flat))

        sub = type(
            cls.__name__,
            (cls,),
            {
                "__getattribute__": __getattribute__,
                "__reduce__": __reduce__,
                "__module__": cls.__module__,
                "__qualname__": f"{cls.__qualname__}.recording",
                "__doc__": f"{cls.__name__}, noting each field read (recording_class).",
            },
        )
        _RECORDING[cls] = sub
    return sub


#: An exposure's fields and the attribute of :class:`ExposureNames` naming their parameters.
_EXPOSURE_NAMES = {
    "launch_delay_months": "launch_delay",
    "exit_hazard_year": "exit_hazard",
    "suspension_hazard_year": "suspension_hazard",
}


class _RecordingExposure(Exposure):
    """An :class:`Exposure` noting each field read by its parameter's name (a field no
    parameter holds is 0 and notes nothing)."""

    def __getattribute__(self, name: str) -> Any:
        attr = _EXPOSURE_NAMES.get(name)
        if attr is not None:
            names = _field(self, "names")
            flat = None if names is None else getattr(names, attr)
            if flat:
                reads.note_one(flat)
        elif name == "__dict__":
            names = _field(self, "names")
            reads.note(() if names is None else names.names())
        return _field(self, name)


def _same(a: Any, b: Any) -> bool:
    """Whether two arguments of :meth:`Terms.shared` are the same (see there): the
    same object, equal numbers of one type and sign (0.0 is not -0.0) or text, or
    groups whose fields are."""
    if isinstance(a, Group) or isinstance(b, Group):
        # compared without noting the fields (the function's own reads are noted)
        return type(a) is type(b) and all(
            _same(_field(a, f.name), _field(b, f.name)) for f in fields(a)
        )
    if a is b:
        return True
    if type(a) is not type(b) or not isinstance(a, int | float | str):
        return False
    return a == b and (not isinstance(a, float) or math.copysign(1.0, a) == math.copysign(1.0, b))


def _first_months(x: np.ndarray, months: int) -> np.ndarray:
    """The first ``months`` of ``x``, (rows, months), a view (:meth:`Terms.first_months`)."""
    return x[:, :months]


def _arrays(items: tuple) -> list[np.ndarray]:
    """The arrays among ``items``, and in the fields of the groups among them."""
    out = []
    for x in items:
        if isinstance(x, Group):
            out += _arrays(tuple(_field(x, f.name) for f in fields(x)))
        elif isinstance(x, np.ndarray):
            out.append(x)
    return out


#: The groups' attributes on :class:`Terms`.
_ATTRIBUTES = frozenset(g.attribute() for g in GROUPS)


def group_names(groups: tuple[type[Group], ...]) -> tuple[str, ...]:
    """The flat parameter names of ``groups``."""
    return tuple(name for g in groups for name in g.names())
