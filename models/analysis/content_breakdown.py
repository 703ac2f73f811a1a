"""Tables behind the content-cost report: the build-up per mode, the quota's effect, the
re-edit example, and cash paid against cost amortised. Pure functions over validated
parameters and results; US$ millions unless a column says otherwise."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.economics import content
from models.economics.modes import MODES
from models.economics.results import Results
from models.economics.terms import PathValues

COMPONENTS = {
    "rights": "China rights of foreign titles",
    "localisation": "Localisation (subtitles, dubbing, re-edits)",
    "domestic": "Domestic titles for the quota",
    "originals": "Local originals",
}


def budgets(params) -> dict[str, content.ContentBudget]:
    """Each mode's yearly content budget by component (the modes that buy content of
    their own: :meth:`models.economics.modes.base.EntryMode.content_budget`), at the
    scenario's values."""
    values = PathValues(params)
    out = {}
    for mode in MODES:
        budget = mode.content_budget(mode.terms(values))
        if budget is not None:
            out[mode.name] = budget
    return out


def build_up(params) -> pd.DataFrame:
    """Yearly content budget by mode and component at month-0 prices (US$ m)."""
    rows = []
    for mode, b in budgets(params).items():
        for key, label in COMPONENTS.items():
            rows.append(
                {
                    "mode": mode,
                    "mode_label": MODES.label(mode),
                    "component": key,
                    "component_label": label,
                    "usd_m_year": float(getattr(b, key)[0, 0]),
                }
            )
    return pd.DataFrame(rows)


def build_up_table(build: pd.DataFrame) -> pd.DataFrame:
    """:func:`build_up` as a wide table: components in rows, modes in columns, with totals."""
    wide = build.pivot_table(
        index="component_label", columns="mode_label", values="usd_m_year", aggfunc="sum"
    )
    wide = wide.reindex(
        index=list(COMPONENTS.values()),
        columns=list(dict.fromkeys(build["mode_label"])),
    )
    wide.loc["Total"] = wide.sum()
    return wide.rename_axis(index="US$ m per year", columns=None).reset_index()


def quota_effect(params, shares: np.ndarray | None = None) -> pd.DataFrame:
    """Domestic titles bought a year, and their cost, as the quota's share varies, solo
    against partner (averaged over the horizon's content years, month-0 prices).

    Under the 2018 draft (ref 5.5) foreign titles may be at most ``share`` of the titles
    on offer; under the 2014 rule (ref 5.3) at most ``share`` of the domestic titles
    licensed (:func:`models.economics.content.domestic_purchases`).
    """
    if shares is None:
        shares = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75])
    years = max(int(params.months) // 12, 1)
    values = PathValues(params)
    services = [m for m in MODES if m.runs_service]
    rows = []
    for share in shares:
        bought = content.domestic_purchases(
            params.content_foreign_titles_year,
            params.content_window_years,
            params.content_domestic_window_years,
            share,
            params.regulation_quota_rule,
            years,
        )[0].mean()
        for mode in services:
            covered = float(np.asarray(mode.quota_cover(mode.terms(values))).ravel()[0])
            titles = float(bought) * (1.0 - covered)
            rows.append(
                {
                    "quota_share": float(share),
                    "mode": mode.name,
                    "domestic_titles": titles,
                    "usd_m_year": titles * params.content_domestic_title_usd_m,
                    "current": bool(np.isclose(share, params.regulation_quota_foreign_share)),
                }
            )
    return pd.DataFrame(rows)


def reedit_example(
    params,
    n_episodes: int = 76,
    episode_minutes: float = 45.0,
    n_films: int = 6,
    film_minutes: float = 90.0,
) -> pd.DataFrame:
    """The cost of re-editing a long drama into films (ref 2.13: *Empresses in the
    Palace*, 76 x 45-minute episodes cut into 6 x 90-minute films)."""
    source_h = n_episodes * episode_minutes / 60.0
    output_h = n_films * film_minutes / 60.0
    edit = content.reedit_cost_usd(
        n_episodes, episode_minutes, params.content_reedit_usd_per_source_hour
    )
    subs = output_h * params.content_subtitle_usd_per_hour
    dub = output_h * params.content_dub_usd_per_hour
    return pd.DataFrame(
        [
            ("Source runtime", f"{n_episodes} x {episode_minutes:g} min", source_h, None),
            ("Delivered runtime", f"{n_films} x {film_minutes:g} min", output_h, None),
            (
                "Re-edit (per source hour)",
                f"{source_h:g} h x US${params.content_reedit_usd_per_source_hour:,.0f}",
                None,
                edit,
            ),
            (
                "Subtitles (per delivered hour)",
                f"{output_h:g} h x US${params.content_subtitle_usd_per_hour:,.0f}",
                None,
                subs,
            ),
            (
                "Dubbing, if dubbed",
                f"{output_h:g} h x US${params.content_dub_usd_per_hour:,.0f}",
                None,
                dub,
            ),
            ("Total with subtitles", "", None, edit + subs),
        ],
        columns=["item", "basis", "hours", "usd"],
    )


def cash_vs_amortised(results: Results, mode: str | None = None) -> pd.DataFrame:
    """Yearly content cash paid against content expensed (amortised) when the mode is run
    to the horizon, expected US$ m (under an early exit the remaining book value would
    be written off at once).

    ``mode`` defaults to the own service whose content costs the most a year at the
    scenario's values (solo, which buys the quota's domestic titles a partner's library
    would supply). The frame's ``attrs["mode"]`` names the mode.
    """
    if mode is None:
        spend = {m: float(b.total[0, 0]) for m, b in budgets(results.params).items()}
        mode = max(MODES.services(), key=lambda m: spend.get(m, 0.0))
    r = results.modes[mode]
    years = results.params.start_year + np.arange(results.months) // 12
    amortised = (
        r.committed_amortisation
        if r.committed_amortisation is not None
        else (r.content_amortisation)
    )
    frame = pd.DataFrame(
        {
            "year": years,
            "cash_paid": -r.committed_lines["content"].mean(axis=0) + 0.0,
            "amortised": amortised.mean(axis=0),
        }
    )
    out = frame.groupby("year").sum()
    out["cumulative_gap"] = (out["cash_paid"] - out["amortised"]).cumsum()
    out.attrs["mode"] = mode
    return out
