"""The headlines of the three scenarios, frozen: a change that should not move the model
(a refactor) must leave them identical.

``tests/fixtures/headlines.json`` holds, per scenario of ``data/scenarios`` and at its
own seed, the manifest headline (:func:`models.reporting.decision_blocks.headline_numbers`,
rounded as the manifest writes it: compared exactly) and full-precision summaries of the
Monte Carlo run (mean, standard deviation, P5 and P95 of each mode's NPV under the rule,
committed, adaptive and with foresight; the expected case's NPV and present value per
line: compared to 1e-9). It was written at commit 576401a, before issue 19 made the entry
modes objects; a deliberate change of the model writes it again::

    .venv/bin/python -m tests.test_headlines --write

and says why in its commit message.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "headlines.json"
SCENARIOS = ("base", "letv_2015", "crackdown")


def snapshot(name: str) -> dict:
    """The headline and full-precision summaries of one scenario (see the docstring)."""
    from models import analyse, load_scenario
    from models.reporting.decision_blocks import headline_numbers

    d = analyse(load_scenario(ROOT / "data" / "scenarios" / f"{name}.yaml"))
    full = {}
    for key in ("npv", "npv_committed", "npv_adaptive", "npv_foresight", "peak_funding"):
        frame = getattr(d.mc, key)
        full[key] = {
            m: [
                float(frame[m].mean()),
                float(frame[m].std()),
                float(frame[m].quantile(0.05)),
                float(frame[m].quantile(0.95)),
            ]
            for m in frame.columns
        }
    full["expected_npv"] = {m: float(v) for m, v in d.expected.summary["npv_usd_m"].items()}
    full["expected_pv_lines"] = {
        m: {k: float(v) for k, v in row.items()} for m, row in d.expected.pv_lines.iterrows()
    }
    full["mc_pv_lines"] = {
        m: {k: float(v) for k, v in row.items()} for m, row in d.mc.pv_lines.iterrows()
    }
    full["switch_share"] = float(d.mc.switch_month.notna().mean())
    return {"headline": headline_numbers(d), "full": full}


def _differences(before, after, path: str = "") -> list[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        out = (
            [f"{path}: keys {sorted(set(before) ^ set(after))}"]
            if set(before) != set(after)
            else []
        )
        for k in set(before) & set(after):
            out += _differences(before[k], after[k], f"{path}/{k}")
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [
            d
            for i, (a, b) in enumerate(zip(before, after, strict=True))
            for d in _differences(a, b, f"{path}[{i}]")
        ]
    if isinstance(before, float) and isinstance(after, float) and "/full/" in path + "/":
        same = before == after or math.isclose(before, after, rel_tol=1e-9, abs_tol=1e-9)
        return [] if same else [f"{path}: {before!r} -> {after!r}"]
    return [] if before == after else [f"{path}: {before!r} -> {after!r}"]


@pytest.mark.slow
@pytest.mark.parametrize("name", SCENARIOS)
def test_the_headline_is_unchanged(name):
    before = json.loads(FIXTURE.read_text())[name]
    after = json.loads(json.dumps(snapshot(name)))
    diff = _differences(before, after, name)
    assert not diff, "the model's answer moved:\n" + "\n".join(diff[:40])


if __name__ == "__main__":
    if "--write" in sys.argv:
        data = {name: snapshot(name) for name in SCENARIOS}
        FIXTURE.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print(f"wrote {FIXTURE}")
