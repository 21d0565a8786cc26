"""A chunk's readings -> local time, each meter's interval, and dense per-day / per-slot sums, compiled.

Compiled twins of core.localtime.utc_to_local, infer_interval_minutes (tests/numpy_intervals.py) and
core.cells.daily_sums / slot_means for the scan's per-meter stage: one pass over the readings each, with a `use` mask
and the kWh -> kW conversion done in the pass instead of in masked copies of every array. Sums are added in reading
order, as np.bincount adds them, so the results are identical.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from wattwatch.core.intervals import USUAL_MINUTES  # in this order: a tie goes to the coarser interval
from wattwatch.core.kernels.reductions import KERNEL

DAY = 86400


@njit(**KERNEL)
def to_local(utc, starts, offsets):
    """Local wall-clock seconds of each UTC second: utc + the offset of the zone segment holding it (segments from
    core.localtime.zone_offsets; before the first one the first offset applies)."""
    out = np.empty_like(utc)
    last = starts.size - 1
    for i in range(utc.size):
        t = utc[i]
        j = 0
        while j < last and starts[j + 1] <= t:
            j += 1
        out[i] = t + offsets[j]
    return out


@njit(**KERNEL)
def interval_minutes(position, utc, n_rows):
    """int64[n_rows]: each meter's interval (readings sorted by (position, time)), as infer_interval_minutes: the
    most common of the usual steps, else the rounded median of its positive steps, 0 with fewer than 2 readings."""
    usual = np.array(USUAL_MINUTES, dtype=np.int64)
    counts = np.zeros((n_rows, usual.size), dtype=np.int64)
    for i in range(1, position.size):
        if position[i] == position[i - 1]:
            step = utc[i] - utc[i - 1]
            for u in range(usual.size):
                if step == usual[u] * 60:
                    counts[position[i], u] += 1
                    break
    out = np.zeros(n_rows, dtype=np.int64)
    odd = np.zeros(n_rows, dtype=np.bool_)
    for r in range(n_rows):
        best = 0
        for u in range(1, usual.size):
            if counts[r, u] > counts[r, best]:
                best = u
        if counts[r, best] > 0:
            out[r] = usual[best]
        else:
            odd[r] = True
    if odd.any():
        median_steps(position, utc, odd, out)
    return out


@njit(**KERNEL)
def median_steps(position, utc, odd, out):
    """For the meters `odd` (none of whose steps is usual): max(round(median positive step / 60), 1) minutes."""
    i = 0
    n = position.size
    while i < n:
        j = i
        while j < n and position[j] == position[i]:
            j += 1
        r = position[i]
        if odd[r]:
            steps = np.empty(j - i, dtype=np.int64)
            m = 0
            for k in range(i + 1, j):
                if utc[k] - utc[k - 1] > 0:
                    steps[m] = utc[k] - utc[k - 1]
                    m += 1
            if m:
                out[r] = max(int(np.round(np.median(steps[:m].astype(np.float64)) / 60.0)), 1)
        i = j


@njit(**KERNEL)
def day_sums(position, local_s, value, use, n_rows, first_day, n_days):
    """(sum of value, count) per row and local day over the readings with `use`, as core.cells.daily_sums."""
    sums = np.zeros((n_rows, n_days))
    counts = np.zeros((n_rows, n_days))
    for i in range(position.size):
        if use[i]:
            day = local_s[i] // DAY - first_day
            if 0 <= day < n_days:
                sums[position[i], day] += value[i]
                counts[position[i], day] += 1.0
    return sums, counts


@njit(**KERNEL)
def slot_means(position, local_s, kwh, use, minutes, n_rows, first_day, n_days, slot_s):
    """Mean kW (kWh * 60 / the meter's interval minutes, at least 1) per row, local day and slot of slot_s seconds
    over the readings with `use`, NaN where none fell, as core.cells.slot_means on the converted values."""
    n_slots = DAY // slot_s  # slot_s divides a day, so (seconds of day) // slot_s == (seconds * n_slots) // DAY: a
    # division by the constant DAY, which compiles to a multiplication, instead of one by the variable slot_s
    sums = np.zeros((n_rows, n_days, n_slots))
    counts = np.zeros((n_rows, n_days, n_slots), dtype=np.int64)
    for i in range(position.size):
        if use[i]:
            day = local_s[i] // DAY - first_day
            if 0 <= day < n_days:
                slot = (local_s[i] % DAY) * n_slots // DAY
                r = position[i]
                sums[r, day, slot] += kwh[i] * 60.0 / max(minutes[r], 1)
                counts[r, day, slot] += 1
    flat_sums = sums.reshape(-1)
    flat_counts = counts.reshape(-1)
    for c in range(flat_sums.size):
        flat_sums[c] = flat_sums[c] / flat_counts[c] if flat_counts[c] > 0 else np.nan
    return sums
