"""Where the project's folders are: the checkout that holds ``models/`` (an editable
install, as ``make install`` makes), its ``data/raw``, ``data/scenarios`` and
``notebooks``."""

from pathlib import Path

#: The project's top folder (the parent of ``models/``).
PROJECT_ROOT = Path(__file__).resolve().parents[1]
#: Immutable public data with SOURCES.md.
RAW_DATA = PROJECT_ROOT / "data" / "raw"
#: Named scenario files.
SCENARIOS = PROJECT_ROOT / "data" / "scenarios"
#: The report notebooks.
NOTEBOOKS = PROJECT_ROOT / "notebooks"
