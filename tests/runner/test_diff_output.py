"""What ``market-entry diff`` prints: words and units for people, raw names in strict
JSON for scripts, the whole list on request, and no log records unless asked for.

The runs are manifests written here (``diff`` reads nothing else), so the tests take
seconds; tests/runner/test_batch.py diffs two real runs."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from models.economics.modes import MODES
from models.inputs.schema import SPECS

STATS = ("mean", "median", "p5", "p95", "expected", "committed", "adaptive", "foresight")
SHARES = ("p_loss", "p_best", "p_gain_if_run")


def headline(shift: float, low: float) -> dict:
    modes = {
        m: {
            **{k: -30.0 + 10 * i + shift for k in STATS},
            **{k: 0.1 + 0.01 * i + shift / 1000 for k in SHARES},
        }
        for i, m in enumerate(MODES.names())
    }
    return {
        "recommended": "license",
        "runner_up": "stay_out",
        "lead": {"mean": 12.0 + shift, "se": 1.0},
        "deal_zone": {"exists": True, "low": low, "high": 0.3, "alternative": "license"},
        "probability_best": 0.6 + shift / 1000,
        "n_paths": 300,
        "decision_rule": "adaptive",
        "modes": modes,
        "checks_failed": [],
    }


def fake_run(folder: Path, given: dict, head: dict, started: str) -> Path:
    folder.mkdir(parents=True)
    manifest = {
        "run_id": folder.name,
        "status": "succeeded",
        "started": started,
        "parameters_given": given,
        "headline": head,
        "inputs": {"data": {"data/raw/china_svod_subscribers.csv": started}},
        "git_commit": "abc" + started[-1],
        "packages": {"numpy": "2.0"},
    }
    # a NaN, as json writes it by default: diff --json must turn it into null
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


@pytest.fixture
def two_runs(tmp_path) -> tuple[Path, Path]:
    small = {"n_paths": 300, "sobol_samples": 16, "whatif_positions": 0}
    a = fake_run(
        tmp_path / "base" / "a", small, headline(0.0, math.nan), "2026-12-01T06:17:00+00:00"
    )
    b = fake_run(
        tmp_path / "base" / "b",
        {
            **small,
            "license_fee_usd_m_per_title": 0.8,
            "partner_revenue_share": 0.3,
            "market_price_elasticity": -2,
        },
        headline(5.0, 0.2),
        "2026-12-02T06:17:00+00:00",
    )
    return a, b


def snake_case_names(text: str) -> list[str]:
    """Parameter names (and headline keys) written raw in ``text``."""
    names = [n for n in SPECS if "_" in n] + ["p_best", "p_loss", "runner_up", "stay_out"]
    return [n for n in names if re.search(rf"(?<![\w/.]){re.escape(n)}(?![\w.])", text)]


def test_diff_text_names_parameters_and_numbers_in_words(cli, two_runs):
    a, b = two_runs
    ran = cli("diff", a, b)
    assert ran.returncode == 0, ran.stderr
    text = ran.stdout
    assert snake_case_names(text) == []
    assert "modes." not in text and "deal_zone" not in text
    assert "licence fee per title-year: the default (US$0.35 m per title-year) -> " in text
    assert "partner's revenue share: the default (" in text
    assert "Solo, mean NPV: −$30 m -> −$25 m (+$5.0 m)" in text
    # the attribution: modes by their labels, the changes as money
    table = text[text.index("drivers of the change") :].splitlines()[1:]
    assert table[0].split()[:3] == ["driver", "Solo", "Partner"]
    assert any(line.strip().startswith("licence fee per title-year") for line in table)
    assert re.search(r"[−+]\$\d", "\n".join(table))


def test_diff_logs_nothing_below_warning_unless_asked(cli, two_runs):
    a, b = two_runs
    ran = cli("diff", a, b)
    assert ran.returncode == 0 and ran.stderr == ""
    loud = cli("diff", a, b, "--log-level", "INFO")  # the same records, asked for
    assert loud.returncode == 0 and "INFO " in loud.stderr
    assert loud.stdout == ran.stdout


def test_diff_cuts_the_list_and_all_shows_it_whole(cli, two_runs):
    a, b = two_runs
    short = cli("diff", a, b).stdout
    moved = re.search(r"headline: (\d+) of \d+ numbers changed", short)
    n = int(moved.group(1))
    assert n > 25  # the fixture moves every mode's numbers
    more = re.search(r"\.\.\. and (\d+) more numbers \(market-entry diff .* --all", short)
    assert more and int(more.group(1)) == n - 25
    whole = cli("diff", a, b, "--all").stdout
    assert "... and" not in whole
    body = whole[whole.index("numbers changed") : whole.index("drivers of the change")]
    assert len(body.splitlines()) - 1 == n


def test_diff_json_is_strict_and_keeps_raw_names(cli, two_runs):
    a, b = two_runs
    ran = cli("diff", a, b, "--json")
    assert ran.returncode == 0 and "NaN" not in ran.stdout

    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    out = json.loads(ran.stdout, parse_constant=refuse)
    assert "license_fee_usd_m_per_title" in out["parameters"]
    low = next(r for r in out["headline"] if r["key"] == "deal_zone.low")
    assert low["a"] is None and low["b"] == 0.2 and low["change"] is None
    assert set(out["drivers_usd_m"]["license_fee_usd_m_per_title"]) == set(MODES.names())
