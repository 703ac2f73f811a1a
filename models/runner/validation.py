"""What ``market-entry run`` and ``market-entry check`` validate, in one place.

A run's parameters are its scenario file with the ``-p`` overrides, validated once
(:func:`models.inputs.scenario.load`, whose errors name the file or the overrides), and
a size that fits in the memory available (:func:`models.runner.resources.check_memory`).
``check`` calls the same function as ``run``, so that what ``check`` accepts ``run``
accepts. The notebook validates again in its kernel (another process, from the values
Papermill injects: :func:`models.reporting.notebook.validate_notebook`), which rebuilds
the same parameters (:meth:`models.inputs.params.Parameters.overrides`, a test holds
the digests equal).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from models._paths import SCENARIOS
from models.inputs.scenario import load
from models.runner.resources import check_memory

#: The scenario of a run or check that names none.
DEFAULT_SCENARIO = SCENARIOS / "base.yaml"


def run_parameters(
    scenario: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    params=None,
):
    """The parameters a run executes: validated once, and refused if too large.

    Parameters
    ----------
    scenario : path, optional
        Scenario YAML file; defaults to ``data/scenarios/base.yaml``.
    overrides : mapping, optional
        ``-p NAME VALUE`` values, over the file's.
    params : Parameters, optional
        Parameters already validated (``market-entry reproduce``): only their size is
        checked.

    Returns
    -------
    Parameters

    Raises
    ------
    ScenarioFileError, ParameterError
        One line naming the file or parameter, the value and what was expected
        (including an ``n_paths`` or ``decision_training_paths`` too large for the
        memory available).
    """
    if params is None:
        params = load(Path(scenario) if scenario is not None else DEFAULT_SCENARIO, overrides)
    check_memory(int(params.n_paths), training_paths=int(params.decision_training_paths))
    _check_draws(params)
    return params


#: Up to this many paths, :func:`run_parameters` draws the run's inputs once, as the
#: notebook will: what the sampling refuses (too few paths for the correlations) shows
#: at ``check`` time. Above it no such refusal exists, and the draw would cost time.
DRAW_CHECK_PATHS = 1000


def _check_draws(params) -> None:
    """Refuse, before the run, the inputs the notebook's Monte Carlo run would refuse
    to draw (:func:`models.uncertainty.montecarlo.draw_inputs`)."""
    if int(params.n_paths) > DRAW_CHECK_PATHS:
        return
    from models.uncertainty.montecarlo import draw_inputs

    draw_inputs(params, int(params.n_paths))


def notebook_parameters(params, outputs_dir: str | Path) -> dict[str, Any]:
    """What a run passes to each notebook through Papermill (its injected cell).

    The values that differ from the defaults and the pinned inputs
    (:meth:`~models.inputs.params.Parameters.overrides`: from them the notebook's
    ``validate_notebook`` rebuilds ``params``), the scenario's title (which a file
    without one takes from its name) and the folder the main report saves each
    future's outcomes to.
    """
    return params.overrides() | {
        "scenario_name": params.scenario_name,
        "outputs_dir": str(outputs_dir),
    }
