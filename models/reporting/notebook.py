"""What a report notebook calls first: validate its parameters cell and set up display.

:func:`validate_notebook` is the notebook's only entry point that is not a table or a
chart: it turns the cell's names into a validated ``Parameters`` object (one readable
line on a bad value; :mod:`models.reporting.namespace`) and installs the plotly renderer
that works both in JupyterLab and in the offline HTML report.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from models.exceptions import ModelWarning
from models.reporting import glossary
from models.reporting.display import use_report_renderer
from models.reporting.namespace import from_namespace


def setup_display() -> None:
    """Make plotly figures show both in JupyterLab and in the offline HTML report.

    See :mod:`models.reporting.display`.
    """
    use_report_renderer()


def validate_notebook(namespace: Mapping[str, Any]):
    """Validate a notebook's parameters and prepare the display; call with ``globals()``.

    The names assigned in the parameter cells are the parameters (every public,
    non-callable name holding plain data outside a kernel), so a misspelt ``papermill
    -p`` name stops the run here with one readable line
    (:func:`models.reporting.namespace.from_namespace`, which also loads the file a
    ``scenario`` names). The kernel is a process of its own: this is its one validation
    of the run's parameters.

    Returns
    -------
    Parameters
    """
    params = from_namespace(namespace)
    setup_display()
    glossary.reset()  # a new report: its glossary lists the terms it links from here on
    # the report states the model's caveats in its own words
    warnings.filterwarnings("ignore", category=ModelWarning)
    return params
