"""Compiled per-meter passes of the theft detector (core.drop, core.runs): runs of consecutive days, the change-day
search and the flat-run measures, one row at a time, where NumPy built [m, d] and [m, candidates] temporaries and
sorted whole masked rows for each median.

Bit for bit the NumPy formulations in tests/numpy_drop.py: the running sums add day by day as np.cumsum does, the
row total in NumPy's pairwise order (`reductions.pairwise_sum`), the split statistic with the same operations in
the same order (core.increase.split_statistic), ties to the first candidate as np.argmax takes them, and medians
by selection (core.kernels.medians). Logarithms stay in NumPy: the callers pass log1p(kWh) in.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from wattwatch.core.kernels.medians import median_of
from wattwatch.core.kernels.reductions import KERNEL, pairwise_sum


@njit(**KERNEL)
def run_lengths(mask):
    """Per element of mask [m, d]: the length of the run of True it belongs to (0 on False) and the index where
    that run starts (on False: its own index + 1, as the NumPy definition leaves it)."""
    m, d = mask.shape
    length = np.zeros((m, d), dtype=np.int64)
    start = np.empty((m, d), dtype=np.int64)
    for i in range(m):
        j = 0
        while j < d:
            if not mask[i, j]:
                start[i, j] = j + 1
                j += 1
                continue
            end = j
            while end < d and mask[i, end]:
                end += 1
            for t in range(j, end):
                length[i, t] = end - j
                start[i, t] = j
            j = end
    return length, start


@njit(**KERNEL)
def evidence_days(x, zero_days, min_run):
    """x [m, d] with the days of runs of at least min_run consecutive zero_days set to 0.0, the days of shorter
    such runs to NaN, the others as they are."""
    m, d = x.shape
    out = np.empty((m, d))
    for i in range(m):
        j = 0
        while j < d:
            if not zero_days[i, j]:
                out[i, j] = x[i, j]
                j += 1
                continue
            end = j
            while end < d and zero_days[i, end]:
                end += 1
            out[i, j:end] = 0.0 if end - j >= min_run else np.nan
            j = end
    return out


@njit(**KERNEL)
def longest_true_run(flags, n):
    """Length and start (-1 if none) of the longest run of True in flags[:n]; ties to the earliest run."""
    best, first = 0, -1
    j = 0
    while j < n:
        if not flags[j]:
            j += 1
            continue
        end = j
        while end < n and flags[end]:
            end += 1
        if end - j > best:
            best, first = end - j, j
        j = end
    return best, first


@njit(**KERNEL)
def best_drop_splits(y, ks, local_days, min_history_days, min_after_days, t_eps):
    """Change day per row of y = log1p(kWh) [m, d] (-1 if none): over the candidate days ks, the split whose local
    two-segment statistic (LOCAL_DAYS either side, on values centred by the row's mean) falls most, when at least
    min_history_days observed days lie before it and min_after_days after, and the fall exceeds t_eps."""
    m, d = y.shape
    out = np.full(m, -1, dtype=np.int64)
    values = np.empty(d)
    cs = np.empty(d + 1)
    cn = np.empty(d + 1)
    for i in range(m):
        n_obs = 0
        for j in range(d):
            ok = np.isfinite(y[i, j])
            values[j] = y[i, j] if ok else 0.0
            n_obs += np.int64(ok)
        centre = pairwise_sum(values, 0, d) / max(n_obs, 1)  # keeps the running sums well conditioned
        cs[0] = 0.0
        cn[0] = 0.0
        for j in range(d):
            ok = np.isfinite(y[i, j])
            value = y[i, j] - centre if ok else 0.0
            seen = 1.0 if ok else 0.0
            cs[j + 1] = value if j == 0 else cs[j] + value
            cn[j + 1] = seen if j == 0 else cn[j] + seen
        best_fall = -np.inf
        best_k = ks[0] if ks.size else -1
        for c in range(ks.size):
            k = ks[c]
            lo, hi = max(k - local_days, 0), min(k + local_days, d)
            s1, n1 = cs[k] - cs[lo], cn[k] - cn[lo]
            s2, n2 = cs[hi] - cs[k], cn[hi] - cn[k]
            fall = -((s2 / n2 - s1 / n1) * np.sqrt(n1 * n2 / (n1 + n2)))
            if not (cn[k] >= min_history_days and cn[d] - cn[k] >= min_after_days and np.isfinite(fall)):
                fall = -np.inf
            if fall > best_fall:
                best_fall, best_k = fall, k
        if best_fall > t_eps:
            out[i] = best_k
    return out


@njit(**KERNEL)
def flat_runs(x, zero_days, ratios, rtol, tiny, return_days):
    """The longest flat/zero run per row of x [m, d] (core.drop's module doc, step 6): day j links to day j + 1
    when their ratio is within rtol * r of one of `ratios`, or both are 0, or both below `tiny`.

    Returns per row, as int64 [m, 5]: flat days (links + 1, 0 without a link), first day (-1), finite days before
    the run, those of them on a link, run days flagged in zero_days; and as float64 [m, 3] the medians of the run,
    of the finite days before it, and of the return_days days after it."""
    m, d = x.shape
    counts = np.zeros((m, 5), dtype=np.int64)
    levels = np.empty((m, 3))
    link = np.zeros(max(d - 1, 0), dtype=np.bool_)
    buf = np.empty(d)
    scratch = np.empty(d)
    # every ratio test passes only inside these bounds (twice the tolerance: rounding cannot reach them)
    lowest = np.min(ratios) * (1 - 2 * rtol) if ratios.size else np.inf
    highest = np.max(ratios) * (1 + 2 * rtol) if ratios.size else -np.inf
    for i in range(m):
        for j in range(d - 1):
            prev, cur = x[i, j], x[i, j + 1]
            rel = cur / prev
            same = False
            if lowest <= rel <= highest:  # outside, no ratio can match (NaN fails too)
                for r in ratios:
                    same |= abs(rel - r) <= rtol * r
            link[j] = same | ((cur == 0) & (prev == 0)) | ((cur < tiny) & (prev < tiny))
        n_links, first = longest_true_run(link, d - 1)
        flat_days = n_links + 1 if n_links > 0 else 0
        start = first if n_links > 0 else -1
        end = start + flat_days
        n = 0
        for t in range(max(start, 0), min(end, d)):
            if x[i, t] == x[i, t]:
                buf[n] = x[i, t]
                n += 1
            counts[i, 4] += np.int64(zero_days[i, t])
        levels[i, 0] = median_of(buf, n, scratch)
        n = 0
        for t in range(min(start, d)):
            if np.isfinite(x[i, t]):
                buf[n] = x[i, t]
                n += 1
                counts[i, 3] += np.int64((t > 0 and link[t - 1]) or (t < d - 1 and link[t]))
        counts[i, 2] = n
        levels[i, 1] = median_of(buf, n, scratch)
        n = 0
        for t in range(max(end, 0), min(end + return_days, d)):
            if x[i, t] == x[i, t]:
                buf[n] = x[i, t]
                n += 1
        levels[i, 2] = median_of(buf, n, scratch)
        counts[i, 0], counts[i, 1] = flat_days, start
    return counts, levels


@njit(**KERNEL)
def shape_similarities(kw, split):
    """Per meter of kw [m, d, s] (kW per day and slot, NaN missing): 1 - half the L1 distance between the mean
    daily profiles (negative kW as 0) of its days before split[i] and from split[i] on, each normalised to sum 1;
    NaN where split[i] < 0, or where a side has a slot never observed or a zero total.

    The NumPy formulation (tests/numpy_drop.py) sums each slot over the days as einsum does, one day after the
    other (a day outside a side adds 0 there, which changes no sum), and each profile's and the distance's sum over
    the slots in NumPy's pairwise order."""
    m, d, s = kw.shape
    out = np.full(m, np.nan)
    total = np.empty((2, s))
    count = np.empty((2, s))
    profile = np.empty((2, s))
    distance = np.empty(s)
    for i in range(m):
        k = split[i]
        if k < 0:
            continue
        total[:] = 0.0
        count[:] = 0.0
        for j in range(d):
            side = 0 if j < k else 1
            for h in range(s):
                v = kw[i, j, h]
                if np.isfinite(v):
                    total[side, h] += max(v, 0.0)
                    count[side, h] += 1.0
        for side in range(2):
            for h in range(s):
                profile[side, h] = total[side, h] / count[side, h]
            norm = pairwise_sum(profile[side], 0, s)
            for h in range(s):
                profile[side, h] = profile[side, h] / norm
        for h in range(s):
            distance[h] = abs(profile[0, h] - profile[1, h])
        out[i] = 1 - 0.5 * pairwise_sum(distance, 0, s)
    return out
