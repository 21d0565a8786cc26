"""Duplicate readings, vectorised: rows sorted by (key code, instant, line) with stored rows (line -1) first.

Same key and instant: a new row equal to the stored one is a duplicate, a different one conflicts with it (the
stored one is kept). Without a stored row: identical new rows keep the first copy and the rest are duplicates;
differing new rows are all rejected, because no value is trusted when a meter reported two.
"""

from __future__ import annotations

import numpy as np

KEEP, DUPLICATE, CONFLICTING, CONFLICTS_STORED = 0, 1, 2, 3


def duplicate_status(codes: np.ndarray, us: np.ndarray, kwh: np.ndarray, stored: np.ndarray) -> np.ndarray:
    n = codes.size
    status = np.full(n, KEEP, dtype=np.int8)
    if n < 2:
        return status
    first = np.r_[True, (codes[1:] != codes[:-1]) | (us[1:] != us[:-1])]
    if first.all():
        return status
    group = np.cumsum(first) - 1
    starts = np.flatnonzero(first)
    head_kwh = kwh[starts][group]
    has_stored = stored[starts][group]  # stored rows sort first in their group
    varies = np.minimum.reduceat(kwh, starts) != np.maximum.reduceat(kwh, starts)
    later = ~first & ~stored
    status[later & has_stored & (kwh == head_kwh)] = DUPLICATE
    status[later & has_stored & (kwh != head_kwh)] = CONFLICTS_STORED
    status[~has_stored & varies[group]] = CONFLICTING
    status[later & ~has_stored & ~varies[group]] = DUPLICATE
    return status
