"""Calibration reports: the parameters of the group ``calibration``, in schema order.

The settings of the calibration reports.

:mod:`models.inputs.schema` lists the groups in order; the fields are those of
:class:`models.inputs.spec.ParamSpec`.
"""

from __future__ import annotations

from models.inputs.parameters.sources import ASSUMPTION as _A
from models.inputs.spec import ParamSpec

GROUP = "calibration"
TITLE = "Calibration reports"

PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "calibration_holdout_years",
        "int",
        2,
        "years",
        "Years held out at the end of each subscriber series to backtest the growth fits "
        "(fewer where a series is too short).",
        _A + "two years test forecasts over the horizon that matters for launch decisions",
        min=1,
        max=5,
        label="years held out in backtests",
    ),
)
