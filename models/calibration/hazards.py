"""From the survival record to the model's forced-exit hazards and their ranges.

The model's ``regulation_exit_hazard_<mode>_year`` defaults are the yearly probabilities
of a forced exit (blocked or shut by a regulator) implied by constant-hazard fits per
entry mode on ``data/raw/foreign_digital_services_china.csv``
(:func:`models.calibration.survival.monthly_hazards`), with exact 95 % Poisson intervals
as their uncertainty ranges. A mode with no event gets half an event over its exposure
as point estimate (the maximum-likelihood estimate, zero, would claim a certainty the
four licensing rows cannot give); its range still starts at zero.
"""

from __future__ import annotations

import pandas as pd

from . import survival

#: The model's parameter for each mode.
PARAMETER = {
    "solo": "regulation_exit_hazard_solo_year",
    "partner": "regulation_exit_hazard_partner_year",
    "license": "regulation_exit_hazard_license_year",
}


def default_hazards(prepared: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Yearly forced-exit probability per mode: point value, low and high (fractions).

    Parameters
    ----------
    prepared : DataFrame
        Output of :func:`models.calibration.survival.prepare`.
    alpha : float
        1 - confidence of the range.
    """
    h = survival.monthly_hazards(prepared, alpha=alpha)
    rows = []
    for mode in PARAMETER:
        r = h.loc[mode]
        if r["events"] > 0:
            value = r["p_year"]
        else:
            value = survival.yearly_probability(0.5 / r["exposure_months"])
        rows.append(
            {
                "mode": mode,
                "parameter": PARAMETER[mode],
                "events": int(r["events"]),
                "exposure_months": float(r["exposure_months"]),
                "p_year": float(value),
                "low": float(r["p_year_lower"]),
                "high": float(r["p_year_upper"]),
            }
        )
    return pd.DataFrame(rows).set_index("mode")


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
        The record as loaded (:func:`models.data.foreign_services`).

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
        "operating rows censored at last confirmation": survival.prepare(
            raw, censor_at_last_confirmed=True
        ),
        "DisneyLife coded as licensing": survival.prepare(recoded),
        "any exit counts (voluntary, sold)": survival.prepare(raw, events="any"),
    }
    rows = []
    for name, prepared in variants.items():
        d = default_hazards(prepared)
        rows.append({"variant": name, **{m: d.loc[m, "p_year"] for m in PARAMETER}})
    return pd.DataFrame(rows)
