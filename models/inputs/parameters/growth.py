"""Subscriber growth: the parameters of the group ``growth``, in schema order.

Subscriber growth (Bass with churn) and the cost of acquiring subscribers.

:mod:`models.inputs.schema` lists the groups in order; the fields are those of
:class:`models.inputs.spec.ParamSpec`.
"""

from __future__ import annotations

from models.inputs.parameters.sources import ASSUMPTION as _A
from models.inputs.spec import ParamSpec

GROUP = "growth"
TITLE = "Subscriber growth"

_GROWTH_FIT = (
    "fit: the model's Bass-with-churn recursion (6 % a month) on Netflix APAC paid "
    "memberships, verified quarters 2018Q4-2023Q2 "
    "(data/raw/netflix_paid_memberships_regional_quarterly.csv); range: 95 % interval "
    "widened 15x by the backtest of the verified rows and stretched to the all-rows fit, "
    "taken in log space (rates are positive and their errors multiplicative: a range "
    "down to zero would leave a sixth of the futures without any growth) "
    "(notebooks/subscriber_growth.ipynb)"
)

PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "growth_p_innovation_month",
        "float",
        0.00127,
        "per month",
        "Bass coefficient of innovation p: the monthly rate at which non-subscribers adopt "
        "independently of existing subscribers.",
        _GROWTH_FIT,
        label="Bass innovation p",
        min=0.0,
        max=0.1,
        uncertain=True,
        default_range=(0.000415, 0.00337),
    ),
    ParamSpec(
        "growth_q_imitation_month",
        "float",
        0.112,
        "per month",
        "Bass coefficient of imitation q: monthly adoption driven by the subscribed share.",
        _GROWTH_FIT,
        label="Bass imitation q",
        min=0.0,
        max=0.5,
        uncertain=True,
        default_range=(0.048, 0.263),
    ),
    ParamSpec(
        "growth_churn_rate_month",
        "float",
        0.06,
        "fraction per month",
        "Share of subscribers who cancel each month (they may re-subscribe later).",
        "ref 1.21: no published Chinese SVOD churn figure; 5-10 % a month is the modelling "
        "range given there; 6 % is taken",
        label="monthly churn",
        min=0.0,
        max=0.3,
        uncertain=True,
        default_range=(0.05, 0.1),
        range_source="range: the 5-10 % modelling range of ref 1.21",
    ),
    ParamSpec(
        "growth_cac_months",
        "float",
        1.9,
        "months of realised revenue",
        "Marketing cost of winning a first-time subscriber, in months of the revenue a "
        "subscriber brings (net of VAT and payment fees), so that it follows local prices.",
        "fit: the APAC replay (notebooks/subscriber_growth.ipynb) reproduces Netflix's "
        "international marketing, 25.9 % and 18.9 % of revenue in 2015-16 (ref 3.6), in its "
        "years 2-3 at 1.9 months; iQIYI spent RMB 45 per net member added in 2017 (ref 2.4), "
        "2.9 months of its CNY 15.4 revenue per member (ref 1.13): per first-time subscriber, "
        "with churn, less",
        label="marketing cost per new subscriber",
        min=0.0,
        max=24.0,
        uncertain=True,
        default_range=(1.2, 3.5),
        range_source="range: assumption: a cheaper launch than Netflix's (1.2) to above "
        "iQIYI's 2.9 months per net add (3.5) for a foreign brand",
    ),
    ParamSpec(
        "growth_winback_months",
        "float",
        0.5,
        "months of realised revenue",
        "Marketing cost of winning back a former subscriber (offers, reminders), in months "
        "of the revenue a subscriber brings.",
        _A + "a lapsed member knows the service and returns through its own app and "
        "auto-renew prompts; a discounted first month back costs about half a month's "
        "revenue (first-month offers of CNY 12 against 40, ref 1.4)",
        label="cost of winning back a subscriber",
        min=0.0,
        max=24.0,
        uncertain=True,
        default_range=(0.2, 1.0),
        range_source="range: assumption: a reminder (0.2) to a free month (1.0)",
    ),
)
