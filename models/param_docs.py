"""The parameter schema rendered for people: a terminal table, Markdown, and the
notebook's ``parameters`` cell (which a test keeps equal to the committed notebooks)."""

from __future__ import annotations

import json
from typing import Any

from .schema import GROUPS, PARAMETERS


def params_table() -> str:
    """The parameters as a plain-text table for a terminal."""
    rows = [("name", "default", "range", "unit")]
    out: list[str] = []
    for p in PARAMETERS:
        rng = f"<= {p.max:g} chars" if p.type == "str" else f"[{p.min:g}, {p.max:g}]"
        rng += " ~" if p.uncertain else ""
        rows.append((p.name, repr(p.default) if p.type == "str" else f"{p.default:g}", rng, p.unit))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]

    def line(r: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3]

    out.append(line(rows[0]))
    for (title, _), r in zip(_grouped(), rows[1:], strict=True):
        if title:
            out.append(f"\n# {title}")
        out.append(line(r))
    out.append(
        "\n~ may be given as a [low, mode, high] range. Descriptions and sources: "
        "--format markdown or --format json."
    )
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
        "| parameter | type | default | valid range | default's uncertainty | unit | "
        "description | source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for title, p in _grouped():
        if title:
            lines.append(f"| **{title}** | | | | | | | |")
        rng = f"≤ {p.max:g} chars" if p.type == "str" else f"{p.min:g} to {p.max:g}"
        if p.uncertain:
            rng += " (or a range)"
        spread = f"{p.default_range[0]:g} to {p.default_range[1]:g}" if p.default_range else ""
        lines.append(
            f"| `{p.name}` | {p.type} | {cell(repr(p.default))} | {cell(rng)} | {spread} | "
            f"{cell(p.unit)} | {cell(p.description)} | {cell(p.source)} |"
        )
    return "\n".join(lines)


def parameters_cell() -> str:
    """Source of the notebook ``parameters`` cell, generated from the schema."""
    lines = [
        "# Parameters: edit here in JupyterLab, or pass with papermill -p / -f.",
        "# Units follow each value; `market-entry params` lists ranges and sources.",
    ]
    for title, p in _grouped():
        if title:
            lines.append(f"\n# {title}")
        value = json.dumps(p.default) if p.type == "str" else repr(p.default)
        unit = p.unit or ("text" if p.type == "str" else "no unit")
        lines.append(f"{p.name} = {value}  # {unit}")
    return "\n".join(lines)
