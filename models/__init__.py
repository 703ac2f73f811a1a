"""market-entry: scenario models of entering China's video-streaming market.

The package is called ``models`` because the product brief fixes the top-level layout
(``models/`` is the importable package, not a folder of serialized model files).

The public face, for a notebook or a script::

    from models import load_scenario, analyse
    params = load_scenario("data/scenarios/base.yaml", {"n_paths": 2000})
    decision = analyse(params)
    decision.to_df()                      # per mode: mean NPV, P5, P95, P(best), ...

- :func:`validate`: user input (a mapping) to a validated ``Parameters`` object;
- :func:`load_scenario`: a scenario YAML file (and overrides) to ``Parameters``;
- :func:`simulate`: the most-likely case of every entry mode (``Results``);
- :func:`analyse`: the decision under uncertainty (``Decision``: Monte Carlo, drivers,
  deal zone, value of information);
- :func:`run_report`: a scenario to an offline HTML report in ``reports/``;
- :class:`ModelWarning`: the category of the model's caveats, for ``warnings`` filters.

The layers below, each a subpackage that imports only from those listed after it:
``runner`` (CLI, Papermill, HTML), ``reporting`` (charts, tables, prose),
``analysis`` (metrics, drivers, deal zone, value of information), ``uncertainty``
(sampling, Monte Carlo) and ``calibration`` (fits on ``data/raw``), ``economics`` (the
equations and the simulation), ``inputs`` (schema, validation, scenarios). The names
here are imported on first use, so ``import models`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from models._version import __version__
from models.exceptions import ModelWarning

#: Public name -> module that defines it (imported on first access).
_FACE = {
    "validate": "models.inputs.params",
    "load_scenario": "models.inputs.scenario",
    "simulate": "models.economics.simulation",
    "analyse": "models.analysis.decision",
    "run_report": "models.runner.run",
}
_ATTR = {"load_scenario": "load"}

__all__ = ["ModelWarning", "__version__", *_FACE]


def __getattr__(name: str) -> Any:
    if name in _FACE:
        value = getattr(import_module(_FACE[name]), _ATTR.get(name, name))
        globals()[name] = value
        return value
    raise AttributeError(f"module 'models' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
