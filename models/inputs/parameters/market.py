"""Market: the parameters of the group ``market``, in schema order.

The online-video audience, its payers, their response to price and catalogue, the
incumbents' price war.

:mod:`models.inputs.schema` lists the groups in order; the fields are those of
:class:`models.inputs.spec.ParamSpec`.
"""

from __future__ import annotations

from models.inputs.parameters.sources import ASSUMPTION as _A
from models.inputs.spec import ParamSpec

GROUP = "market"
TITLE = "Market"

PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "market_online_video_users_m",
        "float",
        1067.0,
        "million people",
        "China's online-video users at month 0: the outer bound of the addressable market.",
        "data/raw/china_internet_cnnic.csv row 2023-12 (CNNIC: 1,067 M online video users, "
        "includes short video; verified)",
        label="online-video users",
        min=1.0,
        max=2000.0,
        uncertain=True,
        default_range=(900.0, 1100.0),
        range_source="range: assumption: 900 M leaves out viewers of short video only, "
        "1,100 M extends the 2020-23 trend a year",
    ),
    ParamSpec(
        "market_user_growth_year",
        "float",
        0.034,
        "fraction per year",
        "Yearly growth of online-video users at month 0; it slows as they near "
        "market_online_video_users_ceiling_m.",
        "data/raw/china_internet_cnnic.csv: internet users 989 M (2020-12) to 1,092 M "
        "(2023-12) is 3.4 % a year",
        label="growth of online-video users",
        min=-0.2,
        max=0.5,
        uncertain=True,
        default_range=(0.0, 0.06),
        range_source="range: assumption: saturation (0 %) to the 2017-20 pace (about 6 %, "
        "same file)",
    ),
    ParamSpec(
        "market_online_video_users_ceiling_m",
        "float",
        1377.0,
        "million people",
        "Most online-video users China can have: their growth (market_user_growth_year) "
        "slows on a logistic curve as they near it.",
        "data/raw/china_internet_cnnic.csv row 2023-12: 1,092 M internet users at 77.5 % "
        "penetration is 1,409 M people, of whom 97.7 % of those online watch video "
        "(1,067 / 1,092): 1,377 M if everyone came online",
        label="ceiling of online-video users",
        min=1.0,
        max=3000.0,
    ),
    ParamSpec(
        "market_svod_payer_share",
        "float",
        0.15,
        "fraction",
        "Share of online-video users who pay for any video subscription (unique payers).",
        "derived from rows not fully verified: iQIYI 111.6 M (2022-12, unverified) and Tencent "
        "Video 113 M (2024-03, partly verified) in data/raw/china_svod_subscribers.csv are 21 "
        "% of 1,067 M users before multi-homing; assumption: under 45 % pay one platform only "
        "(ref 1.20), so unique payers are set at 15 %",
        label="share of users who pay for video",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.08, 0.25),
        range_source="range: assumption: 8 % (only the two leaders' members counted once) "
        "to 25 % (every platform's members counted)",
    ),
    ParamSpec(
        "market_payer_headroom",
        "float",
        1.0,
        "multiple of the paying share at month 0",
        "Ceiling of the share of online-video users who pay for video, as a multiple of "
        "market_svod_payer_share: the paying share diffuses towards it on a logistic "
        "curve (1: it stays where it is; below 1: it falls).",
        "data/raw/china_svod_subscribers.csv: the leaders' members have levelled off "
        "since 2019 (iQIYI 106.9 M 2019-12 verified, 101.7 M 2020-12 verified, 111.6 M "
        "2022-12; Tencent Video 124 M 2021-12, 113 M 2024-03 partly verified); logistic "
        "fits put their ceilings at 107 M and 121 M with midpoints in 2018 "
        "(models.calibration.paying_market): today's paying share is its ceiling",
        label="headroom of the paying share",
        min=0.1,
        max=20.0,
        uncertain=True,
        default_range=(0.85, 1.25),
        range_source="range: same file: a fall like Tencent Video's 9 % (2024) to a "
        "quarter more payers (assumption: new tiers or a consolidation)",
    ),
    ParamSpec(
        "market_payer_diffusion_rate_year",
        "float",
        1.5,
        "per year",
        "Rate of the logistic curve on which the paying share moves towards its "
        "ceiling (market_payer_headroom): the share grows at rate x (1 - share / ceiling) a "
        "year, continuously compounded (rate x (1 - 1 / headroom) at month 0), and a gap to "
        "the ceiling closes at the rate.",
        "logistic fits on data/raw/china_svod_subscribers.csv "
        "(models.calibration.paying_market): iQIYI 1.78 a year (verified rows), Tencent "
        "Video 1.21 (all rows, four of them unverified: its three verified rows are too few "
        "to fit); 1.5 is their midpoint",
        label="diffusion rate of the paying share",
        min=0.0,
        max=10.0,
        uncertain=True,
        default_range=(1.2, 1.8),
        range_source="range: the two fits (same file)",
    ),
    ParamSpec(
        "market_foreign_premium_share",
        "float",
        0.43,
        "fraction",
        "Share of paying users who would consider a premium foreign service at the "
        "reference price with a leader's catalogue (market_reference_catalogue_titles): a "
        "potential, before price, the catalogue's draw and the build-up of subscribers.",
        "ref 8.7 (D): across Asian markets led by local platforms, Netflix's share of "
        "subscriptions rises with its local content spend per market subscription with a "
        "log-log slope of about 0.66 (India 7 % at US$ 3.5, Japan 14 % at US$ 8.9, Korea "
        "35 % at US$ 39). At a Chinese leader's spend, iQIYI's RMB 14.8 bn (ref 2.2) at "
        "7.1 over some 300 M paid memberships (Tencent Video 114 M, iQIYI and Youku about "
        "100 M each, research notes 4.2-4.3), US$ 7.0 each, the curve gives 11 % of "
        "subscriptions: 34 M subscribers, 21 % of the 160 M payers of month 0. The "
        "model's subscribers settle at 0.49 of the potential (Bass with churn at the "
        "growth defaults: churn 0.06 and imitation 0.112 a month), so 0.21 / 0.49 = 0.43. "
        "Netflix's shares were won at its own premium prices, so the price factor is not "
        "divided out again (with it, 0.51)",
        label="share of payers open to a foreign service",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.2, 0.85),
        range_source="range: the same reading at the other markets' shares: India's 7 % "
        "of subscriptions (9 % of payers, 0.2) to Taiwan's and South-East Asia's 21-22 % "
        "read as 1.5-2 times that of payers (32-42 %, 0.7-0.9); Korea's 34-38 % rests on "
        "local originals China would not allow",
    ),
    ParamSpec(
        "market_reference_catalogue_titles",
        "float",
        7500.0,
        "foreign-title equivalents",
        "A leader's catalogue at month 0, the yardstick of a catalogue's draw: "
        "market_foreign_premium_share holds for a catalogue this size, a smaller one draws "
        "(catalogue / this) ** content_demand_elasticity of it. The yardstick grows with "
        "the leaders' catalogue as the paying market grows "
        "(content_leader_spend_elasticity), so a catalogue that stays the same size draws "
        "less. Domestic titles and originals count by their weights.",
        "ref 2.2 (D): iQIYI's content cost of RMB 3.7 bn in Q4 2023, RMB 14.8 bn a year, "
        "at CNY 7.1 is US$ 2,085 m, 22.9 times the default solo plan's US$ 91.2 m a year "
        "(content breakdown, month-0 prices); spent on the plan's mix it keeps 22.9 times "
        "the plan's third-year catalogue of 326 equivalents (168 foreign titles, 560 "
        "domestic at a quarter, six originals at three) on offer: 7,454, rounded to 7,500 "
        "(recomputed by tests/analysis/test_leaders.py). The titles Ampere counted (ref "
        "4.4 of docs/research/content_level.md: iQIYI 10,000, Tencent Video 7,000) are of "
        "another kind: most are cheap library titles",
        min=1.0,
        max=100000.0,
        label="reference catalogue: a leader's",
    ),
    ParamSpec(
        "market_price_elasticity",
        "float",
        -1.5,
        "",
        "Constant price elasticity of the addressable market: the market scales with "
        "(price / reference price) ** elasticity.",
        _A + "premium SVOD facing free, ad-supported local platforms is taken as elastic; "
        "no China-specific estimate was found",
        label="price elasticity",
        min=-5.0,
        max=0.0,
        uncertain=True,
        default_range=(-2.5, -0.5),
        range_source="range: assumption: from inelastic (-0.5) to strongly elastic (-2.5)",
    ),
    ParamSpec(
        "market_price_war_cut",
        "float",
        0.1,
        "fraction of the reference price",
        "How far the incumbents' price falls once a foreign service launches (promotions, "
        "cheaper plans): the reference price of the price elasticity is cut by this share "
        "from the own service's launch on.",
        "ref 1.2: iQIYI's auto-renew price (CNY 15) ran 24 % below its single-month list "
        "price (19.8) before 2020; ref 1.4: first months offered at CNY 12 against 40; "
        "assumption: a tenth off the reference price in answer to a foreign entry",
        label="incumbents' price cut",
        min=0.0,
        max=0.9,
        uncertain=True,
        default_range=(0.0, 0.25),
        range_source="range: refs 1.2, 1.4: no answer to a full promotional price (24 %)",
    ),
)
