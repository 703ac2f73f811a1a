"""From the survival record to the model's forced-exit hazards and their ranges.

The model's ``regulation_exit_hazard_<mode>_year`` defaults are the yearly probabilities
of a forced exit (blocked or shut by a regulator) implied by constant-hazard fits per
entry mode on ``data/raw/foreign_digital_services_china.csv``
(:func:`models.calibration.survival.monthly_hazards`), with exact 95 % Poisson intervals
as their uncertainty ranges. A mode with no event gets half an event over its exposure
as point estimate (the maximum-likelihood estimate, zero, would claim a certainty the
four licensing rows cannot give); its range still starts at zero.

**Solo is fitted on services run inside China.** Eight of the nine solo forced exits in
the record are cross-border services (Facebook, YouTube, ...) blocked at the border:
none held a Chinese licence or ran a local platform. The model's solo mode is a
licensed service inside China (a VIE, ref 5.6), so its default leaves them out (one
event: Apple's iTunes Movies, shut in 2016); the reading with them counted (8.8 % a
year) is kept as the top of its range.
"""

from __future__ import annotations

import pandas as pd

from models.calibration import survival
from models.economics.modes import MODES


def parameters() -> dict[str, str]:
    """The model's parameter for each mode with analogues in the record: its own
    forced-exit hazard (:attr:`models.economics.modes.base.EntryMode.exposure`)."""
    return {
        name: MODES[name].exposure.exit_hazard
        for name in survival.record_modes()
        if MODES[name].exposure is not None and MODES[name].exposure.exit_hazard
    }


def default_hazards(
    prepared: pd.DataFrame,
    alpha: float = 0.05,
    raw: pd.DataFrame | None = None,
    inside_china: bool = True,
) -> pd.DataFrame:
    """Yearly forced-exit probability per mode: point value, low and high (fractions).

    Parameters
    ----------
    prepared : DataFrame
        Output of :func:`models.calibration.survival.prepare`.
    alpha : float
        1 - confidence of the range.
    raw : DataFrame, optional
        The record as loaded; when given, each range is stretched to include the point
        values of the other readings of the record (:func:`sensitivity`, except counting
        every exit, which is another event), so that coding choices sit inside it too.
    inside_china : bool
        Fit the modes whose analogues run inside China (solo:
        :attr:`models.economics.modes.base.EntryMode.record_inside_china`) on services
        run inside China only (cross-border services left out).
    """
    h = survival.monthly_hazards(prepared, alpha=alpha)
    if inside_china and "cross_border" in prepared:
        inside = survival.monthly_hazards(prepared[~prepared["cross_border"]], alpha=alpha)
        for mode in parameters():
            if MODES[mode].record_inside_china:
                h.loc[mode] = inside.loc[mode]
    rows = []
    for mode in parameters():
        r = h.loc[mode]
        value = r["p_year"] if r["events"] > 0 else survival.yearly_probability(value_month(r))
        rows.append(
            {
                "mode": mode,
                "parameter": parameters()[mode],
                "events": int(r["events"]),
                "exposure_months": float(r["exposure_months"]),
                "hazard_month": float(value_month(r)),
                "p_year": float(value),
                "low": float(r["p_year_lower"]),
                "high": float(r["p_year_upper"]),
            }
        )
    out = pd.DataFrame(rows).set_index("mode")
    if raw is not None:
        variants = sensitivity(raw)
        variants = variants[~variants["variant"].str.startswith("any exit")]
        for mode in parameters():
            out.loc[mode, "low"] = min(out.loc[mode, "low"], variants[mode].min())
            out.loc[mode, "high"] = max(out.loc[mode, "high"], variants[mode].max())
    return out


def value_month(row: pd.Series) -> float:
    """Monthly hazard behind a row of :func:`models.calibration.survival.monthly_hazards`:
    the MLE, or half an event over the exposure when there is none (NaN without exposure)."""
    if row["exposure_months"] <= 0:
        return float("nan")
    if row["events"] > 0:
        return float(row["events"] / row["exposure_months"])
    return 0.5 / float(row["exposure_months"])


def compare(params, defaults: pd.DataFrame) -> pd.DataFrame:
    """The scenario's hazards next to the fitted ones, and whether each lies in the range."""
    rows = []
    for mode, r in defaults.iterrows():
        used = float(getattr(params, r["parameter"]))
        rows.append(
            {
                "mode": mode,
                "scenario_p_year": used,
                "fitted_p_year": r["p_year"],
                "low": r["low"],
                "high": r["high"],
                "within_range": bool(r["low"] <= used <= r["high"]),
            }
        )
    return pd.DataFrame(rows)


def sensitivity(raw: pd.DataFrame) -> pd.DataFrame:
    """Yearly forced-exit probability per mode under other readings of the record.

    Parameters
    ----------
    raw : DataFrame
        The record as loaded (:func:`models.calibration.data.foreign_services`).

    Returns
    -------
    DataFrame
        One row per variant, one column per mode (point values as in
        :func:`default_hazards`).
    """
    base = survival.prepare(raw)
    recoded = raw.copy()
    disney = recoded["service"].str.startswith("DisneyLife")
    recoded.loc[disney, "entry_mode"] = "licensing"
    variants = {
        "as coded (defaults)": base,
        "without cross-border services": base[~base["cross_border"]],
        "cross-border blocks counted as solo exits": "cross-border",
        "operating rows censored at last confirmation": survival.prepare(
            raw, censor_at_last_confirmed=True
        ),
        "DisneyLife coded as licensing": survival.prepare(recoded),
        "verified rows only": survival.prepare(raw[raw["verified"]]) if "verified" in raw else base,
        "any exit counts (voluntary, sold)": survival.prepare(raw, events="any"),
    }
    rows = []
    for name, prepared in variants.items():
        if isinstance(prepared, str):
            d = default_hazards(base, inside_china=False)
        else:
            d = default_hazards(prepared)
        rows.append({"variant": name, **{m: d.loc[m, "p_year"] for m in parameters()}})
    return pd.DataFrame(rows)
