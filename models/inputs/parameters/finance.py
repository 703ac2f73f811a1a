"""Finance: the parameters of the group ``finance``, in schema order.

Discounting, tax, fixed and set-up costs, delivery, the value beyond the horizon.

:mod:`models.inputs.schema` lists the groups in order; the fields are those of
:class:`models.inputs.spec.ParamSpec`.
"""

from __future__ import annotations

from models.inputs.parameters.sources import ASSUMPTION as _A
from models.inputs.spec import ParamSpec

GROUP = "finance"
TITLE = "Finance"

PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "finance_discount_rate_year",
        "float",
        0.15,
        "fraction per year",
        "Discount rate for the streamer's China cash flows.",
        "ref 6.1: iQIYI's own valuation discount rate, 17.5 % (Feb 2017) to 14.5 % (Feb 2018)",
        label="discount rate",
        min=0.0,
        max=1.0,
        uncertain=True,
    ),
    ParamSpec(
        "finance_tax_rate",
        "float",
        0.25,
        "fraction of profit",
        "Corporate income tax on the China operation's profit (losses carried forward).",
        "PRC Enterprise Income Tax Law (2008) Art. 4: 25 %",
        min=0.0,
        max=0.6,
        label="corporate tax rate",
    ),
    ParamSpec(
        "finance_fixed_usd_m_year",
        "float",
        35.0,
        "US$ m per year",
        "Fixed tech and overhead of an own platform in China: local data centres and CDN "
        "(data must stay in China), staff, compliance; paid from month 0 (the local team "
        "seeks the licence and prepares the launch).",
        "ref 5.7 (Cybersecurity Law Art. 37 data localisation); the amount is an assumption",
        label="fixed platform cost",
        min=0.0,
        max=2000.0,
        uncertain=True,
        default_range=(20.0, 60.0),
        range_source="range: assumption: a lean local office to a full data-localised platform",
    ),
    ParamSpec(
        "finance_cost_inflation_year",
        "float",
        0.02,
        "fraction per year",
        "Yearly growth of the costs other than content (which has "
        "content_cost_inflation_year): the fixed platform cost, delivery per subscriber, "
        "the partnership's governance, the partner's serving cost and a licensor's "
        "overhead, from month 0.",
        "ref 6.7: China's consumer prices rose 1.4 % (2015) and 2.0 % (2016) and about "
        "2.2 % a year on average over two decades (NBS); 2 %",
        label="inflation of other costs",
        min=-0.1,
        max=0.3,
        uncertain=True,
        default_range=(0.0, 0.04),
        range_source="range: assumption around ref 6.7: 0 (delivery and cloud prices "
        "falling as fast as wages rise) to 4 % (wages and data-localised hosting rising "
        "twice as fast as consumer prices)",
    ),
    ParamSpec(
        "finance_setup_usd_m",
        "float",
        20.0,
        "US$ m",
        "One-off set-up cost when the venture starts (entity, VIE contracts, "
        "integration): paid only after the go decision.",
        _A + "legal structuring and platform integration",
        label="set-up cost",
        min=0.0,
        max=2000.0,
        uncertain=True,
        default_range=(10.0, 40.0),
        range_source="range: assumption: half to twice the default",
    ),
    ParamSpec(
        "finance_walkaway_usd_m",
        "float",
        2.0,
        "US$ m",
        "Cost of walking away from an own service after it has started and before it "
        "launches: severance for the local team and closing the entity and its VIE "
        "contracts (after the launch, regulation_exit_cost_usd_m applies instead).",
        _A + "severance under the PRC Labour Contract Law (one month's wage per year "
        "worked, Art. 47, and a month in lieu of notice, Art. 40) for a local team of "
        "about 100 at about US$40,000 a year (about US$0.7 m), and deregistering the "
        "entity and unwinding its contracts (about US$1 m)",
        label="cost of walking away before launch",
        min=0.0,
        max=500.0,
        uncertain=True,
        default_range=(0.5, 5.0),
        range_source="range: assumption: a small team and no contracts to unwind, to a "
        "large team with a year's service each and disputed contracts",
    ),
    ParamSpec(
        "finance_delivery_usd_per_sub_month",
        "float",
        0.3,
        "US$ per subscriber-month",
        "Variable cost of serving one subscriber for a month: bandwidth, support. Paid by "
        "the streamer when solo; under a partnership the partner serves the subscribers on "
        "its cloud out of its share (partner_serving_usd_per_sub_month).",
        _A + "CDN and support cost at Chinese bandwidth prices",
        label="delivery cost per subscriber",
        min=0.0,
        max=20.0,
        uncertain=True,
        default_range=(0.15, 0.6),
        range_source="range: assumption: half to twice the default",
    ),
    ParamSpec(
        "finance_terminal_method",
        "str",
        "gordon",
        "",
        "Value of the business beyond the horizon: 'gordon' (the normalised final year "
        "growing at finance_terminal_growth_year for ever), 'revenue_multiple' (a multiple "
        "of the final year's net revenue) or 'none'. Never below the cost of closing.",
        "model setting: a service that is still growing at the horizon is worth more than "
        "its first ten years (Koller et al., Valuation, ch. 14, continuing value)",
        max=16,
        choices=("gordon", "revenue_multiple", "none"),
        label="value beyond the horizon",
    ),
    ParamSpec(
        "finance_terminal_growth_year",
        "float",
        0.02,
        "fraction per year",
        "Long-run growth of the normalised final year's cash flow (Gordon method).",
        "data/raw/china_internet_cnnic.csv: internet users grew 3.4 % a year in 2020-23; "
        "assumption: 2 %, below that, as penetration saturates",
        label="long-run growth",
        min=-0.1,
        max=0.1,
        uncertain=True,
        default_range=(0.0, 0.034),
        range_source="range: no growth to the 2020-23 pace of internet users (same file)",
    ),
    ParamSpec(
        "finance_terminal_revenue_multiple",
        "float",
        1.5,
        "x final-year net revenue",
        "Multiple of the final year's net revenue (revenue_multiple method).",
        _A + "listed Chinese video platforms have traded at one to two times revenue; 1.5",
        min=0.0,
        max=20.0,
        label="revenue multiple beyond the horizon",
    ),
)
