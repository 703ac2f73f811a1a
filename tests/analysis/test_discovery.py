"""PRIM finds a planted box, states coverage and density, and reads out in words."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from models.analysis.discovery import prim
from models.exceptions import ParameterError


def planted(n=4000, noise=0.05, seed=3):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.random((n, 4)), columns=["a", "b", "c", "d"])
    truth = (x["a"] > 0.6) & (x["b"] < 0.3)
    flip = rng.random(n) < noise
    return x, truth.to_numpy() ^ flip, truth.to_numpy()


def test_prim_recovers_a_planted_box():
    x, y, truth = planted()
    box = prim(x, y)
    assert set(box.limits) == {"a", "b"}  # c and d do not matter
    (a_low, a_high), (b_low, b_high) = box.limits["a"], box.limits["b"]
    assert a_high is None and b_low is None
    assert a_low == pytest.approx(0.6, abs=0.05) and b_high == pytest.approx(0.3, abs=0.05)
    assert box.density > 0.85 and box.coverage > 0.7
    # the stated numbers are the box's own
    inside = box.contains(x)
    assert box.density == pytest.approx(y[inside].mean())
    assert box.coverage == pytest.approx(y[inside].sum() / y.sum())
    assert box.support == pytest.approx(inside.mean())
    # and it is the truth, up to the noise
    assert (inside & truth).sum() / truth.sum() > 0.8


def test_in_words_with_parameter_names():
    rng = np.random.default_rng(1)
    x = pd.DataFrame(
        {
            "market_foreign_premium_share": rng.uniform(0.05, 0.35, 3000),
            "partner_revenue_share": rng.uniform(0.1, 0.6, 3000),
        }
    )
    y = (x["market_foreign_premium_share"] > 0.22) & (x["partner_revenue_share"] < 0.31)
    words = prim(x, y).in_words("the partnership wins")
    pattern = (
        r"the partnership wins in (9\d|100) % of the points where share of payers open to a "
        r"foreign service is above 2[12]\.\d% and partner's revenue share is below 3[01]\.\d% "
        r"\(these hold (9\d|100) % of all such points\)"
    )
    assert re.fullmatch(pattern, words), words


def test_prim_refuses_nothing_to_find():
    x, _, _ = planted(100)
    with pytest.raises(ParameterError, match="no point is a case of interest"):
        prim(x, np.zeros(100, dtype=bool))
    with pytest.raises(ParameterError, match="alpha"):
        prim(x, np.ones(100, dtype=bool), alpha=0.7)
