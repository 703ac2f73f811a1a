"""Calibration tables with readable headings and units, for the reports.

The analysis functions return frames with code-style columns (good for tests and
reuse); these functions only rename, select and format them for a reader.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.calibration.growth import METHOD_LABELS
from models.economics.modes import MODES
from models.inputs.display import label


def _modes(index: pd.Index) -> list[str]:
    return [MODES.label(str(m)) for m in index]


def growth_backtests(table: pd.DataFrame) -> pd.DataFrame:
    """One row per series and method: what was fitted, what was held out, the errors."""
    out = pd.DataFrame(
        {
            "Series": table["series"],
            "Fitted on": table["fitted_on"],
            "Held out": table["held_out"],
            "Method": table["method"].map(METHOD_LABELS),
            "MAPE (%)": table["mape_pct"],
            "MASE": table["mase"],
            "Best": np.where(table["winner"], "best", ""),
        }
    )
    return out


def paying_market_fits(table: pd.DataFrame) -> pd.DataFrame:
    """The leaders' logistic fits (:func:`models.calibration.paying_market.fits_table`)."""
    return pd.DataFrame(
        {
            "Platform": table["platform"],
            "Rows": table["rows"],
            "Observations": table["observations"],
            "Ceiling (M members)": table["ceiling_m"].round(1),
            "Rate (per year)": table["rate_year"].round(2),
            "Std. error of the rate": table["se_rate_year"].round(2),
            "Midpoint (year)": [f"{x:.1f}" for x in table["midpoint_year"]],
            "RMSE (M)": table["rmse_m"].round(1),
        }
    )


def growth_defaults(table: pd.DataFrame) -> pd.DataFrame:
    """The growth defaults with their evidence (monthly rates)."""
    return pd.DataFrame(
        {
            # the reader's name (the parameters table at the end gives the names to set)
            "Parameter": [f"{label(n)[:1].upper()}{label(n)[1:]}" for n in table.index],
            "Default (verified-row fit)": table["value"].to_numpy(),
            "Std. error": table["std_err"].to_numpy(),
            "Widening from backtest (x)": table["widen"].to_numpy(),
            "Fit on all rows": table["all_rows"].to_numpy(),
            "Range low": table["low"].to_numpy(),
            "Range high": table["high"].to_numpy(),
        }
    )


def hazard_defaults(table: pd.DataFrame) -> pd.DataFrame:
    """Forced exits per mode and the default hazards derived from them."""
    return pd.DataFrame(
        {
            "Mode": _modes(table.index),
            "Forced exits": table["events"].to_numpy(),
            "Exposure (service-months)": table["exposure_months"].map("{:,.0f}".format).to_numpy(),
            "Hazard per month": table["hazard_month"].map("{:.4f}".format).to_numpy(),
            "Probability per year": table["p_year"].map("{:.1%}".format).to_numpy(),
            "Range": [
                f"{lo:.1%} to {hi:.1%}" for lo, hi in zip(table["low"], table["high"], strict=True)
            ],
        }
    )


def km_medians(table: pd.DataFrame) -> pd.DataFrame:
    """Median months before a forced exit, with 'not reached' instead of infinities."""

    def months(v: float) -> str:
        return "not reached" if pd.isna(v) or np.isinf(v) else f"{v:.0f}"

    return pd.DataFrame(
        {
            "Mode": _modes(table.index),
            "Services": table["n"].to_numpy(),
            "Forced exits": table["events"].to_numpy(),
            "Median (months)": table["median"].map(months).to_numpy(),
            "95 % low": table["median_lower"].map(months).to_numpy(),
            "95 % high": table["median_upper"].map(months).to_numpy(),
        }
    )


def exponential_check(table: pd.DataFrame) -> pd.DataFrame:
    """Kaplan-Meier against the constant-hazard curve at the same months."""
    inside = table["inside"].map({True: "yes", False: "no"}).fillna("no events")
    return pd.DataFrame(
        {
            "Mode": _modes(pd.Index(table["mode"])),
            "Months": table["time"].astype(int).to_numpy(),
            "Kaplan-Meier": table["km_survival"].to_numpy(),
            "KM 95 % low": table["km_lower"].to_numpy(),
            "KM 95 % high": table["km_upper"].to_numpy(),
            "Constant hazard": table["exp_survival"].to_numpy(),
            "Inside KM band": inside.to_numpy(),
        }
    )


def cox(table: pd.DataFrame) -> pd.DataFrame:
    """Hazard ratios of the Cox model (reference: the row with ratio 1)."""
    return pd.DataFrame(
        {
            "Mode": _modes(table.index),
            "Services": table["n"].to_numpy(),
            "Forced exits": table["events"].to_numpy(),
            "Hazard ratio": table["hazard_ratio"].to_numpy(),
            "95 % low": table["lower"].to_numpy(),
            "95 % high": table["upper"].to_numpy(),
            "p-value": table["p_value"].to_numpy(),
        }
    )


def _whole(values) -> list[str]:
    return ["" if pd.isna(x) else f"{x:,.0f}" for x in values]


def _times(values) -> list[str]:
    """A ratio as a percentage below 2, as a multiple from 2 up ("3.4 times")."""
    return [f"{x:.0%}" if x < 2 else f"{x:,.1f} times" for x in values]


def leader_economics(table: pd.DataFrame, fx_cny_per_usd: float) -> pd.DataFrame:
    """iQIYI's content economics by year (:func:`models.analysis.leaders.leader`)."""
    rows = table.dropna(subset=["content_rmb_bn"])
    per_member = rows["content_per_member_rmb"]
    return pd.DataFrame(
        {
            "Year": [str(int(y)) for y in rows.index],
            "Content cost (RMB bn)": [f"{x:.2f}" for x in rows["content_rmb_bn"]],
            "Revenue (RMB bn)": [f"{x:.2f}" for x in rows["revenue_rmb_bn"]],
            "Members, year average (M)": [
                "" if pd.isna(x) else f"{x:.1f}" for x in rows["members_m"]
            ],
            "Content per member-year (RMB)": _whole(per_member),
            "Content per member-year (US$)": _whole(per_member / fx_cny_per_usd),
            "Content / revenue": _times(rows["content_share"]),
            "Content / membership revenue": _times(rows["content_over_membership"]),
            "Not verified": rows["not_verified"].to_numpy(),
        }
    )


def own_content(own: pd.DataFrame, skip: int = 2, years: int = 6) -> pd.DataFrame:
    """Each own service's content economics over ``years`` calendar years on the air,
    after the first ``skip`` (a ramp-up) (:func:`models.analysis.leaders.own_services`)."""
    first = own.groupby("mode")["year"].transform("min")
    shown = own[(own["year"] >= first + skip) & (own["year"] < first + skip + years)]
    return pd.DataFrame(
        {
            "Mode": [MODES.label(str(m)) for m in shown["mode"]],
            "Year": [str(int(y)) for y in shown["year"]],
            "Subscribers, year average (M)": [f"{x:.2f}" for x in shown["subscribers_m"]],
            "Content paid (US$ m)": _whole(shown["content_usd_m"]),
            "Content per subscriber-year (US$)": _whole(shown["content_per_sub_usd"]),
            "Content / subscription revenue": _times(shown["content_share"]),
        }
    )
