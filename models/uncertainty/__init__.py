"""Uncertainty: joint samples of the uncertain inputs and the chunked Monte Carlo run.
Imports only models.economics, models.inputs and helpers."""
