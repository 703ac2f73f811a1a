"""One model input's definition: :class:`ParamSpec`.

The tables of :mod:`models.inputs.parameters` hold one spec per input;
:mod:`models.inputs.schema` assembles them in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ParamType = Literal["float", "int", "str", "pairs"]


@dataclass(frozen=True)
class ParamSpec:
    """One model input.

    Attributes
    ----------
    name : str
        Flat parameter name, as used in the notebook, scenario files and ``-p``.
    type : {"float", "int", "str", "pairs"}
        Python type of the value; ``pairs`` is a list of ``[name, name, number]`` triples
        (the rank correlations between uncertain inputs).
    default : float | int | str
        Default value.
    unit : str
        Unit of the value ("" for labels).
    description : str
        What the parameter means in the model.
    source : str
        Where the default comes from: a data file and row, a cited figure, or
        ``assumption: <why>``.
    min, max : float | None
        Inclusive valid range for numbers; for strings, ``max`` is the maximum length.
    uncertain : bool
        Whether the input may be given as a ``[low, mode, high]`` range (PERT) or as a
        mapping naming a distribution (:mod:`models.inputs.distributions`). A
        deterministic run uses the mode; the Monte Carlo engine samples the distribution.
    default_range : (float, float), optional
        Uncertainty range of the default (low, high). Unless a scenario gives the input
        a value or a distribution of its own, the Monte Carlo engine samples
        PERT(low, default, high). Inputs without one (decisions such as the price and
        the revenue share, and conventions such as the discount rate) stay fixed.
    range_source : str
        Where ``default_range`` comes from, when ``source`` does not already say it.
    choices : tuple of str, optional
        The allowed values of a text parameter.
    label : str
        Short reader-facing name, for charts and sentences ("... unless the <label>
        falls below X"); the name itself when none is given.
    group : str
        The group the parameter is listed in (a key of
        :data:`models.inputs.schema.GROUPS`); set by :mod:`models.inputs.schema` from
        the table of :mod:`models.inputs.parameters` that lists it.
    """

    name: str
    type: ParamType
    default: float | int | str
    unit: str
    description: str
    source: str
    min: float | None = None
    max: float | None = None
    uncertain: bool = False
    default_range: tuple[float, float] | None = None
    range_source: str = ""
    choices: tuple[str, ...] | None = None
    label: str = ""
    group: str = ""

    def __post_init__(self) -> None:
        if not self.label:  # a spec without a label shows its name
            object.__setattr__(self, "label", self.name)

    def expected(self) -> str:
        """Human description of a valid value, used in error messages."""
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.type == "str":
            return f"a text of at most {int(self.max or 0)} characters"
        if self.type == "pairs":
            return (
                "a list of [name, name, rank correlation] triples naming uncertain "
                "parameters, each correlation in [-1, 1]"
            )
        kind = "an integer" if self.type == "int" else "a number"
        rng = f" in [{_fmt(self.min)}, {_fmt(self.max)}]"
        unit = f" ({self.unit})" if self.unit else ""
        also = " or a [low, mode, high] range or a distribution" if self.uncertain else ""
        return f"{kind}{rng}{unit}{also}"


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    return f"{x:g}" if isinstance(x, float) else str(x)
