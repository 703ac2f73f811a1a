"""The offline what-if's design: where the full model runs, what it keeps, and the
errors it states."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.analysis import whatif, whatif_design
from models.analysis.whatif_design import outputs
from models.economics.modes import MODES
from models.exceptions import ParameterError
from models.inputs import scenario
from models.inputs.params import validate

NAMES = ("license_fee_usd_m_per_title", "regulation_approval_pass_rate", "pricing_price_cny_month")


@pytest.fixture(scope="module")
def params():
    return scenario.load("data/scenarios/base.yaml")


@pytest.fixture(scope="module")
def controls(params):
    return [whatif.control(params, name, "test") for name in NAMES]


@pytest.fixture(scope="module")
def design(params, controls):
    # small and cheap: the structure and the errors, not their size, are tested here
    return whatif_design.build(params, controls, 12, n_paths=60, training_paths=200)


def test_positions_start_at_the_scenario_run_along_each_slider_and_stay_on_its_steps(controls):
    design, held = whatif_design.positions(controls, 20, seed=7)
    names = [c.name for c in controls]
    start = np.array([c.value for c in controls])
    assert design.iloc[0]["kind"] == "start"
    assert np.allclose(design.iloc[0][names].to_numpy(dtype=float), start)
    moved = (np.abs(design[names].to_numpy(dtype=float) - start) > 1e-12).sum(axis=1)
    assert (moved[design["kind"] == "axis"] == 1).all()
    assert len(design) == 20 and len(held) == whatif_design.held_out_count(20, 3) == 6
    # one held-out position along each slider, off the design's positions on its line
    along = held[held["kind"] == "axis"]
    assert len(along) == 3
    for c in controls:
        line = set(design.loc[design["kind"] != "joint", c.name])
        assert sum(v not in line for v in along[c.name]) == 1
    for frame in (design, held):
        for c in controls:
            v = frame[c.name].to_numpy(dtype=float)
            assert ((v >= c.low - 1e-12) & (v <= c.high + 1e-12)).all()
            assert np.allclose((v - c.low) / c.step, np.round((v - c.low) / c.step), atol=1e-6)
    # each slider's line reaches both ends of its range
    for c in controls:
        line = design[(design["kind"] == "axis") & (design[c.name] != c.value)][c.name]
        assert np.isclose(line.min(), c.low) and np.isclose(line.max(), c.high)
    again = whatif_design.positions(controls, 20, seed=7)
    pd.testing.assert_frame_equal(design, again[0])
    assert not whatif_design.positions(controls, 20, seed=8)[0].equals(design)


def test_a_design_too_small_for_its_sliders_is_refused_naming_the_parameter(controls):
    with pytest.raises(ParameterError, match=r"whatif_positions=4: expected 0 .* at least 5"):
        whatif_design.positions(controls, 4, seed=1)


def test_the_parameter_is_validated_and_zero_is_allowed():
    assert validate(whatif_positions=0).whatif_positions == 0
    assert validate(whatif_positions=12).whatif_positions == 12
    with pytest.raises(ParameterError, match="whatif_positions"):
        validate(whatif_positions=-1)
    # fewer than a design of the most sliders needs: refused by validation (and so by
    # `check`), not inside the notebook
    with pytest.raises(ParameterError, match=r"whatif_positions=5: expected 0 .* at least 12"):
        validate(whatif_positions=5)


def test_each_position_is_the_full_model_with_the_sliders_known(params, controls, design):
    row = design.design.iloc[3]
    values = {c.name: float(row[c.name]) for c in controls}
    out, npv = whatif_design.answer(params, values, 60, 200)
    assert out == pytest.approx({k: row[k] for k in outputs()}, abs=1e-9)
    assert npv.shape == (60, len(MODES.names()))
    # the answers move with the inputs: a check on a design where nothing moved passes
    # for nothing
    assert design.design["mean:license"].std() > 1.0
    fee = design.design[design.design["kind"] != "joint"].sort_values(NAMES[0])
    line = fee[
        np.isclose(fee[NAMES[1]], controls[1].value) & np.isclose(fee[NAMES[2]], controls[2].value)
    ]
    assert line["mean:license"].is_monotonic_increasing, line[[NAMES[0], "mean:license"]]


def test_the_stated_errors_are_the_surrogates_errors_at_the_held_out_positions(design):
    held = design.held_out
    pred = design.predict(held)
    modes = list(MODES.names())
    err = (pred[[f"mean:{m}" for m in modes]] - held[[f"mean:{m}" for m in modes]].to_numpy()).abs()
    one = err[(held["kind"] == "axis").to_numpy()].to_numpy().max()
    assert design.error_["one_mean"] >= one - 1e-9  # and the lines' own leave-one-out
    several = err[(held["kind"] == "joint").to_numpy()].to_numpy().max()
    assert design.error_["several_mean"] >= several - 1e-9
    assert design.error_["one_n"] >= (held["kind"] == "axis").sum()
    assert design.noise_["se_step"] < design.noise_["se_mean"]


def test_the_surrogate_reproduces_the_design_along_the_sliders(design):
    on_lines = design.design[design.design["kind"] != "joint"]
    pred = design.predict(on_lines)
    assert np.allclose(
        pred.to_numpy(),
        on_lines[outputs()].to_numpy(),
        atol=1e-3 * (1 + np.abs(on_lines[outputs()].to_numpy())),
    )


def test_predict_takes_a_mapping_of_moved_sliders(design, controls):
    at_start = design.predict({})
    assert at_start.iloc[0].to_numpy() == pytest.approx(
        design.design.iloc[0][outputs()].to_numpy(dtype=float), abs=1e-6
    )
    moved = design.predict({controls[0].name: controls[0].high})
    assert moved["mean:license"].iloc[0] != pytest.approx(at_start["mean:license"].iloc[0])
