"""What changed between two runs, and what each change did to the answer.

Two runs' manifests (:mod:`models.runner.run`) record the parameters given, the hashes
of the data and notebooks read, the code's commit, the installed packages and the
headline numbers. :func:`compare` lines them up; :func:`attribute` explains the change
in the NPV of each mode's most-likely case by the changed parameters, one at a time: each is
set to its new value with the others at their old ones (a one-at-a-time replacement,
as a tornado does), then all together. The parts need not add up to the whole when
parameters interact; the gap is reported as "interactions". Changes of data, code or
packages cannot be attributed this way and are listed as such.

Used by ``market-entry diff``, ``market-entry reproduce`` and the "Since the last run"
section of a scheduled report.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from models.analysis.drivers import expected_npv
from models.economics.modes import MODES
from models.exceptions import OutputError
from models.format import money, show
from models.inputs.display import format_value, label
from models.inputs.params import validate
from models.inputs.schema import SPECS

#: Relative and absolute tolerance under which two headline numbers are the same.
RTOL = 1e-9
ATOL = 1e-9


#: Keys of a run manifest that, when present, must hold a mapping (JSON object).
MAPPING_KEYS = (
    "headline",
    "parameters",
    "parameters_given",
    "overrides",
    "variant_overrides",
    "inputs",
    "packages",
    "timings_s",
    "limits",
)

#: Keys that, when present, must hold text (or null).
TEXT_KEYS = ("run_id", "scenario", "scenario_name", "status", "started", "git_commit", "error")


def _too_large(tree: Any, where: str = "") -> str | None:
    """The first number of ``tree`` beyond a float's range (an integer such as 10^400,
    which JSON allows and arithmetic on floats cannot take), by its dotted path."""
    if isinstance(tree, Mapping):
        for k, v in tree.items():
            found = _too_large(v, f"{where}{k}.")
            if found:
                return found
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            found = _too_large(v, f"{where}{i}.")
            if found:
                return found
    elif isinstance(tree, int) and not isinstance(tree, bool) and abs(tree) > 1e300:
        return where[:-1] or "the value"
    return None


def _shape_problem(m: Mapping[str, Any]) -> str | None:
    """What is wrong with the types of a manifest's keys (None: nothing)."""
    for key in MAPPING_KEYS:
        if key in m and m[key] is not None and not isinstance(m[key], Mapping):
            return f"{key} is a {type(m[key]).__name__}, expected a mapping"
    for key in TEXT_KEYS:
        if key in m and m[key] is not None and not isinstance(m[key], str):
            return f"{key} is a {type(m[key]).__name__}, expected text"
    inputs = m.get("inputs") or {}
    for key in ("data", "notebooks", "scenario"):
        if inputs.get(key) is not None and not isinstance(inputs[key], Mapping):
            return f"inputs.{key} is a {type(inputs[key]).__name__}, expected a mapping"
    modes = (m.get("headline") or {}).get("modes")
    if modes is not None and not (
        isinstance(modes, Mapping) and all(isinstance(v, Mapping) for v in modes.values())
    ):
        return "headline.modes is not a mapping of modes to mappings"
    if "official" in m and m["official"] is not None and not isinstance(m["official"], bool):
        return f"official is {show(m['official'], 20)}, expected true or false"
    for key in ("notebooks", "results"):
        if key in m and m[key] is not None and not isinstance(m[key], list):
            return f"{key} is a {type(m[key]).__name__}, expected a list"
    return None


def _time_problem(m: Mapping[str, Any]) -> str | None:
    """What is wrong with a manifest's ``started`` time (None: nothing, or absent)."""
    started = m.get("started")
    if started is None:
        return None
    try:
        when = datetime.fromisoformat(started)
    except ValueError:
        return f"started {show(started, 40)} is not an ISO 8601 time"
    if when.tzinfo is None:
        return f"started {show(started, 40)} has no time zone"
    return None


def manifest_problem(m: Any) -> str | None:
    """Why ``m`` cannot be read as a run's manifest, in words; None if it can.

    Every reader of earlier runs' manifests (the index, "Since the last run",
    retention, ``diff``, ``reproduce``) asks this first, so that a damaged or foreign
    manifest (a list where a mapping belongs, a mapping where text belongs, a number
    beyond a float's range) is skipped with a warning or refused in one line, never met
    half-way through with a traceback. The readers that compare runs
    (:func:`load_manifest`) also need ``started`` to be a time with its time zone; the
    index shows it as text, whatever it is.
    """
    if not isinstance(m, Mapping):
        return f"a {type(m).__name__}, expected a mapping"
    big = _too_large(m)
    if big:
        return f"{big} is a number too large to be a float"
    return _shape_problem(m)


def load_manifest(run_dir: str | Path, times: bool = True) -> dict[str, Any]:
    """A run folder's ``manifest.json``, read and checked (:func:`manifest_problem`;
    with ``times``, also its ``started`` time, which runs are compared by).

    Raises
    ------
    OutputError
        One line naming the folder and what is wrong: no manifest, not JSON (or not
        UTF-8), or a manifest that is not a run's.
    """
    run_dir = Path(run_dir)
    path = run_dir / "manifest.json"
    if not path.is_file():
        raise OutputError(
            f"run folder {run_dir}: no manifest.json; expected a folder of a run, "
            "e.g. reports/base/latest"
        )
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # JSONDecodeError, UnicodeDecodeError
        raise OutputError(f"run folder {run_dir}: manifest.json cannot be read ({exc})") from None
    problem = manifest_problem(m) or (_time_problem(m) if times else None)
    if problem is None and not isinstance(m.get("headline"), Mapping):
        problem = "it has no headline"
    if problem:
        raise OutputError(
            f"run folder {run_dir}: manifest.json is not a run's manifest ({problem})"
        )
    return m


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


def _finite(v: Any) -> bool:
    x = _number(v)
    return x is not None and math.isfinite(x)


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
        """What differs about the inputs, in words, most likely cause first (parameters
        by their labels, values with their units: :func:`value_in_words`)."""
        out = [
            f"{label(k)}: {value_in_words(k, a)} -> {value_in_words(k, b)}"
            for k, (a, b) in self.parameters.items()
        ]
        out += [f"data file {k}: {_hash(a)} -> {_hash(b)}" for k, (a, b) in self.data.items()]
        out += [f"notebook {k}: {_hash(a)} -> {_hash(b)}" for k, (a, b) in self.notebooks.items()]
        if self.commit:
            out.append(f"code commit: {_hash(self.commit[0])} -> {_hash(self.commit[1])}")
        out += [f"package {k}: {a} -> {b}" for k, (a, b) in self.packages.items()]
        return out


def value_in_words(name: str, v: Any) -> str:
    """A parameter's value as a reader writes it: with its unit (5.2 %, US$12 m), a
    range as ``low to high (most likely mode)``, None as the default's value."""
    if v is None:
        spec = SPECS.get(name)
        return "the default" + (f" ({value_in_words(name, spec.default)})" if spec else "")
    if name in SPECS and _number(v) is not None:
        return format_value(name, float(v)) if math.isfinite(float(v)) else show(v, 60)
    triple = isinstance(v, list | tuple) and len(v) == 3
    if name in SPECS and triple and all(_finite(x) for x in v):
        low, mode, high = (format_value(name, float(x)) for x in v)
        return f"{low} to {high} (most likely {mode})"
    return show(v, 60)


#: Words for the headline's numbers of each mode (``modes.<mode>.<key>``).
MODE_NUMBERS = {
    "mean": "mean NPV",
    "median": "median NPV",
    "p5": "NPV, 5th percentile",
    "p95": "NPV, 95th percentile",
    "p_loss": "chance of a loss",
    "p_best": "chance of being the best mode",
    "p_gain_if_run": "chance of a gain if run to the horizon",
    "expected": "NPV in the most-likely case",
    "committed": "mean NPV if never left",
    "adaptive": "mean NPV under the review rule",
    "foresight": "mean NPV with foresight",
}

#: Words for the headline's other numbers.
HEADLINE_NUMBERS = {
    "recommended": "recommended",
    "runner_up": "runner-up",
    "lead.mean": "lead over the runner-up (mean NPV)",
    "lead.se": "standard error of the lead",
    "deal_zone.exists": "a deal zone exists",
    "deal_zone.low": "deal zone, lowest revenue share",
    "deal_zone.high": "deal zone, highest revenue share",
    "deal_zone.alternative": "deal zone, the streamer's alternative",
    "probability_best": "how sure (share of futures in which the recommendation is best)",
    "n_paths": "futures simulated",
    "decision_rule": "decision rule",
    "checks_failed": "model checks failed",
    "checks_uninformative": "model checks uninformative",
}

_MONEY = {"mean", "median", "p5", "p95", "expected", "committed", "adaptive", "foresight"}
_SHARES = {"p_loss", "p_best", "p_gain_if_run"}


def _kind(key: str) -> str:
    """How a headline number reads: ``money`` (US$ m), ``share``, ``mode`` or ``other``."""
    last = key.rsplit(".", 1)[-1]
    if (key.startswith("modes.") and last in _MONEY) or key.startswith("npv_usd_m."):
        return "money"
    if key in ("lead.mean", "lead.se"):
        return "money"
    if key.startswith("modes.") and last in _SHARES:
        return "share"
    if key in ("probability_best", "deal_zone.low", "deal_zone.high"):
        return "share"
    if key in ("recommended", "runner_up", "deal_zone.alternative"):
        return "mode"
    return "other"


def headline_label(key: str) -> str:
    """A headline number's name in words (``modes.solo.mean``: "Solo, mean NPV")."""
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "modes":
        return f"{MODES.label(parts[1])}, {MODE_NUMBERS.get(parts[2], parts[2])}"
    if len(parts) == 2 and parts[0] == "npv_usd_m":  # manifests before headline.modes
        return f"{MODES.label(parts[1])}, mean NPV"
    return HEADLINE_NUMBERS.get(key, key)


def headline_value(key: str, v: Any) -> str:
    """A headline number as a reader writes it (``$103 m``, ``−$30 m``, ``12.5 %``)."""
    if v is None:
        return "(none)"
    if isinstance(v, bool):
        return "yes" if v else "no"
    x = _number(v)
    if x is not None and not math.isfinite(x):
        return "n/a"
    kind = _kind(key)
    if x is not None and kind == "money":
        return money(x)
    if x is not None and kind == "share":
        return f"{x:.1%}".replace("%", " %")
    if x is not None:
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.4g}"
    if kind == "mode" and isinstance(v, str):
        return MODES.label(v)
    if isinstance(v, list):
        return ", ".join(str(i) for i in v) if v else "(none)"
    return show(v, 60)


def headline_change(key: str, a: Any, b: Any) -> str:
    """The change of a headline number in words (``+$12 m``, ``+3.1 points``; empty if
    the values are not both finite numbers)."""
    x, y = _number(a), _number(b)
    if x is None or y is None or not (math.isfinite(x) and math.isfinite(y)):
        return ""
    kind = _kind(key)
    if kind == "money":
        return money(y - x, signed=True)
    if kind == "share":
        return f"{(y - x) * 100:+.1f} points"
    return f"{y - x:+,.4g}"


def headline_lines(table: pd.DataFrame, limit: int | None = None) -> tuple[list[str], int]:
    """The headline numbers that differ, one line each in words (``Solo, mean NPV:
    −$30 m -> −$28 m (+$1.5 m)``), at most ``limit`` of them (None: all).

    Returns
    -------
    (lines, hidden)
        The lines, and how many differing numbers were left out.
    """
    moved = table[~table["same"].astype(bool)]
    shown = moved if limit is None else moved.head(limit)
    lines = []
    for row in shown.itertuples():
        change = headline_change(row.key, row.a, row.b)
        a, b = headline_value(row.key, row.a), headline_value(row.key, row.b)
        lines.append(f"{headline_label(row.key)}: {a} -> {b}" + (f" ({change})" if change else ""))
    return lines, len(moved) - len(shown)


def attribution_lines(attribution: pd.DataFrame) -> list[str]:
    """The attribution table (:func:`attribute`) as aligned text: a row per driver by its
    label, a column per mode by its label, the changes as signed money (``−$30 m``)."""
    rows = [
        [label(str(i)) if str(i) in SPECS else str(i)]
        + [
            money(float(v), signed=True) if math.isfinite(float(v)) else "n/a"
            for v in attribution.loc[i]
        ]
        for i in attribution.index
    ]
    header = ["driver"] + [MODES.label(str(m)) for m in attribution.columns]
    widths = [max(len(r[j]) for r in [header, *rows]) for j in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    return [line(header), *(line(r) for r in rows)]


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
    """The change in the NPV of each mode's most-likely case from run a's parameters to run b's,
    by changed parameter (one at a time from a), then all together and the remainder.

    Returns
    -------
    pandas.DataFrame
        Index: the changed parameters, then ``all together`` and ``interactions``;
        columns: the modes (US$ m).
    """
    changed = _changed(dict(given_a), dict(given_b))
    for name in ("scenario_name", "scenario_notes"):
        changed.pop(name, None)
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
