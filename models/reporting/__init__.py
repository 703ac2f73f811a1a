"""Reporting: charts, tables, generated prose and HTML blocks for the notebooks; no
computation of its own. Imports the layers below; never models.runner."""
