"""Compiled per-meter passes of the look-alike season measures (core.lookalike_season): the weekly smoothing and the
within-segment co-movement sums, one row at a time, where NumPy built a dozen [m, d] temporaries.

Bit for bit the NumPy formulation (tests/numpy_season.py): the running sums add day by day as np.cumsum does (the
first day's value is taken as it is, not added to 0.0), and every row total is taken in NumPy's pairwise order
(`reductions.pairwise_sum`) over the full day row, zeros included, exactly as np.sum(np.where(...), axis=1) adds.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from wattwatch.core.kernels.medians import median_of
from wattwatch.core.kernels.reductions import KERNEL, pairwise_sum


@njit(**KERNEL)
def smooth_row(x, half, min_days, cs, cn, out):
    """out[j] = mean of the finite x[j - half : j + half + 1] (clipped to the row), NaN with fewer than min_days
    finite values; cs, cn are scratch of at least x.size + 1."""
    d = x.size
    cs[0] = 0.0
    cn[0] = 0.0
    for j in range(d):
        ok = np.isfinite(x[j])
        value = x[j] if ok else 0.0
        seen = 1.0 if ok else 0.0
        cs[j + 1] = value if j == 0 else cs[j] + value
        cn[j + 1] = seen if j == 0 else cn[j] + seen
    for j in range(d):
        lo = min(max(j - half, 0), d)
        hi = min(max(j + half + 1, 0), d)
        n = cn[hi] - cn[lo]
        out[j] = (cs[hi] - cs[lo]) / n if n >= min_days else np.nan


@njit(**KERNEL)
def smooth_rows(x, half, min_days):
    """smooth_row of every row of x [m, d]."""
    m, d = x.shape
    out = np.empty((m, d))
    cs = np.empty(d + 1)
    cn = np.empty(d + 1)
    for i in range(m):
        smooth_row(x[i], half, min_days, cs, cn, out[i])
    return out


@njit(**KERNEL)
def season_sums(x, population, after_start, half, min_days):
    """Per row of x [m, d] against the curve population [d]: the row is smoothed (smooth_row) and split at day
    after_start[i] into before / after; over the days where both the smoothed row and the curve are finite, each
    segment's day count and means of both, and the sums of products of the segment-centred values.

    Returns counts [m, 2] (before, after), means [m, 4] (row before, row after, curve before, curve after) and
    products [m, 3] (row x curve, curve x curve, row x row)."""
    m, d = x.shape
    counts = np.zeros((m, 2), dtype=np.int64)
    means = np.empty((m, 4))
    products = np.empty((m, 3))
    mine = np.empty(d)
    cs = np.empty(d + 1)
    cn = np.empty(d + 1)
    segment = np.empty(d, dtype=np.int64)  # 0 before, 1 after, -1 where the row or the curve is not finite
    terms = np.empty(d)
    mc = np.empty(d)
    pc = np.empty(d)
    for i in range(m):
        smooth_row(x[i], half, min_days, cs, cn, mine)
        for j in range(d):
            ok = np.isfinite(mine[j]) and np.isfinite(population[j])
            segment[j] = np.int64(j >= after_start[i]) if ok else -1
        for seg in range(2):  # 0: before, 1: after
            n = 0
            for j in range(d):
                n += np.int64(segment[j] == seg)
                terms[j] = mine[j] if segment[j] == seg else 0.0
            counts[i, seg] = n
            means[i, seg] = pairwise_sum(terms, 0, d) / n
            for j in range(d):
                terms[j] = population[j] if segment[j] == seg else 0.0
            means[i, 2 + seg] = pairwise_sum(terms, 0, d) / n
        for j in range(d):
            use_before, use_after = segment[j] == 0, segment[j] == 1
            # NumPy's mc = 0; mc += where(before, ...); mc += where(after, ...): the same adds, zeros included
            mc[j] = (0.0 + (mine[j] - means[i, 0] if use_before else 0.0)) + (mine[j] - means[i, 1] if use_after
                                                                              else 0.0)
            pc[j] = (0.0 + (population[j] - means[i, 2] if use_before else 0.0)) + (
                population[j] - means[i, 3] if use_after else 0.0)
        for j in range(d):
            terms[j] = mc[j] * pc[j]
        products[i, 0] = pairwise_sum(terms, 0, d)
        for j in range(d):
            terms[j] = pc[j] * pc[j]
        products[i, 1] = pairwise_sum(terms, 0, d)
        for j in range(d):
            terms[j] = mc[j] * mc[j]
        products[i, 2] = pairwise_sum(terms, 0, d)
    return counts, means, products


@njit(**KERNEL)
def off_season_weeks(x, lo, hi, level, week_days, max_weeks, min_days):
    """Per row of x [m, d]: up to max_weeks weeks [hi[i] - week_days * (w + 1), hi[i] - week_days * w), counted
    back from hi[i] while they start at lo[i] or later, each judged by its median over min_days or more finite days
    (weeks with fewer are left out): the share of those weeks under level[i] and how many there are (NaN and 0
    where there are none, or level[i] is NaN)."""
    m, d = x.shape
    share = np.full(m, np.nan)
    weeks = np.zeros(m, dtype=np.int64)
    buf = np.empty(week_days)
    scratch = np.empty(week_days)
    for i in range(m):
        if not np.isfinite(level[i]):
            continue
        under = 0
        end = min(hi[i], d)
        for _ in range(max_weeks):
            if end - week_days < max(lo[i], 0):
                break
            count = 0
            for t in range(end - week_days, end):
                if np.isfinite(x[i, t]):
                    buf[count] = x[i, t]
                    count += 1
            if count >= min_days:
                weeks[i] += 1
                under += np.int64(median_of(buf, count, scratch) < level[i])
            end -= week_days
        if weeks[i] > 0:
            share[i] = under / weeks[i]
    return share, weeks
