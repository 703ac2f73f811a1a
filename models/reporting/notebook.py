"""What a report notebook calls first: validate its parameters cell and set up display.

:func:`validate_notebook` is the notebook's only entry point that is not a table or a
chart: it turns the cell's names into a validated ``Parameters`` object (one readable
line on a bad value) and installs the plotly renderer that works both in JupyterLab
and in the offline HTML report.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from models._paths import SCENARIOS
from models.exceptions import ModelWarning, ParameterError
from models.inputs.params import given_in_namespace, validate
from models.inputs.scenario import load
from models.reporting.display import use_report_renderer


def setup_display() -> None:
    """Make plotly figures show both in JupyterLab and in the offline HTML report.

    See :mod:`models.reporting.display`.
    """
    use_report_renderer()


def validate_notebook(namespace: Mapping[str, Any]):
    """Validate a notebook's parameters and prepare the display; call with ``globals()``.

    Every public, non-callable name defined before the call is taken as a parameter, so
    a misspelt ``papermill -p`` name stops the run here with one readable line.

    ``scenario`` (a file in ``data/scenarios/``, or a path) loads a scenario file first;
    the cell's values that differ from the defaults then override it, so that
    ``scenario = "letv_2015.yaml"`` gives the same parameters as ``market-entry run
    data/scenarios/letv_2015.yaml``, the scenario's title included.

    Returns
    -------
    Parameters
    """
    given = given_in_namespace(namespace)
    file = namespace.get("scenario") or ""
    if not isinstance(file, str | Path):
        raise ParameterError(
            f"scenario={file!r}: expected the name of a file in data/scenarios "
            '(e.g. "letv_2015.yaml") or "" for none'
        )
    if file:
        path = Path(file)
        # "letv_2015.yaml" or "letv_2015" name a file in data/scenarios
        for candidate in (SCENARIOS / path, SCENARIOS / f"{file}.yaml"):
            if not path.is_file() and candidate.is_file():
                path = candidate
        params = load(path, given)
    else:
        params = validate(given)
    setup_display()
    # the report states the model's caveats in its own words
    warnings.filterwarnings("ignore", category=ModelWarning)
    return params
