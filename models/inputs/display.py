"""How a parameter is named and its value written for a reader.

:func:`label` gives an input's short name ("monthly churn", from its
:class:`~models.inputs.spec.ParamSpec`) and :func:`format_value` a value with its unit
as a reader would write it (5.2 %, US$12 m), for charts, tables and sentences. (The
plotly renderer of the reports is :mod:`models.reporting.display`.)
"""

from __future__ import annotations

import math

from models.inputs.schema import SPECS


def label(name: str) -> str:
    """Short reader-facing name of a parameter (its name if none is set, or if ``name``
    is not a parameter)."""
    spec = SPECS.get(name)
    return spec.label if spec is not None else name


def _places(step: float | None, least: int, scale: float = 1.0) -> int:
    """Decimals that show one ``step`` (at least ``least``)."""
    if not step:
        return least
    return max(least, -math.floor(math.log10(step * scale) + 1e-9))


def _shown(value: float) -> int:
    """Decimals of a US$ m value: below US$10 m as many as the value has, up to three
    (US$0.35 m, not US$0.3 m); above, one."""
    if abs(value) >= 10:
        return 1
    return next((d for d in (1, 2) if abs(round(value, d) - value) < 1e-9), 3)


def value_format(name: str, step: float) -> dict[str, object]:
    """How :func:`format_value` writes a value of ``name`` on a slider of ``step``: the
    value times ``scale``, to ``decimals`` places, with thousands separators if
    ``grouped``, between ``prefix`` and ``suffix``; if ``exact``, below 10 with as many
    decimals as the value has, up to three (US$0.355 m: :func:`_shown`). The offline
    what-if's script writes a slider's value from it as the report does; a browser test
    holds the two equal."""
    spec = SPECS[name]
    unit = spec.unit

    def fmt(
        scale: float, decimals: int, prefix: str, suffix: str, grouped: bool, exact: bool = False
    ) -> dict:
        return {
            "scale": scale,
            "decimals": decimals,
            "prefix": prefix,
            "suffix": suffix,
            "grouped": grouped,
            "exact": exact,
        }

    if unit.startswith("fraction") or unit.startswith("probability"):
        return fmt(100.0, _places(step, 1, 100), "", "%", False)
    if unit.startswith("US$ m"):
        return fmt(1.0, _places(step, 1), "US$", " m" + unit[len("US$ m") :], True, True)
    if unit.startswith("US$ per"):
        return fmt(1.0, _places(step, 2), "US$", unit[len("US$") :], True)
    if spec.type == "int":
        return fmt(1.0, 0, "", f" {unit}" if unit else "", False)
    if unit == "months":
        return fmt(1.0, _places(step, 1), "", " months", False)
    if unit.startswith("multiple of"):
        return fmt(1.0, _places(step, 0), "", " x", False)
    return fmt(1.0, _places(step, 0), "", f" {unit}" if unit else "", True)


def format_value(name: str, value: float, step: float | None = None) -> str:
    """A parameter value with its unit, as a reader would write it (5.2 %, US$12 m).

    With ``step`` (a slider's), enough decimals that one step shows
    (:func:`value_format`).
    """
    if step:
        f = value_format(name, step)
        x = value * f["scale"]
        places = max(f["decimals"], _shown(value)) if f["exact"] else f["decimals"]
        body = f"{x:,.{places}f}" if f["grouped"] else f"{x:.{places}f}"
        return f"{f['prefix']}{body}{f['suffix']}"
    spec = SPECS[name]
    unit = spec.unit
    if unit.startswith("fraction") or unit.startswith("probability"):
        return f"{value:.1%}"
    if unit.startswith("US$ m"):
        # below US$10 m, as many decimals as the value has, up to three (US$0.35 m,
        # not US$0.3 m); above, one
        return f"US${value:,.{_shown(value)}f} m" + unit[len("US$ m") :]
    if unit.startswith("US$ per"):
        return f"US${value:,.2f}" + unit[len("US$") :]
    if spec.type == "int":
        return f"{value:.0f} {unit}".strip()
    if unit == "months":
        return f"{value:.1f} months"
    if unit.startswith("multiple of"):  # 4 x the paying share at month 0
        return f"{value:.3g} x"
    if abs(value) >= 1000:  # 1,072 million people, not 1.07e+03
        return f"{value:,.0f} {unit}".strip()
    return f"{value:.3g} {unit}".strip()
