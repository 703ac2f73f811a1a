"""What changed between two runs, and what each change did to the answer.

Two runs' manifests (:mod:`models.runner.run`) record the parameters given, the hashes
of the data and notebooks read, the code's commit, the installed packages and the
headline numbers. :func:`compare` lines them up; :func:`attribute` explains the change
in each mode's expected-case NPV by the changed parameters, one at a time: each is
set to its new value with the others at their old ones (a one-at-a-time replacement,
as a tornado does), then all together. The parts need not add up to the whole when
parameters interact; the gap is reported as "interactions". Changes of data, code or
packages cannot be attributed this way and are listed as such.

Used by ``market-entry diff``, ``market-entry reproduce`` and the "Since the last run"
section of a scheduled report.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from models.analysis.drivers import expected_npv
from models.inputs.params import validate

#: Relative and absolute tolerance under which two headline numbers are the same.
RTOL = 1e-9
ATOL = 1e-9


def flatten(tree: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves of nested mappings, keyed by dotted path (``modes.solo.mean``)."""
    out: dict[str, Any] = {}
    if isinstance(tree, Mapping):
        for k, v in tree.items():
            out.update(flatten(v, f"{prefix}{k}."))
    else:
        out[prefix[:-1]] = tree
    return out


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def same(a: Any, b: Any) -> bool:
    """Whether two headline values agree (numbers within :data:`RTOL`/:data:`ATOL`)."""
    x, y = _number(a), _number(b)
    if x is not None and y is not None:
        if math.isnan(x) and math.isnan(y):
            return True
        return math.isclose(x, y, rel_tol=RTOL, abs_tol=ATOL)
    return a == b


def given(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters a run was given (what differs from the defaults), as
    :func:`~models.inputs.params.validate` takes them."""
    if isinstance(manifest.get("parameters_given"), Mapping):
        return dict(manifest["parameters_given"])
    # manifests before parameters_given: every value (uncertain inputs then count as
    # pinned where the run sampled them; the hash tells)
    return dict(manifest.get("parameters") or {})


def _changed(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    keys = list(dict.fromkeys([*a, *b]))
    return {k: (a.get(k), b.get(k)) for k in keys if not same(a.get(k), b.get(k))}


@dataclass(frozen=True)
class Comparison:
    """Two runs side by side (``a`` the earlier or reference, ``b`` the other).

    Attributes
    ----------
    parameters : dict
        Parameter name to (value in a, value in b), where they differ (None: not given,
        so the default).
    data, notebooks : dict
        File to (hash in a, hash in b), where they differ (None: not recorded).
    commit : tuple or None
        (commit of a, commit of b) if they differ.
    packages : dict
        Package to (version in a, version in b), where they differ.
    headline : pandas.DataFrame
        Every headline number: ``key``, ``a``, ``b``, ``change`` (b - a) and ``same``.
    """

    parameters: dict[str, tuple[Any, Any]]
    data: dict[str, tuple[Any, Any]]
    notebooks: dict[str, tuple[Any, Any]]
    commit: tuple[Any, Any] | None
    packages: dict[str, tuple[Any, Any]]
    headline: pd.DataFrame = field(repr=False)

    @property
    def inputs_same(self) -> bool:
        """Whether nothing recorded about the inputs differs."""
        return not (self.parameters or self.data or self.notebooks or self.commit or self.packages)

    @property
    def headline_same(self) -> bool:
        """Whether every headline number agrees."""
        return bool(self.headline["same"].all()) if len(self.headline) else True

    def differences(self) -> list[str]:
        """What differs about the inputs, in words, most likely cause first."""
        out = [f"parameter {k}: {_show(a)} -> {_show(b)}" for k, (a, b) in self.parameters.items()]
        out += [f"data file {k}: {_hash(a)} -> {_hash(b)}" for k, (a, b) in self.data.items()]
        out += [f"notebook {k}: {_hash(a)} -> {_hash(b)}" for k, (a, b) in self.notebooks.items()]
        if self.commit:
            out.append(f"code commit: {_hash(self.commit[0])} -> {_hash(self.commit[1])}")
        out += [f"package {k}: {a} -> {b}" for k, (a, b) in self.packages.items()]
        return out


def _show(v: Any) -> str:
    from models.format import show

    return "(default)" if v is None else show(v, 60)


def _hash(v: Any) -> str:
    return "(none)" if v is None else str(v)[:12]


def compare(a: Mapping[str, Any], b: Mapping[str, Any]) -> Comparison:
    """Line up two run manifests (see :class:`Comparison`)."""
    inputs_a, inputs_b = a.get("inputs") or {}, b.get("inputs") or {}
    data = _changed(inputs_a.get("data") or {}, inputs_b.get("data") or {})
    notebooks = _changed(
        {k.rsplit("/", 1)[-1]: v for k, v in (inputs_a.get("notebooks") or {}).items()},
        {k.rsplit("/", 1)[-1]: v for k, v in (inputs_b.get("notebooks") or {}).items()},
    )
    commit = (a.get("git_commit"), b.get("git_commit"))
    packages = _changed(a.get("packages") or {}, b.get("packages") or {})
    params = _changed(given(a), given(b))
    params.pop("scenario_name", None)  # a label
    params.pop("scenario_notes", None)
    ha, hb = flatten(a.get("headline") or {}), flatten(b.get("headline") or {})
    rows = []
    for key in dict.fromkeys([*ha, *hb]):
        va, vb = ha.get(key), hb.get(key)
        x, y = _number(va), _number(vb)
        rows.append(
            {
                "key": key,
                "a": va,
                "b": vb,
                "change": (y - x) if x is not None and y is not None else None,
                "same": same(va, vb),
            }
        )
    return Comparison(
        parameters=params,
        data=data,
        notebooks=notebooks,
        commit=commit if commit[0] != commit[1] else None,
        packages=packages,
        headline=pd.DataFrame(rows, columns=["key", "a", "b", "change", "same"]),
    )


def attribute(given_a: Mapping[str, Any], given_b: Mapping[str, Any]) -> pd.DataFrame:
    """The change in each mode's expected-case NPV from run a's parameters to run b's,
    by changed parameter (one at a time from a), then all together and the remainder.

    Returns
    -------
    pandas.DataFrame
        Index: the changed parameters, then ``all together`` and ``interactions``;
        columns: the modes (US$ m).
    """
    changed = _changed(dict(given_a), dict(given_b))
    for label in ("scenario_name", "scenario_notes"):
        changed.pop(label, None)
    pa, pb = validate(dict(given_a)), validate(dict(given_b))
    base = expected_npv(pa)
    rows = {}
    for name in changed:
        one = {k: v for k, v in given_a.items() if k != name}
        if name in given_b:
            one[name] = given_b[name]
        rows[name] = expected_npv(validate(one)) - base
    total = expected_npv(pb) - base
    out = pd.DataFrame(rows).T if rows else pd.DataFrame(columns=base.index)
    out.loc["all together"] = total
    out.loc["interactions"] = total - out.drop(index="all together").sum()
    return out
