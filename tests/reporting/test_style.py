"""A real report against the report style guide (docs/report_style.md): no raw
parameter names or other snake_case identifiers in prose, and sentence-case headers."""

from __future__ import annotations

import html
import re

import pytest

from models.reporting.blocks import header

pytestmark = pytest.mark.slow

#: snake_case identifiers: words joined by underscores, not inside a path or a file name
IDENTIFIER = re.compile(r"(?<![\w/.])[a-z]+(?:_[a-z0-9]+)+\b(?![\w/.])")


def prose(page: str) -> list[str]:
    """The text of paragraphs, bullets, captions, headers and cells a reader reads: not
    the parameters table (in <details>), the footer, code or scripts."""
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    page = re.sub(r"<details>.*?</details>", "", page, flags=re.S)
    page = re.sub(r'<div class="me-report me-foot">.*?</div>', "", page, flags=re.S)
    page = re.sub(r"<code>.*?</code>", "", page, flags=re.S)
    out = []
    for m in re.finditer(r"<(p|li|td|th|h\d)\b[^>]*>(.*?)</\1>", page, flags=re.S):
        out.append(html.unescape(re.sub(r"<[^>]+>", " ", m.group(2))))
    return out


def test_style_helpers():
    assert [header(h) for h in ("item", "usd", "by year 1", "p, all rows", "partner")] == [
        "Item",
        "US$",
        "By year 1",
        "p, all rows",
        "Partner",
    ]
    assert IDENTIFIER.findall("the content_lead_months input") == ["content_lead_months"]
    assert IDENTIFIER.findall("see data/raw/china_internet_cnnic.csv") == []


def test_reports_have_no_raw_identifiers_and_sentence_case_headers(report_run):
    found = {}
    for path in report_run["htmls"]:
        page = path.read_text()
        for text in prose(page):
            ids = IDENTIFIER.findall(text)
            if ids:
                found.setdefault(path.stem, []).append((ids, " ".join(text.split())[:120]))
        headers = [
            html.unescape(re.sub(r"<[^>]+>", "", h)).strip()
            for h in re.findall(r"<th[^>]*>(.*?)</th>", page, flags=re.S)
        ]
        lower = [h for h in headers if h and h[0].islower() and header(h) != h]
        assert not lower, f"{path.stem}: headers not in sentence case: {lower}"
    assert not found, found


#: The terms the main report must explain (issue 22: "a short glossary reached from each
#: technical term"), by glossary key.
MUST_LINK = ("cvar", "range", "p-gain", "p-loss", "sobol", "mean-npv", "most-likely-case")


def test_one_vocabulary_and_a_glossary_reached_from_each_term(report_run):
    """No report calls the mean over futures or the most-likely case "expected"; every
    link to a term lands on a definition in the same page; the main report links its
    technical terms and says dominance in plain words (docs/report_style.md, "Words")."""
    for path in report_run["htmls"]:
        page = path.read_text()
        text = " ".join(prose(page)).lower()
        for banned in ("expected case", "expected npv", "stochastically dominates"):
            assert banned not in text, f"{path.stem}: {banned!r}"
        # chart titles live in the plotly data, in a script
        assert not re.search(r"US\$ m, expected|\(expected, millions", page), path.stem
        linked = set(re.findall(r'href="#term-([\w-]+)"', page))
        defined = set(re.findall(r'id="term-([\w-]+)"', page))
        assert linked - defined == set(), f"{path.stem}: links without definitions"
        assert ('id="glossary"' in page) == bool(linked), path.stem
    main = report_run["html"].read_text()
    linked = set(re.findall(r'href="#term-([\w-]+)"', main))
    assert set(MUST_LINK) <= linked, set(MUST_LINK) - linked
    # the table puts both numbers side by side, each under its own name
    assert re.search(r">\s*(<a[^>]*>)?Most-likely case(</a>)?\s*</th>", main)
    assert re.search(r">\s*(<a[^>]*>)?Mean NPV(</a>)?\s*</th>", main)
    plain = " ".join(prose(main))
    assert "at every level" in plain  # dominance, or its absence, in words
