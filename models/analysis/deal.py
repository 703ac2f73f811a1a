"""The deal zone: the partner's revenue shares at which both sides beat walking away.

The streamer compares the partnership with its best alternative (going alone,
licensing, or staying out); the partner compares it with no deal. The partner's side
of the deal, per month while the service operates under the streamer's best exit
policy (US$ millions):

    revenue share received + value of the foreign brand and reach to it
    - cost of serving the streamer's subscribers on its cloud
    - opportunity cost of the library titles it supplies towards the quota

discounted at the same rate as the streamer's. The streamer's NPV falls and the
partner's rises with the share, so the zone is an interval ``[low, high]``: ``low``
where the partner breaks even, ``high`` where the streamer is indifferent to its best
alternative. It is empty when ``low > high``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from models.economics import finance
from models.economics.modes import MODES
from models.economics.simulation import simulate
from models.economics.terms import PathValues
from models.format import money


def negotiated():
    """The entry mode with a term to negotiate (the partnership: its partner's revenue
    share, :attr:`models.economics.modes.base.EntryMode.deal_term`), or None."""
    return next((m for m in MODES if m.deal_term), None)


def partner_cash_flow(results) -> np.ndarray:
    """The counterparty's expected monthly cash flow in the negotiated mode, shape (paths,
    months) (:meth:`models.economics.modes.base.EntryMode.counterparty_cash_flow`)."""
    mode = negotiated()
    terms = mode.terms(PathValues(results.params))
    return mode.counterparty_cash_flow(results.modes[mode.name], terms)


def npvs_at_share(params, share: float) -> tuple[float, float]:
    """(streamer's NPV of the negotiated mode, the counterparty's NPV) at a revenue share,
    US$ m."""
    mode = negotiated()
    p = params.replace(**{mode.deal_term: float(share)})
    res = simulate(p)
    streamer = float(res.summary.loc[mode.name, "npv_usd_m"])
    partner = float(np.mean(finance.npv(partner_cash_flow(res), p.finance_discount_rate_year)))
    return streamer, partner


def walk_away(params) -> tuple[str, float]:
    """The streamer's best alternative to the partnership and its NPV (staying out: 0)."""
    mode = negotiated()
    summary = simulate(params).summary["npv_usd_m"]
    summary = summary.drop(mode.name) if mode is not None else summary
    best = str(summary.idxmax())
    return best, float(summary[best])


@dataclass(frozen=True)
class DealZone:
    """Revenue shares acceptable to both sides, and the curves behind them.

    Attributes
    ----------
    low, high : float or None
        Partner's break-even share and the streamer's indifference share (fractions).
    exists : bool
        Whether some share satisfies both sides (``low <= high``).
    alternative : str
        The streamer's best alternative mode; ``alternative_npv`` its NPV, US$ m.
    curve : pandas.DataFrame
        share, streamer_npv, partner_npv on a grid, US$ m.
    """

    low: float | None
    high: float | None
    exists: bool
    alternative: str
    alternative_npv: float
    curve: pd.DataFrame

    def to_df(self) -> pd.DataFrame:
        """The curves: the streamer's and the partner's NPV (US$ m) at each share."""
        return self.curve.copy()

    def in_words(self) -> str:
        """The zone as a sentence a negotiator can use."""
        alt = MODES.in_words(self.alternative)
        if self.exists:
            below = (
                "the partner gains even at no share"
                if self.low <= 0
                else f"below {self.low:.0%} the partner loses money"
            )
            return (
                f"A deal works for both sides if the partner keeps between {self.low:.0%} "
                f"and {self.high:.0%} of revenue: {below}; above {self.high:.0%} the "
                f"streamer does better with {alt} (NPV {money(self.alternative_npv)}). "
                "Most-likely case."
            )
        if self.high is None:
            return (
                f"No deal zone: at any share the streamer does better with {alt} "
                f"(NPV {money(self.alternative_npv)}) than with the partner."
            )
        if self.low is None:
            return "No deal zone: the partner loses money at any revenue share."
        return (
            f"No deal zone: the partner needs at least {self.low:.0%} of revenue, but above "
            f"{self.high:.0%} the streamer prefers {alt}."
        )


def deal_zone(params, points: int = 41) -> DealZone:
    """The range of the partner's revenue share acceptable to both sides.

    Both NPVs are evaluated on a grid of shares; the first run of shares where both
    sides beat walking away is the zone, its ends refined with Brent's method on the
    smaller of the two margins. (The partner's NPV need not rise with the share all the
    way: past some share the streamer leaves early and the partner's income stops.)
    """
    alternative, alt_npv = walk_away(params)
    if negotiated() is None:  # no registered mode has a term to negotiate
        empty = pd.DataFrame(columns=["share", "streamer_npv", "partner_npv"], dtype=float)
        return DealZone(None, None, False, alternative, alt_npv, empty)
    grid = np.linspace(0.0, 1.0, points)
    curve = np.array([npvs_at_share(params, s) for s in grid])
    streamer_gap = curve[:, 0] - alt_npv
    partner = curve[:, 1]
    frame = pd.DataFrame({"share": grid, "streamer_npv": curve[:, 0], "partner_npv": partner})

    def margin(s: float) -> float:
        st, pa = npvs_at_share(params, s)
        return min(st - alt_npv, pa)

    ok = (streamer_gap >= 0) & (partner >= 0)
    if not ok.any():
        high = (
            None if (streamer_gap < 0).all() else float(grid[np.flatnonzero(streamer_gap >= 0)[-1]])
        )
        low = None if (partner < 0).all() else float(grid[np.flatnonzero(partner >= 0)[0]])
        return DealZone(low, high, False, alternative, alt_npv, frame)
    first = int(np.flatnonzero(ok)[0])
    last = first
    while last + 1 < points and ok[last + 1]:
        last += 1
    low = 0.0 if first == 0 else float(brentq(margin, grid[first - 1], grid[first], xtol=1e-6))
    high = (
        1.0 if last == points - 1 else float(brentq(margin, grid[last], grid[last + 1], xtol=1e-6))
    )
    return DealZone(low, high, True, alternative, alt_npv, frame)
