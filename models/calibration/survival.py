"""Survival of foreign digital services in China by entry mode: forced-exit hazards.

Calibrates the model's monthly forced-exit hazards of its three entry modes from
``data/raw/foreign_digital_services_china.csv`` (40 services; notes and caveats at the
end of ``data/raw/SOURCES.md``). The data codes map to the model's modes as::

    solo -> solo,   jv_or_partner -> partner,   licensing -> license

The event is a *forced* exit: the service was blocked or shut by a regulator. Voluntary
exits and sales are competing exits and are treated as censoring, so every hazard here
is cause-specific (the hazard of being forced out among services still in the market),
which is what the model's ``regulation_exit_hazard_*`` parameters mean. Services still
operating are censored at 2026-06 (or at their ``last_confirmed`` month, a sensitivity).

The pipeline, all pure functions on pandas DataFrames (the caller loads the CSV)::

    prepared = prepare(pd.read_csv("data/raw/foreign_digital_services_china.csv"))
    monthly_hazards(prepared)   # exponential MLE + exact Poisson intervals: the default
    kaplan_meier(prepared)      # the nonparametric check, with km_medians()
    exponential_check(prepared) # KM survival at 12 and 36 months against exp(-h t)
    cox_model(prepared)         # hazard ratios between modes, clustered by firm
    caveats(prepared)           # plain-English limits, written from the numbers

Durations are in months; hazards are per month.

References
----------
Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete observations.
    JASA 53(282), 457-481.
Cox, D. R. (1972). Regression models and life-tables. JRSS B 34(2), 187-220.
Breslow, N. (1974). Covariance analysis of censored survival data. Biometrics 30, 89-99.
Garwood, F. (1936). Fiducial limits for the Poisson distribution. Biometrika 28, 437-442.
Kalbfleisch, J. D. & Prentice, R. L. (2002). The Statistical Analysis of Failure Time
    Data, 2nd ed., Wiley (log-log intervals for S(t); cause-specific hazards, ch. 8).
Lin, D. Y. & Wei, L. J. (1989). The robust inference for the Cox proportional hazards
    model. JASA 84(408), 1074-1078 (the sandwich covariance used for clusters).
statsmodels documentation: ``statsmodels.duration.survfunc.SurvfuncRight`` and
    ``statsmodels.duration.hazard_regression.PHReg``.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.duration.hazard_regression import PHReg, PHRegResults
from statsmodels.duration.survfunc import SurvfuncRight
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from models.economics.modes import MODES
from models.exceptions import ModelError, warn_model

log = logging.getLogger(__name__)


def mode_codes() -> dict[str, str]:
    """The record's ``entry_mode`` code -> the model's entry mode (each registered mode
    names its analogues: :attr:`models.economics.modes.base.EntryMode.record_code`)."""
    return MODES.record_codes()


def record_modes() -> tuple[str, ...]:
    """The model's modes with analogues in the record, in the order every table uses."""
    return tuple(mode_codes().values())


#: every ``end_type`` in the data
END_TYPES: tuple[str, ...] = (
    "blocked",
    "regulator_shutdown",
    "exit_voluntary",
    "sold",
    "operating",
)
#: how each ``end_type`` reads in a sentence
END_LABELS: dict[str, str] = {
    "blocked": "blocked",
    "regulator_shutdown": "shut by the regulator",
    "exit_voluntary": "left by choice",
    "sold": "sold",
    "operating": "still operating",
}


def _end(code: str) -> str:
    return END_LABELS.get(str(code), str(code).replace("_", " "))


def _mode(code: str) -> str:
    return MODES.in_words(str(code))


#: the default event: forced out of the market
FORCED_EXITS: tuple[str, ...] = ("blocked", "regulator_shutdown")
#: columns :func:`prepare` needs
REQUIRED_COLUMNS: tuple[str, ...] = (
    "service",
    "company",
    "category",
    "entry_date",
    "entry_mode",
    "end_type",
    "months_in_market",
)
#: duration given to a spell of 0 whole months (entry and exit in the same month)
ZERO_DURATION_MONTHS = 0.5
#: the data's censoring month for services still operating (SOURCES.md)
CENSOR_MONTH = "2026-06"

# A company's current ultimate owner where the company string does not name it:
# Microsoft bought Activision Blizzard in 2023-10, so the Blizzard rows of 2005 and of
# the 2024 re-entry are one firm.
_OWNER_ALIASES = {"Activision Blizzard": "Microsoft"}
# The company-level row that duplicates service-level rows (SOURCES.md caveat 4).
_OVERLAP_MARK = "company level"
_LAST_CONFIRMED = re.compile(r"last_confirmed=(\d{4}-\d{2})")
_CROSS_BORDER = re.compile(r"\s*cross-border", re.IGNORECASE)
_REENTRY = re.compile(r"re-entry", re.IGNORECASE)
_ALT_CODING = re.compile(r"could (?:also )?be coded ([\w -]+)", re.IGNORECASE)


# --------------------------------------------------------------------------- preparation


def firm(company: str) -> str:
    """The firm a row belongs to, for clustering: the foreign firm's current owner.

    Takes the foreign side of ``"Foreign / Local partner"`` and, when it names an owner
    in parentheses, the last owner named there (``"LinkedIn (Microsoft)"`` ->
    ``Microsoft``, ``"Skype (eBay, then Microsoft)"`` -> ``Microsoft``,
    ``"WhatsApp (Facebook/Meta)"`` -> ``Meta``).

    >>> firm("Blizzard (Microsoft) / NetEase"), firm("Yahoo / Alibaba"), firm("Google")
    ('Microsoft', 'Yahoo', 'Google')
    """
    foreign = str(company).split(" / ")[0].strip()
    inner = re.search(r"\(([^)]*)\)", foreign)
    owner = re.split(r"/|,|\bthen\b", inner.group(1))[-1].strip() if inner else foreign
    return _OWNER_ALIASES.get(owner, owner)


def _months_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Whole months from ``start`` to ``end``: ``YYYY-MM`` strings or monthly Periods.

    NaN where either is missing.
    """
    s = pd.to_datetime(start.astype(str), format="%Y-%m", errors="coerce")
    e = pd.to_datetime(end.astype(str), format="%Y-%m", errors="coerce")
    return (e.dt.year - s.dt.year) * 12.0 + (e.dt.month - s.dt.month)


def _event_types(events: str | Iterable[str]) -> tuple[str, ...]:
    """The ``end_type`` values that count as an event."""
    if isinstance(events, str):
        events = tuple(t for t in END_TYPES if t != "operating") if events == "any" else (events,)
    chosen = tuple(events)
    bad = sorted(set(chosen) - set(END_TYPES))
    if bad or not chosen or "operating" in chosen:
        raise ModelError(
            f"events must be 'any' or end types among {[t for t in END_TYPES if t != 'operating']}"
            f", got {list(chosen)}"
        )
    return chosen


def _validate_raw(df: pd.DataFrame) -> pd.Series:
    """Check the raw table and return ``months_in_market`` as floats (NaN where blank)."""
    if not isinstance(df, pd.DataFrame):
        raise ModelError(f"expected a pandas DataFrame of services, got {type(df).__name__}")
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise ModelError(f"services table lacks column(s) {missing}")
    if df.empty:
        raise ModelError("services table has no rows")
    modes = df["entry_mode"].astype("string").str.strip()
    bad = sorted(set(modes.dropna()) - set(mode_codes())) + (
        ["<blank>"] if modes.isna().any() else []
    )
    if bad:
        raise ModelError(f"unknown entry_mode value(s) {bad}; expected one of {list(mode_codes())}")
    ends = df["end_type"].astype("string").str.strip()
    bad = sorted(set(ends.dropna()) - set(END_TYPES)) + (["<blank>"] if ends.isna().any() else [])
    if bad:
        raise ModelError(f"unknown end_type value(s) {bad}; expected one of {list(END_TYPES)}")
    raw = df["months_in_market"]
    months = pd.to_numeric(raw, errors="coerce")
    garbled = months.isna() & raw.notna() & (raw.astype("string").str.strip() != "")
    if garbled.any():
        raise ModelError(
            f"months_in_market is not a number for {df.loc[garbled, 'service'].tolist()}"
        )
    if (months < 0).any():
        raise ModelError(f"negative months_in_market for {df.loc[months < 0, 'service'].tolist()}")
    return months.astype(float)


def prepare(
    df: pd.DataFrame,
    *,
    events: str | Iterable[str] = FORCED_EXITS,
    drop_overlaps: bool = True,
    censor_at_last_confirmed: bool = False,
) -> pd.DataFrame:
    """Survival table: one row per service spell, with duration and event indicator.

    Parameters
    ----------
    df : DataFrame
        The services table with the columns of ``foreign_digital_services_china.csv``
        (at least :data:`REQUIRED_COLUMNS`).
    events : {"any"} or iterable of str, default ("blocked", "regulator_shutdown")
        ``end_type`` values counted as the event. The default is a forced exit, the
        model's hazard; voluntary exits and sales are then *censored*, i.e. treated as
        competing exits in a cause-specific analysis (Kalbfleisch & Prentice 2002, ch. 8).
        ``"any"`` counts every exit (all but ``operating``).
    drop_overlaps : bool, default True
        Drop the company-level Yahoo row, which spans the two Yahoo! China rows
        (SOURCES.md caveat 4: "use this row OR those two"); the service-level rows stay.
    censor_at_last_confirmed : bool, default False
        Censor ``operating`` rows at the ``last_confirmed=YYYY-MM`` month of their note
        instead of at 2026-06 (SOURCES.md caveat 6, a sensitivity check).

    Returns
    -------
    DataFrame
        ``service, company, category, firm, mode, duration_months, event, cross_border``
        followed by the original columns. ``mode`` is one of :func:`record_modes`;
        ``duration_months`` is a float in months (a spell of 0 whole months becomes
        0.5); ``event`` is 1 if ``end_type`` is in ``events`` else 0 (censored);
        ``firm`` is the clustering key of :func:`firm`; ``cross_border`` flags services
        with no local entity, whose entry date is their global launch (caveat 5).
        Rows with unknown duration (HBO.com, no entry date) are dropped and logged;
        ``attrs["dropped"]`` lists the dropped rows and ``attrs["events"]`` the event
        definition, for :func:`caveats`.

    Raises
    ------
    ModelError
        On missing columns, unknown ``entry_mode`` or ``end_type`` values, durations that
        are not numbers or are negative, or an invalid ``events``.
    """
    event_types = _event_types(events)
    months = _validate_raw(df)
    out = df.copy()
    out["duration_months"] = months
    notes = out["note"].fillna("").astype(str) if "note" in out else pd.Series("", out.index)
    dropped: list[str] = []

    if censor_at_last_confirmed:
        confirmed = notes.str.extract(_LAST_CONFIRMED, expand=False)
        use = (out["end_type"].str.strip() == "operating") & confirmed.notna()
        shortened = _months_between(out["entry_date"], confirmed)
        if (shortened[use] < 0).any():
            raise ModelError("a last_confirmed month precedes its entry_date")
        out.loc[use, "duration_months"] = shortened[use]
        log.info("censored %d operating rows at their last_confirmed month", int(use.sum()))

    unknown = out["duration_months"].isna()
    if unknown.any():
        names = out.loc[unknown, "service"].tolist()
        log.info("dropped %d row(s) with unknown duration: %s", len(names), names)
        dropped += [f"{n} (unknown duration)" for n in names]
        out = out.loc[~unknown]
        notes = notes.loc[~unknown]
    if drop_overlaps:
        overlap = out["service"].astype(str).str.contains(_OVERLAP_MARK, case=False)
        if overlap.any():
            names = out.loc[overlap, "service"].tolist()
            log.info(
                "dropped %d company-level row(s) overlapping service rows: %s", len(names), names
            )
            dropped += [f"{n} (overlaps service-level rows)" for n in names]
            out = out.loc[~overlap]
            notes = notes.loc[~overlap]
    if out.empty:
        raise ModelError("no services left with a known duration")

    zero = out["duration_months"] == 0
    if zero.any():
        log.info("set %d spell(s) of 0 months to %.1f", int(zero.sum()), ZERO_DURATION_MONTHS)
        out.loc[zero, "duration_months"] = ZERO_DURATION_MONTHS

    out["mode"] = out["entry_mode"].str.strip().map(mode_codes())
    out["event"] = out["end_type"].str.strip().isin(event_types).astype(int)
    out["firm"] = out["company"].map(firm)
    out["cross_border"] = notes.str.match(_CROSS_BORDER).to_numpy()
    lead = ["service", "company", "category", "firm", "mode", "duration_months", "event"]
    lead += ["cross_border"]
    out = out[lead + [c for c in df.columns if c not in lead]].reset_index(drop=True)
    out.attrs["dropped"] = dropped
    out.attrs["events"] = event_types
    return out


def _check_prepared(prepared: pd.DataFrame, extra: Iterable[str] = ()) -> None:
    """Check a table from :func:`prepare` (or one built by hand with its columns)."""
    if not isinstance(prepared, pd.DataFrame):
        raise ModelError(f"expected a prepared DataFrame, got {type(prepared).__name__}")
    need = ["mode", "duration_months", "event", *extra]
    missing = [c for c in need if c not in prepared.columns]
    if missing:
        raise ModelError(f"prepared table lacks column(s) {missing}; run prepare() first")
    if prepared.empty:
        raise ModelError("prepared table has no rows")
    bad = sorted(set(prepared["mode"].astype(str)) - set(record_modes()))
    if bad:
        raise ModelError(f"unknown mode value(s) {bad}; expected one of {list(record_modes())}")
    d = pd.to_numeric(prepared["duration_months"], errors="coerce")
    if d.isna().any() or (d < 0).any():
        raise ModelError("duration_months must be known and non-negative; run prepare() first")
    if not prepared["event"].isin([0, 1]).all():
        raise ModelError("event must be 0 (censored) or 1 (event)")


def _groups(prepared: pd.DataFrame, by: str | None) -> list[tuple[str, pd.DataFrame]]:
    """Split by ``by`` (modes in :func:`record_modes` order), or one group ``"all"``."""
    if by is None:
        return [("all", prepared)]
    if by not in prepared.columns:
        raise ModelError(f"cannot group by {by!r}: no such column")
    keys = list(pd.unique(prepared[by]))
    keys = [m for m in record_modes() if m in keys] if by == "mode" else sorted(keys, key=str)
    return [(str(k), prepared.loc[prepared[by] == k]) for k in keys]


# --------------------------------------------------------------------------- Kaplan-Meier


def _loglog_interval(s: np.ndarray, se: np.ndarray, alpha: float) -> tuple[np.ndarray, ...]:
    """Pointwise log-log interval of S(t): ``S ** exp(-+ z se / (S log S))``.

    Kalbfleisch & Prentice (2002); the interval stays inside [0, 1]. NaN where S is 0 or 1
    or the Greenwood variance is undefined.
    """
    z = norm.ppf(1.0 - alpha / 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = z * se / (s * np.abs(np.log(s)))
        lower = s ** np.exp(w)
        upper = s ** np.exp(-w)
    undefined = ~np.isfinite(w) | (s <= 0.0) | (s >= 1.0)
    lower[undefined] = np.nan
    upper[undefined] = np.nan
    return lower, upper


def kaplan_meier(
    prepared: pd.DataFrame, by: str | None = "mode", *, alpha: float = 0.05
) -> pd.DataFrame:
    """Kaplan-Meier survival curve of each group, as a tidy table.

    ``S(t) = prod_{t_i <= t} (1 - d_i / n_i)`` over event times ``t_i`` with ``d_i``
    events among ``n_i`` at risk (Kaplan & Meier 1958), from statsmodels'
    ``SurvfuncRight``, with Greenwood's standard error and *pointwise* (not
    simultaneous) ``1 - alpha`` intervals on the log-log scale.

    Parameters
    ----------
    prepared : DataFrame
        Output of :func:`prepare`.
    by : str or None, default "mode"
        Grouping column; None pools every row into one group ``"all"``.
    alpha : float, default 0.05
        One minus the pointwise coverage of ``lower``/``upper``.

    Returns
    -------
    DataFrame
        ``group, time, n_at_risk, n_events, survival, std_err, lower, upper``: one row
        at time 0 (survival 1) then one per event time of each group; ``time`` in
        months. Groups without events have only the time-0 row.
    """
    _check_prepared(prepared)
    rows = []
    for key, g in _groups(prepared, by):
        sf = SurvfuncRight(g["duration_months"].to_numpy(float), g["event"].to_numpy(float))
        lower, upper = _loglog_interval(sf.surv_prob, sf.surv_prob_se, alpha)
        start = pd.DataFrame(
            {"time": [0.0], "n_at_risk": [len(g)], "n_events": [0], "survival": [1.0]}
            | {"std_err": [0.0], "lower": [1.0], "upper": [1.0]}
        )
        curve = pd.DataFrame(
            {
                "time": sf.surv_times.astype(float),
                "n_at_risk": sf.n_risk.astype(int),
                "n_events": sf.n_events.astype(int),
                "survival": sf.surv_prob,
                "std_err": sf.surv_prob_se,
                "lower": lower,
                "upper": upper,
            }
        )
        both = pd.concat([start, curve], ignore_index=True) if len(curve) else start
        rows.append(both.assign(group=key))
    out = pd.concat(rows, ignore_index=True)
    return out[["group", *[c for c in out.columns if c != "group"]]]


def km_medians(
    prepared: pd.DataFrame, by: str | None = "mode", *, alpha: float = 0.05
) -> pd.DataFrame:
    """Median survival of each group, in months, where the KM curve reaches 0.5.

    The median is the first event time with ``S(t) < 0.5`` (statsmodels'
    ``SurvfuncRight.quantile``, the SAS convention); its interval inverts log-log
    z-tests (``quantile_ci``, method ``"cloglog"``), so its limits are event times and
    the upper limit may be infinite. NaN where the curve never falls below 0.5.

    Returns
    -------
    DataFrame
        Indexed by group: ``n, events, median, median_lower, median_upper`` (months).
    """
    _check_prepared(prepared)
    rows = {}
    for key, g in _groups(prepared, by):
        sf = SurvfuncRight(g["duration_months"].to_numpy(float), g["event"].to_numpy(float))
        median = float(sf.quantile(0.5)) if len(sf.surv_times) else np.nan
        with np.errstate(divide="ignore", invalid="ignore"):  # log(0) where S reaches 0
            lo, hi = sf.quantile_ci(0.5, alpha=alpha) if np.isfinite(median) else (np.nan,) * 2
        rows[key] = {
            "n": len(g),
            "events": int(g["event"].sum()),
            "median": median,
            "median_lower": float(lo),
            "median_upper": float(hi),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = by or "group"
    return out


def survival_at(curve: pd.DataFrame, group: str, t: float) -> pd.Series:
    """Read a step KM curve of :func:`kaplan_meier` at ``t`` months.

    Returns ``survival, lower, upper`` of the last step at or before ``t``. The curve
    holds event times only, so it cannot tell where follow-up ends: beyond a group's
    longest duration KM is undefined, and the caller must check ``t`` against it (as
    :func:`exponential_check` does).
    """
    g = curve.loc[curve["group"] == group]
    if g.empty:
        raise ModelError(f"no Kaplan-Meier curve for group {group!r}")
    step = g.loc[g["time"] <= t].iloc[-1]
    return step[["survival", "lower", "upper"]].astype(float)


# --------------------------------------------------------------------------- hazards


def poisson_rate_interval(events: int, exposure: float, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Garwood 1936) ``1 - alpha`` interval of a Poisson rate ``events / exposure``.

    ``lower = chi2.ppf(alpha/2, 2k) / 2T`` (0 when ``k = 0``) and
    ``upper = chi2.ppf(1 - alpha/2, 2k + 2) / 2T``, in events per unit of ``exposure``:
    :func:`statsmodels.stats.rates.confint_poisson` with ``method="exact-c"``; NaN
    without exposure.

    >>> [round(x, 6) for x in poisson_rate_interval(0, 100.0)]
    [0.0, 0.036889]
    """
    from statsmodels.stats.rates import confint_poisson

    if exposure <= 0:
        return np.nan, np.nan
    lower, upper = confint_poisson(events, exposure, method="exact-c", alpha=alpha)
    return float(lower), float(upper)


def yearly_probability(hazard_month: float | np.ndarray | pd.Series) -> float | np.ndarray:
    """Probability of the event within 12 months, ``1 - (1 - h) ** 12``.

    The inverse of :func:`models.economics.regulation.monthly_hazard`, so a ``p_year`` column can
    be used as a ``regulation_exit_hazard_*_year`` parameter as it is.
    """
    return 1.0 - (1.0 - hazard_month) ** 12


def monthly_hazards(prepared: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """Constant monthly hazard of each mode: exponential MLE with exact intervals.

    Under an exponential (constant-hazard) model the MLE is ``h = k / T``, ``k`` the
    events and ``T`` the total months at risk of the mode; the interval is Garwood's
    exact Poisson interval (:func:`poisson_rate_interval`), which gives a finite upper
    bound even when ``k = 0``. ``h`` is a rate per month; at these magnitudes
    (below 0.01) it equals the monthly probability ``1 - exp(-h)`` to within 0.5 %.

    Parameters
    ----------
    prepared : DataFrame
        Output of :func:`prepare` (``mode``, ``duration_months``, ``event``).
    alpha : float, default 0.05
        One minus the coverage of the intervals.

    Returns
    -------
    DataFrame
        Indexed by mode (solo, partner, license): ``n, events, exposure_months,
        hazard_month, lower, upper`` (per month) and ``p_year, p_year_lower,
        p_year_upper`` = ``1 - (1 - h) ** 12``. NaN for a mode without rows.
    """
    _check_prepared(prepared)
    if not 0.0 < alpha < 1.0:
        raise ModelError(f"alpha must lie in (0, 1), got {alpha}")
    rows = {}
    for mode in record_modes():
        g = prepared.loc[prepared["mode"] == mode]
        k = int(g["event"].sum())
        t = float(g["duration_months"].sum())
        lower, upper = poisson_rate_interval(k, t, alpha)
        if t <= 0:
            warn_model("mode %s has no exposure: its hazard is undefined", mode)
        rows[mode] = {
            "n": len(g),
            "events": k,
            "exposure_months": t,
            "hazard_month": k / t if t > 0 else np.nan,
            "lower": lower,
            "upper": upper,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "mode"
    for col, src in (
        ("p_year", "hazard_month"),
        ("p_year_lower", "lower"),
        ("p_year_upper", "upper"),
    ):
        out[col] = yearly_probability(out[src])
    return out


def exponential_check(
    prepared: pd.DataFrame, *, times: Iterable[float] = (12.0, 36.0), alpha: float = 0.05
) -> pd.DataFrame:
    """Kaplan-Meier survival at ``times`` against the exponential fit ``exp(-h t)``.

    If the constant hazard of :func:`monthly_hazards` fits, ``exp_survival`` lies inside
    the KM interval ``[km_lower, km_upper]``; ``inside`` says whether it does (NA when
    the KM interval is undefined or degenerate: beyond the longest follow-up of the
    group, or before its first event, where KM is 1 with no variance).

    Returns
    -------
    DataFrame
        ``mode, time, km_survival, km_lower, km_upper, exp_survival, exp_lower,
        exp_upper, inside``; ``exp_lower`` uses the upper hazard bound and vice versa.
    """
    hazards = monthly_hazards(prepared, alpha=alpha)
    curve = kaplan_meier(prepared, by="mode", alpha=alpha)
    rows = []
    for mode in hazards.index[hazards["n"] > 0]:
        longest = prepared.loc[prepared["mode"] == mode, "duration_months"].max()
        h = hazards.loc[mode]
        for t in times:
            km = survival_at(curve, mode, t) if t <= longest else pd.Series(np.nan, ["survival"])
            lo, hi = km.get("lower", np.nan), km.get("upper", np.nan)
            s_exp = float(np.exp(-h["hazard_month"] * t))
            defined = np.isfinite(lo) and np.isfinite(hi) and km["survival"] < 1.0
            ok = bool(lo <= s_exp <= hi) if defined else pd.NA
            rows.append(
                {
                    "mode": mode,
                    "time": float(t),
                    "km_survival": km["survival"],
                    "km_lower": lo,
                    "km_upper": hi,
                    "exp_survival": s_exp,
                    "exp_lower": float(np.exp(-h["upper"] * t)),
                    "exp_upper": float(np.exp(-h["lower"] * t)),
                    "inside": ok,
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- Cox model


def _informative_events(prepared: pd.DataFrame, mode: str) -> int:
    """Events of ``mode`` at times when a service of another mode is still at risk.

    Only these carry information on the mode's hazard ratio in a Cox model: an event
    with only its own mode at risk adds the same factor, 1, to the partial likelihood
    whatever the coefficient.
    """
    own = prepared["mode"] == mode
    others = prepared.loc[~own, "duration_months"].to_numpy(float)
    times = prepared.loc[own & (prepared["event"] == 1), "duration_months"].to_numpy(float)
    return int(sum(bool(np.any(others >= t)) for t in times))


def cox_model(
    prepared: pd.DataFrame,
    *,
    reference: str | None = None,
    cluster: str | None = "firm",
    strata: str | None = None,
    ties: str = "breslow",
    alpha: float = 0.05,
) -> tuple[pd.DataFrame, PHRegResults]:
    """Cox proportional-hazards model with entry mode as the only covariate.

    ``h(t | mode) = h0(t) exp(b_mode)`` (Cox 1972), fitted by statsmodels' ``PHReg``
    with Breslow's handling of ties (Breslow 1974). ``cluster`` passes
    ``groups=`` to ``PHReg.fit``, which replaces the model-based covariance with the
    Huber-White sandwich summed over clusters (Lin & Wei 1989); statsmodels applies no
    small-sample correction, so with about 25 clusters the robust errors are themselves
    rough.

    A mode with no *informative* event (:func:`_informative_events`: none, or only
    events at times when every service still at risk is of that mode) has a log hazard
    ratio of minus infinity (monotone likelihood: the partial likelihood rises without
    bound as its coefficient falls), so it is left out of the fit and reported with
    NaN. With the default forced-exit events ``license`` has no event; with
    ``events="any"`` its one event (Blizzard, 211 months) is the longest spell, when
    nothing else is at risk. Hence the reference defaults to the mode observed longest
    among those with informative events (``partner`` in the record: 1,277 months).

    Category is *not* adjusted for: with about a dozen events spread over eight
    categories, and mode nearly determined by category (games, consoles and video are
    partner or license), a category covariate or stratum leaves almost no information
    on mode. ``strata`` is there for a sensitivity check on other data.

    Parameters
    ----------
    prepared : DataFrame
        Output of :func:`prepare`.
    reference : str, optional
        Mode whose hazard ratio is 1 (one of :func:`record_modes`). Must have at least one
        event; by default the mode observed longest among those with informative
        events.
    cluster : str or None, default "firm"
        Column of cluster labels for robust errors (``"firm"`` or ``"company"``); None
        gives model-based errors.
    strata : str or None
        Column whose values get their own baseline hazard.
    ties : {"breslow", "efron"}
    alpha : float, default 0.05
        One minus the coverage of the Wald intervals.

    Returns
    -------
    table : DataFrame
        Indexed by mode, reference first: ``n, events, informative_events, coef,
        std_err, hazard_ratio, lower, upper, p_value`` (Wald, on the log scale); the
        reference row has ratio 1 and NaN errors; a mode left out has NaN estimates.
    result : PHRegResults
        The fitted statsmodels result (its exog columns are the non-reference modes).
    """
    need = [c for c in (cluster, strata) if c is not None]
    _check_prepared(prepared, need)
    modes = record_modes()
    if reference is not None and reference not in modes:
        raise ModelError(f"reference must be one of {list(modes)}, got {reference!r}")
    counts = prepared.groupby("mode")["event"].agg(["size", "sum"]).reindex(list(modes))
    counts["informative"] = [
        _informative_events(prepared, m) if strata is None else counts.loc[m, "sum"] for m in modes
    ]
    if reference is None:  # the longest-observed mode that has events to compare with
        exposure = prepared.groupby("mode")["duration_months"].sum().reindex(list(modes))
        reference = str(exposure[counts["informative"] > 0].idxmax())
    if not counts.loc[reference, "informative"] > 0:
        raise ModelError(
            f"reference mode {reference!r} has no event while other modes are at risk, so no"
            " hazard ratio is defined against it; choose a reference with such events"
        )
    eventless = [m for m in modes if m != reference and counts.loc[m, "size"] > 0]
    eventless = [m for m in eventless if counts.loc[m, "informative"] == 0]
    if eventless:
        warn_model(
            "mode(s) %s have no event while other modes are at risk: left out of the Cox fit"
            " (HR not estimable)",
            eventless,
        )
    data = prepared.loc[~prepared["mode"].isin(eventless)]
    terms = [m for m in modes if m != reference and m in set(data["mode"])]
    if not terms:
        raise ModelError("the Cox model needs events in at least two modes")
    exog = pd.DataFrame({m: (data["mode"] == m).astype(float) for m in terms})
    model = PHReg(
        data["duration_months"].to_numpy(float),
        exog,
        status=data["event"].to_numpy(float),
        strata=None if strata is None else data[strata].to_numpy(),
        ties=ties,
    )
    groups = None if cluster is None else data[cluster].astype(str).to_numpy()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = model.fit(groups=groups)
    for w in caught:
        log.debug("PHReg: %s", w.message)
    failed = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    if groups is not None:
        log.info("Cox errors clustered by %s: %d clusters", cluster, len(set(groups)))

    z = norm.ppf(1.0 - alpha / 2.0)
    coef = np.asarray(result.params, dtype=float)
    with np.errstate(invalid="ignore"):  # sqrt of a negative variance when not converged
        se = np.asarray(result.bse, dtype=float)
    if failed or not (np.all(np.isfinite(coef)) and np.all(np.isfinite(se))):
        raise ModelError(
            f"the Cox fit against {reference!r} did not converge (monotone likelihood: a"
            " hazard ratio runs off to 0 or infinity); choose another reference"
        )
    table = pd.DataFrame(index=pd.Index([reference, *terms, *eventless], name="mode"))
    table["n"] = counts["size"].reindex(table.index).fillna(0).astype(int)
    table["events"] = counts["sum"].reindex(table.index).fillna(0).astype(int)
    table["informative_events"] = counts["informative"].reindex(table.index).fillna(0).astype(int)
    table["coef"] = pd.Series(coef, terms)
    table.loc[reference, "coef"] = 0.0
    table["std_err"] = pd.Series(se, terms)
    table["hazard_ratio"] = np.exp(table["coef"])
    table["lower"] = np.exp(table["coef"] - z * table["std_err"])
    table["upper"] = np.exp(table["coef"] + z * table["std_err"])
    table["p_value"] = 2.0 * norm.sf(np.abs(table["coef"] / table["std_err"]))
    table.loc[reference, ["lower", "upper"]] = 1.0
    return table, result


# --------------------------------------------------------------------------- caveats


def _join(items: Iterable[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def caveats(prepared: pd.DataFrame) -> list[str]:
    """Plain-English caveats on the hazards, written from the numbers of ``prepared``.

    Covers the sample and what was dropped, events and censoring per mode, cross-border
    proxies, selection, confounding of mode with category, competing risks, repeated
    firms, re-entries, stale ``operating`` rows and ambiguous codings (SOURCES.md,
    caveats 1-6).
    """
    _check_prepared(prepared, ["service", "category", "firm", "end_type"])
    p = prepared
    hz = monthly_hazards(p)
    notes = p["note"].fillna("").astype(str) if "note" in p else pd.Series("", p.index)
    event_types = p.attrs.get("events") or tuple(sorted(set(p.loc[p["event"] == 1, "end_type"])))
    n, k = len(p), int(p["event"].sum())
    out = []

    dropped = p.attrs.get("dropped", [])
    text = f"{n} services from {p['firm'].nunique()} firms"
    out.append(text + (f"; dropped: {'; '.join(dropped)}." if dropped else "."))

    modes = record_modes()
    per_mode = [f"{_mode(m)} {int(hz.loc[m, 'events'])} of {int(hz.loc[m, 'n'])}" for m in modes]
    out.append(
        f"Events ({' or '.join(_end(e) for e in event_types)}): {k} in "
        f"{hz['exposure_months'].sum():,.0f} "
        f"service-months; by mode {', '.join(per_mode)}."
    )
    ends = p.loc[p["event"] == 0, "end_type"].value_counts()
    out.append(
        f"{n - k} rows are censored: "
        + ", ".join(f"{int(c)} {_end(t)}" for t, c in ends.items())
        + ". Competing exits (voluntary, sold) are censored, so the hazards are cause-specific;"
        " 1 - KM then overstates the cumulative probability of the event, and a firm that"
        " leaves early for other reasons is never seen being forced out."
    )
    for mode in hz.index[(hz["events"] == 0) & (hz["n"] > 0)]:
        out.append(
            f"{MODES.label(mode)} has no event in "
            f"{hz.loc[mode, 'exposure_months']:,.0f} months: the"
            f" estimate is 0 with a 95 % upper bound of {hz.loc[mode, 'upper']:.4f} per month"
            f" ({hz.loc[mode, 'p_year_upper']:.1%} a year); the model's default takes half an"
            " event over that exposure instead of 0, and no Cox hazard ratio exists for it."
        )
    out.append(
        f"The sample is small ({k} events) and selected: famous, mostly US brands whose exits"
        " made news; small apps, quiet exits and long-lived unremarkable survivors are missing,"
        " which biases the hazards upward."
    )

    cb = p.loc[p["cross_border"].astype(bool)] if "cross_border" in p else p.iloc[:0]
    if len(cb):
        by_mode = cb.groupby("mode")["event"].agg(["size", "sum"])
        parts = [
            f"{int(r['size'])} {_mode(m)} rows with {int(r['sum'])} events"
            for m, r in by_mode.iterrows()
        ]
        out.append(
            f"{len(cb)} rows are cross-border services with no local entity ({_join(parts)});"
            " their entry date is the global launch, which overstates time in China, and a"
            " Great-Firewall block is not the risk of a licensed local service."
        )

    tab = pd.crosstab(p["category"], p["mode"]).reindex(columns=list(modes), fill_value=0)
    # categories where the lightest way in occurs, or where the most committing is absent
    lightest = min(modes, key=MODES.commitment)
    heaviest = max(modes, key=MODES.commitment)
    lic_cats = sorted(set(p.loc[p["mode"] == lightest, "category"]))
    no_solo = [c for c in tab.index if tab.loc[c, heaviest] == 0 and tab.loc[c].sum() > 1]
    shown = sorted(set(lic_cats) | set(no_solo))
    mix = "; ".join(
        f"{c}: " + ", ".join(f"{_mode(m)} {int(tab.loc[c, m])}" for m in modes) for c in shown
    )
    out.append(
        f"Mode is confounded with category (rules force partners or licensing for games,"
        f" consoles, video and publishing): {mix}. With {k} events, stratifying by category"
        " or adding it as a covariate is not possible, so mode effects include category effects."
    )

    multi = p["firm"].value_counts()
    multi = multi[multi > 1]
    if len(multi):
        out.append(
            f"Rows are not independent: {int(multi.sum())} rows come from {len(multi)} firms with"
            " several services (" + ", ".join(f"{f} {c}" for f, c in multi.items()) + ");"
            " Cox errors are clustered by firm, with few clusters."
        )
    reentry = p.loc[p["service"].astype(str).str.contains(_REENTRY) | notes.str.contains(_REENTRY)]
    if len(reentry):
        out.append(
            f"{len(reentry)} rows are re-entries by a firm that had left"
            f" ({_join(reentry['service'].astype(str))}); they are treated as new spells."
        )

    confirmed = notes.str.extract(_LAST_CONFIRMED, expand=False)
    stale = p.loc[(p["end_type"] == "operating") & confirmed.notna()]
    if len(stale):
        listed = ", ".join(f"{s} {confirmed[i]}" for i, s in stale["service"].items())
        out.append(
            f"{len(stale)} operating rows were last confirmed earlier than {CENSOR_MONTH}"
            f" ({listed}); censoring them there is one of the sensitivity checks."
        )
    alt = notes.str.extract(_ALT_CODING, expand=False)
    if alt.notna().any():
        listed = ", ".join(
            f"{p.loc[i, 'service']} (coded {_mode(p.loc[i, 'mode'])}, {_end(p.loc[i, 'end_type'])};"
            f" could be {a.strip()})"
            for i, a in alt.dropna().items()
        )
        out.append(f"Codings are uncertain for {int(alt.notna().sum())} rows: {listed}.")
    if "status" in p:
        weak = int((p["status"] != "verified").sum())
        if weak:
            out.append(f"{weak} of {n} rows are only partly verified (secondary sources).")
    return out
