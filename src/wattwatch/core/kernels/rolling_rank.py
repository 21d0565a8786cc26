"""A compiled rolling order statistic: per row and day, a quantile of the days around it, NaN ignored."""

from __future__ import annotations

import numpy as np
from numba import njit

from wattwatch.core.kernels.reductions import KERNEL


@njit(**KERNEL)
def rolling_quantile(x, before, after, q, min_days):
    """float64[m, d]: for row i and day j, of the n non-NaN values of the window x[i, j - before : j + after], moved
    inside the row at its two ends (the first or last before + after days) so that every day's window is as wide,
    the one at rank floor(q (n - 1) + 1/2) in ascending order; NaN where n < min_days. The window's values are kept
    sorted as it slides: a day leaving and a day entering each move at most before + after values."""
    m, d = x.shape
    width = before + after
    out = np.empty((m, d))
    window = np.empty(max(width, 1))
    for i in range(m):
        n, lo, hi = 0, 0, 0  # the window holds the non-NaN values of x[i, lo:hi]
        for j in range(d):
            start = min(max(j - before, 0), max(d - width, 0))
            end = min(start + width, d)
            while hi < end:
                n = _insert(window, n, x[i, hi])
                hi += 1
            while lo < start:
                n = _remove(window, n, x[i, lo])
                lo += 1
            out[i, j] = window[int(np.floor(q * (n - 1) + 0.5))] if n >= max(min_days, 1) else np.nan
    return out


@njit(**KERNEL)
def _insert(window, n, v):
    """Insert v into the sorted window[:n] (NaN is not kept); the new length."""
    if v != v:
        return n
    k = n
    while k > 0 and window[k - 1] > v:
        window[k] = window[k - 1]
        k -= 1
    window[k] = v
    return n + 1


@njit(**KERNEL)
def _remove(window, n, v):
    """Remove one value equal to v from the sorted window[:n] (NaN was never kept); the new length."""
    if v != v:
        return n
    k = 0
    while window[k] != v:
        k += 1
    for s in range(k, n - 1):
        window[s] = window[s + 1]
    return n - 1
