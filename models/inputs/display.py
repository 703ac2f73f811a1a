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


def format_value(name: str, value: float, step: float | None = None) -> str:
    """A parameter value with its unit, as a reader would write it (5.2 %, US$12 m).

    With ``step`` (a slider's), enough decimals that one step shows.
    """
    spec = SPECS[name]
    unit = spec.unit

    def places(least: int, scale: float = 1.0) -> int:
        if not step:
            return least
        return max(least, -math.floor(math.log10(step * scale) + 1e-9))

    if unit.startswith("fraction") or unit.startswith("probability"):
        return f"{value:.{places(1, 100)}%}"
    if unit.startswith("US$ m"):
        # below US$10 m, as many decimals as the value has, up to three (US$0.35 m,
        # not US$0.3 m); above, one
        shown = next((d for d in (1, 2) if abs(round(value, d) - value) < 1e-9), 3)
        shown = shown if abs(value) < 10 else 1
        return f"US${value:,.{max(places(1), shown)}f} m" + unit[len("US$ m") :]
    if unit.startswith("US$ per"):
        return f"US${value:,.{places(2)}f}" + unit[len("US$") :]
    if spec.type == "int":
        return f"{value:.0f} {unit}".strip()
    if unit == "months":
        return f"{value:.{places(1)}f} months"
    if unit.startswith("multiple of"):  # 4 x the paying share at month 0
        return f"{value:.{places(0)}f} x" if step else f"{value:.3g} x"
    if step:
        return f"{value:,.{places(0)}f} {unit}".strip()
    if abs(value) >= 1000:  # 1,072 million people, not 1.07e+03
        return f"{value:,.0f} {unit}".strip()
    return f"{value:.3g} {unit}".strip()
