"""Raw readings -> a chunk's checked arrays in one compiled pass, without masked copies and concatenation.

The Parquet reader hands over a row group's columns as they lie in Arrow's buffers: the meter ids' dictionary
indices, the timestamps in the file's unit, the kWh, and validity only for columns that have nulls. Done with NumPy
(tests/numpy_rows.py: decode, core.reading_checks.row_faults, masks) that is a dozen passes and copies per row
group and four gathers and concatenations per chunk; here one pass gives each row its meter and seconds, checks it
as row_faults does, and appends the accepted rows of the chunk's meters straight into its preallocated arrays. The
same pass notes whether they stay sorted by (meter, time) and whether a (meter, time) repeats, so the sorting and
duplicate steps run only when needed, and notes where the rejected rows are: only those are decoded again, with
row_faults' reasons, to write them out.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from wattwatch.core.kernels.reductions import KERNEL


@njit(**KERNEL)
def check_and_append(index, id_valid, known, ts, ts_valid, per_second, kwh, kwh_valid, flag, max_kwh, lo, hi,
                     take_unknown, out_row, out_t, out_kwh, out_flag, n, rejected_at):
    """Append the readings of meters lo..hi (and, with take_unknown, those of no known meter) that have no fault
    (core.reading_checks.row_faults) to out_* from position n.

    A reading's meter row is known[index] (-1: not in the register), -2 where id_valid says the id is null; its
    seconds are ts // per_second; flag (size 0: none) is its zero_as_missing. *_valid of size 0 means no nulls.
    The positions of the rejected readings go to rejected_at (as long as index). Returns (new n, readings of this
    chunk, of which rejected, whether the appended readings are in (meter, time) order after out_*[:n], whether
    one repeats the previous (meter, time))."""
    rows_in = 0
    rejected = 0
    ordered = True
    repeats = False
    previous_row = out_row[n - 1] if n > 0 else -3  # below every meter row: the first reading is in order
    previous_t = out_t[n - 1] if n > 0 else 0
    for i in range(index.size):
        r = known[index[i]] if id_valid.size == 0 or id_valid[i] else -2
        if not ((lo <= r <= hi) or (take_unknown and r < 0)):
            continue
        rows_in += 1
        value = kwh[i]
        # core.reading_checks.row_faults gives these, and only these, no fault (the reasons of the others come from
        # row_faults itself: the engine decodes the rejected readings again)
        if not (r >= 0 and (ts_valid.size == 0 or ts_valid[i]) and (kwh_valid.size == 0 or kwh_valid[i])
                and value >= 0.0 and not value > max_kwh and np.isfinite(value)):
            rejected_at[rejected] = i
            rejected += 1
            continue
        t = to_seconds(ts[i], per_second)
        if r < previous_row or (r == previous_row and t < previous_t):
            ordered = False
        elif r == previous_row and t == previous_t:
            repeats = True
        previous_row, previous_t = r, t
        out_row[n] = r
        out_t[n] = t
        out_kwh[n] = value
        out_flag[n] = flag.size > 0 and flag[i]
        n += 1
    return n, rows_in, rejected, ordered, repeats


@njit(**KERNEL)
def to_seconds(ticks, per_second):
    """ticks // per_second, rounded down; the usual units by a constant (a multiplication once compiled, where a
    division by a variable costs tens of cycles a reading)."""
    if per_second == 1_000:
        return ticks // 1_000
    if per_second == 1_000_000:
        return ticks // 1_000_000
    if per_second == 1_000_000_000:
        return ticks // 1_000_000_000
    return ticks // per_second
