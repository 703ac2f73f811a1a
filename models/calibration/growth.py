"""Subscriber-growth calibration on the public series: fits, backtests and the analogue
that feeds the model's defaults.

Series (``data/raw``): iQIYI and Tencent Video subscribing members (China's SVOD
leaders) and Netflix's paid memberships in APAC, EMEA and LATAM (a foreign premium
service entering new regions, from SEC filings). Two fits per series:

- classic Bass (:func:`.bass.fit_bass`, NLS) on net adds between consecutive
  observations, whose p and q describe net growth;
- the model's own recursion, Bass with a fixed monthly churn
  (:func:`.churn_fit.fit_churn_bass`), on the stock at every observed date. This is the
  fit whose monthly p and q the simulation can use.

Launch months (month 0 of each recursion) are public launch dates: iQIYI (as Qiyi)
April 2010, Tencent Video April 2011, Netflix LATAM September 2011, EMEA (UK and
Ireland) January 2012, APAC January 2016 (ref 3.10, "virtually everywhere but China").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.calibration import backtest as bt
from models.calibration import data
from models.calibration.bass import adoptions_from_stock, fit_bass, monthly_rates
from models.calibration.churn_fit import ChurnBassFit, fit_churn_bass, months_since
from models.exceptions import MarketEntryError, warn_model

log = logging.getLogger(__name__)


#: The analogue whose churn-Bass fit gives the defaults of p and q, and why.
ANALOGUE = "Netflix APAC"
WHY_ANALOGUE = (
    "Netflix APAC is a foreign premium service entering Asian markets from a standing start "
    "(January 2016), reported by the SEC quarter by quarter; iQIYI and Tencent Video are "
    "domestic incumbents whose early years the data do not cover and whose year-end counts "
    "are partly unverified."
)


@dataclass(frozen=True)
class Series:
    """One subscriber series: stocks (millions) by date, launch month, periods a year."""

    name: str
    stock: pd.Series
    verified: pd.Series
    launch: str
    periods_per_year: int
    note: str


def analogue_series() -> dict[str, Series]:
    """The subscriber series used for calibration, loaded from ``data/raw``."""
    svod = data.svod_subscribers()
    nf = data.netflix_regional()
    out: dict[str, Series] = {}
    for name, launch in (("iQIYI", "2010-04"), ("Tencent Video", "2011-04")):
        rows = svod[svod["platform"] == name]
        out[name] = Series(
            name,
            pd.Series(rows["subscribers_m"].to_numpy(), index=rows["as_of"]),
            pd.Series(rows["verified"].to_numpy(), index=rows["as_of"]),
            launch,
            1,
            "subscribing members (year ends used for the yearly series)",
        )
    for region, launch in (("APAC", "2016-01"), ("EMEA", "2012-01"), ("LATAM", "2011-09")):
        col = f"{region.lower()}_paid_k"
        rows = nf.dropna(subset=[col])
        out[f"Netflix {region}"] = Series(
            f"Netflix {region}",
            pd.Series(rows[col].to_numpy() / 1000.0, index=rows["period_end"]),
            pd.Series(rows["verified"].to_numpy(), index=rows["period_end"]),
            launch,
            4,
            "quarter-end paid memberships",
        )
    return out


def _period(date, k: int) -> pd.Period:
    return pd.Period(date, freq="Y" if k == 1 else "Q")


def regular(s: Series) -> tuple[pd.Series, pd.Series]:
    """The series on a regular grid (years or quarters) for the methods that need one.

    Period-end observations only (31 December for yearly series); a single missing
    period between two observations is filled by linear interpolation and flagged; the
    longest such run is kept. Returns the levels and a flag of filled periods, both
    indexed by period.
    """
    k = s.periods_per_year
    ends = [
        d
        for d in s.stock.index
        if (k == 1 and d.month == 12 and d.day == 31)
        or (k == 4 and d.month in (3, 6, 9, 12) and d.is_month_end)
    ]
    obs = pd.Series(s.stock[ends].to_numpy(), index=[_period(d, k) for d in ends])
    obs = obs[~obs.index.duplicated(keep="last")].sort_index()
    if obs.empty:
        return obs, pd.Series(dtype=bool)
    full = pd.period_range(obs.index[0], obs.index[-1], freq=obs.index.freq)
    grid = obs.reindex(full)
    missing = grid.isna()
    # a run breaks where two or more periods in a row are missing
    breaks = missing & (missing.shift(1, fill_value=False) | missing.shift(-1, fill_value=False))
    run_id = breaks.cumsum()
    best = max((part for _, part in grid[~breaks].groupby(run_id[~breaks])), key=len)
    filled = best.isna()
    return best.interpolate(), filled


def _consecutive(s: Series) -> pd.Series:
    """Levels on the regular grid, indexed by the period-end dates (filled periods
    included)."""
    levels, _ = regular(s)
    return pd.Series(levels.to_numpy(), index=levels.index.to_timestamp(how="end").normalize())


def classic_fit(s: Series):
    """Classic Bass (NLS) on net adds of the longest consecutive run; None if too short."""
    stock = _consecutive(s)
    if len(stock) < 5:
        return None
    adds = adoptions_from_stock(stock)
    first = pd.Period(stock.index[0], freq="M")
    months = (first - pd.Period(pd.Timestamp(s.launch), freq="M")).n
    start = int(months // (12 // s.periods_per_year)) + 2  # first net add's period
    try:
        return fit_bass(adds, "nls", start_period=start, initial=float(stock.iloc[0]))
    except MarketEntryError as exc:
        warn_model("%s: classic Bass fit failed: %s", s.name, exc)
        return None


def churn_fit(s: Series, churn: float, *, verified_only: bool = False) -> ChurnBassFit:
    """The model's Bass-with-churn recursion fitted to the series' stocks."""
    stock = s.stock[s.verified] if verified_only else s.stock
    return fit_churn_bass(stock, s.launch, churn)


def fits_table(series: dict[str, Series], churn: float) -> pd.DataFrame:
    """Per series: both fits, monthly p and q with standard errors, for every row and for
    verified rows only."""
    rows = []
    for s in series.values():
        classic = classic_fit(s)
        k = s.periods_per_year
        row = {
            "series": s.name,
            "observations": len(s.stock),
            "verified": int(s.verified.sum()),
            "launch": s.launch,
            "max_stock": float(s.stock.max()),
        }
        if classic is not None:
            p_m, q_m = monthly_rates(classic.p, classic.q, k)
            at_bound = bool(np.isclose(classic.m, float(s.stock.max()), rtol=1e-4))
            row.update(
                bass_m=classic.m, bass_m_at_bound=at_bound, bass_p_month=p_m, bass_q_month=q_m
            )
        for label, only in (("all", False), ("verified", True)):
            if only and s.verified.sum() < 4:
                continue
            f = churn_fit(s, churn, verified_only=only)
            row.update(
                {
                    f"churn_{label}_m": f.m,
                    f"churn_{label}_p": f.p,
                    f"churn_{label}_p_se": f.bse["p"],
                    f"churn_{label}_q": f.q,
                    f"churn_{label}_q_se": f.bse["q"],
                }
            )
        rows.append(row)
    return pd.DataFrame(rows)


def holdout_periods(s: Series, holdout_years: int, min_train: int = 6) -> int:
    """Periods held out: ``holdout_years`` of the series, fewer if the regular run would
    leave under ``min_train`` observations to fit on (0 if none can be held out)."""
    n = len(_consecutive(s))
    return max(min(holdout_years * s.periods_per_year, n - min_train), 0)


def _start_period(s: Series, first: pd.Timestamp) -> int:
    """Period number (1 = the launch period) of the first level of the regular run."""
    months = (pd.Period(first, freq="M") - pd.Period(pd.Timestamp(s.launch), freq="M")).n
    return round((months + 1) / (12 // s.periods_per_year))


def churn_backtest(s: Series, churn: float, holdout: int) -> pd.DataFrame:
    """Forecast the last ``holdout`` levels with the churn-Bass fit on every observation
    before them (observations at any dates; filled periods are not used)."""
    stock = _consecutive(s)
    test = stock.iloc[-holdout:]
    train = s.stock[s.stock.index < test.index[0]]
    fit = fit_churn_bass(train, s.launch, churn)
    months = months_since(test.index, s.launch)
    path = fit.predict(int(months.max()) + 1)
    return pd.DataFrame(
        {
            "method": "churn_bass",
            "horizon": np.arange(1, holdout + 1),
            "label": test.index,
            "actual": test.to_numpy(),
            "forecast": path[months],
        }
    )


def backtest_table(series: dict[str, Series], churn: float, holdout_years: int) -> pd.DataFrame:
    """MAPE and MASE of each method per series, the final ``holdout_years`` held out:
    classic Bass, the model's churn-Bass, ETS with damped trend, naive and drift."""
    rows = []
    for s in series.values():
        stock = _consecutive(s)
        holdout = holdout_periods(s, holdout_years)
        if holdout < 1:
            log.info("%s: too short to hold anything out", s.name)
            continue
        b = bt.backtest(
            stock.reset_index(drop=True),
            holdout,
            initial=None,
            start_period=_start_period(s, stock.index[0]),
        )
        scores = b.scores.copy()
        cb = churn_backtest(s, churn, holdout)
        train = stock.iloc[:-holdout].to_numpy()
        scores.loc["churn_bass"] = [
            bt.mape(cb["actual"], cb["forecast"]),
            bt.mase(cb["actual"], cb["forecast"], train),
        ]
        held = stock.index[-holdout:]
        fmt = (
            (lambda d: str(d.year))
            if s.periods_per_year == 1
            else (lambda d: f"{d.year}Q{d.quarter}")
        )
        span = f"{fmt(held[0])}-{fmt(held[-1])}"
        for method, r in scores.iterrows():
            rows.append(
                {
                    "series": s.name,
                    "fitted_on": f"{fmt(stock.index[0])}-{fmt(stock.index[-holdout - 1])}",
                    "held_out": span,
                    "holdout": holdout,
                    "method": method,
                    "mape_pct": r["mape_pct"],
                    "mase": r["mase"],
                }
            )
    table = pd.DataFrame(rows)
    if not table.empty:
        best = table.loc[table.groupby("series")["mase"].idxmin(), ["series", "method"]]
        winners = dict(zip(best["series"], best["method"], strict=True))
        table["winner"] = [
            winners[s] == m for s, m in zip(table["series"], table["method"], strict=True)
        ]
    return table


def holdout_errors(s: Series, churn: float, holdout_years: int) -> tuple[float, float] | None:
    """Relative RMSE in and out of sample of the verified-row churn-Bass fit.

    The verified observations of the last ``holdout_years`` are held out; the fit on the
    verified observations before them forecasts them. Returns (in-sample, out-of-sample)
    relative RMSE, or None when there are too few rows.
    """
    stock = s.stock[s.verified]
    cutoff = stock.index[-1] - pd.DateOffset(years=holdout_years)
    train, test = stock[stock.index <= cutoff], stock[stock.index > cutoff]
    if len(train) < 4 or test.empty:
        return None
    fit = fit_churn_bass(train, s.launch, churn)
    months = months_since(test.index, s.launch)
    forecast = fit.predict(int(months.max()) + 1)[months]
    rel_in = np.sqrt(np.mean((fit.resid / fit.observed) ** 2))
    rel_out = np.sqrt(np.mean(((forecast - test.to_numpy()) / test.to_numpy()) ** 2))
    return float(rel_in), float(rel_out)


def overconfidence(s: Series, churn: float, holdout_years: int) -> float:
    """Out-of-sample over in-sample error of the verified-row churn-Bass fit
    (:func:`holdout_errors`), at least 1: how much the fit's own standard errors
    understate forecast misses."""
    errors = holdout_errors(s, churn, holdout_years)
    if errors is None:
        warn_model("%s: too few verified rows to backtest; ranges not widened", s.name)
        return 1.0
    rel_in, rel_out = errors
    return float(max(rel_out / rel_in, 1.0)) if rel_in > 0 else float("inf")


def default_growth(
    series: dict[str, Series], churn: float, holdout_years: int, z: float = 1.96
) -> pd.DataFrame:
    """Defaults of p and q (monthly) from the analogue's verified-row churn-Bass fit.

    The range's top is ``z`` standard errors above the estimate, widened by the
    backtest's overconfidence factor (:func:`overconfidence`) and stretched if needed to
    include the fit on all rows (verified or not); its bottom is as far below the
    estimate in ratio (log-symmetric), or lower still to include that fit.
    """
    s = series[ANALOGUE]
    fit = churn_fit(s, churn, verified_only=True)
    every = churn_fit(s, churn, verified_only=False)
    widen = overconfidence(s, churn, holdout_years)
    rows = []
    for name, key in (("growth_p_innovation_month", "p"), ("growth_q_imitation_month", "q")):
        est, se, other = getattr(fit, key), fit.bse[key], getattr(every, key)
        half = z * se * widen
        high = max(est + half, other)
        rows.append(
            {
                "parameter": name,
                "value": est,
                "std_err": se,
                "widen": widen,
                "all_rows": other,
                # log-symmetric: rates are positive and their errors multiplicative, so
                # the range is est / k to est * k (a range down to zero would leave a
                # sixth of the futures without any growth)
                "low": min(est**2 / high, other),
                "high": high,
            }
        )
    return pd.DataFrame(rows).set_index("parameter")


def churn_fits(series: dict[str, Series], churn: float) -> dict[str, ChurnBassFit]:
    """The churn-Bass fit of every series (all rows; verified rows for the analogue)."""
    return {
        name: churn_fit(s, churn, verified_only=(name == ANALOGUE)) for name, s in series.items()
    }


METHOD_LABELS = {
    "bass": "classic Bass (NLS)",
    "churn_bass": "Bass with churn (the model)",
    "ets_damped": "ETS, damped trend",
    "naive": "naive",
    "drift": "naive with drift",
}


def backtest_findings(table: pd.DataFrame) -> list[str]:
    """Plain sentences on who wins each backtest, and how the model's recursion fares."""
    out = []
    for name, part in table.groupby("series", sort=False):
        part = part.set_index("method")
        best = part["mase"].idxmin()
        model = part.loc["churn_bass"]
        out.append(
            f"{name} (held out {part['held_out'].iloc[0]}): "
            f"{METHOD_LABELS[best]} wins with MASE {part.loc[best, 'mase']:.2f} "
            f"(MAPE {part.loc[best, 'mape_pct']:.1f} %); the model's Bass with churn scores "
            f"MASE {model['mase']:.2f} (MAPE {model['mape_pct']:.1f} %)"
            + (
                ", worse than the naive forecast."
                if model["mase"] > part.loc["naive", "mase"]
                else ", better than the naive forecast."
            )
        )
    return out


def _rate(x: float) -> str:
    """A monthly rate for a table: four decimals, or three significant figures when
    smaller than 0.001 (never a row of zeros)."""
    if pd.isna(x):
        return ""
    return f"{x:.4f}" if abs(x) >= 1e-3 or x == 0 else f"{x:.3g}"


def fits_summary(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`fits_table` with readable column names, monthly rates, for the report."""
    cols = {
        "series": "Series",
        "observations": "Obs.",
        "verified": "Verified",
        "launch": "Launch",
        "bass_m_shown": "Classic Bass m (M)",
        "bass_q_month": "Classic Bass q /month (net adds)",
        "churn_all_m": "m, all rows (M)",
        "churn_all_p": "p, all rows",
        "churn_all_q": "q, all rows",
        "churn_all_q_se": "q s.e.",
        "churn_verified_m": "m, verified (M)",
        "churn_verified_p": "p, verified",
        "churn_verified_q": "q, verified",
        "churn_verified_q_se": "q s.e. (verified)",
    }
    table = table.copy()
    # a market many times the largest stock ever reported is not identified by the data
    # (the fit's m runs off towards its bound); rates small enough to print as zeros
    # keep three significant figures
    biggest = table["max_stock"] if "max_stock" in table else pd.Series(np.inf, table.index)
    for column in ("churn_all_m", "churn_verified_m"):
        if column in table:
            table[column] = [
                ""
                if pd.isna(m)
                else f"{m:,.1f}"
                + (" (not identified: over 20x the largest stock)" if m > 20 * top else "")
                for m, top in zip(table[column], biggest, strict=True)
            ]
    for column in (
        "bass_q_month",
        "churn_all_p",
        "churn_all_q",
        "churn_all_q_se",
        "churn_verified_p",
        "churn_verified_q",
        "churn_verified_q_se",
    ):
        if column in table:
            # p is bounded below at 1e-6 in the fit (churn_fit): at the bound it is not
            # identified (the series starts too late to see the first adopters)
            flag = column.endswith("_p")
            table[column] = [
                _rate(x) + (" (at bound: not identified)" if flag and x <= 1.01e-6 else "")
                for x in table[column]
            ]
    if "bass_m" in table:
        table["bass_m_shown"] = [
            "" if pd.isna(m) else f"{m:,.1f}" + (" (at bound: not identified)" if b else "")
            for m, b in zip(table["bass_m"], table.get("bass_m_at_bound", False), strict=True)
        ]
    return table.reindex(columns=list(cols)).rename(columns=cols)
