"""Calibration: loaders of data/raw and the fits behind the defaults (Bass growth,
survival hazards, backtests). Imports only models.economics, models.inputs and helpers."""
