"""Hostile inputs (from a fault-injection battery): each is refused quickly with one
short line naming the file or parameter, never a traceback or a non-MarketEntryError."""

from __future__ import annotations

import tracemalloc
import warnings
from contextlib import contextmanager

import pytest

from models.exceptions import ParameterError, ScenarioFileError
from models.format import show
from models.inputs.params import validate
from models.inputs.scenario import load, load_yaml, parse_overrides, parse_value

BIG_INT = "1" * 5000
DEEP_LIST = "[" * 3000 + "]" * 3000
DEEP_MAP = "{a: " * 3000 + "1" + "}" * 3000

#: The 340-byte "billion laughs": 9**9 strings once the aliases are expanded.
LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{b}: &{b} [{','.join(['*' + a] * 9)}]\n"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "n_paths: *i\n"
)
#: The same bomb under one known key: a list of its anchors.
LAUGHS_ONE_KEY = (
    "n_paths: [" + ", ".join(line.split(": ", 1)[1] for line in LAUGHS.splitlines()[:-1]) + "]\n"
)


@contextmanager
def allocates_at_most(limit: int):
    """Fail if the Python allocations inside peak above ``limit`` bytes (:mod:`tracemalloc`).

    A bomb refused, or a huge value quoted, must cost work bounded by the limits, not
    by the value's size: bounded here by memory, which is the same on every machine,
    not by the wall clock of a shared one (a bound of 0.1 s failed once in CI at 0.83
    s, with nothing wrong). Expanding the bombs, or parsing a huge value into what it
    spells, would allocate hundreds of megabytes to gigabytes; refusing a bomb or
    cutting a quoted value allocates under 0.1 MB, and refusing a huge value a small
    multiple of its size.
    """
    tracing = tracemalloc.is_tracing()  # already, under PYTHONTRACEMALLOC: left on
    if not tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    before, _ = tracemalloc.get_traced_memory()
    try:
        yield
    finally:
        _, peak = tracemalloc.get_traced_memory()
        if not tracing:
            tracemalloc.stop()
    peak -= before
    assert peak < limit, f"{peak:,} bytes allocated at the peak, expected under {limit:,}"


def write(tmp_path, text, name="s.yaml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def one_line(info, *names: str) -> str:
    """The error's message, checked to be one short line naming each of ``names``."""
    msg = str(info.value)
    assert "\n" not in msg
    assert len(msg) < 300, msg
    for name in names:
        assert name in msg, msg
    return msg


# -- 1. mapping keys that are not hashable ---------------------------------------------


@pytest.mark.parametrize(
    "text", ["? [n_paths, seed]\n: 3\n", "? {n_paths: 1}\n: 3\n", "n_paths: {? [a]: 1}\n"]
)
def test_file_key_that_is_a_list_or_mapping(tmp_path, text):
    p = write(tmp_path, text)
    with pytest.raises(ScenarioFileError) as info:
        load_yaml(p)
    assert "is not a name" in one_line(info, str(p))


@pytest.mark.parametrize("text", ["{[1]: 2}", "{{a: 1}: 2}", "[{[1]: 2}, 1, 2]"])
def test_value_key_that_is_a_list_or_mapping(text):
    with pytest.raises(ParameterError) as info:
        parse_value(text, "some_param")
    assert "is not a name" in one_line(info, "some_param")
    with pytest.raises(ParameterError) as info:
        parse_overrides([("growth_churn_rate_month", text)])
    one_line(info, "growth_churn_rate_month")


# -- 2. integers of 5,000 digits ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"n_paths: {BIG_INT}\n",
        f"n_paths: -{BIG_INT}\n",
        f"n_paths: 0x{'f' * 5000}\n",
        f"growth_churn_rate_month: [{BIG_INT}, 1, 2]\n",
        f"growth_churn_rate_month: {BIG_INT}.5\n",
    ],
)
def test_file_number_too_long(tmp_path, text):
    p = write(tmp_path, text)
    with pytest.raises(ScenarioFileError) as info:
        load(p)
    name = text.split(":")[0]
    assert "too long" in one_line(info, str(p), name)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("n_paths", BIG_INT),
        ("n_paths", f"-{BIG_INT}"),
        ("growth_churn_rate_month", f"[{BIG_INT}, 1, 2]"),
        ("growth_churn_rate_month", f"{{dist: normal, mean: {BIG_INT}, sd: 1}}"),
    ],
)
def test_value_number_too_long(name, text):
    with pytest.raises(ParameterError) as info:
        parse_overrides([(name, text)])
    assert "too long" in one_line(info, name)


@pytest.mark.parametrize(
    "values",
    [
        {"n_paths": 10**5000},
        {"growth_churn_rate_month": 10**5000},
        {"growth_churn_rate_month": [10**5000, 1, 2]},
        {"growth_churn_rate_month": {"dist": "normal", "mean": 10**5000, "sd": 1}},
    ],
)
def test_validate_huge_python_int(values):
    with pytest.raises(ParameterError) as info:
        validate(values)
    one_line(info, next(iter(values)))


# -- 3. nesting 3,000 deep ------------------------------------------------------------


@pytest.mark.parametrize("deep", [DEEP_LIST, DEEP_MAP])
def test_file_nested_too_deeply(tmp_path, deep):
    p = write(tmp_path, f"n_paths: {deep}\n")
    with pytest.raises(ScenarioFileError) as info:
        load(p)
    assert "nested too deeply" in one_line(info, str(p), "n_paths")


def test_file_nested_too_deeply_through_aliases(tmp_path):
    # each anchor nests the previous one 10 levels deeper: 3,000 levels in all
    lines = ["a0: &a0 1"]
    lines += [f"a{i}: &a{i} {'[' * 10}*a{i - 1}{']' * 10}" for i in range(1, 301)]
    p = write(tmp_path, "\n".join([*lines, "n_paths: *a300", ""]))
    with pytest.raises(ScenarioFileError) as info:
        load_yaml(p)
    assert "nested too deeply" in one_line(info, str(p))


def test_file_alias_inside_its_own_anchor(tmp_path):
    p = write(tmp_path, "n_paths: &a [*a]\n")
    with pytest.raises(ScenarioFileError) as info:
        load(p)
    assert "refers to itself" in one_line(info, str(p), "n_paths")


@pytest.mark.parametrize("deep", [DEEP_LIST, DEEP_MAP, "[&a [*a]]"])
def test_value_nested_too_deeply(deep):
    with pytest.raises(ParameterError) as info:
        parse_overrides([("n_paths", deep)])
    msg = one_line(info, "n_paths")
    assert "nested too deeply" in msg or "refers to itself" in msg


def test_validate_python_list_nested_deeply():
    deep: list = []
    for _ in range(3000):
        deep = [deep]
    with pytest.raises(ParameterError) as info:
        validate(n_paths=deep)
    one_line(info, "n_paths")


# -- 4. lognormal spreads that overflow -----------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        {"median": 0.05, "sigma": 1e308},
        {"median": 0.05, "sigma": 1e6},
        {"median": 0.05, "sigma": 10.5},
        {"median": 1e-300, "sigma": 1e300},
        {"mean": 0.05, "sd": 1e308},
        {"mean": 0.05, "sd": 1e200},
        {"mean": 0.05, "sd": 1e30},
        {"mean": 1e-308, "sd": 0.01},
        {"mean": 1e-300, "sd": 1e300},
    ],
)
def test_lognormal_spread_too_large(spec):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning on the way either
        with pytest.raises(ParameterError) as info:
            validate(growth_churn_rate_month={"dist": "lognormal", **spec})
    assert "spread is too large" in one_line(info, "growth_churn_rate_month")


@pytest.mark.parametrize(
    "spec", [{"mean": 0.05, "sd": 1e-308}, {"mean": 0.3, "sd": 1e-200}, {"mean": 0.1, "sd": 5e-324}]
)
def test_lognormal_spread_too_small(spec):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ParameterError) as info:
            validate(growth_churn_rate_month={"dist": "lognormal", **spec})
    assert "too small" in one_line(info, "growth_churn_rate_month")


@pytest.mark.parametrize(
    "spec",
    [{"median": 0.05, "sigma": 10.0}, {"median": 1e-300, "sigma": 10.0}, {"mean": 0.05, "sd": 1e6}],
)
def test_lognormal_largest_spread_still_works(spec):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = validate(growth_churn_rate_month={"dist": "lognormal", **spec})
        d = p.distributions["growth_churn_rate_month"]
        draws = d.ppf([0.001, 0.5, 0.999])
    assert 0 <= draws[0] <= draws[1] <= draws[2] <= 0.3
    assert 0 <= d.mean <= 0.3


# -- 5. alias bombs, and quoting huge values ------------------------------------------


@pytest.mark.parametrize(
    ("text", "read", "key"), [(LAUGHS, load_yaml, ": f: "), (LAUGHS_ONE_KEY, load, ": n_paths: ")]
)
def test_file_billion_laughs(tmp_path, text, read, key):
    assert len(text) < 400
    p = write(tmp_path, text)
    with allocates_at_most(2**20), pytest.raises(ScenarioFileError) as info:
        read(p)
    assert "too large" in one_line(info, str(p), key)  # the first key that expands too far


def test_value_billion_laughs():
    anchors = ['&a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    anchors += [
        f"&{b} [{','.join(['*' + a] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    text = "[" + ", ".join(anchors) + "]"
    with allocates_at_most(2**20), pytest.raises(ParameterError) as info:
        parse_overrides([("n_paths", text)])
    assert "too large" in one_line(info, "n_paths")


def test_show_is_bounded():
    deep: list = []
    for _ in range(3000):
        deep = [deep]
    row = [0] * 1000
    shared = [[row] * 1000] * 1000  # 10**9 elements when expanded
    for value in (deep, shared, "x" * 10_000_000, {i: [i] * 1000 for i in range(10**5)}):
        with allocates_at_most(2**20):
            text = show(value)
        assert len(text) <= 80 and text.endswith("...")
        assert len(show(value, 30)) <= 30
    assert show(-(10**5000)) == "-<an integer of about 5,001 digits>"
    assert show(10**3000) == repr(10**3000)[:77] + "..."


@pytest.mark.parametrize(
    "value",
    [
        0.05,
        -2,
        10**30,
        True,
        None,
        "abc",
        "it's",
        "x" * 200,
        [0.04, 0.06, 0.1],
        (1,),
        {"dist": "pert", "low": 0.01, "mode": 0.05, "high": 0.1, "lambda": 4},
        [["a_name", "b_name", -0.3]] * 5,
        {"b", "a"},
        list(range(100)),
    ],
)
def test_show_ordinary_values_as_before(value):
    for width in (80, 60, 20):
        text = repr(value)
        assert show(value, width) == (text if len(text) <= width else text[: width - 3] + "...")


# -- 6. huge strings and huge files ---------------------------------------------------


def test_file_huge_key(tmp_path):
    p = write(tmp_path, f"? {'k' * 100_000}\n: 1\n")  # a plain key is at most 1,024
    with pytest.raises(ParameterError) as info:
        load(p)
    one_line(info, str(p), "unknown parameter kkkk")


@pytest.mark.parametrize(
    "text",
    [
        f"scenario_name: {'x' * 900_000}\n",
        f"n_paths: {'x' * 900_000}\n",
        f"n_paths: [{'x' * 900_000}]\n",
    ],
)
def test_file_huge_string_value(tmp_path, text):
    p = write(tmp_path, text)
    # read once or twice, not parsed into a structure of its size
    with allocates_at_most(8 * len(text)), pytest.raises(ParameterError) as info:
        load(p)
    one_line(info, str(p), text.split(":")[0])


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("scenario_name", "x" * 10_000_000),
        ("n_paths", "x" * 10_000_000),
        ("n_paths", "[" + "x" * 10_000_000 + "]"),
        ("n_paths", "[" + "1," * 5_000_000 + "]"),
    ],
)
def test_value_huge_string(name, text):
    # copied once or twice, not parsed into a list of five million numbers
    with allocates_at_most(4 * len(text)), pytest.raises(ParameterError) as info:
        validate(parse_overrides([(name, text)]))
    one_line(info, name)


def test_file_too_large(tmp_path):
    p = write(tmp_path, "n_paths: 1000\n" + "# padding\n" * 5_000_000)  # 50 MB
    assert p.stat().st_size > 50_000_000
    with allocates_at_most(2**20), pytest.raises(ScenarioFileError) as info:  # not read
        load(p)
    assert "too large" in one_line(info, str(p))


def test_file_of_many_nodes(tmp_path):
    p = write(tmp_path, "n_paths: [" + "1," * 400_000 + "]\n")  # under the size cap
    with pytest.raises(ScenarioFileError) as info:
        load(p)
    assert "too large" in one_line(info, str(p), "n_paths")
