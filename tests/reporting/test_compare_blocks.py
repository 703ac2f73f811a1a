"""The comparison report's blocks (issue 22): every value in words a reader reads, on
manifests like a batch's (headlines as a real run of the crackdown wrote them; inputs
as the scenario files give them, with the kinds of value a scenario may set: ranges,
distributions, correlations, codes, empty lists, and headline fields not recorded)."""

from __future__ import annotations

import math
import re

import pytest

from models.reporting import compare_blocks
from tests.reporting.test_ops_reports import faults, manifest
from tests.reporting.test_style import prose


def _manifest(name: str, given: dict, **headline) -> dict:
    return {**manifest(name, given, **headline), "_dir": f"/reports/{name}"}


@pytest.fixture(scope="module")
def runs() -> list[dict]:
    return [
        _manifest("Base case (2026)", {}),
        _manifest(
            "Regulatory crackdown",
            {
                "regulation_approval_pass_rate": 0.4,
                "regulation_exit_hazard_solo_year": 0.5,
                "regulation_suspension_months": 6.0,
                "regulation_quota_rule": "yearly_ratio",
                "correlations": [],
            },
            deal_zone={"exists": True, "low": 0.152, "high": 0.397},
        ),
        _manifest(
            "LeTV, 2015",
            {
                "start_year": 2016,
                "pricing_payment_fee_rate": 0.08,
                "growth_churn_rate_month": [0.04, 0.06, 0.1],
                "market_foreign_premium_share": {"dist": "lognormal", "median": 0.4, "sigma": 0.4},
                "correlations": [
                    ["regulation_exit_hazard_solo_year", "regulation_exit_hazard_partner_year", 0.6]
                ],
            },
            probability_best=math.nan,
            lead=None,
            runner_up=None,
            deal_zone={},
        ),
    ]


def test_each_block_reads_as_words(runs):
    blocks = [
        compare_blocks.title(runs),
        compare_blocks.answers(runs),
        compare_blocks.inputs_that_differ(runs),
        compare_blocks.what_moves_the_answer(runs),
    ]
    texts = [t for b in blocks for t in prose(str(b))]
    names = tuple(m["scenario_name"] for m in runs)
    found = faults(texts, verbatim=names)
    assert not found, found
    page = " ".join(" ".join(t.split()) for t in texts)
    for words in (
        "500 simulated futures",
        "$31 m ± $2.9 m over staying out",
        "partner's share 15 % to 40 %",
        "not recorded",
        "4.0% to 10.0% (most likely 6.0%)",
        "lognormal (median 40.0%, sigma 0.4)",
        "solo's yearly forced-exit risk with partner's yearly forced-exit risk: 0.60",
        "a yearly ratio to domestic titles (2014 rule)",
    ):
        assert words in page, words
    assert "none" in _row(blocks[2], "correlations")  # the crackdown's empty list


def _row(block, first: str) -> list[str]:
    cells = prose(str(block))
    i = [" ".join(c.split()) for c in cells].index(first)
    return [c.strip() for c in cells[i : i + 4]]


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("correlations", [], "none"),
        ("correlations", None, "none"),
        ("regulation_quota_rule", "share_on_offer", "a share of the titles on offer (2018 draft)"),
        ("staged_switch_to", "solo", "Solo"),
        ("decision_rule", "fixed", "fixed plan"),
        ("start_year", 2016, "2016"),
        ("pricing_payment_fee_rate", 0.08, "8.0%"),
        ("pricing_payment_fee_rate", math.nan, "not a number"),
        ("scenario_notes", None, "not set"),
        ("market_foreign_premium_share", {"dist": "beta", "a": 2, "b": 3}, "beta (a 2, b 3)"),
    ],
)
def test_a_value_in_words(name, value, words):
    assert compare_blocks.value_words(name, value) == words


def test_changes_are_written_with_a_true_minus_and_no_plural_in_brackets(runs):
    text = " ".join(prose(str(compare_blocks.what_moves_the_answer(runs[:2]))))
    # fewer approvals cost licensing: a change of one decimal with a true minus sign
    assert re.search(r"(?<![\d.])−\d+\.\d(?!\d)", text), text
    assert re.search(r"\b3 other inputs that differ move no mode\b", text), text
    assert not faults([text], verbatim=(runs[1]["scenario_name"],))
