"""The reports' glossary: one definition per technical term, reached from the term.

Every report ends with a glossary of the terms it uses (the main report: all of them),
and each use of a term in a report block links to its definition
(:func:`link`, applied by :class:`models.reporting.blocks.HTMLBlock` when the block is
shown). The words are those of ``docs/report_style.md`` ("Words"): the *mean NPV* is
the average over the simulated futures, the *most-likely case* is one run with every
input at its most likely value; no report calls either "expected".

Pure text and HTML strings; the report layer wraps them in blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.format import esc


@dataclass(frozen=True)
class Term:
    """One glossary entry.

    Attributes
    ----------
    key : str
        The anchor's name: the definition carries ``id="term-<key>"``.
    name : str
        The term as the glossary lists it.
    text : str
        The definition, in plain sentences (not escaped).
    phrases : tuple of str
        Regular expressions (case-insensitive) whose first match in a block links to the
        definition; empty for a term the glossary lists but that is too common to link.
    """

    key: str
    name: str
    text: str
    phrases: tuple[str, ...] = ()


TERMS: tuple[Term, ...] = (
    Term(
        "npv",
        "NPV (net present value)",
        "Money in minus money out, each month's cash discounted to the decision date at "
        "the discount rate, plus the value beyond the horizon; US$ millions. Above zero, "
        "the mode earns more than the capital it ties up would elsewhere.",
    ),
    Term(
        "futures",
        "Simulated futures",
        "Each simulated future draws every uncertain input once and plays out the "
        "month-by-month events: a forced exit, suspensions, content crackdowns, a partner "
        "in distress. Every mode is valued on the same futures, so they compare like with "
        "like.",
        (r"simulated futures?",),
    ),
    Term(
        "mean-npv",
        "Mean NPV",
        "The average of a mode's NPV over all the simulated futures, each deciding under "
        "the run's decision rule (by default the review rule: deciding as it goes). The "
        "recommendation ranks the modes on it. It is not the NPV of any one future, and "
        "it differs from the most-likely case's NPV.",
        (r"mean NPVs?",),
    ),
    Term(
        "most-likely-case",
        "Most-likely case",
        "One run of the model with every uncertain input at its most likely value and "
        "events carried as expected losses rather than drawn: each month's cash is "
        "weighted by the chance that the business still operates then. It explains the "
        "lines behind the numbers. Its tables let a mode not worth starting stay unstarted "
        "(worth 0); the tornado, the switching values and the what-if value each mode as "
        "if started. It can sit either side of the mean NPV, which averages over drawn "
        "inputs and events and lets each future decide as it goes.",
        (r"most-likely case",),
    ),
    Term(
        "range",
        "P5, P95 and the 90 % range",
        "5 % of the simulated futures end below P5 and 5 % above P95; the 90 % range runs "
        "from one to the other. The median is the middle future: half end below it.",
        (r"90 % range", r"\bP5\b", r"\bP95\b"),
    ),
    Term(
        "se",
        "± (Monte Carlo error)",
        "After a mean, the Monte Carlo error of a mean taken over a finite number of "
        "futures: one standard error in the main table (about two chances in three that "
        "the mean of an endless run lies within it), two where a caption says so (about "
        "19 in 20). A lead smaller than two standard errors is reported as too close to "
        "call.",
        (r"Monte Carlo (?:standard )?error",),
    ),
    Term(
        "p-loss",
        "P(loss)",
        "The share of futures in which the mode, deciding under the run's decision rule, "
        "ends with a negative NPV. A mode not started ends at zero, which is not a loss.",
        (r"P\(loss\)",),
    ),
    Term(
        "p-gain",
        "P(gain) if run",
        "The share of futures in which the mode makes money if it is started now and run "
        "to the horizon whatever happens (committed). Beside P(loss) it shows what the "
        "reviews save: a mode that stops or never starts before it loses can have a "
        "P(loss) of 0 % and a P(gain) if run of 70 %; run blindly, it would lose in the "
        "other 30 %.",
        (r"P\(gain\) if run",),
    ),
    Term(
        "p-best",
        "P(best)",
        "The share of futures in which the mode, started and run to the horizon, beats "
        "every other mode run the same way.",
        (r"P\(best\)",),
    ),
    Term(
        "cvar",
        "CVaR (worst 5 %)",
        "Conditional value at risk: the average NPV of the worst 5 % of futures. It says "
        "how bad a bad outcome is, where P(loss) says only how often one happens.",
        (r"CVaR",),
    ),
    Term(
        "ahead",
        "Ahead at every level",
        "One mode is ahead of another at every level when, for any NPV one might aim at, it "
        "is at least as likely to reach it (first-order stochastic dominance). It is then "
        "the better choice whatever one's appetite for risk; when no mode is, the choice "
        "depends on that appetite as well as on the mean. Judged on the simulated futures, "
        "each mode started and run to the horizon; a gap within Monte Carlo noise does not "
        "count as being ahead.",
        (r"at every level", r"stochastic(?:ally)? dominan\w*"),
    ),
    Term(
        "rules",
        "Committed, adaptive, foresight",
        "Three ways of deciding. Committed: start now and run to the horizon, forced exits "
        "aside. Adaptive: start only if worth it, then review and stop (or walk away "
        "before launch) on what has been seen. Foresight: the best stop knowing each "
        "future in full, an upper bound no manager can reach.",
        (r"committed \(never leave\)", r"\(committed\)", r"foresight \(upper bound\)"),
    ),
    Term(
        "review-rule",
        "Review rule",
        "The adaptive way of deciding: at each review a mode stops, or presses on, on what "
        "a manager could see then (subscribers and their trend, cash, events, the "
        "partner's state). The rule is fitted by least-squares Monte Carlo (Longstaff & "
        "Schwartz 2001) on other futures than those it is applied to, so it cannot "
        "foresee them.",
        (r"review rules?", r"least-squares Monte Carlo"),
    ),
    Term(
        "flexibility",
        "Value of flexibility",
        "What deciding as you go adds: the adaptive mean NPV against the best of "
        "committing, never starting and, for a staged entry, never switching.",
        (r"value of flexibility",),
    ),
    Term(
        "tornado",
        "Tornado chart",
        "Each uncertain input moved alone from its 5th to its 95th percentile, the others at "
        "their most likely values, in the most-likely case with each mode started: the "
        "longest bars are the inputs that move the answer most.",
        (r"tornado",),
    ),
    Term(
        "sobol",
        "Sobol index",
        "The share of the spread (variance) of the recommended mode's lead over the "
        "runner-up (or of its NPV, when the runner-up is staying out) due to one input: "
        "alone (first order) or with its interactions (total). All inputs are drawn "
        "together, as independent, with events carried as expected losses; computed with "
        "SALib (Saltelli et al. 2010).",
        (r"Sobol",),
    ),
    Term(
        "switching",
        "Switching value",
        "The value of one input at which the most-likely case's best mode stops being "
        "best, every other input held where it is; the nearer it is to the input's "
        "present value, the more fragile the answer.",
        (r"switching values?",),
    ),
    Term(
        "deal-zone",
        "Deal zone",
        "The partner's revenue shares at which both sides do better than walking away: the "
        "streamer against its best other way in, the partner against no deal, in the "
        "most-likely case.",
        (r"deal zone",),
    ),
    Term(
        "voi",
        "Value of information",
        "How much the decision would gain, on average, if something were known before "
        "choosing: everything, when to stop included (the expected value of perfect "
        "information, EVPI), or one group of inputs, for modes started and run (partial "
        "information, EVPPI). What finding out could be worth at most, on that basis.",
        (r"value of information", r"perfect (?:information|foresight)", r"partial information"),
    ),
    Term(
        "staged-entry",
        "Staged entry",
        "License content to a Chinese platform now and keep the option to switch to an own "
        "service later, if the rules ease; until it switches it is the same as licensing.",
    ),
    Term(
        "peak-funding",
        "Peak funding",
        "The deepest cumulative cash deficit a mode needs funded before its cash turns, "
        "undiscounted, US$ millions.",
        (r"peak funding",),
    ),
)

_BY_KEY = {t.key: t for t in TERMS}

#: The terms linked since :func:`reset` (in a report's kernel: so far in the report).
_LINKED: set[str] = set()

_WORD_START, _WORD_END = r"(?<![\w-])", r"(?![\w-])"

#: Elements whose text is never linked: code, an existing link, styles, scripts.
_SKIP = {"a", "code", "style", "script", "title", "button", "label", "option", "textarea"}

#: A phrase matches whole words only: "tornado" not in "tornadoes", "CVaR" not in "cvar5".
_PATTERN = re.compile(
    "|".join(
        f"(?P<{t.key.replace('-', '_')}>{_WORD_START}(?:{'|'.join(t.phrases)}){_WORD_END})"
        for t in TERMS
        if t.phrases
    ),
    re.IGNORECASE,
)
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w-]*)")


def anchor(key: str) -> str:
    """The fragment that leads to ``key``'s definition (``#term-cvar``)."""
    if key not in _BY_KEY:
        raise KeyError(f"glossary term {key!r}: not defined; expected one of {sorted(_BY_KEY)}")
    return f"#term-{key}"


def link(body: str) -> str:
    """Link the first use of each term in an HTML fragment to its definition.

    Only text is touched, never a tag or an attribute, nor the text inside ``<a>``,
    ``<code>``, ``<style>``, ``<script>`` or ``<textarea>``, and only whole words
    ("tornado", not "tornadoes"). Where two terms' phrases could match at one place, the
    term listed first in :data:`TERMS` wins. The HTML must be escaped text (a ``>``
    inside an attribute would end the tag early). Each term linked is remembered for
    :func:`used`.

    Parameters
    ----------
    body : str
        Escaped HTML, as a report block carries it.

    Returns
    -------
    str
        The same HTML with ``<a class="me-term" href="#term-KEY">`` around first uses.
    """
    done: set[str] = set()
    skip_depth = 0
    out = []
    for part in _TAG.split(body):
        if part.startswith("<"):
            m = _TAG_NAME.match(part)
            if m and m.group(2).lower() in _SKIP and not part.endswith("/>"):
                skip_depth += -1 if m.group(1) else 1
                skip_depth = max(skip_depth, 0)
            out.append(part)
            continue
        if skip_depth or not part:
            out.append(part)
            continue

        def sub(m: re.Match) -> str:
            key = m.lastgroup.replace("_", "-")
            if key in done:
                return m.group(0)
            done.add(key)
            _LINKED.add(key)
            return f'<a class="me-term" href="{anchor(key)}">{m.group(0)}</a>'

        out.append(_PATTERN.sub(sub, part))
    return "".join(out)


def used() -> list[str]:
    """The keys of the terms linked since :func:`reset`, in glossary order."""
    return [t.key for t in TERMS if t.key in _LINKED]


def reset() -> None:
    """Forget the terms linked so far (a new report)."""
    _LINKED.clear()


def glossary_html(keys: list[str] | None = None) -> str:
    """The glossary as an HTML definition list, in :data:`TERMS` order.

    Parameters
    ----------
    keys : list of str, optional
        The terms to define; default all. Unknown keys raise ``KeyError``.
    """
    keys = [t.key for t in TERMS] if keys is None else keys
    for k in keys:
        anchor(k)
    rows = "".join(
        f'<dt id="term-{t.key}">{esc(t.name)}</dt><dd>{esc(t.text)}</dd>'
        for t in TERMS
        if t.key in keys
    )
    return f'<dl class="me-glossary">{rows}</dl>'
