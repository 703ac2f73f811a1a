"""Stay out: the zero baseline; nothing spent, nothing earned."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.economics.modes.base import EntryMode
from models.economics.modes.policy import OUTSIDE, ZERO, per_path
from models.economics.results import LINE_ITEMS, ModeResult
from models.economics.terms import Terms


@dataclass(frozen=True)
class StayOut(EntryMode):
    """The baseline every other mode must beat."""

    def build(self, terms: Terms, uniforms=None, how=None, plan_only=False) -> ModeResult:
        """Zero lines on every path; always "operating" (nothing can end it)."""
        paths, months = terms.paths, terms.months
        z = per_path(ZERO, paths, months)
        return ModeResult(
            self.name,
            0,
            z,
            z,
            z,
            per_path(1.0, paths, months),
            {k: ZERO for k in LINE_ITEMS if k not in OUTSIDE},
            exit_costs=z,
            continuing_value=z,
            committed_continuing_value=z,
            content_amortisation=z,
            forced_exit=np.zeros(paths),
            last_month=np.full(paths, months - 1.0),
            survival=per_path(1.0, paths, months),
            committed_exit_costs=z,
            committed_amortisation=z,
        )

    def fixed_plan(self, terms, scenario):
        return None

    def npv_fixed(self, terms, uniforms, plan):
        return np.zeros(terms.paths)


MODE = StayOut(
    name="stay_out",
    label="Stay out",
    colour="#7F7F7F",
    description="Do not enter: the baseline, worth nothing and risking nothing.",
    commitment=0,
    baseline=True,
    noun="staying out",
    reviewed=False,
    cost=0,
)
