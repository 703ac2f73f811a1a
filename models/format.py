"""How values are written for readers: money, percentages, HTML text, and values quoted
in error messages.

Every sentence, table and error message of the package formats through these, so that
US$ millions and probabilities read the same everywhere.
"""

from __future__ import annotations

import builtins
import html
import math
import reprlib
from itertools import islice
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


def number(x: float, digits: int = 1, signed: bool = False) -> str:
    """A bare number for a table cell whose unit the caption gives: ``1,234.5``,
    ``−15.4`` (a true minus sign), ``+3.2`` where the sign is the point (changes).
    Zero after rounding is written without a sign."""
    body = f"{abs(x):,.{digits}f}"
    if float(body.replace(",", "")) == 0:
        return body
    return ("−" if x < 0 else ("+" if signed else "")) + body


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and its noun, singular or plural: ``1 input``, ``3 inputs``, ``1,200 points``
    (never ``input(s)``)."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"


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


def cut(text: str, width: int = 80) -> str:
    """``text`` cut to ``width`` characters, ending in ``...`` where cut."""
    return text if len(text) <= width else text[: width - 3] + "..."


def show(value: Any, width: int = 80) -> str:
    """A value as quoted in an error message: its ``repr``, cut to ``width`` characters.

    The cost is bounded by ``width``, not by the value's size: a value from a hostile
    scenario file may be nested thousands deep, hold a 10 MB string or an integer of
    5,000 digits, or share references that expand to a billion elements, and its full
    ``repr`` would take minutes and gigabytes (or fail). Only the start of the ``repr``
    is built (:class:`_Prefix`); a value whose ``repr`` fits is shown exactly.
    """
    return cut(_Prefix(width).repr(value), width)


class _Prefix(reprlib.Repr):
    """A ``repr`` built only as far as its first ``width`` characters can reach.

    Every element ``repr`` writes at least one character, and they are made in the
    order they are written, so after ``width`` of them the text is already longer than
    ``width``: later elements are written as ``...`` without looking at them, and
    containers, strings and other values are read no further than ``width`` items or
    characters. Unlike :class:`reprlib.Repr`, nothing is elided in the middle and
    mappings and sets keep their own order, so the text is a prefix of ``repr``.
    """

    def __init__(self, width: int) -> None:
        super().__init__()
        limit = max(width, 4) + 1
        self.maxlevel = min(limit, 100)  # also bounds the recursion
        self.maxtuple = self.maxlist = self.maxarray = self.maxdict = limit
        self.maxset = self.maxfrozenset = self.maxdeque = limit
        self.maxstring = self.maxlong = self.maxother = limit
        self._left = limit  # element reprs still to make in full

    def repr1(self, x: Any, level: int) -> str:
        self._left -= 1
        return super().repr1(x, level) if self._left >= 0 else self.fillvalue

    def repr_dict(self, x: dict, level: int) -> str:
        if not x:
            return "{}"
        if level <= 0:
            return "{" + self.fillvalue + "}"
        pieces = [
            f"{self.repr1(k, level - 1)}: {self.repr1(v, level - 1)}"
            for k, v in islice(x.items(), self.maxdict)
        ]
        return "{" + ", ".join(pieces) + (", ..." if len(x) > self.maxdict else "") + "}"

    def repr_set(self, x: set, level: int) -> str:
        return self._repr_iterable(x, level, "{", "}", self.maxset) if x else "set()"

    def repr_frozenset(self, x: frozenset, level: int) -> str:
        if not x:
            return "frozenset()"
        return self._repr_iterable(x, level, "frozenset({", "})", self.maxfrozenset)

    def repr_str(self, x: str, level: int) -> str:
        return builtins.repr(x[: self.maxstring])

    def repr_bytes(self, x: bytes, level: int) -> str:
        return builtins.repr(x[: self.maxstring])

    def repr_int(self, x: int, level: int) -> str:
        # repr of an int of more than 4,300 digits raises ValueError (and costs more
        # than linear time): for one of more than about 3,000 digits, say how long it is
        if x.bit_length() <= 10_000:
            return builtins.repr(x)[: self.maxlong]
        digits = math.floor(x.bit_length() * math.log10(2)) + 1
        return f"{'-' if x < 0 else ''}<an integer of about {digits:,} digits>"

    def repr_instance(self, x: Any, level: int) -> str:
        try:
            return builtins.repr(x)[: self.maxother]
        except Exception:  # a broken __repr__ must not hide the error being reported
            return f"<{type(x).__name__} object>"
