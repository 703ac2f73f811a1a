"""Pricing: the parameters of the group ``pricing``, in schema order.

The streamer's price, the exchange rate, VAT and payment fees, collection, the
advertising tier.

:mod:`models.inputs.schema` lists the groups in order; the fields are those of
:class:`models.inputs.spec.ParamSpec`.
"""

from __future__ import annotations

from models.inputs.parameters.sources import ASSUMPTION as _A
from models.inputs.spec import ParamSpec

GROUP = "pricing"
TITLE = "Pricing"

PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "pricing_price_cny_month",
        "float",
        30.0,
        "CNY per month, VAT included",
        "Single-month list price of the streamer's own service (realised revenue is "
        "pricing_realisation_rate of it).",
        "ref 1.3: iQIYI Gold VIP single month CNY 30 (Dec 2021), the top of the local range",
        label="monthly price",
        min=1.0,
        max=300.0,
        uncertain=True,
    ),
    ParamSpec(
        "pricing_reference_price_cny_month",
        "float",
        30.0,
        "CNY per month, VAT included",
        "Single-month list price of the local benchmark service, against which the price "
        "elasticity applies (list against list: both realise about the same share).",
        "ref 1.3: iQIYI Gold VIP single month CNY 30 (Dec 2021)",
        min=1.0,
        max=300.0,
        label="local benchmark price",
    ),
    ParamSpec(
        "pricing_reference_price_growth_year",
        "float",
        0.0,
        "fraction per year",
        "Yearly growth of the local benchmark price (pricing_reference_price_cny_month) "
        "once the paying market has levelled off (pricing_reference_price_maturity); "
        "flat before.",
        "ref 1.27: iQIYI's single month stayed at CNY 19.8 for nine years while the paying "
        "market grew, rose to 25 (Nov 2020) and 30 (Dec 2021) as it levelled off, and has "
        "stayed at 30 since (ref 1.3; Tencent Video's auto-renew at 25 since Apr 2022): "
        "flat for the five years of a mature market, so 0 is taken: flat in nominal terms "
        "while costs other than content rise 2 % a year (finance_cost_inflation_year), a "
        "real fall as in 2011-20 and since 2021 (review 10: not symmetric, and it costs "
        "solo US$ 31 m and partner 10 in base). Not taken: the "
        "2020-21 catch-up of +52 % as a step at maturity (issue 21: until an own service's "
        "content grows with the audience it draws, a dearer market makes money machines "
        "of own services on too little content, review 9)",
        label="growth of the local benchmark price",
        min=-0.1,
        max=0.3,
        uncertain=True,
        default_range=(0.0, 0.05),
        range_source="range: same refs: 0 (flat since Dec 2021) to 5 % (between 2011-26's "
        "2.8 % a year, 19.8 to 30, and 2020-26's 7 %)",
    ),
    ParamSpec(
        "pricing_reference_price_maturity",
        "float",
        0.99,
        "fraction",
        "How close to its ceiling the paying share (market_svod_payer_share moving towards "
        "market_payer_headroom times it) must come before the leaders start raising their "
        "prices at pricing_reference_price_growth_year: they raise them once the paying "
        "market levels off, not while it grows.",
        "ref 1.27 and the logistic fit of iQIYI's verified members "
        "(models.calibration.paying_market: rate 1.78 a year, midpoint 2018.1, ceiling "
        "107.5 M): at its first rise in nine years (Nov 2020) iQIYI's members stood at "
        "99.2 % of their fitted ceiling; 0.99",
        label="paying market's maturity before price rises",
        min=0.5,
        max=1.0,
    ),
    ParamSpec(
        "pricing_follow_share",
        "float",
        1.0,
        "fraction",
        "Share of the local benchmark's price growth (pricing_reference_price_growth_year) "
        "the streamer passes on to its own price and revenue per subscriber: 1 keeps its "
        "price where it stands against the leaders' (demand unchanged, revenue per "
        "subscriber growing with theirs), 0 holds its list price (cheaper against theirs "
        "each year, revenue per subscriber flat).",
        _A + "a premium service keeps its place against the leaders' prices, as iQIYI's and "
        "Tencent Video's moved together (ref 1.27: both to CNY 30 a month by 2022); a policy",
        label="share of the leaders' price rises passed on",
        min=0.0,
        max=1.0,
    ),
    ParamSpec(
        "pricing_fx_cny_per_usd",
        "float",
        7.1,
        "CNY per US$",
        "Exchange rate used to convert yuan revenues and costs to US dollars.",
        _A + "approximate 2023-25 level; the references quote 6.6 (2016-17) and 6.88 (Q4 "
        "2018) and ask for one's own rate",
        label="yuan per dollar",
        min=1.0,
        max=20.0,
        uncertain=True,
        default_range=(6.3, 7.6),
        range_source="range: 6.3-7.6, the span of CNY per US$ over 2016-2025 (refs quote "
        "6.6 and 6.88)",
    ),
    ParamSpec(
        "pricing_vat_rate",
        "float",
        0.06,
        "fraction of net price",
        "Value-added tax included in consumer prices and licence fees.",
        "PRC VAT of 6 % on value-added telecom and modern services (Caishui [2016] No. 36)",
        min=0.0,
        max=0.3,
        label="VAT rate",
    ),
    ParamSpec(
        "pricing_payment_fee_rate",
        "float",
        0.05,
        "fraction of revenue net of VAT",
        "Blended payment cost: app-store commission and payment processing.",
        _A + "about a fifth of payments through iOS in-app purchase at 15-30 %, the rest via "
        "Alipay or WeChat Pay at about 0.6 %",
        min=0.0,
        max=0.5,
        label="payment cost",
    ),
    ParamSpec(
        "pricing_realisation_rate",
        "float",
        0.57,
        "fraction of the list price, VAT included",
        "Revenue actually collected per subscriber-month, VAT included, as a share of the "
        "single-month list price (also VAT included): promotions, annual-plan and "
        "auto-renew discounts, and members on trials who pay nothing. VAT and payment "
        "fees are then taken off once (pricing_vat_rate, pricing_payment_fee_rate).",
        "ref 1.11, ref 1.12, ref 1.24: iQIYI's revenue per member, reported net of VAT "
        "since 2018, was CNY 15.98 a month in Q4 2023 against a CNY 30 single-month list "
        "price and CNY 13.6 in Q3 2021 against CNY 25; grossed up by the 6 % VAT that "
        "0.565 and 0.577; 0.57 is taken",
        label="share of the list price collected",
        min=0.05,
        max=1.0,
        uncertain=True,
        default_range=(0.48, 0.8),
        range_source="range: ref 1.11 to ref 1.13, ref 1.24: 0.48 (deeper promotions than "
        "iQIYI's: 0.45 net of VAT) to 0.78 (CNY 15.4 against 19.8 in 2017, before the "
        "price rises, when iQIYI still reported revenue including VAT)",
    ),
    ParamSpec(
        "pricing_ad_tier",
        "str",
        "off",
        "",
        "Whether the own service also sells a cheaper tier with advertising: 'off' or 'on'.",
        "model setting: Netflix had no ad tier until November 2022; off by default, so a "
        "strategist can test it",
        max=3,
        choices=("off", "on"),
        label="tier with advertising",
    ),
    ParamSpec(
        "pricing_ad_tier_price_cny_month",
        "float",
        15.0,
        "CNY per month, VAT included",
        "List price of the tier with advertising (when pricing_ad_tier is 'on').",
        "ref 1.2: iQIYI's cheapest auto-renew monthly price before 2020, CNY 15",
        min=0.0,
        max=300.0,
        label="price of the tier with advertising",
    ),
    ParamSpec(
        "pricing_ad_tier_share",
        "float",
        0.4,
        "fraction of subscribers",
        "Share of subscribers who take the tier with advertising (when it is 'on').",
        _A + "no public figure for China; a large minority, as cheaper plans draw the "
        "price-sensitive",
        min=0.0,
        max=1.0,
        label="share on the tier with advertising",
    ),
    ParamSpec(
        "pricing_ad_revenue_cny_per_sub_month",
        "float",
        5.0,
        "CNY per subscriber-month",
        "Advertising revenue per subscriber of the tier with advertising, net of ad sales costs.",
        _A + "no public figure for a subscription tier; a third of the tier's price",
        min=0.0,
        max=300.0,
        label="advertising revenue per subscriber",
    ),
)
