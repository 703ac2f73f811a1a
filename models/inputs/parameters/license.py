"""Licensing: the parameters of the group ``license``, in schema order.

Licensing titles to a Chinese platform: titles, fees and their contracts, the buyer's
health, the licensor's costs and withholding tax (:mod:`models.economics.licence`).

:mod:`models.inputs.schema` lists the groups in order; the fields are those of
:class:`models.inputs.spec.ParamSpec`.
"""

from __future__ import annotations

from models.inputs.parameters.sources import ASSUMPTION as _A
from models.inputs.parameters.sources import REF
from models.inputs.spec import ParamSpec

GROUP = "license"
TITLE = "Licensing"

PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "license_titles_year",
        "float",
        30.0,
        "titles per year",
        "Titles on licence to a Chinese platform at any time (license mode): the slate of "
        "each contract, refreshed every year with new seasons, each localised.",
        _A + "Netflix licensed 'a subset of originals' to iQIYI (ref 3.12)",
        min=0.0,
        max=2000.0,
        label="titles on licence",
    ),
    ParamSpec(
        "license_fee_usd_m_per_title",
        "float",
        0.35,
        "US$ m per title-year",
        "Licence fee per approved title and year of licence, VAT included, averaged over "
        "the slate, in the market where it was observed (license_reference_payers_m); a "
        "contract's price scales with the buyer's demand when it is signed.",
        f"ref 7.4 in {REF}: between the average US series of 2010-14 (about US$0.2 m a "
        "title-year: US$0.5-0.74 m a licence over three years, refs 7.1-7.2) and a good "
        "title (US$1.5 m a season, US$0.5 m a title-year), nearer the average: prices fell "
        "by a third to two thirds after the 2015 pre-approval rule (ref 7.6) and Netflix "
        "called its 2017 deal 'modest' (ref 3.12)",
        label="licence fee per title-year",
        min=0.0,
        max=100.0,
        uncertain=True,
        default_range=(0.15, 1.0),
        range_source="range: refs 7.1-7.4: the average over a slate of titles, not one "
        "title's spread: from a slate of library titles below the 2010-14 average to a "
        "slate at US$3 m a season",
    ),
    ParamSpec(
        "license_fee_growth_year",
        "float",
        0.03,
        "fraction per year",
        "Yearly growth of the price of rights, beyond what the buyer's demand explains.",
        _A + "below content-cost inflation: the buyer's market is concentrated",
        label="licence-fee growth",
        min=-0.3,
        max=0.5,
        uncertain=True,
        default_range=(-0.05, 0.08),
        range_source="range: assumption: a buyer's market pushing fees down to fees rising"
        " faster than content costs",
    ),
    ParamSpec(
        "license_reference_payers_m",
        "float",
        28.7,
        "million people",
        "The paying online-video users where license_fee_usd_m_per_title was observed: a "
        "contract's price follows the paying users against these.",
        "data/raw/china_internet_cnnic.csv 2015-12 (504 M online-video users) x 5.7 % "
        "paying (the letv_2015 scenario's payer share; iResearch counted 28.84 M paying "
        "users in 2015, ref 1.22); the fees of ref 7.4 are of 2013-16",
        min=0.001,
        max=2000.0,
        label="buyer's reference paying users",
    ),
    ParamSpec(
        "license_demand_elasticity",
        "float",
        0.5,
        "",
        "How a contract's price follows the buyer's demand, its paying users: the fee "
        "scales with (paying users / license_reference_payers_m) ** elasticity.",
        f"ref 7.7 in {REF}: the NBA's price in China doubled to tripled when its audience "
        "nearly tripled (elasticity 0.65-1.0); assumption: lower for series, a single-digit "
        "to a fifth share of a platform's traffic (ref 7.9)",
        label="licence price's response to demand",
        min=0.0,
        max=2.0,
        uncertain=True,
        default_range=(0.25, 0.75),
        range_source="range: assumption: from a price that barely follows demand to "
        "nearly the NBA's",
    ),
    ParamSpec(
        "license_term_months",
        "int",
        36,
        "months",
        "Term of each licence contract, renewed at a renegotiated price. A staged entry's "
        "exclusive licence lets it switch only at the end of a term.",
        "ref 7.5: iQIYI's licences of films and drama average six years; Netflix's own "
        "licences ran six months to five years; assumption: three years, the middle",
        min=6,
        max=120,
        label="licence term",
    ),
    ParamSpec(
        "license_renewal_sd_log",
        "float",
        0.25,
        "standard deviation of the log price per year",
        "Spread of the renegotiation at renewal, per year of the term: the price is "
        "multiplied by a log-normal factor with mean 1 and a standard deviation of its "
        "log of this times the square root of the term in years; the factors compound.",
        "refs 7.6-7.7: prices fell to a third and rose two- to eight-fold within a year or "
        "two; assumption: 0.25 a year puts one three-year renewal in twenty below 0.45 and "
        "one above 1.85 times the last price",
        min=0.0,
        max=2.0,
        label="spread of licence renewals",
    ),
    ParamSpec(
        "license_upfront_share",
        "float",
        0.3,
        "fraction of a contract's value",
        "Share of a contract's value paid at signing; the rest comes in equal monthly "
        "instalments over its term.",
        "ref 7.5: iQIYI pays 'in installments upon signing ... and during the license "
        "period'; assumption: 30 % at signing",
        min=0.0,
        max=1.0,
        label="share of a licence paid at signing",
    ),
    ParamSpec(
        "license_buyer_distress_hazard_year",
        "float",
        0.01,
        "probability per year",
        "Yearly hazard that the buyer falls into financial distress and stops paying (at "
        "most once per future; drawn with the same uniforms as a partner's distress).",
        "ref 7.8: no default among the three BAT-backed platforms in about 30 "
        "platform-years (2010-20), 3-6 % a year among second-tier ones; assumption: 1 % "
        "for a leading buyer",
        label="licensee's distress hazard",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.0025, 0.05),
        range_source="range: ref 7.8: from a leading platform's rare default to a "
        "second-tier buyer's 5 %",
    ),
    ParamSpec(
        "license_loss_given_distress",
        "float",
        0.5,
        "fraction of the instalments due",
        "Share of the current contract's instalments never paid once the buyer is in "
        "distress; the next contract is signed with another buyer.",
        "ref 7.8: of Huace's RMB 368 M receivable from LeTV, at most 172 M (47 %) stayed "
        "exposed after resale and offsets; Le.com's copyright payables 'almost none repaid'",
        min=0.0,
        max=1.0,
        label="licence fees lost in the buyer's distress",
    ),
    ParamSpec(
        "license_compliance_share",
        "float",
        0.03,
        "fraction of fees net of VAT",
        "The licensor's own cost of selling into China, beyond subtitles: compliance "
        "edits, full-season delivery for approval, music and talent clearances, legal.",
        _A + "no figure found (ref 7.10); 3 % of fees, a sales agent's order of magnitude",
        min=0.0,
        max=0.5,
        label="licensor's compliance cost",
    ),
    ParamSpec(
        "license_overhead_usd_m_year",
        "float",
        1.0,
        "US$ m per year",
        "The licensor's own team for China (sales, legal, compliance), paid from the decision on.",
        _A + "about five people in Beijing or Hong Kong at about US$200 k a year each, "
        "all-in; no figure was found (ref 7.10)",
        min=0.0,
        max=100.0,
        label="licensor's China team cost",
    ),
    ParamSpec(
        "license_withholding_tax_rate",
        "float",
        0.10,
        "fraction of fees net of VAT",
        "Withholding tax on royalties paid to a non-resident (final tax in China).",
        "PRC Enterprise Income Tax Law Art. 27 and Implementation Rules Art. 91: 10 %",
        min=0.0,
        max=0.5,
        label="withholding tax on royalties",
    ),
)
