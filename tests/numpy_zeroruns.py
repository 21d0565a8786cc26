"""The zero-run rule as vectorised NumPy code: the twin of the compiled core.kernels.zeroruns.zero_run_flags,
which must flag the same readings."""

from __future__ import annotations

import numpy as np


def numpy_zero_as_missing(
    codes: np.ndarray, t: np.ndarray, kwh: np.ndarray, interval_s: np.ndarray, min_hours: float, max_share: float
) -> np.ndarray:
    """Per reading (sorted by code, t; interval_s per reading): True when it belongs to a missing-data zero run."""
    n = codes.size
    if n == 0:
        return np.zeros(0, dtype=bool)
    zero = (kwh == 0) & (interval_s > 0)
    new_run = np.ones(n, dtype=bool)
    new_run[1:] = (codes[1:] != codes[:-1]) | (zero[1:] != zero[:-1]) | (t[1:] - t[:-1] != interval_s[1:])
    run = np.cumsum(new_run) - 1
    run_len = np.bincount(run)
    run_hours = run_len * interval_s[new_run] / 3600.0
    long_zero = zero & (run_hours[run] >= min_hours)
    n_meters = int(codes.max()) + 1
    other = np.bincount(codes, weights=~long_zero, minlength=n_meters)
    other_zero = np.bincount(codes, weights=zero & ~long_zero, minlength=n_meters)
    with np.errstate(invalid="ignore", divide="ignore"):
        mostly_nonzero = (other > 0) & (other_zero <= max_share * other)
    return long_zero & mostly_nonzero[codes]
