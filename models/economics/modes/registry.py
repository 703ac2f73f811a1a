"""The registry of entry modes: the one list every layer asks.

Analysis, reporting, calibration and the runner never compare mode names: they ask
the registry which modes there are (in report order), which run a service of their
own, which is the baseline, what a mode is called and which colour it has, and look a
mode up by the name a result or a manifest carries. The built-in modes register
themselves when :mod:`models.economics.modes` is imported; a new mode is one module
that defines an :class:`~models.economics.modes.base.EntryMode` and registers it
(docs/design.md, "Adding an entry mode").

Modeled on statsmodels' table of smoothers: one table maps a name to the object that
implements it, and nothing else holds the list.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from models.economics import reuse
from models.economics.results import add_lines, remove_lines
from models.exceptions import ParameterError


class Registry:
    """Entry modes by name, in the order they were registered (the reports' order)."""

    def __init__(self) -> None:
        self._modes: dict[str, object] = {}

    def register(self, mode) -> None:
        """Add ``mode`` (an :class:`~models.economics.modes.base.EntryMode`).

        Raises
        ------
        ValueError
            If a mode of that name is registered already.
        """
        if mode.name in self._modes:
            raise ValueError(f"entry mode {mode.name!r} is registered already")
        for m in self:
            if mode.record_code and mode.record_code == m.record_code:
                raise ValueError(
                    f"entry mode {mode.name!r}: record code {mode.record_code!r} calibrates "
                    f"{m.name!r} already"
                )
            clash = set(mode.flag_names) & {*m.flag_names, "crackdowns"}
            if clash:
                raise ValueError(f"entry mode {mode.name!r}: flag {min(clash)!r} exists already")
        add_lines(mode.lines, mode.revenue_lines)  # its own lines join every table
        self._modes[mode.name] = mode
        # results kept across runs (models.economics.reuse) are keyed on a mode's
        # object, but a staged entry finds the service it may start by name: a registry
        # that changes keeps none
        reuse.forget()

    def unregister(self, name: str) -> None:
        """Remove the mode ``name`` (a mode registered for a test or a notebook) and its
        own lines."""
        mode = self._modes.pop(name)
        remove_lines(mode.lines, mode.revenue_lines)
        reuse.forget()

    @contextmanager
    def added(self, mode) -> Iterator[None]:
        """Register ``mode`` for the duration of a ``with`` block."""
        self.register(mode)
        try:
            yield
        finally:
            self.unregister(mode.name)

    def __getitem__(self, name: str):
        try:
            return self._modes[name]
        except KeyError:
            known = ", ".join(self._modes)
            raise ParameterError(f"entry mode {name!r}: expected one of {known}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._modes

    def __iter__(self) -> Iterator:
        return iter(list(self._modes.values()))

    def __len__(self) -> int:
        return len(self._modes)

    def names(self) -> tuple[str, ...]:
        """Every mode's name, in report order."""
        return tuple(self._modes)

    def label(self, name: str) -> str:
        """The reader-facing label of ``name`` (the name itself if it is not a mode: an
        older manifest's, say)."""
        mode = self._modes.get(name)
        return mode.label if mode is not None else str(name)

    def in_words(self, name: str) -> str:
        """How a sentence names ``name`` ("staying out", "licensing")."""
        mode = self._modes.get(name)
        return mode.in_words if mode is not None else str(name)

    def colour(self, name: str) -> str:
        """The chart colour of ``name`` (grey if it is not a mode)."""
        mode = self._modes.get(name)
        return mode.colour if mode is not None else "#7F7F7F"

    def dash(self, name: str) -> str:
        """The line style of ``name`` where modes share a chart (solid if not a mode)."""
        mode = self._modes.get(name)
        return mode.dash if mode is not None else "solid"

    def record_codes(self) -> dict[str, str]:
        """The record's ``entry_mode`` code -> the mode it calibrates, for the modes that
        have analogues in ``data/raw/foreign_digital_services_china.csv``."""
        return {m.record_code: m.name for m in self if m.record_code}

    def services(self) -> tuple[str, ...]:
        """The modes that run a subscription service of their own from the start."""
        return tuple(m.name for m in self if m.runs_service)

    def entering(self) -> tuple[str, ...]:
        """Every mode but the baseline."""
        return tuple(m.name for m in self if not m.baseline)

    def baseline(self) -> str | None:
        """The zero baseline (staying out), if registered."""
        return next((m.name for m in self if m.baseline), None)

    def is_baseline(self, name: str) -> bool:
        """Whether ``name`` is the zero baseline."""
        mode = self._modes.get(name)
        return bool(mode is not None and mode.baseline)

    def reviewed(self) -> tuple[str, ...]:
        """The modes with an exit decision of their own at the reviews."""
        return tuple(m.name for m in self if m.reviewed and not m.baseline)

    def twin(self, name: str) -> str | None:
        """The mode whose first step is the same as ``name``'s, if any."""
        mode = self._modes.get(name)
        twin = getattr(mode, "twin", None)
        return twin if twin in self._modes else None

    def rivals(self, name: str, among) -> list[str]:
        """The modes of ``among`` that start differently from ``name`` (all but itself
        and its twin)."""
        twin = self.twin(name)
        return [m for m in among if m not in (name, twin)]

    def commitment(self, name: str) -> int:
        """How committing a mode's first step is (ties go to the lower)."""
        mode = self._modes.get(name)
        return mode.commitment if mode is not None else 99

    def exposed(self, attribute: str) -> tuple[str, ...]:
        """The modes with an exposure ``attribute`` of their own (``exit_hazard``,
        ``suspension_hazard`` or ``launch_delay``), in mode order."""
        return tuple(
            m.name for m in self if m.exposure is not None and getattr(m.exposure, attribute, None)
        )

    def lightest(self) -> str | None:
        """The least committing way in (licensing): the entering mode that commits least."""
        entering = [m for m in self if not m.baseline]
        return min(entering, key=lambda m: m.commitment).name if entering else None

    def with_exposure(self, attribute: str) -> tuple[str, ...]:
        """The parameter names of the modes' own ``attribute`` of exposure
        (``exit_hazard``, ``suspension_hazard`` or ``launch_delay``), in mode order, each
        once (two modes may share a hazard)."""
        out = []
        for m in self:
            name = getattr(m.exposure, attribute, None) if m.exposure is not None else None
            if name:
                out.append(name)
        return tuple(dict.fromkeys(out))

    def information(self) -> dict[str, tuple[str, ...]]:
        """The questions about the modes whose answer the report values, each with the
        drawn inputs and flags that answer it (the modes' ``information``)."""
        out: dict[str, tuple[str, ...]] = {}
        for m in self:
            for question, names in m.information.items():
                out[question] = tuple(dict.fromkeys((*out.get(question, ()), *names)))
        return out


#: The modes of this process: the built-in ones register on import of the package.
MODES = Registry()
