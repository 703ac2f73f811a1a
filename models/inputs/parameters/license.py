"""Licensing: the parameters of the group ``license``, in schema order.

Licensing titles to a Chinese platform: titles, fees, withholding tax.

:mod:`models.inputs.schema` lists the groups in order; the fields are those of
:class:`models.inputs.spec.ParamSpec`.
"""

from __future__ import annotations

from models.inputs.parameters.sources import ASSUMPTION as _A
from models.inputs.spec import ParamSpec

GROUP = "license"
TITLE = "Licensing"

PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "license_titles_year",
        "float",
        30.0,
        "titles per year",
        "Titles licensed each year to a Chinese platform (license mode).",
        _A + "Netflix licensed 'a subset of originals' to iQIYI (ref 3.12)",
        min=0.0,
        max=2000.0,
    ),
    ParamSpec(
        "license_fee_usd_m_per_title",
        "float",
        1.0,
        "US$ m per title",
        "Licence fee per approved title, VAT included, paid up front each year.",
        "ref 2.12: about US$150 k per episode for a hit US series (2011); assumption: a "
        "licensee pays for approved hits, about 7 episodes' worth per title on average",
        label="licence fee per title",
        min=0.0,
        max=100.0,
        uncertain=True,
        default_range=(0.4, 2.0),
        range_source="range: assumption: a library title's price to a hit's",
    ),
    ParamSpec(
        "license_fee_growth_year",
        "float",
        0.03,
        "fraction per year",
        "Yearly growth of licence fees.",
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
        "license_withholding_tax_rate",
        "float",
        0.10,
        "fraction of fees net of VAT",
        "Withholding tax on royalties paid to a non-resident (final tax in China).",
        "PRC Enterprise Income Tax Law Art. 27 and Implementation Rules Art. 91: 10 %",
        min=0.0,
        max=0.5,
    ),
)
