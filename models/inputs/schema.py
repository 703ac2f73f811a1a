"""The parameter schema: the single source of truth for every model input.

Each :class:`~models.inputs.spec.ParamSpec` gives a parameter's name, type, unit, valid
range, default, description, the source of its default and its reader-facing label. The
specs are listed by group in the tables of :mod:`models.inputs.parameters`; this module
assembles them, in order, into :data:`PARAMETERS`. Everything else is derived from it:
the validated :class:`models.inputs.params.Parameters` object, the notebook's
``parameters`` cell (a test checks they agree), the scenario files' keys, ``market-entry
params`` and the report's parameter table. The order of :data:`PARAMETERS` is the order
in which uncertain inputs are sampled: changing it changes every drawn future.

Names are flat (Papermill passes flat names), grouped by prefix, and carry their unit
where one applies. Money is in US$ millions (``usd_m``) unless the name says otherwise;
subscribers and users are in millions (``_m``); rates are fractions, not percent.

Sources cite ``data/raw/<file>`` rows or the numbered rows of
``docs/references/china_svod_economics.md`` (written ``ref 1.3``); where no public
figure exists the source says ``assumption:`` and why the value was chosen.
"""

from __future__ import annotations

from dataclasses import replace

from models.inputs.parameters import (
    calibration,
    content,
    finance,
    growth,
    license,
    market,
    partner,
    pricing,
    regulation,
    scenario,
    simulation,
    staged,
)
from models.inputs.spec import ParamSpec

#: The tables of parameters, one per group, in display and schema order.
_TABLES = (
    scenario,
    simulation,
    market,
    pricing,
    growth,
    content,
    regulation,
    partner,
    license,
    staged,
    finance,
    calibration,
)

#: Display order and titles of the parameter groups.
GROUPS: dict[str, str] = {t.GROUP: t.TITLE for t in _TABLES}

#: Every parameter, in schema order, each with the group of the table that lists it.
PARAMETERS: tuple[ParamSpec, ...] = tuple(
    replace(p, group=t.GROUP) for t in _TABLES for p in t.PARAMETERS
)

SPECS: dict[str, ParamSpec] = {p.name: p for p in PARAMETERS}


def defaults() -> dict[str, float | int | str]:
    """Return every parameter's default value, keyed by name."""
    return {p.name: p.default for p in PARAMETERS}


def records() -> list[dict[str, object]]:
    """Return the schema as a list of plain dicts (for JSON, tables and docs)."""
    return [
        {
            "name": p.name,
            "group": p.group,
            "type": p.type,
            "unit": p.unit,
            "default": p.default,
            "min": p.min,
            "max": p.max,
            "uncertain": p.uncertain,
            "default_range": list(p.default_range) if p.default_range else None,
            "range_source": p.range_source,
            "choices": list(p.choices) if p.choices else None,
            "description": p.description,
            "source": p.source,
        }
        for p in PARAMETERS
    ]
