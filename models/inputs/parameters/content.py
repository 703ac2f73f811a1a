"""Content: the parameters of the group ``content``, in schema order.

The catalogue: foreign rights, subtitles and dubbing, re-editing, domestic titles and
originals, windows, demand.

:mod:`models.inputs.schema` lists the groups in order; the fields are those of
:class:`models.inputs.spec.ParamSpec`.
"""

from __future__ import annotations

from models.inputs.parameters.sources import ASSUMPTION as _A
from models.inputs.spec import ParamSpec

GROUP = "content"
TITLE = "Content"

PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "content_foreign_titles_year",
        "float",
        80.0,
        "titles per year",
        "Foreign (own-catalogue) titles submitted for approval each year.",
        _A + "a curated launch catalogue; all of it must pass full-season pre-approval (ref 5.4)",
        min=0.0,
        max=5000.0,
        label="foreign titles a year",
    ),
    ParamSpec(
        "content_hours_per_title",
        "float",
        10.0,
        "hours per title",
        "Average runtime of a foreign title.",
        _A + "a ten-episode season of one-hour episodes",
        min=0.1,
        max=200.0,
        label="hours per foreign title",
    ),
    ParamSpec(
        "content_rights_usd_m_per_title",
        "float",
        0.3,
        "US$ m per title",
        "Average cost of clearing China rights for a foreign title (nil for wholly owned "
        "originals, high for third-party films and series).",
        "ref 2.12: The Big Bang Theory sold to a Chinese site for about US$150 k per episode "
        "(2011); assumption: rights cost nothing for wholly owned originals, so the average "
        "over owned and third-party titles is set at US$30 k per episode for 10 episodes",
        label="rights cost per foreign title",
        min=0.0,
        max=50.0,
        uncertain=True,
        default_range=(0.15, 1.0),
        range_source="range: assumption: half to three times the default (a season of a "
        "hit at ref 2.12's price)",
    ),
    ParamSpec(
        "content_domestic_title_usd_m",
        "float",
        0.3,
        "US$ m per title",
        "Licence cost of one Chinese library title (the quota requires about three per "
        "approved foreign title).",
        _A + "older dramas and films license for a fraction of first-run prices, which reach "
        "RMB 9.5-10 M per episode for top dramas (ref 2.7); US$0.3 M (about RMB 2 M) per "
        "library title",
        label="cost per domestic title",
        min=0.0,
        max=200.0,
        uncertain=True,
        default_range=(0.1, 1.0),
        range_source="range: assumption: a third to three times the default",
    ),
    ParamSpec(
        "content_subtitle_usd_per_hour",
        "float",
        800.0,
        "US$ per finished hour",
        "Cost of Chinese subtitles for one hour of foreign content.",
        "ref 2.15: GBP 240-1,080 per finished hour (about US$300-1,370)",
        min=0.0,
        max=20000.0,
        label="subtitling cost",
    ),
    ParamSpec(
        "content_dub_share",
        "float",
        0.2,
        "fraction of hours",
        "Share of foreign hours also dubbed into Mandarin.",
        _A + "dubbing is kept for children's and tent-pole titles",
        min=0.0,
        max=1.0,
        label="share of hours dubbed",
    ),
    ParamSpec(
        "content_dub_usd_per_hour",
        "float",
        12000.0,
        "US$ per finished hour",
        "Cost of Mandarin dubbing for one hour.",
        "ref 2.16: dubbing costs up to 15 times subtitling (15 x US$800)",
        min=0.0,
        max=200000.0,
        label="dubbing cost",
    ),
    ParamSpec(
        "content_reedit_share",
        "float",
        0.25,
        "fraction of titles",
        "Share of foreign titles re-edited for approval or format (cuts, new music, "
        "re-structuring).",
        _A + "the censor asks for cuts on a minority of titles; no public figure",
        label="share of titles re-edited",
        min=0.0,
        max=1.0,
        uncertain=True,
        default_range=(0.1, 0.5),
        range_source="range: assumption: 10-50 % of titles",
    ),
    ParamSpec(
        "content_reedit_usd_per_source_hour",
        "float",
        5000.0,
        "US$ per source hour",
        "Cost of re-editing per hour of source material, e.g. 76 x 45-minute episodes (57 "
        "hours) cut into 6 x 90-minute films.",
        "ref 2.13 (Empresses in the Palace: 57 h cut to 9 h over about two years, mostly new "
        "score and subtitles); the rate itself is an assumption",
        min=0.0,
        max=100000.0,
        label="re-editing cost",
    ),
    ParamSpec(
        "content_originals_usd_m_year",
        "float",
        30.0,
        "US$ m per year",
        "Budget for local Chinese originals (solo and partner modes).",
        "ref 2.6: Ode to Joy S2 cost RMB 150 M (about US$21 M); assumption: one such drama "
        "and a smaller one (RMB 5-6 M per episode, Candle in the Tomb) a year, about US$30 M",
        label="originals budget",
        min=0.0,
        max=5000.0,
        uncertain=True,
        default_range=(15.0, 60.0),
        range_source="range: assumption: one smaller drama to two of Ode to Joy's scale (ref 2.6)",
    ),
    ParamSpec(
        "content_original_usd_m_per_title",
        "float",
        15.0,
        "US$ m per title",
        "Cost of one local original (a drama season); the originals budget buys "
        "content_originals_usd_m_year / this many a year, owned for good.",
        "ref 2.6: Ode to Joy S2 cost RMB 150 M (about US$21 M); Candle in the Tomb RMB 5-6 M "
        "an episode (about US$15 M a season); US$15 M is taken",
        min=0.1,
        max=500.0,
        label="cost of a local original",
    ),
    ParamSpec(
        "content_window_years",
        "int",
        3,
        "years",
        "Licence window of a foreign title: a year's titles stay in the catalogue this long, "
        "then make way for newer ones (the yearly purchase replaces them).",
        _A + "SVOD licences typically run two to five years; the rights price per title is "
        "for the whole window",
        label="licence window",
        min=1,
        max=10,
        uncertain=True,
        default_range=(2, 5),
        range_source="range: assumption: two to five years",
    ),
    ParamSpec(
        "content_domestic_window_years",
        "int",
        5,
        "years",
        "Licence window of a Chinese library title bought to meet the quota.",
        _A + "older library titles license for longer windows than first-run content",
        min=1,
        max=20,
        label="licence window of a Chinese title",
    ),
    ParamSpec(
        "content_demand_elasticity",
        "float",
        0.65,
        "elasticity",
        "Elasticity of the market with respect to the catalogue: the market scales with "
        "(catalogue / market_reference_catalogue_titles) ** elasticity, so titles draw "
        "demand with diminishing returns.",
        "ref 8.7 (D): Netflix's share of subscriptions against its local content spend "
        "per market subscription in India, Japan and Korea, log-log slope 0.66 (three "
        "points, a rule of thumb); ref 3.14 "
        "(D): the Dorfman-Steiner condition on Netflix's 2021 accounts gives 0.50 to 0.95 "
        "as fewer or more of its other costs count as variable; 0.65",
        label="demand's response to the catalogue",
        min=0.0,
        max=1.5,
        uncertain=True,
        default_range=(0.45, 1.0),
        range_source="range: ref 3.14's spread (0.50-0.95), widened: a weak prior",
    ),
    ParamSpec(
        "content_domestic_title_weight",
        "float",
        0.25,
        "foreign-title equivalents",
        "How much one Chinese library title adds to the catalogue's draw, against one "
        "foreign title (the reason to subscribe to a foreign service).",
        _A + "the domestic library is also on iQIYI and Tencent Video; a quarter of a "
        "foreign title",
        min=0.0,
        max=5.0,
        label="draw of a Chinese library title",
    ),
    ParamSpec(
        "content_original_title_weight",
        "float",
        3.0,
        "foreign-title equivalents",
        "How much one local original adds to the catalogue's draw, against one foreign title.",
        _A + "an exclusive local drama draws like several library titles (Ode to Joy S2 "
        "cost as much as 70 foreign library titles, ref 2.6); 3 is taken",
        min=0.0,
        max=50.0,
        label="draw of a local original",
    ),
    ParamSpec(
        "content_cost_inflation_year",
        "float",
        0.05,
        "fraction per year",
        "Yearly growth of all content prices.",
        _A + "iQIYI's content costs rose fast to 2019 and fell by 2023 (ref 2.2); 5 % is a "
        "middle path",
        label="content-cost inflation",
        min=-0.3,
        max=0.5,
        uncertain=True,
        default_range=(-0.05, 0.15),
        range_source="range: assumption: falling as after 2019 to rising as before (ref 2.2)",
    ),
    ParamSpec(
        "content_market_price_elasticity",
        "float",
        0.5,
        "",
        "How the price of rights and domestic titles follows China's paying video "
        "market: bought when it is x times its size at month 0, they cost x ** "
        "elasticity times as much (on top of content_cost_inflation_year). Localisation "
        "and originals are priced apart.",
        "ref 2.18: top dramas' online rights rose 3-5 times from 2014 to 2017, and ref "
        "1.25: paid memberships rose about 14 times (9.45 M in 2014 to some 131 M in "
        "2017, interpolated between 75 M in 2016 and 230 M in 2018): ln 4 / ln 14 = 0.53, "
        "or 0.47 net of content_cost_inflation_year's 5 % a year (ln 3.45 / ln 14); 0.5 "
        "lies between",
        label="content prices' response to the paying market",
        min=0.0,
        max=2.0,
        uncertain=True,
        default_range=(0.4, 0.7),
        range_source="range: same refs: 3 to 6 times the 2014 price ('rose 3-5 times' "
        "read both ways) give 0.42 to 0.68 before inflation, 0.36 to 0.62 net of it; "
        "assumption: 0.4-0.7",
    ),
    ParamSpec(
        "content_leader_spend_elasticity",
        "float",
        0.67,
        "",
        "How the leaders' content spend, net of content_cost_inflation_year, follows "
        "China's paying video market: when the market is x times its size at month 0, "
        "they spend x ** elasticity times as much (and content inflation on top), so "
        "their catalogue (titles on offer, the yardstick of "
        "market_reference_catalogue_titles) is x ** (this - "
        "content_market_price_elasticity) times month 0's.",
        "ref 2.19: iQIYI's content costs rose from RMB 3.75 bn (2015) to about 20.9 bn "
        "(2018), 5.6 times (4.8 times net of content_cost_inflation_year's 5 % a year), "
        "and ref 1.25: paid memberships from 22 M to 230 M, 10.5 times: ln 4.8 / ln 10.5 "
        "= 0.67 (0.73 before inflation; 0.70 on year-average memberships)",
        label="leaders' content spend's response to the paying market",
        min=0.0,
        max=2.0,
        uncertain=True,
        default_range=(0.45, 0.9),
        range_source="range: the same refs year by year, net of inflation: 2015-16 gives "
        "0.56, 2016-18 0.79; widened both ways: after 2018 iQIYI's costs rose 6 % while "
        "memberships still grew (ref 2.19: about 0.2), and ref 1.25's other 2015 count "
        "(50 M) would put 2015-18 above 1",
    ),
    ParamSpec(
        "content_keep_pace_share",
        "float",
        0.0,
        "fraction",
        "The content policy of an own service: how far its yearly purchases (foreign "
        "titles, the domestic titles the quota asks for, originals) follow the growth of "
        "the leaders' catalogue. Each content year buys the plan "
        "(content_foreign_titles_year, content_originals_usd_m_year) times the leaders' "
        "catalogue against month 0's, to this power: 0 buys the plan every year (its "
        "draw falls as the leaders' catalogue grows), 1 holds the service's catalogue "
        "against the leaders' (its spend then grows as theirs, x ** "
        "content_leader_spend_elasticity with inflation on top).",
        _A + "a policy, not a fact: 0 by default because, with content costing 0.6 to 5 "
        "times an own service's subscription revenue and a catalogue drawing demand with "
        "an elasticity below 1, every title bought beyond the plan lowers its value in "
        "every shipped scenario (keeping pace at 1 costs solo US$ 14 m in base and US$ "
        "305 m in letv_2015, committed, most-likely case; measured again with a leader's "
        "catalogue as the yardstick)",
        label="content policy: pace kept with the leaders",
        min=0.0,
        max=1.0,
    ),
    ParamSpec(
        "content_amortisation_months",
        "int",
        24,
        "months",
        "Straight-line amortisation period of content in the profit-and-loss account (cash "
        "is paid up front each content year).",
        _A + "typical licence window; affects tax timing only",
        min=1,
        max=120,
        label="content amortisation period",
    ),
    ParamSpec(
        "content_lead_months",
        "int",
        6,
        "months",
        "How long before launch content is bought and submitted for approval.",
        "ref 5.4: full-season pre-approval lags of up to about six months",
        min=0,
        max=36,
        label="content lead time",
    ),
)
