"""One owner of the path-count limits: the parameter, sweep files and the what-if
engine refuse a bad count with the same words."""

from __future__ import annotations

import numpy as np
import pytest

from models.exceptions import ParameterError
from models.inputs.params import validate
from models.inputs.path_count import EXPECTED, MAX_PATHS, MIN_PATHS, check_paths
from models.inputs.schema import SPECS


def test_the_parameter_takes_its_range_from_the_owner():
    spec = SPECS["n_paths"]
    assert (spec.min, spec.max) == (MIN_PATHS, MAX_PATHS) == (2, 2_000_000)
    assert spec.expected() == EXPECTED  # one message, whoever checks


@pytest.mark.parametrize("good", [MIN_PATHS, 300, np.int64(5_000), MAX_PATHS])
def test_valid_counts_come_back_as_int(good):
    out = check_paths(good)
    assert out == good and type(out) is int
    assert validate(n_paths=good).n_paths == good


@pytest.mark.parametrize("bad", [1, 0, -5, MAX_PATHS + 1, True, 2.0, "300", None])
def test_bad_counts_are_refused_in_one_line(bad):
    with pytest.raises(ParameterError) as info:
        check_paths(bad, what="paths", where=" in sweep.yaml")
    msg = str(info.value)
    assert msg == f"paths={bad!r} in sweep.yaml: expected an integer in [2, 2000000] (paths)"
    with pytest.raises(ParameterError, match=r"n_paths=.*expected an integer in \[2, 2000000\]"):
        validate(n_paths=bad)
