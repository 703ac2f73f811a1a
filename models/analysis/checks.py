"""Model checks: metamorphic relations the model must keep on every scenario.

Internal consistency is not validity (docs/design.md, "Conventions"): each
check changes one thing a strategist has firm intuitions about, runs the expected case
again, and compares. The report runs them on its own scenario and warns at the top when
one fails; the tests run them on every scenario in ``data/scenarios``.

The relations hold by construction of the economics, not by tuning. Two are stated
with care because the option to leave makes value move in a way that is right but
surprising: **removing content** saves its cost, so a service that would leave at its
launch anyway loses less without it; what removing content must never do is add
subscribers (content draws demand), and titles pulled after they are paid for must never
add value. **A harsher regulator** also cuts licensing's fees (fewer approved titles,
more crackdowns); licensing's lead may only narrow where the own service is worth
running at all, so the check compares the own service's loss with licensing's.

Each check runs two or three expected cases (a few milliseconds each): all of them take
well under a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from models.economics.modes import MODES
from models.economics.simulation import simulate
from models.format import money

#: Relative tolerance of a comparison (round-off in backward induction and sums).
TOLERANCE = 1e-6


def _own() -> tuple[str, ...]:
    """The modes that run a service of their own (solo, partner)."""
    return MODES.services()


def _with_partner() -> tuple[str, ...]:
    """The modes exposed to a partner's distress (the partnership)."""
    return tuple(m.name for m in MODES if "distress" in m.events)


def _negotiated() -> tuple[str, ...]:
    """The modes with a term a counterparty negotiates (the partner's revenue share)."""
    return tuple(m.name for m in MODES if m.deal_term)


@dataclass(frozen=True)
class Check:
    """One relation, checked on one scenario.

    Attributes
    ----------
    name : str
        Short name.
    rule : str
        The relation, as a strategist would state it.
    passed : bool
        Whether the model keeps it.
    detail : str
        The numbers behind the verdict (US$ m or millions of subscribers).
    """

    name: str
    rule: str
    passed: bool
    detail: str


def _npv(params) -> pd.Series:
    return simulate(params).summary["npv_usd_m"]


def _both(params) -> pd.DataFrame:
    """Value under the exit policy and run to the horizon, per mode."""
    return simulate(params).summary[["npv_usd_m", "npv_committed_usd_m"]]


def _not_lower(after: float, before: float) -> bool:
    return after >= before - TOLERANCE * max(1.0, abs(before))


def _scaled(params, name: str, factor: float, cap: float | None = None) -> dict:
    value = getattr(params, name) * factor
    return {name: min(value, cap) if cap is not None else value}


def _monotone(
    params,
    name: str,
    rule: str,
    change: dict,
    modes: tuple[str, ...],
    rises: bool,
    committed: bool = True,
) -> Check:
    """``modes``' values after ``change`` are not lower (``rises``) or not higher: under
    the exit policy and, with ``committed``, run to the horizon as well (where a service
    that would not launch has the same value either way, the relation must still show
    in what it would earn if it ran)."""
    before, after = _both(params), _both(params.replace(**change))
    columns = ["npv_usd_m", "npv_committed_usd_m"] if committed else ["npv_usd_m"]
    ok = [
        _not_lower(after.loc[m, c], before.loc[m, c])
        if rises
        else _not_lower(before.loc[m, c], after.loc[m, c])
        for m in modes
        for c in columns
    ]
    parts = []
    for m in modes:
        text = f"{m}: {money(before.loc[m, 'npv_usd_m'])} to {money(after.loc[m, 'npv_usd_m'])}"
        if committed:
            text += (
                f" (run to the horizon {money(before.loc[m, 'npv_committed_usd_m'])} to "
                f"{money(after.loc[m, 'npv_committed_usd_m'])})"
            )
        parts.append(text)
    return Check(name, rule, all(ok), "; ".join(parts))


def _content_draws_demand(params) -> Check:
    """Without titles and originals, the own services sign up no one more."""
    none = params.replace(content_foreign_titles_year=0.0, content_originals_usd_m_year=0.0)
    before, after = simulate(params), simulate(none)
    subs = {
        m: (
            float(before.modes[m].subscribers_m.sum()),
            float(after.modes[m].subscribers_m.sum()),
        )
        for m in _own()
    }
    ok = all(a <= b * (1 + TOLERANCE) + TOLERANCE for b, a in subs.values())
    detail = "; ".join(
        f"{m}: {b / 12:,.1f} to {a / 12:,.1f} M subscriber-years" for m, (b, a) in subs.items()
    )
    return Check(
        "content draws demand",
        "Removing every title and original never adds subscribers.",
        ok,
        detail,
    )


def _regulator(params) -> Check:
    """A harsher regulator costs an own service at least what it costs licensing, unless
    the own service is not worth running (its value is then its pre-launch loss)."""
    harsher = {
        "regulation_approval_pass_rate": params.regulation_approval_pass_rate * 0.8,
        "regulation_crackdown_hazard_year": min(params.regulation_crackdown_hazard_year * 1.5, 1),
    }
    for name in MODES.with_exposure("exit_hazard"):
        harsher[name] = min(getattr(params, name) * 1.5, 1.0)
    before, after = _npv(params), _npv(params.replace(**harsher))
    light = MODES.lightest()
    lead_before = {m: before[light] - before[m] for m in _own()}
    lead_after = {m: after[light] - after[m] for m in _own()}
    ok = []
    for m in _own():
        worth_running = before[m] > -params.finance_setup_usd_m - params.regulation_exit_cost_usd_m
        ok.append(
            _not_lower(before[m], after[m])
            and (not worth_running or _not_lower(lead_after[m], lead_before[m]))
        )
    detail = "; ".join(
        f"{MODES.in_words(light)}'s lead over {m}: {money(lead_before[m])} to "
        f"{money(lead_after[m])}"
        for m in _own()
    )
    return Check(
        "a harsher regulator",
        "Fewer approvals, higher forced-exit hazards and more crackdowns never raise an own "
        "service's value, nor narrow licensing's lead over one worth running.",
        all(ok),
        detail,
    )


def model_checks(params) -> list[Check]:
    """Run every check on the expected case of ``params``; see the module docstring."""
    p = params
    checks: list[Callable[[], Check]] = [
        lambda: _monotone(
            p,
            "more market",
            "A larger market (a quarter more payers open to a foreign service) never lowers "
            "an own service's value.",
            _scaled(p, "market_foreign_premium_share", 1.25, cap=1.0),
            _own(),
            rises=True,
        ),
        lambda: _monotone(
            p,
            "lower churn",
            "Lower churn (a fifth less) never lowers an own service's value.",
            _scaled(p, "growth_churn_rate_month", 0.8),
            _own(),
            rises=True,
        ),
        lambda: _monotone(
            p,
            "cheaper acquisition",
            "A lower acquisition cost (a fifth less) never lowers an own service's value.",
            _scaled(p, "growth_cac_months", 0.8),
            _own(),
            rises=True,
        ),
        lambda: _content_draws_demand(p),
        lambda: _monotone(
            p,
            "titles pulled",
            "Titles pulled after they are paid for (a larger loss per crackdown) never raise "
            "a mode's value.",
            {
                "regulation_crackdown_catalogue_loss": min(
                    p.regulation_crackdown_catalogue_loss + 0.1, 1
                )
            },
            MODES.exposed("exit_hazard"),
            rises=False,
        ),
        lambda: _regulator(p),
        lambda: _monotone(
            p,
            "a later launch",
            "A longer wait for the licence never raises an own service's value.",
            {name: getattr(p, name) + 6 for name in MODES.with_exposure("launch_delay")},
            _own(),
            rises=False,
            committed=False,  # run to the horizon, a loss-maker loses less if it starts later
        ),
        lambda: _monotone(
            p,
            "partner distress",
            "A partner more likely to fall into distress never raises the partnership's value.",
            _scaled(p, "partner_distress_hazard_year", 2.0, cap=1.0),
            _with_partner(),
            rises=False,
        ),
        lambda: _monotone(
            p,
            "a larger revenue share",
            "Giving the partner a larger revenue share never raises the streamer's value of "
            "the partnership.",
            {m.deal_term: min(getattr(p, m.deal_term) + 0.1, 1.0) for m in MODES if m.deal_term},
            _negotiated(),
            rises=False,
        ),
        lambda: _monotone(
            p,
            "a price war",
            "A deeper price cut by the incumbents never raises an own service's value.",
            {"market_price_war_cut": min(p.market_price_war_cut + 0.1, 0.9)},
            _own(),
            rises=False,
        ),
    ]
    return [run() for run in checks]


def checks_table(checks: list[Check]) -> pd.DataFrame:
    """The checks as a table: check, rule, result, numbers."""
    return pd.DataFrame(
        [
            {
                "check": c.name,
                "rule": c.rule,
                "result": "holds" if c.passed else "FAILS",
                "numbers (expected case)": c.detail,
            }
            for c in checks
        ]
    )
