"""Scenario labels: the parameters of the group ``scenario``, in schema order.

The scenario's title and notes, shown in the report.

:mod:`models.inputs.schema` lists the groups in order; the fields are those of
:class:`models.inputs.spec.ParamSpec`.
"""

from __future__ import annotations

from models.inputs.spec import ParamSpec

GROUP = "scenario"
TITLE = "Scenario labels"

PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "scenario_name",
        "str",
        "base",
        "",
        "Title of the scenario, shown in the report (escaped; any text).",
        "user input; `market-entry run` sets it to the scenario file's name if absent",
        max=120,
    ),
    ParamSpec(
        "scenario_notes",
        "str",
        "",
        "",
        "Free-text notes shown under the report title (escaped).",
        "user input",
        max=4000,
    ),
)
