"""Solo: the streamer runs its own service in China, alone.

A foreign firm cannot hold the audio-visual licence (ref 5.1), so a solo entry waits
longest for approval and carries all the regulatory risk; it keeps all the revenue and
pays for its own platform, delivery and the quota's domestic titles. The economics are
those of every own service (:mod:`models.economics.modes.service`) with nothing shared.
"""

from __future__ import annotations

from models.economics.modes.service import OwnService
from models.economics.terms import ExposureNames

MODE = OwnService(
    name="solo",
    label="Solo",
    colour="#D55E00",
    description="Its own service, alone: all the revenue, all the regulatory risk, the "
    "longest wait for approval.",
    commitment=4,
    exposure=ExposureNames(
        launch_delay="regulation_launch_delay_solo_months",
        exit_hazard="regulation_exit_hazard_solo_year",
        suspension_hazard="regulation_suspension_hazard_solo_year",
    ),
    cost=2,
    flag_names=("solo_dark_months",),
    record_code="solo",
    record_inside_china=True,
)
