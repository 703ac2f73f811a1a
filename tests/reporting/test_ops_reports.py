"""The comparison report of a batch and the sweep report as a board member reads them
(issue 22): no raw Python (tuples, lists, dict braces, ``None``, ``nan``), no
snake_case name outside the parameters table and the footer, no bare figure of more
than two decimals or with a hyphen for a minus, no "input(s)", and nothing said about
a chart that the chart does not draw.

:func:`faults` is the check; ``tests/reporting/test_compare_blocks.py`` and
``tests/reporting/test_sweep_blocks.py`` apply it to the blocks' HTML, the slow tests
here to real reports: a comparison, run by the batch's own function on run folders
holding manifests as runs write them (no scenario is run: the comparison reads only
the manifests), and a small real sweep.
"""

from __future__ import annotations

import copy
import html
import json
import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import NASTY_NAME, ROOT
from tests.reporting.test_style import IDENTIFIER, prose

#: Python's repr of a tuple, list or dict, and None, NaN and infinity as Python or
#: numpy print them.
RAW = re.compile(
    r"\(\s*[(\[{'\"]"  # (( or (' : a tuple
    r"|\[\s*[\]\[('\"\d.-]"  # [] or [' or [0.1 : a list
    r"|[{}]"  # a dict or set
    r"|\bNone\b|\b[Nn]a[Nn]\b|\binf\b|<NA>|\bNaT\b"
)
#: A figure with more than two decimals (0.397, 12.345), not in a longer code.
LONG = re.compile(r"(?<![\w.])\d[\d,]*\.\d{3,}(?![\w.])")
#: A hyphen used as a minus sign (-15.40), not a range such as 2016-19.
HYPHEN_MINUS = re.compile(r"(?<![\w)\]])-\d")
#: "input(s)", "mode(s)": a plural left to the reader.
EITHER_PLURAL = re.compile(r"\w\(s\)")

FAULTS = {
    "raw Python": RAW,
    "snake_case name": IDENTIFIER,
    "more than two decimals": LONG,
    "hyphen for a minus": HYPHEN_MINUS,
    "plural in brackets": EITHER_PLURAL,
}


def figure_texts(page: str) -> list[str]:
    """What a reader reads of the page's plotly charts: titles, axis titles, legend
    names and hover text (without plotly's ``%{...}`` placeholders and tags)."""
    out = []
    for m in re.finditer(
        r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*(\[.*?\]),\s*(\{.*?\}),\s*\{", page, re.S
    ):
        data, lay = json.loads(m.group(1)), json.loads(m.group(2))
        for key, axis in lay.items():
            if key == "title" or key.startswith(("xaxis", "yaxis")):
                title = (axis.get("title") if key != "title" else axis) or {}
                out.append(title.get("text", "") if isinstance(title, dict) else str(title))
        for trace in data:
            out.append(str(trace.get("name") or ""))
            hover = str(trace.get("hovertemplate") or "")
            out.append(re.sub(r"%\{[^}]*\}", "0", re.sub(r"<[^>]+>", " ", hover)))
    return [html.unescape(re.sub(r"<br>", " ", t)) for t in out if t]


def figures(page: str) -> list[list[dict]]:
    """The traces of each plotly chart of the page."""
    found = re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*(\[.*?\]),\s*\{", page, re.S)
    return [json.loads(m.group(1)) for m in found]


def faults(texts: list[str], verbatim: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    """(kind of fault, what matched, the text) for every fault in ``texts``; the
    strings ``verbatim`` (the scenarios' own names, written as given) are left out."""
    found = []
    for text in texts:
        for given in verbatim:
            text = text.replace(given, " ")
        text = " ".join(text.split())
        for kind, pattern in FAULTS.items():
            for m in pattern.finditer(text):
                found.append((kind, m.group(0), text[:160]))
    return found


def page_faults(page: str, verbatim: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    """:func:`faults` of a report page: its prose (as ``test_style.py`` reads it: not
    the parameters table, the footer or code) and its charts' words."""
    return faults(prose(page) + figure_texts(page), verbatim)


def test_the_check_finds_each_fault_and_passes_words():
    bad = [
        "correlations (('regulation_exit_hazard_solo_year', 'x', 0.6),)",
        "[]",
        "[0.04, 0.06, 0.1]",
        "{'dist': 'lognormal'}",
        "None",
        "nan %",
        "payment cost pricing_payment_fee_rate",
        "-15.40",
        "below 0.397",
        "3 other input(s) move no mode",
    ]
    kinds = [{k for k, _, _ in faults([t])} for t in bad]
    assert all(kinds), list(zip(bad, kinds, strict=True))
    assert {k for s in kinds for k in s} == set(FAULTS)
    good = [
        "Licensing: $31 m ± $2.9 m over staying out",
        "−44.5",
        "+68.0",
        "partner's revenue share ≤ 40.0%; share of payers open to a foreign service ≥ 30.0%",
        "4.0% to 10.0% (most likely 6.0%)",
        "the 2016-19 reports (P5 to P95) in 2,000 points",
        "solo's yearly forced-exit risk with partner's yearly forced-exit risk: 0.60",
    ]
    assert faults(good) == []
    assert faults(['<script>alert("x")</script> & co'], verbatim=('alert("x")',)) == []


#: The headline a real run of data/scenarios/crackdown.yaml wrote (500 paths).
HEADLINE = {
    "deal_zone": {"alternative": "license", "exists": False, "high": None, "low": 0.0},
    "decision_rule": "adaptive",
    "lead": {"mean": 31.034, "se": 1.47},
    "modes": {
        mode: {"mean": mean, "p5": p5, "p95": p95, "p_best": best}
        for mode, mean, p5, p95, best in [
            ("license", 31.034, -1.423, 91.639, 0.936),
            ("partner", 0.0, 0.0, 0.0, 0.0),
            ("solo", 0.0, 0.0, 0.0, 0.0),
            ("staged", 31.034, -1.423, 91.639, 0.0),
            ("stay_out", 0.0, 0.0, 0.0, 0.064),
        ]
    },
    "n_paths": 500,
    "probability_best": 0.936,
    "recommended": "license",
    "runner_up": "stay_out",
}


def manifest(name: str, given: dict, **headline) -> dict:
    """A run's manifest as far as the comparison reads it: its scenario, the inputs it
    was given, and :data:`HEADLINE` with ``headline``'s fields replaced."""
    h = copy.deepcopy(HEADLINE)
    h.update(headline)
    return {
        "run_id": "20261205T045056Z-3d9243",
        "scenario": re.sub(r"\W+", "_", name.lower()),
        "scenario_name": name,
        "started": "2026-12-05T04:50:56+00:00",
        "parameters_given": {**given, "scenario_name": name},
        "headline": h,
    }


def _run_folder(folder: Path, scenario: str, extra: dict, **headline) -> Path:
    """A run folder whose manifest was given ``scenario``'s inputs and ``extra`` (as
    ``-p`` would give them)."""
    given = yaml.safe_load((ROOT / "data" / "scenarios" / f"{scenario}.yaml").read_text())
    given.update(extra)
    folder.mkdir(parents=True)
    m = manifest(given["scenario_name"], given, **headline)
    (folder / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    return folder


@pytest.mark.slow
def test_a_real_comparison_report_reads_as_words(tmp_path):
    """The comparison notebook run by the batch's own function on three run folders (the
    runs' manifests, which are all it reads, written as the runs write them; no scenario
    is run), with what a scenario may set: ranges, a distribution, no correlations, a
    rule's code, a negative number, a hostile name, a headline field not recorded."""
    from models.runner.batch import compare_report

    runs = [
        _run_folder(tmp_path / "base", "base", {"n_paths": 500}),
        _run_folder(
            tmp_path / "letv",
            "letv_2015",
            {
                "scenario_name": NASTY_NAME,
                "market_price_elasticity": -2,
                "growth_churn_rate_month": [0.04, 0.06, 0.1],
            },
            deal_zone={"exists": True, "low": 0.152, "high": 0.397},
        ),
        _run_folder(
            tmp_path / "crackdown",
            "crackdown",
            {
                "correlations": [],
                "regulation_quota_rule": "yearly_ratio",
                "market_foreign_premium_share": {"dist": "lognormal", "median": 0.4, "sigma": 0.4},
            },
            probability_best=None,
        ),
    ]
    page = compare_report(runs, tmp_path / "reports").read_text(encoding="utf-8")
    names = tuple(json.loads((d / "manifest.json").read_text())["scenario_name"] for d in runs)
    assert "What each difference does" in page and "correlations" in page
    assert "<script>alert" not in page  # the hostile name is escaped
    found = page_faults(page, verbatim=names)
    assert not found, found


#: A small grid over the partnership's terms and the market, in a market where each
#: mode wins somewhere (the plan-sized yardstick of tests/conftest.py's PLAN_YARDSTICK).
SWEEP = """
name: ops_terms
base: data/scenarios/base.yaml
design: grid
vary:
  partner_revenue_share: {low: 0.1, high: 0.6, steps: 3}
  market_foreign_premium_share: {low: 0.2, high: 0.8, steps: 3}
paths: 200
chunk: 3
decision_rule: fixed
market_reference_catalogue_titles: 300.0
"""


@pytest.mark.slow
def test_a_real_sweep_report_reads_as_words_and_says_only_what_it_draws(tmp_path, cli):
    spec = tmp_path / "ops_terms.yaml"
    spec.write_text(SWEEP)
    ran = cli("sweep", spec, "--reports", tmp_path / "r", "--workers", "0", "--no-progress")
    assert ran.returncode == 0, ran.stderr
    page = Path(ran.stdout.split()[1]).read_text(encoding="utf-8")
    found = page_faults(page)
    assert not found, found
    text = " ".join(prose(page))
    traces = [t for fig in figures(page) for t in fig]
    dashed = any((t.get("line") or {}).get("dash") == "dash" for t in traces)
    crosses = any((t.get("marker") or {}).get("symbol") == "x-thin" for t in traces)
    assert ("dashed line" in text) == dashed
    assert ("A cross marks" in text) == crosses
    # the discovery table writes each box's limits as its sentences do (39.7%, not 0.397)
    sentences = " ".join(_cells(page, "li"))
    assert "is recommended in " in sentences  # more than one mode wins somewhere
    limits = [v for cell in _cells(page, "td") for v in re.findall(r"[≥≤] ([^\s;]+)", cell)]
    assert limits and all(
        re.search(rf"(above|below|and) {re.escape(v)}", sentences) for v in limits
    )


def _cells(page: str, tag: str) -> list[str]:
    """The text of every ``tag`` element of ``page``."""
    found = re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", page, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", " ", t)) for t in found]
