"""How many Monte Carlo paths a run may have: the one owner of the limits.

Every count of reported paths is checked here, with one message: the ``n_paths``
parameter (its spec in :mod:`models.inputs.parameters.simulation` takes its range from
:data:`MIN_PATHS` and :data:`MAX_PATHS`), a sweep file's ``paths``
(:mod:`models.inputs.sweep_spec`), the what-if engine's futures
(:mod:`models.analysis.whatif`) and the Monte Carlo run itself
(:mod:`models.uncertainty.montecarlo`, :func:`check_paths`).

Why 2 at least: a run's answer comes with its Monte Carlo error (the standard error of
each mean NPV, the lead's standard error in a sweep, the dominance judged within the DKW
band), and a sample standard deviation needs two paths. One path runs, but every
standard error is NaN, no mode can be found to dominate another and the share of
futures in which a mode is best is 0 or 100 %: an answer with no measure of how sure it
is. (Correlated inputs need more: Iman-Conover needs more paths than correlated inputs,
which :func:`models.uncertainty.montecarlo.draw_inputs` checks, since it depends on the
correlations.)

Why 2,000,000 at most: the largest run measured (issue 11: the main report in 346 s and
3.8 GB); :mod:`models.inputs.memory` estimates what a size needs.
"""

from __future__ import annotations

import numbers
from typing import Any

from models.exceptions import ParameterError
from models.format import show

#: Fewest paths of a run: two, the least that gives a standard error (module docstring).
MIN_PATHS = 2

#: Most paths of a run: the largest run measured (module docstring).
MAX_PATHS = 2_000_000

#: What a valid count is, in the words of the parameter's own message
#: (:meth:`models.inputs.spec.ParamSpec.expected` of ``n_paths``).
EXPECTED = f"an integer in [{MIN_PATHS}, {MAX_PATHS}] (paths)"


def check_paths(value: Any, *, what: str = "parameter n_paths", where: str = "") -> int:
    """Return ``value`` as an ``int`` if it is a valid number of paths, else refuse it.

    Parameters
    ----------
    value : Any
        The count: an integer (a numpy integer too; not a bool, not a float).
    what : str
        How the count is named in the message, e.g. ``"paths"`` in a sweep file or
        ``"what-if n_paths"``.
    where : str
        Where the count came from, appended to the name (e.g. ``" in FILE"``).

    Returns
    -------
    int

    Raises
    ------
    ParameterError
        One line: ``{what}={value}{where}: expected an integer in [2, 2000000] (paths)``.
    """
    if (
        not isinstance(value, numbers.Integral)
        or isinstance(value, bool)
        or not MIN_PATHS <= value <= MAX_PATHS
    ):
        raise ParameterError(f"{what}={show(value, 60)}{where}: expected {EXPECTED}")
    return int(value)
