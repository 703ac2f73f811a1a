"""How values are written for readers: money, percentages, HTML text, and values quoted
in error messages.

Every sentence, table and error message of the package formats through these, so that
US$ millions and probabilities read the same everywhere.
"""

from __future__ import annotations

import html
from typing import Any


def money(x: float, signed: bool = False) -> str:
    """Format US$ millions for prose: ``$1,234 m``, ``−$5.2 m``, ``+$12 m``."""
    sign = "−" if x < 0 else ("+" if signed and x > 0 else "")
    a = abs(x)
    body = f"{a:,.0f}" if a >= 10 else f"{a:,.1f}"
    return f"{sign}${body} m"


def amount(x: float) -> str:
    """US$ m without the unit: one decimal below 100, whole millions with thousands
    separators above (``US${amount(x)} m``)."""
    return f"{x:,.1f}" if x < 100 else f"{x:,.0f}"


def pct(p: float) -> str:
    """A probability for prose: never rounds a rare event to 0 % or a near-certain one
    to 100 %."""
    if p <= 0:
        return "0 %"
    if p >= 1:
        return "100 %"
    if p < 0.01:
        return "under 1 %"
    if p > 0.99:
        return "over 99 %"
    return f"{p:.0%}".replace("%", " %")


def esc(text: object) -> str:
    """Escape any value for HTML text or attributes (``None`` becomes empty)."""
    return html.escape("" if text is None else str(text), quote=True)


def plain(value: Any) -> Any:
    """Turn numpy scalars into plain Python values (other values pass unchanged)."""
    if (
        hasattr(value, "item")
        and not isinstance(value, str | bytes)
        and getattr(value, "shape", None) == ()
    ):
        return value.item()
    return value


def show(value: Any, width: int = 80) -> str:
    """A value as quoted in an error message: its ``repr``, cut to ``width`` characters."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."
