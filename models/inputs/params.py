"""Validation of user input into one typed, immutable parameter object.

Input comes from three places (docs/design.md, "Data flow"): scenario YAML files, the
notebook's ``parameters`` cell (possibly with Papermill's injected cell after it), and
``-p NAME VALUE`` on the command line. All of it goes through :func:`validate`, which
either returns a :class:`Parameters` object or raises one :class:`ParameterError`
whose message names the parameter, the value and what was expected.

An input marked ``uncertain`` in :mod:`models.inputs.schema` may be given as a number (fixed:
the Monte Carlo engine does not sample it), as ``[low, mode, high]`` (a PERT
distribution) or as a mapping naming a distribution, e.g. ``{"dist": "normal", "mean":
0.1, "sd": 0.02}`` (:mod:`models.inputs.distributions`). Left at its default, it is sampled from
PERT(low, default, high) over the schema's ``default_range``, if it has one.
:attr:`Parameters.distributions` says what the engine samples, and ``correlations``
gives rank correlations between those inputs.

The type and range checks are pydantic's, built from :mod:`models.inputs.schema`; the
messages are ours, so that a strategist reads the schema's unit and range rather than
pydantic's wording.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, create_model

from models.exceptions import ParameterError
from models.format import cut, plain, show
from models.inputs.correlation import correlation_matrix, smallest_eigenvalue
from models.inputs.distributions import Distribution, parse_parameter
from models.inputs.schema import PARAMETERS, SPECS
from models.inputs.spec import ParamSpec

Range = tuple[float, float, float]
Spec = Range | dict[str, Any]
Pair = tuple[str, str, float]

_PY_TYPES = {"float": float, "int": int, "str": str}
_NUMERIC = ("float", "int")


class _ParametersBase(BaseModel):
    """Behaviour shared by the generated :class:`Parameters` model."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)
    _specs: dict[str, Spec] = PrivateAttr(default_factory=dict)
    _given: dict[str, Distribution] = PrivateAttr(default_factory=dict)
    _pinned: frozenset[str] = PrivateAttr(default=frozenset())
    _sampled: dict[str, Distribution] | None = PrivateAttr(default=None)
    _default_pairs: bool = PrivateAttr(default=True)

    @property
    def ranges(self) -> dict[str, Range]:
        """Inputs given as ``[low, mode, high]`` lists; the attribute holds the mode."""
        return {k: v for k, v in self._specs.items() if isinstance(v, tuple)}

    @property
    def specs(self) -> dict[str, list[float] | dict[str, Any]]:
        """Every uncertainty spec the user gave, in schema order.

        ``[low, mode, high]`` ranges as lists, distributions as their canonical mapping
        (:meth:`models.uncertainty.Distribution.to_spec`); the attribute holds the mode.
        """
        return {
            p.name: _spec_value(self._specs[p.name]) for p in PARAMETERS if p.name in self._specs
        }

    @property
    def pinned(self) -> frozenset[str]:
        """Uncertain inputs the user fixed to a plain number (not sampled, even at the
        default value)."""
        return self._pinned

    @property
    def distributions(self) -> dict[str, Distribution]:
        """What the Monte Carlo engine samples, in schema order.

        For each uncertain numeric input: the distribution the user gave (a range or a
        mapping); nothing if the user gave a plain number (:attr:`pinned`) or a
        degenerate range (``low == high``); otherwise PERT(low, default, high) over the
        schema's ``default_range``, if it has one.
        """
        if self._sampled is None:
            self._sampled = _sampled(self._given, self._pinned | set(self._specs))
        return dict(self._sampled)

    @property
    def correlation_pairs(self) -> tuple[Pair, ...]:
        """The rank correlations as ``(name, name, rho)`` tuples (the ``correlations``
        attribute)."""
        return tuple(self.correlations)  # type: ignore[attr-defined]

    @property
    def months(self) -> int:
        """Number of monthly steps in the horizon."""
        return int(self.horizon_years) * 12  # type: ignore[attr-defined]

    def to_dict(self) -> dict[str, Any]:
        """All values, in schema order, in the form :func:`validate` accepts.

        Uncertainty specs are given as given (``[low, mode, high]`` lists, distribution
        mappings) and ``correlations`` as a list of ``[name, name, rho]`` lists.
        """
        out: dict[str, Any] = self.model_dump()
        for name, spec in self._specs.items():
            out[name] = _spec_value(spec)
        for p in PARAMETERS:
            if p.type == "pairs":
                out[p.name] = [list(t) for t in out[p.name]]
        return {p.name: out[p.name] for p in PARAMETERS}

    def overrides(self) -> dict[str, Any]:
        """The values that differ from the schema's defaults, plus every :attr:`pinned`
        input (even at its default), so that ``validate(p.overrides())`` rebuilds ``p``.

        The schema's correlations stay the schema's: when some of their pairs were left
        out because this parameter set fixes one of their inputs, ``correlations`` is
        still not an override, so a copy that fixes another input (:meth:`replace`, the
        notebook's injected cell) leaves out that input's pairs in turn, rather than
        being refused for correlating a fixed input.
        """
        return {
            k: v
            for k, v in self.to_dict().items()
            if k in self._pinned or not self._is_default(SPECS[k], v)
        }

    def _is_default(self, spec: ParamSpec, value: Any) -> bool:
        if spec.type == "pairs":
            return self._default_pairs
        return is_default(spec, value)

    def replace(self, **changes: Any) -> _ParametersBase:
        """A validated copy with ``changes`` applied over this parameter set.

        Unlike ``validate({**p.to_dict(), ...})``, which gives every input as a number
        and so pins them all, this keeps what is sampled, pinned and correlated.

        An input that ``changes`` fixes to a number leaves the correlation pairs it is in
        (a known value has nothing to correlate), the scenario's own pairs as the
        default ones: the tornado, the model checks and the what-if pin inputs this way,
        and a scenario that correlates one of them must not make them fail.
        """
        values = {**self.overrides(), **changes}
        pairs = values.get("correlations")
        if "correlations" not in changes and isinstance(pairs, list | tuple):
            fixed = {k for k, v in changes.items() if _is_number(v)}
            values["correlations"] = [t for t in pairs if not fixed & {t[0], t[1]}]
        return validate(values)

    def digest(self) -> str:
        """A short, stable hash of every value: equal parameters give equal digests.

        Pinned inputs are part of it, since pinning an input at its default changes what
        the Monte Carlo engine samples.
        """
        payload: dict[str, Any] = self.to_dict()
        if self._pinned:
            payload = {"values": payload, "pinned": sorted(self._pinned)}
        canon = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canon.encode()).hexdigest()[:12]


def _spec_value(spec: Spec) -> list[float] | dict[str, Any]:
    return list(spec) if isinstance(spec, tuple) else dict(spec)


def is_default(spec: ParamSpec, value: Any) -> bool:
    """Whether ``value`` is the schema default of ``spec`` (an uncertainty spec never
    is; pairs when they list the schema's own)."""
    value = plain(value)
    if spec.type == "pairs":
        return isinstance(value, list | tuple) and _same_pairs(value, spec.default)
    if isinstance(value, list | tuple | Mapping | bool):
        return False
    if spec.type == "str":
        return value == spec.default
    return _is_number(value) and value == spec.default


def _field(spec: ParamSpec) -> tuple[Any, Any]:
    kwargs: dict[str, Any] = {"description": spec.description}
    if spec.type == "pairs":
        return tuple[tuple[str, str, float], ...], Field(tuple(spec.default), **kwargs)
    if spec.type == "str":
        if spec.choices:
            return Literal[spec.choices], Field(spec.default, **kwargs)  # type: ignore[valid-type]
        kwargs["max_length"] = int(spec.max) if spec.max is not None else None
    else:
        kwargs["ge"] = spec.min
        kwargs["le"] = spec.max
    return _PY_TYPES[spec.type], Field(spec.default, **kwargs)


#: The validated parameter object: one attribute per schema entry, immutable.
Parameters: type[_ParametersBase] = create_model(  # type: ignore[call-overload]
    "Parameters",
    __base__=_ParametersBase,
    __doc__="Validated model inputs; build with :func:`models.inputs.params.validate`.",
    **{p.name: _field(p) for p in PARAMETERS},
)


def suggest(name: str) -> str | None:
    """Return the valid parameter name nearest to ``name``, if any is close."""
    close = difflib.get_close_matches(name, list(SPECS), n=1, cutoff=0.6)
    if close:
        return close[0]
    # a unit or prefix typed differently: match on the shared stem
    stem = [n for n in SPECS if name and (name in n or n in name)]
    return stem[0] if len(stem) == 1 else None


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _finite(value: Any) -> bool:
    """Whether a number is finite as a float (an int beyond the largest float is not)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _error(spec: ParamSpec, value: Any, where: str, problem: str | None = None) -> ParameterError:
    what = problem or f"expected {spec.expected()}"
    return ParameterError(f"parameter {spec.name}={show(value, 60)}{where}: {what}")


def _check_range(spec: ParamSpec, value: list | tuple, where: str) -> Range:
    """Check a ``[low, mode, high]`` list element by element (the clearest messages for
    the common mistakes); :func:`models.uncertainty.parse_parameter` then builds the PERT."""
    if not spec.uncertain or spec.type not in _NUMERIC:
        raise _error(spec, value, where, f"does not accept a range; expected {spec.expected()}")
    if len(value) != 3:
        raise _error(spec, value, where, "a range must be [low, mode, high] (3 numbers)")
    vals = [plain(v) for v in value]
    for v in vals:
        if not _is_number(v) or not _finite(v):
            raise _error(spec, value, where, f"every element must be a number; got {show(v, 60)}")
        if spec.type == "int" and not float(v).is_integer():
            raise _error(spec, value, where, f"every element must be an integer; got {show(v)}")
        if (spec.min is not None and v < spec.min) or (spec.max is not None and v > spec.max):
            raise _error(
                spec,
                value,
                where,
                f"{show(v)} is outside the valid range [{spec.min:g}, {spec.max:g}]",
            )
    low, mode, high = vals
    if not low <= mode <= high:
        raise _error(spec, value, where, "expected low <= mode <= high")
    cast = int if spec.type == "int" else float
    return cast(low), cast(mode), cast(high)


@functools.cache
def _default_distribution(name: str) -> Distribution | None:
    """PERT(low, default, high) over the schema's ``default_range``, or None."""
    spec = SPECS[name]
    if spec.default_range is None or spec.default_range[0] == spec.default_range[1]:
        return None
    low, high = spec.default_range
    return parse_parameter(name, [low, spec.default, high], where=" (schema default)")


def _sampled(given: Mapping[str, Distribution], fixed: Iterable[str]) -> dict[str, Distribution]:
    """The distributions to sample: the user's, else the schema's default PERTs, except
    for ``fixed`` inputs (pinned, or given a degenerate range). Schema order."""
    fixed = set(fixed)
    out: dict[str, Distribution] = {}
    for p in PARAMETERS:
        if not p.uncertain or p.type not in _NUMERIC:
            continue
        if p.name in given:
            out[p.name] = given[p.name]
        elif p.name not in fixed:
            default = _default_distribution(p.name)
            if default is not None:
                out[p.name] = default
    return out


def _check_pairs(
    spec: ParamSpec,
    value: Any,
    where: str,
    sampled: Mapping[str, Distribution],
    fixed: Mapping[str, str],
) -> tuple[Pair, ...]:
    """Validate the ``correlations`` triples against the inputs that are sampled."""

    def fail(problem: str) -> ParameterError:
        return _error(spec, value, where, problem)

    if not isinstance(value, list | tuple):
        raise fail(f"expected {spec.expected()}")
    if _same_pairs(value, spec.default):
        # the schema's pairs: those whose inputs this scenario fixes are left out
        value = [t for t in spec.default if t[0] in sampled and t[1] in sampled]
    if spec.max is not None and len(value) > spec.max:
        raise fail(f"{len(value)} pairs; expected at most {int(spec.max)}")
    pairs: list[Pair] = []
    seen: set[frozenset[str]] = set()
    for item in value:
        item = plain(item)
        if isinstance(item, str | bytes) or not isinstance(item, Sequence) or len(item) != 3:
            raise fail(f"each item must be [name, name, rank correlation]; got {show(item, 60)}")
        a, b, rho = (plain(x) for x in item)
        for n in (a, b):
            if not isinstance(n, str):
                raise fail(f"{show(n, 60)} is not a parameter name; expected [name, name, rho]")
            if n not in SPECS:
                close = difflib.get_close_matches(n, list(sampled), n=1, cutoff=0.6)
                hint = close[0] if close else suggest(n)
                did = f"; did you mean {hint}?" if hint else "; expected an uncertain parameter"
                raise fail(f"unknown parameter {n}{did}")
            if n not in sampled:
                why = fixed.get(n) or _why_fixed(SPECS[n])
                raise fail(f"{n} {why}, so it has no distribution to correlate")
        if a == b:
            raise fail(f"{a} is paired with itself; expected two different parameters")
        if not _is_number(rho) or not math.isfinite(rho) or not -1 <= rho <= 1:
            raise fail(f"rho={show(rho, 60)} for {a} and {b}; expected a number in [-1, 1]")
        key = frozenset((a, b))
        if key in seen:
            raise fail(f"the pair {a}, {b} is given twice; expected each pair once")
        seen.add(key)
        pairs.append((a, b, float(rho)))
    names = [n for n in sampled if any(n in (a, b) for a, b, _ in pairs)]
    try:
        correlation_matrix(names, pairs)
    except ParameterError as exc:
        if "positive semi-definite" not in str(exc):
            raise fail(str(exc)) from None
        low = smallest_eigenvalue(_matrix(names, pairs))
        raise fail(
            f"the correlations are not positive semi-definite (smallest eigenvalue {low:.3g}); "
            "expected a consistent set, e.g. lower the largest correlations"
        ) from None
    return tuple(pairs)


def _check_growth_below_discount(params: _ParametersBase, where: str) -> None:
    """A Gordon continuing value needs the long-run growth below the discount rate."""
    g, r = params.finance_terminal_growth_year, params.finance_discount_rate_year
    if params.finance_terminal_method == "gordon" and g > r - 0.01:
        raise ParameterError(
            f"parameter finance_terminal_growth_year={g:g}{where}: expected at least 1 % "
            f"below finance_discount_rate_year={r:g} (a perpetuity growing as fast as it is "
            "discounted has no value); lower it or set finance_terminal_method"
        )


#: The fewest positions an offline what-if's design may have: two more than its most
#: sliders (models.analysis.whatif offers 4 + 2 inputs and 2 terms), with room for a
#: mode's term more; fewer would be refused inside the notebook, after `check` said ok.
WHATIF_MIN_POSITIONS = 12


def _check_whatif_positions(params: _ParametersBase, where: str) -> None:
    n = params.whatif_positions
    if 0 < n < WHATIF_MIN_POSITIONS:
        raise ParameterError(
            f"parameter whatif_positions={n}{where}: expected 0 (no offline what-if) or at "
            f"least {WHATIF_MIN_POSITIONS} (the start, and positions along each slider)"
        )


def _same_pairs(value: Any, default: Any) -> bool:
    """Whether ``value`` lists the same triples as ``default`` (lists or tuples)."""
    try:
        return [tuple(plain(x) for x in t) for t in value] == [tuple(t) for t in default]
    except TypeError:
        return False


def _matrix(names: list[str], pairs: list[Pair]) -> list[list[float]]:
    index = {n: i for i, n in enumerate(names)}
    mat = [[1.0 if i == j else 0.0 for j in names] for i in names]
    for a, b, rho in pairs:
        mat[index[a]][index[b]] = mat[index[b]][index[a]] = rho
    return mat


def _why_fixed(spec: ParamSpec) -> str:
    if not spec.uncertain or spec.type not in _NUMERIC:
        return "is not an uncertain parameter"
    return "is not sampled by default (give it a range or a distribution to sample it)"


def validate(
    values: Mapping[str, Any] | None = None, *, where: str = "", **kwargs: Any
) -> _ParametersBase:
    """Validate user input and return the immutable :class:`Parameters` object.

    Parameters
    ----------
    values : mapping, optional
        Parameter names to values; missing names take their defaults. A parameter marked
        ``uncertain`` in the schema may be a ``[low, mode, high]`` list (PERT) or a
        mapping with a ``dist`` key (:mod:`models.inputs.distributions`); its attribute then holds
        the distribution's ``mode_value`` (rounded for integer parameters). A plain
        number fixes (pins) it. ``correlations`` is a list of ``[name, name, rho]``
        triples naming inputs that are sampled.
    where : str, optional
        Where the values came from (e.g. ``" in data/scenarios/base.yaml"``), appended to
        the parameter name in error messages.
    **kwargs
        More values, merged over ``values``.

    Returns
    -------
    Parameters

    Raises
    ------
    ParameterError
        For an unknown name (with the nearest valid name), a wrong type, a value out of
        range or not among a text parameter's choices, a malformed range or
        distribution, or bad correlations (unknown or unsampled names, rho outside
        [-1, 1], a repeated pair, a set that is not positive semi-definite). The message
        is one line.
    """
    raw = {**(values or {}), **kwargs}
    unknown = [k for k in raw if k not in SPECS]
    if unknown:
        name = unknown[0]
        hint = suggest(str(name))
        more = f" (and {len(unknown) - 1} more unknown)" if len(unknown) > 1 else ""
        did = f"; did you mean {hint}?" if hint else "; run `market-entry params` to list them"
        raise ParameterError(
            f"unknown parameter {cut(str(name), 60)}={show(raw[name], 60)}{where}{did}{more}"
        )

    scalars: dict[str, Any] = {}
    specs: dict[str, Spec] = {}
    given: dict[str, Distribution] = {}
    pinned: set[str] = set()
    fixed: dict[str, str] = {}
    pair_value: tuple[str, Any] | None = None
    for name, value in raw.items():
        value = plain(value)
        spec = SPECS[name]
        cast = int if spec.type == "int" else float
        if spec.type == "pairs":
            pair_value = (name, value)
            continue
        if isinstance(value, list | tuple):
            rng = _check_range(spec, value, where)
            specs[name] = rng
            scalars[name] = rng[1]
            if rng[0] == rng[2]:
                fixed[name] = f"is fixed by the degenerate range {list(rng)}"
            else:
                given[name] = parse_parameter(name, list(rng), where=where)
        elif isinstance(value, Mapping):
            dist = parse_parameter(name, dict(value), where=where)
            given[name] = dist
            specs[name] = dist.to_spec()
            scalars[name] = cast(round(dist.mode_value)) if spec.type == "int" else dist.mode_value
        elif spec.type == "float" and isinstance(value, int) and not isinstance(value, bool):
            if not _finite(value):
                raise _error(spec, value, where)
            scalars[name] = float(value)
        else:
            scalars[name] = value
        if spec.uncertain and spec.type in _NUMERIC and _is_number(value):
            pinned.add(name)
            fixed[name] = (
                "is fixed to a number here (give it a range or a distribution to sample it)"
            )
    try:
        params = Parameters(**scalars)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0])
        problems = {str(e["loc"][0]) for e in exc.errors()}
        more = f" (and {len(problems) - 1} more invalid)" if len(problems) > 1 else ""
        spec = SPECS[name]
        err = _error(spec, raw.get(name), where)
        raise ParameterError(f"{err}{more}") from None
    _check_growth_below_discount(params, where)
    _check_whatif_positions(params, where)
    sampled = _sampled(given, fixed)
    name, value = pair_value or ("correlations", SPECS["correlations"].default)
    pairs = _check_pairs(SPECS[name], value, where, sampled, fixed)
    params = params.model_copy(update={name: pairs})
    params._specs.update(specs)
    params._given.update(given)
    params._pinned = frozenset(pinned)
    params._sampled = sampled
    params._default_pairs = is_default(SPECS[name], value)
    return params


def table_rows(params: _ParametersBase) -> Iterable[dict[str, Any]]:
    """Rows of (name, value, unit, default, source) for the report's parameter table."""
    values = params.to_dict()
    for spec in PARAMETERS:
        value = values[spec.name]
        yield {
            "group": spec.group,
            "name": spec.name,
            "value": value,
            "unit": spec.unit,
            "default": list(spec.default) if spec.type == "pairs" else spec.default,  # type: ignore[arg-type]
            "changed": not is_default(spec, value),
            "source": spec.source,
        }
