"""Checked readings -> a chunk's arrays in one compiled pass, without masked copies and concatenation.

The Parquet reader decodes a row group, gives every row its fault (core.reading_checks.row_faults), and keeps the
rows of its meters that have none. Done with NumPy masks that is a mask, an index, four gathers per row group and
four concatenations per chunk; here the accepted rows are appended straight into the chunk's preallocated arrays,
and the same pass notes whether they stay sorted by (meter, time) and whether a (meter, time) repeats, so the
sorting and duplicate steps run only when needed.
"""

from __future__ import annotations

from numba import njit

from wattwatch.core.kernels.reductions import KERNEL


@njit(**KERNEL)
def append_accepted(meter_row, seconds, kwh, flag, fault, lo, hi, take_unknown, out_row, out_t, out_kwh, out_flag,
                    n):
    """Append the rows with lo <= meter_row <= hi (and, with take_unknown, the rows of no known meter: meter_row < 0)
    whose fault is 0 to out_* from position n. Returns (new n, rows of this chunk, of which rejected, whether the
    appended rows are in (meter, time) order after out_*[:n], whether one repeats the previous (meter, time))."""
    rows_in = 0
    rejected = 0
    ordered = True
    repeats = False
    for i in range(meter_row.size):
        r = meter_row[i]
        if not ((lo <= r <= hi) or (take_unknown and r < 0)):
            continue
        rows_in += 1
        if fault[i] != 0:
            rejected += 1
            continue
        t = seconds[i]
        if n > 0:
            previous_row, previous_t = out_row[n - 1], out_t[n - 1]
            if r < previous_row or (r == previous_row and t < previous_t):
                ordered = False
            elif r == previous_row and t == previous_t:
                repeats = True
        out_row[n] = r
        out_t[n] = t
        out_kwh[n] = kwh[i]
        out_flag[n] = flag[i]
        n += 1
    return n, rows_in, rejected, ordered, repeats
