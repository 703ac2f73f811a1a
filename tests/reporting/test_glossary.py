"""The glossary: each technical term defined once, its uses linked to the definition,
and nothing but text touched (docs/report_style.md, "Words")."""

from __future__ import annotations

import re

import pytest

from models.reporting import glossary
from models.reporting.blocks import HTMLBlock, glossary_block, parameter_table


@pytest.fixture(autouse=True)
def fresh():
    glossary.reset()
    yield
    glossary.reset()


def links(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a class="me-term" href="#term-([\w-]+)">(.*?)</a>', html)


def test_first_use_of_each_term_links_to_its_definition():
    out = glossary.link(
        "<p>CVaR is bad; CVaR again. P5 and P95 bound the 90 % range. Sobol and P(gain) if run.</p>"
    )
    assert links(out) == [
        ("cvar", "CVaR"),
        ("range", "P5"),
        ("sobol", "Sobol"),
        ("p-gain", "P(gain) if run"),
    ]
    # one link per term per block: the second CVaR, P95 and the 90 % range stay text
    assert out.count('href="#term-cvar"') == 1 and out.count('href="#term-range"') == 1
    assert "CVaR again" in out
    assert glossary.used() == ["range", "p-gain", "cvar", "sobol"]


def test_the_longest_phrase_wins_and_case_is_kept():
    out = glossary.link("<td>Mean NPV</td><td>the mean NPV of a Tornado</td>")
    assert links(out) == [("mean-npv", "Mean NPV"), ("tornado", "Tornado")]


def test_tags_attributes_code_and_links_are_left_alone():
    body = (
        '<div title="CVaR"><code>CVaR</code><a href="x">Sobol</a>'
        "<style>.Sobol{}</style><script>var tornado = 1;</script><p>Sobol</p></div>"
    )
    out = glossary.link(body)
    assert '<div title="CVaR">' in out and "<code>CVaR</code>" in out
    assert '<a href="x">Sobol</a>' in out and "<style>.Sobol{}</style>" in out
    assert "var tornado = 1;" in out
    assert links(out) == [("sobol", "Sobol")]  # only the paragraph's
    assert "cvar" not in glossary.used()


#: How a report writes the terms whose glossary name is not a phrase of a sentence.
SAID_AS = {"se": "Monte Carlo error", "rules": "Committed (never leave)"}


def test_every_phrase_has_a_definition_and_every_definition_an_anchor():
    keys = [t.key for t in glossary.TERMS]
    assert len(keys) == len(set(keys))
    page = glossary.glossary_html()
    assert re.findall(r'<dt id="term-([\w-]+)">', page) == keys
    for t in glossary.TERMS:
        assert t.text.endswith(".") and len(t.text.split()) >= 10, t.key
        if t.phrases:  # the term's own name, used in a sentence, links to it
            name = SAID_AS.get(t.key, t.name.split(" (")[0])
            found = links(glossary.link(f"<p>See the {name} here.</p>"))
            assert found and found[0][0] == t.key, (t.key, found)
    with pytest.raises(KeyError, match="not defined"):
        glossary.anchor("nonsense")


def test_the_vocabulary_is_not_expected():
    """'Expected' names neither the mean over futures nor the most-likely case."""
    for t in glossary.TERMS:
        assert "expected case" not in t.text.lower() and "expected npv" not in t.text.lower()
    names = {t.name for t in glossary.TERMS}
    assert {"Mean NPV", "Most-likely case"} <= names


def test_a_report_block_links_when_shown_and_its_glossary_lists_what_was_linked():
    shown = HTMLBlock("<p>The deal zone and the CVaR.</p>")._repr_html_()
    assert links(shown) == [("deal-zone", "deal zone"), ("cvar", "CVaR")]
    assert str(HTMLBlock("<p>CVaR</p>")) == "<p>CVaR</p>"  # the body itself is unchanged
    used = glossary_block()._repr_html_()
    assert re.findall(r'id="term-([\w-]+)"', used) == ["cvar", "deal-zone"]
    assert links(used) == []  # definitions are not linked to themselves
    everything = glossary_block("all")._repr_html_()
    assert len(re.findall(r'id="term-', everything)) == len(glossary.TERMS)
    with pytest.raises(ValueError, match="expected 'used', 'all'"):
        glossary_block("some")


def test_a_report_without_terms_has_no_glossary():
    assert glossary_block().body == ""
    assert "<h2" in glossary_block(["cvar"]).body


def test_only_whole_words_and_only_text():
    out = glossary.link(
        "<p>tornadoes, cvar5, Once committed</p><textarea>CVaR</textarea><a-box>Sobol</a-box>"
    )
    assert links(out) == [("sobol", "Sobol")]  # <a-box> is not a link: its text is
    assert "<textarea>CVaR</textarea>" in out


def test_the_parameters_table_is_not_linked():
    from models.inputs.params import validate

    block = parameter_table(validate({}))
    assert links(glossary.link(block.body))  # it holds terms (the review rule, ...)
    assert links(block._repr_html_()) == []  # but leaves them as they are
