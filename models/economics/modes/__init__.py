"""Entry modes as objects: one module per mode, one registry (docs/design.md, "Entry modes").

``MODES`` lists them in the reports' order: solo, partner, licensing, the staged entry
and staying out. Each module defines one :class:`~models.economics.modes.base.EntryMode`
(``MODE``); :mod:`models.economics.modes.registry` is the list every layer asks.
"""

from __future__ import annotations

from models.economics.modes import license, partner, solo, staged, stay_out
from models.economics.modes.base import EntryMode
from models.economics.modes.registry import MODES, Registry

for _module in (solo, partner, license, staged, stay_out):
    MODES.register(_module.MODE)

__all__ = ["MODES", "EntryMode", "Registry"]
