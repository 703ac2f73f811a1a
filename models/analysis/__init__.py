"""Analysis: decision metrics, sensitivity and drivers, the deal zone, the value of
information, and the Decision the main report shows. Imports the layers below, not reporting."""
