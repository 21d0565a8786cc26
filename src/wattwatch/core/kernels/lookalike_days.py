"""Compiled per-meter passes of the look-alike hourly measures: the grouped mean profiles of the added load, the
EV days' quiet level and hot-run statistics and the night levels of the night-shift measure
(core.lookalike_profiles, core.lookalike_events). Each reads a meter's hourly values once, where NumPy made masked
copies, sorted all days and reduced many [m, d, 24] temporaries. The EV and night passes read the noon-to-noon
"evening days" straight from the [m, d, 24] local days (`evening_value`) instead of a re-laid copy of them.

Same results, bit for bit, as the NumPy formulations in tests/numpy_lookalikes.py: the profile sums add the days
one by one in day order, as NumPy's einsum over the day axis does, and the hot hours' excess and the night hours
are summed in NumPy's pairwise order (`reductions.pairwise_sum`). The quiet level selects its order statistic
(`kth_smallest`) instead of sorting all days.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from wattwatch.core.kernels.reductions import KERNEL, pairwise_sum

# The quiet level's selection brackets the rank with sample order statistics SELECT_MARGIN places either side of its
# place among SELECT_SAMPLE strided values: about a fifth of the days fall between, and the rank almost always does.
SELECT_SAMPLE = 32
SELECT_MARGIN = 3


@njit(**KERNEL)
def grouped_mean_profiles(hourly, group, n_groups, min_days, min_hours):
    """[m, n_groups * h] mean hour profiles: day j of meter i adds to group group[i, j] (-1: no group) when at
    least min_hours of its hours are finite; a group's hour is the mean of its finite values (NaN without any), a
    whole group is NaN with fewer than min_days days."""
    m, d, h = hourly.shape
    out = np.empty((m, n_groups * h))
    total = np.empty((n_groups, h))
    count = np.empty((n_groups, h))
    days = np.empty(n_groups, dtype=np.int64)
    for i in range(m):
        total[:] = 0.0
        count[:] = 0.0
        days[:] = 0
        for j in range(d):
            g = group[i, j]
            if g < 0 or finite_hours(hourly[i, j]) < min_hours:
                continue
            days[g] += 1
            for k in range(h):
                v = hourly[i, j, k]
                if np.isfinite(v):
                    total[g, k] += v
                    count[g, k] += 1.0
        for g in range(n_groups):
            for k in range(h):
                if days[g] >= min_days and count[g, k] > 0:
                    out[i, g * h + k] = total[g, k] / count[g, k]
                else:
                    out[i, g * h + k] = np.nan
    return out


@njit(**KERNEL)
def evening_value(hourly, i, j, k):
    """Hour k of meter i's evening day j (noon of day j to noon of day j + 1, core.lookalike_events): hour 0 is
    12:00 of day j, hour 12 is 00:00 of day j + 1; NaN after the last day."""
    half = hourly.shape[2] // 2
    if k < half:
        return hourly[i, j, half + k]
    if j + 1 < hourly.shape[1]:
        return hourly[i, j + 1, k - half]
    return np.nan


@njit(**KERNEL)
def ev_day_stats(hourly, after, min_hours, quantile, min_kw):
    """The valid evening days (in `after`, with at least min_hours finite hours) and per day (hot hours, hot runs,
    hot excess kWh, first hot hour, peak hot excess), where an hour is hot with an excess over the meter's quiet
    level (the lower `quantile` of its valid days' finite values at that hour) of at least min_kw. Invalid days have
    no hot hours. `hourly` holds local days [m, d, 24]; the evening days are read from it (`evening_value`)."""
    m, d, h = hourly.shape
    valid = np.zeros((m, d), dtype=np.bool_)
    half = h // 2
    for i in range(m):
        for j in range(d):
            if after[i, j]:  # the evening day's finite hours: the afternoon of day j, the morning of day j + 1
                n = 0
                for k in range(half, 2 * half):  # evening_value's hours 0 .. half - 1
                    n += np.int64(np.isfinite(hourly[i, j, k]))
                if j + 1 < d:  # and its hours half .. h - 1
                    for k in range(h - half):
                        n += np.int64(np.isfinite(hourly[i, j + 1, k]))
                valid[i, j] = n >= min_hours
    n_hot = np.zeros((m, d), dtype=np.int64)
    runs = np.zeros((m, d), dtype=np.int64)
    energy = np.zeros((m, d))
    start = np.zeros((m, d))
    peak = np.full((m, d), -np.inf)
    quiet = np.empty(h)
    values = np.empty((h, d))  # each hour's non-NaN values of the meter's valid days, first n_values[k]
    n_values = np.empty(h, dtype=np.int64)
    n_finite = np.empty(h, dtype=np.int64)  # infinities take part in the order but not in the count
    scratch = np.empty(max(d, SELECT_SAMPLE))
    hot_excess = np.empty(h)
    for i in range(m):
        n_values[:] = 0
        n_finite[:] = 0
        for j in range(d):
            if not valid[i, j]:
                continue
            for k in range(h):
                v = evening_value(hourly, i, j, k)
                if not np.isnan(v):
                    values[k, n_values[k]] = v
                    n_values[k] += 1
                    if np.isfinite(v):
                        n_finite[k] += 1
        for k in range(h):
            if n_finite[k] == 0:
                quiet[k] = np.nan
            else:
                rank = int(np.floor(quantile * (n_finite[k] - 1)))
                quiet[k] = kth_smallest(values[k], n_values[k], rank, scratch)
        for j in range(d):
            if not valid[i, j]:
                continue
            previous_hot = False
            first = -1
            for k in range(h):
                excess = evening_value(hourly, i, j, k) - quiet[k]
                hot = excess >= min_kw
                hot_excess[k] = excess if hot else 0.0
                if hot:
                    n_hot[i, j] += 1
                    if not previous_hot:
                        runs[i, j] += 1
                    if first < 0:
                        first = k
                    if excess > peak[i, j]:
                        peak[i, j] = excess
                previous_hot = hot
            energy[i, j] = pairwise_sum(hot_excess, 0, h)
            start[i, j] = max(first, 0)
    return valid, n_hot, runs, energy, start, peak


@njit(**KERNEL)
def finite_hours(day):
    """How many of a day's hours are finite (a full day needs most of them)."""
    n = 0
    for v in day:
        n += np.int64(np.isfinite(v))
    return n


@njit(**KERNEL)
def kth_smallest(a, n, rank, scratch):
    """The rank-th smallest of a[:n] (no NaN), what np.sort(a[:n])[rank] holds; reorders a[:n]. Long inputs first
    try two bounds from a strided sample around the rank's place: one branch-free pass counts the values under the
    lower bound and copies those between the bounds to `scratch` (at least n long), and when the rank falls among
    those, only they are searched. Otherwise (or short inputs) Wirth's selection on all of a[:n]."""
    if n >= 4 * SELECT_SAMPLE:
        step = n // SELECT_SAMPLE
        for s in range(SELECT_SAMPLE):
            scratch[s] = a[s * step]
        place = rank * SELECT_SAMPLE // n
        lower = wirth_select(scratch, SELECT_SAMPLE, max(place - SELECT_MARGIN, 0))
        upper = wirth_select(scratch, SELECT_SAMPLE, min(place + SELECT_MARGIN, SELECT_SAMPLE - 1))
        below, kept = 0, 0
        for i in range(n):
            v = a[i]
            scratch[kept] = v
            below += np.int64(v < lower)
            kept += np.int64((v >= lower) & (v <= upper))
        if below <= rank < below + kept:
            return wirth_select(scratch, kept, rank - below)
    return wirth_select(a, n, rank)


@njit(**KERNEL)
def wirth_select(a, n, rank):
    """The rank-th smallest of a[:n] (no NaN) by Wirth's selection: partitions a[:n] in place around a pivot until
    the rank-th place is fixed, a few passes instead of a full sort."""
    lo, hi = 0, n - 1
    while lo < hi:
        pivot = a[rank]
        i, j = lo, hi
        while i <= j:
            while a[i] < pivot:
                i += 1
            while pivot < a[j]:
                j -= 1
            if i <= j:
                a[i], a[j] = a[j], a[i]
                i += 1
                j -= 1
        if j < rank:
            lo = i
        if rank < i:
            hi = j
    return a[rank]


@njit(**KERNEL)
def night_levels(hourly, lo, hi, min_hours):
    """[m, d] mean kW of hours lo..hi-1 of each evening day (read from the local days `hourly`, `evening_value`)
    with at least min_hours finite of them (NaN hours left out of the mean), NaN for the other days; summed in
    NumPy's pairwise order, as np.nanmean does."""
    m, d, _ = hourly.shape
    n = hi - lo
    out = np.empty((m, d))
    night = np.empty(n)
    for i in range(m):
        for j in range(d):
            n_finite, n_values = 0, 0
            for k in range(n):
                v = evening_value(hourly, i, j, lo + k)
                if np.isnan(v):
                    night[k] = 0.0
                else:
                    night[k] = v
                    n_values += 1
                    if np.isfinite(v):
                        n_finite += 1
            out[i, j] = pairwise_sum(night, 0, n) / n_values if n_finite >= min_hours else np.nan
    return out
