"""Validation of user input into one typed, immutable parameter object.

Input comes from three places (DESIGN.md, data flow): scenario YAML files, the
notebook's ``parameters`` cell (possibly with Papermill's injected cell after it), and
``-p NAME VALUE`` on the command line. All of it goes through :func:`validate`, which
either returns a :class:`Parameters` object or raises one :class:`ParameterError`
whose message names the parameter, the value and what was expected.

The type and range checks are pydantic's, built from :mod:`models.schema`; the
messages are ours, so that a strategist reads the schema's unit and range rather than
pydantic's wording.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import json
import math
import numbers
import types
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, create_model

from .exceptions import ParameterError
from .schema import PARAMETERS, SPECS, ParamSpec

Range = tuple[float, float, float]

_PY_TYPES = {"float": float, "int": int, "str": str}


class _ParametersBase(BaseModel):
    """Behaviour shared by the generated :class:`Parameters` model."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)
    _ranges: dict[str, Range] = PrivateAttr(default_factory=dict)

    @property
    def ranges(self) -> dict[str, Range]:
        """Inputs given as ``[low, mode, high]``; the attribute holds the mode."""
        return dict(self._ranges)

    @property
    def months(self) -> int:
        """Number of monthly steps in the horizon."""
        return int(self.horizon_years) * 12  # type: ignore[attr-defined]

    def to_dict(self) -> dict[str, Any]:
        """All values (ranges as ``[low, mode, high]`` lists), in schema order."""
        out: dict[str, Any] = self.model_dump()
        for name, rng in self._ranges.items():
            out[name] = list(rng)
        return {p.name: out[p.name] for p in PARAMETERS}

    def overrides(self) -> dict[str, Any]:
        """Only the values that differ from the schema's defaults."""
        return {k: v for k, v in self.to_dict().items() if v != SPECS[k].default}

    def digest(self) -> str:
        """A short, stable hash of every value: equal parameters give equal digests."""
        canon = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canon.encode()).hexdigest()[:12]


def _field(spec: ParamSpec) -> tuple[type, Any]:
    kwargs: dict[str, Any] = {"description": spec.description}
    if spec.type == "str":
        kwargs["max_length"] = int(spec.max) if spec.max is not None else None
    else:
        kwargs["ge"] = spec.min
        kwargs["le"] = spec.max
    return _PY_TYPES[spec.type], Field(spec.default, **kwargs)


#: The validated parameter object: one attribute per schema entry, immutable.
Parameters: type[_ParametersBase] = create_model(  # type: ignore[call-overload]
    "Parameters",
    __base__=_ParametersBase,
    __doc__="Validated model inputs; build with :func:`models.params.validate`.",
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


def _plain(value: Any) -> Any:
    """Turn numpy scalars and tuples into plain Python values."""
    if (
        hasattr(value, "item")
        and not isinstance(value, str | bytes)
        and getattr(value, "shape", None) == ()
    ):
        return value.item()
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _error(spec: ParamSpec, value: Any, where: str, problem: str | None = None) -> ParameterError:
    what = problem or f"expected {spec.expected()}"
    return ParameterError(f"parameter {spec.name}={_show(value)}{where}: {what}")


def _check_range(spec: ParamSpec, value: list | tuple, where: str) -> Range:
    if not spec.uncertain:
        raise _error(spec, value, where, f"does not accept a range; expected {spec.expected()}")
    if len(value) != 3:
        raise _error(spec, value, where, "a range must be [low, mode, high] (3 numbers)")
    vals = [_plain(v) for v in value]
    for v in vals:
        if not _is_number(v) or not math.isfinite(v):
            raise _error(spec, value, where, f"every element must be a number; got {_show(v)}")
        if spec.type == "int" and not float(v).is_integer():
            raise _error(spec, value, where, f"every element must be an integer; got {v!r}")
        if (spec.min is not None and v < spec.min) or (spec.max is not None and v > spec.max):
            raise _error(
                spec, value, where, f"{v!r} is outside the valid range [{spec.min:g}, {spec.max:g}]"
            )
    low, mode, high = vals
    if not low <= mode <= high:
        raise _error(spec, value, where, "expected low <= mode <= high")
    cast = int if spec.type == "int" else float
    return cast(low), cast(mode), cast(high)


def validate(
    values: Mapping[str, Any] | None = None, *, where: str = "", **kwargs: Any
) -> _ParametersBase:
    """Validate user input and return the immutable :class:`Parameters` object.

    Parameters
    ----------
    values : mapping, optional
        Parameter names to values; missing names take their defaults. A parameter marked
        ``uncertain`` in the schema may be a ``[low, mode, high]`` list.
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
        range, or a malformed range. The message is one line.
    """
    raw = {**(values or {}), **kwargs}
    unknown = [k for k in raw if k not in SPECS]
    if unknown:
        name = unknown[0]
        hint = suggest(str(name))
        more = f" (and {len(unknown) - 1} more unknown)" if len(unknown) > 1 else ""
        did = f"; did you mean {hint}?" if hint else "; run `market-entry params` to list them"
        raise ParameterError(f"unknown parameter {name}={_show(raw[name])}{where}{did}{more}")

    scalars: dict[str, Any] = {}
    ranges: dict[str, Range] = {}
    for name, value in raw.items():
        value = _plain(value)
        spec = SPECS[name]
        if isinstance(value, list | tuple):
            ranges[name] = _check_range(spec, value, where)
            scalars[name] = ranges[name][1]
        elif spec.type == "float" and isinstance(value, int) and not isinstance(value, bool):
            scalars[name] = float(value)
        else:
            scalars[name] = value
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
    params._ranges.update(ranges)
    return params


_NOT_PARAMETERS = {"In", "Out", "exit", "quit", "get_ipython", "open"}
_PLAIN = (int, float, str, bool, list, tuple, dict, type(None), numbers.Real)


def parameter_cell_names(history: Any) -> set[str] | None:
    """Names assigned in the parameter cells run so far, from IPython's ``In`` history.

    A parameter cell starts with the comment ``# Parameters``: the notebook's own
    ``parameters`` cell and the cell Papermill injects after it both do. Returns None
    when there is no such history (plain Python, or the header was removed).
    """
    if not isinstance(history, list):
        return None
    names: set[str] = set()
    found = False
    for source in history:
        if not (isinstance(source, str) and source.lstrip().startswith("# Parameters")):
            continue
        found = True
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else ([node.target] if isinstance(node, ast.AnnAssign) else [])
            )
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names if found else None


def from_namespace(namespace: Mapping[str, Any], *, where: str = "") -> _ParametersBase:
    """Validate the parameters defined in a notebook's global namespace.

    Called as ``validate_notebook(globals())`` right after the notebook's ``parameters``
    cell (and Papermill's injected cell). In a kernel, the names checked are those
    assigned in the parameter cells (:func:`parameter_cell_names`), so a misspelt
    ``papermill -p`` name stops the run here, where Papermill itself only warns, while a
    strategist's own variables elsewhere in the notebook do not. Without IPython's
    history, every public name holding plain data (numbers, text, lists) is checked.
    """
    names = parameter_cell_names(namespace.get("In"))
    if names is not None:
        picked = {k: namespace[k] for k in names if k in namespace}
    else:
        picked = {
            k: v
            for k, v in namespace.items()
            if not k.startswith("_")
            and k not in _NOT_PARAMETERS
            and not isinstance(v, types.ModuleType)
            and not callable(v)
            and isinstance(v, _PLAIN)
        }
    return validate(picked, where=where)


def table_rows(params: _ParametersBase) -> Iterable[dict[str, Any]]:
    """Rows of (name, value, unit, default, source) for the report's parameter table."""
    values = params.to_dict()
    for spec in PARAMETERS:
        yield {
            "group": spec.group,
            "name": spec.name,
            "value": values[spec.name],
            "unit": spec.unit,
            "default": spec.default,
            "changed": values[spec.name] != spec.default,
            "source": spec.source,
        }
