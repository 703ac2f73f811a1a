"""The parameter schema rendered for people: a terminal table, Markdown, and the
notebook's ``parameters`` cell (which a test keeps equal to the committed notebooks)."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from models.inputs.schema import GROUPS, PARAMETERS
from models.inputs.spec import ParamSpec


def _default(p: ParamSpec) -> str:
    """The default as a user would type it (text quoted, pairs as a list)."""
    if p.type == "str":
        return repr(p.default)
    if p.type == "pairs":
        return repr([list(t) for t in p.default])  # type: ignore[union-attr]
    return f"{p.default:g}"


def _valid(p: ParamSpec, *, markdown: bool = False) -> str:
    """The valid values: choices, text length, number of pairs or the numeric range."""
    if p.choices:
        return " | ".join(p.choices) if not markdown else ", ".join(f"`{c}`" for c in p.choices)
    if p.type == "str":
        return f"≤ {p.max:g} chars" if markdown else f"<= {p.max:g} chars"
    if p.type == "pairs":
        return f"≤ {p.max:g} triples" if markdown else f"<= {p.max:g} triples"
    low, high = _num(p.min), _num(p.max)
    return f"{low} to {high}" if markdown else f"[{low}, {high}]"


def _num(x: float | None) -> str:
    """A bound as written: integers in full (``4294967295``), other numbers short."""
    if x is None:
        return "?"
    return str(int(x)) if float(x).is_integer() and abs(x) >= 1e5 else f"{x:g}"


def _spread(p: ParamSpec) -> str:
    """The default's uncertainty range, e.g. ``0.03-0.25`` ("" if it has none)."""
    if p.default_range is None:
        return ""
    low, high = p.default_range
    return f"{low:g} to {high:g}"


def params_table() -> str:
    """The parameters as a plain-text table for a terminal.

    Columns: name, default, valid values (``~`` marks inputs that accept a range or a
    distribution), the default's uncertainty range (sampled as PERT(low, default,
    high) unless a scenario fixes the input) and unit; the source of an uncertainty
    range follows its row, indented.
    """
    head = ("name", "default", "valid", "uncertainty", "unit")
    rows = [
        (p.name, _default(p), _valid(p) + (" ~" if p.uncertain else ""), _spread(p), p.unit)
        for p in PARAMETERS
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    indent = " " * (widths[0] + 2)

    def line(r: tuple[str, ...]) -> str:
        cells = "  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True))
        return (cells + "  " + r[4]).rstrip()

    out = [line(head)]
    for (title, p), r in zip(_grouped(), rows, strict=True):
        if title:
            out.append(f"\n# {title}")
        out.append(line(r))
        if p.range_source:
            out += textwrap.wrap(
                p.range_source, width=120, initial_indent=indent, subsequent_indent=indent + "  "
            )
    note = (
        "~ may be given as a [low, mode, high] range or a distribution, e.g. "
        "{dist: normal, mean: 0.1, sd: 0.02}; a plain number fixes it. Inputs with an "
        "uncertainty range are sampled as PERT(low, default, high) unless fixed. "
        "Descriptions and sources: --format markdown or --format json."
    )
    out.append("\n" + "\n".join(textwrap.wrap(note, width=100)))
    return "\n".join(out)


def _grouped():
    """Yield (group title when a new group starts, else None; spec) in schema order."""
    group = None
    for p in PARAMETERS:
        title = GROUPS[p.group] if p.group != group else None
        group = p.group
        yield title, p


def params_markdown() -> str:
    """The parameters as a Markdown table, with descriptions, sources and ranges."""

    def cell(s: Any) -> str:
        return str(s).replace("|", "\\|")

    lines = [
        "| parameter | type | default | valid values | default's uncertainty | unit | "
        "description | source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for title, p in _grouped():
        if title:
            lines.append(f"| **{title}** | | | | | | | |")
        valid = _valid(p, markdown=True)
        if p.uncertain:
            valid += " (or a range or a distribution)"
        spread = _spread(p)
        if spread and p.range_source:
            spread += f" ({p.range_source})"
        lines.append(
            f"| `{p.name}` | {p.type} | {cell(_default(p))} | {cell(valid)} | {cell(spread)} | "
            f"{cell(p.unit)} | {cell(p.description)} | {cell(p.source)} |"
        )
    return "\n".join(lines)


def _range_note(p: ParamSpec) -> str:
    """'; range 0.04 to 0.1' for an uncertain input, '; valid 0 to 1' otherwise."""

    def num(x: float) -> str:
        return f"{int(x):,}" if float(x).is_integer() and abs(x) >= 10_000 else f"{x:g}"

    if p.default_range is not None:
        lo, hi = p.default_range
        return f"; range {num(lo)} to {num(hi)}"
    if p.type in ("float", "int") and (p.min is not None or p.max is not None):
        if p.min is not None and p.max is not None:
            return f"; valid {num(p.min)} to {num(p.max)}"
        return f"; valid >= {num(p.min)}" if p.min is not None else f"; valid <= {num(p.max)}"
    return ""


def parameters_cell() -> str:
    """Source of the notebook ``parameters`` cell, generated from the schema."""
    lines = [
        "# Parameters: edit here in JupyterLab, or pass with papermill -p / -f.",
        "# Unit and range follow each value (range: the uncertainty sampled around an",
        "# uncertain input's value; valid: what validation accepts); `market-entry params`",
        "# lists the sources. An uncertain input may be [low, mode, high] or a distribution",
        '# such as {"dist": "normal", "mean": 0.1, "sd": 0.02}; a number other than the',
        "# default fixes it.",
        "",
        '# A scenario file in data/scenarios/ (e.g. "letv_2015.yaml") to start from; values',
        "# below that differ from the defaults override it.",
        'scenario = ""',
        "# A folder to save each simulated future's outcomes to (outcomes.parquet);",
        "# market-entry run sets it to the run folder. Empty: not saved.",
        'outputs_dir = ""',
    ]
    for title, p in _grouped():
        if title:
            lines.append(f"\n# {title}")
        if p.type == "str":
            value = json.dumps(p.default)
        elif p.type == "pairs":
            value = repr([list(t) for t in p.default])  # type: ignore[union-attr]
        else:
            value = repr(p.default)
        if p.choices:
            unit = "one of " + ", ".join(json.dumps(c) for c in p.choices)
        elif p.type == "pairs":
            unit = "[name, name, rank correlation] triples"
        else:
            unit = p.unit or ("text" if p.type == "str" else "no unit")
            unit += _range_note(p)
        lines.append(f"{p.name} = {value}  # {unit}")
    return "\n".join(lines)
