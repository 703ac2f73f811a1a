"""The report's HTML pieces: title, executive summary of the most-likely case, tables,
bullets, the parameter table and the provenance footer.

Notebooks stay thin (docs/design.md, "Conventions"): a parameters cell, one call to
:func:`models.reporting.notebook.validate_notebook`, then calls into this module,
:mod:`models.reporting.decision_blocks` and the chart modules. Every text a user
supplies (scenario name, notes) is escaped here.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from models._version import __version__
from models.economics.modes import MODES
from models.economics.results import Results
from models.format import esc, money
from models.inputs.display import label
from models.inputs.params import table_rows
from models.inputs.schema import GROUPS, SPECS
from models.reporting import glossary
from models.reporting.narrative import ExecutiveSummary, executive_summary
from models.reporting.provenance import METADATA_KEY, git_commit
from models.reporting.style import box_style

log = logging.getLogger(__name__)


_CSS = """
<style>
.me-report{font-family:Helvetica,Arial,sans-serif;line-height:1.45;max-width:60rem}
.me-report h1{font-size:1.9rem;margin:.2rem 0}
.me-headline{font-size:1.25rem;font-weight:600;margin:.6rem 0}
.me-box{border-left:5px solid #009E73;background:#f4faf7;padding:.6rem 1rem;margin:.6rem 0}
.me-notes{color:#444;font-style:italic;white-space:pre-wrap}
.me-report table.me-table{border-collapse:collapse;font-size:.85rem;margin:.4rem 0;
table-layout:auto;width:auto}
.me-report table.me-table th,.me-report table.me-table td{border-bottom:1px solid #ddd;
padding:.25rem .5rem;text-align:left;vertical-align:top;max-width:32rem}
.me-report table.me-table td.num{text-align:right;font-variant-numeric:tabular-nums;
white-space:nowrap}
.me-report table.me-table tr.changed td{background:#fff8e1}
.me-report table.me-table th[colspan]{background:#f2f2f2}
.me-report details summary{cursor:pointer;font-weight:600;margin:.6rem 0}
.me-foot{color:#555;font-size:.8rem;border-top:1px solid #ccc;margin-top:1rem;padding-top:.4rem}
.me-report a.me-term{color:inherit;text-decoration:underline dotted #888;text-underline-offset:2px}
.me-glossary dt{font-weight:600;margin-top:.5rem}.me-glossary dd{margin:0 0 0 1.2rem}
.me-glossary dt:target,.me-glossary dt:target+dd{background:#fff8e1}
@media print{.me-report a.me-term{text-decoration:none}}
</style>
"""


#: Classes that tell MathJax to leave an element alone: ``mathjax_ignore`` (MathJax 3,
#: JupyterLab 4 and Notebook 7) and ``tex2jax_ignore`` (MathJax 2). Without them
#: JupyterLab reads the dollars of "$39 m (90 % range $18 m to $65 m)" as mathematics.
NO_MATH = "mathjax_ignore tex2jax_ignore"


class HTMLBlock:
    """A piece of report HTML that Jupyter and nbconvert display as ``text/html``,
    wrapped so that no MathJax typesets its dollar signs.

    When shown, the first use of each technical term links to its definition in the
    report's glossary (:func:`models.reporting.glossary.link`), unless ``terms`` is
    False (the parameters table, the footer and the glossary itself).
    """

    def __init__(
        self, body: str, metadata: Mapping[str, Any] | None = None, *, terms: bool = True
    ) -> None:
        self.body = body
        self.metadata = dict(metadata or {})
        self.terms = terms

    def _repr_html_(self) -> str | tuple[str, dict[str, Any]]:
        body = glossary.link(self.body) if self.terms else self.body
        html = f'<div class="{NO_MATH}">{body}</div>'
        if self.metadata:
            return html, self.metadata
        return html

    def __str__(self) -> str:
        return self.body

    def __repr__(self) -> str:
        """The block's text without tags, cut short: what a log of the notebook's
        output (a run's ``run.log``) shows of it."""
        text = " ".join(
            re.sub(r"<(style|script)\b.*?</\1>|<[^>]+>", " ", self.body, flags=re.S).split()
        )
        return f"<report block: {html_lib.unescape(text)[:160]}>"


_e = esc


def title(params, subtitle: str = "China entry decision") -> HTMLBlock:
    """Report title: the scenario's name and notes (escaped)."""
    notes = f'<p class="me-notes">{_e(params.scenario_notes)}</p>' if params.scenario_notes else ""
    return HTMLBlock(
        f'{_CSS}<div class="me-report"><p style="color:#666;margin:0">{_e(subtitle)}</p>'
        f"<h1>{_e(params.scenario_name)}</h1>{notes}</div>",
        terms=False,
    )


def summary_block(results: Results, *, headline: bool = True) -> HTMLBlock:
    """The executive summary: recommendation, NPVs, margin and drivers, in words.

    With ``headline``, the block carries the numbers the reports index shows; the main
    report passes False because its Monte Carlo summary carries them
    (:func:`models.reporting.decision_blocks.summary_block`).
    """
    es: ExecutiveSummary = executive_summary(results)
    s = results.summary
    rows = "".join(
        f"<tr><td>{_e(MODES.label(m))}</td>"
        f'<td class="num"><b>{_e(money(s.loc[m, "npv_usd_m"]))}</b></td>'
        f'<td class="num">{_e(money(s.loc[m, "npv_committed_usd_m"]))}</td>'
        f'<td class="num">{_e(_fmt_leave(s.loc[m, "leaves_after_month"], results))}</td>'
        f'<td class="num">{_fmt_irr(s.loc[m, "irr_year"])}</td>'
        f'<td class="num">{_fmt_month(s.loc[m, "payback_month"], results)}</td>'
        f'<td class="num">{_e(money(s.loc[m, "peak_funding_usd_m"]))}</td>'
        f'<td class="num">{_fmt_pct(s.loc[m, "exit_probability"])}</td></tr>'
        for m in results.ranking
    )
    others = "".join(f"<li>{_e(t)}</li>" for t in es.others)
    if not headline:  # inside the main report, below the Monte Carlo recommendation
        es = replace(es, headline=es.headline.replace("Recommendation:", "Most-likely case:", 1))
    p = results.params
    body = (
        f'<div class="me-report"><div class="me-box" style="{box_style(es.recommended)}">'
        f'<p class="me-headline">{_e(es.headline)}</p><p>{_e(es.reasons)}</p>'
        f"{'<ul>' + others + '</ul>' if others else ''}</div>"
        '<table class="me-table"><thead><tr><th>Mode</th><th>NPV, free to leave</th>'
        "<th>NPV run to horizon</th><th>Best to leave</th><th>IRR (yearly)</th>"
        "<th>Payback</th><th>Peak funding</th><th>P(forced exit)</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        "<p style='font-size:.85rem;color:#555'>The most-likely case, in US$ millions over "
        f"{p.horizon_years} years from January {p.start_year}, discounted at "
        f"{p.finance_discount_rate_year:.1%} a year, with the value beyond the horizon "
        f"({p.finance_terminal_method.replace('_', ' ')}). <i>NPV, free to "
        "leave</i> ranks the modes in the most-likely case: the streamer may still walk away "
        "before launch (paying only to wind the team down), and after it leave (paying the "
        "exit cost), "
        "whenever staying would lose more. "
        "Every column but <i>NPV run to "
        "horizon</i> follows that policy, with regulatory risk carried as expected losses; "
        "P(forced exit) is therefore lower for a mode left early, which is exposed for fewer "
        "months. An IRR is <i>not meaningful</i> above 1,000 % a year, where little money "
        "is ever at risk.</p></div>"
    )
    return HTMLBlock(body, {METADATA_KEY: headline_numbers(results)} if headline else None)


def headline_numbers(results: Results) -> dict[str, Any]:
    """The most-likely case's headline (JSON-safe), in the keys of the main report's
    (:func:`models.reporting.decision_blocks.headline_numbers`): ``modes[mode]["expected"]``
    is the NPV, US$ m."""
    s = results.summary
    return {
        "recommended": results.recommended,
        "modes": {m: {"expected": round(float(s.loc[m, "npv_usd_m"]), 3)} for m in s.index},
    }


def _listed(parts: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _fmt_irr(x: float) -> str:
    if pd.isna(x):
        return "n/a"
    # above 1,000 % a year the outlay is too small for a rate to mean anything
    return "not meaningful" if x > 10 else f"{x:.1%}"


def _fmt_leave(x: float, results: Results) -> str:
    if pd.isna(x):
        return "never"
    if x < 0:  # -1: best not started at all
        return "not started"
    d = results.dates[int(x)]
    return f"after month {int(x)} ({d.strftime('%b %Y')})"


def _fmt_pct(x: float) -> str:
    return "n/a" if pd.isna(x) else f"{x:.1%}"


def _fmt_month(x: float, results: Results) -> str:
    if pd.isna(x):
        return "not within horizon"
    d = results.dates[int(x)]
    return f"month {int(x)} ({d.strftime('%b %Y')})"


def _value_cell(v: Any) -> str:
    """A parameter's value as a table cell: a number right-aligned on one line
    (``num``), anything else (a range, a distribution, a list of correlations) as text
    that may wrap (``val``)."""
    number = isinstance(v, int | float) and not isinstance(v, bool)
    return f'<td class="{"num" if number else "val"}">{_e(_fmt_value(v))}</td>'


def _param_rows(rows: list[dict[str, Any]], grouped: bool) -> str:
    parts = []
    group = None
    for row in rows:
        if grouped and row["group"] != group:
            group = row["group"]
            parts.append(f'<tr><th colspan="5">{_e(GROUPS[group])}</th></tr>')
        cls = ' class="changed"' if row["changed"] else ""
        parts.append(
            f"<tr{cls}><td><code>{_e(row['name'])}</code></td>"
            f"{_value_cell(row['value'])}<td>{_e(row['unit'])}</td>"
            f"{_value_cell(row['default'])}<td>{_e(row['source'])}</td>"
            "</tr>"
        )
    head = (
        '<table class="me-table"><thead><tr><th>Parameter</th><th>Value</th><th>Unit</th>'
        "<th>Default</th><th>Source of the default</th></tr></thead><tbody>"
    )
    return head + "".join(parts) + "</tbody></table>"


def parameter_table(params) -> HTMLBlock:
    """The parameters of the run: those changed from the defaults first, then all of them
    (folded) with unit and source."""
    rows = list(table_rows(params))
    changed = [r for r in rows if r["changed"] and r["group"] != "scenario"]
    first = (
        (
            f"<p>{len(changed)} parameter{'s differ' if len(changed) > 1 else ' differs'} "
            "from the defaults:</p>" + _param_rows(changed, grouped=False)
        )
        if changed
        else ("<p>Every model parameter is at its default.</p>")
    )
    body = (
        f'<div class="me-report">{first}<details><summary>All {len(rows)} parameters, with '
        f"units and sources</summary>{_param_rows(rows, grouped=True)}</details>"
        "<p style='font-size:.8rem'>Highlighted rows differ from the defaults. "
        "<code>ref N.N</code> cites docs/references/china_svod_economics.md; "
        "<code>data/raw/…</code> cites the project's copy of the public data.</p></div>"
    )
    return HTMLBlock(body, terms=False)


#: Headers that are words a reader would not guess from the column's name.
_HEADERS = {"usd": "US$", "usd_m": "US$ m", "p_year": "Probability per year"}

#: Statistical symbols kept lower case at the start of a header (p, q, m of Bass).
_SYMBOL = re.compile(r"^[a-z](?:[ ,]|$)|^p-value")


def header(name: object) -> str:
    """A table header as the report style guide writes it (docs/report_style.md):
    sentence case, words for codes (``usd`` -> ``US$``, a mode's code -> its name, a
    parameter's name -> its label), statistical symbols (``p``, ``q``, ``m``,
    ``p-value``) as they are.

    >>> header("item"), header("usd"), header("by year 1"), header("p, all rows")
    ('Item', 'US$', 'By year 1', 'p, all rows')
    >>> header("license"), header("growth_churn_rate_month")
    ('Licensing', 'Monthly churn')
    """
    text = str(name)
    if text in _HEADERS:
        return _HEADERS[text]
    if text in MODES:
        return MODES.label(text)
    if text in SPECS:
        text = label(text)
    if _SYMBOL.match(text):
        return text
    return text[:1].upper() + text[1:]


def table(
    frame: pd.DataFrame, *, caption: str = "", index: bool = False, digits: int = 2
) -> HTMLBlock:
    """A data frame as a report table: headers in sentence case (:func:`header`),
    numbers rounded and right-aligned, text escaped."""
    frame = frame.rename(columns=header)
    if index:
        frame = frame.rename(index=lambda v: header(v) if isinstance(v, str) else v)

    def fmt(v: Any) -> str:
        if isinstance(v, float):
            return "" if pd.isna(v) else f"{v:,.{digits}f}"
        return str(v)

    html = frame.to_html(
        classes="me-table",
        index=index,
        escape=True,
        na_rep="",
        formatters={c: fmt for c in frame.columns},
        border=0,
    )
    cap = f'<p style="font-size:.85rem;color:#555">{_e(caption)}</p>' if caption else ""
    return HTMLBlock(f'<div class="me-report">{html}{cap}</div>')


def how_to_read(params) -> HTMLBlock:
    """The model's main assumptions in words, with this run's numbers."""
    p = params
    share = p.regulation_quota_foreign_share
    quota = (
        f"Foreign titles may be at most {share:.0%} of the titles on offer (2018 draft), so "
        f"the library holds {(1 - share) / share:.1f} domestic titles for each foreign one, "
        f"licensed for {p.content_domestic_window_years} years and replaced as they end"
        if p.regulation_quota_rule == "share_on_offer"
        else f"Foreign titles licensed in a year may be at most {share:.0%} of the domestic "
        f"titles licensed (2014 rule): {1 / share:.1f} domestic titles a year for each foreign one"
    )
    terminal = {
        "gordon": f"the final year's cash flow, normalised, growing at "
        f"{p.finance_terminal_growth_year:.1%} a year for ever",
        "revenue_multiple": f"{p.finance_terminal_revenue_multiple:g} times the final "
        "year's net revenue",
        "none": "nothing",
    }[p.finance_terminal_method]
    # each mode's own launch delay and forced-exit hazard (the registry's)
    launches = [
        f"month {getattr(p, m.exposure.launch_delay)} for {m.in_words}"
        for m in MODES
        if m.exposure is not None and m.exposure.launch_delay
    ]
    hazards = [
        f"{getattr(p, m.exposure.exit_hazard):.1%} ({m.in_words})"
        for m in MODES
        if m.exposure is not None and m.exposure.exit_hazard
    ]
    items = [
        (
            "Money",
            f"is in US$ millions, converted from yuan at {p.pricing_fx_cny_per_usd:g} CNY "
            f"per US$; subscription revenue is shown including VAT ({p.pricing_vat_rate:.0%}), "
            "which is then deducted with payment fees.",
        ),
        (
            "Price",
            f"is CNY {p.pricing_price_cny_month:g} a month list, of which "
            f"{p.pricing_realisation_rate:.0%} is collected after promotions, plan discounts "
            f"and trials; the incumbents answer a launch with prices {p.market_price_war_cut:.0%} "
            f"lower. {_leaders_prices(p)} Costs other than content rise "
            f"{p.finance_cost_inflation_year:.1%} a year, content "
            f"{p.content_cost_inflation_year:.1%}.",
        ),
        (
            "The market",
            "is the online-video audience that pays for video and is open to a foreign "
            "service, scaled by price and by the catalogue on offer: titles draw demand with "
            f"an elasticity of {p.content_demand_elasticity:g}, so crackdowns and refused titles "
            "cost subscribers as well as titles.",
        ),
        (
            "Subscribers",
            f"follow a Bass diffusion with {p.growth_churn_rate_month:.1%} monthly "
            f"churn from each mode's launch: {_listed(launches)}; a partner, which holds the "
            f"licence, multiplies the innovation rate by {p.partner_reach_multiplier:g}. "
            "Suspensions add expected churn and dark months.",
        ),
        (
            "Regulatory risk",
            "is carried as expected losses: each month's cash flow is weighted "
            "by the chance that the business still operates, with yearly forced-exit "
            f"probabilities of {_listed(hazards)}.",
        ),
        (
            "Marketing",
            f"costs {p.growth_cac_months:g} months of a subscriber's revenue to win a "
            f"first-time subscriber and {p.growth_winback_months:g} to win one back.",
        ),
        (
            "The foreign-content quota",
            f"binds the catalogue. {quota}; a partner's library covers "
            f"{p.partner_quota_cover_share:.0%} of them.",
        ),
        (
            "The option to leave",
            "a mode that loses money is valued as if the streamer left, "
            f"paying US${p.regulation_exit_cost_usd_m:g} m, as soon as staying would cost more "
            "(never before launch), as Netflix turned to licensing in 2016.",
        ),
        (
            "Beyond the horizon",
            f"a mode still running after {p.horizon_years} years is worth {terminal}, never "
            "less than closing it; the cash-flow tables show this value as its own line.",
        ),
    ]
    body = "".join(f"<li><b>{_e(k)}</b> {_e(v)}</li>" for k, v in items)
    return HTMLBlock(f'<div class="me-report"><ul>{body}</ul></div>')


def _leaders_prices(p) -> str:
    """How the incumbents' prices move, in words (flat ones are not said to rise 0 %)."""
    g = p.pricing_reference_price_growth_year
    if g == 0:
        return "The incumbents' prices stay where they are."
    verb = "rise" if g > 0 else "fall"
    return (
        "The incumbents' prices stay where they are until the paying market is within "
        f"{1 - p.pricing_reference_price_maturity:.0%} of its ceiling, then {verb} "
        f"{abs(g):.1%} a year; the streamer passes on {p.pricing_follow_share:.0%} of the "
        "change."
    )


def bullets(lines: list[str]) -> HTMLBlock:
    """A list of generated sentences (escaped)."""
    items = "".join(f"<li>{_e(x)}</li>" for x in lines)
    return HTMLBlock(f'<div class="me-report"><ul>{items}</ul></div>')


def glossary_block(terms: str | list[str] = "used") -> HTMLBlock:
    """The report's glossary section (:mod:`models.reporting.glossary`): a heading, then
    each term with the anchor its uses link to; empty when there is nothing to define.

    Parameters
    ----------
    terms : "used", "all" or list of str
        ``"used"``: the terms this report has linked so far (a report's last section);
        ``"all"``: every term (the main report); or the terms' keys.
    """
    if isinstance(terms, str) and terms not in ("used", "all"):
        raise ValueError(f"terms={terms!r}: expected 'used', 'all' or a list of term keys")
    keys = {"used": glossary.used(), "all": None}[terms] if isinstance(terms, str) else terms
    if keys == []:
        return HTMLBlock("", terms=False)
    return HTMLBlock(
        '<div class="me-report"><h2 id="glossary">Glossary</h2><p>The technical terms of '
        "this report, in plain words; each use above links here.</p>"
        f"{glossary.glossary_html(keys)}</div>",
        terms=False,
    )


def note(text: str) -> HTMLBlock:
    """One generated sentence as a paragraph (escaped): what a report shows in place of
    a chart whose subject did not happen (docs/report_style.md, "Charts")."""
    return HTMLBlock(f'<div class="me-report"><p>{_e(text)}</p></div>')


class Items(list):
    """Several report outputs from one call (a sentence and a chart, say), displayed in
    order, each as its own output, as if each were a cell's result."""

    def _ipython_display_(self) -> None:
        from IPython.display import display

        for item in self:
            display(item)


def _fmt_value(v: Any) -> str:
    if isinstance(v, Mapping) and "dist" in v:  # a distribution: normal(mean=0.1, sd=0.02)
        args = ", ".join(f"{k}={_fmt_value(x)}" for k, x in v.items() if k != "dist")
        return f"{v['dist']}({args})"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_fmt_value(x) for x in v) + "]"
    if isinstance(v, float):
        return f"{v:,.6g}"
    text = str(v)
    return text if len(text) <= 80 else text[:77] + "..."


def provenance(params) -> HTMLBlock:
    """Footer: run time, parameter hash, package version and git commit."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    commit = git_commit() or "not available"
    body = (
        f'<div class="me-report me-foot">Generated {_e(now)} by market-entry {_e(__version__)}'
        f" · parameters <code>{_e(params.digest())}</code> · commit <code>{_e(commit)}</code>"
        f" · scenario “{_e(params.scenario_name)}”.</div>"
    )
    return HTMLBlock(body, {METADATA_KEY: {"parameters_hash": params.digest()}}, terms=False)
