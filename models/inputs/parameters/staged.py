"""Staged entry: the parameters of the group ``staged``, in schema order.

Licensing now with the option to switch to an own service later.

:mod:`models.inputs.schema` lists the groups in order; the fields are those of
:class:`models.inputs.spec.ParamSpec`.
"""

from __future__ import annotations

from models.inputs.parameters.sources import ASSUMPTION as _A
from models.inputs.parameters.sources import REF
from models.inputs.spec import ParamSpec

GROUP = "staged"
TITLE = "Staged entry"

PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "staged_target_mode",
        "str",
        "partner",
        "",
        "The own service a staged entry switches to: 'partner' (with the partner of the "
        "partner inputs) or 'solo'.",
        "model setting: Netflix's 2015 talks were with LeTV, a partner (refs 4.1-4.8 in "
        f"{REF}); the partnership is valued above going alone in every shipped scenario",
        max=7,
        choices=("partner", "solo"),
        label="own service a staged entry switches to",
    ),
    ParamSpec(
        "staged_license_exclusivity",
        "str",
        "exclusive",
        "",
        "Whether the staged entry's licence is 'exclusive' (the switch waits for the end "
        "of a term, license_term_months) or 'non_exclusive' (the switch may come at any "
        "yearly review, for lower fees).",
        "Sohu's 2014 licence of House of Cards was exclusive "
        "(data/raw/foreign_streaming_entry_china_events.csv, 2014-02)",
        max=13,
        choices=("exclusive", "non_exclusive"),
        label="staged licence's exclusivity",
    ),
    ParamSpec(
        "staged_nonexclusive_fee_discount",
        "float",
        0.3,
        "fraction of the fee",
        "How much less a buyer pays for a non-exclusive licence than for the exclusive "
        "one (license_fee_usd_m_per_title).",
        _A + "exclusivity is what Chinese platforms competed on in 2014-2017 (Sohu's "
        "exclusive House of Cards); a third less without it",
        min=0.0,
        max=0.9,
        label="non-exclusive licence discount",
    ),
    ParamSpec(
        "staged_switch_cost_usd_m",
        "float",
        10.0,
        "US$ m",
        "One-off cost of switching from licensing to an own service, on top of the "
        "service's own set-up: ending the licence deals, moving the catalogue.",
        _A + "half the set-up cost (finance_setup_usd_m): legal work and re-contracting, "
        "no platform",
        label="cost of switching to an own service",
        min=0.0,
        max=1_000.0,
        uncertain=True,
        default_range=(3.0, 30.0),
        range_source="range: assumption: from a clean hand-over to a costly break",
    ),
)
