"""The parameters a notebook gives: the names its parameter cells assign.

A report notebook's ``parameters`` cell assigns every parameter (each at its default
unless edited), Papermill may inject a cell after it, and a strategist may define
variables of their own further down. In a kernel, :func:`given_in_namespace` reads
IPython's input history (``In``) and parses the parameter cells (:mod:`ast`) to find the
names they assign, so that only those are checked: a misspelt ``papermill -p`` name
stops the run, while a variable of the strategist's own does not. Without that history
(plain Python), every public name holding plain data is taken.

:func:`from_namespace` turns what a namespace gives into a validated ``Parameters``
object (:func:`models.inputs.params.validate`, or :func:`models.inputs.scenario.load`
when the cell names a scenario file); :func:`models.reporting.notebook.validate_notebook`
calls it.
"""

from __future__ import annotations

import ast
import numbers
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from models._paths import SCENARIOS
from models.exceptions import ParameterError
from models.inputs.params import is_default, validate
from models.inputs.scenario import load
from models.inputs.schema import SPECS

#: Names of a notebook's parameters cell that are not model parameters: ``scenario``
#: names a scenario file whose values the cell's own values override
#: (:func:`from_namespace`); ``outputs_dir`` a folder the main report saves each future's
#: outcomes to (:mod:`models.analysis.outcomes`).
NOTEBOOK_ONLY = ("scenario", "outputs_dir")

#: IPython's own names in a kernel's namespace, never parameters.
_NOT_PARAMETERS = {"In", "Out", "exit", "quit", "get_ipython", "open"}
_PLAIN = (int, float, str, bool, list, tuple, dict, type(None), numbers.Real)

#: First line of the cell Papermill injects (its Python translator's comment); the
#: notebook's own parameters cell starts with it too (``# Parameters: edit here ...``).
_INJECTED_HEADER = "# Parameters"


def _cell_names(source: str) -> set[str]:
    """Names assigned at the top level of a cell (``a = 1``, ``b: int = 2``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else ([node.target] if isinstance(node, ast.AnnAssign) else [])
        )
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _parameter_cells(history: Any) -> list[str]:
    if not isinstance(history, list):
        return []
    return [s for s in history if isinstance(s, str) and s.lstrip().startswith(_INJECTED_HEADER)]


def parameter_cell_names(history: Any) -> set[str] | None:
    """Names assigned in the parameter cells run so far, from IPython's ``In`` history.

    A parameter cell starts with the comment ``# Parameters``: the notebook's own
    ``parameters`` cell and the cell Papermill injects after it both do. Returns None
    when there is no such history (plain Python, or the header was removed).
    """
    cells = _parameter_cells(history)
    if not cells:
        return None
    return set().union(*(_cell_names(s) for s in cells))


def injected_cell_names(history: Any) -> set[str]:
    """Names assigned in cells Papermill injected (first line exactly ``# Parameters``),
    as opposed to the notebook's own ``parameters`` cell."""
    names: set[str] = set()
    for source in _parameter_cells(history):
        if source.lstrip().splitlines()[0].rstrip() == _INJECTED_HEADER:
            names |= _cell_names(source)
    return names


def given_in_namespace(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The parameter values a notebook's namespace gives (see :func:`from_namespace`).

    Those of the parameter cells (:func:`parameter_cell_names`; every public name
    holding plain data when there is no history), less values equal to their defaults
    that Papermill did not inject, less :data:`NOTEBOOK_ONLY` names.
    """
    history = namespace.get("In")
    names = parameter_cell_names(history)
    if names is not None:
        picked = {k: namespace[k] for k in names if k in namespace}
    else:
        picked = {
            k: v
            for k, v in namespace.items()
            if not k.startswith("_")
            and k not in _NOT_PARAMETERS
            and not isinstance(v, types.ModuleType)
            and not callable(v)
            and isinstance(v, _PLAIN)
        }
    injected = injected_cell_names(history)
    return {
        k: v
        for k, v in picked.items()
        if k not in NOTEBOOK_ONLY
        and (k in injected or k not in SPECS or not is_default(SPECS[k], v))
    }


def _scenario_file(file: Any) -> Path | None:
    """The scenario file a notebook's ``scenario`` names: a path, or a file (with or
    without ``.yaml``) in ``data/scenarios``; None for ``""``."""
    if not isinstance(file, str | Path):
        raise ParameterError(
            f"scenario={file!r}: expected the name of a file in data/scenarios "
            '(e.g. "letv_2015.yaml") or "" for none'
        )
    if not file:
        return None
    path = Path(file)
    # "letv_2015.yaml" or "letv_2015" name a file in data/scenarios
    for candidate in (SCENARIOS / path, SCENARIOS / f"{file}.yaml"):
        if not path.is_file() and candidate.is_file():
            path = candidate
    return path


def from_namespace(namespace: Mapping[str, Any]):
    """Validate the parameters defined in a notebook's global namespace, once.

    The values are those :func:`given_in_namespace` finds. They may be ``[low, mode,
    high]`` lists, distribution mappings and the ``correlations`` list, as Papermill
    injects them (Python literals). The notebook's own cell repeats every default, so a
    value equal to its default counts as not given (an uncertain input stays sampled)
    unless Papermill injected it, which is how ``market-entry run`` passes an input
    pinned at its default; in the notebook itself, write ``[v, v, v]`` to fix an input
    at its default value.

    ``scenario`` (a file in ``data/scenarios/``, or a path) loads a scenario file first;
    the values given then override it, so that ``scenario = "letv_2015.yaml"`` gives
    the same parameters as ``market-entry run data/scenarios/letv_2015.yaml``, the
    scenario's title included.

    Returns
    -------
    Parameters

    Raises
    ------
    ParameterError, ScenarioFileError
        One line naming the parameter (or the file), the value and what was expected.
    """
    given = given_in_namespace(namespace)
    path = _scenario_file(namespace.get("scenario") or "")
    return validate(given) if path is None else load(path, given)
