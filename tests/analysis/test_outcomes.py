"""outcomes.parquet: written a block of paths at a time, read back as the whole frame."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pandas as pd
import pyarrow.parquet as pq
import pytest

from models.analysis import outcomes
from models.exceptions import OutputError
from models.inputs.params import validate
from models.uncertainty import montecarlo


@pytest.fixture(scope="module")
def decision():
    p = validate(n_paths=300, decision_rule="fixed", decision_training_paths=1000)
    return SimpleNamespace(params=p, mc=montecarlo.run(p))


def test_the_file_written_in_blocks_reads_back_as_the_whole_frame(decision, tmp_path, monkeypatch):
    monkeypatch.setattr(outcomes, "BLOCK", 70)  # 300 paths: five row groups, the last short
    path = outcomes.save_outcomes(decision, tmp_path)
    whole = outcomes.outcomes(decision)
    back = pd.read_parquet(path)
    assert pq.ParquetFile(path).num_row_groups == 5
    assert len(whole) == 300 * decision.mc.npv.shape[1] and whole["path"].is_monotonic_increasing
    assert whole.shape[1] > 60  # the inputs and flags beside the outcomes
    pd.testing.assert_frame_equal(back, whole)
    assert back.attrs == whole.attrs and back.attrs["decision_rule"] == "fixed"
    assert isinstance(back["mode"].dtype, pd.CategoricalDtype)


def test_a_block_holds_its_paths_rows(decision):
    mc = decision.mc
    part = mc.to_df(slice(100, 150))
    whole = mc.to_df()
    expected = whole[whole["path"].between(100, 149)].reset_index(drop=True)
    pd.testing.assert_frame_equal(part, expected)


def test_a_block_that_cannot_be_written_leaves_the_earlier_file(decision, tmp_path, monkeypatch):
    """A block whose columns Arrow types otherwise than the first block's (an object
    column empty at first, text later: not a run's all-float inputs) is refused as an
    OutputError mid-write, and the earlier file is left as it was, with no temporary."""
    mc = decision.mc
    draws = mc.draws.copy()
    draws["note"] = pd.Series([None] * 100 + ["x"] * (len(draws) - 100), dtype=object)
    odd = SimpleNamespace(params=decision.params, mc=dataclasses.replace(mc, draws=draws))
    earlier = tmp_path / outcomes.FILE
    earlier.write_bytes(b"an earlier run's file")
    monkeypatch.setattr(outcomes, "BLOCK", 100)
    with pytest.raises(OutputError, match=r"outcomes .*outcomes.parquet: cannot be written"):
        outcomes.save_outcomes(odd, tmp_path)
    assert earlier.read_bytes() == b"an earlier run's file"
    assert [p.name for p in tmp_path.iterdir()] == [outcomes.FILE]
