"""The zero-run rule over many meters at once: which exact-zero readings are really missing data.

Publishers of real meter data often write 0 where a reading is missing. A run of consecutive exact-zero readings
(each one interval after the previous) lasting at least `min_hours`, on a meter whose other readings are zero at
most `max_share` of the time, is flagged as missing. Billing and unclassified meters (interval <= 0) are never
flagged: a zero month is a fact about the premises, not a data gap.
"""

from __future__ import annotations

import numpy as np

from wattwatch.core.kernels.zeroruns import zero_run_flags


def zero_as_missing(
    codes: np.ndarray, t: np.ndarray, kwh: np.ndarray, interval_s: np.ndarray, min_hours: float, max_share: float
) -> np.ndarray:
    """Per reading (sorted by code, t; interval_s per reading): True when it belongs to a missing-data zero run
    (compiled: core.kernels.zeroruns)."""
    return zero_run_flags(np.asarray(codes, dtype=np.int64), np.asarray(t), np.asarray(kwh, dtype=np.float64),
                          np.asarray(interval_s), float(min_hours), float(max_share))
