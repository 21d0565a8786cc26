"""The per-day lamp-block search of core.blocks, compiled: one meter-day at a time, every candidate in registers.

The NumPy formulation (tests/numpy_blocks.py) builds [days, lengths, starts] candidate arrays and is bound by the
memory traffic; here each day's circular cumulative sums and edge jumps sit in small work arrays and each candidate
is a handful of flops. Objective, tie rule, coarse-to-fine search and the chosen block's description are those of
core.blocks' module doc, computed in the same floating-point order (pairwise sums where NumPy reduces), so the
results are identical.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from wattwatch.core.kernels.reductions import KERNEL, pairwise_sum

N_FIELDS = 7  # float outputs per day: step, edge_kw, contrast, sharpness, edge_share, base, roughness
EPS = float(np.finfo(np.float64).eps)
RANK_SORT_MAX = 48  # days of more valid slots are sorted by argsort (see sort_valid)
# One day's work arrays (numba compiles a namedtuple of arrays like a struct): the day, its circular cumulative sums
# and valid counts and its edge jumps and their validity over two laps (load_day), scratch values / slots, each
# slot's deviation from its segment's median, the day's sorted values with their slots, and the two segments' values.
Workspace = namedtuple("Workspace", "x ring_sum ring_cnt jump jump_ok buf scratch scratch_slots deviation ordered "
                                    "slot seg_in seg_out")


@njit(**KERNEL)
def fit_days(x, lengths, weights, described, min_valid_frac, coarse_slots, tie_rtol, floor_frac, mad_to_sd):
    """Best block of every row of x (float64[n, s], NaN = missing): (observed bool[n], start int64[n] (-1 none),
    length int64[n] (0 none), values float64[N_FIELDS, n] in DailyBlocks' float field order, NaN where none).
    Only blocks whose length column is `described` get the measures after the step (the others: NaN)."""
    n, s = x.shape
    observed = np.zeros(n, dtype=np.bool_)
    start = np.full(n, -1, dtype=np.int64)
    length = np.zeros(n, dtype=np.int64)
    values = np.full((N_FIELDS, n), np.nan)
    factor = s // coarse_slots if s > coarse_slots and s % coarse_slots == 0 else 1
    n_lengths = lengths.size
    coarse_lengths = lengths // factor
    every_start = np.arange(s)
    every_coarse_start = np.arange(coarse_slots)
    every_length = np.arange(n_lengths)
    near_starts = np.empty(2 * factor + 1, dtype=np.int64)
    near_lengths = np.empty(3, dtype=np.int64)
    work = workspace(s)
    coarse_work = workspace(coarse_slots)
    coarse_x = np.empty(coarse_slots)
    fits = np.empty(max(s, coarse_slots) * n_lengths)
    steps = np.empty_like(fits)
    for r in range(n):
        row = x[r]
        n_valid = 0
        for k in range(s):
            n_valid += not np.isnan(row[k])
        observed[r] = n_valid >= min_valid_frac * s
        if factor == 1:
            scale = load_day(row, work)
            if n_valid == s:
                a, column, step = search_complete(work, scale, lengths, weights, tie_rtol, fits)
            else:
                a, column, step = search(work, scale, every_start, every_length, lengths, weights, tie_rtol, fits,
                                         steps)
        else:
            coarse_means(row, factor, coarse_x)
            coarse_scale = load_day(coarse_x, coarse_work)
            if coarse_work.ring_cnt[coarse_slots] == coarse_slots:
                a_c, column_c, _ = search_complete(coarse_work, coarse_scale, coarse_lengths, weights, tie_rtol, fits)
            else:
                a_c, column_c, _ = search(coarse_work, coarse_scale, every_coarse_start, every_length, coarse_lengths,
                                          weights, tie_rtol, fits, steps)
            for i in range(2 * factor + 1):
                near_starts[i] = (a_c * factor + i - factor) % s
            for i in range(3):
                near_lengths[i] = min(max(column_c + i - 1, 0), n_lengths - 1)
            scale = load_day(row, work)
            a, column, step = search(work, scale, near_starts, near_lengths, lengths, weights, tie_rtol, fits, steps)
            if a_c < 0:
                a = -1
        if observed[r] and a >= 0:
            start[r] = a
            length[r] = lengths[column]
            values[0, r] = step
            if described[column]:
                describe(work, a, lengths[column], step, floor_frac, mad_to_sd, values, r)
    return observed, start, length, values


@njit(**KERNEL)
def workspace(s):
    """A Workspace for days of s slots."""
    return Workspace(np.empty(s), np.zeros(2 * s + 1), np.zeros(2 * s + 1, dtype=np.int64), np.empty(2 * s),
                     np.empty(2 * s, dtype=np.int64), np.empty(s), np.empty(s), np.empty(s, dtype=np.int64),
                     np.empty(s), np.empty(s), np.empty(s, dtype=np.int64), np.empty(s), np.empty(s))


@njit(**KERNEL)
def load_day(row, w):
    """Copy a day into the workspace with its circular cumulative sums (NaN as 0) and valid counts over two laps,
    and the edge jumps x[k+1] - x[k-2] (0 where either is NaN; jump_ok 0/1), also over two laps so that a block's
    end needs no modulo; returns max |x| (the tie scale)."""
    x, ring_sum, ring_cnt, jump, jump_ok = w.x, w.ring_sum, w.ring_cnt, w.jump, w.jump_ok
    s = row.size
    scale = 0.0
    for k in range(s):
        x[k] = row[k]
    for i in range(2 * s):  # indices wrap by a compare, not a modulo: s is not a constant, so % is a division
        v = x[i if i < s else i - s]
        valid = not np.isnan(v)
        ring_sum[i + 1] = ring_sum[i] + (v if valid else 0.0)
        ring_cnt[i + 1] = ring_cnt[i] + valid
        if i < s and valid and abs(v) > scale:
            scale = abs(v)
    for k in range(s):
        d = x[k + 1 if k + 1 < s else k + 1 - s] - x[k - 2 if k >= 2 else k - 2 + s]
        valid = not np.isnan(d)
        jump[k] = jump[k + s] = d if valid else 0.0
        jump_ok[k] = jump_ok[k + s] = valid
    return scale


@njit(**KERNEL)
def coarse_means(row, factor, out):
    """Mean of each run of `factor` slots ignoring NaN (NaN when all are missing), as blocks' coarse means."""
    filled = np.empty(factor)
    for h in range(out.size):
        count = 0
        for k in range(factor):
            v = row[h * factor + k]
            valid = not np.isnan(v)
            count += valid
            filled[k] = v if valid else 0.0
        out[h] = pairwise_sum(filled, 0, factor) / max(count, 1) if count > 0 else np.nan


@njit(**KERNEL)
def search(w, scale, starts, length_columns, lengths, weights, tie_rtol, fits, steps):
    """Best candidate among starts x lengths[length_columns] on the loaded day `w`, first in (length column, start)
    order among those within tie_rtol of the best fit: (start slot, length column, step); (-1, -1, NaN) if none."""
    floor = tie_rtol * scale
    best = -np.inf
    k = 0
    for column in length_columns:
        span = lengths[column]
        weight = weights[column]
        for a in starts:
            fit, step = candidate(w, a, span, weight, floor)
            fits[k] = fit
            steps[k] = step
            if fit > best:
                best = fit
            k += 1
    if not np.isfinite(best):
        return -1, -1, np.nan
    threshold = best - tie_rtol * abs(best)
    n_starts = starts.size
    for i in range(k):
        if fits[i] >= threshold:
            return starts[i % n_starts], length_columns[i // n_starts], steps[i]
    return -1, -1, np.nan


@njit(**KERNEL, inline="always")
def candidate(w, a, span, weight, floor):
    """(fit, step) of the block [a, a + span) of the loaded day; fit -inf when the block is not usable (a segment
    without valid slots, step not above `floor`, no valid edge, fit not positive). NumPy's operations in NumPy's
    order: these are the exact fits."""
    ring_sum, ring_cnt, jump, jump_ok = w.ring_sum, w.ring_cnt, w.jump, w.jump_ok
    s = w.x.size
    b = a + span
    n_in = ring_cnt[b] - ring_cnt[a]
    n_out = ring_cnt[s] - n_in
    n_edges = jump_ok[a] + jump_ok[b]
    s_in = ring_sum[b] - ring_sum[a]
    step = s_in / n_in - (ring_sum[s] - s_in) / n_out
    edge = (jump[a] - jump[b]) / n_edges
    value = weight * n_in * n_out / ring_cnt[s] * step * (edge if edge < step else step)
    usable = (n_in > 0) & (n_out > 0) & (n_edges > 0) & (step > floor) & (value > 0)
    return (value if usable else -np.inf), step


@njit(**KERNEL)
def search_complete(w, scale, lengths, weights, tie_rtol, fits):
    """search() over every start and length of a day with every slot valid, in two passes with the same answer:
    first each fit with reciprocals instead of divisions (the edge count is 2 and a halving is exact, so only the
    step is approximate, by at most `slack` in kW), then the exact fit (candidate()) of only the candidates that
    the approximation cannot rule out of the tie rule, and of those whose usability it cannot decide."""
    ring_sum, jump = w.ring_sum, w.jump
    s = w.x.size
    total = ring_sum[s]
    floor = tie_rtol * scale
    slack = 16.0 * EPS * scale  # bound on the step's error: a few roundings of means no larger than scale
    n_lengths = lengths.size
    largest_size = 0.0
    for column in range(n_lengths):  # branch-free, so that the compiler vectorises it over the starts
        span = lengths[column]
        size = weights[column] * span * (s - span) / s
        largest_size = max(largest_size, size)
        inv_in = 1.0 / span
        inv_out = 1.0 / (s - span)
        k = column * s
        for a in range(s):
            b = a + span
            s_in = ring_sum[b] - ring_sum[a]
            step = s_in * inv_in - (total - s_in) * inv_out
            edge = (jump[a] - jump[b]) * 0.5
            fit = size * step * min(edge, step)
            fit = fit if (step > floor) & (edge > 0) else -np.inf
            fits[k + a] = fit if abs(step - floor) > slack else np.nan  # NaN: too close to the floor to decide
    best = -np.inf
    for i in range(n_lengths * s):
        if np.isnan(fits[i]):
            fits[i] = candidate(w, i % s, lengths[i // s], weights[i // s], floor)[0]
        best = max(best, fits[i])
    if not np.isfinite(best):
        return -1, -1, np.nan
    error = 4.0 * largest_size * slack * 4.0 * scale  # bound on a fit's error (step and edge at most 2 * scale)
    keep = best - tie_rtol * abs(best) - 3.0 * error
    exact_best = -np.inf
    for i in range(n_lengths * s):
        if fits[i] >= keep:
            fits[i] = candidate(w, i % s, lengths[i // s], weights[i // s], floor)[0]
            exact_best = max(exact_best, fits[i])
        else:
            fits[i] = -np.inf
    if not np.isfinite(exact_best):
        return -1, -1, np.nan
    threshold = exact_best - tie_rtol * abs(exact_best)
    for i in range(n_lengths * s):
        if fits[i] >= threshold:
            a, column = i % s, i // s
            return a, column, candidate(w, a, lengths[column], weights[column], floor)[1]
    return -1, -1, np.nan


@njit(**KERNEL)
def describe(w, a, span, step, floor_frac, mad_to_sd, out, r):
    """Edge, spread, sharpness, base and roughness of the block [a, a + span) of the loaded day into out[:, r]."""
    x, jump, jump_ok, buf, scratch, deviation = w.x, w.jump, w.jump_ok, w.buf, w.scratch, w.deviation
    ordered, slot, seg_in, seg_out, sorter = w.ordered, w.slot, w.seg_in, w.seg_out, w.scratch_slots
    s = x.size
    b = (a + span) % s
    edge = (jump[a] - jump[b]) / (jump_ok[a] + jump_ok[b])
    # Medians from one sort of the day: each segment's values in ascending order, their medians, each segment's
    # deviations from its median in ascending order (walking outwards from the median), and the median of the
    # union of the two deviation lists: the values NumPy's row medians take, without sorting four times.
    n_valid = sort_valid(x, ordered, slot, scratch, sorter)
    n_in = 0
    n_out = 0
    for i in range(n_valid):
        if slots_since(slot[i], a, s) < span:
            seg_in[n_in] = ordered[i]
            n_in += 1
        else:
            seg_out[n_out] = ordered[i]
            n_out += 1
    med_in = sorted_median(seg_in, n_in)
    med_out = sorted_median(seg_out, n_out)
    deviations_ascending(seg_in, n_in, med_in, buf)
    deviations_ascending(seg_out, n_out, med_out, scratch)
    spread = mad_to_sd * merged_median(buf, n_in, scratch, n_out)
    for k in range(s):
        deviation[k] = abs(x[k] - (med_in if slots_since(k, a, s) < span else med_out))
    wander_in = inner_mean(deviation, a, 1, span - 1, s, buf)
    wander_out = inner_mean(deviation, a, span + 1, s - 1, s, buf)
    base = inner_mean(x, a, span, s, s, buf)
    for k in range(s - 1):
        deviation[k] = abs(x[k + 1] - x[k])  # the slot deviations are summed above: free for the slot changes
    wiggle = sorted_median(buf, sort_valid(deviation[: s - 1], buf, slot, scratch, sorter))
    floor = floor_frac * step
    out[1, r] = edge
    out[2, r] = step / nan_max(spread, floor)
    out[3, r] = edge / nan_max(wiggle, floor)
    out[4, r] = edge / step
    out[5, r] = base
    out[6, r] = (wander_in - wander_out) / step


@njit(**KERNEL)
def inner_mean(values, a, lo, hi, s, buf):
    """Mean of the non-NaN values of the slots lo <= (k - a) % s < hi, NaN when none; summed as NumPy sums the
    masked row (zeros elsewhere)."""
    count = 0
    for k in range(s):
        into = slots_since(k, a, s)
        v = values[k]
        keep = lo <= into < hi and not np.isnan(v)
        count += keep
        buf[k] = v if keep else 0.0
    if count == 0:
        return np.nan
    return pairwise_sum(buf, 0, s) / max(count, 1)


@njit(**KERNEL)
def sort_valid(x, ordered, slot, values, slots):
    """The non-NaN values of x in ascending order into `ordered`, with their slots into `slot` (`values`, `slots`:
    work arrays as long as x); returns how many. A day of up to RANK_SORT_MAX slots is sorted by ranks (each
    value's count of smaller ones, ties by position): n^2 comparisons, but branch-free ones that the compiler
    vectorises, about three times faster than an insertion sort's mispredicted branches at 24 slots."""
    count = 0
    for k in range(x.size):
        if not np.isnan(x[k]):
            values[count] = x[k]
            slots[count] = k
            count += 1
    if count > RANK_SORT_MAX:
        order = np.argsort(values[:count], kind="mergesort")
        for i in range(count):
            ordered[i] = values[order[i]]
            slot[i] = slots[order[i]]
        return count
    for i in range(count):
        v = values[i]
        rank = 0
        same = 0
        for j in range(count):
            rank += values[j] < v
            same += values[j] == v
        if same > 1:  # ties (rare): equal values keep their order
            for j in range(i):
                rank += values[j] == v
        ordered[rank] = v
        slot[rank] = slots[i]
    return count


@njit(**KERNEL, inline="always")
def sorted_median(values, n):
    """Median of the ascending values[:n] (NaN when n is 0), as row_median takes it."""
    return 0.5 * (values[(n - 1) // 2] + values[n // 2]) if n > 0 else np.nan


@njit(**KERNEL)
def deviations_ascending(values, n, centre, out):
    """|v - centre| of the ascending values[:n], in ascending order: merge the values below the centre (walking
    down) with those above it (walking up)."""
    up = 0
    while up < n and values[up] < centre:
        up += 1
    down = up - 1
    for i in range(n):
        if up >= n or (down >= 0 and abs(values[down] - centre) <= abs(values[up] - centre)):
            out[i] = abs(values[down] - centre)
            down -= 1
        else:
            out[i] = abs(values[up] - centre)
            up += 1


@njit(**KERNEL)
def merged_median(p, n_p, q, n_q):
    """Median of the union of the ascending p[:n_p] and q[:n_q] (NaN when both are empty)."""
    n = n_p + n_q
    if n == 0:
        return np.nan
    i = j = 0
    lo = hi = 0.0
    for k in range(n // 2 + 1):
        if j >= n_q or (i < n_p and p[i] <= q[j]):
            v = p[i]
            i += 1
        else:
            v = q[j]
            j += 1
        if k == (n - 1) // 2:
            lo = v
        if k == n // 2:
            hi = v
    return 0.5 * (lo + hi)


@njit(**KERNEL, inline="always")
def slots_since(k, a, s):
    """(k - a) % s for 0 <= k, a < s, without a division."""
    return k - a if k >= a else k - a + s


@njit(**KERNEL, inline="always")
def nan_max(a, b):
    """np.maximum: NaN when either is NaN."""
    if np.isnan(a) or np.isnan(b):
        return np.nan
    return a if a >= b else b
