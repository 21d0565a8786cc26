"""A chunk's readings -> local time, each meter's interval, and dense per-day / per-slot sums, compiled.

Compiled twins of core.localtime.utc_to_local, infer_interval_minutes (tests/numpy_intervals.py) and
core.cells.daily_sums / slot_means for the scan's per-meter stage, with a `use` mask and the kWh -> kW conversion
done in the pass instead of in masked copies of every array. reading_cells does the per-meter stage's daily sums,
zero-run counts and hourly means in a single pass, meter by meter, straight from UTC seconds and the zone's
segments. Sums are added in reading order, as np.bincount adds them, so the results are identical.
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
    """int64[n_rows]: each meter's interval (readings sorted by (position, time)), as infer_interval_minutes."""
    bounds = np.searchsorted(position, np.arange(n_rows + 1))
    usual = np.array(USUAL_MINUTES, dtype=np.int64)
    out = np.zeros(n_rows, dtype=np.int64)
    for r in range(n_rows):
        out[r] = meter_interval(utc, bounds[r], bounds[r + 1], usual)
    return out


@njit(**KERNEL)
def meter_interval(utc, start, stop, usual):
    """One meter's interval in minutes from its readings utc[start:stop] (by time): the most common of the `usual`
    steps, else max(round(median positive step / 60), 1), 0 with fewer than 2 readings."""
    counts = np.zeros(usual.size, dtype=np.int64)
    for i in range(start + 1, stop):
        step = utc[i] - utc[i - 1]
        for u in range(usual.size):
            if step == usual[u] * 60:
                counts[u] += 1
                break
    best = 0
    for u in range(1, usual.size):
        if counts[u] > counts[best]:
            best = u
    if counts[best] > 0:
        return usual[best]
    steps = np.empty(max(stop - start, 0), dtype=np.int64)  # none usual (rare: odd loggers): the median step
    m = 0
    for i in range(start + 1, stop):
        if utc[i] - utc[i - 1] > 0:
            steps[m] = utc[i] - utc[i - 1]
            m += 1
    return max(int(np.round(np.median(steps[:m].astype(np.float64)) / 60.0)), 1) if m else 0


@njit(**KERNEL)
def reading_cells(bounds, utc, kwh, flagged, given_minutes, starts, offsets, first_day, n_days, slot_s):
    """A chunk's readings (sorted by meter, each meter's by time; meter r's are bounds[r]:bounds[r + 1]) in one
    pass, meter by meter: kWh sum and count per meter and local day over the readings not flagged, count of the
    flagged ones, the mean kW per meter, day and slot over the readings not flagged as slot_means gives it, and
    each meter's interval (given_minutes where > 0, else meter_interval's).

    Equal to core.cells.daily_sums and slot_means on to_local's local times: every cell adds its readings in
    reading order. A reading's zone segment and local day are looked up only when it leaves the UTC span of its
    predecessor's (a day, or the part of one before or after a DST change), the open day's sums and counts are
    kept in registers until then, and each meter's slots are summed in a small buffer that stays in cache and is
    written out once, so no [meters, days, slots] sums and counts are swept."""
    n_rows = bounds.size - 1
    n_slots = DAY // slot_s
    sums = np.zeros((n_rows, n_days))
    counts = np.zeros((n_rows, n_days))
    n_flagged = np.zeros((n_rows, n_days))
    means = np.empty((n_rows, n_days, n_slots))
    flat = means.reshape(n_rows, n_days * n_slots)
    slot_sum = np.zeros(n_days * n_slots)
    slot_count = np.zeros(n_days * n_slots, dtype=np.int64)
    minutes = np.empty(n_rows, dtype=np.int64)
    usual = np.array(USUAL_MINUTES, dtype=np.int64)
    last = starts.size - 1
    sums_flat, counts_flat, flagged_flat = sums.reshape(-1), counts.reshape(-1), n_flagged.reshape(-1)
    for r in range(n_rows):
        start, stop = bounds[r], bounds[r + 1]
        minutes[r] = given_minutes[r] if given_minutes[r] > 0 else meter_interval(utc, start, stop, usual)
        per = max(minutes[r], 1)
        segment = 0  # the zone segment of the previous reading: times ascend, so the search resumes there
        span_lo, span_hi = 1, 0  # UTC seconds [span_lo, span_hi) in the previous reading's segment and local day
        inside, row_day, first_cell, midnight = False, 0, 0, 0
        day_sum, day_count, day_flagged = 0.0, 0.0, 0.0  # the open day's cells (row_day), stored when it closes
        for i in range(start, stop):
            t = utc[i]
            if not (span_lo <= t < span_hi):
                if inside:
                    sums_flat[row_day], counts_flat[row_day], flagged_flat[row_day] = day_sum, day_count, day_flagged
                if t < starts[segment]:
                    segment = 0
                while segment < last and starts[segment + 1] <= t:
                    segment += 1
                offset = offsets[segment]
                epoch_day = (t + offset) // DAY  # the local day, as to_local's wall clock gives it
                midnight = epoch_day * DAY - offset  # its start in UTC seconds, at this segment's offset
                span_lo = max(midnight, starts[segment]) if segment > 0 else midnight  # before starts[0]: segment 0
                span_hi = min(midnight + DAY, starts[segment + 1]) if segment < last else midnight + DAY
                day = epoch_day - first_day
                inside = 0 <= day < n_days
                row_day, first_cell = r * n_days + day, day * n_slots
                if inside:
                    day_sum, day_count, day_flagged = sums_flat[row_day], counts_flat[row_day], flagged_flat[row_day]
            if inside:
                if flagged[i]:
                    day_flagged += 1.0
                else:
                    day_sum += kwh[i]
                    day_count += 1.0
                    # (seconds of day) * n_slots // DAY == (seconds of day) // slot_s: a division by a constant
                    cell = first_cell + (t - midnight) * n_slots // DAY
                    slot_sum[cell] += kwh[i] * 60.0 / per
                    slot_count[cell] += 1
        if inside:
            sums_flat[row_day], counts_flat[row_day], flagged_flat[row_day] = day_sum, day_count, day_flagged
        for c in range(slot_sum.size):
            count = slot_count[c]
            if count == 1:  # x / 1 is x: most cells of a meter with the slot's interval hold one reading
                flat[r, c] = slot_sum[c]
            elif count > 0:
                flat[r, c] = slot_sum[c] / count
            else:
                flat[r, c] = np.nan
            slot_sum[c] = 0.0
            slot_count[c] = 0
    return sums, counts, n_flagged, means, minutes


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
