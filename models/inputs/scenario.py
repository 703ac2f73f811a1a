"""Named scenarios: YAML files of parameter overrides, and ``-p NAME VALUE`` values.

A scenario file (``data/scenarios/*.yaml``) is a flat mapping of parameter names to
values and holds only what differs from the schema's defaults, so it also works as
``papermill -f FILE``. Files are read with YAML's safe loader: tags that would build
Python objects are refused, as are duplicate keys and anything but a mapping.

An uncertain input may be a number (fixed), a ``[low, mode, high]`` range (PERT) or a
mapping naming a distribution, and ``correlations`` lists rank correlations between
sampled inputs::

    market_foreign_premium_share: {dist: triangular, low: 0.03, mode: 0.08, high: 0.2}
    growth_churn_rate_month: [0.04, 0.06, 0.1]
    correlations:
      - [market_foreign_premium_share, growth_churn_rate_month, -0.3]
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from models.exceptions import ParameterError, ScenarioFileError
from models.inputs.schema import SPECS

log = logging.getLogger(__name__)


class _StrictLoader(yaml.SafeLoader):
    """Safe loader that also refuses duplicate keys."""


def _no_duplicates(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Read a scenario file and return its mapping, unvalidated.

    Raises
    ------
    ScenarioFileError
        If the file is missing or unreadable, is not valid YAML, uses tags, repeats a key,
        or is not a mapping of parameter names to values. The message names the file and,
        where known, the line.
    """
    path = Path(path)
    if path.is_dir():
        raise ScenarioFileError(
            f"scenario file {path}: is a folder; expected a YAML file of "
            "parameter overrides, e.g. data/scenarios/base.yaml"
        )
    if not path.is_file():
        raise ScenarioFileError(
            f"scenario file {path}: not found (expected a YAML file of "
            "parameter overrides, e.g. data/scenarios/base.yaml)"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioFileError(f"scenario file {path}: cannot be read ({exc})") from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "could not determine a constructor" in str(exc):
            problem = "tags such as !!python/... are not allowed; give plain values"
        raise ScenarioFileError(f"scenario file {path}{line}: invalid YAML: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ScenarioFileError(
            f"scenario file {path}: expected a mapping of parameter names to values, "
            f"got a {type(data).__name__}"
        )
    bad = [k for k in data if not isinstance(k, str)]
    if bad:
        raise ScenarioFileError(f"scenario file {path}: key {bad[0]!r} is not a parameter name")
    return data


def load(path: str | Path, overrides: Mapping[str, Any] | None = None):
    """Load a scenario file, apply ``overrides`` and validate everything.

    The scenario name defaults to the file's stem. Returns a
    :class:`~models.inputs.params.Parameters` object.
    """
    path = Path(path)
    data = load_yaml(path)
    # validation needs pydantic and scipy (about 1 s to import): only once the file is
    # read, so that a missing or malformed file is reported at once
    from models.inputs.params import validate

    validate(data, where=f" in {path}")  # report file errors against the file
    merged = {"scenario_name": path.stem, **data, **(overrides or {})}
    return validate(merged, where="" if not overrides else " (after -p overrides)")


def parse_value(text: str, name: str | None = None) -> Any:
    """Parse one ``-p`` value by the parameter's type in the schema.

    Text parameters take the text verbatim (``-p scenario_name 'Plan #2: B'``). Numbers
    are read as int or float (``-2``, ``0.08``, ``1.2e4``). A value in brackets or braces
    is read as YAML flow (safe loader, no duplicate keys): a ``[low, mode, high]`` range
    (``"[0.04, 0.06, 0.1]"``), a distribution (``"{dist: normal, mean: 0.1, sd: 0.02}"``)
    or, for ``correlations``, a list of triples (``"[[name_a, name_b, -0.3]]"``); numbers
    inside are read as numbers even in forms YAML 1.1 leaves as text (``4e-2``).
    Anything else is returned as text, for the validation to refuse with its usual
    message.
    """
    spec = SPECS.get(name) if name else None
    if spec is not None and spec.type == "str":
        return text
    stripped = text.strip()
    for cast in (int, float):
        try:
            return cast(stripped)
        except ValueError:
            pass
    flow = (stripped.startswith("[") and stripped.endswith("]")) or (
        stripped.startswith("{") and stripped.endswith("}")
    )
    if flow:
        try:
            value = yaml.load(stripped, Loader=_StrictLoader)
        except yaml.YAMLError:
            return text
        if isinstance(value, list | dict):
            return _numbers(value)
    return text


def _numbers(value: Any) -> Any:
    """Numbers that YAML 1.1 read as text (``4e-2``), in nested lists and mappings."""
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    return _number(value)


def _number(v: Any) -> Any:
    if isinstance(v, str):
        for cast in (int, float):
            try:
                return cast(v)
            except ValueError:
                pass
    return v


def parse_overrides(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Turn ``-p NAME VALUE`` pairs into a mapping, refusing a name given twice."""
    out: dict[str, Any] = {}
    for name, text in pairs:
        if name in out:
            raise ParameterError(f"parameter {name} is given twice with -p")
        out[name] = parse_value(text, name)
    return out


_SLUG = re.compile(r"[^\w-]+")


def slug(name: str) -> str:
    """A safe folder name for a scenario: letters (any script), digits, ``-`` and ``_``.

    Case is kept, so that ``Base.yaml`` and ``base.yaml`` do not share a folder.
    """
    s = _SLUG.sub("-", name.strip()).strip("-.")
    return s[:60] or "scenario"


class _ScenarioDumper(yaml.SafeDumper):
    """Block style at the top; ranges, distributions and correlation triples inline."""


def _inline(kind: str):
    def represent(dumper: yaml.SafeDumper, data: Any) -> yaml.Node:
        items = data.values() if isinstance(data, dict) else data
        flow = all(not isinstance(x, list | tuple | dict) for x in items)
        if kind == "map":
            return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)
        return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)

    return represent


_ScenarioDumper.add_representer(dict, _inline("map"))
_ScenarioDumper.add_representer(list, _inline("seq"))
_ScenarioDumper.add_representer(tuple, _inline("seq"))


def save(params, path: str | Path, *, overwrite: bool = False, comment: str = "") -> Path:
    """Write ``params`` as a scenario file that :func:`load` (and ``market-entry run``)
    reads back to the same parameters.

    The file holds only what differs from the schema's defaults
    (:meth:`~models.inputs.params.Parameters.overrides`), under ``comment`` as ``#``
    lines. It is written whole or not at all: to a temporary file in the same folder,
    then linked into place, which fails if the file exists, so that two savers cannot
    both win.

    Parameters
    ----------
    params : Parameters
        What to save.
    path : str or Path
        The ``.yaml`` file to write; its folder must exist.
    overwrite : bool
        Replace an existing file. Without it an existing file is refused.
    comment : str
        Text written at the top of the file, one ``#`` line per line.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ScenarioFileError
        If the name does not end in ``.yaml``, the folder is missing, the file exists
        and ``overwrite`` is false, or it cannot be written.
    """
    path = Path(path)
    if path.suffix != ".yaml":
        raise ScenarioFileError(f"scenario file {path}: expected a name ending in .yaml")
    if not path.parent.is_dir():
        raise ScenarioFileError(f"scenario file {path}: folder {path.parent} does not exist")
    if path.exists() and not overwrite:
        raise ScenarioFileError(f"scenario file {path}: exists; not overwritten")
    lines = [f"# {line}".rstrip() for line in comment.splitlines()]
    body = yaml.dump(
        params.overrides(), Dumper=_ScenarioDumper, sort_keys=False, allow_unicode=True, width=88
    )
    text = "\n".join([*lines, body]) if lines else body
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # atomic, and refuses a file that appeared meanwhile
    except FileExistsError:
        raise ScenarioFileError(f"scenario file {path}: exists; not overwritten") from None
    except OSError as exc:
        raise ScenarioFileError(f"scenario file {path}: cannot be written ({exc})") from None
    finally:
        tmp.unlink(missing_ok=True)
    log.info("scenario saved to %s", path)
    return path
