"""The Parquet reader's checks and gathers as NumPy masks: the twin of the compiled
core.kernels.rows.check_and_append, which must keep, count and reject the same readings."""

from __future__ import annotations

import numpy as np

from wattwatch.core.reading_checks import OK, row_faults


def numpy_check_and_append(index, id_valid, known, ts, ts_valid, per_second, kwh, kwh_valid, flag, max_kwh, lo, hi,
                           take_unknown):
    """(meter row, seconds, kWh, flag) of the accepted readings of meters lo..hi (and of no known meter with
    take_unknown), the number of this chunk's readings and the positions of its rejected ones."""
    n = index.size
    id_valid = id_valid if id_valid.size else np.ones(n, bool)
    has_time = ts_valid if ts_valid.size else np.ones(n, bool)
    has_kwh = kwh_valid if kwh_valid.size else np.ones(n, bool)
    flag = flag if flag.size else np.zeros(n, bool)
    meter_row = np.where(id_valid, known[np.where(id_valid, index, 0)] if known.size else -1, -2)
    seconds = np.floor_divide(ts, per_second)
    fault = row_faults(meter_row, has_time, np.where(has_kwh, kwh, np.nan), has_kwh, max_kwh)
    mine = ((meter_row >= lo) & (meter_row <= hi)) | (take_unknown & (meter_row < 0))
    keep = mine & (fault == OK)
    return ((meter_row[keep], seconds[keep], kwh[keep], flag[keep]), int(mine.sum()),
            np.flatnonzero(mine & (fault != OK)))
