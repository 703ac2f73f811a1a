"""Netflix's APAC launch replayed with the model's own equations.

A check of the subscriber and marketing equations against a real launch: Netflix went
live across Asia-Pacific in January 2016 from a standing start, and the SEC filings
give its paid memberships quarter by quarter
(``data/raw/netflix_paid_memberships_regional_quarterly.csv``) and its international
marketing as a share of revenue (ref 3.6: 25.9 % in 2015, 18.9 % in 2016). The replay
takes the market, ``p`` and ``q`` of the churn-Bass fit on the verified APAC rows
(:mod:`models.calibration.growth`), no quota and no regulator (the market is the fit's,
constant), runs :func:`models.economics.growth.bass_subscribers` with the scenario's
churn, and prices marketing with the scenario's acquisition and win-back costs (in
months of a subscriber's revenue, so the price level cancels: marketing over revenue is
``(cac * first-time adds + win-back * returning adds) / subscriber-months``).

Targets: subscribers at month 36 (December 2018, 10.6 M reported) within the growth
backtest's out-of-sample error, and marketing within 19-26 % of revenue in years 2 and
3. The acquisition cost's default is calibrated on the second target (the schema says
so); the subscriber target is an honest check of the growth equations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.calibration import growth
from models.economics.growth import bass_subscribers

#: Netflix's international marketing over revenue, 2015 and 2016 (ref 3.6).
MARKETING_RANGE = (0.189, 0.259)

#: The month whose reported stock is the subscriber target: December 2018, 36 months
#: after the January 2016 launch (month 0 is January 2016).
TARGET_MONTH = 35


@dataclass(frozen=True)
class Replay:
    """The replay's outcome.

    Attributes
    ----------
    yearly : DataFrame
        Per launch year (1-4): subscribers at year end (millions), first-time and
        returning adds (millions), marketing over revenue (fraction).
    reported_m : float
        APAC paid memberships reported at month 36, millions.
    replayed_m : float
        The replay's subscribers at month 36, millions.
    error : float
        Relative miss at month 36.
    allowed : float
        The backtest's out-of-sample relative RMSE: the miss the growth fit is known for.
    fit : ChurnBassFit
        The fit whose market, p and q the replay uses.
    """

    yearly: pd.DataFrame
    reported_m: float
    replayed_m: float
    error: float
    allowed: float
    fit: object

    @property
    def subscribers_ok(self) -> bool:
        """Whether month 36 is within the backtest's error."""
        return self.error <= self.allowed

    @property
    def marketing_ok(self) -> bool:
        """Whether marketing is within 19-26 % of revenue in years 2 and 3."""
        share = self.yearly.loc[[2, 3], "marketing_share"]
        low, high = MARKETING_RANGE
        return bool(((share >= low - 0.005) & (share <= high + 0.005)).all())

    def to_df(self) -> pd.DataFrame:
        """The yearly table."""
        return self.yearly.copy()

    def findings(self) -> list[str]:
        """The replay in sentences, for the subscriber-growth report."""
        share = self.yearly["marketing_share"]
        return [
            f"Subscribers at month 36 (December 2018): {self.replayed_m:.1f} M replayed against "
            f"{self.reported_m:.1f} M reported, a miss of {_pct(self.error)}; the growth fit's "
            f"backtest misses by {_pct(self.allowed)} out of sample, so the replay is "
            + ("within" if self.subscribers_ok else "outside")
            + " what the fit is known for.",
            f"Marketing over revenue: {_pct(share[2])} in year 2 and {_pct(share[3])} in year 3, "
            "against 18.9-25.9 % for Netflix's international business in 2015-16 (ref 3.6)"
            + ("." if self.marketing_ok else ", outside that range."),
        ]


def _pct(x: float) -> str:
    return f"{x:.0%}".replace("%", " %")


def apac_replay(params, holdout_years: int | None = None) -> Replay:
    """Replay Netflix's APAC launch with the scenario's churn and marketing costs."""
    series = growth.analogue_series()[growth.ANALOGUE]
    churn = float(params.growth_churn_rate_month)
    fit = growth.churn_fit(series, churn, verified_only=True)
    months = 48
    market = np.full((1, months), fit.m)
    subs, adds, first = bass_subscribers(market, fit.p, fit.q, churn, 0)
    cac, winback = float(params.growth_cac_months), float(params.growth_winback_months)
    rows = []
    for year in range(1, months // 12 + 1):
        part = slice(12 * (year - 1), 12 * year)
        f, a = first[0, part].sum(), adds[0, part].sum()
        rows.append(
            {
                "year": year,
                "subscribers_end_m": subs[0, 12 * year - 1],
                "first_time_adds_m": f,
                "returning_adds_m": a - f,
                "marketing_share": (cac * f + winback * (a - f)) / subs[0, part].sum(),
            }
        )
    months_since = growth.months_since(series.stock.index, series.launch)
    reported = float(series.stock.to_numpy()[list(months_since).index(TARGET_MONTH)])
    replayed = float(subs[0, TARGET_MONTH])
    years = holdout_years if holdout_years is not None else params.calibration_holdout_years
    errors = growth.holdout_errors(series, churn, years)
    allowed = errors[1] if errors else float("nan")
    return Replay(
        yearly=pd.DataFrame(rows).set_index("year"),
        reported_m=reported,
        replayed_m=replayed,
        error=abs(replayed - reported) / reported,
        allowed=allowed,
        fit=fit,
    )
