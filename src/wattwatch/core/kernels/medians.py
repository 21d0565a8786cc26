"""Compiled NaN-ignoring medians: of whole rows, of a day window per row, of columns, of groups.

NumPy's way (core.blocks' NumPy twin in tests/numpy_medians.py) sorts every row in full, NaN last, and takes
0.5 * (lo + hi) of the two middle order statistics. Here each row's non-NaN values are copied to a buffer and only
those two order statistics are selected (`kth_smallest`, a few linear passes), so the result is the same number
bit for bit: the median is an order statistic or that same mean of two. (Equal values are interchangeable; the
one exception NumPy itself leaves to its sort algorithm is the sign of a zero median when -0.0 and 0.0 tie.)

The window kernels take the median of x[i, lo[i]:hi[i]] directly, where NumPy first masked a whole [m, d] copy
with NaN outside the window and sorted all of it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from wattwatch.core.kernels.lookalike_days import kth_smallest
from wattwatch.core.kernels.reductions import KERNEL


SMALL = 16  # up to this many values an insertion sort beats selection (a week's seven days)


@njit(**KERNEL)
def median_of(buf, n, scratch):
    """Median of buf[:n] (no NaN; NaN when n is 0) as NumPy's sorted order gives it; reorders buf[:n]. `scratch`
    is at least n long. A few values are sorted in place; otherwise the lower middle value is selected, and the
    upper one of an even count found in one more pass: the lower one again when enough values equal it, else the
    smallest value above it."""
    if n == 0:
        return np.nan
    if n <= SMALL:
        for i in range(1, n):
            v = buf[i]
            j = i - 1
            while j >= 0 and buf[j] > v:
                buf[j + 1] = buf[j]
                j -= 1
            buf[j + 1] = v
        return 0.5 * (buf[(n - 1) // 2] + buf[n // 2])
    lo = kth_smallest(buf, n, (n - 1) // 2, scratch)
    hi = lo
    if n % 2 == 0:
        at_most = 0
        above = np.inf
        for i in range(n):
            v = buf[i]
            at_most += np.int64(v <= lo)
            above = min(above, v if v > lo else np.inf)  # branch-free: a select and a min
        if at_most <= n // 2:
            hi = above
    return 0.5 * (lo + hi)


@njit(**KERNEL)
def window_medians(x, lo, hi):
    """Median of the non-NaN x[i, lo[i]:hi[i]] per row (the window clipped to the row; NaN when empty)."""
    m, d = x.shape
    out = np.empty(m)
    buf = np.empty(d)
    scratch = np.empty(d)
    for i in range(m):
        count = 0
        for j in range(max(lo[i], 0), min(hi[i], d)):
            v = x[i, j]
            if v == v:
                buf[count] = v
                count += 1
        out[i] = median_of(buf, count, scratch)
    return out


@njit(**KERNEL)
def strided_window_medians(x, first, width, step, n_windows, min_finite):
    """[m, n_windows]: window w of row i is x[i, a:a + width] with a = first[i] + w * step (clipped to the row);
    its median ignoring NaN, or NaN when fewer than min_finite of its values are finite."""
    m, d = x.shape
    out = np.empty((m, n_windows))
    buf = np.empty(max(width, 0))
    scratch = np.empty(max(width, 0))
    for i in range(m):
        for w in range(n_windows):
            a = first[i] + w * step
            n, finite = 0, 0
            for j in range(max(a, 0), min(a + width, d)):
                v = x[i, j]
                if v == v:
                    buf[n] = v
                    n += 1
                    finite += np.int64(np.isfinite(v))
            out[i, w] = median_of(buf, n, scratch) if finite >= min_finite else np.nan
    return out


@njit(**KERNEL)
def last_finite_medians(x, lo, hi, n):
    """Per row, of the last n finite values in x[i, lo[i]:hi[i]] (clipped to the row): their median and the column
    of the first of them; NaN and -1 when the window holds fewer (n >= 1)."""
    m, d = x.shape
    med = np.full(m, np.nan)
    first = np.full(m, -1, dtype=np.int64)
    buf = np.empty(max(n, 0))
    scratch = np.empty(max(n, 0))
    for i in range(m):
        count = 0
        j = min(hi[i], d) - 1
        while j >= max(lo[i], 0) and count < n:
            if np.isfinite(x[i, j]):
                buf[count] = x[i, j]
                count += 1
            j -= 1
        if count == n:
            med[i] = median_of(buf, n, scratch)
            first[i] = j + 1
    return med, first


@njit(**KERNEL)
def year_ago_medians(x, start, year_days):
    """Per row, over the days t >= start[i] whose day t - year_days lies before start[i] (and in the row), where
    both x[t] and x[t - year_days] are finite: (median of x[t], median of x[t - year_days], how many such days)."""
    m, d = x.shape
    now = np.empty(m)
    ago = np.empty(m)
    count = np.zeros(m, dtype=np.int64)
    now_buf = np.empty(d)
    ago_buf = np.empty(d)
    scratch = np.empty(d)
    for i in range(m):
        n = 0
        for t in range(max(start[i], year_days, 0), min(start[i] + year_days, d)):
            v, w = x[i, t], x[i, t - year_days]
            if np.isfinite(v) and np.isfinite(w):
                now_buf[n] = v
                ago_buf[n] = w
                n += 1
        count[i] = n
        now[i] = median_of(now_buf, n, scratch)
        ago[i] = median_of(ago_buf, n, scratch)
    return now, ago, count


@njit(**KERNEL)
def column_ratio_medians(x, scale, block_cols):
    """Median over rows of x[i, j] / scale[i] per column j, over the rows with scale[i] > 0 and a non-NaN ratio.
    Columns go in blocks of `block_cols`, each row's block read contiguously, so the [m, d] ratio matrix and its
    transpose are never made."""
    m, d = x.shape
    out = np.empty(d)
    buf = np.empty((block_cols, m))
    count = np.empty(block_cols, dtype=np.int64)
    scratch = np.empty(m)
    for first in range(0, d, block_cols):
        width = min(block_cols, d - first)
        count[:] = 0
        for i in range(m):
            s = scale[i]
            if not s > 0:
                continue
            for c in range(width):
                v = x[i, first + c] / s
                if v == v:
                    buf[c, count[c]] = v
                    count[c] += 1
        for c in range(width):
            out[first + c] = median_of(buf[c], count[c], scratch)
    return out


@njit(**KERNEL)
def group_medians(group, values, n_groups):
    """Median of the finite values of each group (group ids 0..n_groups - 1, -1: none) and their count per group:
    a counting sort by group, then a selection per group."""
    counts = np.zeros(n_groups, dtype=np.int64)
    for i in range(group.size):
        if group[i] >= 0 and np.isfinite(values[i]):
            counts[group[i]] += 1
    starts = np.zeros(n_groups + 1, dtype=np.int64)
    for g in range(n_groups):
        starts[g + 1] = starts[g] + counts[g]
    filled = starts[:-1].copy()
    ordered = np.empty(starts[n_groups])
    for i in range(group.size):
        g = group[i]
        if g >= 0 and np.isfinite(values[i]):
            ordered[filled[g]] = values[i]
            filled[g] += 1
    med = np.empty(n_groups)
    scratch = np.empty(ordered.size)
    for g in range(n_groups):
        med[g] = median_of(ordered[starts[g]:starts[g + 1]], counts[g], scratch)
    return med, counts
