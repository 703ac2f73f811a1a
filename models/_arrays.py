"""Shape helpers: every model array is shaped (paths, months)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def column(x: ArrayLike) -> FloatArray:
    """Return ``x`` as a float column of shape (paths, 1), for broadcasting over months.

    A scalar becomes shape (1, 1); a vector of one value per path becomes (paths, 1).
    """
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 0:
        return arr.reshape(1, 1)
    if arr.ndim == 1:
        return arr.reshape(-1, 1)
    if arr.ndim == 2 and arr.shape[1] == 1:
        return arr
    raise ValueError(f"expected a scalar or one value per path, got shape {arr.shape}")


def month_index(months: int) -> FloatArray:
    """Return months 0..months-1 as a row of shape (1, months)."""
    return np.arange(months, dtype=float).reshape(1, months)
