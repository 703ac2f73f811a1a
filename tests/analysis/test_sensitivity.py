"""Sensitivity tools against known answers: the Ishigami function and linear models."""

from __future__ import annotations

import numpy as np
import pytest

from models.analysis.sensitivity import sobol, switching_value, tornado
from models.exceptions import ModelError

PI = np.pi
A, B = 7.0, 0.1


def ishigami(x):
    return np.sin(x["x1"]) + A * np.sin(x["x2"]) ** 2 + B * x["x3"] ** 4 * np.sin(x["x1"])


def ishigami_frame(frame):
    return ishigami({k: frame[k].to_numpy() for k in ("x1", "x2", "x3")})


# analytic indices (Ishigami & Homma 1990; Sobol' & Levitan 1999)
V = A**2 / 8 + B * PI**4 / 5 + B**2 * PI**8 / 18 + 0.5
V1 = 0.5 * (1 + B * PI**4 / 5) ** 2
V2 = A**2 / 8
V13 = B**2 * PI**8 / 18 - B**2 * PI**8 / 50
S1 = [V1 / V, V2 / V, 0.0]
ST = [(V1 + V13) / V, V2 / V, V13 / V]


def test_sobol_recovers_the_ishigami_indices():
    ranges = {k: (-PI, PI) for k in ("x1", "x2", "x3")}
    out = sobol(ishigami, ranges, n=4096, seed=7, vectorised=ishigami_frame).set_index("input")
    for i, k in enumerate(("x1", "x2", "x3")):
        assert out.loc[k, "S1"] == pytest.approx(S1[i], abs=0.04)
        assert out.loc[k, "ST"] == pytest.approx(ST[i], abs=0.04)
        assert out.loc[k, "S1_conf"] < 0.1


def test_sobol_row_by_row_matches_vectorised():
    ranges = {k: (-PI, PI) for k in ("x1", "x2", "x3")}
    a = sobol(ishigami, ranges, n=256, seed=3)
    b = sobol(ishigami, ranges, n=256, seed=3, vectorised=ishigami_frame)
    assert np.allclose(a.set_index("input")["ST"], b.set_index("input")["ST"])


def test_sobol_refuses_a_bad_sample_size():
    with pytest.raises(ModelError, match="power of two"):
        sobol(ishigami, {"x1": (0, 1)}, n=1000)


def test_tornado_on_a_linear_model():
    def f(x):
        return 3 * x["a"] - 1 * x["b"] + 0 * x["c"]

    t = tornado(f, {"a": 1.0, "b": 1.0, "c": 1.0}, {"a": (0, 2), "b": (0, 2), "c": (0, 2)})
    assert list(t["input"]) == ["a", "b", "c"]
    assert list(t["swing"]) == [6.0, 2.0, 0.0]
    assert t.loc[0, "base_output"] == 2.0


def test_switching_value_by_hand():
    def gap(x):
        return 100 - 400 * x["hazard"]  # flips at 0.25

    assert switching_value(gap, {"hazard": 0.1}, "hazard", (0.0, 1.0)) == pytest.approx(0.25)
    assert switching_value(gap, {"hazard": 0.1}, "hazard", (0.0, 0.2)) is None
