"""The zero-run rule (wattwatch.ingest.zeroruns) in one compiled pass over the runs and one over the readings.

As NumPy array code (tests/numpy_zeroruns.py) the rule is a dozen passes (run starts, cumsum, run lengths, three
bincounts, gathers) over every reading; a chunk of meters with zeros paid more for it than for reading them.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from wattwatch.core.kernels.reductions import KERNEL


@njit(**KERNEL)
def zero_run_flags(codes, t, kwh, interval_s, min_hours, max_share):
    """Per reading (sorted by code, t; interval_s per reading): True when it lies in a run of consecutive
    exact-zero readings (each one interval after the previous, interval > 0) lasting at least min_hours, on a
    meter whose other readings are zero at most max_share of the time. Same answer as the NumPy rule."""
    n = codes.size
    flags = np.zeros(n, dtype=np.bool_)
    if n == 0:
        return flags
    n_meters = codes.max() + 1
    other = np.zeros(n_meters)  # per meter: readings outside long zero runs, and those of them that are zero
    other_zero = np.zeros(n_meters)
    start = 0
    while start < n:
        zero = kwh[start] == 0 and interval_s[start] > 0
        stop = start + 1
        while (stop < n and codes[stop] == codes[start] and (kwh[stop] == 0 and interval_s[stop] > 0) == zero
               and t[stop] - t[stop - 1] == interval_s[stop]):
            stop += 1
        if zero and (stop - start) * interval_s[start] / 3600.0 >= min_hours:
            flags[start:stop] = True
        else:
            other[codes[start]] += stop - start
            if zero:
                other_zero[codes[start]] += stop - start
        start = stop
    for i in range(n):
        if flags[i]:
            c = codes[i]
            flags[i] = other[c] > 0 and other_zero[c] <= max_share * other[c]
    return flags
