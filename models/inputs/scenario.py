"""Named scenarios: YAML files of parameter overrides, and ``-p NAME VALUE`` values.

A scenario file (``data/scenarios/*.yaml``) is a flat mapping of parameter names to
values and holds only what differs from the schema's defaults, so it also works as
``papermill -f FILE``. Files are read with YAML's safe loader: tags that would build
Python objects are refused, as are duplicate keys and anything but a mapping.

An uncertain input may be a number (fixed), a ``[low, mode, high]`` range (PERT) or a
mapping naming a distribution, and ``correlations`` lists rank correlations between
sampled inputs::

    market_foreign_premium_share: {dist: triangular, low: 0.2, mode: 0.4, high: 0.8}
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

from models._files import new_temporary
from models.exceptions import ParameterError, ScenarioFileError
from models.format import cut, show
from models.inputs.schema import SPECS

log = logging.getLogger(__name__)

#: Largest scenario file read, in bytes, and longest ``-p`` value read as YAML, in
#: characters. A scenario file is a few KB; a larger one is a wrong or hostile file,
#: refused before YAML (pure Python, about 1 s a MB) parses it.
MAX_FILE_BYTES = 1_000_000

#: Most values (numbers, texts, lists, mappings) a scenario file or ``-p`` value may
#: hold, counting each alias (``*name``) as the values it stands for. A scenario holds a
#: few hundred. Without a limit, 340 bytes of aliases (a "billion laughs") stand for
#: 9**9 texts, which every later step (checks, error messages) would walk or quote.
MAX_NODES = 100_000

#: Deepest nesting of lists and mappings. A scenario's deepest value, the list of
#: correlation triples, has 2 levels below the file's mapping; thousands of levels would
#: exhaust Python's recursion (YAML's composer recurses once per level).
MAX_DEPTH = 20

#: Longest number, in characters. A float has at most 17 significant digits; Python
#: refuses to read an integer of more than 4,300 digits (and reads long ones in
#: quadratic time), and no parameter's range needs more than a few digits.
MAX_DIGITS = 100

_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_NUMERIC = re.compile(r"[+-]?[\d_.]+(?:[eE][+-]?\d*)?")


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML refused for its shape: a key that is not a name, nesting too deep,
    aliases that expand too far, a number too long to read. ``key`` is the key of the
    top-level mapping under which it was found, if any."""

    def __init__(self, problem: str, mark: Any, key: str | None = None) -> None:
        super().__init__(None, None, problem, mark)
        self.key = key


class _StrictLoader(yaml.SafeLoader):
    """Safe loader that also refuses duplicate keys, keys that are not names, nesting
    deeper than :data:`MAX_DEPTH` and more than :data:`MAX_NODES` values (:func:`_load`)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0
        self._key: str | None = None

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        # the composer recurses once per level: refuse deep nesting before it overflows
        self._depth += 1
        self._nodes += 1
        try:
            if self._depth == 2 and isinstance(index, yaml.ScalarNode):
                self._key = index.value  # a value of the top-level mapping
            if self._depth > MAX_DEPTH + 1:
                raise _Refused(_DEEP, self.peek_event().start_mark, self._key)
            if self._nodes > MAX_NODES:
                raise _Refused(_LARGE, self.peek_event().start_mark, self._key)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_DEEP = f"nested too deeply; expected at most {MAX_DEPTH} levels of lists and mappings"
_LARGE = f"too large; expected at most {MAX_NODES:,} values (counting what each *alias stands for)"


def _long(chars: int) -> str:
    return f"a number of {chars:,} characters is too long; expected at most {MAX_DIGITS}"


def _no_duplicates(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):  # a list or mapping as a key
            key = loader.construct_object(key_node, deep=True)
            problem = f"key {show(key, 40)} is not a name; expected a name such as n_paths"
            raise _Refused(problem, key_node.start_mark)
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {show(key, 60)}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def _load(text: str) -> Any:
    """Read one YAML document with :class:`_StrictLoader`, refusing it before it is
    built if its aliases expand too far, it refers to itself, it nests too deeply or
    it holds a number too long (:func:`_check_graph`).

    Raises
    ------
    yaml.YAMLError
        :class:`_Refused` for those, another YAMLError for invalid YAML.
    """
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_graph(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_graph(root: yaml.Node) -> None:
    """Refuse a composed YAML node graph that would expand to more than
    :data:`MAX_NODES` values or :data:`MAX_DEPTH` levels, contains itself, or holds a
    number longer than :data:`MAX_DIGITS`.

    An alias is the node of its anchor, shared: the expanded size and depth of each
    node are memoised by its id, so the walk is linear in the number of distinct nodes
    however far the aliases expand. An alias can only name an anchor that comes before
    it, whose node the walk has already measured, so the recursion is no deeper than
    the nesting of the text (at most :data:`MAX_DEPTH`, :class:`_StrictLoader`).
    """
    measured: dict[int, tuple[int, int]] = {}  # id(node) -> (values, levels) expanded
    open_nodes: set[int] = set()

    def walk(node: yaml.Node, key: str | None) -> tuple[int, int]:
        if id(node) in measured:
            return measured[id(node)]
        if id(node) in open_nodes:
            raise _Refused(
                "an alias (*name) refers to itself; expected plain values", node.start_mark, key
            )
        if isinstance(node, yaml.ScalarNode):
            if node.tag in _NUMBER_TAGS and len(node.value) > MAX_DIGITS:
                raise _Refused(_long(len(node.value)), node.start_mark, key)
            size = levels = 1
        else:
            open_nodes.add(id(node))
            pairs = (
                node.value
                if isinstance(node, yaml.MappingNode)
                else [(None, v) for v in node.value]
            )
            size, levels = 1, 0
            for key_node, value_node in pairs:
                if node is root and isinstance(key_node, yaml.ScalarNode):
                    key = key_node.value
                for child in (key_node, value_node):
                    if child is not None:
                        n, d = walk(child, key)
                        size, levels = size + n, max(levels, d)
                        if size > MAX_NODES:
                            raise _Refused(_LARGE, child.start_mark, key)
            levels += 1
            open_nodes.discard(id(node))
        if levels > MAX_DEPTH + 1:
            raise _Refused(_DEEP, node.start_mark, key)
        measured[id(node)] = size, levels
        return size, levels

    walk(root, None)


def load_yaml(
    path: str | Path,
    kind: str = "scenario file",
    expected: str = "a YAML file of parameter overrides, e.g. data/scenarios/base.yaml",
) -> dict[str, Any]:
    """Read a scenario file (or another YAML file of the project: ``kind`` names it in
    errors, ``expected`` says what it should be) and return its mapping, unvalidated.

    Raises
    ------
    ScenarioFileError
        If the file is missing or unreadable, is not valid YAML, uses tags, repeats a key,
        or is not a mapping of parameter names to values. The message names the file and,
        where known, the line.
    """
    path = Path(path)
    if path.is_dir():
        raise ScenarioFileError(f"{kind} {path}: is a folder; expected {expected}")
    if not path.is_file():
        raise ScenarioFileError(f"{kind} {path}: not found (expected {expected})")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioFileError(
                f"{kind} {path}: too large ({size:,} bytes); expected {expected}, "
                f"of at most {MAX_FILE_BYTES:,} bytes"
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioFileError(f"{kind} {path}: cannot be read ({exc})") from None
    try:
        data = _load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if isinstance(exc, _Refused):
            key = f"{cut(exc.key, 40)}: " if exc.key else ""
            raise ScenarioFileError(f"{kind} {path}{line}: {key}{problem}") from None
        if "could not determine a constructor" in str(exc):
            problem = "tags such as !!python/... are not allowed; give plain values"
        problem = cut(problem, 120)
        raise ScenarioFileError(f"{kind} {path}{line}: invalid YAML: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ScenarioFileError(
            f"{kind} {path}: expected a mapping of parameter names to values, "
            f"got a {type(data).__name__}"
        )
    bad = [k for k in data if not isinstance(k, str)]
    if bad:
        raise ScenarioFileError(f"{kind} {path}: key {show(bad[0], 60)} is not a parameter name")
    return data


def load(path: str | Path, overrides: Mapping[str, Any] | None = None):
    """Load a scenario file, apply ``overrides`` and validate everything, once.

    The scenario name defaults to the file's stem.

    Returns
    -------
    Parameters
        :class:`~models.inputs.params.Parameters`.

    Raises
    ------
    ScenarioFileError
        If the file cannot be read as a mapping (:func:`load_yaml`).
    ParameterError
        Naming the file (``... in data/scenarios/x.yaml: ...``) when the file's own
        values are at fault, else the ``-p`` overrides (``... (after -p overrides):
        ...``). Which one is worked out only once the merged values fail, so a valid
        scenario is validated once.
    """
    path = Path(path)
    data = load_yaml(path)
    # validation needs pydantic and scipy (about 1 s to import): only once the file is
    # read, so that a missing or malformed file is reported at once
    from models.inputs.params import validate

    merged = {"scenario_name": path.stem, **data, **(overrides or {})}
    try:
        return validate(merged, where="" if not overrides else " (after -p overrides)")
    except ParameterError:
        validate(data, where=f" in {path}")  # the file's own error, against the file
        raise


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

    Raises
    ------
    ParameterError
        For a number longer than :data:`MAX_DIGITS` characters, and for a value in
        brackets or braces that is longer than :data:`MAX_FILE_BYTES`, nests deeper than
        :data:`MAX_DEPTH`, expands (by aliases) to more than :data:`MAX_NODES` values, or
        has a list or mapping as a key.
    """
    spec = SPECS.get(name) if name else None
    if spec is not None and spec.type == "str":
        return text
    stripped = text.strip()
    what = f"parameter {name}={show(text, 60)}" if name else f"-p value {show(text, 60)}"
    if len(stripped) > MAX_DIGITS and _NUMERIC.fullmatch(stripped):
        raise ParameterError(f"{what}: {_long(len(stripped))}")
    for cast in (int, float):
        try:
            return cast(stripped)
        except ValueError:
            pass
    flow = (stripped.startswith("[") and stripped.endswith("]")) or (
        stripped.startswith("{") and stripped.endswith("}")
    )
    if flow:
        if len(stripped) > MAX_FILE_BYTES:
            raise ParameterError(
                f"{what}: too large ({len(stripped):,} characters); expected at most "
                f"{MAX_FILE_BYTES:,}"
            )
        try:
            value = _load(stripped)
        except _Refused as exc:
            key = f"{cut(exc.key, 40)}: " if exc.key else ""
            raise ParameterError(f"{what}: {key}{exc.problem}") from None
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
    if isinstance(v, str) and len(v) <= MAX_DIGITS:
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


class _Top(dict):
    """A scenario file's top level: always block style, one parameter a line (so that
    lines can be appended to it, as the offline what-if does)."""


_ScenarioDumper.add_representer(
    _Top, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data, flow_style=False)
)
_ScenarioDumper.add_representer(dict, _inline("map"))
_ScenarioDumper.add_representer(list, _inline("seq"))
_ScenarioDumper.add_representer(tuple, _inline("seq"))


def dumps(values: Mapping[str, Any], comment: str = "") -> str:
    """The text of a scenario file holding ``values`` (parameter name to value) under
    ``comment`` as ``#`` lines: block style at the top; ranges, distributions and
    correlation triples inline (what :func:`save` writes)."""
    lines = [f"# {line}".rstrip() for line in comment.splitlines()]
    body = yaml.dump(
        _Top(values), Dumper=_ScenarioDumper, sort_keys=False, allow_unicode=True, width=88
    )
    return "\n".join([*lines, body]) if lines else body


#: The longest file name (bytes, UTF-8) :func:`save` writes: most file systems' limit,
#: less room for the temporary name beside it.
MAX_NAME_BYTES = 200


def _check_save_path(path: Path) -> None:
    """Refuse, as a ScenarioFileError, a path no file system takes: a NUL character, a
    file name longer than :data:`MAX_NAME_BYTES` bytes."""
    if "\x00" in str(path):
        raise ScenarioFileError(
            f"scenario file {str(path)!r}: contains a NUL character; expected a file name"
        )
    size = len(path.name.encode("utf-8", "surrogateescape"))
    if size > MAX_NAME_BYTES:
        raise ScenarioFileError(
            f"scenario file {path.name[:40]}...: a name of {size} bytes; expected at most "
            f"{MAX_NAME_BYTES} (a shorter title)"
        )


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
        If the name does not end in ``.yaml``, holds a NUL or is too long, the folder is
        missing, the file exists and ``overwrite`` is false, or it cannot be written.
    """
    path = Path(path)
    if path.suffix != ".yaml":
        raise ScenarioFileError(f"scenario file {path}: expected a name ending in .yaml")
    _check_save_path(path)
    if not path.parent.is_dir():
        raise ScenarioFileError(f"scenario file {path}: folder {path.parent} does not exist")
    if path.exists() and not overwrite:
        raise ScenarioFileError(f"scenario file {path}: exists; not overwritten")
    text = dumps(params.overrides(), comment)
    tmp = None
    try:
        tmp = new_temporary(path)  # an unguessable name: never a link planted in advance
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
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    log.info("scenario saved to %s", path)
    return path
