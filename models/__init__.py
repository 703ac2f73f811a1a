"""market-entry: scenario models of entering China's video-streaming market.

The package is called ``models`` because the product brief fixes the top-level layout
(``models/`` is the importable package, not a folder of serialized model files).

Public entry points:

- :func:`models.params.validate`: user input to a validated ``Parameters`` object;
- :func:`models.scenario.load`: a scenario YAML file to ``Parameters``;
- :func:`models.simulation.simulate`: ``Parameters`` to ``Results`` for every entry mode;
- :mod:`models.charts`, :mod:`models.narrative`: figures and words for the report;
- :func:`models.report.runner.run_report`: a scenario to an offline HTML report.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("market-entry")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
