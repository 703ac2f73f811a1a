"""Calibration on public data: growth (Bass fits and backtests) and regulatory survival."""
