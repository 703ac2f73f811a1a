"""What an entry mode is: one object that knows everything about the mode.

An entry mode (stay out, licensing, solo, partner, staged, and whatever comes next) is
one module under :mod:`models.economics.modes` defining one :class:`EntryMode`, listed
in the registry (:mod:`models.economics.modes.registry`). The object carries:

- its **identity**: ``name`` (the key in results, manifests and ``-p
  staged_target_mode``), ``label``, ``colour`` and a one-line ``description`` for the
  reports;
- the **parameters it reads**: the typed groups it declares (``groups``) and its own
  regulatory exposure (``exposure``: the names of its launch delay and hazards);
- how its **cash flows** are built (:meth:`EntryMode.build`), its **launch** and
  decision dates (:meth:`EntryMode.launch_month`, :meth:`EntryMode.fixed_plan`), the
  **events** it is exposed to (``events``), its **content budget**
  (:meth:`EntryMode.content_budget`) and its **exit problem** for the reviews
  (:meth:`EntryMode.training`, :meth:`EntryMode.fit`);
- what the layers above need to know without comparing names: whether it runs a
  subscription service of its own (``runs_service``), whether it is the zero
  baseline (``baseline``), the mode whose first step is the same (``twin``), how
  committing it is (``commitment``, which breaks ties), and the event flags it adds
  to the Monte Carlo outcomes (:meth:`EntryMode.flags`).

The pattern follows statsmodels' table of smoothers and SALib's one method per module:
a small interface, one module per implementation, one table that lists them; and the
EMA Workbench's levers, whose names and ranges live with the lever, not with its users.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from models._arrays import FloatArray, column
from models.economics import finance, reviews
from models.economics.content import ContentBudget
from models.economics.events import Uniforms
from models.economics.modes.policy import Decision
from models.economics.results import ModeResult
from models.economics.terms import ExposureNames, Group, PathValues, Terms, group_names

#: Kinds of event a mode may be exposed to (:mod:`models.economics.events`).
EVENT_KINDS = ("exit", "suspension", "crackdown", "distress", "easing", "renewal")


@dataclass(frozen=True)
class EntryMode:
    """One entry mode; subclass it and implement :meth:`build`.

    Attributes
    ----------
    name : str
        Key of the mode in results, manifests and tables (lower case, no spaces).
    label : str
        Reader-facing name ("Solo", "Licensing").
    colour : str
        Its colour in every chart, a ``#rrggbb`` string (colour-blind safe palette of
        Okabe and Ito, 2008, for the built-in modes).
    description : str
        One line on what the mode is, for the reports.
    commitment : int
        How committing the first step is: ties between modes go to the lower
        (staying out 0, licensing 1, ...).
    groups : tuple of terms.Group subclasses
        The groups of parameters it reads (:mod:`models.economics.terms`).
    exposure : terms.ExposureNames, optional
        The parameters of its own launch delay and hazards.
    events : tuple of str
        The kinds of event it is exposed to (:data:`EVENT_KINDS`).
    twin : str, optional
        The mode whose first step is the same (licensing and the staged entry both
        license now): comparisons of the best against the runner-up skip it.
    runs_service : bool
        Whether it runs a subscription service of its own (it has subscribers).
    may_run_service : bool
        Whether it may start one later (a staged entry that switches).
    baseline : bool
        The zero baseline (staying out): nothing spent, nothing earned.
    reviewed : bool
        Whether it has an exit decision of its own at the reviews.
    trains_on_previous : bool
        Whether its training's next stage reads what the stage before gave on the same
        paths (:meth:`training`'s ``previous``: a staged entry values its switch on its
        services' exit problems), so that :func:`models.uncertainty.montecarlo.fit_rules`
        keeps those, per chunk, to the next stage; other modes' are let go once joined.
    cost : int
        Relative cost of building it (the engine builds the dearest first).
    noun : str, optional
        How a sentence names it ("staying out"); its label in lower case by default.
    dash : str
        Its line style where modes share a chart that may print in grey (plotly's
        ``solid``, ``dash``, ``dot``).
    record_code : str, optional
        The ``entry_mode`` code of its analogues in the record of foreign services in
        China (``data/raw/foreign_digital_services_china.csv``), whose survival
        calibrates its forced-exit hazard (:mod:`models.calibration.hazards`).
    record_inside_china : bool
        Calibrate it on services run inside China only (cross-border services, with no
        local entity, are not its analogues).
    lines : dict of str to str
        Cash-flow lines of its own beyond :data:`models.economics.results.LINE_ITEMS`
        (name -> label), added to every table (before the exit costs) when it is
        registered.
    revenue_lines : tuple of str
        Which of its own lines are revenue (summed with subscription revenue and
        licence fees wherever the reports show revenue).
    deal_term : str, optional
        The parameter a counterparty negotiates (a partner's revenue share): the deal
        zone (:mod:`models.analysis.deal`) varies it, with
        :meth:`counterparty_cash_flow` as the other side's.
    flag_names : tuple of str
        The per-path event flags :meth:`flags` adds to the Monte Carlo outcomes (names
        unique across modes: the registry refuses a clash).
    information : dict of str to tuple of str
        Questions about the mode whose answer the report values (value of partial
        perfect information): question -> the drawn inputs and event flags that answer
        it (:mod:`models.analysis.decision`).
    """

    name: str
    label: str
    colour: str
    description: str
    commitment: int = 50
    groups: tuple[type[Group], ...] = ()
    exposure: ExposureNames | None = None
    events: tuple[str, ...] = ()
    twin: str | None = None
    runs_service: bool = False
    may_run_service: bool = False
    baseline: bool = False
    reviewed: bool = True
    trains_on_previous: bool = False
    cost: int = 1
    noun: str | None = None
    dash: str = "solid"
    record_code: str | None = None
    record_inside_china: bool = False
    deal_term: str | None = None
    lines: dict[str, str] = field(default_factory=dict, compare=False)
    revenue_lines: tuple[str, ...] = ()
    flag_names: tuple[str, ...] = ()
    information: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    #: free-form settings of a mode defined outside the package (tests, notebooks)
    settings: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def in_words(self) -> str:
        """How a sentence names the mode: ``noun``, or the label in lower case."""
        return self.noun or self.label.lower()

    # -- what it reads ------------------------------------------------------------------

    @property
    def parameters(self) -> tuple[str, ...]:
        """The flat names of the parameters it reads: its groups' and its exposure's."""
        own = self.exposure.names() if self.exposure is not None else ()
        return tuple(dict.fromkeys((*group_names(self.groups), *own)))

    def terms(self, values: PathValues) -> Terms:
        """Its typed inputs on the paths of ``values``: its groups and exposure only."""
        return Terms.read(self.name, values, self.groups, self.exposure)

    # -- dates ------------------------------------------------------------------------

    def launch_month(self, terms: Terms):
        """First month it can sign subscribers or earn: a number, or a (paths, 1) column
        where drawn. By default its launch delay after the venture's start."""
        delay = terms.exposure.launch_delay_months if terms.exposure is not None else 0
        start = terms.horizon.start_month
        return delay + start if start else delay

    def fixed_plan(self, terms: Terms, scenario: Terms) -> np.ndarray | None:
        """The ``fixed`` decision rule: the plan of the most-likely case, made at the
        decision date from the inputs' most likely values (``scenario``: the terms of
        the scenario's own values, one path), as a number of months after launch (a
        path whose launch is drawn later leaves as long after its own launch). Nothing
        about the path is foreseen, and nothing seen along it changes the plan. None
        where the mode plans in its own way."""
        months = terms.months
        last = float(self.build(scenario, plan_only=True)[0])
        planned_launch = float(self.launch_month(scenario))
        if last >= months - 1 or last < planned_launch:
            # never stopping, not starting (-1), or walking away before the launch: the
            # same month on every path (a path's launch is not known before it comes)
            return np.full(terms.paths, min(last, months - 1.0))
        launch = np.broadcast_to(column(self.launch_month(terms))[:, 0], (terms.paths,))
        return np.minimum(launch + (last - planned_launch), months - 1.0)

    # -- cash flows ----------------------------------------------------------------------

    def build(
        self,
        terms: Terms,
        uniforms: Uniforms | None = None,
        how: Decision | None = None,
        plan_only: bool = False,
    ) -> Any:
        """The mode's :class:`~models.economics.results.ModeResult`.

        Events in expectation (``uniforms`` None: the most-likely case, whose exit plan is
        the one made at the decision date), or drawn from the common uniforms and decided
        ``how`` (:class:`~models.economics.modes.policy.Decision`). With ``plan_only``
        (most-likely case), only the plan: the last month operated, per path. With
        ``how.collect``, the exit problem of the reviews instead (training).
        """
        raise NotImplementedError(f"entry mode {self.name!r} does not build cash flows")

    def planned_cash_flow(
        self, terms: Terms, uniforms: Uniforms, plan: np.ndarray | None
    ) -> FloatArray:
        """The cash flow of drawn paths under the ``fixed`` rule and nothing else (no
        path valued three ways), US$ m, (paths, months): what a sweep point needs."""
        how = Decision(rule="fixed", plan=plan, valued=False, lines=False)
        return self.build(terms, uniforms, how).cash_flow

    def npv_fixed(self, terms: Terms, uniforms: Uniforms, plan: np.ndarray | None) -> FloatArray:
        """NPV of each drawn path under the ``fixed`` rule, US$ m."""
        rate = terms.finance.discount_rate_year if self._reads("finance") else 0.0
        return finance.npv(self.planned_cash_flow(terms, uniforms, plan), rate)

    def _reads(self, prefix: str) -> bool:
        return any(prefix == g.PREFIX for g in self.groups)

    # -- the reviews ---------------------------------------------------------------------

    def training(
        self, terms: Terms, uniforms: Uniforms, fitted: Any, previous: dict | None = None
    ) -> dict | None:
        """The exit problems of training paths still to fit, given what is fitted so far
        (``fitted``, None at first); None when the mode's rules are complete.
        ``previous`` is what this method gave on the same paths at the stage before
        (None at the first), for a mode that can build on it.

        By default one :class:`~models.economics.reviews.ExitProblem` (key ``""``),
        fitted in one stage; a staged entry fits its services' rules, then its switch.
        """
        if not self.reviewed or fitted is not None:
            return None
        how = Decision(rule=terms.horizon.decision_rule, collect=True)
        return {"": self.build(terms, uniforms, how)}

    def join(self, parts: list[dict]) -> Any:
        """The problems of :meth:`training` on successive chunks of training paths, as
        one (what :meth:`fit` takes)."""
        return reviews.concat([part[""] for part in parts])

    def fit(self, joined: Any, fitted: Any) -> Any:
        """Fit the rule on the problems :meth:`join` joined (least-squares Monte Carlo,
        :func:`models.economics.reviews.fit_rule`), given what is fitted so far."""
        return reviews.fit_rule(joined)

    # -- for the reports ------------------------------------------------------------------

    def content_budget(self, terms: Terms) -> ContentBudget | None:
        """Content spend per year by component, averaged over the horizon's content
        years, US$ m at month-0 prices, shaped (paths, 1); None for a mode with no
        content of its own (staying out; a staged entry, whose content is its
        licence's and then its service's)."""
        return None

    def switch_target(self, terms: Terms) -> str | None:
        """The mode it may switch to (a staged entry's own service), or None."""
        return None

    def counterparty_cash_flow(self, result: ModeResult, terms: Terms) -> FloatArray | None:
        """A counterparty's monthly cash flow in this mode (a partner's), US$ m, (paths,
        months); None where there is none to negotiate with."""
        return None

    def flags(self, result: ModeResult) -> dict[str, FloatArray]:
        """Per-path event summaries it adds to the Monte Carlo outcomes (drawn events
        only; see :attr:`models.uncertainty.montecarlo.MonteCarlo.flags`)."""
        return {}
