"""Inputs: the parameter schema, validation into one Parameters object, distributions,
correlations and scenario files. Imports only models.exceptions, models.format and helpers."""
