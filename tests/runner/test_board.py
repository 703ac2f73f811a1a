"""The board pack: `market-entry pdf RUN_DIR` prints a run into one PDF that opens with a
summary of at most four pages, then the reports, with the parameters once; checked on
the printed pages (text extracted from the PDF) and on the page as Chromium lays it out
for print (charts' legends and titles)."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from models.runner.board import MAX_SUMMARY_PAGES, PACK_NAME
from tests.conftest import has_chromium, run_cli
from tests.runner.test_pdf import print_layout

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def pack(report_run, tmp_path_factory):
    if not has_chromium():
        pytest.fail("Chromium is not installed: `apt-get install -y chromium` (.ci/run does it)")
    run_dir = tmp_path_factory.mktemp("pack") / report_run["run_dir"].name
    shutil.copytree(report_run["run_dir"], run_dir)
    proc = run_cli("pdf", str(run_dir), timeout=900)
    return proc, run_dir


def _parts(path: Path) -> tuple[list[str], list[tuple[str, int, int]]]:
    """Each page's text, and each part's (title, first page, end page) from the
    bookmarks."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    texts = [page.extract_text() for page in reader.pages]
    marks = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline]
    ends = [start for _, start in marks[1:]] + [len(texts)]
    return texts, [(t, s, e) for (t, s), e in zip(marks, ends, strict=True)]


def test_the_pack_opens_with_a_short_summary_then_the_reports_then_the_parameters(pack):
    proc, run_dir = pack
    assert proc.returncode == 0, proc.stderr
    path = run_dir / PACK_NAME
    assert proc.stdout.split() == [str(path)]
    texts, parts = _parts(path)
    titles = [t for t, _, _ in parts]
    assert titles[0] == "Summary" and titles[1] == "The entry decision"
    assert titles[-2:] == ["Glossary", "Parameters"]
    assert len(titles) == 8  # the summary, five reports, the glossary, the parameters
    _, start, end = parts[0]
    assert 1 <= end - start <= MAX_SUMMARY_PAGES
    summary = " ".join(texts[start:end])
    for words in ("Recommendation:", "Main risk:", "NPV across"):
        assert words in summary, words
    assert "Parameters used" not in summary and "Model checks" not in summary
    # the glossary once, every term of it, after the reports
    _, g_start, g_end = parts[-2]
    with_glossary = [i for i, text in enumerate(texts) if "The technical terms of this" in text]
    assert with_glossary and all(g_start <= i < g_end for i in with_glossary)
    terms = " ".join(texts[g_start:g_end])
    for name in ("Mean NPV", "Most-likely case", "CVaR", "Sobol index", "P(gain) if run"):
        assert name in terms, name
    # the parameters once: their section only in the last part
    with_params = [i for i, text in enumerate(texts) if "Parameters used" in text]
    _, p_start, p_end = parts[-1]
    assert with_params and all(p_start <= i < p_end for i in with_params)
    # lines joined: a parameter's name in code font may break inside the name
    params = "".join(texts[p_start:p_end]).replace("\n", "")
    # the inputs changed from the defaults first (the run sets monthly churn's range)
    assert params.index("from the defaults:") < params.index("growth_churn_rate_month")
    assert params.count("growth_churn_rate_month") == 2  # changed first, then in the table


class _Cells(HTMLParser):
    """The text of each numeric table cell and each table header of an HTML report."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._depth = 0
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if (tag == "td" and "num" in cls.split()) or tag == "th":
            self._depth, self._buf = 1, []
        elif self._depth:
            self._depth += 1

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1
            if tag in ("td", "th") and self._depth <= 1:
                self._depth = 0
                text = " ".join("".join(self._buf).split())
                if text:
                    self.cells.append(text)

    def handle_data(self, data):
        if self._depth:
            self._buf.append(data)


def test_no_number_or_word_is_broken_inside_a_table_cell(pack):
    proc, run_dir = pack
    assert proc.returncode == 0, proc.stderr
    texts, _ = _parts(run_dir / PACK_NAME)
    # the printed text, lines joined by a space: a cell wrapped between words reads as
    # it was written, one broken inside a word or figure ("$19 9 m", "P(lo ss)") does not
    lines = " ".join(" ".join(text.split()) for text in texts)
    parser = _Cells()
    parser.feed((run_dir / "entry_decision.html").read_text(encoding="utf-8"))
    # numbers with their unit ("$199 m", "26 %") and short headers ("P(loss)")
    cells = {c for c in parser.cells if len(c) <= 14 and re.search(r"\w", c)}
    assert len(cells) > 30
    broken = sorted(c for c in cells if c not in lines)
    assert not broken, broken[:20]


def test_printed_charts_keep_titles_whole_and_legends_off_them(pack):
    _, run_dir = pack
    with print_layout(run_dir / "entry_decision.html") as page:
        faults = page.evaluate(
            """() => [...document.querySelectorAll('.plotly-graph-div')].flatMap(g => {
                  const box = g.getBoundingClientRect();
                  const title = g.querySelector('.gtitle');
                  const legend = g.querySelector('.legend');
                  const name = title ? title.textContent.slice(0, 40) : '(untitled)';
                  const out = [];
                  if (title) {
                    const t = title.getBoundingClientRect();
                    if (t.left < box.left - 1 || t.right > box.right + 1)
                      out.push(name + ': title cut');
                    if (legend) {
                      const l = legend.getBoundingClientRect();
                      if (l.left < t.right && t.left < l.right &&
                          l.top < t.bottom && t.top < l.bottom)
                        out.push(name + ': legend over the title');
                    }
                  }
                  return out;
                })"""
        )
    assert not faults, faults
